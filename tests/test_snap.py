# SPDX-License-Identifier: LGPL-2.1-or-later
"""Faces traced on a raster are put back onto the drawn lines: a rib's sharp wedge keeps its
tip (the strokes fill several pixels of it), so the hidden lines of its whole span match it."""

import pytest

from freecad.makistry_wb.plan import Line, Loop, Profile, View
from freecad.makistry_wb.reconstruct.pockets import _loop_box, face_regions
from freecad.makistry_wb.reconstruct.snap import onto_drawn_lines


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
