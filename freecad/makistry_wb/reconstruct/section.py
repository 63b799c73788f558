# SPDX-License-Identifier: LGPL-2.1-or-later
"""Turned parts drawn as an end view of concentric circles and a hatched full section.

What an engineer does with such a sheet: the cutting plane runs through the axis, so the
section's hatched faces are the material in that plane; one half of them, revolved about the
axis (the section's centre line, lined up with the end view's centre), is the part. Ribs, lugs
and holes cut by the plane show on one side only or as gaps in the material: the half kept is
what both halves share, and a gap where the end view has holes off the axis is filled (the
holes are cut from the end view, as stepped pockets when the gap is wider near one face: a
counterbore). No FreeCAD here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np

from ..plan import Circle, Feature, Line, Loop, Profile, View
from .revolve import RevolveAxis, circle_of, polygon_loop

SUPERSAMPLE = 4  # raster cells per drawing pixel for the half profile
ALIGN_TOL = 0.03  # boxes of the end view and the section line up within this share (+ 3 px)
# How far (pixels) a hole's edge in the section may lie outside its circle in the end view:
# the circle is fitted along its line's centre, the section's gap runs to its lines' centres.
HOLE_SLACK_PX = 3.0
LEVEL_PX = 1.0  # a stepped hole's width changes by more than this (pixels) at a step
SNAP_PX = 1.5  # how far (pixels) a height may lie from a printed size to be taken as it


@dataclass
class TurnedSection:
    axis: RevolveAxis  # circular: the end view; profile: the section, named as the side view
    section: View  # the section as drawn (role "section"), with its hatched profile
    axis_value: float  # the axis's place across it, in the section's pixels
    low: float  # where the material starts along the axis, in the section's pixels
    ratio: float  # section pixels per end-view pixel
    material: np.ndarray  # half profile: rows along the axis, columns out from it (supersampled)
    holes: list[tuple[np.ndarray, list[tuple]]]  # gap filled, the end view's holes it cuts

    @property
    def view(self) -> View:
        return self.axis.profile


def _hatched(view: View) -> list[Loop]:
    return [loop for p in view.profiles if p.line_type == "hatched" for loop in p.loops]


def _side_role(circular: View, section: View) -> str | None:
    """The role the section would have as a plain view beside the end view, when the two line
    up (a vertical cutting plane seen from the front, or from the side)."""
    cx, cy, cw, ch = circular.box
    sx, sy, sw, sh = section.box
    column = abs(sx - cx) <= ALIGN_TOL * cw + 3 and abs(sw - cw) <= ALIGN_TOL * cw + 3
    row = abs(sy - cy) <= ALIGN_TOL * ch + 3 and abs(sh - ch) <= ALIGN_TOL * ch + 3
    if circular.role in ("top", "bottom") and column:
        return "front"
    if circular.role in ("front", "back"):
        return "top" if column else "right" if row else None
    if circular.role in ("right", "left") and row:
        return "front"
    return None


def turned_section(views: list[View], ortho: list[View], role_axes: dict) -> TurnedSection | None:
    """An end view with a circular outline and a hatched section lined up with it, whose
    outline reaches as far from the axis as the circle's radius."""
    sections = [v for v in views if v.role == "section" and _hatched(v)
                and v.profiles[0].loops]
    for circular in ortho:
        loops = circular.profiles[0].loops
        fit = circle_of(loops[0]) if loops else None
        if fit is None:
            continue
        look = role_axes[circular.role][2]
        for section in sections:
            role = _side_role(circular, section)
            if role is None:
                continue
            (ax, _), (ay, _), _look = role_axes[role]
            coord = 0 if ay == look else 1  # the section's coordinate across the axis
            if look not in (ax, ay):
                continue
            outline = section.profiles[0].loops[0].polygon()
            hatched = [p for loop in _hatched(section) for p in loop.polygon()]
            along = 1 - coord
            if _span(hatched, along) < 0.9 * _span(outline, along):
                continue  # the hatching was not found along the whole part
            side = _fitted(section, role)
            points = [p for loop in _hatched(side) for p in loop.polygon()]
            low_c, high_c = min(p[coord] for p in points), max(p[coord] for p in points)
            axis_value, reach = (low_c + high_c) / 2, (high_c - low_c) / 2
            if abs(reach - fit[2]) > 0.03 * fit[2] + 3:
                continue
            side.projection = circular.projection
            axis = RevolveAxis(look, circular, side, fit[:2], fit[2], coord)
            found = _half_profile(axis, section, side, axis_value)
            if found is not None:
                return found
    return None


def _span(points, coord: int) -> float:
    return max(p[coord] for p in points) - min(p[coord] for p in points)


def _fitted(section: View, role: str) -> View:
    """The section as the plain view ``role``, its box fitted to the hatched material (a
    section's box may hold a line of its title or of a dimension below the part) and its
    lines moved with it; its outline only, without the loops of letters."""
    points = [p for loop in _hatched(section) for p in loop.polygon()]
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    bx, by, _bw, bh = section.box
    box = (int(round(bx + x0)), int(round(by + bh - y1)), int(round(x1 - x0)),
           int(round(y1 - y0)))
    dx, dy = -(box[0] - bx), -((by + bh) - (box[1] + box[3]))

    def moved(prim):
        if isinstance(prim, Line):
            return replace(prim, x0=prim.x0 + dx, y0=prim.y0 + dy, x1=prim.x1 + dx,
                           y1=prim.y1 + dy)
        return replace(prim, cx=prim.cx + dx, cy=prim.cy + dy)

    def loops(profile: Profile) -> list[Loop]:
        return [Loop([moved(p) for p in loop.primitives]) for loop in profile.loops]

    outline = Profile(loops(section.profiles[0])[:1])
    hatched = [Profile(loops(p), line_type=p.line_type) for p in section.profiles
               if p.line_type == "hatched"]
    return View(role=role, image_index=section.image_index, box=box,
                profiles=[outline] + hatched,
                primitives=[moved(p) for p in section.primitives])


def _raster(loops: list[Loop], coord: int, axis_value: float, low: float, sign: int,
            shape: tuple[int, int]) -> np.ndarray:
    """The loops on one side of the axis, folded out: rows along it, columns away from it."""
    import cv2

    image = np.zeros(shape, np.uint8)
    along = 1 - coord
    polygons = [np.array([[round(sign * (p[coord] - axis_value) * SUPERSAMPLE),
                           round((p[along] - low) * SUPERSAMPLE)] for p in loop.polygon()],
                         np.int32) for loop in loops]
    cv2.fillPoly(image, polygons, 1)
    return image > 0


def _off_axis_holes(axis: RevolveAxis) -> list[tuple[float, float, float, tuple]]:
    """(distance from the axis, largest radius, smallest radius, every radius), end-view
    pixels, for each hole of the end view off its centre (a counterbore's ring counts with
    its hole)."""
    view = axis.circular
    circles = [p for p in view.primitives if isinstance(p, Circle) and p.line_type == "visible"]
    circles += [Circle(*fit) for loop in view.profiles[0].loops[1:]
                if (fit := circle_of(loop)) is not None]
    holes: list[list] = []
    for c in circles:
        d = math.dist((c.cx, c.cy), axis.centre_px)
        if d <= c.r + 2 or d + c.r > axis.radius_px + 2:
            continue  # about the axis, or no hole in the part
        for hole in holes:
            if math.dist((c.cx, c.cy), hole[0]) <= 2.0:
                hole[2].append(c.r)
                break
        else:
            holes.append([(c.cx, c.cy), d, [c.r]])
    return [(d, max(radii), min(radii), tuple(sorted(radii))) for _c, d, radii in holes]


def _half_profile(axis: RevolveAxis, section: View, side: View,
                  axis_value: float) -> TurnedSection | None:
    import cv2

    coord, along = axis.axis_coord, 1 - axis.axis_coord
    loops = _hatched(side)
    points = [p for loop in loops for p in loop.polygon()]
    low, high = min(p[along] for p in points), max(p[along] for p in points)
    reach = max(abs(p[coord] - axis_value) for p in points)
    shape = (int(math.ceil((high - low) * SUPERSAMPLE)) + 2,
             int(math.ceil(reach * SUPERSAMPLE)) + 2)
    # What both halves share: a rib or a lug cut on one side is not turned.
    material = (_raster(loops, coord, axis_value, low, 1, shape)
                & _raster(loops, coord, axis_value, low, -1, shape))
    inside = _between(material)
    ratio = reach / axis.radius_px  # section pixels per end-view pixel
    bands = _off_axis_holes(axis)
    count, labels = cv2.connectedComponents((inside & ~material).astype(np.uint8), connectivity=4)
    cols = np.arange(shape[1])[None, :] / SUPERSAMPLE
    holes = []
    for label in range(1, count):
        gap = labels == label
        for ring in _rings(bands):
            # Where the gap lies over a ring of holes: a hole cut by the plane, with
            # material all round it (the gap may run on beyond, between two faces).
            band = (cols >= (ring[0] - ring[1]) * ratio - HOLE_SLACK_PX) & (
                cols <= (ring[0] + ring[1]) * ratio + HOLE_SLACK_PX)
            enclosed = ~(gap & ~band).any(axis=1)  # rows where the gap is no wider than it
            cut = gap & band & enclosed[:, None]
            if cut.any(axis=1).sum() >= 2 * SUPERSAMPLE:
                material |= cut
                holes.append((cut, [b for b in bands if abs(b[0] - ring[0]) <= 2.0]))
    if not material.any():
        return None
    return TurnedSection(axis, section, axis_value, low, ratio, material, holes)


def _rings(bands: list[tuple[float, float, float]]) -> list[tuple[float, float, float]]:
    """One band per distance from the axis (a bolt circle's holes all cut the same ring)."""
    rings: list[tuple[float, float, float]] = []
    for band in sorted(bands):
        if not rings or band[0] - rings[-1][0] > 2.0:
            rings.append(band)
    return rings


def _between(material: np.ndarray) -> np.ndarray:
    """Per row, everything from the material's first cell to its last."""
    cols = np.arange(material.shape[1])[None, :]
    any_row = material.any(axis=1)
    first = np.where(any_row, material.argmax(axis=1), material.shape[1])[:, None]
    last = np.where(any_row, material.shape[1] - 1 - material[:, ::-1].argmax(axis=1), -1)[:, None]
    return (cols >= first) & (cols <= last)


def _model_along(turned: TurnedSection, along_px: float, scale) -> float:
    """The model coordinate (mm) along the axis of a place along it in the section."""
    from .hull import ROLE_AXES

    view = turned.view
    along = 1 - turned.axis.axis_coord
    (ax, sx), (ay, sy), _ = ROLE_AXES[view.role]
    sign = (sx, sy)[along]
    extent = view.box[2 + along]
    return (along_px if sign > 0 else extent - along_px) * scale.along(turned.axis.axis)


def _snapped(turned: TurnedSection, along_px: float, scale, printed) -> float:
    """``along_px`` moved onto a printed size along the axis (measured from the part's end at
    0, as a section's heights are) when the drawing puts it within SNAP_PX of one: a line a
    pixel off makes a thin flange several per cent too thick."""
    from .hull import ROLE_AXES

    k = scale.along(turned.axis.axis)
    here = _model_along(turned, along_px, scale)
    near = [mm for axis, mm in printed
            if axis == turned.axis.axis and abs(mm - here) <= SNAP_PX * k]
    if not near:
        return along_px
    mm = min(near, key=lambda v: abs(v - here))
    along = 1 - turned.axis.axis_coord
    sign = ROLE_AXES[turned.view.role][along][1]
    return mm / k if sign > 0 else turned.view.box[2 + along] - mm / k


def revolution_feature(turned: TurnedSection, scale, warnings: list[str],
                       printed=()) -> Feature:
    """A Revolution of the half profile the hatching gives; its heights on the printed
    sizes along the axis they lie on."""
    import cv2

    from .hull import _hold_on_axis, _sketch_for_loops, _ViewMapping

    mask = turned.material.astype(np.uint8) * 255
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    contours = sorted(contours, key=cv2.contourArea, reverse=True)
    if len(contours) > 1 and cv2.contourArea(contours[1]) > 0.05 * cv2.contourArea(contours[0]):
        warnings.append("The section's hatched material is in separate pieces; only the "
                        "largest was revolved: check the preview.")
    corners = cv2.approxPolyDP(contours[0], 0.75 * SUPERSAMPLE, True)[:, 0, :]
    coord, along = turned.axis.axis_coord, 1 - turned.axis.axis_coord
    half = []
    for col, row in corners:
        out = 0.0 if col <= 0 else (col + 0.5) / SUPERSAMPLE
        point = [0.0, 0.0]
        point[coord] = turned.axis_value + out
        point[along] = _snapped(turned, turned.low + (row + 0.5) / SUPERSAMPLE, scale, printed)
        half.append(tuple(point))
    view = turned.view
    mapping = _ViewMapping(view, scale)
    sketch = _sketch_for_loops([polygon_loop(half)], mapping, "", square=True)
    sketch.offset = scale.extents_mm[mapping.look] / 2
    ends = ([(turned.axis_value, 0.0), (turned.axis_value, view.box[3])] if coord == 0
            else [(0.0, turned.axis_value), (view.box[2], turned.axis_value)])
    axis_index = len(sketch.geometry)
    sketch.construction.append(axis_index)
    sketch.geometry.append(mapping.primitive(Line(*ends[0], *ends[1])))
    _hold_on_axis(sketch, axis_index)
    return Feature(
        name="Revolution", operation="revolution", sketch=sketch, params={"angle": 360.0},
        evidence=[f"hatched section lined up with the circular {turned.axis.circular.role} view",
                  "half of the material both sides of the axis share"])


def hole_features(turned: TurnedSection, scale, printed=()) -> list[Feature]:
    """Stepped pockets for the end view's holes where the section shows them wider than the
    through hole (a counterbore): one pocket per step, as deep as the section shows it."""
    from .hull import _sketch_for_loops, _ViewMapping

    axis = turned.axis
    view = axis.circular
    mapping = _ViewMapping(view, scale)
    ratio = turned.ratio
    features: list[Feature] = []
    for gap, bands in turned.holes:
        widths = gap.sum(axis=1) / SUPERSAMPLE  # pixels, per row along the axis
        rows = np.nonzero(widths > 0)[0]
        through = 2 * min(b[2] for b in bands) * ratio
        radii = sorted({r for b in bands for r in b[3]})
        for first, last, width in _levels(rows, widths, [2 * r * ratio for r in radii]):
            if width <= through + 2.0:
                continue  # the through hole, cut from the end view already
            ends = [_model_along(turned, _snapped(turned, turned.low + r / SUPERSAMPLE, scale,
                                                  printed), scale) for r in (first, last + 1)]
            lo, hi = min(ends), max(ends)
            radius = width / 2 / ratio
            circles = [Loop([Circle(cx, cy, radius)]) for cx, cy in
                       _hole_centres(view, axis, [b[0] for b in bands])]
            if not circles:
                continue
            number = len(features) + 1
            sketch = _sketch_for_loops(circles, mapping, f"step{number}_")
            sketch.offset = hi
            features.append(Feature(
                name=f"HoleStep{number}", operation="pocket", sketch=sketch,
                params={"length": hi - lo, "direction": f"-{axis.axis}"},
                evidence=[f"the section shows the {view.role} view's holes "
                          f"{2 * radius * mapping.s:.1f} mm wide over {hi - lo:.1f} mm"]))
    return features


def _levels(rows: np.ndarray, widths: np.ndarray, sizes: list[float]) -> list[tuple[int, int]]:
    """Runs of rows of one width (a stepped hole's steps), as (first, last) rows. A row's
    width is taken as the nearest of ``sizes`` (the end view's circles, read more closely)
    when one is near; a run shorter than a pixel (a rounded corner of the drawing) joins the
    run before it."""
    def label(width: float) -> float:
        near = [size for size in sizes if abs(size - width) <= 2 * HOLE_SLACK_PX]
        return min(near, key=lambda size: abs(size - width)) if near else round(width)

    runs: list[list] = []
    for row in rows:
        mark = label(float(widths[row]))
        if runs and row == runs[-1][1] + 1 and (
                mark == runs[-1][2] or abs(widths[row] - widths[runs[-1][0]]) <= LEVEL_PX):
            runs[-1][1] = row
        else:
            runs.append([row, row, mark])
    merged: list[list] = []
    for run in runs:
        short = run[1] - run[0] + 1 < SUPERSAMPLE
        if merged and merged[-1][1] + 1 == run[0] and (short or run[2] == merged[-1][2]):
            merged[-1][1] = run[1]
        elif (merged and merged[-1][1] + 1 == run[0]
              and merged[-1][1] - merged[-1][0] + 1 < SUPERSAMPLE):
            merged[-1] = [merged[-1][0], run[1], run[2]]  # a short run before: into this one
        else:
            merged.append(list(run))
    return [(first, last, mark) for first, last, mark in merged
            if last - first + 1 >= SUPERSAMPLE]


def _hole_centres(view: View, axis: RevolveAxis, distances: list[float]):
    """The centres of the end view's holes at the given distances from the axis."""
    centres: list[tuple[float, float]] = []
    for prim in view.primitives:
        if not isinstance(prim, Circle) or prim.line_type != "visible":
            continue
        d = math.dist((prim.cx, prim.cy), axis.centre_px)
        if any(abs(d - want) <= 2.0 for want in distances) and not any(
                math.dist((prim.cx, prim.cy), c) <= 2.0 for c in centres):
            centres.append((prim.cx, prim.cy))
    return centres
