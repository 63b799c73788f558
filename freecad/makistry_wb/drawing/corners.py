# SPDX-License-Identifier: LGPL-2.1-or-later
"""A polygon traced on a raster, put back onto the lines the drawing has.

A face between drawn lines, or a view's outline, is traced along the strokes' centres along
the sides, but a corner comes out cut or rounded, and an acute one (a rib's wedge between its
slope and the plate it meets, a dovetail's top corner) loses several pixels of its tip where
the strokes close it up. Each side that runs along a drawn straight line is put on that line,
and the corners are where those lines meet: the shape the draughtsman drew.
"""

from __future__ import annotations

import math

from ..plan import Line

ALONG_PX = 2.5  # a side runs along a drawn line when both its ends lie this near it
ALONG_DEG = 4.0  # and their directions differ by less than this
MIN_SIDE_PX = 4.0  # sides shorter than this say nothing about a direction
MIN_LINE_PX = 8.0  # drawn lines shorter than this are junction stubs, not sides
SHORT_PX = 20.0  # a side on no line this short, between two that are, is a cut corner
REACH_PX = 30.0  # how far a corner may move onto where its two lines meet
MIN_TURN_DEG = 10.0  # lines nearer parallel than this meet too far off to trust


def unit(dx: float, dy: float) -> tuple[float, float]:
    n = math.hypot(dx, dy)
    return dx / n, dy / n


def _distance(point, line: Line) -> float:
    ux, uy = unit(line.x1 - line.x0, line.y1 - line.y0)
    return abs((point[0] - line.x0) * uy - (point[1] - line.y0) * ux)


def angle_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Angle between two directions, either way round (0-90 degrees)."""
    cos = abs(a[0] * b[0] + a[1] * b[1])
    return math.degrees(math.acos(min(1.0, cos)))


def slope_deg(line: Line) -> float:
    """How steep a line is: 0 level, 90 upright, either way round."""
    return math.degrees(math.atan2(abs(line.y1 - line.y0), abs(line.x1 - line.x0)))


def sloped(line, off_deg: float = ALONG_DEG) -> bool:
    """A straight line more than ``off_deg`` off both level and upright (by default, more than
    a drawn line's direction is read to)."""
    return isinstance(line, Line) and line.length() > 0 and \
        off_deg < slope_deg(line) < 90.0 - off_deg


def _line_along(p, q, lines: list[Line]) -> Line | None:
    """The drawn line the side p-q runs along, if any (the nearest of those that overlap it)."""
    if math.dist(p, q) < MIN_SIDE_PX:
        return None
    side = unit(q[0] - p[0], q[1] - p[1])
    best, best_d = None, ALONG_PX
    for line in lines:
        direction = unit(line.x1 - line.x0, line.y1 - line.y0)
        if angle_between(side, direction) > ALONG_DEG:
            continue
        d = max(_distance(p, line), _distance(q, line))
        if d > best_d:
            continue
        # The side and the line must overlap along their common direction.
        t = sorted(((x - line.x0) * direction[0] + (y - line.y0) * direction[1])
                   for x, y in (p, q))
        if t[1] < -ALONG_PX or t[0] > line.length() + ALONG_PX:
            continue
        best, best_d = line, d
    return best


def meet(a: Line, b: Line) -> tuple[float, float] | None:
    da, db = unit(a.x1 - a.x0, a.y1 - a.y0), unit(b.x1 - b.x0, b.y1 - b.y0)
    if angle_between(da, db) < MIN_TURN_DEG:
        return None
    cross = da[0] * db[1] - da[1] * db[0]
    t = ((b.x0 - a.x0) * db[1] - (b.y0 - a.y0) * db[0]) / cross
    return a.x0 + t * da[0], a.y0 + t * da[1]


def onto(point, line: Line) -> tuple[float, float]:
    ux, uy = unit(line.x1 - line.x0, line.y1 - line.y0)
    t = (point[0] - line.x0) * ux + (point[1] - line.y0) * uy
    return line.x0 + t * ux, line.y0 + t * uy


def onto_drawn_lines(points: list[tuple[float, float]], primitives: list,
                     cut_only: bool = False) -> list[tuple[float, float]]:
    """The closed polygon ``points`` (a face's traced outline, view coordinates) with its sides
    on the drawn visible straight lines they run along and its corners where those meet.
    ``cut_only``: only the corners the strokes cut off (a short side between two drawn lines,
    one of them sloped) are put back; every other corner stays as traced."""
    lines = [p for p in primitives if isinstance(p, Line) and p.line_type == "visible"
             and p.length() >= MIN_LINE_PX]
    n = len(points)
    if n < 3 or not lines:
        return list(points)
    # sides[i] runs from points[i] to points[i + 1]; each with the drawn line it lies on.
    sides = [(points[i], points[(i + 1) % n], _line_along(points[i], points[(i + 1) % n], lines))
             for i in range(n)]
    cut = [False] * n  # the side starts at a corner put back where two drawn lines meet
    # A short side on no line between two that are is a corner the strokes cut off.
    changed = True
    while changed and len(sides) > 3:
        changed = False
        for i, (p, q, line) in enumerate(sides):
            before, after = sides[i - 1][2], sides[(i + 1) % len(sides)][2]
            if line is not None or math.dist(p, q) > SHORT_PX or before is None or after is None:
                continue
            if cut_only and not (sloped(before) or sloped(after)):
                continue
            corner = meet(before, after)
            if corner is None or max(math.dist(corner, p), math.dist(corner, q)) > REACH_PX:
                continue
            cut[(i + 1) % len(sides)] = True
            del sides[i], cut[i]
            changed = True
            break
    corners = []
    for i, (p, _q, line) in enumerate(sides):
        before = sides[i - 1][2]
        corner = p
        if cut_only and not cut[i]:
            pass  # as traced
        elif line is not None and before is not None:
            crossing = meet(before, line)
            if crossing is not None and math.dist(crossing, p) <= REACH_PX:
                corner = crossing
            elif crossing is None:  # the same direction: a step between two lines stays a step
                corner = onto(p, line)
        elif line is not None:
            corner = onto(p, line)
        elif before is not None:
            corner = onto(p, before)
        corners.append(corner)
    # Corners that came together are one.
    kept = [c for k, c in enumerate(corners) if math.dist(c, corners[k - 1]) > 1e-6]
    return kept if len(kept) >= 3 else list(points)
