# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shells: parts whose hidden lines draw an inner outline one wall thickness inside the outer.

A cap, a cover or a housing is drawn with dashed lines that follow its outline at one constant
distance ``t`` in every view, except along one straight outline edge that is the same face of
the part in every view: that face is open, and the part is a shell of wall ``t``. A dashed line
parallel to the open face and further in than ``t`` is the cavity's flat ceiling (the wall is
thicker there). The visual hull alone would fill the cavity.

The cavity is built as the outer solid is: the inner outline of each view is its outline
offset inwards by ``t`` (the open edge not counted), cut at the ceiling.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..plan import Circle, Line, Loop, View
from .loops import _chain
from .offset import offset_open
from .revolve import polygon_loop

SAMPLE_PX = 2.0
# How much of a view's dashed length must be walls at the common distance or the ceiling.
EXPLAINED_SHARE = 0.85
# How far the thickness read in two views may differ (share of it), and how thin a wall must be.
THICKNESS_AGREEMENT = 0.2
MAX_WALL_SHARE = 0.25
# A dashed line stops anywhere within a dash: how far short of the open edge a wall may end.
DASH_SLACK_PX = 24.0
RASTER = 4  # sub-pixels per pixel for the offset outline
OFFSET_AGREEMENT = 0.04  # how far the exact offset's area may be from the traced one's


@dataclass
class OpenEdge:
    coord: int  # the view coordinate constant along the edge (0: x, 1: y)
    value: float  # that coordinate, in view pixels
    axis: str  # the model axis normal to the open face
    low: bool  # the open face is at the low end of that model axis


@dataclass
class ViewShell:
    view: View
    edge: OpenEdge | None  # None for a view looking at the open face
    thickness_px: float
    ceiling: float | None = None  # view coordinate (across the open edge) of a flat ceiling


@dataclass
class Shell:
    thickness_px: float
    axis: str
    low: bool
    views: list[ViewShell] = field(default_factory=list)
    evidence: str = ""

    def of(self, view: View) -> ViewShell | None:
        return next((vs for vs in self.views if vs.view is view), None)


def _samples(prim) -> np.ndarray:
    if isinstance(prim, Line):
        n = max(2, int(prim.length() / SAMPLE_PX) + 1)
        t = np.linspace(0.0, 1.0, n)
        return np.stack([prim.x0 + t * (prim.x1 - prim.x0), prim.y0 + t * (prim.y1 - prim.y0)], 1)
    n = max(3, int(prim.length() / SAMPLE_PX) + 1)
    a = np.radians(np.linspace(prim.start_deg, prim.start_deg + prim.sweep_deg(), n))
    return np.stack([prim.cx + prim.r * np.cos(a), prim.cy + prim.r * np.sin(a)], 1)


def _distance(points: np.ndarray, polygon: list[tuple[float, float]],
              edge: OpenEdge | None = None, tol: float = 1.0) -> np.ndarray:
    """Distance of each point to the closed polygon's edges, those along ``edge`` left out."""
    a = np.asarray(polygon, float)
    b = np.roll(a, -1, axis=0)
    if edge is not None:
        keep = ~((np.abs(a[:, edge.coord] - edge.value) <= tol)
                 & (np.abs(b[:, edge.coord] - edge.value) <= tol))
        a, b = a[keep], b[keep]
    d = b - a
    length2 = np.maximum((d ** 2).sum(1), 1e-12)
    rel = points[:, None, :] - a[None, :, :]
    t = np.clip((rel * d[None]).sum(2) / length2[None], 0.0, 1.0)
    nearest = a[None] + t[..., None] * d[None]
    return np.sqrt(((points[:, None, :] - nearest) ** 2).sum(2)).min(1)


def _open_edges(view: View, role_axes: dict, tol: float) -> list[OpenEdge]:
    """Long straight outline edges on the view's box: where an open face can be."""
    (ax, sx), (ay, sy), _ = role_axes[view.role]
    w, h = view.box[2], view.box[3]
    found = []
    for prim in view.profiles[0].loops[0].primitives:
        if not isinstance(prim, Line):
            continue
        for coord, size, span, axis, sign in ((1, h, w, ay, sy), (0, w, h, ax, sx)):
            if abs(prim.start()[coord] - prim.end()[coord]) > tol:
                continue
            if abs(prim.start()[1 - coord] - prim.end()[1 - coord]) < 0.5 * span:
                continue
            value = (prim.start()[coord] + prim.end()[coord]) / 2
            for edge_value, at_low in ((0.0, True), (size, False)):
                if abs(value - edge_value) <= tol:
                    found.append(OpenEdge(coord, edge_value, axis, at_low == (sign > 0)))
    return found


def _view_shell(view: View, edge: OpenEdge | None, tol: float) -> ViewShell | None:
    """The view's dashed lines read as walls at one distance from the outline, open along
    ``edge``, with at most one flat ceiling parallel to it; None when they do not read so.
    A view looking at the open face (``edge`` None) shows the walls all round and no
    ceiling."""
    hidden = [p for p in view.primitives if p.line_type == "hidden"]
    if not hidden or any(isinstance(p, Circle) for p in hidden):
        return None
    outline = view.profiles[0].loops[0].polygon(arc_step_deg=3.0)
    along = 1 - edge.coord if edge else 0
    size = view.box[2 + 1 - along]
    runs = []  # (samples, distances to the outline, length)
    for prim in hidden:
        points = _samples(prim)
        runs.append((prim, points, _distance(points, outline, edge, tol), prim.length()))
    total = sum(r[3] for r in runs)
    # The wall thickness: the distance that the dashed lines keeping one distance keep.
    steady = [(float(np.median(d)), length) for prim, _, d, length in runs
              if np.ptp(d) <= tol + 0.1 * np.median(d)]
    if not steady:
        return None
    steady.sort()
    half, acc, thickness = sum(s[1] for s in steady) / 2, 0.0, steady[-1][0]
    for value, length in steady:
        acc += length
        if acc >= half:
            thickness = value
            break
    span = view.box[2 + along]
    if thickness < 2.0 or thickness > MAX_WALL_SHARE * min(span, size):
        return None
    near = tol + 0.1 * thickness
    wall, ceilings, wall_points = 0.0, [], []
    for prim, points, d, length in runs:
        level = points[:, 1 - along]
        if edge is None:
            if np.all(np.abs(d - thickness) <= near):
                wall += length
                wall_points.append(points)
            continue
        if np.all(np.abs(d - thickness) <= near):
            # A wall follows the sides, not the open edge: a dashed line along the open edge at
            # the wall's distance would be a bottom, and the face would not be open.
            if np.all(np.abs(level - edge.value) <= near + thickness):
                return None
            wall += length
            wall_points.append(points)
        elif (isinstance(prim, Line) and np.ptp(level) <= tol
              and np.median(d) >= thickness + near and np.min(d) >= thickness - near):
            # Within the offset outline, further in than the walls: it meets them at its ends.
            # One a wall's thickness off the open edge is a bottom: the face is not open.
            if abs(float(np.mean(level)) - edge.value) <= thickness + near:
                return None
            ceilings.append((float(np.mean(level)), length))
        # Anything else is not explained by a shell.
    if wall + sum(c[1] for c in ceilings) < EXPLAINED_SHARE * total or not wall_points:
        return None
    points = np.concatenate(wall_points)
    # Walls on both sides, reaching down to the open edge.
    low, high = (min(p[along] for p in outline), max(p[along] for p in outline))
    reach = near + 1.5 * thickness
    if not (np.any(points[:, along] <= low + reach) and np.any(points[:, along] >= high - reach)):
        return None
    if edge is None:
        return ViewShell(view, edge, thickness)
    if np.min(np.abs(points[:, edge.coord] - edge.value)) > max(2 * thickness, DASH_SLACK_PX):
        return None
    levels = {round(level / tol) for level, _ in ceilings}
    ceiling = None
    if ceilings:
        # One ceiling, at one level, spanning a good part of the view.
        if max(levels) - min(levels) > 1 or sum(c[1] for c in ceilings) < 0.2 * span:
            return None
        ceiling = float(np.average([c[0] for c in ceilings], weights=[c[1] for c in ceilings]))
    return ViewShell(view, edge, thickness, ceiling)


def find_shell(views: list[View], role_axes: dict, tol: float = 3.0) -> Shell | None:
    """The part read as a shell open on one face (see module docstring), or None. Every view
    must show it, with one thickness and the same open face."""
    if len(views) < 2 or any(not v.profiles or not v.profiles[0].loops for v in views):
        return None
    readings = {id(view): [vs for edge in _open_edges(view, role_axes, tol)
                           if (vs := _view_shell(view, edge, tol)) is not None]
                for view in views}
    faces = {(vs.edge.axis, vs.edge.low) for found in readings.values() for vs in found}
    if len(faces) != 1:
        return None
    axis, low = faces.pop()
    found: list[ViewShell] = []
    for view in views:
        if role_axes[view.role][2] == axis:  # looks at the open face: walls all round
            vs = _view_shell(view, None, tol)
            if vs is None:
                return None
            found.append(vs)
            continue
        if len(readings[id(view)]) != 1:
            return None
        found.append(readings[id(view)][0])
    first = next(vs for vs in found if vs.edge is not None)
    values = [vs.thickness_px for vs in found]
    mean = sum(values) / len(values)
    if max(values) - min(values) > max(tol, THICKNESS_AGREEMENT * mean):
        return None
    # A ceiling is one flat face: every view that shows it must show it at one height.
    heights = [_model_level(vs, role_axes) for vs in found if vs.ceiling is not None]
    if heights and (max(heights) - min(heights) > 2 * tol):
        return None
    if heights and len(heights) != len([vs for vs in found
                                        if _shows_axis(vs.view, role_axes, first.edge.axis)]):
        return None
    return Shell(mean, first.edge.axis, first.edge.low, found,
                 f"dashed inner outline {mean:.0f} px inside the outline in every view, open "
                 f"on the {'low' if first.edge.low else 'high'} {first.edge.axis.upper()} face")


def _shows_axis(view: View, role_axes: dict, axis: str) -> bool:
    (ax, _), (ay, _), _ = role_axes[view.role]
    return axis in (ax, ay)


def _model_level(vs: ViewShell, role_axes: dict) -> float:
    """The ceiling's distance from the open face (pixels)."""
    return abs(vs.ceiling - vs.edge.value)


def inner_loop(vs: ViewShell, thickness_px: float) -> Loop | None:
    """The view's inner outline: its outline offset inwards by the thickness, the open edge not
    counted (the inner outline runs a little past it, so a cut leaves no skin), cut at the
    ceiling; in view coordinates. Lines and arcs stay lines and arcs (offset.py) when that
    offset agrees with the one measured on pixels, else the pixels' outline."""
    if vs.edge is None:
        return None
    traced = _traced_inner_loop(vs, thickness_px)
    if traced is None:
        return None
    exact = offset_open(vs.view.profiles[0].loops[0], thickness_px, vs.edge.coord,
                        vs.edge.value, _past(thickness_px), vs.ceiling)
    if exact is not None and abs(_area(exact) / _area(traced) - 1.0) <= OFFSET_AGREEMENT:
        return exact
    return traced


def _past(thickness_px: float) -> float:
    return max(2.0, 0.1 * thickness_px)


def _area(loop: Loop) -> float:
    _, path = _chain(list(loop.primitives), 1.0)
    return abs(0.5 * sum(x0 * y1 - x1 * y0
                         for (x0, y0), (x1, y1) in zip(path, path[1:] + path[:1])))


def _traced_inner_loop(vs: ViewShell, thickness_px: float) -> Loop | None:
    """The inner outline measured on pixels: a distance transform of the filled outline."""
    import cv2

    view, edge = vs.view, vs.edge
    w, h = view.box[2], view.box[3]
    pad = int(math.ceil(2 * thickness_px)) + 4
    width, height = int(math.ceil(w)) + 2 * pad, int(math.ceil(h)) + 2 * pad

    def to_raster(points):
        return np.round([((x + pad) * RASTER, (height - pad - y) * RASTER)
                         for x, y in points]).astype(np.int32)

    mask = np.zeros((height * RASTER, width * RASTER), np.uint8)
    outline = view.profiles[0].loops[0].polygon(arc_step_deg=2.0)
    cv2.fillPoly(mask, [to_raster(outline)], 255)
    # The material beyond the open edge continues it, so that the edge makes no wall.
    along = 1 - edge.coord
    on_edge = [p[along] for p in outline if abs(p[edge.coord] - edge.value) <= 1.0]
    if len(on_edge) < 2:
        return None
    beyond = edge.value + (-1 if edge.value < 1.0 else 1) * 2 * pad
    corners = [(min(on_edge), edge.value), (max(on_edge), edge.value),
               (max(on_edge), beyond), (min(on_edge), beyond)]
    if edge.coord == 0:
        corners = [(y, x) for x, y in corners]
    cv2.fillPoly(mask, [to_raster(corners)], 255)
    distance = cv2.distanceTransform(mask, cv2.DIST_L2, 5)
    inner = (distance >= thickness_px * RASTER).astype(np.uint8)
    # Cut at the ceiling, and a little past the open edge.
    coords = np.indices(inner.shape)  # rows, columns
    view_coord = [(coords[1] / RASTER) - pad, height - pad - coords[0] / RASTER][edge.coord]
    outward = -1 if edge.value < 1.0 else 1
    past = _past(thickness_px)
    keep = (view_coord - edge.value) * outward <= past
    if vs.ceiling is not None:
        keep &= (view_coord - vs.ceiling) * outward >= 0
    inner &= keep.astype(np.uint8)
    contours, _ = cv2.findContours(inner, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    if not contours:
        return None
    contour = max(contours, key=cv2.contourArea)
    approx = cv2.approxPolyDP(contour, 1.0 * RASTER, True).reshape(-1, 2)
    points = [(x / RASTER - pad, height - pad - y / RASTER) for x, y in approx]
    if len(points) < 3:
        return None
    return polygon_loop(points)



def refine_hull(features: list, views: list[View], scale, role_axes: dict,
                warnings: list[str]) -> list:
    """The visual hull's features (the base and the silhouette cuts), with round ends in
    their place when the views show them (stadium.py) and a shell's cavity when the views
    show one: cut as the outer solid is built for round ends, else a PartDesign Thickness."""
    from ..plan import Feature
    from .stadium import find_round_ends, round_end_features

    shell = find_shell(views, role_axes)
    ends = find_round_ends(views, role_axes, scale.along)
    if shell is None and ends is None:
        return features
    scales = [scale.along(axis) for axis in "xyz"]
    thickness = shell.thickness_px * sum(scales) / 3 if shell else 0.0
    if ends is not None:
        inner = None
        if shell is not None:
            end = shell.of(ends.end)
            inner = inner_loop(end, shell.thickness_px) if end else None
            if inner is None:
                warnings.append("The part looks like a shell, but its inner outline could not "
                                "be drawn; it was built solid.")
        holes = [view.role for view in views if len(view.profiles[0].loops) > 1]
        if holes:  # round ends are built from the outlines alone
            warnings.append(f"The holes and cut-outs of the {', '.join(holes)} view(s) were "
                            "not cut into the part with round ends: check the preview.")
        return round_end_features(ends, scale, inner, thickness, shell and shell.evidence)
    if any(vs.ceiling is not None for vs in shell.views):
        warnings.append(
            f"The shell's wall is drawn thicker at its flat inside face; it was built "
            f"{thickness:.1f} mm thick all round.")
    return features + [Feature(
        name="Shell", operation="thickness",
        params={"thickness": thickness, "open_axis": shell.axis, "open_low": shell.low},
        evidence=[shell.evidence])]
