# SPDX-License-Identifier: LGPL-2.1-or-later
"""The annotation ink of a drawing: arrowheads, and the lines joining them to the text.

Everything drawn that is not the views' geometry (rendered from their primitives and painted
out) and not text is dimension lines, extension lines, leaders and arrowheads. Arrowheads are
the filled parts that survive an opening which removes thin lines; each has a tip and a
direction. A value's arrowheads are those on the annotation ink connected to its text: two
facing along one axis for a linear value (their tips mark what it measures), one at the end of
a leader for a radius or a diameter (its tip lies on the arc or the circle).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import plan


@dataclass
class Arrow:
    tip: tuple[float, float]  # image pixels
    direction: tuple[float, float]  # unit vector from the arrowhead's base to its tip
    component: int  # label of the annotation ink at its tip (0: on the outline)
    size: float  # length in pixels
    components: frozenset = frozenset()  # every piece of annotation ink it touches

    @property
    def axis(self) -> str | None:
        """"x" or "y" for an arrowhead along a view axis, None for a slanted one."""
        dx, dy = abs(self.direction[0]), abs(self.direction[1])
        if dx >= 0.94:
            return "x"
        if dy >= 0.94:
            return "y"
        return None


@dataclass
class Annotation:
    labels: np.ndarray  # connected components of the annotation ink (0: none)
    arrows: list[Arrow]
    geometry: np.ndarray  # boolean mask of the views' rendered geometry (dilated)
    stroke: int  # typical line width in pixels
    extents: np.ndarray  # (x, y, w, h) of each component of ``labels``


def stroke_width(ink: np.ndarray) -> int:
    """The typical width of drawn lines: the commonest length of short ink runs along rows."""
    rows = ink[:: max(1, ink.shape[0] // 200)].astype(np.int8)
    edges = np.diff(np.pad(rows, ((0, 0), (1, 1))), axis=1)
    starts = np.argwhere(edges == 1)
    ends = np.argwhere(edges == -1)
    if not len(starts):
        return 2
    runs = ends[:, 1] - starts[:, 1]
    runs = runs[runs <= 12]
    if not len(runs):
        return 2
    return int(max(1, np.bincount(runs).argmax()))


def render_geometry(shape: tuple[int, int], views: list[plan.View], image_index: int,
                    thickness: int) -> np.ndarray:
    import cv2

    mask = np.zeros(shape, np.uint8)
    for view in views:
        if view.image_index != image_index or view.role == "pictorial":
            continue
        bx, by, _bw, bh = view.box

        def at(x: float, y: float, bx: int = bx, top: int = by + bh) -> tuple[int, int]:
            return int(round(bx + x)), int(round(top - y))

        for prim in view.primitives:
            if isinstance(prim, plan.Line):
                cv2.line(mask, at(prim.x0, prim.y0), at(prim.x1, prim.y1), 1, thickness)
            elif isinstance(prim, plan.Circle):
                cv2.circle(mask, at(prim.cx, prim.cy), int(round(prim.r)), 1, thickness)
            elif isinstance(prim, plan.Arc):
                steps = max(2, int(prim.sweep_deg() / 3))
                points = [at(*prim.point_at(prim.start_deg + prim.sweep_deg() * k / steps))
                          for k in range(steps + 1)]
                cv2.polylines(mask, [np.array(points, np.int32)], False, 1, thickness)
    return mask.astype(bool)


def analyse(gray: np.ndarray, views: list[plan.View], image_index: int,
            text_boxes: list[tuple[int, int, int, int]]) -> Annotation:
    """Arrowheads and connected annotation ink of one image."""
    import cv2

    ink = gray < 200
    stroke = stroke_width(ink)
    geometry = render_geometry(ink.shape, views, image_index, 2 * stroke + 3)
    notes = ink & ~geometry
    texts = np.zeros(ink.shape, bool)
    for x, y, w, h in text_boxes:
        texts[max(0, y):y + h, max(0, x):x + w] = True
    annotation = (notes & ~texts).astype(np.uint8)
    # A leader or dimension line crossing the outline (or a line the drawing layer took for
    # outline) is cut where the geometry was painted out: join straight runs across the cut.
    reach = 4 * stroke + 6  # the painted band crossed at 45 degrees, and a little
    joined = annotation.copy()
    diagonal = np.eye(max(3, int(reach / 1.4)), dtype=np.uint8)
    for kernel in (np.ones((1, reach), np.uint8), np.ones((reach, 1), np.uint8), diagonal,
                   np.ascontiguousarray(diagonal[::-1])):
        joined |= cv2.morphologyEx(annotation, cv2.MORPH_CLOSE, kernel) & geometry
    _count, labels, extents, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    size = 2 * stroke + 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    solid = cv2.morphologyEx((ink & ~texts).astype(np.uint8), cv2.MORPH_OPEN, kernel)
    count, blobs, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    arrows: list[Arrow] = []
    for label in range(1, count):
        x, y, w, h, area = stats[label]
        length = max(w, h)
        if not (3 * stroke <= length <= 16 * stroke) or area < 2 * stroke * stroke:
            continue
        ys, xs = np.nonzero(blobs[y:y + h, x:x + w] == label)
        ys, xs = ys + y, xs + x
        free = ~geometry[ys, xs]  # its shape away from the outline it may touch
        arrow = _arrowhead(xs[free], ys[free], stroke, ink) if free.sum() >= 0.5 * len(
            xs) else None
        if arrow is None:
            arrow = _arrowhead(xs, ys, stroke, ink)
        if arrow is None:
            continue
        tip, direction, size_px = arrow
        tx, ty = int(round(tip[0])), int(round(tip[1]))
        component = int(labels[min(max(ty, 0), ink.shape[0] - 1),
                               min(max(tx, 0), ink.shape[1] - 1)])
        under = labels[ys, xs]
        components = {int(v) for v in np.unique(under) if v}
        if component:
            components.add(component)
        # The line behind the base (a leader cut off where it crosses the outline).
        for step in range(int(size_px), int(2.5 * size_px)):
            bx = int(round(tip[0] - direction[0] * step))
            by = int(round(tip[1] - direction[1] * step))
            if 0 <= by < ink.shape[0] and 0 <= bx < ink.shape[1] and labels[by, bx]:
                components.add(int(labels[by, bx]))
                break
        arrows.append(Arrow(tip, direction, component, size_px, frozenset(components)))
    return Annotation(labels, arrows, geometry, stroke, extents[:, :4])


def _arrowhead(xs: np.ndarray, ys: np.ndarray, stroke: int, ink: np.ndarray
               ) -> tuple[tuple[float, float], tuple[float, float], float] | None:
    """A filled wedge: elongated, and narrow at one end (the tip) and wide at the other."""
    cx, cy = xs.mean(), ys.mean()
    coords = np.stack([xs - cx, ys - cy])
    cov = coords @ coords.T / max(len(xs), 1)
    values, vectors = np.linalg.eigh(cov)
    major = vectors[:, 1]
    along = major @ coords
    across = vectors[:, 0] @ coords
    length = along.max() - along.min()
    if values[0] <= 0 or math.sqrt(values[1] / values[0]) < 1.8 or length < 3 * stroke:
        return None
    lo, hi = along.min(), along.max()
    quarter = 0.25 * length
    near_lo = np.abs(across[along <= lo + quarter])
    near_hi = np.abs(across[along >= hi - quarter])
    width_lo = near_lo.max() if len(near_lo) else 0.0
    width_hi = near_hi.max() if len(near_hi) else 0.0
    if max(width_lo, width_hi) < 1.3 * max(min(width_lo, width_hi), 0.5):
        return None  # a bar, not a wedge
    sign = -1.0 if width_lo < width_hi else 1.0
    # The opening cut the thin point off: carry the wedge's sides on to where they meet.
    from_tip = (along - lo) if sign < 0 else (hi - along)
    slices = np.floor(from_tip).astype(int)
    widths = np.full(int(slices.max()) + 1, np.nan)
    for s in np.unique(slices):
        part = across[slices == s]
        widths[s] = part.max() - part.min() + 1
    half = np.arange(len(widths)) < 0.6 * len(widths)
    ok = half & ~np.isnan(widths)
    extra = 0.0
    if ok.sum() >= 3:
        slope, intercept = np.polyfit(np.flatnonzero(ok), widths[ok], 1)
        if slope > 0.05:
            extra = min(max(intercept / slope, 0.0), length)
    tip_along = lo if sign < 0 else hi
    tip = (cx + major[0] * tip_along, cy + major[1] * tip_along)
    direction = (float(major[0] * sign), float(major[1] * sign))
    # Walk on along the ink to the point itself: until the ink ends, meets a line across
    # (an extension line or the outline: the tip touches it), or runs past where the sides
    # meet (a line going on).
    height, width = ink.shape
    normal = (-direction[1], direction[0])
    limit = int(1.15 * extra + 1)
    previous = math.inf
    step = 0
    while step < limit:
        px = tip[0] + direction[0] * (step + 1)
        py = tip[1] + direction[1] * (step + 1)
        if not _inked(ink, px, py):
            break
        across_width = 1
        for side in (1, -1):
            k = 1
            while k <= 4 * stroke and _inked(ink, px + side * normal[0] * k,
                                              py + side * normal[1] * k):
                k += 1
            across_width += k - 1
        if across_width > previous + stroke + 1:
            step += max(1, stroke // 2)  # the middle of the line it touches
            break
        previous = across_width
        step += 1
    tip = (tip[0] + direction[0] * step, tip[1] + direction[1] * step)
    return tip, direction, float(length) + step


def _inked(ink: np.ndarray, x: float, y: float) -> bool:
    ix, iy = int(round(x)), int(round(y))
    return 0 <= iy < ink.shape[0] and 0 <= ix < ink.shape[1] and bool(ink[iy, ix])


def components_at(annotation: Annotation, box: tuple[int, int, int, int]) -> set[int]:
    """The pieces of annotation ink starting at a text box (its leader or dimension line)."""
    x, y, w, h = box
    pad = max(4, int(0.6 * min(w, h)))
    height, width = annotation.labels.shape
    ring = annotation.labels[max(0, y - pad):min(height, y + h + pad),
                             max(0, x - pad):min(width, x + w + pad)]
    return {int(v) for v in np.unique(ring) if v}


def arrows_of(annotation: Annotation, box: tuple[int, int, int, int]) -> list[Arrow]:
    """The arrowheads on the annotation ink that starts at the text box."""
    near = components_at(annotation, box)
    return [a for a in annotation.arrows if a.components & near]
