# SPDX-License-Identifier: LGPL-2.1-or-later
"""One view's line work -> typed lines, arcs and circles, and its closed visible profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .. import plan
from .corners import onto_drawn_lines
from .fit import fit_circle, fit_line_points, split_chain, thin, trace_chains


@dataclass
class Frame:
    """Maps image pixels to view coordinates (origin bottom-left of the box, y up).

    Pixel (i, j) covers [i, i + 1] x [j, j + 1]: its centre is at (i + 0.5, j + 0.5), as in
    vector renderers, so sub-pixel positions mean the same thing as in the drawing's source.
    """

    box: tuple[int, int, int, int]
    offset: tuple[int, int]  # image position of the crop the pixels come from

    def point(self, x: float, y: float) -> tuple[float, float]:
        bx, by, _bw, bh = self.box
        return (x + 0.5 + self.offset[0] - bx, (by + bh) - (y + 0.5 + self.offset[1]))

    def pixel(self, vx: float, vy: float) -> tuple[float, float]:
        """The inverse of ``point``: view coordinates back to crop pixels."""
        bx, by, _bw, bh = self.box
        return (vx + bx - self.offset[0] - 0.5, (by + bh) - vy - self.offset[1] - 0.5)


def _angle(frame: Frame, cx: float, cy: float, px: float, py: float) -> float:
    vx, vy = frame.point(px, py)
    ox, oy = frame.point(cx, cy)
    return math.degrees(math.atan2(vy - oy, vx - ox)) % 360.0


def _ccw_contains(start: float, end: float, probe: float) -> bool:
    return (probe - start) % 360.0 <= (end - start) % 360.0


def piece_to_primitive(piece: tuple, frame: Frame, line_type: str) -> plan.Primitive:
    """A fitted piece in crop pixels as a plan primitive in view coordinates."""
    if piece[0] == "line":
        (x0, y0), (x1, y1) = frame.point(*piece[1]), frame.point(*piece[2])
        return plan.Line(x0, y0, x1, y1, line_type=line_type)
    if piece[0] == "circle":
        cx, cy = frame.point(piece[1], piece[2])
        return plan.Circle(cx, cy, piece[3], line_type=line_type)
    _, cx, cy, r, p0, p1, pts = piece
    a0 = _angle(frame, cx, cy, *p0)
    a1 = _angle(frame, cx, cy, *p1)
    mid = pts[len(pts) // 2]
    am = _angle(frame, cx, cy, *mid)
    if not _ccw_contains(a0, a1, am):
        a0, a1 = a1, a0
    vcx, vcy = frame.point(cx, cy)
    return plan.Arc(vcx, vcy, r, a0, a1, line_type=line_type)


def _component_segments(mask: np.ndarray, stroke: float, dash_max: float):
    """Connected pieces of ``mask``: (label image, list of (label, length, p0, p1, pixels))."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    small = []
    for label in range(1, count):
        w, h = stats[label, cv2.CC_STAT_WIDTH], stats[label, cv2.CC_STAT_HEIGHT]
        if math.hypot(w, h) > dash_max:
            continue
        x0, y0 = stats[label, cv2.CC_STAT_LEFT], stats[label, cv2.CC_STAT_TOP]
        sub = labels[y0:y0 + h, x0:x0 + w] == label
        ys, xs = np.nonzero(sub)
        pts = np.stack([xs + x0, ys + y0], axis=1).astype(float)
        p0, p1 = fit_line_points(pts)
        length = float(np.hypot(*(p1 - p0))) + 1.0
        small.append((label, length, p0, p1, pts))
    return labels, small


def _union_groups(n: int, pairs_i: np.ndarray, pairs_j: np.ndarray) -> list[list[int]]:
    """Connected groups of 0..n-1 joined by the given pairs."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in zip(pairs_i.tolist(), pairs_j.tolist()):
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _chain_dashes(small: list, stroke: float) -> list[list[int]]:
    """Group dash pieces that line up into dashed lines (indices into ``small``)."""
    n = len(small)
    if n == 0:
        return []
    lengths = np.array([s[1] for s in small])
    p0 = np.array([s[2] for s in small])
    p1 = np.array([s[3] for s in small])
    d = p1 - p0
    norm = np.hypot(d[:, 0], d[:, 1])
    dirs = np.where(norm[:, None] > 1e-6, d / np.maximum(norm, 1e-6)[:, None], [1.0, 0.0])
    centres = 0.5 * (p0 + p1)
    ii, jj = np.triu_indices(n, 1)
    li, lj = lengths[ii], lengths[jj]
    delta = centres[jj] - centres[ii]
    dist = np.hypot(delta[:, 0], delta[:, 1])
    gap_max = 2.5 * np.maximum(li, lj) + 6.0
    # Direction of a pair: the longer piece's axis (dots have no axis).
    axis = np.where((li >= lj)[:, None], dirs[ii], dirs[jj])
    along = np.abs(delta[:, 0] * axis[:, 0] + delta[:, 1] * axis[:, 1])
    across = np.abs(delta[:, 0] * axis[:, 1] - delta[:, 1] * axis[:, 0])
    parallel = np.abs((dirs[ii] * dirs[jj]).sum(axis=1)) >= 0.995
    both_long = np.minimum(li, lj) > 2.5 * stroke + 2
    ok = ((dist <= gap_max + 0.5 * (li + lj)) & (across <= 1.0 + stroke)
          & (along >= 0.5 * (li + lj) - 1) & (parallel | ~both_long))
    return _union_groups(n, ii[ok], jj[ok])


def _dashed_line(members: list, stroke: float) -> tuple[str, np.ndarray, np.ndarray]:
    """Line type and endpoints of a chain of dashes."""
    pts = np.vstack([m[4] for m in members])
    p0, p1 = fit_line_points(pts)
    lengths = np.array([m[1] for m in members])
    dots = lengths < max(2.5 * stroke + 2, 0.35 * lengths.max())
    line_type = "centre" if dots.any() and (~dots).any() and dots.sum() >= 0.3 * (~dots).sum() \
        else "hidden"
    return line_type, p0, p1


@dataclass
class VectorisedView:
    primitives: list[plan.Primitive]
    profile: plan.Profile


def _gaps_coloured(members: list, colour: np.ndarray) -> bool:
    """True when the gaps between a row of dashes are coloured: a solid line cut where
    coloured lines cross it (a section's hatching), not a dashed line (paper between)."""
    pts = np.vstack([m[4] for m in members])
    p0, p1 = fit_line_points(pts)
    axis = p1 - p0
    norm = float(np.hypot(*axis))
    if norm < 1e-6:
        return False
    axis = axis / norm
    spans = sorted((float(((m[4] - p0) @ axis).min()), float(((m[4] - p0) @ axis).max()))
                   for m in members)
    coloured = gaps = 0
    height, width = colour.shape
    for (_a0, a1), (b0, _b1) in zip(spans, spans[1:]):
        if b0 - a1 < 1.0:
            continue  # overlapping pieces: no gap to judge
        gaps += 1
        t = np.linspace(a1, b0, max(2, int(b0 - a1) + 1))
        xs = np.clip(np.round(p0[0] + t * axis[0]).astype(int), 0, width - 1)
        ys = np.clip(np.round(p0[1] + t * axis[1]).astype(int), 0, height - 1)
        coloured += bool(colour[ys, xs].any())
    return gaps > 0 and coloured >= 0.7 * gaps


def vectorise(ink: np.ndarray, silhouette: np.ndarray, stroke: float, frame: Frame,
              colour: np.ndarray | None = None) -> VectorisedView:
    """Typed primitives of one view and its visible profile (outer loop, through-hole loops).
    ``colour`` (the crop's coloured pixels) tells dashes from a line cut by coloured lines."""
    box_w, box_h = frame.box[2], frame.box[3]
    dash_max = max(4.0 * stroke + 8.0, min(60.0, 0.08 * max(box_w, box_h)))
    labels, small = _component_segments(ink, stroke, dash_max)
    groups = _chain_dashes(small, stroke)
    if colour is not None:
        colour = cv2.dilate(colour.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    primitives: list[plan.Primitive] = []
    dashed_labels: set[int] = set()
    loose: list[int] = []
    for group in groups:
        members = [small[i] for i in group]
        if len(members) >= 2:
            line_type, p0, p1 = _dashed_line(members, stroke)
            if colour is not None and _gaps_coloured(members, colour):
                line_type = "visible"
            primitives.append(piece_to_primitive(("line", p0, p1), frame, line_type))
            dashed_labels.update(m[0] for m in members)
        else:
            loose.append(group[0])
    # Dashes that do not line up: hidden arcs and circles, or tiny visible marks.
    primitives.extend(_curved_dashes([small[i] for i in loose], stroke, frame, dashed_labels))
    visible = ink.copy()
    if dashed_labels:
        visible[np.isin(labels, list(dashed_labels))] = 0
    traced = _trace(visible, stroke, frame, "visible")
    primitives.extend(settle_circles(traced, visible, stroke, frame))
    primitives = snap(primitives)
    profile = _visible_profile(silhouette, primitives, stroke, frame)
    return VectorisedView(primitives, profile)


def _curved_dashes(pieces: list, stroke: float, frame: Frame, used: set[int]
                   ) -> list[plan.Primitive]:
    """Group leftover dashes by proximity; fit a hidden arc or circle through each group."""
    if not pieces:
        return []
    n = len(pieces)
    ends = np.array([[p[2], p[3]] for p in pieces])  # n x 2 x 2
    lengths = np.array([p[1] for p in pieces])
    ii, jj = np.triu_indices(n, 1)
    gaps = np.full(len(ii), np.inf)
    for a in (0, 1):
        for b in (0, 1):
            diff = ends[ii, a] - ends[jj, b]
            gaps = np.minimum(gaps, np.hypot(diff[:, 0], diff[:, 1]))
    ok = gaps < 2.0 * np.maximum(lengths[ii], lengths[jj]) + 4
    groups = {i: g for i, g in enumerate(_union_groups(n, ii[ok], jj[ok]))}
    result: list[plan.Primitive] = []
    for group in groups.values():
        if len(group) < 3:
            continue  # an isolated mark: left to the visible tracer
        pts = np.vstack([pieces[i][4] for i in group])
        cx, cy, r, rms = fit_circle(pts)
        if not (r > 2 and rms < max(1.0, 0.03 * r)):
            continue
        used.update(pieces[i][0] for i in group)
        angles = np.sort(np.arctan2(pts[:, 1] - cy, pts[:, 0] - cx))
        gaps = np.diff(np.concatenate([angles, angles[:1] + 2 * np.pi]))
        biggest = int(np.argmax(gaps))
        if gaps[biggest] < math.radians(60):
            result.append(piece_to_primitive(("circle", cx, cy, r), frame, "hidden"))
            continue
        a_start = angles[(biggest + 1) % len(angles)]
        a_end = angles[biggest]
        p0 = np.array([cx + r * math.cos(a_start), cy + r * math.sin(a_start)])
        p1 = np.array([cx + r * math.cos(a_end), cy + r * math.sin(a_end)])
        mid_a = a_start + ((a_end - a_start) % (2 * np.pi)) / 2
        mid = np.array([[cx + r * math.cos(mid_a), cy + r * math.sin(mid_a)]])
        result.append(piece_to_primitive(("arc", cx, cy, r, p0, p1, np.vstack([p0, mid, p1])),
                                         frame, "hidden"))
    return result


def _trace(mask: np.ndarray, stroke: float, frame: Frame, line_type: str
           ) -> list[plan.Primitive]:
    """Centre-line vectorisation of solid strokes."""
    if not mask.any():
        return []
    skeleton = thin(mask)
    chains = trace_chains(skeleton, min_length=max(3, int(stroke * 2)))
    result = []
    for chain in chains:
        closed = len(chain) > 8 and float(np.hypot(*(chain[0] - chain[-1]))) < 2.0
        for piece in split_chain(chain, tolerance=max(1.0, 0.6 * stroke), closed=closed):
            if piece[0] == "line" and float(np.hypot(*(piece[2] - piece[1]))) < 2.0:
                continue
            result.append(piece_to_primitive(piece, frame, line_type))
    return result


def snap(primitives: list[plan.Primitive], angle_deg: float = 2.5) -> list[plan.Primitive]:
    """Snap near-axis lines to exact horizontal/vertical, arcs that close into circles, shared
    centres (concentric) and near-equal radii."""
    for prim in primitives:
        if isinstance(prim, plan.Line):
            dx, dy = prim.x1 - prim.x0, prim.y1 - prim.y0
            ang = math.degrees(math.atan2(abs(dy), abs(dx)))
            if ang < angle_deg:
                prim.y0 = prim.y1 = (prim.y0 + prim.y1) / 2
            elif ang > 90 - angle_deg:
                prim.x0 = prim.x1 = (prim.x0 + prim.x1) / 2
    round_ones = [p for p in primitives if isinstance(p, (plan.Arc, plan.Circle))]
    _share_centres(round_ones)
    _share_radii([p for p in round_ones if isinstance(p, plan.Circle)])
    return primitives


def _ring_fit(ink: _InkPixels, frame: Frame, cx: float, cy: float, r: float, stroke: float
              ) -> tuple[float, float, float, float] | None:
    """Refine a circle on the stroke pixels around it: (cx, cy, r) in view coordinates and the
    share of the circumference that has ink."""
    best = None
    # Only ink near the circle can take part: each of at most five band steps moves the
    # centre and the radius by at most band + 2 px, so this square holds all they may reach.
    px, py = frame.pixel(cx, cy)
    reach = r + 12.0 * (stroke + 6.0)
    near = (np.abs(ink.xs - px) <= reach) & (np.abs(ink.ys - py) <= reach)
    ink = _InkPixels(ink.mask, ink.grown, ink.xs[near], ink.ys[near])
    # Narrow bands first (close concentric circles must not pull each other), then wide ones
    # for rough seeds.
    half = stroke / 2.0
    for bands in ((half + 2.5, half + 2.0, half + 1.5, half + 1.2, half + 1.2),
                  (stroke + 4.0, stroke / 2.0 + 2.0, stroke / 2.0 + 1.2)):
        fitted = _ring_fit_bands(ink, frame, cx, cy, r, bands)
        if fitted is not None and (best is None or fitted[3] > best[3]):
            best = fitted
        if best is not None and best[3] >= 0.9:
            break
    return best


class _InkPixels:
    """A stroke mask with its pixel coordinates and a grown copy, computed once per view."""

    def __init__(self, mask: np.ndarray, grown: np.ndarray | None = None,
                 xs: np.ndarray | None = None, ys: np.ndarray | None = None):
        self.mask = mask
        if xs is None or ys is None:
            ys, xs = np.nonzero(mask)
        self.xs = xs.astype(float)
        self.ys = ys.astype(float)
        self.grown = cv2.dilate(mask, np.ones((3, 3), np.uint8)) if grown is None else grown


def _ring_fit_bands(ink: _InkPixels, frame: Frame, cx: float, cy: float, r: float,
                    bands: tuple[float, ...]) -> tuple[float, float, float, float] | None:
    px, py = frame.pixel(cx, cy)
    for band in bands:
        d = np.hypot(ink.xs - px, ink.ys - py)
        near = np.abs(d - r) <= band
        if near.sum() < 12:
            return None
        fx, fy, fr, _rms = fit_circle(np.stack([ink.xs[near], ink.ys[near]], axis=1))
        if fr <= 1 or math.hypot(fx - px, fy - py) > band + 2 or abs(fr - r) > band + 2:
            return None
        px, py, r = fx, fy, fr
    height, width = ink.mask.shape
    angles = np.linspace(0, 2 * np.pi, 180, endpoint=False)
    sx = np.clip(np.round(px + r * np.cos(angles)).astype(int), 0, width - 1)
    sy = np.clip(np.round(py + r * np.sin(angles)).astype(int), 0, height - 1)
    coverage = float((ink.grown[sy, sx] > 0).mean())
    vx, vy = frame.point(px, py)
    return vx, vy, r, coverage


def _on_circle(prim: plan.Primitive, circle: plan.Circle, tol: float) -> bool:
    """True when ``prim`` runs along ``circle`` (a piece of it traced separately)."""
    if isinstance(prim, plan.Line):
        pts = [prim.start(), ((prim.x0 + prim.x1) / 2, (prim.y0 + prim.y1) / 2), prim.end()]
    elif isinstance(prim, plan.Arc):
        pts = [prim.start(), prim.point_at(prim.start_deg + prim.sweep_deg() / 2), prim.end()]
    else:
        pts = [(prim.cx + prim.r * math.cos(a), prim.cy + prim.r * math.sin(a))
               for a in (0.0, 2.1, 4.2)]
    return all(abs(math.hypot(x - circle.cx, y - circle.cy) - circle.r) <= tol for x, y in pts)


def _hough_seeds(mask: np.ndarray, stroke: float, frame: Frame) -> list[plan.Circle]:
    """Circle candidates from OpenCV's Hough transform (verified later on the ink)."""
    if min(mask.shape) < 12:
        return []
    # Half resolution is enough for seeds (the ring fit refines them) and four times faster.
    factor = 0.5 if min(mask.shape) > 120 else 1.0
    small = cv2.resize(mask, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    smooth = cv2.GaussianBlur(small, (5, 5), 1.0)
    found = cv2.HoughCircles(smooth, cv2.HOUGH_GRADIENT_ALT, dp=1.0,
                             minDist=max(3.0, stroke), param1=150, param2=0.75,
                             minRadius=max(3, int(stroke * factor * 2)),
                             maxRadius=int(max(small.shape) / 2) + 2)
    if found is None:
        return []
    seeds = []
    for x, y, r in found[0]:
        vx, vy = frame.point((float(x) + 0.5) / factor - 1.0, (float(y) + 0.5) / factor - 1.0)
        seeds.append(plan.Circle(vx, vy, float(r) / factor))
    return seeds


def _concentric(circles: list[plan.Circle], ink: _InkPixels, stroke: float, frame: Frame
                ) -> list[plan.Circle]:
    """Further full circles around the centres already found (concentric sets drawn close
    together, which the Hough transform reports as one)."""
    found: list[plan.Circle] = []
    centres: list[tuple[float, float]] = []
    for c in circles:
        if all(math.hypot(c.cx - x, c.cy - y) > 2 for x, y in centres):
            centres.append((c.cx, c.cy))
    if not centres:
        return found
    xs, ys = ink.xs, ink.ys
    for vx, vy in centres:
        px, py = frame.pixel(vx, vy)
        dist = np.hypot(xs - px, ys - py)
        limit = int(dist.max()) + 2 if dist.size else 0
        hist = np.bincount(np.round(dist).astype(int), minlength=limit + 1)[:limit + 1]
        radii = np.arange(len(hist), dtype=float)
        # Ink per unit of circumference: about the stroke width on a drawn circle.
        density = hist / np.maximum(2 * np.pi * radii, 1.0)
        smooth = np.convolve(density, np.ones(3), mode="same")
        peaks = [r for r in range(3, len(smooth) - 1)
                 if smooth[r] >= 0.6 * stroke and smooth[r] >= smooth[r - 1]
                 and smooth[r] >= smooth[r + 1]]
        for r in peaks:
            known = circles + found
            if any(math.hypot(c.cx - vx, c.cy - vy) < 2 and abs(c.r - r) < stroke + 1
                   for c in known):
                continue
            fitted = _ring_fit(ink, frame, vx, vy, float(r), stroke)
            if fitted is None or fitted[3] < 0.9:
                continue
            if any(abs(c.r - fitted[2]) < stroke and math.hypot(c.cx - fitted[0],
                                                              c.cy - fitted[1]) < 2
                   for c in known):
                continue
            found.append(plan.Circle(fitted[0], fitted[1], fitted[2]))
    return found


def settle_circles(primitives: list[plan.Primitive], mask: np.ndarray, stroke: float,
                   frame: Frame) -> list[plan.Primitive]:
    """Arcs and circles that trace one drawn circle (split where lines cross it, or traced
    twice) become one Circle fitted on the stroke pixels, when ink runs all round it."""
    seeds = sorted((p for p in primitives if isinstance(p, (plan.Arc, plan.Circle))),
                   key=lambda p: -(360.0 if isinstance(p, plan.Circle) else p.sweep_deg()))
    if not seeds:
        return primitives  # nothing round was traced: no circle to look for
    seeds = _hough_seeds(mask, stroke, frame) + seeds
    ink = _InkPixels(mask)
    circles: list[plan.Circle] = []
    for seed in seeds:
        tol = stroke + 2.0
        if any(abs(math.hypot(seed.cx - c.cx, seed.cy - c.cy)) < tol and abs(seed.r - c.r) < tol
               for c in circles) or any(_on_circle(seed, c, tol) for c in circles):
            continue
        if isinstance(seed, plan.Arc) and seed.sweep_deg() < 45:
            continue
        fitted = _ring_fit(ink, frame, seed.cx, seed.cy, seed.r, stroke)
        if fitted is not None and fitted[3] >= 0.9:
            circles.append(plan.Circle(fitted[0], fitted[1], fitted[2],
                                       line_type=seed.line_type))
    circles += _concentric(circles, ink, stroke, frame)
    tol = stroke / 2.0 + 1.5
    rest = [p for p in primitives if not any(_on_circle(p, c, tol) for c in circles)]
    return rest + circles


def _share_centres(round_ones: list) -> None:
    for i, a in enumerate(round_ones):
        for b in round_ones[i + 1:]:
            if math.hypot(a.cx - b.cx, a.cy - b.cy) < 1.5:
                cx, cy = (a.cx + b.cx) / 2, (a.cy + b.cy) / 2
                a.cx = b.cx = cx
                a.cy = b.cy = cy


def _share_radii(circles: list) -> None:
    for i, a in enumerate(circles):
        same = [b for b in circles[i:] if abs(b.r - a.r) < 0.8]
        if len(same) > 1:
            r = float(np.mean([b.r for b in same]))
            for b in same:
                b.r = r


def _contour_primitives(contour: np.ndarray, stroke: float, frame: Frame
                        ) -> list[plan.Primitive]:
    pts = contour.reshape(-1, 2).astype(float)
    tolerance = max(1.0, 0.6 * stroke)
    pieces = split_chain(pts, tolerance=tolerance, closed=True)
    result: list[plan.Primitive] = []
    for piece in pieces:
        if piece[0] in ("arc", "circle") and not _hugs(piece, contour, tolerance + 1.0):
            seg = piece[6] if piece[0] == "arc" else pts
            approx = cv2.approxPolyDP(seg.astype(np.float32).reshape(-1, 1, 2), tolerance,
                                      piece[0] == "circle").reshape(-1, 2).astype(float)
            for a, b in zip(approx, approx[1:]):
                result.append(piece_to_primitive(("line", a, b), frame, "visible"))
            continue
        result.append(piece_to_primitive(piece, frame, "visible"))
    return result


def _hugs(piece: tuple, contour: np.ndarray, tolerance: float) -> bool:
    """True when a fitted arc or circle stays on the traced boundary all along."""
    cx, cy, r = piece[1], piece[2], piece[3]
    if piece[0] == "circle":
        angles = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    else:
        a0 = math.atan2(piece[4][1] - cy, piece[4][0] - cx)
        a1 = math.atan2(piece[5][1] - cy, piece[5][0] - cx)
        mid = piece[6][len(piece[6]) // 2]
        am = math.atan2(mid[1] - cy, mid[0] - cx)
        sweep = (a1 - a0) % (2 * np.pi)
        if (am - a0) % (2 * np.pi) > sweep:  # the arc runs the other way round
            a0, sweep = a1, 2 * np.pi - sweep
        angles = a0 + np.linspace(0, sweep, 12)
    cnt = contour.reshape(-1, 1, 2).astype(np.float32)
    for a in angles:
        px, py = cx + r * math.cos(a), cy + r * math.sin(a)
        if abs(cv2.pointPolygonTest(cnt, (float(px), float(py)), True)) > tolerance:
            return False
    return True


def _onto_drawn(loop: plan.Loop, primitives: list[plan.Primitive]) -> plan.Loop:
    """A straight-sided outline with the sharp corners of its sloped sides (a dovetail's) that
    the strokes cut off put back where the drawn lines meet; other corners are traced true."""
    if not loop.primitives or not all(isinstance(p, plan.Line) for p in loop.primitives):
        return loop
    points = onto_drawn_lines([p.start() for p in loop.primitives], primitives,
                              cut_only=True)
    return plan.Loop([plan.Line(*points[i], *points[(i + 1) % len(points)], "visible")
                      for i in range(len(points))])


def _visible_profile(silhouette: np.ndarray, primitives: list[plan.Primitive], stroke: float,
                     frame: Frame) -> plan.Profile:
    """Outer loop from the silhouette boundary; inner loops from visible circles inside it."""
    # Trace the boundary along the stroke centre: shrink the filled outline by half a stroke.
    inset = int(round((stroke - 1) / 2))
    sil = cv2.erode(silhouette, np.ones((2 * inset + 1,) * 2, np.uint8)) if inset else silhouette
    contours, _ = cv2.findContours(sil, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    loops: list[plan.Loop] = []
    if contours:
        outer = max(contours, key=cv2.contourArea)
        loop = _onto_drawn(plan.Loop(_contour_primitives(outer, stroke, frame)), primitives)
        if loop.area() < 0:
            loop.primitives = plan.reversed_chain(loop.primitives)
        loops.append(loop)
    # Through-hole candidates: visible circles well inside the outline, the innermost of each
    # concentric set (a counterbore's outer circle is a step, not a hole).
    inside = cv2.erode(silhouette, np.ones((3, 3), np.uint8))
    circles = [p for p in primitives if isinstance(p, plan.Circle) and p.line_type == "visible"]
    holes = []
    bx, by, _bw, bh = frame.box
    for circle in circles:
        ring_ok = True
        for k in range(24):
            a = 2 * math.pi * k / 24
            vx = circle.cx + (circle.r + stroke + 2) * math.cos(a)
            vy = circle.cy + (circle.r + stroke + 2) * math.sin(a)
            fx, fy = frame.pixel(vx, vy)
            ix, iy = int(round(fx)), int(round(fy))
            if not (0 <= iy < inside.shape[0] and 0 <= ix < inside.shape[1]) or not inside[iy, ix]:
                ring_ok = False
                break
        if ring_ok:
            holes.append(circle)
    innermost = [c for c in holes if not any(
        o is not c and o.r < c.r - 1 and math.hypot(o.cx - c.cx, o.cy - c.cy) < 2 for o in holes)]
    # Holes cannot cut each other's rims: a small "circle" across a larger one is an
    # arrowhead or a letter touching it.
    innermost = [c for c in innermost if not any(
        o is not c and o.r > c.r
        and abs(o.r - c.r) + 1 < math.hypot(o.cx - c.cx, o.cy - c.cy) < o.r + c.r - 1
        for o in circles)]
    for circle in sorted(innermost, key=lambda c: (c.cx, c.cy)):
        loops.append(plan.Loop([plan.Circle(circle.cx, circle.cy, circle.r)]))
    return plan.Profile(loops=loops, line_type="visible")
