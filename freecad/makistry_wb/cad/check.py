# SPDX-License-Identifier: LGPL-2.1-or-later
"""Does the solid explain the drawing? Project it back into every view and compare the lines.

Per view: precision (how much of the projected solid's lines lie on lines that were read),
recall (how much of what was read the solid explains) and their harmonic mean, the agreement.
"""

from __future__ import annotations

import numpy as np

from ..plan import Circle, Line, Loop, View
from .projection import project

TOLERANCE_PX = 3.0


def _draw_polyline(canvas, points, height: int) -> None:
    import cv2

    pts = np.array([(x + 2, height - 3 - y) for x, y in points], np.float64)
    cv2.polylines(canvas, [np.round(pts).astype(np.int32)], False, 255, 1)


def read_lines_mask(view: View, size: tuple[int, int]) -> np.ndarray:
    """The view's visible and hidden lines as read from the drawing (centre lines left out)."""
    width, height = size
    canvas = np.zeros((height, width), np.uint8)
    for prim in view.primitives:
        if prim.line_type == "centre":
            continue
        if isinstance(prim, Line):
            points = [prim.start(), prim.end()]
        elif isinstance(prim, Circle):
            points = Loop([prim]).polygon(arc_step_deg=3.0)
            points.append(points[0])
        else:
            points = Loop([prim]).polygon(arc_step_deg=3.0) + [prim.end()]
        _draw_polyline(canvas, points, height)
    return canvas


def projected_mask(shape, view: View, mm_per_px: float, size: tuple[int, int]) -> np.ndarray:
    width, height = size
    lines = project(shape, view.role, step_mm=max(0.05, 2 * mm_per_px))
    canvas = np.zeros((height, width), np.uint8)
    x0, y0 = lines.box[0], lines.box[1]
    for polyline in lines.visible + lines.hidden:
        _draw_polyline(canvas, [((x - x0) / mm_per_px, (y - y0) / mm_per_px)
                                for x, y in polyline], height)
    return canvas


def _covered(source: np.ndarray, target: np.ndarray, tolerance: float) -> float:
    """Fraction of ``source`` pixels within ``tolerance`` of a ``target`` pixel."""
    import cv2

    if not source.any():
        return 0.0
    distance = cv2.distanceTransform((target == 0).astype(np.uint8), cv2.DIST_L2, 3)
    return float((distance[source > 0] <= tolerance).mean())


def view_agreement(shape, view: View, mm_per_px: float) -> dict[str, float]:
    size = (int(np.ceil(view.box[2])) + 5, int(np.ceil(view.box[3])) + 5)
    read = read_lines_mask(view, size)
    built = projected_mask(shape, view, mm_per_px, size)
    precision = _covered(built, read, TOLERANCE_PX)
    recall = _covered(read, built, TOLERANCE_PX)
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"score": round(score, 4), "precision": round(precision, 4),
            "recall": round(recall, 4)}


def agreement(shape, views: list[View], mm_per_px: float) -> dict[str, dict[str, float]]:
    """Agreement of ``shape`` with each orthographic view that has lines."""
    from .projection import VIEW_AXES

    return {view.role: view_agreement(shape, view, mm_per_px)
            for view in views if view.role in VIEW_AXES and view.primitives}
