# SPDX-License-Identifier: LGPL-2.1-or-later
"""Link each value to the view geometry it measures, and find the scale the values agree on.

Every view offers measurable quantities: horizontal and vertical spans between its lines' and
circles' extreme coordinates (with the view's model axes), circle and arc diameters and radii.
A scale (mm per pixel) is found by voting: every value against every quantity of its kind in
the view nearest to its text gives a candidate scale; the scale most values agree on (within
1.5 %) wins, weighted towards the quantities closest to the text. Each value is then linked to
the agreeing quantity nearest to its text. The values, not the pixels, then give the sizes, so a
view drawn slightly off scale still builds at the printed size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .. import plan
from ..drawing.corners import slope_deg, sloped
from . import arrows

# Role -> (model axis of view x, model axis of view y); see reconstruct/hull.py ROLE_AXES.
ROLE_AXES = {
    "front": ("x", "z"), "back": ("x", "z"), "top": ("x", "y"), "bottom": ("x", "y"),
    "right": ("y", "z"), "left": ("y", "z"), "section": ("x", "z"),
}
AGREEMENT = 0.015  # relative: a value agrees with a quantity when value / (scale*px) is this close
_MIN_PIXELS = 4.0
_PIXEL_SLACK = 2.5
_COORD_MERGE_PX = 1.5
ANGLE_AGREEMENT_DEG = 4.0  # a sloped line this near a printed angle may be what it measures
_MIN_SLOPE_PX = 8.0


@dataclass
class Quantity:
    """Something measurable in a view: its length in pixels and where it lies in the image."""

    pixels: float
    kind: str  # "span" (linear), "diameter", "radius"
    direction: str | None  # "x" / "y" for spans (view directions)
    refs: list[int]
    anchor: tuple[float, float, float, float]  # image box (x0, y0, x1, y1) of what it measures
    overall: bool = False  # the view's whole width or height
    ends: tuple[float, float] = ()  # a span's two coordinates along its direction (view px)


def _to_image(view: plan.View, x: float, y: float) -> tuple[float, float]:
    bx, by, _bw, bh = view.box
    return bx + x, by + bh - y


def _extremes(view: plan.View) -> dict[str, list[tuple[float, int]]]:
    """Coordinates that bound features along view x and y, with the primitive giving each."""
    coords: dict[str, list[tuple[float, int]]] = {"x": [], "y": []}
    for index, prim in enumerate(view.primitives):
        if prim.line_type == "centre":
            continue
        if isinstance(prim, plan.Line):
            dx, dy = abs(prim.x1 - prim.x0), abs(prim.y1 - prim.y0)
            if dx <= 0.05 * max(dy, 1e-9) and dy > 3:  # vertical line: an x coordinate
                coords["x"].append(((prim.x0 + prim.x1) / 2, index))
            elif dy <= 0.05 * max(dx, 1e-9) and dx > 3:
                coords["y"].append(((prim.y0 + prim.y1) / 2, index))
            else:  # a slanted line: its ends bound a chamfer or a groove
                coords["x"] += [(prim.x0, index), (prim.x1, index)]
                coords["y"] += [(prim.y0, index), (prim.y1, index)]
        elif isinstance(prim, plan.Circle):
            coords["x"] += [(prim.cx - prim.r, index), (prim.cx + prim.r, index), (prim.cx, index)]
            coords["y"] += [(prim.cy - prim.r, index), (prim.cy + prim.r, index), (prim.cy, index)]
        elif isinstance(prim, plan.Arc):
            coords["x"].append((prim.cx, index))
            coords["y"].append((prim.cy, index))
            for end in (prim.start(), prim.end()):  # tangent points where a round begins
                coords["x"].append((end[0], index))
                coords["y"].append((end[1], index))
            for deg, axis, sign in ((0, "x", 1), (90, "y", 1), (180, "x", -1), (270, "y", -1)):
                if (deg - prim.start_deg) % 360.0 <= prim.sweep_deg():
                    value = (prim.cx if axis == "x" else prim.cy) + sign * prim.r
                    coords[axis].append((value, index))
    _bx, _by, bw, bh = view.box
    # Only coordinates inside the view (fitted arcs of huge radius reach far outside it).
    coords["x"] = [(v, i) for v, i in coords["x"] if -_COORD_MERGE_PX <= v <= bw + _COORD_MERGE_PX]
    coords["y"] = [(v, i) for v, i in coords["y"] if -_COORD_MERGE_PX <= v <= bh + _COORD_MERGE_PX]
    coords["x"] += [(0.0, -1), (float(bw), -1)]
    coords["y"] += [(0.0, -1), (float(bh), -1)]
    merged: dict[str, list[tuple[float, int]]] = {}
    for axis, values in coords.items():
        values.sort()
        out: list[tuple[float, int]] = []
        for value, index in values:
            if out and value - out[-1][0] <= _COORD_MERGE_PX:
                if out[-1][1] < 0 <= index:
                    out[-1] = (out[-1][0], index)
                continue
            out.append((value, index))
        merged[axis] = out
    return merged


def outline_extent(view: plan.View) -> tuple[float, float, float, float]:
    """(xmin, xmax, ymin, ymax) of the view's outer outline in view coordinates; the box
    when there is none (the box may also hold stray annotation)."""
    _bx, _by, bw, bh = view.box
    for profile in view.profiles:
        if profile.outer is not None and profile.outer.primitives:
            points = profile.outer.polygon()
            if len(points) >= 3:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                return min(xs), max(xs), min(ys), max(ys)
    return 0.0, float(bw), 0.0, float(bh)


def quantities(view: plan.View) -> list[Quantity]:
    """Every span, diameter and radius the view offers."""
    found: list[Quantity] = []
    bx, by, bw, bh = view.box
    extremes = _extremes(view)
    xmin, xmax, ymin, ymax = outline_extent(view)
    for axis, (lo, hi) in (("x", (xmin, xmax)), ("y", (ymin, ymax))):
        present = extremes[axis]
        for bound in (lo, hi):
            if all(abs(v - bound) > _COORD_MERGE_PX for v, _i in present):
                present.append((bound, -1))
        present.sort()
    for axis, values in extremes.items():
        for i, (a, ia) in enumerate(values):
            for b, ib in values[i + 1:]:
                if b - a < _MIN_PIXELS:
                    continue
                refs = sorted({r for r in (ia, ib) if r >= 0})
                if len(refs) == 1 and isinstance(view.primitives[refs[0]], plan.Circle):
                    continue  # a circle's own width: offered as its diameter below
                if axis == "x":
                    anchor = (bx + a, by, bx + b, by + bh)
                else:
                    anchor = (bx, by + bh - b, bx + bw, by + bh - a)
                lo, hi = (xmin, xmax) if axis == "x" else (ymin, ymax)
                overall = abs(a - lo) <= _COORD_MERGE_PX and abs(b - hi) <= _COORD_MERGE_PX
                found.append(Quantity(b - a, "span", axis, refs, anchor, overall, (a, b)))
    for index, prim in enumerate(view.primitives):
        if isinstance(prim, (plan.Circle, plan.Arc)) and _MIN_PIXELS <= prim.r * 2 <= 1.05 * max(
                bw, bh):
            x, y = _to_image(view, prim.cx, prim.cy)
            anchor = (x - prim.r, y - prim.r, x + prim.r, y + prim.r)
            whole = min(abs(2 * prim.r - (xmax - xmin)),
                        abs(2 * prim.r - (ymax - ymin))) <= 2 * _COORD_MERGE_PX
            found.append(Quantity(2 * prim.r, "diameter", None, [index], anchor, whole))
            found.append(Quantity(prim.r, "radius", None, [index], anchor))
    return found


_KIND_CODE = {"span": 0, "diameter": 1, "radius": 2}


class QuantityTable:
    """A view's quantities as arrays, so thousands of spans are scored at once."""

    def __init__(self, items: list[Quantity]):
        self.items = items
        self.pixels = np.array([q.pixels for q in items], float)
        self.kind = np.array([_KIND_CODE[q.kind] for q in items], int)
        self.direction = np.array([{"x": 0, "y": 1}.get(q.direction or "", -1) for q in items],
                                  int)
        self.anchor = np.array([q.anchor for q in items], float).reshape(-1, 4)
        self.overall = np.array([q.overall for q in items], bool)

    def allowed(self, dim: plan.Dimension) -> np.ndarray:
        if dim.kind == "linear":
            return self.kind == 0
        if dim.kind == "diameter":  # a turned diameter shows as a span in the side view
            return self.kind <= 1
        if dim.kind == "radius":
            return self.kind == 2
        return np.zeros(len(self.items), bool)

    def distance(self, box: tuple[int, int, int, int]) -> np.ndarray:
        """How far the text is from where a dimension of each quantity would be written.

        A horizontal span is dimensioned above or below it, so only leaving its x range costs
        much; a vertical span likewise along y. Circles and arcs: distance to their box.
        """
        cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
        a = self.anchor
        dx = np.maximum(np.maximum(a[:, 0] - cx, 0.0), cx - a[:, 2])
        dy = np.maximum(np.maximum(a[:, 1] - cy, 0.0), cy - a[:, 3])
        return np.where(self.direction == 0, dx + 0.1 * dy,
                        np.where(self.direction == 1, dy + 0.1 * dx, np.hypot(dx, dy)))


def _value_mm(dim: plan.Dimension) -> float:
    return dim.value * (25.4 if dim.unit == "in" else 1.0)


def vote_scale(dims: list[plan.Dimension], views: list[plan.View],
               tables: dict[int, QuantityTable]) -> float | None:
    """The mm-per-pixel scale most values agree on (one scale per sheet is the norm)."""
    logs, owners, weights, overalls = [], [], [], []
    # Every value must fit inside its view: a lower bound on the scale (the second largest
    # bound, so one misread value cannot set it).
    bounds = sorted(
        (_value_mm(d) / (1.05 * max(views[d.view_index].box[2], views[d.view_index].box[3], 1))
         for d in dims if d.view_index is not None and d.kind in ("linear", "diameter")),
        reverse=True)
    floor = bounds[1] if len(bounds) > 1 else (bounds[0] if bounds else 0.0)
    for d_index, dim in enumerate(dims):
        table = tables.get(dim.view_index) if dim.view_index is not None else None
        if table is None or dim.kind == "angle" or dim.value <= 0 or dim.text_box is None:
            continue
        mask = table.allowed(dim)
        if not mask.any():
            continue
        view = views[dim.view_index]
        size = max(view.box[2], view.box[3], 1)
        closeness = 1.0 / (1.0 + table.distance(dim.text_box)[mask] / (0.15 * size))
        # Overall sizes are almost always dimensioned: a value matching one is strong evidence.
        prior = np.where(table.overall[mask], 4.0, 1.0)
        if dim.kind == "diameter":  # a circle drawn as such beats a span of the same size
            prior = prior * np.where(table.kind[mask] == 1, 3.0, 0.5)
        # Small quantities agree with any scale somewhere; large ones rarely do by chance.
        prior = prior * (0.2 + np.sqrt(np.minimum(table.pixels[mask] / size, 1.0)))
        closeness = closeness * prior
        logs.append(np.log(_value_mm(dim) / table.pixels[mask]))
        overalls.append(table.overall[mask])
        owners.append(np.full(int(mask.sum()), d_index))
        weights.append(closeness)
    if not logs:
        return None
    log_scale = np.concatenate(logs)
    owner = np.concatenate(owners)
    weight = np.concatenate(weights)
    overall = np.concatenate(overalls)
    if floor > 0:
        keep = log_scale >= math.log(floor)
        if not keep.any():
            return None
        log_scale, owner, weight = log_scale[keep], owner[keep], weight[keep]
        overall = overall[keep]
    width = math.log(1 + AGREEMENT)
    bins = np.floor((log_scale - log_scale.min()) / width).astype(int)
    n_bins = int(bins.max()) + 2
    best_per_dim = np.zeros((len(dims), n_bins))
    np.maximum.at(best_per_dim, (owner, bins), weight)
    # A value agrees with a scale when it falls in the bin or its neighbour.
    pair = np.maximum(best_per_dim[:, :-1], best_per_dim[:, 1:]).sum(axis=0)
    best_bin = int(pair.argmax())
    chosen = np.flatnonzero((bins == best_bin) | (bins == best_bin + 1))
    overall_ones = chosen[overall[chosen]]
    if len(overall_ones):  # the view's own extents, when dimensioned, are the best evidence
        return _refine(dims, overall_ones, log_scale, owner, weight)
    return _refine(dims, chosen, log_scale, owner, weight)


def _refine(dims: list[plan.Dimension], chosen: np.ndarray, log_scale: np.ndarray,
            owner: np.ndarray, weight: np.ndarray) -> float:
    # Refine: each agreeing value speaks once, through its most plausible quantity, and large
    # quantities (a pixel of error matters less) count for more: sum of mm over sum of pixels.
    per_dim: dict[int, tuple[float, float]] = {}
    for k in chosen:
        d_index = int(owner[k])
        if d_index not in per_dim or weight[k] > per_dim[d_index][1]:
            per_dim[d_index] = (float(log_scale[k]), float(weight[k]))
    total_mm = sum(_value_mm(dims[i]) for i in per_dim)
    total_px = sum(_value_mm(dims[i]) / math.exp(v) for i, (v, _w) in per_dim.items())
    return total_mm / total_px


def extension_lines(quantity: Quantity, box: tuple[int, int, int, int],
                    view: plan.View, ink: np.ndarray | None) -> int:
    """How many ends of a span have an extension line running from the view out to the text
    (0-2): the mark of the dimension that measures it."""
    if ink is None or quantity.direction is None:
        return 0
    vx, vy, vw, vh = view.box
    tx0, ty0, tx1, ty1 = box[0], box[1], box[0] + box[2], box[1] + box[3]
    height, width = ink.shape
    found = 0
    if quantity.direction == "x":
        if ty0 > vy + vh:  # text below the view
            lo, hi = vy + vh + 6, ty0 + box[3] // 2
        elif ty1 < vy:
            lo, hi = ty1 - box[3] // 2, vy - 6
        else:
            return 0
        ends = (quantity.anchor[0], quantity.anchor[2])
        for end in ends:
            column = int(round(end))
            if hi - lo < 4 or not 2 <= column < width - 2:
                continue
            strip = ink[max(0, lo):min(height, hi), column - 2:column + 3].any(axis=1)
            found += int(strip.mean() > 0.75)
    else:
        if tx0 > vx + vw:
            lo, hi = vx + vw + 6, tx0 + box[2] // 2
        elif tx1 < vx:
            lo, hi = tx1 - box[2] // 2, vx - 6
        else:
            return 0
        for end in (quantity.anchor[1], quantity.anchor[3]):
            row = int(round(end))
            if hi - lo < 4 or not 2 <= row < height - 2:
                continue
            strip = ink[row - 2:row + 3, max(0, lo):min(width, hi)].any(axis=0)
            found += int(strip.mean() > 0.75)
    return found


def link(dims: list[plan.Dimension], views: list[plan.View],
         ink: dict[int, np.ndarray] | None = None,
         annotations: dict[int, arrows.Annotation] | None = None,
         images: list[int] | None = None) -> float | None:
    """Set refs, axis and confidence of each dimension; return the agreed mm-per-pixel scale.

    ``ink`` (image index -> boolean mask of everything drawn) lets extension lines decide
    between spans of the same length in the two directions. ``annotations`` (image index ->
    its arrowheads, see ``arrows.py``) and ``images`` (each dimension's image index) let the
    arrowheads on a value's dimension line or leader say what it measures, in whichever view.
    """
    tables = {i: QuantityTable(quantities(v)) for i, v in enumerate(views)
              if v.primitives and v.role != "pictorial"}
    tables = {i: t for i, t in tables.items() if t.items}
    scale = vote_scale(dims, views, tables)
    if scale is None:
        return None
    for dim in dims:
        dim.refs = []
        dim.axis = None
        table = tables.get(dim.view_index) if dim.view_index is not None else None
        if dim.kind == "angle" and table is not None and dim.text_box is not None:
            _link_angle(dim, views[dim.view_index])
        if table is None or dim.kind == "angle" or dim.text_box is None:
            continue
        view = views[dim.view_index]
        size = max(view.box[2], view.box[3], 1)
        error = np.abs(_value_mm(dim) / (scale * table.pixels) - 1.0)
        # Short spans are known to a pixel or two, not to 1.5 %.
        tolerance = np.maximum(AGREEMENT, _PIXEL_SLACK / table.pixels)
        candidates = np.flatnonzero(table.allowed(dim) & (error <= tolerance))
        if not len(candidates):
            dim.confidence = min(dim.confidence, 0.3)
            continue
        cost = table.distance(dim.text_box)[candidates] / size + error[candidates] * 5
        if dim.kind == "diameter":  # prefer the circle itself to a span of the same size
            cost -= 0.05 * (table.kind[candidates] == 1)
        if ink is not None:
            mask = ink.get(view.image_index)
            for k in np.argsort(cost)[:12]:
                quantity = table.items[candidates[k]]
                cost[k] -= 0.15 * extension_lines(quantity, dim.text_box, view, mask)
        best = table.items[candidates[int(np.argmin(cost))]]
        _keep_measure(dim, best)
        if best.direction is not None:
            axes = ROLE_AXES.get(view.role)
            if axes:
                dim.axis = axes[0] if best.direction == "x" else axes[1]
            dim.direction = best.direction  # type: ignore[attr-defined]
    if annotations:
        for d_index, dim in enumerate(dims):
            image = images[d_index] if images else 0
            if image in annotations and dim.text_box is not None:
                _link_by_arrows(dim, image, views, tables, annotations[image], scale)
    return scale


def _link_angle(dim: plan.Dimension, view: plan.View) -> None:
    """Link a printed angle to the sloped visible line of its view nearest to its text that
    lies at it, from level or from upright (a dovetail's flank, a chamfer)."""
    want = dim.value if dim.value <= 90.0 else 180.0 - dim.value
    bx, by, _bw, bh = view.box
    x, y, w, h = dim.text_box
    tx, ty = x + w / 2 - bx, by + bh - (y + h / 2)  # the text's centre, view coordinates
    best = None
    for index, prim in enumerate(view.primitives):
        if prim.line_type != "visible" or not sloped(prim, 1.0) or prim.length() < _MIN_SLOPE_PX:
            continue
        slope = slope_deg(prim)
        if min(abs(slope - want), abs(90.0 - slope - want)) > ANGLE_AGREEMENT_DEG:
            continue
        distance = _distance_to(prim, tx, ty)
        if best is None or distance < best[0]:
            best = (distance, index)
    if best is not None:
        dim.refs = [best[1]]


def _link_by_arrows(dim: plan.Dimension, image: int, views: list[plan.View],
                    tables: dict[int, QuantityTable], annotation: arrows.Annotation,
                    scale: float) -> None:
    """Relink ``dim`` by the arrowheads on its dimension line or leader, when they say."""
    found = arrows.arrows_of(annotation, dim.text_box)
    if dim.kind in ("linear", "diameter"):  # a turned diameter is dimensioned as a span
        pair = _best_pair(dim, found, annotation.arrows, annotation.stroke, scale)
        if pair is not None and _link_span(dim, pair, image, views, tables, annotation):
            return
    if dim.kind in ("radius", "diameter") and found:
        _link_leader(dim, found, image, views, annotation, scale)
    if dim.kind in ("radius", "diameter") and not dim.refs and "NOTE" in dim.flags:
        _pictorial_note(dim, image, views, annotation)


def _pictorial_at(views: list[plan.View], image: int, point: tuple[float, float]
                  ) -> int | None:
    for view_index, view in enumerate(views):
        vx, vy, vw, vh = view.box
        if view.image_index == image and view.role == "pictorial" and \
                vx <= point[0] <= vx + vw and vy <= point[1] <= vy + vh:
            return view_index
    return None


def _pictorial_note(dim: plan.Dimension, image: int, views: list[plan.View],
                    annotation: arrows.Annotation) -> None:
    """A note on a radius or diameter written on a pictorial view or led into one ("PURPLE
    R8" on the shaded fillet) belongs to it: it has no outline to measure there."""
    boxes = [dim.text_box] + [tuple(int(v) for v in annotation.extents[c])
                              for c in arrows.components_at(annotation, dim.text_box)]
    best, best_overlap = None, 0
    for view_index, view in enumerate(views):
        if view.image_index != image or view.role != "pictorial":
            continue
        vx, vy, vw, vh = view.box
        for x, y, w, h in boxes:
            overlap = (max(0, min(x + w, vx + vw) - max(x, vx))
                       * max(0, min(y + h, vy + vh) - max(y, vy)))
            if overlap > best_overlap:
                best, best_overlap = view_index, overlap
    if best is not None:
        dim.view_index = best
        dim.axis = None


def _best_pair(dim: plan.Dimension, found: list[arrows.Arrow], every: list[arrows.Arrow],
               stroke: int, scale: float) -> tuple[str, float, float, float] | None:
    """(axis, low tip, high tip, position across) of the two facing arrowheads whose distance
    is the value, nearest the text. One of them is on ink joined to the text; the other may
    stand apart (arrows outside the extension lines are not joined by a line)."""
    want = _value_mm(dim) / scale
    x, y, w, h = dim.text_box
    cx, cy = x + w / 2, y + h / 2
    best, best_cost = None, math.inf
    for a in found:
        for b in every:
            if b is a or a.axis is None or a.axis != b.axis:
                continue
            k = 0 if a.axis == "x" else 1
            if abs(a.tip[1 - k] - b.tip[1 - k]) > 2 * stroke + 3:
                continue  # not on one dimension line
            if a.direction[k] * b.direction[k] >= 0:
                continue  # not facing (inside arrows) nor opposed (outside arrows)
            lo, hi = sorted((a.tip[k], b.tip[k]))
            error = abs((hi - lo) / want - 1.0)
            if hi - lo < 2 or error > max(0.08, 4.0 / want):
                continue
            across = (a.tip[1 - k] + b.tip[1 - k]) / 2
            along_text = cx if k == 0 else cy
            across_text = cy if k == 0 else cx
            gap = max(lo - along_text, 0.0, along_text - hi) + abs(across - across_text)
            cost = error / 0.08 + gap / 400.0
            if cost < best_cost:
                best, best_cost = (a.axis, lo, hi, across), cost
    return best


def _link_span(dim: plan.Dimension, pair: tuple[str, float, float, float], image: int,
               views: list[plan.View], tables: dict[int, QuantityTable],
               annotation: arrows.Annotation) -> bool:
    """Link to the span whose ends are the arrow tips, in the view the extension lines run
    to (or the view the dimension line crosses)."""
    axis, lo, hi, across = pair
    k = 0 if axis == "x" else 1
    slack = 2 * annotation.stroke + 4
    best, best_cost = None, math.inf
    for view_index, table in tables.items():
        view = views[view_index]
        if view.image_index != image:
            continue
        vx, vy, vw, vh = view.box
        v_lo, v_hi = (vx, vx + vw) if k == 0 else (vy, vy + vh)
        if lo < v_lo - slack or hi > v_hi + slack:
            continue  # the span lies outside this view
        q_lo, q_hi = (vy, vy + vh) if k == 0 else (vx, vx + vw)
        gap = max(q_lo - across, 0.0, across - q_hi)
        edge = q_lo if across < q_lo else q_hi
        if gap > 0 and not _view_between(views, view_index, k, (lo, hi), across) and \
                _extension_lines(annotation, axis, (lo, hi), across, edge) == 2:
            gap *= 0.1  # extension lines run to this view
        mask = (table.kind == 0) & (table.direction == k)
        if not mask.any():
            continue
        ends = (table.anchor[:, 0], table.anchor[:, 2]) if k == 0 else (
            table.anchor[:, 1], table.anchor[:, 3])
        miss = np.maximum(np.abs(ends[0] - lo), np.abs(ends[1] - hi))
        miss = np.where(mask, miss, np.inf)
        j = int(np.argmin(miss))
        if miss[j] > slack:
            continue
        cost = gap + 3.0 * miss[j]
        if cost < best_cost:
            best, best_cost = (view_index, table.items[j]), cost
    if best is None or best_cost > 60 * annotation.stroke:
        return False  # nothing there, or only in a view far from the dimension line
    view_index, quantity = best
    dim.view_index = view_index
    _keep_measure(dim, quantity)
    dim.direction = quantity.direction  # type: ignore[attr-defined]
    axes = ROLE_AXES.get(views[view_index].role)
    dim.axis = (axes[0] if axis == "x" else axes[1]) if axes else None
    return True


def _keep_measure(dim: plan.Dimension, quantity: Quantity) -> None:
    """What the value measures: refs, its length in pixels (for the scale) and, for a span,
    its two ends in view coordinates (for the sizes the value makes exact)."""
    dim.refs = list(quantity.refs)
    dim.pixels = quantity.pixels  # type: ignore[attr-defined]
    dim.ends = quantity.ends  # type: ignore[attr-defined]


def _view_between(views: list[plan.View], target: int, k: int, ends: tuple[float, float],
                  across: float) -> bool:
    """Whether another view lies between a dimension line and view ``target`` (extension
    lines never cross a view to reach another)."""
    box = views[target].box
    t_lo, t_hi = (box[1], box[1] + box[3]) if k == 0 else (box[0], box[0] + box[2])
    edge = t_lo if across < t_lo else t_hi
    lo, hi = sorted((across, edge))
    for index, view in enumerate(views):
        if index == target or view.image_index != views[target].image_index or \
                view.role == "pictorial" or not view.primitives:
            continue
        vx, vy, vw, vh = view.box
        a_lo, a_hi = (vx, vx + vw) if k == 0 else (vy, vy + vh)
        p_lo, p_hi = (vy, vy + vh) if k == 0 else (vx, vx + vw)
        if a_lo < ends[1] and ends[0] < a_hi and p_lo < hi and lo < p_hi:
            return True
    return False


def _extension_lines(annotation: arrows.Annotation, axis: str, ends: tuple[float, float],
                     across: float, edge: float) -> int:
    """How many of the two ends have annotation ink running from the dimension line at
    ``across`` to the view's ``edge`` (extension lines, with the gap by the part allowed)."""
    labels = annotation.labels
    height, width = labels.shape
    lo, hi = sorted((int(round(across)), int(round(edge))))
    gap = 3 * annotation.stroke + 4
    if hi - lo <= gap:
        return 2
    found = 0
    for end in ends:
        e = int(round(end))
        band = 2 * annotation.stroke + 2
        if axis == "x":
            strip = labels[max(0, lo):min(height, hi), max(0, e - band):e + band + 1] > 0
            covered = strip.any(axis=1)
        else:
            strip = labels[max(0, e - band):e + band + 1, max(0, lo):min(width, hi)] > 0
            covered = strip.any(axis=0)
        found += int(covered.sum() >= (hi - lo) - 2 * gap)
    return found


def _link_leader(dim: plan.Dimension, found: list[arrows.Arrow], image: int,
                 views: list[plan.View], annotation: arrows.Annotation, scale: float) -> None:
    """A radius or diameter: the geometry under the tip of its leader's arrowhead."""
    x, y, w, h = dim.text_box
    cx, cy = x + w / 2, y + h / 2
    want = _value_mm(dim) / scale / (2.0 if dim.kind == "diameter" else 1.0)  # radius, px
    reach = 2 * annotation.stroke + 5
    def order(arrow: arrows.Arrow) -> tuple[bool, float]:
        """Arrowheads pointing away from the text (at the end of its leader) first, those
        whose line runs back closest to the text first (another value's leader may join
        this one's ink)."""
        dx, dy = arrow.tip[0] - cx, arrow.tip[1] - cy
        distance = math.hypot(dx, dy)
        along = (dx * arrow.direction[0] + dy * arrow.direction[1]) / max(distance, 1e-9)
        return along < 0.7, abs(dx * arrow.direction[1] - dy * arrow.direction[0])

    for arrow in sorted(found, key=order):
        best = None
        for view_index, view in enumerate(views):
            if view.image_index != image or view.role == "pictorial" or not view.primitives:
                continue
            bx, by, bw, bh = view.box
            px, py = arrow.tip[0] - bx, by + bh - arrow.tip[1]
            if not (-reach <= px <= bw + reach and -reach <= py <= bh + reach):
                continue
            for index, prim in enumerate(view.primitives):
                distance = _distance_to(prim, px, py)
                if distance > reach:
                    continue
                radius = getattr(prim, "r", None)
                fits = radius is not None and abs(radius / want - 1.0) <= 0.12
                rank = (not fits, radius is None, distance)
                if best is None or rank < best[0]:
                    best = (rank, view_index, index, radius if fits else None)
        if best is None:
            shaded = _pictorial_at(views, image, arrow.tip)
            if shaded is not None and "NOTE" in dim.flags:
                # "PURPLE R8" led to the coloured fillet on a shaded view: no outline there.
                dim.view_index, dim.refs, dim.axis = shaded, [], None
                dim.pixels = None  # type: ignore[attr-defined]
                return
            continue
        _rank, view_index, index, radius = best
        if radius is None:  # the leader may touch a counterbore or countersink's outer circle
            index, radius = _concentric_fit(views[view_index], index, want)
        refs = [index]
        if radius is None:  # the arc drawn as short lines: fit a circle to them
            refs, radius = _fitted_arc(views[view_index], index, want)
        dim.view_index = view_index
        dim.refs = refs
        dim.axis = None
        dim.pixels = (radius * (2 if dim.kind == "diameter" else 1)  # type: ignore[attr-defined]
                      if radius else None)
        return


def _concentric_fit(view: plan.View, index: int, want: float) -> tuple[int, float | None]:
    """A circle or arc around the same centre as primitive ``index`` whose radius is ``want``
    (within 12 %), if there is one: (its index, its radius); else (``index``, None)."""
    prim = view.primitives[index]
    if not hasattr(prim, "r"):
        return index, None
    for j, other in enumerate(view.primitives):
        if j != index and hasattr(other, "r") and math.hypot(
                other.cx - prim.cx, other.cy - prim.cy) <= 2.5 and abs(
                other.r / want - 1.0) <= 0.12:
            return j, other.r
    return index, None


def _fitted_arc(view: plan.View, index: int, want: float) -> tuple[list[int], float | None]:
    """The run of short lines through primitive ``index`` that bends one way (an arc the
    drawing layer read as a polyline) and the radius of the circle through it, if that
    radius is within 3 % of ``want``."""
    prims = view.primitives
    start = prims[index]
    if not isinstance(start, plan.Line):
        return [index], None
    short = max(0.9 * want, 6.0)

    def ends(prim) -> list[tuple[float, float]]:
        return [(prim.x0, prim.y0), (prim.x1, prim.y1)]

    chain, frontier = {index}, [index]
    while frontier:
        current = frontier.pop()
        for point in ends(prims[current]):
            for j, prim in enumerate(prims):
                if j in chain or not isinstance(prim, plan.Line) or prim.length() > short:
                    continue
                if prim.line_type != start.line_type or len(chain) >= 24:
                    continue
                if min(math.hypot(point[0] - e[0], point[1] - e[1]) for e in ends(prim)) <= 2.5:
                    chain.add(j)
                    frontier.append(j)
    points = np.array([e for j in chain for e in ends(prims[j])], float)
    if len(chain) < 2 or len(points) < 3:
        return [index], None
    # Algebraic (Kasa) circle fit: x^2 + y^2 + D x + E y + F = 0.
    matrix = np.column_stack([points[:, 0], points[:, 1], np.ones(len(points))])
    rhs = -(points[:, 0] ** 2 + points[:, 1] ** 2)
    (d, e, f), *_ = np.linalg.lstsq(matrix, rhs, rcond=None)
    radius_sq = d * d / 4 + e * e / 4 - f
    if radius_sq <= 0:
        return sorted(chain), None
    radius = math.sqrt(radius_sq)
    # A polyline only approximates the arc: its radius counts only when it plainly agrees.
    return sorted(chain), (radius if abs(radius / want - 1.0) <= 0.03 else None)


def _distance_to(prim, x: float, y: float) -> float:
    """Distance in pixels from (x, y) (view coordinates) to a primitive."""
    if isinstance(prim, plan.Line):
        dx, dy = prim.x1 - prim.x0, prim.y1 - prim.y0
        length2 = dx * dx + dy * dy
        t = 0.0 if length2 == 0 else max(0.0, min(1.0, ((x - prim.x0) * dx + (y - prim.y0) * dy)
                                                  / length2))
        return math.hypot(prim.x0 + t * dx - x, prim.y0 + t * dy - y)
    radial = abs(math.hypot(x - prim.cx, y - prim.cy) - prim.r)
    if isinstance(prim, plan.Arc):
        angle = math.degrees(math.atan2(y - prim.cy, x - prim.cx))
        if (angle - prim.start_deg) % 360.0 > prim.sweep_deg():
            return min(math.hypot(x - p[0], y - p[1]) for p in (prim.start(), prim.end()))
    return radial
