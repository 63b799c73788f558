# SPDX-License-Identifier: LGPL-2.1-or-later
"""Dimension annotations on a rendered sheet: extension lines, dimension lines with arrows,
values in DejaVu Sans; diameter callouts (``2X Ø8 THRU``) with leaders."""

from __future__ import annotations

import math
from collections import Counter

from PIL import ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _fmt(value: float) -> str:
    return f"{round(value, 1):g}"


def _arrow(draw: ImageDraw.ImageDraw, tip, direction, size: float) -> None:
    dx, dy = direction
    n = math.hypot(dx, dy) or 1.0
    dx, dy = dx / n, dy / n
    back = (tip[0] - dx * size, tip[1] - dy * size)
    side = (-dy * size * 0.3, dx * size * 0.3)
    draw.polygon([tip, (back[0] + side[0], back[1] + side[1]),
                  (back[0] - side[0], back[1] - side[1])], fill=0)


def _text_box(draw, text, font):
    x0, y0, x1, y1 = draw.textbbox((0, 0), text, font=font)
    return x1 - x0, y1 - y0


def linear(draw, p0, p1, offset_px: float, text: str, font, lw: int = 1) -> None:
    """A horizontal or vertical dimension between pixel points p0 and p1, its line
    ``offset_px`` away (sign picks the side), text centred on the line, always horizontal."""
    horizontal = abs(p1[1] - p0[1]) < abs(p1[0] - p0[0])
    gap, over, arrow = 4, 8, 14
    if horizontal:
        y = max(p0[1], p1[1]) + offset_px if offset_px > 0 else min(p0[1], p1[1]) + offset_px
        sgn = 1 if offset_px > 0 else -1
        for p in (p0, p1):
            draw.line([(p[0], p[1] + sgn * gap), (p[0], y + sgn * over)], fill=0, width=lw)
        a, b = (p0[0], y), (p1[0], y)
        draw.line([a, b], fill=0, width=lw)
        _arrow(draw, a, (a[0] - b[0], 0), arrow)
        _arrow(draw, b, (b[0] - a[0], 0), arrow)
        tw, th = _text_box(draw, text, font)
        tx, ty = (a[0] + b[0]) / 2 - tw / 2, y - th - 8
        draw.rectangle([tx - 2, ty, tx + tw + 2, ty + th + 4], fill=255)
        draw.text((tx, ty - 2), text, fill=0, font=font)
    else:
        x = max(p0[0], p1[0]) + offset_px if offset_px > 0 else min(p0[0], p1[0]) + offset_px
        sgn = 1 if offset_px > 0 else -1
        for p in (p0, p1):
            draw.line([(p[0] + sgn * gap, p[1]), (x + sgn * over, p[1])], fill=0, width=lw)
        a, b = (x, p0[1]), (x, p1[1])
        draw.line([a, b], fill=0, width=lw)
        _arrow(draw, a, (0, a[1] - b[1]), arrow)
        _arrow(draw, b, (0, b[1] - a[1]), arrow)
        tw, th = _text_box(draw, text, font)
        tx = x - tw - 6 if offset_px < 0 else x + 6
        ty = (a[1] + b[1]) / 2 - th / 2
        draw.rectangle([tx - 2, ty - 2, tx + tw + 2, ty + th + 4], fill=255)
        draw.text((tx, ty - 2), text, fill=0, font=font)


def diameter_callout(draw, centre_px, radius_px, text, font, lw: int = 1,
                     angle_deg: float = 45.0, reach: float = 40.0) -> None:
    """A leader from a circle's edge at ``angle_deg`` outwards to a shoulder and the text."""
    a = math.radians(angle_deg)
    ux, uy = math.cos(a), -math.sin(a)
    edge = (centre_px[0] + radius_px * ux, centre_px[1] + radius_px * uy)
    knee = (edge[0] + reach * ux, edge[1] + reach * uy)
    side = 1 if ux >= 0 else -1
    end = (knee[0] + 20 * side, knee[1])
    tw, th = _text_box(draw, text, font)
    draw.line([edge, knee, end], fill=0, width=lw)
    _arrow(draw, edge, (edge[0] - knee[0], edge[1] - knee[1]), 12)
    tx = end[0] + 4 if side > 0 else end[0] - 4 - tw
    draw.rectangle([tx - 2, end[1] - th / 2 - 4, tx + tw + 4, end[1] + th / 2 + 4], fill=255)
    draw.text((tx, end[1] - th / 2 - 4), text, fill=0, font=font)


def dimension_views(draw: ImageDraw.ImageDraw, views: dict, to_px, scale: float,
                    lw: int) -> None:
    """Overall size in each view, and a callout per distinct circle diameter."""
    font = ImageFont.truetype(FONT_PATH, 22)
    off = 45
    front, top = views["front"], views["top"]

    def corner(role, x, y):
        return to_px(role, x, y)

    fx0, fy0, fx1, fy1 = front.box
    linear(draw, corner("front", fx0, fy0), corner("front", fx1, fy0), off,
           _fmt(fx1 - fx0), font)
    linear(draw, corner("front", fx0, fy0), corner("front", fx0, fy1), -off,
           _fmt(fy1 - fy0), font)
    tx0, ty0, tx1, ty1 = top.box
    linear(draw, corner("top", tx0, ty0), corner("top", tx0, ty1), -off, _fmt(ty1 - ty0), font)
    # Intermediate heights (steps, leg thickness) on the right of the front view.
    levels = sorted({round(p[1], 3) for line in front.visible for p in line
                     if abs(line[0][1] - line[-1][1]) < 1e-6 and len(line) == 2})
    inner = [y for y in levels if fy0 + 1e-3 < y < fy1 - 1e-3][:2]
    for i, y in enumerate(inner):
        linear(draw, corner("front", fx1, fy0), corner("front", fx1, y), off * (1 + i),
               _fmt(y - fy0), font)
    _hole_location(draw, views, to_px, font, off)
    for role in ("top", "front", "right"):
        circles = _without_chamfer_rings(views[role].circles)
        counts = Counter(round(2 * r, 2) for _, _, r in circles)
        placed = set()
        for cx, cy, r in circles:
            d = round(2 * r, 2)
            if d in placed:
                continue
            placed.add(d)
            n = counts[d]
            text = (f"{n}X " if n > 1 else "") + f"Ø{_fmt(d)}"
            px = to_px(role, cx, cy)
            k = len(placed) - 1
            diameter_callout(draw, px, r * scale, text, font,
                             angle_deg=(45, -40, 25, -60, 65, -20)[k % 6], reach=40 + 25 * k)
        if placed:
            break  # diameters once, in the first view that shows circles


def _hole_location(draw, views: dict, to_px, font, off: float) -> None:
    """Position of the hole nearest the view's lower-left corner, from the left and bottom
    edges, in the first view that shows holes end-on (dimensions above and right of it)."""
    for role in ("top", "front", "right"):
        view = views[role]
        holes = [c for c in view.circles if c[2] < 0.45 * min(view.width, view.height)]
        if not holes:
            continue
        x0, y0, x1, y1 = view.box
        cx, cy, _ = min(holes, key=lambda c: (c[0] - x0) + (c[1] - y0))
        if cx - x0 > 1e-3:
            linear(draw, to_px(role, x0, y1), to_px(role, cx, y1), -off, _fmt(cx - x0), font)
        if cy - y0 > 1e-3:  # left of the overall size, which sits at -off
            linear(draw, to_px(role, x0, y0), to_px(role, x0, cy), -2.2 * off, _fmt(cy - y0),
                   font)
        return


def _without_chamfer_rings(circles: list) -> list:
    """Drop a circle that hugs a larger concentric one (the inner edge of a chamfer)."""
    kept = []
    for cx, cy, r in circles:
        ring = any(math.hypot(cx - ox, cy - oy) < 1e-3 and r < orad <= r * 1.08 + 0.5
                   for ox, oy, orad in circles)
        if not ring:
            kept.append((cx, cy, r))
    return kept
