# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hand sketches -> clean line work the drawing layer reads.

Pencil strokes are found against the (uneven) paper, doubled strokes merged, centre lines traced
and fitted with lines, arcs and circles at a tolerance that forgives a wobbly hand. Lines within
a few degrees of horizontal or vertical are snapped to it, near-parallel lines share one angle,
and loose ends close on their neighbours (corners and T-joints). The result is redrawn in black
on white, in the source image's pixel frame, so views keep their places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from .. import errors
from ..drawing.fit import fit_circle, fit_line_points, thin, trace_chains
from ..imaging.load import LoadedImage

AXIS_SNAP_DEG = 7.0  # a hand-drawn horizontal or vertical line is rarely further off
PARALLEL_SNAP_DEG = 5.0


@dataclass
class _Line:
    p0: np.ndarray
    p1: np.ndarray

    @property
    def direction(self) -> np.ndarray:
        d = self.p1 - self.p0
        return d / max(float(np.hypot(*d)), 1e-9)

    @property
    def length(self) -> float:
        return float(np.hypot(*(self.p1 - self.p0)))

    def angle(self) -> float:
        """Undirected angle in [0, 180)."""
        d = self.p1 - self.p0
        return math.degrees(math.atan2(d[1], d[0])) % 180.0


@dataclass
class _Arc:
    cx: float
    cy: float
    r: float
    points: np.ndarray  # the traced points, in order (start, ..., end)
    closed: bool = False


def _ink(gray: np.ndarray) -> tuple[np.ndarray, float]:
    """Pencil strokes against the paper, whose brightness may vary across the sheet."""
    size = max(15, (min(gray.shape) // 40) | 1)
    paper = cv2.dilate(gray, np.ones((size, size), np.uint8))
    paper = cv2.GaussianBlur(paper, (0, 0), size / 2)
    darkness = cv2.subtract(paper, gray)
    strong = float(np.percentile(darkness, 99.7))
    if strong < 30:
        raise errors.MakistryError(
            errors.IMAGE_PARSE_FAILED,
            "the sketch's strokes are too faint to read (they differ from the paper by only "
            f"{strong:.0f} of 255). Go over the lines with a darker pencil or pen and scan or "
            "photograph it in even light.")
    ink = (darkness > max(18.0, 0.3 * strong)).astype(np.uint8) * 255
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] < max(12, gray.size // 40000)
    small[0] = False
    ink[small[labels]] = 0
    return ink, strong


def _stroke_merge_size(shape: tuple[int, int]) -> int:
    return max(3, int(round(min(shape) / 220.0)) | 1)


def _fit_piece(points: np.ndarray, tolerance: float) -> list:
    """A run of centre-line points as lines and arcs."""
    pts = points.astype(float)
    if len(pts) < 2:
        return []
    span = float(np.hypot(*(pts[-1] - pts[0])))
    if len(pts) >= 12:
        cx, cy, r, rms = fit_circle(pts)
        if r > 4 and rms < max(1.0, 0.012 * r) and r < max(span, 1.0):
            sagitta = r - math.sqrt(max(0.0, r * r - span * span / 4)) if r > span / 2 else r
            if sagitta > 2.5 * tolerance:
                return [_Arc(cx, cy, r, pts)]
    approx = cv2.approxPolyDP(pts.astype(np.float32).reshape(-1, 1, 2), tolerance, False)
    approx = approx.reshape(-1, 2).astype(float)
    index = [int(np.argmin(np.hypot(*(pts - v).T))) for v in approx]
    index[0], index[-1] = 0, len(pts) - 1
    pieces: list = []
    i = 0
    while i < len(approx) - 1:
        # Gently turning runs may be an arc drawn as a few strokes.
        j = i + 1
        while j < len(approx) - 1:
            a, b, c = approx[j - 1], approx[j], approx[j + 1]
            v1, v2 = b - a, c - b
            turn = abs(math.degrees(math.atan2(v1[0] * v2[1] - v1[1] * v2[0],
                                               float(np.dot(v1, v2)))))
            if not 8 < turn < 70:
                break
            j += 1
        if j - i >= 3:
            seg = pts[index[i]:index[j] + 1]
            cx, cy, r, rms = fit_circle(seg)
            chord = float(np.hypot(*(seg[-1] - seg[0])))
            if r > 4 and rms < max(1.0, 0.012 * r) and r < chord:
                pieces.append(_Arc(cx, cy, r, seg))
                i = j
                continue
        j = i + 1
        seg = pts[index[i]:index[j] + 1]
        p0, p1 = fit_line_points(seg) if len(seg) > 2 else (approx[i], approx[j])
        pieces.append(_Line(np.asarray(p0, float), np.asarray(p1, float)))
        i = j
    return pieces


def _is_flat(arc: _Arc, tolerance: float) -> bool:
    chord = float(np.hypot(*(arc.points[-1] - arc.points[0])))
    r = arc.r
    sagitta = r - math.sqrt(max(0.0, r * r - chord * chord / 4)) if r > chord / 2 else r
    return sagitta < 2.0 * tolerance or r > max(chord, 1.0)


def _round_holes(banded: np.ndarray, diag: float) -> list[_Arc]:
    """Small paper regions enclosed by a round stroke: drawn holes, as circles along the
    stroke's centre."""
    contours, hierarchy = cv2.findContours(banded, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
    if hierarchy is None:
        return []
    found = []
    for contour, hier in zip(contours, hierarchy[0]):
        if hier[3] < 0 or len(contour) < 12:
            continue  # outer boundaries of ink, not enclosed paper
        area = cv2.contourArea(contour)
        perimeter = cv2.arcLength(contour, True)
        if area < 20 or perimeter <= 0 or area > (0.06 * diag) ** 2:
            continue
        if 4 * math.pi * area / perimeter ** 2 < 0.8:
            continue
        pts = contour.reshape(-1, 2).astype(float)
        cx, cy, r, rms = fit_circle(pts)
        if r <= 2 or rms > max(1.0, 0.08 * r):
            continue
        # The stroke's centre line lies half a stroke outside the enclosed paper.
        ring = np.zeros_like(banded)
        cv2.circle(ring, (int(round(cx)), int(round(cy))), int(round(r)) + 6, 255, -1)
        band = cv2.bitwise_and(ring, banded)
        dist = cv2.distanceTransform(band, cv2.DIST_L2, 3)
        stroke = 2.0 * float(dist.max()) if dist.max() > 0 else 2.0
        found.append(_Arc(cx, cy, r + stroke / 2.0, pts, closed=True))
    return found


def _trace(ink: np.ndarray, tolerance: float) -> tuple[list[_Line], list[_Arc]]:
    skeleton = thin(ink)
    chains = trace_chains(skeleton, min_length=4)
    lines: list[_Line] = []
    arcs: list[_Arc] = []
    for chain in chains:
        pts = chain.astype(float)
        closed = len(pts) > 16 and float(np.hypot(*(pts[0] - pts[-1]))) < 3.0
        if closed:
            cx, cy, r, rms = fit_circle(pts)
            if r > 3 and rms < max(1.2, 0.08 * r):
                arcs.append(_Arc(cx, cy, r, pts, closed=True))
                continue
        if closed:
            # Start the loop at a corner (the point farthest from its centre) and stop short
            # of the start: Douglas-Peucker needs two distinct ends.
            start = int(np.argmax(np.hypot(*(pts - pts.mean(axis=0)).T)))
            pts = np.roll(pts, -start, axis=0)[:-1]
            lines.append(_Line(pts[-1].copy(), pts[0].copy()))
        for piece in _fit_piece(pts, tolerance):
            if isinstance(piece, _Arc) and _is_flat(piece, tolerance):
                piece = _Line(*(np.asarray(p, float) for p in fit_line_points(piece.points)))
            (lines if isinstance(piece, _Line) else arcs).append(piece)
    return lines, arcs


def _rotate_to(line: _Line, angle_deg: float) -> None:
    mid = (line.p0 + line.p1) / 2
    half = line.length / 2
    sign = 1.0 if np.dot(line.p1 - line.p0, [math.cos(math.radians(angle_deg)),
                                            math.sin(math.radians(angle_deg))]) >= 0 else -1.0
    d = sign * np.array([math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))])
    line.p0, line.p1 = mid - d * half, mid + d * half
    if angle_deg % 90.0 == 0.0:  # exactly level or plumb: no rounding may tilt it later
        axis = 1 if angle_deg % 180.0 == 0.0 else 0
        line.p0[axis] = line.p1[axis] = round(float(mid[axis]))


def _angle_gap(a: float, b: float) -> float:
    gap = abs(a - b) % 180.0
    return min(gap, 180.0 - gap)


def snap_angles(lines: list[_Line]) -> None:
    """Near-horizontal/vertical lines to exact; other near-parallel lines to a shared angle."""
    rest = []
    for line in lines:
        angle = line.angle()
        for target in (0.0, 90.0, 180.0):
            if abs(angle - target) < AXIS_SNAP_DEG:
                _rotate_to(line, target % 180.0)
                break
        else:
            rest.append(line)
    rest.sort(key=lambda ln: -ln.length)
    done: set[int] = set()
    for i, line in enumerate(rest):
        if i in done:
            continue
        group = [j for j in range(i, len(rest)) if j not in done
                 and _angle_gap(rest[j].angle(), line.angle()) < PARALLEL_SNAP_DEG]
        base = line.angle()
        weights = [rest[j].length for j in group]
        offsets = [((rest[j].angle() - base + 90) % 180) - 90 for j in group]
        mean = base + float(np.average(offsets, weights=weights))
        for j in group:
            _rotate_to(rest[j], mean)
            done.add(j)


def merge_doubled(lines: list[_Line], distance: float, gap: float) -> list[_Line]:
    """Strokes drawn twice side by side, or a line drawn in pieces with gaps up to ``gap``,
    become one line."""
    merged = True
    while merged:
        merged = False
        for i in range(len(lines)):
            for j in range(i + 1, len(lines)):
                a, b = lines[i], lines[j]
                if _angle_gap(a.angle(), b.angle()) > 4.0:
                    continue
                d = a.direction
                normal = np.array([-d[1], d[0]])
                if abs(float(np.dot(b.p0 - a.p0, normal))) > distance or abs(
                        float(np.dot(b.p1 - a.p0, normal))) > distance:
                    continue
                ta = sorted([0.0, a.length])
                tb = sorted([float(np.dot(b.p0 - a.p0, d)), float(np.dot(b.p1 - a.p0, d))])
                if tb[0] > ta[1] + gap or tb[1] < ta[0] - gap:
                    continue  # collinear but apart: a real gap or two separate edges
                pts = np.array([a.p0, a.p1, b.p0, b.p1])
                weights = np.array([a.length, a.length, b.length, b.length])
                offset = float(np.dot((pts - a.p0) @ normal, weights) / weights.sum())
                t = (pts - a.p0) @ d
                base = a.p0 + normal * offset
                lines[i] = _Line(base + d * t.min(), base + d * t.max())
                del lines[j]
                merged = True
                break
            if merged:
                break
    return lines


def _intersection(a: _Line, b: _Line) -> np.ndarray | None:
    da, db = a.p1 - a.p0, b.p1 - b.p0
    cross = da[0] * db[1] - da[1] * db[0]
    if abs(cross) < 1e-9 * (a.length * b.length + 1e-9) or _angle_gap(a.angle(),
                                                                         b.angle()) < 15:
        return None
    t = ((b.p0 - a.p0)[0] * db[1] - (b.p0 - a.p0)[1] * db[0]) / cross
    return a.p0 + t * da


def close_gaps(lines: list[_Line], arcs: list[_Arc], gap: float) -> None:
    """Join loose line ends: at the corner two lines make, onto a line they stop short of (or
    run past a little), or onto a nearby arc end."""
    arc_ends = [p for arc in arcs if not arc.closed for p in (arc.points[0], arc.points[-1])]
    for i, line in enumerate(lines):
        for end in ("p0", "p1"):
            point = getattr(line, end)
            outward = point - (line.p1 if end == "p0" else line.p0)
            outward = outward / max(float(np.hypot(*outward)), 1e-9)
            best = None
            for j, other in enumerate(lines):
                if j == i:
                    continue
                hit = _intersection(line, other)
                if hit is None:
                    continue
                if np.hypot(*(hit - point)) > gap or float(np.dot(hit - point, outward)) < -1.0:
                    continue  # too far, or behind the end: extend lines, never trim them
                # The joint must lie on the other line, or within the gap of its ends.
                d = other.direction
                t = float(np.dot(hit - other.p0, d))
                if t < -gap or t > other.length + gap:
                    continue
                dist = float(np.hypot(*(hit - point)))
                if best is None or dist < best[0]:
                    best = (dist, hit)
            for arc_end in arc_ends:
                dist = float(np.hypot(*(arc_end - point)))
                if dist <= gap and (best is None or dist < best[0]):
                    best = (dist, arc_end.copy())
            if best is not None:
                other_end = line.p1 if end == "p0" else line.p0
                # Never fold a line back over itself.
                if np.hypot(*(best[1] - other_end)) > 0.5 * line.length:
                    setattr(line, end, np.asarray(best[1], float))


def _arc_polyline(arc: _Arc) -> np.ndarray:
    if arc.closed:
        angles = np.linspace(0, 2 * np.pi, max(24, int(arc.r)), endpoint=True)
    else:
        pts = arc.points
        a0 = math.atan2(pts[0][1] - arc.cy, pts[0][0] - arc.cx)
        a1 = math.atan2(pts[-1][1] - arc.cy, pts[-1][0] - arc.cx)
        mid = pts[len(pts) // 2]
        am = math.atan2(mid[1] - arc.cy, mid[0] - arc.cx)
        sweep = (a1 - a0) % (2 * np.pi)
        if (am - a0) % (2 * np.pi) > sweep:
            sweep -= 2 * np.pi
        angles = a0 + np.linspace(0, sweep, max(8, int(abs(sweep) * arc.r / 3)))
    return np.stack([arc.cx + arc.r * np.cos(angles), arc.cy + arc.r * np.sin(angles)], axis=1)


def clean_sketch(image: LoadedImage) -> LoadedImage:
    """The sketch redrawn as straight black lines, arcs and circles on white (same size)."""
    gray = image.gray
    height, width = gray.shape
    ink, _strong = _ink(gray)
    merge = _stroke_merge_size(gray.shape)
    # Doubled and broken pencil strokes close into one band before tracing its centre.
    banded = cv2.morphologyEx(ink, cv2.MORPH_CLOSE,
                              cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (merge, merge)))
    diag = math.hypot(width, height)
    tolerance = max(2.0, 0.003 * diag)
    lines, arcs = _trace(banded, tolerance)
    holes = _round_holes(banded, diag)
    if holes:
        # A traced piece lying on a found hole is that hole drawn in pieces.
        def on_hole(points: np.ndarray) -> bool:
            return any(np.all(np.abs(np.hypot(points[:, 0] - h.cx, points[:, 1] - h.cy) - h.r)
                              < max(3.0, 0.25 * h.r)) for h in holes)
        lines = [ln for ln in lines if not on_hole(np.array([ln.p0, ln.p1,
                                                             (ln.p0 + ln.p1) / 2]))]
        arcs = [a for a in arcs if not on_hole(a.points)] + holes
    min_length = 3.0
    lines = [ln for ln in lines if ln.length >= min_length]
    snap_angles(lines)
    gap = max(6.0, 0.015 * diag)
    lines = merge_doubled(lines, distance=merge + 2.0, gap=gap)
    snap_angles(lines)
    close_gaps(lines, arcs, gap=gap)
    canvas = np.full((height, width), 255, np.uint8)
    thickness = max(2, int(round(diag / 600)))
    for line in lines:
        p0 = tuple(int(round(v)) for v in line.p0)
        p1 = tuple(int(round(v)) for v in line.p1)
        cv2.line(canvas, p0, p1, 0, thickness, cv2.LINE_8)
    for arc in arcs:
        poly = np.round(_arc_polyline(arc)).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(canvas, [poly], arc.closed, 0, thickness, cv2.LINE_8)
    rgb = np.repeat(canvas[:, :, None], 3, axis=2)
    return LoadedImage(name=image.name, format="PNG", rgb=rgb, role=image.role)


def add_sketch_holes(views: list, clean: LoadedImage, image_index: int = 0) -> int:
    """Post-process the drawing layer's views of a cleaned sketch: closed non-round outlines
    drawn inside a view and clear of its outline (a slot, a square cut-out) become see-through
    inner loops, as the drawing layer already does for circles. Returns how many were added."""
    from .. import plan
    from ..drawing.vectorize import Frame
    from .outline import contour_loop, loop_area

    ink = (clean.gray < 128).astype(np.uint8) * 255
    added = 0
    for view in views:
        if view.image_index != image_index or view.role not in plan.ORTHO_ROLES + ("unknown",):
            continue
        if not view.profiles or not view.profiles[0].loops:
            continue
        x, y, w, h = view.box
        pad = 6
        x0, y0 = max(0, x - pad), max(0, y - pad)
        crop = ink[y0:y + h + pad, x0:x + w + pad]
        contours, hierarchy = cv2.findContours(crop, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if hierarchy is None:
            continue
        depth = cv2.distanceTransform(crop, cv2.DIST_L2, 3)
        frame = Frame(view.box, (0, 0))
        profile = view.profiles[0]
        circles = [lp.primitives[0] for lp in profile.loops[1:]
                   if len(lp.primitives) == 1 and isinstance(lp.primitives[0], plan.Circle)]
        stroke = max(2.0, 2.0 * float(np.percentile(depth[crop > 0], 90)) if crop.any()
                     else 2.0)
        for contour, hier in zip(contours, hierarchy[0]):
            if hier[3] < 0:
                continue  # ink's outer boundary, not enclosed paper
            area = cv2.contourArea(contour)
            if area < max(50.0, 0.003 * w * h) or area > 0.2 * w * h:
                continue  # a speck, or a face of the view
            region = np.zeros_like(crop)
            cv2.drawContours(region, [contour], -1, 255, -1)
            # Clear of every other line: just beyond its own stroke there is only paper (a
            # corner or a face between outline lines has other strokes right there).
            near = cv2.dilate(region, np.ones((int(2 * stroke) + 3,) * 2, np.uint8))
            ring = cv2.dilate(region, np.ones((int(5 * stroke) + 7,) * 2, np.uint8))
            band = (ring > 0) & (near == 0)
            if ring[:2].any() or ring[-2:].any() or ring[:, :2].any() or ring[:, -2:].any():
                continue
            if (crop[band] > 0).mean() > 0.05:
                continue
            moments = cv2.moments(contour)
            cx = moments["m10"] / moments["m00"] + x0
            cy = moments["m01"] / moments["m00"] + y0
            vx, vy = frame.point(cx, cy)
            if any(math.hypot(vx - c.cx, vy - c.cy) < c.r for c in circles):
                continue  # already a round hole
            # The stroke's centre line lies half a stroke outside the enclosed paper.
            grown = cv2.dilate(region, cv2.getStructuringElement(
                cv2.MORPH_ELLIPSE, (int(stroke) | 1, int(stroke) | 1)))
            outline, _ = cv2.findContours(grown, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
            points = max(outline, key=cv2.contourArea).reshape(-1, 2).astype(float) + [x0, y0]
            loop = contour_loop(points, frame, ccw=False)
            if loop_area(loop) > 0:
                profile.loops.append(loop)
                added += 1
    return added
