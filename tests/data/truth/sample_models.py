# SPDX-License-Identifier: LGPL-2.1-or-later
"""Solids modelled by hand from the real sample drawings (../shared/samples), to score the
engine's shape on them (IoU after scale normalisation). Each function returns a Part solid in
millimetres: +X along the front view's width, +Y its depth, +Z up, the part's minimum corner at
the origin. Their volumes match the drawings' published masses (see test_samples_truth.py)."""

import math

import FreeCAD as App
import Part

V = App.Vector


def _stadium(x0, x1, y_centre, width, z0, height):
    """A straight slot with round ends from x0 to x1 (end to end), along X."""
    r = width / 2
    core = Part.makeBox(x1 - x0 - width, width, height, V(x0 + r, y_centre - r, z0))
    ends = [Part.makeCylinder(r, height, V(x, y_centre, z0)) for x in (x0 + r, x1 - r)]
    return core.fuse(ends)


def _corner_round(x, y, sx, sy, radius, z0, z1):
    """The material a vertical round of ``radius`` removes at the corner (x, y) whose solid lies
    towards (sx, sy) (each +1 or -1), from z0 to z1. (OCC's makeFillet would roll on along
    tangent edges; the drawing rounds only the straight corner.)"""
    box = Part.makeBox(radius, radius, z1 - z0,
                       V(x if sx > 0 else x - radius, y if sy > 0 else y - radius, z0))
    return box.cut(Part.makeCylinder(radius, z1 - z0, V(x + sx * radius, y + sy * radius, z0)))


def bearing_bracket():
    """ttt-ppp0101: base 115 x 50 x 15 with a dovetail groove and a 12 mm slot, two lugs
    12 thick with R26 tops, Ø24 through holes counterbored Ø34 x 4 from outside."""
    base = Part.makeBox(115, 50, 15)
    # Dovetail along X under the base: 18 wide at the bottom, walls at 60 degrees, 8 deep.
    lean = 8 / math.tan(math.radians(60))
    groove = Part.Face(Part.makePolygon([V(0, 16, 0), V(0, 34, 0), V(0, 34 + lean, 8),
                                         V(0, 16 - lean, 8), V(0, 16, 0)])).extrude(V(115, 0, 0))
    base = base.cut(groove).cut(_stadium(15, 105, 25, 12, 0, 15))
    # Lug profile in XZ: up the left face, R26 over the top, down, R9 fillet into the base.
    arc = Part.Arc(V(52, 0, 42), V(26, 0, 68), V(0, 0, 42))
    fillet = Part.Arc(V(61, 0, 15), V(61 - 9 * math.cos(math.radians(45)), 0,
                                      24 - 9 * math.sin(math.radians(45))), V(52, 0, 24))
    wire = Part.Wire([Part.LineSegment(V(0, 0, 15), V(61, 0, 15)).toShape(), fillet.toShape(),
                      Part.LineSegment(V(52, 0, 24), V(52, 0, 42)).toShape(), arc.toShape(),
                      Part.LineSegment(V(0, 0, 42), V(0, 0, 15)).toShape()])
    lug = Part.Face(wire).extrude(V(0, 12, 0))
    part = base.fuse([lug, lug.translated(V(0, 38, 0))]).removeSplitter()
    for y0, outer in ((0, 0), (38, 46)):
        part = part.cut(Part.makeCylinder(12, 12, V(26, y0, 42), V(0, 1, 0)))
        part = part.cut(Part.makeCylinder(17, 4, V(26, outer, 42), V(0, 1, 0)))
    # R6 (4) places: the corners of the outline in the top view, up the lugs at the left.
    rounds = [_corner_round(0, 0, 1, 1, 6, 0, 42), _corner_round(0, 50, 1, -1, 6, 0, 42),
              _corner_round(115, 0, -1, 1, 6, 0, 15), _corner_round(115, 50, -1, -1, 6, 0, 15)]
    return part.cut(rounds).removeSplitter()


MODELS = {"ttt-ppp0101.png": bearing_bracket}
