# SPDX-License-Identifier: LGPL-2.1-or-later
"""Faces traced on a raster are put back onto the drawn lines: a rib's sharp wedge keeps its
tip (the strokes fill several pixels of it), so the hidden lines of its whole span match it."""

import pytest

from freecad.makistry_wb.drawing.corners import onto_drawn_lines
from freecad.makistry_wb.plan import Line, Loop, Profile, View
from freecad.makistry_wb.reconstruct.pockets import _loop_box, face_regions


def _rib_view():
    """A front view 200 x 60 px: a lug 40 wide on the left, a plate 20 thick on top, and a
    rib under the plate from the lug's foot (40, 0) up to the plate at (160, 40): an 18 degree
    wedge at its tip."""
    outline = [(0, 0), (40, 0), (160, 40), (200, 40), (200, 60), (0, 60)]
    loop = Loop([Line(*outline[i], *outline[(i + 1) % len(outline)])
                 for i in range(len(outline))])
    inner = [Line(40, 0, 40, 40), Line(40, 40, 160, 40)]
    return View(role="front", box=(0, 0, 200, 60), profiles=[Profile([loop])],
                primitives=list(loop.primitives) + inner)


def test_wedge_face_keeps_its_tip():
    regions = face_regions(_rib_view())
    assert len(regions) == 1
    x0, y0, x1, y1 = _loop_box(regions[0])
    assert (x0, y0, x1, y1) == pytest.approx((40, 0, 160, 40), abs=1.0)
    assert len(regions[0].primitives) == 3


def test_cut_corner_between_two_lines_is_their_meeting_point():
    lines = [Line(0, 0, 100, 0), Line(100, 0, 100, 50)]
    # A traced square whose corner at (100, 0) came out cut, a bit inside the strokes' centres.
    traced = [(0.5, 0.5), (92, 0.5), (99.5, 8), (99.5, 50), (0.5, 50)]
    snapped = onto_drawn_lines(traced, lines)
    assert (100.0, 0.0) in [tuple(round(c, 6) for c in p) for p in snapped]
    assert len(snapped) == 4


def _rect(x0, y0, x1, y1, line_type="visible"):
    return [Line(x0, y0, x1, y0, line_type), Line(x1, y0, x1, y1, line_type),
            Line(x1, y1, x0, y1, line_type), Line(x0, y1, x0, y0, line_type)]


@pytest.mark.parametrize("closing_line", [True, False])
def test_dashed_walls_end_on_the_line_that_closes_them(closing_line):
    """A block 200 x 80 x 60 px, a slot 120 x 20 from the top down to a groove whose top is
    drawn hidden at 20 px across the part: the slot's hidden walls stop a dash short, at 30."""
    from freecad.makistry_wb.reconstruct.hull import ROLE_AXES
    from freecad.makistry_wb.reconstruct.pockets import find_floors

    def view(role, w, h, inner):
        outline = Loop(_rect(0, 0, w, h))
        return View(role=role, box=(0, 0, w, h), profiles=[Profile([outline])],
                    primitives=list(outline.primitives) + inner)

    groove = [Line(0, 20, 200, 20, "hidden")] if closing_line else []
    front = view("front", 200, 60, [Line(40, 60, 40, 30, "hidden"),
                                    Line(160, 60, 160, 30, "hidden")] + groove)
    right = view("right", 80, 60, [Line(30, 60, 30, 30, "hidden"), Line(50, 60, 50, 30, "hidden")]
                 + [Line(0, 20, 80, 20, "hidden")] * closing_line)
    top = view("top", 200, 80, _rect(40, 30, 160, 50))
    floors = find_floors([front, top, right], ROLE_AXES)
    assert len(floors) == 1
    assert floors[0].level_px == pytest.approx(20 if closing_line else 30, abs=0.5)


def test_hub_touching_the_sides_of_its_view_is_centred_its_radius_in_and_its_bore_too():
    """A view 100 x 40 px at 0.5 mm a pixel whose sides are exact (0 and 20 mm across): a hub
    of diameter 20 mm read at (20.9, 20.6) px touching the left side and both long ones, and
    its bore read at (21.3, 20.1): both are centred at (10, 10) mm."""
    from freecad.makistry_wb.plan import Circle
    from freecad.makistry_wb.reconstruct.snap import touching_centre

    def to_sketch(x, y):
        def snap(v, extent):
            return 0.0 if v <= 3 else extent * 0.5 if v >= extent - 3 else v * 0.5
        return snap(x, 100), snap(y, 40)

    hub, bore = Circle(20.9, 20.6, 20.3), Circle(21.3, 20.1, 8.2)
    radius = {id(hub): 10.0, id(bore): 4.0}
    for circle in (hub, bore):
        centre = touching_centre(circle, to_sketch(circle.cx, circle.cy), [hub, bore],
                                 lambda c: radius[id(c)], to_sketch, (100, 40), False)
        assert centre == pytest.approx((10.0, 10.0))
    # A hole in the middle of the view touches nothing and stays where it was read.
    hole = Circle(60.4, 20.2, 6.0)
    assert touching_centre(hole, (30.2, 10.1), [hub, bore, hole], lambda c: 3.0, to_sketch,
                           (100, 40), False) == pytest.approx((30.2, 10.1))


def _arc_through(p, q, r, near):
    """The counter-clockwise arc of radius r from p to q whose centre is nearer ``near``."""
    import math

    from freecad.makistry_wb.plan import Arc

    mx, my = (p[0] + q[0]) / 2, (p[1] + q[1]) / 2
    half = math.dist(p, q) / 2
    ux, uy = (q[0] - p[0]) / (2 * half), (q[1] - p[1]) / (2 * half)
    h = math.sqrt(r * r - half * half)
    centre = min(((mx - s * h * uy, my + s * h * ux) for s in (-1, 1)),
                 key=lambda c: math.dist(c, near))
    a0 = math.degrees(math.atan2(p[1] - centre[1], p[0] - centre[0])) % 360
    a1 = math.degrees(math.atan2(q[1] - centre[1], q[0] - centre[0])) % 360
    return Arc(centre[0], centre[1], r, a0, a1)


def test_round_between_two_lines_is_a_fillet_of_its_exact_radius():
    from freecad.makistry_wb.reconstruct.snap import tangent_arcs

    arc = _arc_through((50.0, 0.0), (60.3, 10.3), 10.3, (50, 10))
    loop = [Line(0, 0, 50, 0), arc, Line(60.3, 10.3, 60.3, 40), Line(60.3, 40, 0, 40),
            Line(0, 40, 0, 0)]
    out = tangent_arcs(loop, lambda r: 10.0)
    fillet = out[1]
    assert (fillet.cx, fillet.cy, fillet.r) == pytest.approx((50.3, 10.0, 10.0))
    assert out[0].end() == pytest.approx((50.3, 0.0)) and fillet.start() == pytest.approx(
        (50.3, 0.0))
    assert out[2].start() == pytest.approx((60.3, 10.0)) and fillet.end() == pytest.approx(
        (60.3, 10.0))


def test_lobe_read_short_of_its_tangent_point_is_tangent_at_its_printed_radius():
    """ttt-ppp0108's corner lobes: R33 tangent to the plate's side x = 31 and meeting the edge
    y = 14 at a corner; read ending at (31, 30), 3 mm short of where it leaves the side, with
    a radius 33.2, it bulged 0.4 mm past the side."""
    from freecad.makistry_wb.reconstruct.snap import tangent_arcs

    lobe = _arc_through((31.0, 30.0), (91.0, 14.0), 33.2, (64, 33))
    loop = [Line(31, 85, 31, 30), lobe, Line(91, 14, 159, 14), Line(159, 14, 159, 85),
            Line(159, 85, 31, 85)]
    out = tangent_arcs(loop, lambda r: 33.0)
    assert (out[1].cx, out[1].cy, out[1].r) == pytest.approx((64.0, 14 + (33**2 - 27**2) ** 0.5,
                                                              33.0))
    assert out[0].end() == pytest.approx((31.0, out[1].cy))
    assert out[1].end() == pytest.approx((91.0, 14.0)) and out[2] == loop[2]


def _filleted_boss_views():
    """A plate 100 x 60 x 10 with a boss of diameter 30, 20 high, rounded R3 into the plate,
    at 4 px/mm; the rounds read as arcs the other way round from the outline's chain."""
    from freecad.makistry_wb.plan import Arc, Circle

    s = 4.0

    def side_view(role, length, mid):
        a, b = mid - 15, mid + 15
        prims = [Line(0, 0, length, 0), Line(length, 0, length, 10), Line(length, 10, b + 3, 10),
                 Arc(b + 3, 13, 3, 180, 270), Line(b, 13, b, 30), Line(b, 30, a, 30),
                 Line(a, 30, a, 13), Arc(a - 3, 13, 3, 270, 360), Line(a - 3, 10, 0, 10),
                 Line(0, 10, 0, 0)]
        scaled = []
        for p in prims:
            if isinstance(p, Arc):
                scaled.append(Arc(p.cx * s, p.cy * s, p.r * s, p.start_deg, p.end_deg))
            else:
                scaled.append(Line(p.x0 * s, p.y0 * s, p.x1 * s, p.y1 * s))
        return View(role=role, box=(0, 0, length * s, 30 * s), profiles=[Profile([Loop(scaled)])],
                    primitives=scaled)

    front, right = side_view("front", 100, 50), side_view("right", 60, 30)
    plate = Loop(_rect(0, 0, 100 * s, 60 * s))
    top = View(role="top", box=(0, 0, 100 * s, 60 * s), profiles=[Profile([plate])],
               primitives=list(plate.primitives) + [Circle(50 * s, 30 * s, 15 * s)])
    return [front, top, right]


def test_round_at_the_foot_of_a_boss_is_the_boss_s_not_the_level_around_it():
    """The rounds rise from the plate to the boss's wall: the boss stands on the plate (10),
    not on the rounds' tops (13), and the round's radius is the drawn one."""
    from freecad.makistry_wb.reconstruct.hull import ROLE_AXES
    from freecad.makistry_wb.reconstruct.pockets import round_bosses

    bosses = round_bosses(_filleted_boss_views(), ROLE_AXES)
    assert len(bosses) == 1 and bosses[0].level_px == pytest.approx(40, abs=0.5)
    assert bosses[0].foot_px == pytest.approx(12, abs=0.01)


def test_round_at_the_foot_of_a_boss_runs_round_it(doc):
    """Built: the plate, the round boss and the R3 round turned about the boss's axis (section
    9 (1 - pi / 4) mm^2, its centroid 15 + 3 (10 - 3 pi) / (12 - 3 pi) from the axis)."""
    import math

    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.reconstruct import plan_from_views

    plan, _ = plan_from_views(_filleted_boss_views(), prompt="100 mm long")
    assert sum(f.name.startswith("FootRound") for f in plan.features) == 1
    shape = build_body(plan, doc).Shape
    assert shape.isValid() and len(shape.Solids) == 1
    section = 9 * (1 - math.pi / 4)
    centroid = 15 + 3 * (10 - 3 * math.pi) / (12 - 3 * math.pi)
    expected = 100 * 60 * 10 + math.pi * 15**2 * 20 + 2 * math.pi * centroid * section
    assert shape.Volume == pytest.approx(expected, rel=5e-4)
    box = shape.optimalBoundingBox()
    assert (box.XLength, box.YLength, box.ZLength) == pytest.approx((100, 60, 30), abs=1e-3)
