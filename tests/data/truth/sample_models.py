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


def _line(start, end):
    return Part.LineSegment(start, end).toShape()


def tie_plate():
    """ttt-ppp0108: a 16 thick plate on two lugs hanging below it, symmetric about X and Y.
    Plate outline: 188 wide (X) with straight sides; the four corners are R33 lobes that reach
    190 in Y; between the lobes the edge is straight at 162 (sharp corners, no round there).
    Lobe and Ø29 hole centres: 61 from the Y centreline (R33 lobes tangent to the 188 sides)
    and 62 from the X centreline (190/2 - 33); Ø84 hole in the middle; all THRU.
    Lugs: 250 overall, Ø11 THRU holes (along Y) 222 apart and 14 in from each end, 14 above
    the lug bottom; each lug 40 long (the right-hand 40 in the front view), 20 wide (Y, side
    view), 30 high with its bottom 35 below the plate top (so its top is 5 under it).
    Ribs: one triangle per lug in the front view, 8 thick (Y, top view), from the lug's inner
    face at the lug bottom up to the plate's underside 40 further in (the left-hand 40)."""
    x_mid, y_mid = 125, 95
    plate_z, plate_t = 19, 16
    lobe_centres = [V(x_mid + sx * 61, y_mid + sy * 62, plate_z)
                    for sx in (-1, 1) for sy in (-1, 1)]
    plate = Part.makeBox(188, 124, plate_t, V(x_mid - 94, y_mid - 62, plate_z)).fuse(
        [Part.makeBox(122, 162, plate_t, V(x_mid - 61, y_mid - 81, plate_z))]
        + [Part.makeCylinder(33, plate_t, centre) for centre in lobe_centres])
    holes = [Part.makeCylinder(14.5, plate_t, centre) for centre in lobe_centres]
    holes.append(Part.makeCylinder(42, plate_t, V(x_mid, y_mid, plate_z)))
    lugs_and_ribs = []
    for side in (-1, 1):
        inner_x, lug_x0 = x_mid + side * 85, x_mid + (85 if side > 0 else -125)
        lugs_and_ribs.append(Part.makeBox(40, 20, 30, V(lug_x0, y_mid - 10, 0)))
        rib = Part.Face(Part.makePolygon([V(inner_x, y_mid - 4, 0), V(inner_x, y_mid - 4, plate_z),
                                          V(inner_x - side * 40, y_mid - 4, plate_z),
                                          V(inner_x, y_mid - 4, 0)]))
        lugs_and_ribs.append(rib.extrude(V(0, 8, 0)))
    part = plate.fuse(lugs_and_ribs).cut(holes)
    for side in (-1, 1):
        part = part.cut(Part.makeCylinder(5.5, 20, V(x_mid + side * 111, y_mid - 10, 14),
                                          V(0, 1, 0)))
    return part.removeSplitter()


def angle_bracket():
    """ttt-ppp0104: a round hub on the left, an arm 7 thick running right into a leg 10 thick
    that goes down to the bottom, 38 wide (Y) throughout.
    Hub: (Ø38) x 20 high, tangent to the left end (axis 19 in); Ø26 boss 8 high on top of it
    (51 overall: 21 from the boss top to the arm top, 30 from there to the leg bottom); Ø16 THRU.
    Arm: top at 30, bottom at 23 level with the hub's bottom (7), from the hub to the leg.
    Leg: 10 thick at the right end (80 overall), from the arm top to the bottom; bends R10
    outside, R5 inside.
    R4: the concave round between the arm top and the hub wall (the grey tangent arc at radius
    23 in the top view), cut off by the arm's sides where they run tangent to the hub.
    Slot up the leg from the bottom (side view): R6 (12 wide) through the leg, widened to R9
    (18 wide) 5 deep from the outer face (top view); both arcs centred 8 up (17 - 9)."""
    diagonal = math.cos(math.radians(45))
    profile = [_line(V(19, 0, 23), V(65, 0, 23)),
               Part.Arc(V(65, 0, 23), V(65 + 5 * diagonal, 0, 18 + 5 * diagonal),
                        V(70, 0, 18)).toShape(),
               _line(V(70, 0, 18), V(70, 0, 0)), _line(V(70, 0, 0), V(80, 0, 0)),
               _line(V(80, 0, 0), V(80, 0, 20)),
               Part.Arc(V(80, 0, 20), V(70 + 10 * diagonal, 0, 20 + 10 * diagonal),
                        V(70, 0, 30)).toShape(),
               _line(V(70, 0, 30), V(19, 0, 30)), _line(V(19, 0, 30), V(19, 0, 23))]
    arm_and_leg = Part.Face(Part.Wire(profile)).extrude(V(0, 38, 0))
    hub = Part.makeCylinder(19, 20, V(19, 19, 23))
    boss = Part.makeCylinder(13, 8, V(19, 19, 43))
    # The R4 round's section (wall at radius 19, arm top at z 30) swept round the hub axis.
    round_section = [_line(V(38, 19, 30), V(42, 19, 30)),
                     Part.Arc(V(42, 19, 30), V(42 - 4 * diagonal, 19, 34 - 4 * diagonal),
                              V(38, 19, 34)).toShape(),
                     _line(V(38, 19, 34), V(38, 19, 30))]
    ring = Part.Face(Part.Wire(round_section)).revolve(V(19, 19, 0), V(0, 0, 1), 360)
    hub_round = ring.common(Part.makeBox(61, 38, 4, V(19, 0, 30)))
    part = arm_and_leg.fuse([hub, boss, hub_round]).cut(Part.makeCylinder(8, 28, V(19, 19, 23)))
    for x0, radius in ((70, 6), (75, 9)):
        slot = Part.makeBox(80 - x0, 2 * radius, 8, V(x0, 19 - radius, 0)).fuse(
            Part.makeCylinder(radius, 80 - x0, V(x0, 19, 8), V(1, 0, 0)))
        part = part.cut(slot)
    return part.removeSplitter()


MODELS = {"ttt-ppp0101.png": bearing_bracket, "ttt-ppp0104.png": angle_bracket,
          "ttt-ppp0108.png": tie_plate}
