# SPDX-License-Identifier: LGPL-2.1-or-later
"""Make a loop buildable: drop specks, bridge gaps, close it, so every sketch gives a face."""

from __future__ import annotations

import math

from ..plan import Circle, Line, Loop


def _ends(prim) -> tuple[tuple[float, float], tuple[float, float]]:
    return prim.start(), prim.end()


def closed_loop(loop: Loop, tol: float) -> Loop:
    """The loop's primitives in chain order with gaps wider than ``tol`` bridged by lines and
    the chain closed back to its start. Circles are loops by themselves and pass unchanged."""
    prims = [p for p in loop.primitives if isinstance(p, Circle) or p.length() > tol]
    if len(prims) <= 1 and all(isinstance(p, Circle) for p in prims):
        return Loop(prims)
    if any(isinstance(p, Circle) for p in prims):
        prims = [p for p in prims if not isinstance(p, Circle)]
    remaining = prims[1:]
    start, cursor = _ends(prims[0])
    chain = [prims[0]]
    while remaining:
        # The next primitive is the one with an end nearest the chain's open end.
        best = min(remaining, key=lambda p: min(math.dist(cursor, e) for e in _ends(p)))
        remaining.remove(best)
        a, b = _ends(best)
        entry, exit_ = (a, b) if math.dist(cursor, a) <= math.dist(cursor, b) else (b, a)
        if math.dist(cursor, entry) > tol:
            chain.append(Line(*cursor, *entry, best.line_type))
        chain.append(best)
        cursor = exit_
    if math.dist(cursor, start) > tol:
        chain.append(Line(*cursor, *start, chain[0].line_type))
    return Loop(chain)


def loop_is_sane(loop: Loop, min_area: float) -> bool:
    """A loop worth building: it encloses some area."""
    if len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle):
        return loop.primitives[0].r > 0
    return abs(loop.area()) > min_area

