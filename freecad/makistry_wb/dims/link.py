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

# Role -> (model axis of view x, model axis of view y); see reconstruct/hull.py ROLE_AXES.
ROLE_AXES = {
    "front": ("x", "z"), "back": ("x", "z"), "top": ("x", "y"), "bottom": ("x", "y"),
    "right": ("y", "z"), "left": ("y", "z"), "section": ("x", "z"),
}
AGREEMENT = 0.015  # relative: a value agrees with a quantity when value / (scale*px) is this close
_MIN_PIXELS = 4.0
_PIXEL_SLACK = 2.5
_COORD_MERGE_PX = 1.5


@dataclass
class Quantity:
    """Something measurable in a view: its length in pixels and where it lies in the image."""

    pixels: float
    kind: str  # "span" (linear), "diameter", "radius"
    direction: str | None  # "x" / "y" for spans (view directions)
    refs: list[int]
    anchor: tuple[float, float, float, float]  # image box (x0, y0, x1, y1) of what it measures
    overall: bool = False  # the view's whole width or height


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
                found.append(Quantity(b - a, "span", axis, refs, anchor, overall))
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
         ink: dict[int, np.ndarray] | None = None) -> float | None:
    """Set refs, axis and confidence of each dimension; return the agreed mm-per-pixel scale.

    ``ink`` (image index -> boolean mask of everything drawn) lets extension lines decide
    between spans of the same length in the two directions.
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
        dim.refs = list(best.refs)
        dim.pixels = best.pixels  # type: ignore[attr-defined]  # kept for solve_scale
        if best.direction is not None:
            axes = ROLE_AXES.get(view.role)
            if axes:
                dim.axis = axes[0] if best.direction == "x" else axes[1]
            dim.direction = best.direction  # type: ignore[attr-defined]
    return scale
