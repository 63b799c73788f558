# SPDX-License-Identifier: LGPL-2.1-or-later
"""A printed angle sets the slopes it measures: a dovetail 8 mm deep is read over a few dozen
pixels, its 60 degrees exactly (ttt-ppp0101's groove came out 2 g heavy without it)."""

import math

import pytest

from freecad.makistry_wb.drawing.corners import onto_drawn_lines
from freecad.makistry_wb.plan import Line
from freecad.makistry_wb.reconstruct.levels import AxisLevels, Span
from freecad.makistry_wb.reconstruct.snap import at_printed_angles

LEAN = 8 / math.tan(math.radians(60))  # how far a 60 degree flank 8 deep leans


def _loop(points):
    return [Line(*points[i], *points[(i + 1) % len(points)]) for i in range(len(points))]


def _groove_profile(top_left, top_right):
    """The end of a bar 50 x 15 with a dovetail under it (sketch mm): 16 to 34 wide at the
    bottom, 8 deep, its top corners where they were read."""
    return _loop([(0, 0), (16, 0), (top_left, 8), (top_right, 8), (34, 0), (50, 0), (50, 15),
                  (0, 15)])


def test_flanks_read_near_a_printed_angle_are_set_to_it():
    profile = _groove_profile(12.0, 38.5)
    # The bottom corners lie on printed levels and the part's bottom; the top ones on
    # rounded levels (see AxisLevels.rank): the top ends move.
    ranks = [(4, 3), (3, 1), (1, 1), (1, 3), (3, 4), (4, 4), (4, 4), (4, 4)]
    out, done = at_printed_angles(profile, ranks, [60.0])
    assert done == [1, 3]
    assert out[1].end() == pytest.approx((16 - LEAN, 8))
    assert out[3].start() == pytest.approx((34 + LEAN, 8))
    # The groove's top follows its corners; nothing else moves.
    assert [*out[2].start(), *out[2].end()] == pytest.approx([16 - LEAN, 8, 34 + LEAN, 8])
    assert [p.start() for p in out[4:]] == [p.start() for p in profile[4:]]
    slope = math.degrees(math.atan2(out[1].y1 - out[1].y0, out[1].x1 - out[1].x0))
    assert slope == pytest.approx(120.0)


def test_angles_are_not_forced_where_they_do_not_fit_or_nothing_says_which_end_is_exact():
    profile = _groove_profile(12.0, 38.5)
    ranks = [(4, 3), (3, 1), (1, 1), (1, 3), (3, 4), (4, 4), (4, 4), (4, 4)]
    assert at_printed_angles(profile, ranks, [45.0])[1] == []  # 63 degrees as read
    tied = [(4, 3), (3, 3), (3, 3), (3, 3), (3, 4), (4, 4), (4, 4), (4, 4)]
    assert at_printed_angles(profile, tied, [60.0])[1] == []
    # Measured from upright (30 degrees) it is the same flank.
    assert at_printed_angles(profile, ranks, [30.0])[1] == [1, 3]


def test_a_dovetails_cut_corners_go_back_where_its_drawn_lines_meet():
    """Strokes close up the 60 degree tips of the groove: the traced outline cuts them with
    short jags. Square corners stay as traced (a drawn line may lie a pixel off them)."""
    drawn = _loop([(0, 0), (16, 0), (16 - LEAN, 8), (34 + LEAN, 8), (34, 0), (50, 0), (50, 15),
                   (0, 15)])
    scale = 6.0  # px per mm
    drawn = [Line(p.x0 * scale, p.y0 * scale, p.x1 * scale, p.y1 * scale) for p in drawn]
    traced = [(0.5, -0.5), (94.0, -0.5), (94.0, 3.5), (71.0, 43.5), (72.0, 48.0), (228.0, 48.0),
              (229.0, 43.5), (206.0, 3.5), (206.0, -0.5), (299.5, -0.5), (299.5, 89.5),
              (0.5, 89.5)]
    snapped = onto_drawn_lines(traced, drawn, cut_only=True)
    assert len(snapped) == 8
    corners = {(round(x / scale, 2), round(y / scale, 2)) for x, y in snapped}
    assert {(16.0, 0.0), (round(16 - LEAN, 2), 8.0), (round(34 + LEAN, 2), 8.0),
            (34.0, 0.0)} <= corners
    for square in ((0.5, -0.5), (299.5, -0.5), (299.5, 89.5), (0.5, 89.5)):
        assert square in snapped


def test_a_reading_a_pixel_past_a_printed_level_is_on_it():
    """An outline corner 1.6 px off the printed value's extension line (both read 16) goes
    onto the printed level and is as exact as it."""
    k = 0.17  # mm per px
    levels = AxisLevels([15.91] * 5 + [16.18], 50.0, 50.0, k, [Span(0.0, 15.91, 16.0)],
                        grid=0.5)
    assert levels(16.18) == pytest.approx(16.0)
    assert levels.rank(16.18) == levels.rank(15.91) == 1
    assert levels.rank(0.0) == 2
    assert levels.rank(30.0) == -1  # between levels
    # Rounding alike is not enough: levels 2 px apart, neither printed, stay two.
    apart = AxisLevels([10.9, 11.25], 50.0, 50.0, k, grid=0.5)
    assert apart(10.9) == pytest.approx(11.0) and apart(11.25) != pytest.approx(11.0)


def test_a_printed_angle_links_to_the_flank_beside_its_text():
    """A side view 300 x 90 px at (1000, 500) on the sheet: "60°" lettered under the right
    flank links to it; "45°" fits neither flank; "30°" (from upright) fits both."""
    from freecad.makistry_wb.dims.link import _link_angle
    from freecad.makistry_wb.plan import Dimension, Loop, Profile, View

    scale = 6.0
    outline = [Line(p.x0 * scale, p.y0 * scale, p.x1 * scale, p.y1 * scale)
               for p in _groove_profile(16 - LEAN, 34 + LEAN)]
    view = View(role="right", box=(1000, 500, 300, 90), profiles=[Profile([Loop(outline)])],
                primitives=outline)
    # Under the view's bottom edge (sheet y 590), below the right flank's foot (x 204 px).
    text = (1000 + 215, 600, 40, 20)
    sixty = Dimension(60.0, "deg", "angle", "60°", view_index=0, text_box=text)
    _link_angle(sixty, view)
    assert sixty.refs == [3]
    other = Dimension(45.0, "deg", "angle", "45°", view_index=0, text_box=text)
    _link_angle(other, view)
    assert other.refs == []
    upright = Dimension(30.0, "deg", "angle", "30°", view_index=0,
                        text_box=(1000 + 40, 600, 40, 20))
    _link_angle(upright, view)
    assert upright.refs == [1]


@pytest.fixture
def dovetail_bar(App):
    """A bar 115 x 50 x 15 with a 60 degree dovetail along it, 18 wide at the bottom, 8 deep,
    16 in from one side."""
    import Part

    V = App.Vector
    groove = Part.Face(Part.makePolygon([V(0, 16, 0), V(0, 34, 0), V(0, 34 + LEAN, 8),
                                         V(0, 16 - LEAN, 8), V(0, 16, 0)])).extrude(V(115, 0, 0))
    return Part.makeBox(115, 50, 15).cut(groove)


def test_a_printed_angle_builds_the_dovetail_exactly(tmp_path, dovetail_bar, doc):
    """The project's renderer draws the bar with its overall sizes; "60°" is lettered under
    the side view's groove. The engine reads it, links it to a flank and builds the groove at
    it: the volume to 0.02 % (rounding the flanks' tops to the grid misses by 0.13 %), with
    the angle a named constraint."""
    from PIL import ImageDraw, ImageFont

    from benchmarks.annotate import FONT_PATH
    from benchmarks.render import Sheet, render_sheet
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.options import ImageInput, JobOptions

    boxes: dict = {}
    image = render_sheet(dovetail_bar, sheet=Sheet(dimensions=True), boxes_out=boxes)
    x0, y0, x1, y1 = boxes["right"]
    px_per_mm = (x1 - x0) / 50.0
    draw = ImageDraw.Draw(image)
    # Under the groove's left flank, as a draughtsman letters an angle beside it.
    left = x0 + (16 - LEAN) * px_per_mm
    draw.text((left - 60, y1 + 14), "60°", fill=0, font=ImageFont.truetype(FONT_PATH, 22))
    path = tmp_path / "dovetail.png"
    image.save(path)
    options = JobOptions(images=[ImageInput(path.name, path.read_bytes())])
    report = engine.run_job(options, [str(tmp_path / "dovetail.step")], document=doc)
    assert report["status"] == "success", report.get("error")
    angle = [d for d in report["dimensions"] if d["kind"] == "angle"]
    assert [(d["value"], d["view"], d["status"]) for d in angle] == [(60.0, "right", "used")]
    assert report["parts"][0]["volume_mm3"] == pytest.approx(dovetail_bar.Volume, rel=2e-4)
    sketch = next(o for o in doc.Objects if o.TypeId == "Sketcher::SketchObject"
                  and any(c.Name.endswith("angle1") for c in o.Constraints))
    named = {c.Name: c for c in sketch.Constraints if c.Name}
    flank = next(c for name, c in named.items() if name.endswith("angle1"))
    assert math.degrees(flank.Value) % 180 == pytest.approx(120.0, abs=1e-6)
