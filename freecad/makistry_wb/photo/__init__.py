# SPDX-License-Identifier: LGPL-2.1-or-later
"""Photos and hand sketches.

``understand_photos`` turns 1-3 photos of a part on a plain light background into the same
``DrawingResult`` the drawing layer gives (one view per photo: the silhouette as the outer loop,
see-through holes as inner loops), so the reconstruction extrudes or intersects them unchanged.
``clean_sketch`` redraws a pencil sketch as clean straight line work for the drawing layer.
No FreeCAD here.
"""

from __future__ import annotations

import math
import threading
import time

from .. import errors, plan, runtime
from ..drawing import DrawingResult
from ..drawing.roles import prompt_roles
from ..imaging.load import LoadedImage

runtime.add_dependency_paths()  # OpenCV may live in the Addon Manager's package folder

from .outline import (  # noqa: E402
    component_profiles,
    flat_shade_levels,
    horizontal_share,
    view_from_contours,
)
from .segment import segment  # noqa: E402
from .sketch import add_sketch_holes, clean_sketch  # noqa: E402

__all__ = ["understand_photos", "clean_sketch", "add_sketch_holes"]

_DEFAULT_ORDER = ("front", "top", "right")


def _roles(images: list[LoadedImage], prompt: str, warnings: list[str]) -> list[str]:
    """Each photo's role: the user's, else the prompt's in order, else front, top, right."""
    hints = [r for r in prompt_roles(prompt) if r in plan.ORTHO_ROLES]
    given = [img.role for img in images if img.role in plan.ORTHO_ROLES]
    hints = [r for r in hints if r not in given]
    taken: set[str] = set(given)
    roles = []
    for image in images:
        if image.role in plan.ORTHO_ROLES:
            role = image.role
        elif hints:
            role = hints.pop(0)
        else:
            role = next((r for r in _DEFAULT_ORDER + plan.ORTHO_ROLES if r not in taken),
                        "unknown")
            if len(images) > 1:
                warnings.append(f"{image.name}: no view named for this photo; taken as the "
                                f"{role} view. Say it in the prompt, e.g. 'front, top and "
                                "right-side photos'.")
        if role in roles:
            warnings.append(f"{image.name}: the {role} view was given twice.")
        taken.add(role)
        roles.append(role)
    return roles


# The model axes each view's x and y show (as the reconstruction reads them).
_VIEW_AXES = {"front": ("x", "z"), "back": ("x", "z"), "top": ("x", "y"), "bottom": ("x", "y"),
              "right": ("y", "z"), "left": ("y", "z")}


def _extent(view: plan.View, axis: str) -> float | None:
    ax, ay = _VIEW_AXES[view.role]
    if axis == ax:
        return float(view.box[2])
    if axis == ay:
        return float(view.box[3])
    return None


def _scale_view(view: plan.View, factor: float) -> None:
    """Scale a view's coordinates (and its box's size) by ``factor``, keeping its place."""
    for profile in view.profiles:
        for loop in profile.loops:
            for prim in loop.primitives:
                _scale_primitive(prim, factor)
    seen = {id(p) for pr in view.profiles for lp in pr.loops for p in lp.primitives}
    for prim in view.primitives:
        if id(prim) not in seen:
            _scale_primitive(prim, factor)
    x, y, w, h = view.box
    view.box = (x, y, max(1, int(round(w * factor))), max(1, int(round(h * factor))))


def _scale_primitive(prim: plan.Primitive, factor: float) -> None:
    if isinstance(prim, plan.Line):
        prim.x0, prim.y0, prim.x1, prim.y1 = (v * factor for v in
                                              (prim.x0, prim.y0, prim.x1, prim.y1))
    else:
        prim.cx, prim.cy, prim.r = prim.cx * factor, prim.cy * factor, prim.r * factor


def normalise_scales(views: list[plan.View], warnings: list[str]) -> None:
    """Bring photos taken at different distances to the first view's scale by matching the
    extents that two views share (front and top both show the width, and so on)."""
    ortho = [v for v in views if v.role in plan.ORTHO_ROLES]
    if len(ortho) < 2:
        return
    done = [ortho[0]]
    todo = ortho[1:]
    changed = []
    while todo:
        progress = False
        for view in list(todo):
            ratios = []
            for ref in done:
                for axis in "xyz":
                    mine, theirs = _extent(view, axis), _extent(ref, axis)
                    if mine and theirs:
                        ratios.append(theirs / mine)
            if not ratios:
                continue
            factor = math.exp(sum(math.log(r) for r in ratios) / len(ratios))
            if len(ratios) > 1 and max(ratios) / min(ratios) > 1.1:
                warnings.append(f"the {view.role} photo does not agree with the others on the "
                                "part's proportions (more than 10% apart); check the views' "
                                "roles.")
            if abs(factor - 1.0) > 0.005:
                _scale_view(view, factor)
                changed.append(view.role)
            todo.remove(view)
            done.append(view)
            progress = True
        if not progress:
            break
    if changed:
        warnings.append("the photos were taken at different scales; the " + ", ".join(changed)
                        + " view(s) were scaled to match the " + ortho[0].role
                        + " view on the extents they share.")


def understand_photos(images: list[LoadedImage], prompt: str = "",
                      cancel: threading.Event | None = None) -> DrawingResult:
    """Silhouette views of 1-3 photos of one part (or up to three separate components)."""
    result = DrawingResult()
    start = time.perf_counter()
    roles = _roles(images, prompt, result.warnings)
    for index, (image, role) in enumerate(zip(images, roles)):
        if cancel is not None and cancel.is_set():
            raise errors.Cancelled()
        seg = segment(image.name, image.rgb)
        result.warnings.extend(seg.warnings)
        view = view_from_contours(seg.outers[0], seg.holes[0], role, index, image.name)
        if len(seg.outers) > 1:
            view.profiles += component_profiles(seg.outers[1:], seg.holes[1:], view, image.name)
            result.warnings.append(
                f"{image.name}: {len(seg.outers)} separate objects were found; the largest is "
                "the part (the others are kept as further profiles for assembly mode).")
        if flat_shade_levels(seg.shade, seg.mask) >= 2 and horizontal_share(
                view.profiles[0].loops[0]) < 0.15:
            result.warnings.append(
                f"{image.name}: the photo looks taken at an angle (several faces show at once). "
                "Its outline was used as a straight-on view, so the shape is only roughly "
                "right. For an accurate part, photograph it straight from the front (and the "
                "top and side).")
            view.confidence = 0.3
        result.views.append(view)
    normalise_scales(result.views, result.warnings)
    result.timings_s["photo"] = time.perf_counter() - start
    return result
