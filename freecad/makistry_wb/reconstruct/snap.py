# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sketch geometry put back where the drawing means it: rounds tangent to the lines they
join at their printed radius, a circle that touches a side of its view the exact radius in.
(A traced polygon onto the drawn lines is ``drawing.corners``.)"""

from __future__ import annotations

import math

from ..drawing.corners import angle_between, meet, onto, slope_deg, sloped, unit
from ..plan import Arc, Line
from .levels import SIDE_PX  # a circle this near a side of its view touches it


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
            radial = unit(point[0] - arc.cx, point[1] - arc.cy)
            direction = unit(line.x1 - line.x0, line.y1 - line.y0)
            if 90.0 - angle_between(radial, direction) <= TANGENT_DEG:
                return j, end
    return None


def _offset_towards(line: Line, r: float, towards) -> Line:
    """``line`` moved by ``r`` to the side of ``towards``."""
    ux, uy = unit(line.x1 - line.x0, line.y1 - line.y0)
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
            new = meet(_offset_towards(a, r, centre), _offset_towards(b, r, centre))
        else:
            (j, _), fixed = (at_start, end) if at_start is not None else (at_end, start)
            guide = _offset_towards(out[j], r, centre)
            # On the offset line, r from the fixed end: the solution nearer the arc's centre.
            foot = onto(fixed, guide)
            gap = math.dist(fixed, foot)
            if gap > r:
                continue
            ux, uy = unit(guide.x1 - guide.x0, guide.y1 - guide.y0)
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
            _set_end(line, line_end, onto(new, old))
            same_way = ((line.x1 - line.x0) * (old.x1 - old.x0)
                        + (line.y1 - line.y0) * (old.y1 - old.y0)) > 0
            if line.length() <= JOINT_MM or not same_way:
                break  # the line would turn over: leave this arc as it is
            moved[j] = line
            points[which] = onto(new, old)
        if len(moved) != (at_start is not None) + (at_end is not None) or \
                math.dist(points["start"], points["end"]) <= JOINT_MM:
            continue  # a line would turn over, or the round would shrink to a point
        for j, line in moved.items():
            out[j] = line
        a0 = math.degrees(math.atan2(points["start"][1] - new[1], points["start"][0] - new[0]))
        a1 = math.degrees(math.atan2(points["end"][1] - new[1], points["end"][0] - new[0]))
        out[i] = Arc(new[0], new[1], r, a0 % 360.0, a1 % 360.0, arc.line_type)
    return out


ANGLE_DEG = 4.0  # a sloped line this near a printed angle (from level or upright) is at it
ANGLE_MOVE = 0.25  # the end moved, at most this share of the line's length
MIN_SLOPE_DEG = 1.0  # nearer level or upright than this, a line is not sloped


def at_printed_angles(primitives: list, ranks: list, angles: list[float]) -> tuple[list, list]:
    """Sloped lines of a joined loop (sketch mm) that read near a printed angle made to lie at
    it: the end on the less exact level (``ranks``: per primitive, the start's and the end's
    rank, see ``AxisLevels.rank``) slides along its neighbouring line, which follows. A slope
    is read over few pixels (a dovetail 8 mm deep): its angle, printed, is exact. Returns the
    loop and the indices of the lines set."""
    out = list(primitives)
    count = len(out)
    wanted = [a if a <= 90.0 else 180.0 - a for a in angles if 0.0 < a < 180.0]
    done = []
    for i, line in enumerate(out):
        if count < 3 or not sloped(line, MIN_SLOPE_DEG):
            continue
        slope = slope_deg(line)
        targets = [t for a in wanted for t in (a, 90.0 - a) if abs(t - slope) <= ANGLE_DEG]
        start_rank, end_rank = ranks[i]
        if not targets or start_rank == end_rank:
            continue
        target = math.radians(min(targets, key=lambda t: abs(t - slope)))
        moving = 0 if start_rank < end_rank else 1
        fixed, loose = (line.end(), line.start()) if moving == 0 else (line.start(), line.end())
        j = (i - 1) % count if moving == 0 else (i + 1) % count
        guide = out[j]
        if not isinstance(guide, Line) or guide.length() <= 0:
            continue
        guide_end = next((e for e, q in enumerate((guide.start(), guide.end()))
                          if math.dist(q, loose) <= JOINT_MM), None)
        sx = math.copysign(1.0, loose[0] - fixed[0])
        sy = math.copysign(1.0, loose[1] - fixed[1])
        slant = Line(*fixed, fixed[0] + sx * math.cos(target), fixed[1] + sy * math.sin(target))
        new = meet(slant, guide)
        if guide_end is None or new is None or \
                math.dist(new, loose) > ANGLE_MOVE * line.length():
            continue
        moved = Line(line.x0, line.y0, line.x1, line.y1, line.line_type)
        _set_end(moved, moving, new)
        follower = Line(guide.x0, guide.y0, guide.x1, guide.y1, guide.line_type)
        _set_end(follower, guide_end, new)
        if follower.length() <= JOINT_MM:
            continue
        out[i], out[j] = moved, follower
        done.append(i)
    return out, done
