# SPDX-License-Identifier: LGPL-2.1-or-later
"""An outline offset inwards with its lines and arcs kept: lines move along their normal,
arcs keep their centre (radius less by the offset on a convex arc, more on a concave one), and
neighbours are trimmed to where they meet. Used for a shell's inner outline (shell.py), where
one straight edge (the open face) is left out and the offset chain runs past it."""

from __future__ import annotations

import math

from ..plan import Arc, Line, Loop
from .loops import closed_loop

NEAR_TANGENT = 0.02  # share of the radius a line may pass outside an arc and still meet it


def _inside(point, polygon) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(polygon, polygon[1:] + polygon[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _traversal(prims: list) -> list[tuple]:
    """(primitive, entry point, exit point) in chain order."""
    out = []
    for i, prim in enumerate(prims):
        nxt = prims[(i + 1) % len(prims)]
        ends = [nxt.start(), nxt.end()]
        forward = min(math.dist(prim.end(), e) for e in ends) <= min(
            math.dist(prim.start(), e) for e in ends)
        out.append((prim, *((prim.start(), prim.end()) if forward else (prim.end(), prim.start()))))
    return out


def _element(prim, entry, exit_, distance: float, polygon):
    """The offset of one primitive as ("line", point, direction) or ("circle", centre, r)."""
    if isinstance(prim, Line):
        dx, dy = exit_[0] - entry[0], exit_[1] - entry[1]
        length = math.hypot(dx, dy)
        if length < 1e-9:
            return None
        nx, ny = -dy / length, dx / length
        mid = ((entry[0] + exit_[0]) / 2, (entry[1] + exit_[1]) / 2)
        probe = min(1.0, 0.1 * distance)
        if not _inside((mid[0] + nx * probe, mid[1] + ny * probe), polygon):
            nx, ny = -nx, -ny
        return ("line", (entry[0] + nx * distance, entry[1] + ny * distance), (dx, dy))
    mid = prim.point_at(prim.start_deg + prim.sweep_deg() / 2)
    towards = ((prim.cx - mid[0]) / prim.r, (prim.cy - mid[1]) / prim.r)
    probe = min(1.0, 0.1 * distance)
    convex = _inside((mid[0] + towards[0] * probe, mid[1] + towards[1] * probe), polygon)
    radius = prim.r - distance if convex else prim.r + distance
    if radius <= 1e-6:
        return None
    return ("circle", (prim.cx, prim.cy), radius)


def _meet(a, b, near) -> tuple[float, float] | None:
    """Where two offset elements meet, nearest ``near``."""
    if a[0] == "circle" and b[0] == "line":
        a, b = b, a
    if a[0] == "line" and b[0] == "line":
        (px, py), (dx, dy) = a[1], a[2]
        (qx, qy), (ex, ey) = b[1], b[2]
        denom = dx * ey - dy * ex
        if abs(denom) < 1e-9 * math.hypot(dx, dy) * math.hypot(ex, ey):
            return None
        t = ((qx - px) * ey - (qy - py) * ex) / denom
        return (px + t * dx, py + t * dy)
    if a[0] == "line":
        (px, py), (dx, dy) = a[1], a[2]
        (cx, cy), r = b[1], b[2]
        fx, fy = px - cx, py - cy
        qa, qb, qc = dx * dx + dy * dy, 2 * (fx * dx + fy * dy), fx * fx + fy * fy - r * r
        disc = qb * qb - 4 * qa * qc
        if disc < 0:
            # Nearly tangent (a line drawn into an arc without a corner): they meet where
            # they come closest, on the circle.
            t = -qb / (2 * qa)
            fx, fy = px + t * dx - cx, py + t * dy - cy
            gap = math.hypot(fx, fy)
            if gap - r > NEAR_TANGENT * r or gap < 1e-9:
                return None
            return (cx + fx * r / gap, cy + fy * r / gap)
        roots = [(-qb + s * math.sqrt(disc)) / (2 * qa) for s in (1, -1)]
        points = [(px + t * dx, py + t * dy) for t in roots]
    else:
        (x0, y0), r0 = a[1], a[2]
        (x1, y1), r1 = b[1], b[2]
        d = math.dist((x0, y0), (x1, y1))
        if d < 1e-9 or d > r0 + r1 or d < abs(r0 - r1):
            return None
        along = (r0 * r0 - r1 * r1 + d * d) / (2 * d)
        h = math.sqrt(max(r0 * r0 - along * along, 0.0))
        mx, my = x0 + along * (x1 - x0) / d, y0 + along * (y1 - y0) / d
        points = [(mx + s * h * (y1 - y0) / d, my - s * h * (x1 - x0) / d) for s in (1, -1)]
    return min(points, key=lambda p: math.dist(p, near))


def _joints(items, cap):
    """Where each offset piece meets the next, the chain starting and ending on ``cap``."""
    points = [_meet(cap, items[0][0], items[0][1][1])]
    for (a, (_, _, exit_)), (b, (_, entry, _)) in zip(items, items[1:]):
        near = ((exit_[0] + entry[0]) / 2, (exit_[1] + entry[1]) / 2)
        points.append(_meet(a, b, near))
    points.append(_meet(items[-1][0], cap, items[-1][1][2]))
    return None if any(p is None for p in points) else points


def offset_open(loop: Loop, distance: float, coord: int, value: float, past: float,
                ceiling: float | None, tol: float = 1.0) -> Loop | None:
    """``loop`` offset inwards by ``distance``, its straight edge(s) at view coordinate
    ``coord`` == ``value`` left out and the chain carried ``past`` beyond that line, cut at
    ``ceiling`` (the same coordinate) when given. None when the offset cannot be drawn so
    (an arc or an edge that the offset swallows): the caller has another way."""
    chain = closed_loop(loop, tol, hull_ok=False)
    if chain is None or len(chain.primitives) < 3:
        return None
    polygon = chain.polygon(arc_step_deg=3.0)
    walk = _traversal(chain.primitives)
    on_edge = [i for i, (p, a, b) in enumerate(walk) if isinstance(p, Line)
               and abs(a[coord] - value) <= tol and abs(b[coord] - value) <= tol]
    if len(on_edge) != 1:
        return None
    start = on_edge[0]
    # Specks a vectoriser leaves at corners have no direction to speak of: the neighbours'
    # offsets meet without them.
    walk = [item for item in walk[start + 1:] + walk[:start]
            if item[0].length() >= 0.25 * distance]
    if not walk:
        return None
    elements = [_element(p, a, b, distance, polygon) for p, a, b in walk]
    if any(e is None for e in elements):
        return None
    outward = -1.0 if value < tol else 1.0
    beyond = value + outward * past
    cap = (("line", (0.0, beyond) if coord == 1 else (beyond, 0.0),
            (1.0, 0.0) if coord == 1 else (0.0, 1.0)))
    items = list(zip(elements, walk))
    for _ in range(len(walk)):
        points = _joints(items, cap)
        if points is None:
            return None
        # Every offset piece keeps its way round: one that turned back was swallowed by its
        # neighbours' offsets (a short edge at a corner) and is left out.
        turned = [i for i, ((_, (prim, a, b)), p, q) in enumerate(zip(items, points, points[1:]))
                  if (q[0] - p[0]) * (b[0] - a[0]) + (q[1] - p[1]) * (b[1] - a[1]) <= 0]
        if not turned:
            break
        items.pop(turned[0])
        if not items:
            return None
    else:
        return None
    pieces = []
    for (element, (prim, entry, _)), p, q in zip(items, points, points[1:]):
        if element[0] == "line":
            pieces.append(Line(*p, *q))
        else:
            (cx, cy), r = element[1], element[2]
            a0 = math.degrees(math.atan2(p[1] - cy, p[0] - cx)) % 360.0
            a1 = math.degrees(math.atan2(q[1] - cy, q[0] - cx)) % 360.0
            # Arcs are stored counter-clockwise: the offset runs round the centre the way
            # the outline ran round it.
            ccw = math.dist(entry, prim.start()) <= math.dist(entry, prim.end())
            pieces.append(Arc(cx, cy, r, a0, a1) if ccw else Arc(cx, cy, r, a1, a0))
    pieces.append(Line(*points[-1], *points[0]))
    result = Loop(pieces)
    if ceiling is not None:
        result = _cut(result, coord, ceiling, outward)
    return result


def _cut(loop: Loop, coord: int, level: float, outward: float) -> Loop | None:
    """The loop with what lies beyond ``level`` (away from the open edge) cut off, closed
    along that level."""
    keep = []
    hits = []
    for prim in loop.primitives:
        for piece in _split(prim, coord, level):
            mid = _midpoint(piece)
            if (mid[coord] - level) * outward >= 0:
                keep.append(piece)
    for piece in keep:
        for p in (piece.start(), piece.end()):
            if abs(p[coord] - level) < 1e-6:
                hits.append(p)
    if len(hits) < 2:
        return loop
    along = 1 - coord
    a, b = min(hits, key=lambda p: p[along]), max(hits, key=lambda p: p[along])
    keep.append(Line(*a, *b))
    return Loop(keep)


def _midpoint(prim):
    if isinstance(prim, Line):
        return ((prim.x0 + prim.x1) / 2, (prim.y0 + prim.y1) / 2)
    return prim.point_at(prim.start_deg + prim.sweep_deg() / 2)


def _split(prim, coord: int, level: float) -> list:
    """``prim`` cut where it crosses the line ``coord`` == ``level``."""
    if isinstance(prim, Line):
        a, b = prim.start(), prim.end()
        if (a[coord] - level) * (b[coord] - level) >= 0:
            return [prim]
        t = (level - a[coord]) / (b[coord] - a[coord])
        m = [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]
        m[coord] = level
        return [Line(*a, *m), Line(*m, *b)]
    centre = (prim.cx, prim.cy)
    ratio = (level - centre[coord]) / prim.r
    cuts = [0.0, prim.sweep_deg()]
    if -1.0 < ratio < 1.0:
        base = math.degrees(math.asin(ratio)) if coord == 1 else math.degrees(math.acos(ratio))
        angles = (base, 180.0 - base) if coord == 1 else (base, -base)
        cuts += [rel for rel in ((ang - prim.start_deg) % 360.0 for ang in angles)
                 if 0.0 < rel < prim.sweep_deg()]
    cuts.sort()
    return [Arc(prim.cx, prim.cy, prim.r, (prim.start_deg + a0) % 360.0,
                (prim.start_deg + a1) % 360.0) for a0, a1 in zip(cuts, cuts[1:]) if a1 - a0 > 1e-9]
