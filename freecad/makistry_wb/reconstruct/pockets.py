# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the visual hull cannot see: blind pockets and counterbores.

A face seen inside a view's outline (a region closed by visible lines that is not a see-through
hole) is a floor at some depth when another view shows a line across exactly that face's span at
a level short of the viewer's side: the pocket goes from the viewer's side down to that level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..plan import Circle, Line, Loop, View
from .revolve import circle_of, polygon_loop

# Which side of the part each view's viewer stands on, along the axis it looks along.
VIEWER_SIDE = {"front": -1, "back": 1, "top": 1, "bottom": -1, "right": 1, "left": -1}
MIN_REGION_PX = 60.0  # smaller closed regions are text, arrowheads or line junctions


@dataclass
class Floor:
    view: View
    loop: Loop  # in the view's coordinates
    level_px: float  # model coordinate (pixels) of the floor along the view's axis
    evidence: str


def _rasterise(view: View, line_types: tuple[str, ...], thickness: int) -> np.ndarray:
    import cv2

    w, h = int(math.ceil(view.box[2])) + 3, int(math.ceil(view.box[3])) + 3
    canvas = np.zeros((h, w), np.uint8)

    def px(x, y):
        return int(round(x)) + 1, int(round(h - 2 - y))

    for prim in view.primitives:
        if prim.line_type not in line_types:
            continue
        if isinstance(prim, Line):
            cv2.line(canvas, px(prim.x0, prim.y0), px(prim.x1, prim.y1), 255, thickness)
        elif isinstance(prim, Circle):
            cv2.circle(canvas, px(prim.cx, prim.cy), int(round(prim.r)), 255, thickness)
        else:
            points = Loop([prim]).polygon(arc_step_deg=3.0) + [prim.end()]
            cv2.polylines(canvas, [np.array([px(*p) for p in points], np.int32)], False, 255,
                          thickness)
    return canvas


def face_regions(view: View) -> list[Loop]:
    """Closed regions inside the view's outline bounded by visible lines, except the largest
    (the main face), as loops in view coordinates."""
    import cv2

    lines = _rasterise(view, ("visible",), 3)
    h = lines.shape[0]
    free = (lines == 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    regions = []
    for label in range(1, count):
        x, y, w, hh, area = stats[label]
        touches_border = x == 0 or y == 0 or x + w >= free.shape[1] or y + hh >= h
        if touches_border or area < MIN_REGION_PX:
            continue
        mask = (labels == label).astype(np.uint8)
        mask = cv2.dilate(mask, np.ones((5, 5), np.uint8))  # back to the lines' centres
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        contour = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(float)
        points = [(px - 1.0, h - 2.0 - py) for px, py in contour]
        approx = cv2.approxPolyDP(np.array(points, np.float32), 1.0, True).reshape(-1, 2)
        loop = polygon_loop([tuple(p) for p in approx])
        fit = circle_of(Loop([Line(*points[i], *points[i - 1]) for i in range(len(points))]))
        if fit is not None:
            loop = Loop([Circle(*fit)])
        regions.append((area, loop))
    regions.sort(key=lambda item: -item[0])
    return [loop for _, loop in regions[1:]] if regions else []


def _loop_box(loop: Loop) -> tuple[float, float, float, float]:
    points = loop.polygon()
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _same_as_hole(loop: Loop, view: View, tol: float) -> bool:
    box = _loop_box(loop)
    for hole in view.profiles[0].inner if view.profiles else []:
        other = _loop_box(hole)
        if all(abs(a - b) <= tol for a, b in zip(box, other)):
            return True
    return False


def _model_span(view: View, role_axes: dict, x0: float, y0: float, x1: float, y1: float):
    """A view-coordinate box as {model axis: (low, high)} in model pixels."""
    (ax, sx), (ay, sy), _ = role_axes[view.role]
    xs = sorted(x if sx > 0 else view.box[2] - x for x in (x0, x1))
    ys = sorted(y if sy > 0 else view.box[3] - y for y in (y0, y1))
    return {ax: tuple(xs), ay: tuple(ys)}


def find_floors(views: list[View], role_axes: dict, tol: float = 3.0) -> list[Floor]:
    """Faces inside outlines whose floor level another view shows (see module docstring)."""
    floors = []
    for view in views:
        _, _, look = role_axes[view.role]
        side = VIEWER_SIDE[view.role]
        regions = [r for r in face_regions(view) if not _same_as_hole(r, view, tol)]
        for region in regions:
            span = _model_span(view, role_axes, *_loop_box(region))
            levels = []
            for other in views:
                (ox, osx), (oy, osy), _ = role_axes[other.role]
                if other is view or look not in (ox, oy):
                    continue
                shared = oy if ox == look else ox
                for prim in other.primitives:
                    # A floor inside the material is hidden from the side; a visible one is on
                    # the outline, where the hull has already cut the step.
                    if not isinstance(prim, Line) or prim.line_type != "hidden":
                        continue
                    line_span = _model_span(other, role_axes, prim.x0, prim.y0, prim.x1, prim.y1)
                    low, high = line_span[look]
                    if high - low > tol:
                        continue  # not a line across the shared axis
                    # Dashed lines end anywhere within a dash of the true end.
                    a, b = line_span[shared]
                    lo, hi = span[shared]
                    slack = max(tol, 0.1 * (hi - lo))
                    if lo - tol <= a <= lo + slack and hi - slack <= b <= hi + tol:
                        levels.append(((low + high) / 2, other.role))
            extent = _axis_extent(views, role_axes, look)
            near = extent if side > 0 else 0.0
            inside = [lv for lv in levels if tol < abs(lv[0] - near) < extent - tol]
            if inside:
                level = min(inside, key=lambda lv: abs(lv[0] - near))
                floors.append(Floor(view, region, level[0],
                                    f"{view.role} face, floor from a hidden line in the "
                                    f"{level[1]} view"))
    return floors


def _axis_extent(views: list[View], role_axes: dict, axis: str) -> float:
    sizes = []
    for view in views:
        (ax, _), (ay, _), _ = role_axes[view.role]
        if ax == axis:
            sizes.append(view.box[2])
        if ay == axis:
            sizes.append(view.box[3])
    return float(np.median(sizes)) if sizes else 0.0
