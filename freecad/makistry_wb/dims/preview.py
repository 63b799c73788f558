# SPDX-License-Identifier: LGPL-2.1-or-later
"""Show what was read: each value beside the geometry it was linked to, and a report list."""

from __future__ import annotations

import numpy as np

from .. import plan

_LINKED = (0, 150, 0)  # RGB
_UNUSED = (220, 0, 0)
_GEOMETRY = (255, 140, 0)


def describe(dims: list[plan.Dimension], views: list[plan.View], used: list[plan.Dimension]
             ) -> list[dict]:
    """One entry per value read, for the job report: what it says and what it measures."""
    used_ids = {id(d) for d in used}
    entries = []
    for dim in dims:
        view = views[dim.view_index] if dim.view_index is not None else None
        if id(dim) in used_ids:
            status = "used"
        elif dim.kind == "angle":
            status = "angle"
        elif dim.refs and _measured(dim, views):
            status = "conflict"
        elif dim.refs:
            status = "linked"  # to geometry that gives it no size (an arc drawn as lines)
        else:
            status = "unlinked"
        entries.append({
            "text": dim.text.replace("\n", " "), "value": dim.value, "unit": dim.unit,
            "kind": dim.kind, "count": dim.count, "flags": list(dim.flags),
            "tolerance": list(dim.tolerance) if dim.tolerance else None,
            "view": view.role if view is not None else None, "axis": dim.axis,
            "refs": list(dim.refs), "status": status, "confidence": dim.confidence,
        })
    return entries


def _measured(dim: plan.Dimension, views: list[plan.View]) -> bool:
    from . import _pixels

    return _pixels(dim, views) is not None


def _primitive_points(view: plan.View, index: int) -> list[tuple[int, int]]:
    prim = view.primitives[index]
    bx, by, _bw, bh = view.box
    if isinstance(prim, plan.Line):
        pts = [prim.start(), prim.end()]
    elif isinstance(prim, plan.Arc):
        pts = [prim.point_at(prim.start_deg + prim.sweep_deg() * i / 24) for i in range(25)]
    else:
        pts = [(prim.cx + prim.r * np.cos(a), prim.cy + prim.r * np.sin(a))
               for a in np.linspace(0, 2 * np.pi, 49)]
    return [(int(round(bx + x)), int(round(by + bh - y))) for x, y in pts]


def draw(rgb: np.ndarray, image_index: int, dims: list[plan.Dimension],
         views: list[plan.View], used: list[plan.Dimension]) -> np.ndarray:
    """A copy of the image with each value's box, its linked primitives and a line between."""
    import cv2

    out = np.ascontiguousarray(rgb.copy())
    used_ids = {id(d) for d in used}
    for dim in dims:
        view = views[dim.view_index] if dim.view_index is not None else None
        if dim.text_box is None or (view is not None and view.image_index != image_index):
            continue
        x, y, w, h = dim.text_box
        colour = _LINKED if id(dim) in used_ids else _UNUSED
        cv2.rectangle(out, (x, y), (x + w, y + h), colour, 2)
        label = f"{dim.value:g}" + (f" {dim.axis}" if dim.axis else "") + (
            " deg" if dim.kind == "angle" else "")
        cv2.putText(out, label, (x, max(12, y - 4)), cv2.FONT_HERSHEY_SIMPLEX, 0.6, colour, 2)
        if view is None:
            continue
        anchor = None
        for index in dim.refs:
            if index >= len(view.primitives):
                continue
            points = _primitive_points(view, index)
            cv2.polylines(out, [np.array(points, np.int32)], False, _GEOMETRY, 3)
            anchor = anchor or points[len(points) // 2]
        if anchor is not None:
            cv2.line(out, (x + w // 2, y + h // 2), anchor, colour, 1, cv2.LINE_AA)
    return out
