# SPDX-License-Identifier: LGPL-2.1-or-later
"""Orthographic projections of a solid with FreeCAD's hidden-line removal, headless.

``TechDraw.projectEx(shape, direction)`` returns ``[V, V1, VN, VO, VI, H, H1, HN, HO, HI]``:
visible and hidden sharp edges (V, H), smooth edges (V1, H1), sewn edges (VN, HN), outlines
such as cylinder silhouettes (VO, HO) and iso-lines (VI, HI), as 2-D edges in the plane z = 0.
Looking along +Z its x is model X and its y model Y, so each view first turns the solid so that
the view's right / up / towards-the-viewer axes become X / Y / Z.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import FreeCAD as App

# View role -> (right, up, towards the viewer) in model axes; see plan.py's coordinates.
VIEW_AXES = {
    "front": ((1, 0, 0), (0, 0, 1), (0, -1, 0)),
    "back": ((-1, 0, 0), (0, 0, 1), (0, 1, 0)),
    "top": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "bottom": ((1, 0, 0), (0, -1, 0), (0, 0, -1)),
    "right": ((0, 1, 0), (0, 0, 1), (1, 0, 0)),
    "left": ((0, -1, 0), (0, 0, 1), (-1, 0, 0)),
}


@dataclass
class ViewLines:
    """One projected view in millimetres (x right, y up): polylines by line type."""

    role: str
    visible: list = field(default_factory=list)
    hidden: list = field(default_factory=list)
    centre: list = field(default_factory=list)  # drawn by a renderer; projection leaves it empty
    circles: list = field(default_factory=list)  # (cx, cy, r) of full visible circles
    box: tuple = (0.0, 0.0, 0.0, 0.0)  # xmin, ymin, xmax, ymax of visible and hidden lines

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


def view_matrix(role: str):
    right, up, toward = VIEW_AXES[role]
    m = App.Matrix()
    m.A11, m.A12, m.A13 = right
    m.A21, m.A22, m.A23 = up
    m.A31, m.A32, m.A33 = toward
    return m


def _edge_points(edge, step_mm: float) -> list[tuple[float, float]]:
    if edge.Curve.TypeId in ("Part::GeomLine", "Part::GeomLineSegment"):
        points = [edge.Vertexes[0].Point, edge.Vertexes[-1].Point]
    else:
        points = edge.discretize(Number=max(8, min(400, int(edge.Length / step_mm))))
    return [(p.x, p.y) for p in points]


def _polylines(compound, step_mm: float) -> list[list[tuple[float, float]]]:
    if compound is None or compound.isNull():
        return []
    return [_edge_points(e, step_mm) for e in compound.Edges if e.Length > 1e-6]


def project(shape, role: str, step_mm: float = 0.5) -> ViewLines:
    """Visible and hidden lines of ``shape`` seen as ``role`` (front, top, right, ...)."""
    import TechDraw

    turned = shape.copy()
    turned.transformShape(view_matrix(role))
    result = TechDraw.projectEx(turned, App.Vector(0, 0, 1))
    view = ViewLines(role)
    view.visible = _polylines(result[0], step_mm) + _polylines(result[3], step_mm)
    view.hidden = _polylines(result[5], step_mm) + _polylines(result[8], step_mm)
    for compound in (result[0], result[3]):
        if compound is not None and not compound.isNull():
            for edge in compound.Edges:
                if edge.Curve.TypeId == "Part::GeomCircle" and edge.isClosed():
                    centre = edge.Curve.Center
                    view.circles.append((centre.x, centre.y, edge.Curve.Radius))
    xs = [p[0] for line in view.visible + view.hidden for p in line]
    ys = [p[1] for line in view.visible + view.hidden for p in line]
    if xs:
        view.box = (min(xs), min(ys), max(xs), max(ys))
    return view
