# SPDX-License-Identifier: LGPL-2.1-or-later
"""A face traced on a raster, put back onto the lines the drawing has.

A face between drawn lines is found by filling the paper between thick strokes; its outline
follows the strokes' centres along the sides, but a corner comes out cut or rounded, and an
acute one (a rib's wedge between its slope and the plate it meets) loses several pixels of its
tip where the strokes close it up. Each side that runs along a drawn straight line is put on
that line, and the corners are where those lines meet: the face the draughtsman drew.
"""

from __future__ import annotations

import math

from ..plan import Arc, Line
from .levels import SIDE_PX  # a circle this near a side of its view touches it

ALONG_PX = 2.5  # a side runs along a drawn line when both its ends lie this near it
ALONG_DEG = 4.0  # and their directions differ by less than this
MIN_SIDE_PX = 4.0  # sides shorter than this say nothing about a direction
MIN_LINE_PX = 8.0  # drawn lines shorter than this are junction stubs, not sides
SHORT_PX = 20.0  # a side on no line this short, between two that are, is a cut corner
REACH_PX = 30.0  # how far a corner may move onto where its two lines meet
MIN_TURN_DEG = 10.0  # lines nearer parallel than this meet too far off to trust


def _unit(dx: float, dy: float) -> tuple[float, float]:
    n = math.hypot(dx, dy)
    return dx / n, dy / n


def _distance(point, line: Line) -> float:
    ux, uy = _unit(line.x1 - line.x0, line.y1 - line.y0)
    return abs((point[0] - line.x0) * uy - (point[1] - line.y0) * ux)


def _angle(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Angle between two directions, either way round (0-90 degrees)."""
    cos = abs(a[0] * b[0] + a[1] * b[1])
    return math.degrees(math.acos(min(1.0, cos)))


def _line_along(p, q, lines: list[Line]) -> Line | None:
    """The drawn line the side p-q runs along, if any (the nearest of those that overlap it)."""
    if math.dist(p, q) < MIN_SIDE_PX:
        return None
    side = _unit(q[0] - p[0], q[1] - p[1])
    best, best_d = None, ALONG_PX
    for line in lines:
        direction = _unit(line.x1 - line.x0, line.y1 - line.y0)
        if _angle(side, direction) > ALONG_DEG:
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


def _meet(a: Line, b: Line) -> tuple[float, float] | None:
    da, db = _unit(a.x1 - a.x0, a.y1 - a.y0), _unit(b.x1 - b.x0, b.y1 - b.y0)
    if _angle(da, db) < MIN_TURN_DEG:
        return None
    cross = da[0] * db[1] - da[1] * db[0]
    t = ((b.x0 - a.x0) * db[1] - (b.y0 - a.y0) * db[0]) / cross
    return a.x0 + t * da[0], a.y0 + t * da[1]


def _onto(point, line: Line) -> tuple[float, float]:
    ux, uy = _unit(line.x1 - line.x0, line.y1 - line.y0)
    t = (point[0] - line.x0) * ux + (point[1] - line.y0) * uy
    return line.x0 + t * ux, line.y0 + t * uy


def onto_drawn_lines(points: list[tuple[float, float]], primitives: list
                     ) -> list[tuple[float, float]]:
    """The closed polygon ``points`` (a face's traced outline, view coordinates) with its sides
    on the drawn visible straight lines they run along and its corners where those meet."""
    lines = [p for p in primitives if isinstance(p, Line) and p.line_type == "visible"
             and p.length() >= MIN_LINE_PX]
    n = len(points)
    if n < 3 or not lines:
        return list(points)
    # sides[i] runs from points[i] to points[i + 1]; each with the drawn line it lies on.
    sides = [(points[i], points[(i + 1) % n], _line_along(points[i], points[(i + 1) % n], lines))
             for i in range(n)]
    # A short side on no line between two that are is a corner the strokes cut off.
    changed = True
    while changed and len(sides) > 3:
        changed = False
        for i, (p, q, line) in enumerate(sides):
            before, after = sides[i - 1][2], sides[(i + 1) % len(sides)][2]
            if line is not None or math.dist(p, q) > SHORT_PX or before is None or after is None:
                continue
            corner = _meet(before, after)
            if corner is None or max(math.dist(corner, p), math.dist(corner, q)) > REACH_PX:
                continue
            del sides[i]
            changed = True
            break
    corners = []
    for i, (p, _q, line) in enumerate(sides):
        before = sides[i - 1][2]
        corner = p
        if line is not None and before is not None:
            meet = _meet(before, line)
            if meet is not None and math.dist(meet, p) <= REACH_PX:
                corner = meet
            elif meet is None:  # the same direction: a step between two lines stays a step
                corner = _onto(p, line)
        elif line is not None:
            corner = _onto(p, line)
        elif before is not None:
            corner = _onto(p, before)
        corners.append(corner)
    # Corners that came together are one.
    kept = [c for k, c in enumerate(corners) if math.dist(c, corners[k - 1]) > 1e-6]
    return kept if len(kept) >= 3 else list(points)




def touching_centre(circle, centre: tuple[float, float], circles: list, radius, to_sketch,
                    size: tuple, swapped: bool) -> tuple[float, float]:
    """A circle's centre (sketch mm) placed the exact radius in from the sides of its view that
    it, or a circle about the same centre, touches (a hub round to the end of a part, a boss
    the width of it): the side is exact, a centre read between pixels is not. ``radius`` gives
    a circle's exact radius, ``to_sketch`` maps view pixels to sketch mm; ``swapped`` when the
    view's x is the sketch's y."""
    found: list[list[float]] = [[], []]
    around = [c for c in circles if math.dist((c.cx, c.cy), (circle.cx, circle.cy)) <= SIDE_PX]
    for other in around or [circle]:
        for k, (c, extent) in enumerate(((other.cx, size[0]), (other.cy, size[1]))):
            for sign in (-1, 1):
                edge = c + sign * other.r
                if (edge > SIDE_PX) if sign < 0 else (edge < extent - SIDE_PX):
                    continue
                j = k ^ int(swapped)
                side = to_sketch(*((edge, other.cy) if k == 0 else (other.cx, edge)))[j]
                r = radius(other)
                found[j].append(side + (r if centre[j] > side else -r))
    return tuple(sum(f) / len(f) if f else c for f, c in zip(found, centre))


TANGENT_DEG = 20.0  # a line this near an arc's tangent at their joint runs on tangent to it
JOINT_MM = 1e-3


def _arc_ends(arc: Arc) -> tuple[tuple[float, float], tuple[float, float]]:
    return arc.start(), arc.end()


def _tangent_line(primitives: list, i: int, point) -> tuple[int, int] | None:
    """The line next to primitive i (an arc) that meets it at ``point``: (index, which end: 0
    start, 1 end), if it runs on along the arc's tangent there."""
    arc = primitives[i]
    for j in ((i - 1) % len(primitives), (i + 1) % len(primitives)):
        line = primitives[j]
        if j == i or not isinstance(line, Line) or line.length() <= 0:
            continue
        for end, q in enumerate((line.start(), line.end())):
            if math.dist(q, point) > JOINT_MM:
                continue
            radial = _unit(point[0] - arc.cx, point[1] - arc.cy)
            direction = _unit(line.x1 - line.x0, line.y1 - line.y0)
            if 90.0 - _angle(radial, direction) <= TANGENT_DEG:
                return j, end
    return None


def _foot(point, line: Line) -> tuple[float, float]:
    return _onto(point, line)


def _offset_towards(line: Line, r: float, towards) -> Line:
    """``line`` moved by ``r`` to the side of ``towards``."""
    ux, uy = _unit(line.x1 - line.x0, line.y1 - line.y0)
    nx, ny = -uy, ux
    if (towards[0] - line.x0) * nx + (towards[1] - line.y0) * ny < 0:
        nx, ny = -nx, -ny
    return Line(line.x0 + r * nx, line.y0 + r * ny, line.x1 + r * nx, line.y1 + r * ny)


def _set_end(line: Line, end: int, point) -> None:
    if end == 0:
        line.x0, line.y0 = point
    else:
        line.x1, line.y1 = point


def tangent_arcs(primitives: list, radius) -> list:
    """Arcs of a joined loop (sketch mm) that run on tangent from a line made tangent to it
    again at their exact radius (``radius(r)``: the printed or grid radius for one read as
    ``r``): a round between two lines is a fillet of both; a round from a line to a corner
    keeps the corner and its centre ``r`` off the line. Sizes made exact move the ends a
    little each, and an arc through its moved ends would bulge past the lines it meets."""
    out = list(primitives)
    for i, arc in enumerate(out):
        if not isinstance(arc, Arc) or len(out) < 3:
            continue
        start, end = _arc_ends(arc)
        at_start, at_end = _tangent_line(out, i, start), _tangent_line(out, i, end)
        if at_start is None and at_end is None:
            continue
        r = radius(arc.r)
        centre = (arc.cx, arc.cy)
        if at_start is not None and at_end is not None:
            a, b = out[at_start[0]], out[at_end[0]]
            new = _meet(_offset_towards(a, r, centre), _offset_towards(b, r, centre))
        else:
            (j, _), fixed = (at_start, end) if at_start is not None else (at_end, start)
            guide = _offset_towards(out[j], r, centre)
            # On the offset line, r from the fixed end: the solution nearer the arc's centre.
            foot = _onto(fixed, guide)
            gap = math.dist(fixed, foot)
            if gap > r:
                continue
            ux, uy = _unit(guide.x1 - guide.x0, guide.y1 - guide.y0)
            run = math.sqrt(r * r - gap * gap)
            candidates = [(foot[0] + s * run * ux, foot[1] + s * run * uy) for s in (-1, 1)]
            new = min(candidates, key=lambda c: math.dist(c, centre))
        if new is None or math.dist(new, centre) > max(0.5 * r, 1.0):
            continue
        points = {"start": start, "end": end}
        moved = {}
        for which, found in (("start", at_start), ("end", at_end)):
            if found is None:
                continue
            j, line_end = found
            old = out[j]
            line = Line(old.x0, old.y0, old.x1, old.y1, old.line_type)
            _set_end(line, line_end, _foot(new, old))
            same_way = ((line.x1 - line.x0) * (old.x1 - old.x0)
                        + (line.y1 - line.y0) * (old.y1 - old.y0)) > 0
            if line.length() <= JOINT_MM or not same_way:
                break  # the line would turn over: leave this arc as it is
            moved[j] = line
            points[which] = _foot(new, old)
        if len(moved) != (at_start is not None) + (at_end is not None) or \
                math.dist(points["start"], points["end"]) <= JOINT_MM:
            continue  # a line would turn over, or the round would shrink to a point
        for j, line in moved.items():
            out[j] = line
        a0 = math.degrees(math.atan2(points["start"][1] - new[1], points["start"][0] - new[0]))
        a1 = math.degrees(math.atan2(points["end"][1] - new[1], points["end"][0] - new[0]))
        out[i] = Arc(new[0], new[1], r, a0 % 360.0, a1 % 360.0, arc.line_type)
    return out
