# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drawing understanding: raster engineering drawings -> labelled, vectorised views.

``understand`` finds the orthographic views in 1-3 images, names them (front, top, right...),
tells first from third angle, sets sections and pictorials aside, and vectorises each view into
typed lines, arcs and circles with a closed visible profile. ``render_preview`` draws what was
understood over the input. No FreeCAD here.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from .. import errors, plan, runtime
from ..imaging.load import LoadedImage

runtime.add_dependency_paths()  # OpenCV may live in the Addon Manager's package folder

from . import ink as ink_layer  # noqa: E402
from . import preview as preview_layer  # noqa: E402
from .hatch import hatched_loops  # noqa: E402
from .roles import (  # noqa: E402
    Placed,
    assign_by_sizes,
    assign_roles,
    prompt_projection,
    prompt_roles,
    same_column,
    same_row,
    snap_boxes,
)  # noqa: E402
from .segment import Region, find_regions  # noqa: E402
from .vectorize import Frame, vectorise  # noqa: E402

__all__ = ["DrawingResult", "understand", "render_preview"]


@dataclass
class DrawingResult:
    views: list[plan.View] = field(default_factory=list)  # orthographic views first
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)
    # What was set aside per image, for the report and the preview: (image index, kind, box).
    rejected: list[tuple[int, str, tuple[int, int, int, int]]] = field(default_factory=list)
    # Rotation (degrees) applied to straighten each image; boxes refer to the straightened one.
    straightened_deg: list[float] = field(default_factory=list)


class _Clock:
    def __init__(self, timings: dict[str, float], cancel: threading.Event | None):
        self.timings = timings
        self.cancel = cancel
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now
        if self.cancel is not None and self.cancel.is_set():
            raise errors.Cancelled()


def _no_view_error(image: LoadedImage, regions: list[Region]) -> errors.MakistryError:
    kinds = sorted({r.kind for r in regions})
    if not regions:
        why = "no line work with a closed outline was found"
    else:
        why = "no orthographic view with a closed outline was found (only " + ", ".join(
            kinds) + ")"
    return errors.MakistryError(
        errors.IMAGE_PARSE_FAILED,
        f"{image.name}: {why}. Use a drawing with at least one orthographic view drawn in dark "
        "continuous lines on a light background.", source=image.name)


_ORTHO_ORDER = {role: i for i, role in enumerate(plan.ORTHO_ROLES)}


def _view_count(regions: list[Region]) -> tuple[int, int]:
    """How well a reading found the views: those lined up with another view first (a stray
    group of dimension lines read as a view lines up with nothing), then all of them."""
    views = [r for r in regions if r.kind in ("view", "section")]
    aligned = sum(any(other is not view and (same_column(view.box, other.box)
                                             or same_row(view.box, other.box))
                      for other in views) for view in views)
    return aligned, len(views)


def understand(images: list[LoadedImage], prompt: str = "",
               cancel: threading.Event | None = None) -> DrawingResult:
    """Find, name and vectorise the views of 1-3 drawing images."""
    result = DrawingResult()
    clock = _Clock(result.timings_s, cancel)
    hint_roles = [r for r in prompt_roles(prompt) if r in plan.ORTHO_ROLES]
    hint_projection = prompt_projection(prompt)
    per_image: list[tuple[LoadedImage, list[Region], list[Placed], list]] = []
    for index, image in enumerate(images):
        layers = ink_layer.separate(image.name, image.rgb)
        rgb = image.rgb
        skew = layers.skew_deg
        if abs(skew) >= 0.25:
            rgb = ink_layer.straighten(image.rgb, skew)
            layers = ink_layer.separate(image.name, rgb)
            result.warnings.append(
                f"{image.name}: the sheet was turned {abs(skew):.1f} degrees; it was straightened "
                "before reading, and view boxes refer to the straightened image.")
        else:
            skew = 0.0
        result.straightened_deg.append(skew)
        clock.lap("separate")
        regions = find_regions(rgb, layers)
        aligned, found = _view_count(regions)
        if layers.outline is not layers.ink and not (found >= 3 and aligned == found):
            # Heavy lines were taken as the outlines; when that loses views (outlines drawn
            # as thin as the annotation), read all the line work instead. (Three or more
            # views all lined up are a complete reading already.)
            plain = dataclasses.replace(layers, outline=layers.ink,
                                        stroke_width=ink_layer.estimate_stroke_width(layers.ink))
            plain_regions = find_regions(rgb, plain)
            if _view_count(plain_regions) > _view_count(regions):
                layers, regions = plain, plain_regions
        clock.lap("regions")
        candidates = [r for r in regions if r.kind in ("view", "section")]
        if not candidates:
            raise _no_view_error(image, [r for r in regions if r.kind != "text"])
        placed = [Placed(i, r.box, is_section=r.kind == "section")
                  for i, r in enumerate(candidates)]
        per_image.append((image, candidates, placed, layers))
        for region in regions:
            if region.kind not in ("view", "section"):
                result.rejected.append((index, region.kind, region.bbox))

    _name_views(per_image, hint_roles, hint_projection, result.warnings)
    clock.lap("roles")

    views: list[plan.View] = []
    for index, (image, candidates, placed, layers) in enumerate(per_image):
        for spot, region in zip(placed, candidates):
            role = spot.role or "unknown"
            if spot.is_section:
                role = "section"
            frame = Frame(spot.box, (region.bbox[0], region.bbox[1]))
            x, y, w, h = region.bbox
            vec = vectorise(region.ink, region.silhouette, layers.stroke_width, frame,
                            colour=layers.spread[y:y + h, x:x + w] >= ink_layer.MAX_NEUTRAL_SPREAD)
            profiles = [vec.profile]
            if spot.is_section:  # the cut material, for a turned part's revolution
                marks = (layers.paper[y:y + h, x:x + w] == 0) & (region.ink == 0)
                cut = hatched_loops(region.ink, marks, region.silhouette, layers.stroke_width,
                                    frame)
                if cut:
                    profiles.append(plan.Profile(cut, line_type="hatched"))
            views.append(plan.View(
                role=role, image_index=index, box=tuple(int(v) for v in spot.box),
                projection=spot.projection if role in plan.ORTHO_ROLES else None,
                profiles=profiles, primitives=vec.primitives,
                confidence=1.0 if role != "unknown" else 0.3))
            if role == "unknown":
                result.warnings.append(
                    f"{image.name}: a view at {spot.box} lines up with no other view; "
                    "it was not given a role (detail or auxiliary view?).")
            clock.lap("vectorise")
        for i, kind, box in [r for r in result.rejected if r[0] == index]:
            if kind == "pictorial":
                views.append(plan.View(role="pictorial", image_index=i, box=box,
                                       confidence=0.5))
    views.sort(key=lambda v: (v.role not in plan.ORTHO_ROLES,
                              _ORTHO_ORDER.get(v.role, 99), v.image_index))
    roles = [v.role for v in views if v.role in plan.ORTHO_ROLES]
    duplicated = {r for r in roles if roles.count(r) > 1}
    if duplicated:
        result.warnings.append("more than one view was named " + ", ".join(sorted(duplicated))
                               + "; check the prompt or the views' roles.")
    result.views = views
    return result


def _name_views(per_image: list, hint_roles: list[str], hint_projection: str | None,
                warnings: list[str]) -> None:
    """Roles per image from alignment; single-view images from the user, prompt or sizes."""
    single_view_images = [entry for entry in per_image
                          if len([p for p in entry[2] if not p.is_section]) == 1]
    separate = len(per_image) > 1 and len(single_view_images) == len(per_image)
    for entry in per_image:
        image, _candidates, placed, _layers = entry
        if len(placed) > 1 and not separate:
            projection = assign_roles(placed, hint_projection)
            views = [p for p in placed if not p.is_section]
            if any(p.role is None for p in views) and len(views) == 3:
                before = [(p.role, p.projection) for p in views]
                for p in views:
                    p.role = None
                if assign_by_sizes(views):
                    projection = None
                    warnings.append(
                        f"{image.name}: the views do not line up as a projection; front, top and "
                        "right were named from their matching sizes. Check the preview.")
                else:
                    for p, (role, proj) in zip(views, before):
                        p.role, p.projection = role, proj
            snap_boxes(placed)
            if projection is None:
                warnings.append(f"{image.name}: first or third angle could not be told.")
    if not separate:
        # A lone view (a plate) is the front unless the user or the prompt says otherwise.
        for image, _candidates, placed, _layers in per_image:
            if len(placed) == 1:
                chosen = image.role if image.role in plan.ORTHO_ROLES else (
                    hint_roles[0] if hint_roles and len(per_image) == 1 else "front")
                placed[0].role = chosen
                placed[0].projection = hint_projection
        return
    # One view per image: the user's role, else the prompt's roles in order, else sizes.
    taken: set[str] = set()
    hints = list(hint_roles)
    first_box = None
    for image, _candidates, placed, _layers in per_image:
        spot = next(p for p in placed if not p.is_section)
        if image.role in plan.ORTHO_ROLES:
            role = image.role
            if role in hints:
                hints.remove(role)
        elif hints:
            role = hints.pop(0)
        elif not taken:
            role = "front"
        else:
            role = _guess_role_by_size(first_box, spot.box, taken)
            warnings.append(f"{image.name}: no role given; taken as the {role} view from its "
                            "size. Say it in the prompt, e.g. 'front view and right-side view'.")
        if role in taken:
            warnings.append(f"{image.name}: the {role} view was given twice.")
        taken.add(role)
        spot.role = role
        spot.projection = hint_projection
        if first_box is None:
            first_box = spot.box


def _guess_role_by_size(front_box, box, taken: set[str]) -> str:
    """With one view per image and no hint: the same height as the first view means a side
    view, the same width a top view (scales may differ, so compare proportions loosely)."""
    if front_box is not None:
        same_height = abs(box[3] - front_box[3]) <= 0.03 * front_box[3] + 2
        same_width = abs(box[2] - front_box[2]) <= 0.03 * front_box[2] + 2
        if same_height and "right" not in taken:
            return "right"
        if same_width and "top" not in taken:
            return "top"
    for role in ("right", "top", "left", "bottom", "back"):
        if role not in taken:
            return role
    return "unknown"


def render_preview(images: list[LoadedImage], result: DrawingResult) -> list[np.ndarray]:
    """One RGB uint8 image per input: boxes, roles and primitives by line type."""
    previews = []
    for index, image in enumerate(images):
        views = [v for v in result.views if v.image_index == index]
        skew = result.straightened_deg[index] if index < len(result.straightened_deg) else 0.0
        rgb = ink_layer.straighten(image.rgb, skew) if skew else image.rgb
        previews.append(preview_layer.render(rgb, views))
    return previews
