# SPDX-License-Identifier: LGPL-2.1-or-later
"""Orthographic drawings of a solid, headless: FreeCAD's hidden-line removal, drawn with Pillow.

``TechDraw.projectEx(shape, direction)`` returns ``[V, V1, VN, VO, VI, H, H1, HN, HO, HI]``:
visible and hidden sharp edges (V, H), smooth/tangent edges (V1, H1), sewn edges (VN, HN),
outlines such as cylinder silhouettes (VO, HO) and iso-lines (VI, HI), as 2-D edges in the plane
z = 0. Looking along (0, 0, 1) its x is model X and its y is model Y, so each view first rotates
the solid so that the view's right / up / towards-viewer axes become X / Y / Z.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFont

from benchmarks.annotate import FONT_PATH
from benchmarks.parts import V  # imports FreeCAD and puts its Mod folders on sys.path
from freecad.makistry_wb.cad.projection import ViewLines, view_matrix
from freecad.makistry_wb.cad.projection import project as project_lines

DASH_HIDDEN = (12, 6)
DASH_CENTRE = (26, 5, 5, 5)


def _cylinder_axes(shape) -> list[tuple]:
    """Axes of (nearly) full cylindrical surfaces: holes, bores, bosses, revolved parts.

    Returns (point, direction, radius, t0, t1) with the extent t0..t1 along the axis.
    """
    groups: dict = {}
    for face in shape.Faces:
        surf = face.Surface
        if surf.TypeId not in ("Part::GeomCylinder", "Part::GeomCone"):
            continue
        axis = V(surf.Axis).normalize()
        centre = V(surf.Center if surf.TypeId == "Part::GeomCylinder" else surf.Apex)
        # Canonical axis: sign and the point of the line nearest the origin.
        for comp in (axis.x, axis.y, axis.z):
            if abs(comp) > 1e-9:
                if comp < 0:
                    axis = -axis
                break
        foot = centre - axis * centre.dot(axis)
        key = (round(axis.x, 3), round(axis.y, 3), round(axis.z, 3),
               round(foot.x, 2), round(foot.y, 2), round(foot.z, 2))
        u0, u1 = face.ParameterRange[:2]
        ts = [(v.Point - foot).dot(axis) for v in face.Vertexes] or [0.0]
        bb = face.BoundBox
        for corner in ((bb.XMin, bb.YMin, bb.ZMin), (bb.XMax, bb.YMax, bb.ZMax)):
            ts.append((V(*corner) - foot).dot(axis))
        radius = getattr(surf, "Radius", 0.0) or face.BoundBox.DiagonalLength / 4
        g = groups.setdefault(key, {"foot": foot, "axis": axis, "runs": []})
        g["runs"].append([min(ts), max(ts), abs(u1 - u0), radius])
    axes = []
    for g in groups.values():
        # Coaxial faces that touch along the axis are one feature (a stepped shaft, a
        # counterbored hole); two holes in opposite walls are two, each with its own line.
        merged: list = []
        for t0, t1, span, radius in sorted(g["runs"]):
            if merged and t0 <= merged[-1][1] + 1e-3:
                last = merged[-1]
                last[1], last[2], last[3] = max(last[1], t1), last[2] + span, max(last[3], radius)
            else:
                merged.append([t0, t1, span, radius])
        for t0, t1, span, radius in merged:
            if span >= math.radians(300):  # else a fillet or partial round: no centre line
                axes.append((g["foot"], g["axis"], radius, t0, t1))
    return axes


def project(shape, role: str) -> ViewLines:
    """Visible, hidden and centre lines of ``shape`` seen as ``role`` (front, top, right...):
    the engine's own projection (cad/projection.py) plus the centre lines a drawing adds."""
    view = project_lines(shape, role)
    m = view_matrix(role)
    overshoot = 3.0
    for foot, axis, radius, t0, t1 in _cylinder_axes(shape):
        a = m.multiply(axis)
        p = m.multiply(foot)
        if abs(a.z) > 0.99:  # axis towards the viewer: a centre mark
            cx, cy, arm = p.x, p.y, radius + overshoot
            view.centre.append([(cx - arm, cy), (cx + arm, cy)])
            view.centre.append([(cx, cy - arm), (cx, cy + arm)])
        elif abs(a.z) < 0.01:  # axis in the drawing plane: a centre line along it
            s = p + a * (t0 - overshoot)
            e = p + a * (t1 + overshoot)
            view.centre.append([(s.x, s.y), (e.x, e.y)])
    return view


# --------------------------------------------------------------------------- drawing


def _dashed(draw: ImageDraw.ImageDraw, pts, pattern, width: int, fill=0) -> None:
    """A polyline drawn with a dash pattern (on, off, on, off ... in pixels) that runs on
    across its vertices, as a plotter would draw it."""
    idx, left, on = 0, pattern[0], True
    for (x0, y0), (x1, y1) in zip(pts, pts[1:]):
        seg = math.hypot(x1 - x0, y1 - y0)
        pos = 0.0
        while pos < seg - 1e-9:
            step = min(left, seg - pos)
            if on:
                a = pos / seg
                b = (pos + step) / seg
                draw.line([(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a),
                           (x0 + (x1 - x0) * b, y0 + (y1 - y0) * b)], fill=fill, width=width)
            pos += step
            left -= step
            if left <= 1e-9:
                idx = (idx + 1) % len(pattern)
                left, on = pattern[idx], idx % 2 == 0


@dataclass
class Sheet:
    """Options of one drawing sheet."""

    size: tuple = (1600, 1100)
    projection: str = "third"  # or "first"
    dimensions: bool = False
    border: bool = False
    title: str | None = None  # a title block when set
    line_px: int = 3
    views: tuple = ("front", "top", "right")


def _layout(views: dict, projection: str, gap: float) -> dict:
    """Lower-left corner of each view in sheet millimetres (y up)."""
    front, top, right = views["front"], views["top"], views["right"]
    pos = {}
    if projection == "third":
        pos["front"] = (0.0, 0.0)
        pos["top"] = (0.0, front.height + gap)
        pos["right"] = (front.width + gap, 0.0)
    else:  # first angle: the top view below the front, the right-side view on its left
        pos["right"] = (0.0, top.height + gap)
        pos["front"] = (right.width + gap, top.height + gap)
        pos["top"] = (right.width + gap, 0.0)
    return pos


def render_sheet(shape, out_path: str | None = None, sheet: Sheet | None = None,
                 views: dict | None = None, boxes_out: dict | None = None) -> Image.Image:
    """A three-view drawing of ``shape`` as a grey-scale PIL image (and a file when asked).

    ``boxes_out``, when given, receives each view's pixel box (x0, y0, x1, y1)."""
    sheet = sheet or Sheet()
    views = views or {role: project(shape, role) for role in ("front", "top", "right")}
    extent = max(max(v.width, v.height) for v in views.values())
    dim_room = 0.22 * extent if sheet.dimensions else 0.0
    gap = 0.22 * extent + dim_room
    pos = _layout(views, sheet.projection, gap)
    total_w = max(pos[r][0] + views[r].width for r in pos)
    total_h = max(pos[r][1] + views[r].height for r in pos)
    width_px, height_px = sheet.size
    margin = 0.07 * min(width_px, height_px) + (25 if sheet.border else 0)
    title_h = 0.11 * height_px if sheet.title else 0.0
    avail_w = width_px - 2 * margin - 2 * dim_room
    avail_h = height_px - 2 * margin - title_h - 2 * dim_room
    scale = min(avail_w / (total_w + 2 * dim_room), avail_h / (total_h + 2 * dim_room))
    scale = min(avail_w / total_w, avail_h / total_h) if not sheet.dimensions else scale
    off_x = (width_px - total_w * scale) / 2
    off_y = (height_px - title_h - total_h * scale) / 2 + total_h * scale  # baseline (y down)

    def to_px(role, x, y):
        v = views[role]
        px = off_x + (pos[role][0] + (x - v.box[0])) * scale
        py = off_y - (pos[role][1] + (y - v.box[1])) * scale
        return (px, py)

    if boxes_out is not None:
        for role, v in views.items():
            (x0, y1), (x1, y0) = to_px(role, v.box[0], v.box[1]), to_px(role, v.box[2], v.box[3])
            boxes_out[role] = (x0, y0, x1, y1)
    img = Image.new("L", (width_px, height_px), 255)
    draw = ImageDraw.Draw(img)
    lw = sheet.line_px
    for role, v in views.items():
        for line in v.centre:
            _dashed(draw, [to_px(role, *p) for p in line], DASH_CENTRE, max(1, lw // 3))
        for line in v.hidden:
            _dashed(draw, [to_px(role, *p) for p in line], DASH_HIDDEN, max(1, lw - 1))
        for line in v.visible:
            draw.line([to_px(role, *p) for p in line], fill=0, width=lw, joint="curve")
    if sheet.dimensions:
        from benchmarks.annotate import dimension_views

        dimension_views(draw, views, to_px, scale, lw)
    if sheet.border:
        draw.rectangle([20, 20, width_px - 21, height_px - 21], outline=0, width=lw)
    if sheet.title:
        _title_block(draw, sheet, scale)
    if out_path:
        img.save(out_path, optimize=True)
    return img


def _title_block(draw: ImageDraw.ImageDraw, sheet: Sheet, scale: float) -> None:
    width_px, height_px = sheet.size
    bw, bh = int(0.3 * width_px), int(0.09 * height_px)
    x1, y1 = width_px - 30, height_px - 30
    x0, y0 = x1 - bw, y1 - bh
    draw.rectangle([x0, y0, x1, y1], outline=0, width=2)
    draw.line([x0, y0 + bh // 2, x1, y0 + bh // 2], fill=0, width=1)
    draw.line([x0 + bw // 2, y0 + bh // 2, x0 + bw // 2, y1], fill=0, width=1)
    font = ImageFont.truetype(FONT_PATH, max(12, bh // 4))
    small = ImageFont.truetype(FONT_PATH, max(10, bh // 6))
    draw.text((x0 + 10, y0 + 6), sheet.title, fill=0, font=font)
    angle = "THIRD ANGLE" if sheet.projection == "third" else "FIRST ANGLE"
    draw.text((x0 + 10, y0 + bh // 2 + 8), f"{angle} PROJECTION", fill=0, font=small)
    draw.text((x0 + bw // 2 + 10, y0 + bh // 2 + 8), "UNITS: mm", fill=0, font=small)
