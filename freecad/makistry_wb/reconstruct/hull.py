# SPDX-License-Identifier: LGPL-2.1-or-later
"""Labelled views -> PartPlan: the visual hull, refined, as PartDesign-style features.

The base is the first orthographic view's silhouette (with its see-through holes) padded
through the part's depth, or a Revolution when one view is a circle and another is symmetric
about its centre (revolve.py). Every other view removes what lies outside its silhouette (a
pocket through all of the region between a margin rectangle and the silhouette) and what its
holes see through. Then the pockets the hull cannot see: faces whose depth the other views'
hidden lines give (pockets.py).
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from ..dims.prompt import parse_prompt_sizes
from ..drawing.corners import sloped, unit
from ..errors import IMAGE_PARSE_FAILED, MakistryError
from ..plan import ORTHO_ROLES, Arc, Circle, Constraint, Feature, Line, Loop, PartPlan, Sketch, View
from .levels import SIDE_PX, AxisLevels, Span, grid_for
from .loops import closed_loop, loop_is_sane, squared
from .pockets import VIEWER_SIDE, Floor, find_floors, round_bosses
from .revolve import (
    RevolveAxis,
    axis_from_profiles,
    axis_in_profile,
    circular_loops,
    find_axis,
    half_outline,
    polygon_loop,
)
from .rounds import foot_round
from .section import hole_features, revolution_feature, turned_section
from .shell import refine_hull
from .snap import at_printed_angles, tangent_arcs, touching_centre

# For each role: which model axis the view's x and y show (and their sign), and the axis the
# view looks along.
ROLE_AXES = {
    "front": (("x", 1), ("z", 1), "y"),
    "back": (("x", -1), ("z", 1), "y"),
    "top": (("x", 1), ("y", 1), "z"),
    "bottom": (("x", 1), ("y", -1), "z"),
    "right": (("y", 1), ("z", 1), "x"),
    "left": (("y", -1), ("z", 1), "x"),
}
# The sketch plane normal to each viewing axis, and which model axes are its sketch x and y.
PLANE_FOR_AXIS = {"y": ("XZ", "x", "z"), "z": ("XY", "x", "y"), "x": ("YZ", "y", "z")}

DEFAULT_LONGEST_MM = 100.0
DEFAULT_DEPTH_RATIO = 0.2
# A printed overall size this close to a measured extent is taken as that extent, exactly.
EXTENT_MATCH = 0.03
EXTENT_SLACK_PX = 3.0  # a thin extent is known to a stroke's width, not to 3 %
CHAIN_MATCH = 0.006
# Outline edges this close (pixels) to horizontal or vertical are made exactly so.
SQUARE_PX = 1.5
ROUND_AGREEMENT = 0.05  # a round read this near a printed radius has it
# How far a turned part's outline in a second profile view is kept off the revolution.
CLEARANCE_MM = 0.001
# Outline edges this short (pixels) are jags of the scan; their neighbours are joined instead.
JAG_PX = 1.5
# Edges shorter than this (pixels) set no level of their own.
LEVEL_EDGE_PX = 8.0
SLOPED_DEG = 10.0  # a drawn line this far off level and upright is a slope
SHORT_OF_CORNER_PX = 20.0  # how far short of a sharp corner a drawn slope may stop
# Distinct printed values that must agree before they overrule the prompt's size.
TRUSTED_DIMENSION_VALUES = 3


@dataclass
class ScaleInfo:
    mm_per_px: float
    source: str  # "dimensions", "prompt" or "default"
    extents_mm: dict[str, float] = field(default_factory=dict)
    # Per model axis, where a printed overall size fixes the extent exactly.
    axis_mm_per_px: dict[str, float] = field(default_factory=dict)
    # Per model axis, raw mm from the low side -> exact mm (printed values, round numbers).
    levels: dict[str, AxisLevels] = field(default_factory=dict)
    grid_mm: float | None = None  # what sizes no value gives were rounded to
    diameter_grid_mm: float | None = None  # for diameters (coarser on a turned part)
    fixed: set[str] = field(default_factory=set)  # axes whose extent a value or the prompt gives
    exact_from_values: int = 0  # levels and diameters a printed value made exact
    # Per view (id), printed diameters of its circles (by _circle_key).
    diameters: dict[int, dict[tuple, float]] = field(default_factory=dict)
    radii: dict[int, list[float]] = field(default_factory=dict)  # per view, printed radii
    angles: dict[int, list[float]] = field(default_factory=dict)  # per view, printed degrees

    def along(self, axis: str) -> float:
        return self.axis_mm_per_px.get(axis, self.mm_per_px)

    def exact(self, axis: str, mm: float) -> float:
        levels = self.levels.get(axis)
        return levels(mm) if levels else mm

    def diameter(self, size: float) -> float:
        """A diameter no value gives, on its grid when there is one."""
        return _on_grid(size, self.diameter_grid_mm)


def _ortho_views(views: list[View]) -> list[View]:
    seen: set[str] = set()
    chosen = []
    for view in views:
        if view.role in ORTHO_ROLES and view.role not in seen and view.profiles:
            seen.add(view.role)
            chosen.append(view)
    return chosen


def _extent_px(views: list[View]) -> dict[str, float]:
    """Median pixel extent of the part along each model axis, from every view that shows it."""
    samples: dict[str, list[float]] = {"x": [], "y": [], "z": []}
    for view in views:
        (ax, _), (ay, _), _ = ROLE_AXES[view.role]
        samples[ax].append(view.box[2])
        samples[ay].append(view.box[3])
    return {axis: statistics.median(v) for axis, v in samples.items() if v}


def solve_scale(views: list[View], prompt: str, warnings: list[str],
                mm_per_px: float | None = None, printed: list[tuple[str, float]] = (),
                dimension_values: int = 0) -> tuple[ScaleInfo, float]:
    """mm per pixel from the drawing's dimensions when given, else the prompt, else a stated
    default; also the depth for a single view. ``printed`` are (axis, mm) values read on the
    drawing: one that matches an axis's extent makes that extent exact, so a part drawn a
    little off still comes out at its printed size."""
    extents = _extent_px(views)
    longest_px = max(extents.values())
    sizes = parse_prompt_sizes(prompt)
    scale = ScaleInfo(mm_per_px, "dimensions") if mm_per_px else None
    thickness_mm = None
    for size in sizes:
        if size.extent == "thickness":
            thickness_mm = size.value_mm
            continue
        px = longest_px if size.extent == "length" else extents.get(size.extent)
        if not px:
            continue
        if scale is None:
            scale = ScaleInfo(size.value_mm / px, "prompt")
            scale.fixed.add(max(extents, key=extents.get) if size.extent == "length"
                            else size.extent)
        elif scale.source == "dimensions" and abs(px * scale.mm_per_px / size.value_mm - 1) > 0.05:
            # Few values that disagree with what the user says are more likely misreadings.
            trusted = dimension_values >= TRUSTED_DIMENSION_VALUES
            warnings.append(
                f"The drawing's dimensions make the part {px * scale.mm_per_px:.1f} mm where the "
                f"prompt says {size.text}; the "
                + ("drawing's values were used." if trusted else "prompt's size was used."))
            if not trusted:
                scale = ScaleInfo(size.value_mm / px, "prompt")
                scale.fixed.add(max(extents, key=extents.get) if size.extent == "length"
                                else size.extent)
    if scale is None:
        scale = ScaleInfo(DEFAULT_LONGEST_MM / longest_px, "default")
        warnings.append(
            f"No size was found; the longest extent was set to {DEFAULT_LONGEST_MM:.0f} mm. "
            "Add a dimension to the drawing or a size to the prompt, e.g. \"120 mm long\".")
    scale.extents_mm = {axis: px * scale.mm_per_px for axis, px in extents.items()}
    for axis, measured in list(scale.extents_mm.items()):
        values = [mm for a, mm in printed if a == axis]
        slack = max(EXTENT_MATCH * measured, EXTENT_SLACK_PX * scale.mm_per_px)
        matches = [mm for mm in values if abs(mm - measured) < slack]
        # An overall size is often a chain of two printed sizes (e.g. 21 + 30 = 51): taken
        # only when it matches closely, since many pairs come near any length.
        matches = matches or [a + b for i, a in enumerate(values) for b in values[i + 1:]
                              if abs((a + b) / measured - 1) < CHAIN_MATCH]
        if matches:
            exact = min(matches, key=lambda mm: abs(mm - measured))
            scale.axis_mm_per_px[axis] = exact / extents[axis]
            scale.extents_mm[axis] = exact
            scale.fixed.add(axis)
    missing = [axis for axis in "xyz" if axis not in scale.extents_mm]
    for axis in missing:
        depth = thickness_mm or DEFAULT_DEPTH_RATIO * max(scale.extents_mm.values())
        if thickness_mm is None:
            warnings.append(
                f"No view shows the part's {axis.upper()} extent; it was set to {depth:.1f} mm. "
                "Add a second view or a thickness to the prompt, e.g. \"6 mm thick\".")
        scale.extents_mm[axis] = depth
        scale.fixed.add(axis)  # the prompt's thickness as given; a guess is not a size to round
    return scale, thickness_mm or 0.0


class _ViewMapping:
    """Maps a view's coordinates (pixels, y up) to the sketch coordinates (mm) of its plane."""

    def __init__(self, view: View, scale: ScaleInfo):
        self.role = view.role
        (self.ax, self.sx), (self.ay, self.sy), self.look = ROLE_AXES[view.role]
        self.plane, self.px, self.py = PLANE_FOR_AXIS[self.look]
        self.w, self.h = view.box[2], view.box[3]
        self.scale = scale
        self.diameters = scale.diameters.get(id(view), {})
        self.circles = [p for p in view.primitives if isinstance(p, Circle)]
        self.angles = scale.angles.get(id(view), [])
        self.view_id = id(view)
        self.kx, self.ky = scale.along(self.ax), scale.along(self.ay)
        self.k_look = scale.along(self.look)
        self.s = (self.kx + self.ky) / 2  # for radii and tolerances
        # Mirroring one axis (or swapping them) reverses the turning sense of arcs.
        swapped = (self.ax, self.ay) != (self.px, self.py)
        self.mirrors = (self.sx * self.sy < 0) != swapped

    def raw(self, x: float, y: float) -> dict[str, float]:
        """Model mm from the part's low side along the view's two axes, as drawn."""
        return {self.ax: (x if self.sx > 0 else self.w - x) * self.kx,
                self.ay: (y if self.sy > 0 else self.h - y) * self.ky}

    def rank(self, x: float, y: float) -> int:
        """How exact a point's place is: its two levels' ranks (``AxisLevels.rank``) added."""
        levels = self.scale.levels
        return sum(levels[axis].rank(mm) if axis in levels else -1
                   for axis, mm in self.raw(x, y).items())

    def point(self, x: float, y: float) -> tuple[float, float]:
        model = {axis: self.scale.exact(axis, mm) for axis, mm in self.raw(x, y).items()}
        return (model[self.px], model[self.py])

    def radius(self, circle: Circle) -> float:
        """A circle's radius in mm: its printed diameter's half, else on the grid."""
        printed = self.diameters.get(_circle_key(circle))
        return printed / 2 if printed else self.scale.diameter(2 * circle.r * self.s) / 2

    def round_radius(self, r: float, any_view: bool = False) -> float:
        """A round's radius read as ``r`` mm: a printed radius of the view (or of any view)
        near it, else on the grid."""
        printed = [mm for radii in self.scale.radii.values() for mm in radii] if any_view \
            else self.scale.radii.get(self.view_id, [])
        near = [mm for mm in printed if abs(mm - r) <= max(ROUND_AGREEMENT * mm, 2 * self.s)]
        return min(near, key=lambda mm: abs(mm - r)) if near else self.scale.diameter(2 * r) / 2

    def primitive(self, prim, ends: dict | None = None):
        """The primitive in sketch mm; ``ends`` ({1: point, 2: point}, view pixels) moves its
        start or end onto a joint it shares with a neighbour."""
        ends = ends or {}
        if isinstance(prim, Line):
            x0, y0 = self.point(*ends.get(1, prim.start()))
            x1, y1 = self.point(*ends.get(2, prim.end()))
            return Line(x0, y0, x1, y1, prim.line_type)
        cx, cy = self.point(prim.cx, prim.cy)
        if isinstance(prim, Circle):
            cx, cy = touching_centre(prim, (cx, cy), self.circles, self.radius, self.point,
                                     (self.w, self.h), (self.ax, self.ay) != (self.px, self.py))
            return Circle(cx, cy, self.radius(prim), prim.line_type)
        start, end = self.point(*ends.get(1, prim.start())), self.point(*ends.get(2, prim.end()))
        if self.mirrors:
            start, end = end, start
        cx, cy, r = _circle_through(start, end, (cx, cy))
        a0 = math.degrees(math.atan2(start[1] - cy, start[0] - cx)) % 360.0
        a1 = math.degrees(math.atan2(end[1] - cy, end[0] - cx)) % 360.0
        return Arc(cx, cy, r, a0, a1, prim.line_type)


def _circle_key(circle: Circle) -> tuple[float, float, float]:
    return (round(circle.cx, 1), round(circle.cy, 1), round(circle.r, 1))


def make_exact(views: list[View], scale: ScaleInfo, measured: list = (), round_sizes: bool = False,
               turned_axis: str | None = None) -> None:
    """Set ``scale.levels`` (and printed diameters): the levels the views' line work stops at,
    made exact by the printed values that measure them (``measured``: (view, view direction
    "x"/"y", end, end, mm) for spans, (view, circle, mm) for diameters), else rounded to the
    grid when ``round_sizes`` and the drawing is fine enough; across a ``turned_axis``, levels
    round as diameters. Extents a value or the prompt gives (``scale.fixed``) stay as they are."""
    scale.grid_mm = grid_for(scale.mm_per_px) if round_sizes and scale.source != "default" \
        else None
    # A turned part's diameters are read with both sides' errors: every one of them (steps,
    # the outer size, end-view circles) on the same coarser grid, so they agree.
    scale.diameter_grid_mm = grid_for(2 * scale.mm_per_px) if scale.grid_mm and turned_axis \
        else scale.grid_mm
    levels: dict[str, list[float]] = {"x": [], "y": [], "z": []}
    traced: dict[str, list[float]] = {"x": [], "y": [], "z": []}
    spans: dict[str, list[Span]] = {"x": [], "y": [], "z": []}
    mappings = {id(view): _ViewMapping(view, scale) for view in views}
    # The part's extents as the views draw them (mm, before making exact).
    raw_extents = dict(scale.extents_mm)
    raw_extents.update({a: px * scale.along(a) for a, px in _extent_px(views).items()})
    view_of = {id(view): view for view in views}
    values: set = set()  # the printed diameters used, once each
    for view in views:
        mapping = mappings[id(view)]
        if mapping.look == turned_axis:
            continue  # a turned part's end view: its radii are its profiles' (a polygon's
            # corners are no steps)
        # The outline's own edges too: they are traced apart from the line work and can lie a
        # pixel off it, and it is the outline that the sketches are made of.
        outline = [p for profile in view.profiles[:1] for loop in profile.loops
                   for p in loop.primitives]
        # A drawn sloped line stops short of an acute corner (the strokes close it up): that
        # end is no level; the outline's corner, put back where the lines meet, is.
        corners = [p.start() for p in view.profiles[0].loops[0].primitives
                   if isinstance(p, Line)] if view.profiles and view.profiles[0].loops else []
        for found, prims in ((levels, view.primitives), (traced, outline)):
            for prim in prims:
                for point, axes in _level_points(prim, mapping):
                    if found is levels and _short_of_corner(prim, point, corners):
                        continue
                    for axis, mm in mapping.raw(*point).items():
                        if axis in axes:
                            found[axis].append(mm)
    for item in measured:
        mapping = mappings.get(id(item[0]))
        if mapping is None:
            continue
        if len(item) == 3 and item[1] == "radius":  # a printed radius of the view's rounds
            scale.radii.setdefault(id(item[0]), []).append(item[2])
            continue
        if len(item) == 3 and item[1] == "angle":  # a printed angle of the view's slopes
            scale.angles.setdefault(id(item[0]), []).append(item[2])
            continue
        if len(item) == 3:  # a printed diameter of one of the view's circles
            _view, circle, mm = item
            scale.diameters.setdefault(id(item[0]), {})[_circle_key(circle)] = mm
            values.add((id(item[0]), mm))
            if mapping.look == turned_axis and _about_axis(circle, view_of[id(item[0])]):
                # a turned part's step: its radius about the axis
                for axis in (mapping.ax, mapping.ay):
                    middle = raw_extents[axis] / 2
                    radius = circle.r * scale.along(axis)
                    spans[axis] += [Span(middle, middle + radius, mm / 2),
                                    Span(middle - radius, middle, mm / 2)]
                    levels[axis] += [middle - radius, middle + radius]
            continue
        _view, direction, a, b, mm = item
        ends = [mapping.raw(a, 0.0) if direction == "x" else mapping.raw(0.0, a),
                mapping.raw(b, 0.0) if direction == "x" else mapping.raw(0.0, b)]
        axis = mapping.ax if direction == "x" else mapping.ay
        low, high = sorted(end[axis] for end in ends)
        spans[axis].append(Span(low, high, mm))
        levels[axis] += [low, high]  # a hole's centre, say, is a level once a value reaches it
    radial = [a for a in "xyz" if turned_axis not in (None, a) and a in scale.extents_mm]
    if len(radial) == 2:
        _as_round(raw_extents, scale, radial, levels, spans)
    for axis, raw in levels.items():
        if axis not in scale.extents_mm or not scale.grid_mm and not spans[axis]:
            continue
        extent_raw = raw_extents[axis]
        extent = scale.extents_mm[axis]
        if axis not in scale.fixed and scale.grid_mm:
            extent = scale.diameter(extent) if turned_axis not in (None, axis) \
                else _on_grid(extent, scale.grid_mm)
            scale.extents_mm[axis] = extent
        across = turned_axis not in (None, axis)
        # A traced side drawn a little askew (a rotated scan) ends near the side, not at a level.
        near_side = 2 * SIDE_PX * scale.along(axis)
        raw = raw + [mm for mm in traced[axis] if near_side < mm < extent_raw - near_side]
        snap = AxisLevels(raw, extent_raw, extent, scale.along(axis), spans[axis],
                          scale.diameter_grid_mm if across else scale.grid_mm,
                          centre_diameters=across)
        scale.levels[axis] = snap
        scale.exact_from_values += snap.from_values
    scale.exact_from_values += len(values)


def _on_grid(size: float, grid: float | None) -> float:
    return max(round(size / grid) * grid, grid) if grid else size


def _about_axis(circle: Circle, view: View) -> bool:
    """Whether a circle of an end view lies about the part's axis (its middle, known to a
    stroke's width like a side), not off it."""
    return math.dist((circle.cx, circle.cy), (view.box[2] / 2, view.box[3] / 2)) <= SIDE_PX


def _as_round(raw_extents: dict[str, float], scale: ScaleInfo, radial: list[str],
              levels: dict, spans: dict) -> None:
    """A turned part is round: seen across its axis from either side it shows the same radii.
    Both radial axes get every radius either view shows (about their middles), every printed
    radius, and one diameter, so the two profiles of it agree exactly (two readings a hair
    apart would leave slivers OCC cannot export)."""
    middles = {a: raw_extents[a] / 2 for a in radial}
    radii = [abs(level - middles[a]) for a in radial for level in levels[a]]
    halves = [(span.low - middles[a], span.high - middles[a], span.value)
              for a in radial for span in spans[a]]
    fixed = [a for a in radial if a in scale.fixed]
    diameter = (scale.extents_mm[fixed[0]] if fixed
                else sum(scale.extents_mm[a] for a in radial) / 2)
    for a in radial:
        levels[a] = [middles[a] + side * r for r in radii for side in (-1, 1)]
        spans[a] = [Span(middles[a] + low, middles[a] + high, value)
                    for low, high, value in halves]
        scale.extents_mm[a] = diameter
        if fixed:
            scale.fixed.add(a)


def _level_points(prim, mapping: _ViewMapping) -> list:
    """(point, model axes) where the line work stops: a straight edge along one view axis sets
    a level across it; a slanted edge (a chamfer) or a round's tangent points set both. Short
    pieces (a curve drawn as a polyline) set none: their ends move with the levels around."""
    if prim.line_type == "centre" or isinstance(prim, Circle) or \
            prim.length() < LEVEL_EDGE_PX:
        return []  # circle centres, too, move with the levels around them
    both = {mapping.ax, mapping.ay}
    if isinstance(prim, Line):
        dx, dy = abs(prim.x1 - prim.x0), abs(prim.y1 - prim.y0)
        if dx <= 0.05 * dy:
            both = {mapping.ax}
        elif dy <= 0.05 * dx:
            both = {mapping.ay}
    return [(prim.start(), both), (prim.end(), both)]


def _short_of_corner(prim, end, corners: list) -> bool:
    """Whether ``end`` of a drawn sloped line stops a few pixels short of an outline corner
    that lies on the line's own run beyond it."""
    if not sloped(prim, SLOPED_DEG):
        return False
    other = prim.end() if end == prim.start() else prim.start()
    ux, uy = unit(end[0] - other[0], end[1] - other[1])
    for corner in corners:
        along = (corner[0] - end[0]) * ux + (corner[1] - end[1]) * uy
        across = abs((corner[0] - end[0]) * uy - (corner[1] - end[1]) * ux)
        if 0.5 < along <= SHORT_OF_CORNER_PX and across <= SIDE_PX:
            return True
    return False


def _circle_through(start, end, centre) -> tuple[float, float, float]:
    """The circle through both ends nearest ``centre``: the ends of a mapped arc stay exactly
    on its neighbours' ends when the two axes are scaled a little differently."""
    radius = (math.dist(centre, start) + math.dist(centre, end)) / 2
    mx, my = (start[0] + end[0]) / 2, (start[1] + end[1]) / 2
    half = math.dist(start, end) / 2
    if half < 1e-9:
        return centre[0], centre[1], radius
    nx, ny = -(end[1] - start[1]) / (2 * half), (end[0] - start[0]) / (2 * half)
    if (centre[0] - mx) * nx + (centre[1] - my) * ny < 0:
        nx, ny = -nx, -ny
    t = math.sqrt(max(radius * radius - half * half, 0.0))
    return mx + nx * t, my + ny * t, max(radius, half)


def _endpoints(prim) -> list[tuple[int, tuple[float, float]]]:
    """(Sketcher vertex id, point): 1 = start, 2 = end."""
    if isinstance(prim, Circle):
        return []
    return [(1, prim.start()), (2, prim.end())]


def _loop_constraints(geometry: list, first: int, count: int, tol: float) -> list[Constraint]:
    """Coincident joints between consecutive primitives, and horizontal/vertical lines."""
    constraints = []
    for i in range(count):
        g = first + i
        prim = geometry[g]
        if isinstance(prim, Line) and prim.length() > 0:
            angle = math.degrees(math.atan2(prim.y1 - prim.y0, prim.x1 - prim.x0)) % 180.0
            if min(angle, 180.0 - angle) < 0.5:
                constraints.append(Constraint("Horizontal", [g]))
            elif abs(angle - 90.0) < 0.5:
                constraints.append(Constraint("Vertical", [g]))
        if count < 2:
            continue
        h = first + (i + 1) % count
        best = None
        for pos_a, pa in _endpoints(prim):
            for pos_b, pb in _endpoints(geometry[h]):
                d = math.dist(pa, pb)
                if d <= tol and (best is None or d < best[0]):
                    best = (d, pos_a, pos_b)
        if best:
            constraints.append(Constraint("Coincident", [g, best[1], h, best[2]]))
    return constraints


def _sketch_for_loops(loops: list[Loop], mapping: _ViewMapping, prefix: str,
                      sketch: Sketch | None = None, square: bool = True,
                      warnings: list | None = None) -> Sketch:
    """Add ``loops`` to a sketch on the view's plane, with joints and named sizes; repairs of
    an outline are said in ``warnings``."""
    sketch = sketch or Sketch(plane=mapping.plane)
    tol = max(0.5 * mapping.s, 1e-3)
    hole = angles = 0
    outer_range = None
    notes: list[str] = []
    for index, loop in enumerate(_without_overlapping_circles(loops, notes)):
        loop = closed_loop(loop, tol / mapping.s, notes, hull_ok=index == 0)
        if loop is None:
            continue
        if square:
            loop = squared(loop, mapping.w, mapping.h, SQUARE_PX)
        if not loop_is_sane(loop, (2 * tol / mapping.s) ** 2):
            continue
        first = len(sketch.geometry)
        # A step of a pixel or so (a jag of the scan, often turning back) is no edge: its
        # neighbours meet instead, so making sizes exact cannot fold the outline over it.
        jags = [_jag(loop.primitives, i) for i in range(len(loop.primitives))]
        primitives = [p for p, jag in zip(loop.primitives, jags) if not jag]
        joints = _joints(primitives, max(tol / mapping.s, JAG_PX * (1 + _longest_run(jags))))
        made = [(mapping.primitive(p, joints[i]),
                 [mapping.rank(*joints[i].get(k, end)) for k, end in _endpoints(p)])
                for i, p in enumerate(primitives)]
        made = [(m, ranks) for m, ranks in made
                if isinstance(m, Circle) or math.dist(m.start(), m.end()) > 1e-6]
        mapped = tangent_arcs([m for m, _ in made], mapping.round_radius)
        mapped, sloped = at_printed_angles(mapped, [ranks for _, ranks in made], mapping.angles)
        sketch.geometry.extend(mapped)
        sketch.constraints += _loop_constraints(sketch.geometry, first, len(mapped), tol)
        for i in sloped:
            line = mapped[i]
            angles += 1
            sketch.constraints.append(Constraint(
                "Angle", [first + i], math.atan2(line.y1 - line.y0, line.x1 - line.x0),
                f"{prefix}angle{angles}"))
        outer_range = outer_range or range(first, first + len(mapped))
        for offset, prim in enumerate(mapped):
            if isinstance(prim, Circle):
                hole += 1
                sketch.constraints.append(
                    Constraint("Diameter", [first + offset], 2 * prim.r, f"{prefix}hole{hole}_d"))
    if outer_range:
        _add_extent_constraints(sketch, outer_range, prefix)
    if warnings is not None:
        warnings += [f"In the {mapping.role} view, {note}: check the preview." for note in notes]
    return sketch


def _jag(primitives: list, index: int) -> bool:
    """A line a pixel or so long that does not carry on the line before it."""
    prim, before = primitives[index], primitives[index - 1]
    if not isinstance(prim, Line) or prim.length() > JAG_PX or len(primitives) <= 4:
        return False
    if isinstance(before, Line) and before.length() > 0 and prim.length() > 0:
        # Oriented through the joint, whichever way each was read.
        _, a_far, joint, b_far = min(
            (math.dist(a, b), a_other, a, b_other)
            for a, a_other in ((before.start(), before.end()), (before.end(), before.start()))
            for b, b_other in ((prim.start(), prim.end()), (prim.end(), prim.start())))
        u = (joint[0] - a_far[0], joint[1] - a_far[1])
        v = (b_far[0] - joint[0], b_far[1] - joint[1])
        return (u[0] * v[0] + u[1] * v[1]) / (math.hypot(*u) * math.hypot(*v) or 1.0) < 0.98
    return True


def _longest_run(flags: list[bool]) -> int:
    """The most consecutive true flags, round the loop."""
    if all(flags):
        return len(flags)
    best = run = 0
    for flag in flags + flags:
        run = run + 1 if flag else 0
        best = max(best, run)
    return best


def _joints(primitives: list, tol_px: float) -> list[dict]:
    """Per primitive, the ends it shares with the next and the previous one (within
    ``tol_px``), each pair moved to their middle: mapped once, they stay joined however the
    sizes are made exact."""
    ends: list[dict] = [{} for _ in primitives]
    count = len(primitives)
    for g in range(count if count > 1 else 0):
        h = (g + 1) % count
        pairs = [(math.dist(pa, pb), pos_a, pos_b, pa, pb)
                 for pos_a, pa in _endpoints(primitives[g])
                 for pos_b, pb in _endpoints(primitives[h])]
        if not pairs:
            continue
        d, pos_a, pos_b, pa, pb = min(pairs)
        if d <= tol_px:
            middle = ((pa[0] + pb[0]) / 2, (pa[1] + pb[1]) / 2)
            ends[g][pos_a] = ends[h][pos_b] = middle
    return ends


def _without_overlapping_circles(loops: list[Loop], notes: list | None = None) -> list[Loop]:
    """The loops without hole circles that cross another hole circle (two holes cannot
    overlap: such circles are the glyphs of a printed value, an "8", read as holes, and a
    sketch of crossing circles makes no face), nor the larger of two nested ones (seen
    through the part, a counterbore's ring lies around its bore, and only the bore goes
    through). The first loop is the outline and is always kept. What is left out is said in
    ``notes``."""
    circles = [(i, loop.primitives[0]) for i, loop in enumerate(loops)
               if i > 0 and len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle)]
    dropped: dict[int, str] = {}
    for i, a in circles:
        for j, b in circles:
            d = math.dist((a.cx, a.cy), (b.cx, b.cy))
            if j == i or d >= a.r + b.r:
                continue
            if d > abs(a.r - b.r):
                dropped[i] = "crosses another"
            elif a.r > b.r or (a.r == b.r and j < i):
                dropped[i] = "lies around a smaller one"
    if notes is not None:
        notes += [f"a hole circle of radius {loops[i].primitives[0].r:.1f} px that {why} was "
                  "left out" for i, why in sorted(dropped.items())]
    return [loop for i, loop in enumerate(loops) if i not in dropped]


def _add_extent_constraints(sketch: Sketch, outer: range, prefix: str) -> None:
    """Named overall sizes of the outer loop: ``width`` (sketch x) and ``height`` (sketch y)."""
    points = [(point, g, pos) for g in outer for pos, point in _endpoints(sketch.geometry[g])]
    if len(points) < 2:
        return
    for axis, kind, name in ((0, "DistanceX", "width"), (1, "DistanceY", "height")):
        low = min(points, key=lambda item: item[0][axis])
        high = max(points, key=lambda item: item[0][axis])
        value = high[0][axis] - low[0][axis]
        if value > 1e-6:
            sketch.constraints.append(
                Constraint(kind, [low[1], low[2], high[1], high[2]], value, prefix + name))


def _margin_loop(mapping: _ViewMapping, extents: dict[str, float]) -> Loop:
    """A rectangle around the part in the view's plane, for the outside-of-silhouette cut."""
    wx, wy = extents[mapping.px], extents[mapping.py]
    m = 0.1 * max(wx, wy) + 1.0
    corners = [(-m, -m), (wx + m, -m), (wx + m, wy + m), (-m, wy + m)]
    return Loop([Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)])


def _revolution_feature(axis: RevolveAxis, scale: ScaleInfo) -> Feature:
    """A Revolution of the profile view's outline, halved along the axis.

    The axis runs through the middle of the part's extents across it (a turned part reaches
    equally far on every side), so the solid keeps the printed diameter exactly."""
    profile = axis.profile
    mapping = _ViewMapping(profile, scale)
    axis_coord, axis_value, _ = axis_in_profile(axis)
    half = half_outline(profile.profiles[0].loops[0].polygon(), axis_coord, axis_value)
    # Not squared: its edges are already on the axis, and its steps' radii are measured.
    sketch = _sketch_for_loops([polygon_loop(half)], mapping, "", square=False)
    sketch.offset = scale.extents_mm[mapping.look] / 2
    ends = ([(axis_value, 0.0), (axis_value, profile.box[3])] if axis_coord == 0
            else [(0.0, axis_value), (profile.box[2], axis_value)])
    line = mapping.primitive(Line(*ends[0], *ends[1]))
    axis_index = len(sketch.geometry)
    sketch.construction.append(axis_index)
    sketch.geometry.append(line)
    _hold_on_axis(sketch, axis_index)
    return Feature(
        name="Revolution", operation="revolution", sketch=sketch, params={"angle": 360.0},
        evidence=[f"circular outline in the {axis.circular.role} view" if axis.circular
                  else "two views alike about a centre line along the part",
                  f"{profile.role} view outline symmetric about the axis"])


def _clear_of_revolution(sketch: Sketch, mapping: _ViewMapping, turning: str,
                         extents: dict[str, float]) -> None:
    """Move a turned part's outline in another profile view off the revolution by a micron
    (away from the axis): with exact sizes the two coincide, and OCC's booleans fail on faces
    that only touch. A keyway's notch still cuts."""
    k = 1 if mapping.px == turning else 0  # the sketch coordinate across the axis
    middle = extents[(mapping.px, mapping.py)[k]] / 2

    def away(point):
        value = point[k]
        shift = CLEARANCE_MM if value > middle + 1e-9 else -CLEARANCE_MM if value < middle - 1e-9 \
            else 0.0
        return (point[0] + shift, point[1]) if k == 0 else (point[0], point[1] + shift)

    for g in range(4, len(sketch.geometry)):  # after the margin
        prim = sketch.geometry[g]
        if isinstance(prim, Line):
            (x0, y0), (x1, y1) = away(prim.start()), away(prim.end())
            sketch.geometry[g] = Line(x0, y0, x1, y1, prim.line_type)
        elif isinstance(prim, Arc):
            cx, cy = away((prim.cx, prim.cy))
            sketch.geometry[g] = Arc(cx, cy, prim.r, prim.start_deg, prim.end_deg,
                                     prim.line_type)
    # The named sizes follow, or the solver would put the outline back on the revolution.
    for constraint in sketch.constraints:
        if constraint.kind in ("DistanceX", "DistanceY") and len(constraint.refs) == 4:
            g1, p1, g2, p2 = constraint.refs
            k = 0 if constraint.kind == "DistanceX" else 1
            ends = [dict(_endpoints(sketch.geometry[g]))[p] for g, p in ((g1, p1), (g2, p2))]
            constraint.value = ends[1][k] - ends[0][k]


def _hold_on_axis(sketch: Sketch, axis_index: int) -> None:
    """The profile's edges along the axis stay on it when the sketch is solved: a solver that
    moved one a hair across would make the Revolution fail (the axis crossing the sketch)."""
    axis = sketch.geometry[axis_index]
    length = axis.length()
    if length <= 0:
        return
    if abs(axis.y1 - axis.y0) < 1e-9 or abs(axis.x1 - axis.x0) < 1e-9:
        kind = "Horizontal" if abs(axis.y1 - axis.y0) < 1e-9 else "Vertical"
        sketch.constraints.append(Constraint(kind, [axis_index]))
    held = {c.refs[0] for c in sketch.constraints if c.kind in ("Horizontal", "Vertical")}

    def off_axis(point) -> float:
        return abs((axis.x1 - axis.x0) * (axis.y0 - point[1])
                   - (axis.x0 - point[0]) * (axis.y1 - axis.y0)) / length

    for g, prim in enumerate(sketch.geometry[:axis_index]):
        if not isinstance(prim, Line) or max(off_axis(prim.start()), off_axis(prim.end())) > 1e-6:
            continue
        # One end on the axis fixes an edge already held parallel to it; else both.
        for pos in (1,) if g in held else (1, 2):
            sketch.constraints.append(Constraint("PointOnObject", [g, pos, axis_index]))


def _floor_pocket(floor: Floor, number: int, scale: ScaleInfo,
                  extents: dict[str, float]) -> Feature:
    """A pocket from the viewer's side of the part down to the floor's level."""
    mapping = _ViewMapping(floor.view, scale)
    side = VIEWER_SIDE[floor.view.role] * (-1 if floor.from_far_side else 1)
    near = extents[mapping.look] if side > 0 else 0.0
    if floor.outside:  # a round boss: what lies between a margin and its circle
        w, h = floor.view.box[2], floor.view.box[3]
        m = 0.1 * max(w, h) + 2.0
        margin = polygon_loop([(-m, -m), (w + m, -m), (w + m, h + m), (-m, h + m)])
        sketch = _sketch_for_loops([margin, floor.loop], mapping, f"pocket{number}_")
    else:
        sketch = _sketch_for_loops([floor.loop], mapping, f"pocket{number}_")
    sketch.offset = near
    depth = abs(near - scale.exact(mapping.look, floor.level_px * mapping.k_look))
    return Feature(
        name=f"Pocket{number}", operation="pocket", sketch=sketch,
        params={"length": depth, "direction": f"{'-' if side > 0 else '+'}{mapping.look}"},
        evidence=[floor.evidence])


def plan_from_views(views: list[View], prompt: str = "", name: str = "Part",
                    mm_per_px: float | None = None, printed: list[tuple[str, float]] = (),
                    dimension_values: int = 0, measured: list = (),
                    round_sizes: bool = False) -> tuple[PartPlan, ScaleInfo]:
    """The visual hull of the orthographic views as a PartPlan, and the scale it used.
    ``measured`` and ``round_sizes`` make the sizes exact (see ``make_exact``)."""
    ortho = _ortho_views(views)
    if not ortho:
        raise MakistryError(
            IMAGE_PARSE_FAILED,
            "No orthographic view with a closed outline was found. Use a drawing with at least "
            "one front, top or side view on a light background, or name the views in the prompt.")
    plan = PartPlan(name=name)
    turned = turned_section(views, ortho, ROLE_AXES)  # a turned part's hatched section
    sized = ortho + ([turned.view] if turned else [])
    scale, _ = solve_scale(sized, prompt, plan.warnings, mm_per_px, printed, dimension_values)
    axis = turned.axis if turned else (find_axis(ortho, ROLE_AXES)
                                       or axis_from_profiles(ortho, ROLE_AXES))
    # A hatched section sizes its own heights on the printed values (section.py).
    make_exact(ortho, scale, measured, round_sizes, axis.axis if axis else None)
    extents = scale.extents_mm
    if axis is not None:
        base = axis.profile
        plan.features.append(revolution_feature(turned, scale, plan.warnings, printed) if turned
                             else _revolution_feature(axis, scale))
    else:
        base = next((v for v in ortho if v.role == "front"), ortho[0])
        mapping = _ViewMapping(base, scale)
        sketch = _sketch_for_loops(base.profiles[0].loops, mapping, "",
                                   warnings=plan.warnings)
        plan.features.append(Feature(
            name=f"{base.role.capitalize()}Outline", operation="pad", sketch=sketch,
            params={"length": extents[mapping.look], "direction": f"+{mapping.look}"},
            evidence=[f"{base.role} view outline"]))

    for view in ortho:
        if view is base:
            continue
        mapping = _ViewMapping(view, scale)
        margin = _margin_loop(mapping, extents)
        sketch = Sketch(plane=mapping.plane, geometry=list(margin.primitives))
        sketch.constraints += _loop_constraints(sketch.geometry, 0, 4, 1e-6)
        loops = view.profiles[0].loops
        if axis is not None and view is axis.circular:
            # Round already: only its holes cut (its outline would touch the revolved faces).
            w, h = view.box[2], view.box[3]
            loops = [polygon_loop([(-2, -2), (w + 2, -2), (w + 2, h + 2), (-2, h + 2)]),
                     *circular_loops(axis)[1:]]
        _sketch_for_loops(loops, mapping, f"{view.role}_", sketch, warnings=plan.warnings)
        if axis is not None and view is not axis.circular:
            _clear_of_revolution(sketch, mapping, axis.axis, extents)
        plan.features.append(Feature(
            name=f"{view.role.capitalize()}Silhouette", operation="pocket", sketch=sketch,
            params={"type": "through_all", "symmetric": True},
            evidence=[f"{view.role} view outline and see-through holes"]))

    if axis is None:  # round ends and a shell's cavity (shell.py)
        plan.features = refine_hull(plan.features, ortho, scale, ROLE_AXES, plan.warnings)
    if turned:
        plan.features += hole_features(turned, scale, printed)
    floors = find_floors(ortho, ROLE_AXES)
    if axis is None:  # a Revolution is round already
        floors += round_bosses(ortho, ROLE_AXES)
    silhouettes = [f for f in plan.features if f.name.endswith("Silhouette")]
    for number, floor in enumerate(floors, start=1):
        plan.features.append(_floor_pocket(floor, number, scale, extents))
        if floor.foot_px > 0:  # the round at a round boss's foot (rounds.py)
            mapping = _ViewMapping(floor.view, scale)
            boss = mapping.primitive(floor.loop.primitives[0])
            level = scale.exact(mapping.look, floor.level_px * mapping.k_look)
            plan.features += foot_round(
                floor, number, {mapping.px: boss.cx, mapping.py: boss.cy}, boss.r, level,
                mapping.round_radius(floor.foot_px * mapping.k_look, any_view=True), silhouettes)
    return plan, scale
