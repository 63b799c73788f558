# SPDX-License-Identifier: LGPL-2.1-or-later
"""Make a loop buildable: drop specks, bridge gaps, close it, so every sketch gives a face."""

from __future__ import annotations

import math

import numpy as np

from ..plan import Arc, Circle, Line, Loop


def _ends(prim) -> tuple[tuple[float, float], tuple[float, float]]:
    return prim.start(), prim.end()


def _walk(prim, reverse: bool) -> list[tuple[float, float]]:
    """The points of ``prim`` in the direction the chain runs, without its last point."""
    if isinstance(prim, Arc):
        points = Loop([prim]).polygon(arc_step_deg=5.0)
        points = points + [prim.end()]
        if reverse:
            points = points[::-1]
        return points[:-1]
    a, b = _ends(prim)
    return [b if reverse else a]


def _chain(prims: list, tol: float) -> tuple[list, list[tuple[float, float]]]:
    """The primitives in chain order, gaps bridged and closed, and the path they run."""
    remaining = prims[1:]
    start, cursor = _ends(prims[0])
    chain = [prims[0]]
    path = _walk(prims[0], False)
    while remaining:
        # The next primitive is the one with an end nearest the chain's open end.
        best = min(remaining, key=lambda p: min(math.dist(cursor, e) for e in _ends(p)))
        remaining.remove(best)
        a, b = _ends(best)
        reverse = math.dist(cursor, a) > math.dist(cursor, b)
        entry, exit_ = (b, a) if reverse else (a, b)
        if math.dist(cursor, entry) > tol:
            chain.append(Line(*cursor, *entry, best.line_type))
            path.append(cursor)
        chain.append(best)
        path += _walk(best, reverse)
        cursor = exit_
    if math.dist(cursor, start) > tol:
        chain.append(Line(*cursor, *start, chain[0].line_type))
        path.append(cursor)
    return chain, path


def is_simple(path: list[tuple[float, float]], tol: float = 1e-6) -> bool:
    """The closed polygon through ``path`` neither crosses nor touches itself."""
    points = [p for k, p in enumerate(path) if math.dist(p, path[k - 1]) > tol]
    pts = np.asarray(points, dtype=float)
    n = len(pts)
    if n < 3:
        return False
    a, b = pts, np.roll(pts, -1, axis=0)
    d = b - a
    i, j = np.triu_indices(n, k=2)
    keep = ~((i == 0) & (j == n - 1))  # the closing edge and the first one are neighbours
    i, j = i[keep], j[keep]

    def cross(u, v):
        return u[:, 0] * v[:, 1] - u[:, 1] * v[:, 0]

    p, r, q, s = a[i], d[i], a[j], d[j]
    denom = cross(r, s)
    qp = q - p
    parallel = np.abs(denom) <= 1e-12
    with np.errstate(divide="ignore", invalid="ignore"):
        t = cross(qp, s) / denom
        u = cross(qp, r) / denom
    lengths = np.hypot(d[:, 0], d[:, 1])
    eps_i = tol / np.maximum(lengths[i], 1e-12)
    eps_j = tol / np.maximum(lengths[j], 1e-12)
    hits = (~parallel & (t >= -eps_i) & (t <= 1 + eps_i) & (u >= -eps_j) & (u <= 1 + eps_j))
    if hits.any():
        return False
    # Collinear overlapping edges (a spur doubling back).
    if parallel.any():
        pi, ri, qi, si = p[parallel], r[parallel], q[parallel], s[parallel]
        on_line = np.abs(cross(qi - pi, ri)) <= tol * np.maximum(lengths[i][parallel], 1e-12)
        rr = np.maximum((ri * ri).sum(axis=1), 1e-24)
        t0 = ((qi - pi) * ri).sum(axis=1) / rr
        t1 = ((qi + si - pi) * ri).sum(axis=1) / rr
        overlap = (np.maximum(t0, t1) >= 0) & (np.minimum(t0, t1) <= 1)
        if (on_line & overlap).any():
            return False
    return True


def _convex_hull(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    pts = sorted(set(points))
    if len(pts) < 3:
        return pts

    def half(seq):
        out: list[tuple[float, float]] = []
        for p in seq:
            while len(out) >= 2 and ((out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                                     - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    return half(pts) + half(pts[::-1])


def closed_loop(loop: Loop, tol: float, notes: list | None = None,
                hull_ok: bool = True) -> Loop | None:
    """The loop's primitives in chain order with gaps wider than ``tol`` bridged by lines and
    the chain closed back to its start. Circles are loops by themselves and pass unchanged.

    When the chain crosses or touches itself (a stray short stroke the chaining took in the
    wrong order), the shortest primitives are left out one by one until it does not; failing
    that, the loop is the convex hull of its points, so a face can always be made (None
    instead when not ``hull_ok``). Either repair is said in ``notes``."""
    prims = [p for p in loop.primitives if isinstance(p, Circle) or p.length() > tol]
    if len(prims) <= 1 and all(isinstance(p, Circle) for p in prims):
        return Loop(prims)
    if any(isinstance(p, Circle) for p in prims):
        prims = [p for p in prims if not isinstance(p, Circle)]
    chain, path = _chain(prims, tol)
    if is_simple(path, tol * 1e-3):
        return Loop(chain)
    total = sum(p.length() for p in prims)
    candidates = list(prims)
    for short in sorted(prims, key=lambda p: p.length()):
        if short.length() > 0.1 * total or len(candidates) <= 3:
            break
        candidates.remove(short)
        trial, trial_path = _chain(candidates, tol)
        if is_simple(trial_path, tol * 1e-3):
            if notes is not None:
                notes.append(f"{len(prims) - len(candidates)} short stroke(s) that made the "
                             "outline cross itself were left out")
            return Loop(trial)
    hull = _convex_hull(path)
    if len(hull) < 3:
        return Loop(chain)
    if not hull_ok:
        if notes is not None:
            notes.append("an inner outline that crosses itself was left out")
        return None
    if notes is not None:
        notes.append("the outline crosses itself and was replaced by its convex hull, so "
                     "hollows in it are filled")
    return Loop([Line(*hull[i], *hull[(i + 1) % len(hull)], prims[0].line_type)
                 for i in range(len(hull))])


def squared(loop: Loop, width: float, height: float, tol: float) -> Loop:
    """A polygon's edges within ``tol`` of horizontal or vertical made exactly so: on the
    view's box edge when both ends lie on it, else at their mean. A vectoriser's pixel steps
    leave a straight edge a pixel askew, which tilts a plate's faces and leaves slivers
    between the views' silhouettes; the box is the better measure of the outer edges."""
    prims = loop.primitives
    if len(prims) < 3 or not all(isinstance(p, Line) for p in prims):
        return loop
    cursor = prims[0].start()
    points = []
    for prim in prims:
        a, b = _ends(prim)
        entry, exit_ = (a, b) if math.dist(cursor, a) <= math.dist(cursor, b) else (b, a)
        points.append(list(entry))
        cursor = exit_
    n = len(points)
    for i in range(n):
        p, q = points[i], points[(i + 1) % n]
        for c, size in ((1, height), (0, width)):  # horizontal edges set y, vertical ones x
            other = 1 - c
            if abs(p[c] - q[c]) > tol or abs(p[other] - q[other]) < 8 * tol:  # not a curve
                continue
            if abs(p[c]) <= tol and abs(q[c]) <= tol:
                target = 0.0
            elif abs(p[c] - size) <= tol and abs(q[c] - size) <= tol:
                target = size
            else:
                target = (p[c] + q[c]) / 2
            p[c] = q[c] = target
    kept = [tuple(p) for i, p in enumerate(points) if math.dist(p, points[i - 1]) > 1e-9]
    if len(kept) < 3:
        return loop
    kind = prims[0].line_type
    return Loop([Line(*kept[i], *kept[(i + 1) % len(kept)], kind) for i in range(len(kept))])


def loop_is_sane(loop: Loop, min_area: float) -> bool:
    """A loop worth building: it encloses some area."""
    if len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle):
        return loop.primitives[0].r > 0
    return abs(loop.area()) > min_area
