# SPDX-License-Identifier: LGPL-2.1-or-later
"""Round ends: a long part whose ends are its cross-section turned half a turn (a stadium in
plan), such as a cap, a handle or a rounded cover, drawn in a side view and an end view only.

The two views do not show the plan, and their visual hull makes square-cornered ends. The ends
are read as round when the end view's profile is a dome (it falls away towards both sides over
much of its height, symmetric about its centre line), the side view's two ends are exactly that
profile's halves, each as long as half the end view's width, and its middle is flat at the
profile's height: a part rounded the same way along its sides and round its ends. Any view of
the plan (looking along the height) overrules this: its outline is then drawn.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..plan import Arc, Feature, Line, Loop, View
from .pockets import _model_outline
from .revolve import _crossings, is_symmetric

STATIONS = 24
# The end view's profile at 90 % of its half width must be this much lower than its top.
DOME_DROP = 0.25
MATCH_SHARE = 0.04  # of the height: how closely the side view's ends follow the profile
MATCH_PX = 3.0


@dataclass
class RoundEnds:
    side: View  # shows the length: its ends are the profile's halves
    end: View  # shows the profile across the part
    length_axis: str  # model axis along the part (the side view's x)
    across_axis: str  # model axis across it (the end view's x)
    height_axis: str  # shared by both views (their y)


def _tops(points, stations) -> list[tuple[float, float] | None]:
    """(lowest, highest) of the outline at each station along x, or None where it misses."""
    found = []
    for station in stations:
        hits = _crossings(points, 0, station)
        found.append((min(hits), max(hits)) if len(hits) >= 2 else None)
    return found


def find_round_ends(views: list[View], role_axes: dict, along) -> RoundEnds | None:
    """The side and end views of a part with round ends (see module docstring), or None.
    ``along(axis)`` is the scale (mm per pixel) along a model axis."""
    if len(views) != 2 or any(not v.profiles or not v.profiles[0].loops for v in views):
        return None
    axes = [role_axes[v.role] for v in views]
    (x0, _), (y0, _), _ = axes[0]
    (x1, _), (y1, _), _ = axes[1]
    if y0 != y1 or x0 == x1:
        return None
    height = y0
    outlines = [_model_outline(v, role_axes) for v in views]
    mm = [[(x * along(ax), y * along(ay)) for x, y in pts] for ax, ay, pts in outlines]
    widths = [max(p[0] for p in m) - min(p[0] for p in m) for m in mm]
    side_index = 0 if widths[0] > widths[1] else 1
    side, end = mm[side_index], mm[1 - side_index]
    length, width = widths[side_index], widths[1 - side_index]
    tops = [max(p[1] for p in m) for m in mm]
    top = max(tops)
    tol = max(MATCH_SHARE * top, MATCH_PX * along(height))
    if length <= width + tol or abs(tops[0] - tops[1]) > tol:
        return None
    # The end view: a dome, symmetric about its centre line, one span at every height.
    e0 = min(p[0] for p in end)
    centre = e0 + width / 2
    if not is_symmetric(end, 0, centre, width):
        return None
    half = width / 2
    reach = _tops(end, [centre + half * 0.9, centre - half * 0.9])
    if any(r is None or r[1] > top - DOME_DROP * top for r in reach):
        return None
    bottom = min(p[1] for p in end)
    for i in range(1, STATIONS):
        level = bottom + (top - bottom) * i / STATIONS
        hits = _crossings(end, 1, level)
        if len(hits) != 2 or not min(hits) < centre < max(hits):
            return None
    # The side view: the profile's halves at its ends, flat at the top between them.
    s0 = min(p[0] for p in side)
    offsets = [half * (i + 0.5) / STATIONS for i in range(STATIONS)]
    plus = _tops(end, [centre + d for d in offsets])
    minus = _tops(end, [centre - d for d in offsets])
    left = _tops(side, [s0 + half - d for d in offsets])
    right = _tops(side, [s0 + length - half + d for d in offsets])
    for a, b, got_a, got_b in zip(plus, minus, left, right):
        if None in (a, b, got_a, got_b):
            return None
        expect = (a[1] + b[1]) / 2
        if abs(got_a[1] - expect) > tol or abs(got_b[1] - expect) > tol:
            return None
        if abs(got_a[0] - bottom) > tol or abs(got_b[0] - bottom) > tol:
            return None
    middle = _tops(side, [s0 + half + (length - width) * (i + 0.5) / STATIONS
                          for i in range(STATIONS)])
    if any(m is None or abs(m[1] - top) > tol or abs(m[0] - bottom) > tol for m in middle):
        return None
    sides = [views[side_index], views[1 - side_index]]
    return RoundEnds(sides[0], sides[1], axes[side_index][0][0], axes[1 - side_index][0][0],
                     height)


def half_loop(loop: Loop, centre: float) -> Loop:
    """The part of ``loop`` (view coordinates) right of the line x = ``centre``, arcs kept
    as arcs, closed along that line."""
    pieces = []
    for prim in loop.primitives:
        if isinstance(prim, Line):
            a, b = prim.start(), prim.end()
            if a[0] < centre and b[0] < centre:
                continue
            if a[0] < centre or b[0] < centre:
                t = (centre - a[0]) / (b[0] - a[0])
                m = (centre, a[1] + t * (b[1] - a[1]))
                a, b = (m, b) if a[0] < centre else (a, m)
            if math.dist(a, b) > 1e-9:
                pieces.append(Line(*a, *b, prim.line_type))
        elif isinstance(prim, Arc):
            cuts = [0.0, prim.sweep_deg()]
            ratio = (centre - prim.cx) / prim.r
            if -1.0 < ratio < 1.0:
                crossing = math.degrees(math.acos(ratio))
                cuts += [rel for rel in ((crossing - prim.start_deg) % 360.0,
                                         (-crossing - prim.start_deg) % 360.0)
                         if 0.0 < rel < prim.sweep_deg()]
            cuts.sort()
            for a0, a1 in zip(cuts, cuts[1:]):
                mid = math.radians(prim.start_deg + (a0 + a1) / 2)
                if a1 - a0 > 1e-6 and prim.cx + prim.r * math.cos(mid) >= centre:
                    pieces.append(Arc(prim.cx, prim.cy, prim.r, (prim.start_deg + a0) % 360.0,
                                      (prim.start_deg + a1) % 360.0, prim.line_type))
    on_axis = [p[1] for prim in pieces for p in (prim.start(), prim.end())
               if abs(p[0] - centre) < 1e-6]
    if len(on_axis) >= 2:
        pieces.append(Line(centre, min(on_axis), centre, max(on_axis)))
    return Loop(pieces)


def _revolved(view: View, loop: Loop, scale, offset: float, name: str, operation: str,
              evidence: list[str], toward: str) -> Feature:
    """The half of ``loop`` (view coordinates) on one side of the view's centre line, turned
    half a turn about that line towards ``toward`` (e.g. "+x"), in a sketch ``offset`` mm
    along the view's axis."""
    from .hull import _hold_on_axis, _sketch_for_loops, _ViewMapping

    mapping = _ViewMapping(view, scale)
    xs = [p[0] for p in view.profiles[0].loops[0].polygon()]
    centre = (min(xs) + max(xs)) / 2
    sketch = _sketch_for_loops([half_loop(loop, centre)], mapping, "", square=False)
    sketch.offset = offset
    axis = mapping.primitive(Line(centre, -view.box[3], centre, 2 * view.box[3]))
    index = len(sketch.geometry)
    sketch.construction.append(index)
    sketch.geometry.append(axis)
    _hold_on_axis(sketch, index)
    return Feature(name=name, operation=operation, sketch=sketch,
                   params={"angle": 180.0, "toward": toward}, evidence=evidence)


def round_end_features(ends: RoundEnds, scale, inner=None, thickness_mm: float = 0.0,
                       shell_evidence: str = "") -> list[Feature]:
    """The part as the end view's profile padded along the middle and turned about both
    ends' centre lines; with ``inner`` (the end view's inner outline, view coordinates) the
    cavity is cut the same way."""
    from .hull import _sketch_for_loops, _ViewMapping

    view = ends.end
    mapping = _ViewMapping(view, scale)
    width = scale.extents_mm[ends.across_axis]
    length = scale.extents_mm[ends.length_axis]
    why = [f"{ends.side.role} view's ends are the {view.role} view's profile, halved"]
    sketch = _sketch_for_loops(view.profiles[0].loops[:1], mapping, "")
    sketch.offset = width / 2
    features = [Feature(name="Middle", operation="pad", sketch=sketch,
                        params={"length": length - width, "direction": f"+{ends.length_axis}"},
                        evidence=[f"{view.role} view outline"])]
    outline = view.profiles[0].loops[0]
    turns = ((width / 2, f"-{ends.length_axis}"), (length - width / 2, f"+{ends.length_axis}"))
    for number, (offset, toward) in enumerate(turns, start=1):
        features.append(_revolved(view, outline, scale, offset, f"RoundEnd{number}",
                                  "revolution", why, toward))
    if inner is None:
        return features
    sketch = _sketch_for_loops([inner], mapping, "cavity_", square=False)
    sketch.offset = width / 2
    evidence = [shell_evidence, f"wall {thickness_mm:.1f} mm"]
    features.append(Feature(name="Cavity", operation="pocket", sketch=sketch,
                            params={"length": length - width,
                                    "direction": f"+{ends.length_axis}"}, evidence=evidence))
    for number, (offset, toward) in enumerate(turns, start=1):
        features.append(_revolved(view, inner, scale, offset, f"CavityEnd{number}", "groove",
                                  evidence, toward))
    return features
