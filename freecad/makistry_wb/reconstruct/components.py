# SPDX-License-Identifier: LGPL-2.1-or-later
"""An assembly drawing's separate components: one set of views per component, each planned.

A component is a separate outer outline in a view (a view of its own on a drawing sheet, where
the drawing layer names only one of them, or one more profile of a photo's view), matched with
its outlines in the other views by projection alignment: its extent along the model axis two
views share lines up between them (X between front and top, Z between front and right, Y
between top and right). Where components overlap in a view (boxes side by side along X are one
outline in the right view), that view gives them nothing their other views do not already bound,
and it is left out for them. The scale is the whole drawing's, and each component is placed
where the drawing shows it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from ..dims.prompt import parse_prompt_sizes
from ..plan import (
    ORTHO_ROLES,
    AssemblyPart,
    AssemblyPlan,
    Circle,
    Line,
    Loop,
    Placement,
    Profile,
    View,
)
from .hull import ROLE_AXES, ScaleInfo, plan_from_views, solve_scale

# Two outlines are one component's when their extents along a shared axis have this share of
# the shorter one in common.
OVERLAP = 0.5
Range = Tuple[float, float]


@dataclass
class Component:
    """One component's views, and its extent along each model axis (pixels from the drawing's
    lowest corner: where it starts is where it is placed)."""

    views: List[View] = field(default_factory=list)
    ranges: Dict[str, Range] = field(default_factory=dict)  # model axis -> pixels


def _moved(prim, dx: float, dy: float):
    if isinstance(prim, Line):
        return dataclasses.replace(prim, x0=prim.x0 + dx, y0=prim.y0 + dy, x1=prim.x1 + dx,
                                   y1=prim.y1 + dy)
    return dataclasses.replace(prim, cx=prim.cx + dx, cy=prim.cy + dy)


def _points(prim) -> list:
    if isinstance(prim, Circle):
        return [(prim.cx - prim.r, prim.cy - prim.r), (prim.cx + prim.r, prim.cy + prim.r)]
    return [prim.start(), prim.end()]


def _sub_view(view: View, profile: Profile) -> View:
    """The part of a view one outline covers, as a view of its own (box and coordinates)."""
    xs, ys = zip(*profile.loops[0].polygon())
    x0, y0 = int(min(xs)), int(min(ys))
    x1, y1 = int(max(xs) + 0.999), int(max(ys) + 0.999)
    bx, by, _bw, bh = view.box
    inside = [_moved(p, -x0, -y0) for p in view.primitives
              if all(x0 - 2 <= x <= x1 + 2 and y0 - 2 <= y <= y1 + 2 for x, y in _points(p))]
    loops = [Loop([_moved(p, -x0, -y0) for p in loop.primitives]) for loop in profile.loops]
    return dataclasses.replace(view, box=(bx + x0, by + bh - y1, x1 - x0, y1 - y0),
                               profiles=[Profile(loops, profile.line_type)], primitives=inside)


def _outlines(view: View) -> list[View]:
    """One view per separate outer outline of ``view``."""
    outlines = [p for p in view.profiles if p.line_type == "visible" and p.loops]
    if len(outlines) <= 1:
        return [view] if outlines else []
    return [_sub_view(view, profile) for profile in outlines]


def _xs(box) -> Range:
    return (box[0], box[0] + box[2])


def _ys(box) -> Range:
    return (box[1], box[1] + box[3])


def _touch(a: Range, b: Range) -> bool:
    return min(a[1], b[1]) > max(a[0], b[0])


def _aligned(a: Range, b: Range) -> bool:
    shorter = min(a[1] - a[0], b[1] - b[0])
    return min(a[1], b[1]) - max(a[0], b[0]) > OVERLAP * max(shorter, 1.0)


def _gap(a, b) -> float:
    return max(0.0, max(a[0], b[0]) - min(a[0] + a[2], b[0] + b[2]),
               max(a[1], b[1]) - min(a[1] + a[3], b[1] + b[3]))


def _role_of(piece: View, anchors: Dict[str, tuple], boxes: list) -> Optional[str]:
    """The role of an outline the drawing layer left unnamed: that of a named view it shares a
    row (or column) with, when it also lines up with that view's column (row) partners as a
    view of that role does. The nearest such view wins."""
    box = piece.box
    others = [b for b in boxes if b is not box]
    found = []
    for role, anchor in anchors.items():
        for along, across in ((_ys, _xs), (_xs, _ys)):  # same row, then same column
            if not _touch(along(box), along(anchor)):
                continue
            partners = [b for r, b in anchors.items() if r != role and _touch(across(b),
                                                                               across(anchor))]
            if partners:
                fits = all(any(_touch(across(box), across(o)) and _touch(along(o), along(p))
                               for o in others) for p in partners)
            else:  # a view with no partner across: nothing lines up with the outline either
                fits = not any(_touch(across(box), across(o)) and not _touch(along(o),
                                                                              along(anchor))
                               for o in others)
            if fits:
                found.append((_gap(box, anchor), role))
    return min(found)[1] if found else None


def _model_ranges(piece: View) -> Dict[str, Range]:
    """The outline's extent along the two model axes its view shows, in pixels whose order is
    the model axis's (image y runs down)."""
    (ax, sx), (ay, sy), _look = ROLE_AXES[piece.role]
    x0, x1 = _xs(piece.box)
    y0, y1 = _ys(piece.box)
    return {ax: (x0, x1) if sx > 0 else (-x1, -x0), ay: (-y1, -y0) if sy > 0 else (y0, y1)}


def _pieces_by_role(views: list[View]) -> Dict[str, list[View]]:
    """Every separate outline of the orthographic views (named or not), by role."""
    anchors: Dict[str, View] = {}
    for view in views:
        if view.role in ORTHO_ROLES and view.profiles and view.role not in anchors:
            anchors[view.role] = view
    pieces: Dict[str, list[View]] = {}
    for role, view in anchors.items():
        pieces[role] = _outlines(view)
    images = {view.image_index for view in anchors.values()}
    for image in images:
        named = {r: v.box for r, v in anchors.items() if v.image_index == image}
        unnamed = [p for v in views if v.image_index == image and v.role == "unknown"
                   for p in _outlines(v)]
        boxes = [p.box for r in named for p in pieces[r]] + [p.box for p in unnamed]
        for piece in unnamed:
            role = _role_of(piece, named, boxes)
            if role is not None:
                pieces[role].append(dataclasses.replace(piece, role=role))
    return pieces


def _relative(pieces: list[View]) -> list[Dict[str, Range]]:
    """Each outline's model ranges, from the lowest corner of all outlines of its role."""
    ranges = [_model_ranges(p) for p in pieces]
    lows = {axis: min(r[axis][0] for r in ranges) for axis in ranges[0]}
    return [{axis: (lo - lows[axis], hi - lows[axis]) for axis, (lo, hi) in r.items()}
            for r in ranges]


def _matches(component: Component, ranges: Dict[str, Range]) -> bool:
    shared = [axis for axis in ranges if axis in component.ranges]
    return bool(shared) and all(_aligned(component.ranges[a], ranges[a]) for a in shared)


def _box_view(role: str, ranges: Dict[str, Range], template: View) -> View:
    """A rectangle standing for a view where this component overlaps others."""
    (ax, _), (ay, _), _look = ROLE_AXES[role]
    w, h = ranges[ax][1] - ranges[ax][0], ranges[ay][1] - ranges[ay][0]
    corners = [(0.0, 0.0), (w, 0.0), (w, h), (0.0, h)]
    loop = Loop([Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)])
    return View(role=role, image_index=template.image_index, box=(0, 0, round(w), round(h)),
                projection=template.projection, profiles=[Profile([loop])])


def split_components(views: list[View]) -> list[Component]:
    """The drawing's components, each with its own views; fewer than two when the drawing
    shows one part (or its outlines cannot be matched across the views)."""
    pieces = _pieces_by_role(views)
    if not pieces:
        return []
    order = sorted(pieces, key=lambda r: (-len(pieces[r]), ORTHO_ROLES.index(r)))
    if len(pieces[order[0]]) < 2:
        return []
    placed = {role: _relative(pieces[role]) for role in order}
    components = [Component([piece], dict(ranges))
                  for piece, ranges in zip(pieces[order[0]], placed[order[0]])]
    shared: Dict[int, list] = {}  # component index -> (role, ranges, outline) it shares
    for role in order[1:]:
        hits = [[i for i, c in enumerate(components) if _matches(c, r)] for r in placed[role]]
        for piece, ranges, found in zip(pieces[role], placed[role], hits):
            alone = len(found) == 1 and sum(found[0] in h for h in hits) == 1
            if alone:
                component = components[found[0]]
                component.views.append(piece)
                for axis, value in ranges.items():
                    component.ranges.setdefault(axis, value)
            for index in found if not alone else ():
                shared.setdefault(index, []).append((role, ranges, piece))
    for index, component in enumerate(components):
        for role, ranges, piece in shared.get(index, []):
            missing = [axis for axis in ranges if axis not in component.ranges]
            if missing:  # only this view shows that extent: its overlapped outline bounds it
                for axis in missing:
                    component.ranges[axis] = ranges[axis]
                component.views.append(_box_view(role, component.ranges, piece))
    # Numbered as read: left to right, then front to back, then bottom to top.
    return sorted(components, key=lambda c: tuple(c.ranges.get(a, (0.0,))[0] for a in "xyz"))


def _union_views(components: list[Component]) -> list[View]:
    """One box per role around all components: the whole drawing's extents, for the scale."""
    spans: Dict[str, list] = {"x": [], "y": [], "z": []}
    for component in components:
        for axis, value in component.ranges.items():
            spans[axis].append(value)
    whole = {axis: (min(v[0] for v in s), max(v[1] for v in s)) for axis, s in spans.items() if s}
    roles = {view.role: view for c in components for view in c.views}
    return [_box_view(role, whole, view) for role, view in roles.items()]


def plan_components(views: list[View], prompt: str = "", name: str = "Part",
                    mm_per_px: Optional[float] = None, printed: list = (),
                    dimension_values: int = 0, warnings: Optional[list] = None,
                    measured: list = (), round_sizes: bool = False
                    ) -> Optional[Tuple[AssemblyPlan, ScaleInfo, List[List[View]]]]:
    """One PartPlan per component at one scale (the whole drawing's), placed where the drawing
    shows it, and each component's views; None when the drawing shows a single component.
    What is said of the whole drawing's scale is added to ``warnings``."""
    components = split_components(views)
    if len(components) < 2:
        return None
    warnings = [] if warnings is None else warnings
    scale, _depth = solve_scale(_union_views(components), prompt, warnings, mm_per_px, (),
                                dimension_values)
    # The prompt's sizes are the whole assembly's; only a thickness applies to each component.
    thickness = " ".join(s.text for s in parse_prompt_sizes(prompt) if s.extent == "thickness")
    assembly = AssemblyPlan(name=name)
    lows = {axis: min(c.ranges[axis][0] for c in components if axis in c.ranges)
            for axis in "xyz" if any(axis in c.ranges for c in components)}
    for number, component in enumerate(components, start=1):
        part, _scale = plan_from_views(component.views, thickness, f"{name}_{number}",
                                       mm_per_px=scale.mm_per_px, printed=printed,
                                       dimension_values=dimension_values,
                                       measured=measured,
                                       # a component's scale is the drawing's: round only
                                       # when that is a real size, not the default guess
                                       round_sizes=round_sizes and scale.source != "default")
        position = tuple((component.ranges[a][0] - lows[a]) * scale.mm_per_px
                         if a in component.ranges else 0.0 for a in "xyz")
        assembly.parts.append(AssemblyPart(part, Placement(position=position)))
    return assembly, scale, [c.views for c in components]
