# SPDX-License-Identifier: LGPL-2.1-or-later
"""Silhouette contours -> a plan.View: the outline fitted with lines and arcs, holes as loops."""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import errors, plan
from ..drawing.fit import fit_circle, fit_line_points, split_chain
from ..drawing.vectorize import Frame, piece_to_primitive, snap

# An outline needing more pieces than this per 1000 px of perimeter is free-form, not machined.
MAX_PIECES_PER_KPX = 14.0
MIN_PIECES_FOR_ORGANIC = 40


def _tolerance(contour: np.ndarray) -> float:
    """Fitting tolerance: about a pixel, a little more on large outlines (noise scales)."""
    span = float(np.ptp(contour, axis=0).max())
    return max(1.0, min(2.5, 0.0025 * span))


def _flat_arc_as_line(piece: tuple, tolerance: float) -> tuple:
    """An arc that bulges less than the tolerance is a straight edge (its huge radius would
    only trouble the sketch solver)."""
    if piece[0] != "arc":
        return piece
    _, _cx, _cy, r, p0, p1, _pts = piece
    chord = float(np.hypot(*(np.asarray(p1) - np.asarray(p0))))
    sagitta = r - math.sqrt(max(0.0, r * r - chord * chord / 4)) if r > chord / 2 else r
    if sagitta < 1.5 * tolerance or r > 5 * max(chord, 1.0):
        return ("line", np.asarray(p0, float), np.asarray(p1, float))
    return piece


def _split_closed(contour: np.ndarray, tolerance: float) -> list[tuple]:
    """A closed contour as pieces: one circle, or lines and arcs walked from a corner round
    and back to it (split_chain's closed mode can lose most of a stadium-shaped loop)."""
    cx, cy, r, rms = fit_circle(contour)
    if r > 2 and rms < 0.6 + 0.004 * r:
        return [("circle", cx, cy, r)]
    approx = cv2.approxPolyDP(contour.astype(np.float32).reshape(-1, 1, 2), tolerance, True)
    corner = approx.reshape(-1, 2)[0]
    start = int(np.argmin(np.hypot(*(contour - corner).T)))
    ring = np.roll(contour, -start, axis=0)
    # Coincident ends would leave Douglas-Peucker without a chord: stop one point short and
    # close the last pixel's gap with a line.
    pieces = split_chain(ring, tolerance=tolerance, closed=False)
    last, first = _end_point(pieces[-1]), _start_point(pieces[0])
    if float(np.hypot(*(last - first))) > 1e-6:
        pieces.append(("line", last, first))
    return pieces


def _start_point(piece: tuple) -> np.ndarray:
    return np.asarray(piece[1] if piece[0] == "line" else piece[4], float)


def _end_point(piece: tuple) -> np.ndarray:
    return np.asarray(piece[2] if piece[0] == "line" else piece[5], float)


def _refit_line(piece: tuple, contour: np.ndarray) -> tuple:
    """A line between two polygon vertices, refitted on the contour points it stands for (the
    vertices sit on rounded, blurred corners; the points along the edge do not)."""
    if piece[0] != "line":
        return piece
    p0, p1 = np.asarray(piece[1], float), np.asarray(piece[2], float)
    i0 = int(np.argmin(np.hypot(*(contour - p0).T)))
    i1 = int(np.argmin(np.hypot(*(contour - p1).T)))
    n = len(contour)
    span = (i1 - i0) % n
    if span < 8:
        return piece
    trim = max(1, span // 8)
    idx = (i0 + np.arange(trim, span - trim + 1)) % n
    a, b = fit_line_points(contour[idx])
    d = (b - a) / max(float(np.hypot(*(b - a))), 1e-9)
    q0 = a + d * float(np.dot(p0 - a, d))
    q1 = a + d * float(np.dot(p1 - a, d))
    return ("line", q0, q1)


def loop_outline(loop: plan.Loop, arc_step_deg: float = 2.0) -> list[tuple[float, float]]:
    """The loop as a polygon in its chain order (an arc is walked whichever way the chain
    enters it, unlike ``Loop.polygon`` which follows each arc's own counter-clockwise sense)."""
    points: list[tuple[float, float]] = []
    cursor = None
    prims = loop.primitives
    for index, prim in enumerate(prims):
        if isinstance(prim, plan.Line):
            points.append(prim.start())
            cursor = prim.end()
            continue
        if isinstance(prim, plan.Circle):
            return plan.Loop([prim]).polygon(arc_step_deg)
        steps = max(2, int(prim.sweep_deg() / arc_step_deg))
        samples = [prim.point_at(prim.start_deg + prim.sweep_deg() * i / steps)
                   for i in range(steps + 1)]
        if cursor is None and len(prims) > 1:  # first piece: orient it towards the next one
            nxt = prims[(index + 1) % len(prims)]
            ends = [nxt.start(), nxt.end()] if not isinstance(nxt, plan.Circle) else []
            if ends and min(math.dist(samples[0], e) for e in ends) < min(
                    math.dist(samples[-1], e) for e in ends):
                samples.reverse()
        elif cursor is not None and math.dist(cursor, samples[-1]) < math.dist(cursor,
                                                                                samples[0]):
            samples.reverse()
        points.extend(samples[:-1])
        cursor = samples[-1]
    return points


def loop_area(loop: plan.Loop) -> float:
    """Unsigned area enclosed by the loop, walked in chain order."""
    pts = loop_outline(loop)
    return 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1])))


def contour_loop(contour: np.ndarray, frame: Frame, ccw: bool) -> plan.Loop:
    """A closed contour (image pixel centres) as a loop of lines and arcs in view coordinates,
    counter-clockwise (outer) or clockwise (hole)."""
    tolerance = _tolerance(contour)
    pieces = [_refit_line(_flat_arc_as_line(piece, tolerance), contour)
              for piece in _split_closed(contour, tolerance)]
    prims = [piece_to_primitive(piece, frame, "visible") for piece in pieces]
    prims = [p for p in prims if isinstance(p, plan.Circle) or p.length() > 0.5]
    loop = plan.Loop(prims)
    if not (len(prims) == 1 and isinstance(prims[0], plan.Circle)):
        if (_signed_area(loop) > 0) != ccw:
            loop.primitives = plan.reversed_chain(prims)
    return loop


def _signed_area(loop: plan.Loop) -> float:
    pts = loop_outline(loop)
    return 0.5 * sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1]))


def check_not_organic(name: str, contour: np.ndarray, loop: plan.Loop) -> None:
    """Free-form outlines (a leaf, a hand, a pebble) need many short pieces: refuse them."""
    perimeter = float(cv2.arcLength(contour.astype(np.float32).reshape(-1, 1, 2), True))
    pieces = len(loop.primitives)
    density = 1000.0 * pieces / max(perimeter, 1.0)
    if pieces >= MIN_PIECES_FOR_ORGANIC and density > MAX_PIECES_PER_KPX:
        raise errors.MakistryError(
            errors.IMAGE_PARSE_FAILED,
            f"{name}: the outline is free-form ({pieces} pieces along "
            f"{perimeter:.0f} px), not a machined part made of lines and arcs (or a soft "
            "shadow blurs it). The photo path reads prismatic parts in even, diffuse light; "
            "send a drawing or sketch for other shapes.", source=name)


def view_from_contours(outer: np.ndarray, holes: list[np.ndarray], role: str, image_index: int,
                       name: str) -> plan.View:
    """One view: ``outer`` and ``holes`` (image pixel centres) fitted and framed by its box."""
    xs, ys = outer[:, 0] + 0.5, outer[:, 1] + 0.5  # pixel centres -> continuous coordinates
    x0, y0 = math.floor(xs.min()), math.floor(ys.min())
    box = (int(x0), int(y0), max(1, int(round(xs.max() - x0))), max(1, int(round(ys.max() - y0))))
    frame = Frame(box, (0, 0))
    outer_loop = contour_loop(outer, frame, ccw=True)
    check_not_organic(name, outer, outer_loop)
    loops = [outer_loop] + [contour_loop(h, frame, ccw=False) for h in holes]
    prims = [p for loop in loops for p in loop.primitives]
    snap(prims)
    for loop in loops:
        join_corners(loop)
    return plan.View(role=role, image_index=image_index, box=box,
                     profiles=[plan.Profile(loops=loops, line_type="visible")],
                     primitives=list(prims), confidence=0.8)


def _meet(a: plan.Line, b: plan.Line) -> tuple[float, float] | None:
    dax, day = a.x1 - a.x0, a.y1 - a.y0
    dbx, dby = b.x1 - b.x0, b.y1 - b.y0
    cross = dax * dby - day * dbx
    if abs(cross) < 1e-9 or abs(cross) < 0.05 * a.length() * b.length():
        return None  # (nearly) parallel: no corner to make
    t = ((b.x0 - a.x0) * dby - (b.y0 - a.y0) * dbx) / cross
    return (a.x0 + t * dax, a.y0 + t * day)


def join_corners(loop: plan.Loop, reach: float = 6.0) -> None:
    """After snapping, consecutive lines meet exactly at their intersection."""
    prims = loop.primitives
    count = len(prims)
    if count < 2:
        return
    for i in range(count):
        a, b = prims[i], prims[(i + 1) % count]
        if not (isinstance(a, plan.Line) and isinstance(b, plan.Line)):
            continue
        corner = _meet(a, b)
        if corner is None or math.dist(corner, a.end()) > reach or math.dist(
                corner, b.start()) > reach:
            continue
        a.x1, a.y1 = corner
        b.x0, b.y0 = corner


def component_profiles(outers: list[np.ndarray], holes: list[list[np.ndarray]], view: plan.View,
                       name: str) -> list[plan.Profile]:
    """Profiles of further separate components, in ``view``'s coordinates (assembly mode)."""
    frame = Frame(view.box, (0, 0))
    profiles = []
    for outer, inner in zip(outers, holes):
        loop = contour_loop(outer, frame, ccw=True)
        check_not_organic(name, outer, loop)
        loops = [loop] + [contour_loop(h, frame, ccw=False) for h in inner]
        snap([p for lp in loops for p in lp.primitives])
        for lp in loops:
            join_corners(lp)
        profiles.append(plan.Profile(loops=loops, line_type="visible"))
    return profiles


def horizontal_share(loop: plan.Loop) -> float:
    """Share of the loop's length in horizontal lines (after snapping): a straight-on view of
    a machined part has plenty; a pictorial view has almost none (its edges run at angles)."""
    total = sum(p.length() for p in loop.primitives) or 1.0
    level = sum(p.length() for p in loop.primitives
                if isinstance(p, plan.Line) and abs(p.y0 - p.y1) < 1e-6)
    return level / total


def flat_shade_levels(shade: np.ndarray, mask: np.ndarray) -> int:
    """How many distinct flat tones cover a good share of the part: several flat faces seen at
    once mean an angled (pictorial) view; an orthographic view of a prismatic part shows one."""
    inner = cv2.erode(mask, np.ones((7, 7), np.uint8)) > 0
    if inner.sum() < 200:
        return 1
    smooth = cv2.GaussianBlur(shade, (5, 5), 1.2).astype(np.float32)
    local_var = cv2.blur(smooth * smooth, (7, 7)) - cv2.blur(smooth, (7, 7)) ** 2
    flat = inner & (local_var < 6.0)
    values = smooth[flat]
    if values.size < 100:
        return 1
    hist = np.bincount(np.clip(values, 0, 255).astype(int) // 6, minlength=43).astype(float)
    total = float(inner.sum())
    levels = 0
    taken = np.zeros_like(hist, bool)
    for index in np.argsort(hist)[::-1]:
        lo, hi = max(0, index - 2), min(len(hist), index + 3)
        if taken[lo:hi].any():
            continue
        if hist[lo:hi].sum() < 0.08 * total:
            break
        taken[lo:hi] = True
        levels += 1
    return levels
