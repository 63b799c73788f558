# SPDX-License-Identifier: LGPL-2.1-or-later
"""A picture of what was understood: view boxes, roles and the recovered primitives."""

from __future__ import annotations

import cv2
import numpy as np

from .. import plan

# RGB colours by line type, chosen to stand out over black line work.
LINE_COLOURS = {"visible": (230, 30, 30), "hidden": (30, 110, 255), "centre": (0, 170, 60)}
BOX_COLOURS = {"ortho": (255, 140, 0), "section": (170, 0, 200), "other": (140, 140, 140)}


def _to_image(view: plan.View, x: float, y: float) -> tuple[int, int]:
    bx, by, _bw, bh = view.box
    return int(round(x + bx)), int(round(by + bh - y))


def _draw_primitive(canvas: np.ndarray, view: plan.View, prim: plan.Primitive, colour, width: int
                    ) -> None:
    if isinstance(prim, plan.Line):
        cv2.line(canvas, _to_image(view, prim.x0, prim.y0), _to_image(view, prim.x1, prim.y1),
                 colour, width, cv2.LINE_AA)
    elif isinstance(prim, plan.Circle):
        cv2.circle(canvas, _to_image(view, prim.cx, prim.cy), int(round(prim.r)), colour, width,
                   cv2.LINE_AA)
    else:
        steps = max(4, int(prim.sweep_deg() / 4))
        pts = [_to_image(view, *prim.point_at(prim.start_deg + prim.sweep_deg() * i / steps))
               for i in range(steps + 1)]
        cv2.polylines(canvas, [np.array(pts, np.int32)], False, colour, width, cv2.LINE_AA)


def render(rgb: np.ndarray, views: list[plan.View]) -> np.ndarray:
    """The input dimmed, each view's box and role, primitives coloured by line type."""
    canvas = (0.45 * rgb.astype(np.float32) + 0.55 * 255).astype(np.uint8)
    height, width = canvas.shape[:2]
    line_w = max(1, int(round(max(width, height) / 1200)))
    font_scale = max(0.5, max(width, height) / 2000)
    for view in views:
        for prim in view.primitives:
            _draw_primitive(canvas, view, prim, LINE_COLOURS.get(prim.line_type, (0, 0, 0)),
                            line_w)
        if view.profiles and view.profiles[0].loops:
            for loop in view.profiles[0].loops[1:]:
                for prim in loop.primitives:
                    _draw_primitive(canvas, view, prim, (255, 0, 255), line_w + 1)
    for view in views:
        if view.role in plan.ORTHO_ROLES:
            colour = BOX_COLOURS["ortho"]
        elif view.role == "section":
            colour = BOX_COLOURS["section"]
        else:
            colour = BOX_COLOURS["other"]
        x, y, w, h = (int(v) for v in view.box)
        cv2.rectangle(canvas, (x, y), (x + w, y + h), colour, line_w + 1)
        label = view.role
        if view.projection and view.role in plan.ORTHO_ROLES:
            label += f" ({view.projection} angle)"
        label += f" {w}x{h}"
        thickness = max(1, line_w)
        (tw, th), base = cv2.getTextSize(label, cv2.FONT_HERSHEY_SIMPLEX, font_scale, thickness)
        ty = y - 6 if y - th - 8 > 0 else y + h + th + 6
        cv2.rectangle(canvas, (x, ty - th - 4), (x + tw + 6, ty + base), (255, 255, 255), -1)
        cv2.putText(canvas, label, (x + 3, ty), cv2.FONT_HERSHEY_SIMPLEX, font_scale, colour,
                    thickness, cv2.LINE_AA)
    _legend(canvas, font_scale, line_w)
    return canvas


def _legend(canvas: np.ndarray, font_scale: float, line_w: int) -> None:
    x, y = 10, int(30 * font_scale) + 6
    for name, colour in (*LINE_COLOURS.items(), ("hole loop", (255, 0, 255))):
        cv2.line(canvas, (x, y - 6), (x + 40, y - 6), colour, line_w + 1)
        cv2.putText(canvas, name, (x + 48, y), cv2.FONT_HERSHEY_SIMPLEX, font_scale * 0.8,
                    colour, max(1, line_w), cv2.LINE_AA)
        y += int(30 * font_scale) + 4
