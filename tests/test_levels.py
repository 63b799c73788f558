# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sizes read off pixels made exact: printed values that measure them, else round numbers."""

import math

import pytest

from freecad.makistry_wb.plan import Circle, Line, Loop, Profile, View
from freecad.makistry_wb.reconstruct import plan_from_views
from freecad.makistry_wb.reconstruct.levels import AxisLevels, Span, grid_for


def polygon(points):
    return Loop([Line(*points[i], *points[(i + 1) % len(points)]) for i in range(len(points))])


def views_as_drawn(px_per_mm, thick=10.0, hole_d=12.0):
    """An L-bracket 120 x 60 x 50 mm with a leg ``thick`` mm and a hole, every coordinate
    rounded to whole pixels as a raster drawing has them (a 10 mm leg at 5.35 px/mm is 53.5
    px, drawn 54)."""
    def px(mm):
        return float(round(mm * px_per_mm))

    def rect(w, h):
        return polygon([(0, 0), (px(w), 0), (px(w), px(h)), (0, px(h))])

    front = View(role="front", box=(0, 0, px(120), px(50)), profiles=[Profile([rect(120, 50)])])
    hole = Circle(px(60), px(35), round(hole_d / 2 * px_per_mm))
    top = View(role="top", box=(0, 0, px(120), px(60)),
               profiles=[Profile([rect(120, 60), Loop([hole])])])
    outline = [(0, 0), (60, 0), (60, thick), (thick, thick), (thick, 50), (0, 50)]
    right = View(role="right", box=(0, 0, px(60), px(50)),
                 profiles=[Profile([polygon([(px(x), px(y)) for x, y in outline])])])
    for view in (front, top, right):
        view.primitives = [p for loop in view.profiles[0].loops for p in loop.primitives]
    return [front, top, right]


def volume(thick=10.0, hole_d=12.0):
    return 120 * 60 * thick + 120 * thick * (50 - thick) - math.pi * (hole_d / 2) ** 2 * thick


def test_grid_only_when_a_pixel_is_well_under_half_of_it():
    assert grid_for(0.187) == 0.5  # 5.35 px/mm: a pixel is 0.19 mm
    assert grid_for(0.3) == 1.0
    assert grid_for(0.6) is None


def test_printed_span_from_an_exact_level_makes_the_other_end_exact():
    levels = AxisLevels([10.3, 31.0], 50.0, 50.0, 0.5, [Span(0.0, 10.3, 10.0)])
    assert levels(10.3) == pytest.approx(10.0)
    assert levels(31.0) == pytest.approx(31.0)  # no value, no grid: as drawn
    assert levels(20.65) == pytest.approx(20.5)  # between two levels: moved with them
    assert levels.from_values == 1


def test_a_span_that_disagrees_with_the_drawing_is_not_taken():
    levels = AxisLevels([10.3], 50.0, 50.0, 0.1, [Span(0.0, 10.3, 14.0)])
    assert levels(10.3) == pytest.approx(10.3) and levels.from_values == 0


def test_rounding_keeps_levels_apart_and_turned_parts_round_diameters():
    levels = AxisLevels([12.9, 13.1, 30.2], 60.0, 60.0, 0.05, grid=0.5)
    # 12.9 and 13.1 are distinct edges that both round to 13: only the first is moved.
    assert [levels(12.9), levels(30.2)] == pytest.approx([13.0, 30.0])
    assert 13.0 < levels(13.1) < 30.0
    turned = AxisLevels([4.1, 35.9], 40.0, 40.0, 0.05, grid=1.0, centre_diameters=True)
    # A step of diameter 31.8 about the axis at 20 becomes 32, not offsets 4 and 36.
    assert [turned(4.1), turned(20.0), turned(35.9)] == pytest.approx([4.0, 20.0, 36.0])


def test_every_point_of_a_level_goes_onto_it():
    """An edge drawn a little thick or askew gives a run of readings (here 0.75 mm wide at
    0.2 mm a pixel, each within a merge distance of the next): all of them are that level,
    not only those near the run's mean."""
    levels = AxisLevels([19.9, 20.15, 20.4, 20.65, 40.0], 60.0, 60.0, 0.2, grid=0.5)
    assert [levels(19.9), levels(20.65)] == pytest.approx([20.5, 20.5])
    assert levels(40.0) == pytest.approx(40.0)


def test_outline_traced_a_pixel_off_the_line_work_is_made_exact():
    """The outline is traced apart from the line work: here its step lies a pixel below the
    drawn line (10.0 mm against 10.25 at 4 px/mm). Both are readings of one level, 10 mm."""
    k = 4.0
    outline = polygon([(0, 0), (200, 0), (200, 40), (100, 40), (100, 100), (0, 100)])
    drawn = polygon([(0, 0), (200, 0), (200, 41), (100, 41), (100, 100), (0, 100)])
    front = View(role="front", box=(0, 0, 200, 100), profiles=[Profile([outline])],
                 primitives=list(drawn.primitives))
    plan, _ = plan_from_views([front], prompt=f"{200 / k:g} mm long", round_sizes=True)
    steps = [g for g in plan.features[0].sketch.geometry
             if isinstance(g, Line) and g.y0 == pytest.approx(g.y1) and 5 < g.y0 < 20]
    assert len(steps) == 1 and steps[0].y0 == pytest.approx(10.0, abs=1e-6)


@pytest.mark.parametrize("round_sizes", [False, True])
def test_round_sizes_give_the_drawn_part_exactly(doc, round_sizes):
    from freecad.makistry_wb.cad.build import build_body

    plan, scale = plan_from_views(views_as_drawn(5.35, thick=13.0), prompt="120 mm long",
                                  round_sizes=round_sizes)
    body = build_body(plan, doc)
    box = body.Shape.BoundBox
    error = abs(body.Shape.Volume / volume(thick=13.0) - 1)
    if round_sizes:
        assert scale.grid_mm == 0.5
        assert error < 1e-6
        assert (box.XLength, box.YLength, box.ZLength) == pytest.approx((120, 60, 50), abs=1e-6)
    else:  # as drawn: whole pixels put the leg and the hole off by a fraction of a millimetre
        assert scale.grid_mm is None
        assert error > 2e-3


def test_printed_values_make_a_coarse_drawing_exact(doc):
    """At 2 px/mm no grid is safe; the printed leg thickness and hole diameter still are."""
    from freecad.makistry_wb.cad.build import build_body

    views = views_as_drawn(2.0)
    front, top, right = views
    right.box = (0, 0, 120.0, 100.0)
    # The leg drawn 21.5 px thick (10.75 mm at 2 px/mm), its value printed 10.
    outline = [(0, 0), (120, 0), (120, 21.5), (21.5, 21.5), (21.5, 100), (0, 100)]
    right.profiles = [Profile([polygon(outline)])]
    right.primitives = list(right.profiles[0].loops[0].primitives)
    top.profiles[0].loops[1] = Loop([Circle(120, 70, 12.6)])  # drawn 12.6 mm across
    top.primitives = [p for loop in top.profiles[0].loops for p in loop.primitives]
    measured = [(right, "y", 0.0, 21.5, 10.0), (right, "x", 0.0, 21.5, 10.0),
                (top, top.profiles[0].loops[1].primitives[0], 12.0)]
    plan, scale = plan_from_views(views, prompt="120 mm long", measured=measured,
                                  round_sizes=True)
    assert scale.grid_mm is None and scale.exact_from_values == 3
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(volume(), rel=1e-6)


def _stepped_block(App):
    """130 x 47 x 33 mm with a 21 mm high step 58 mm long on top of a 12 mm base: sizes no
    sheet scale puts on whole pixels."""
    import Part

    base = Part.makeBox(130, 47, 12)
    return base.fuse(Part.makeBox(58, 47, 21, App.Vector(0, 0, 12))).removeSplitter()


def test_no_rounding_without_a_real_size_or_in_inches():
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.options import JobOptions

    _, scale = plan_from_views(views_as_drawn(5.35), prompt="", round_sizes=True)
    assert scale.source == "default" and scale.grid_mm is None  # 100 mm was only a guess
    front = views_as_drawn(5.35)[0]
    _, scale = plan_from_views([front], prompt="120 mm long, 1.6 mm thick", round_sizes=True)
    assert scale.grid_mm == 0.5 and scale.extents_mm["y"] == pytest.approx(1.6)  # as said
    assert engine._in_inches(engine.Analysis(options=JobOptions(prompt='a 5" long bar')))
    assert engine._in_inches(engine.Analysis(options=JobOptions(prompt="4 in long")))
    assert not engine._in_inches(engine.Analysis(options=JobOptions(prompt="120 mm long")))


@pytest.mark.parametrize("dimensioned", [False, True])
def test_rendered_drawing_comes_out_at_its_round_sizes(tmp_path, App, doc, dimensioned):
    """The benchmark's renderer draws the block (with its dimensions, or with only the prompt's
    length); the engine's solid is the block to a thousandth, and the report says why."""
    from benchmarks.render import Sheet, render_sheet
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.options import ImageInput, JobOptions

    truth = _stepped_block(App)
    path = tmp_path / "block.png"
    render_sheet(truth, str(path), Sheet(dimensions=dimensioned))
    prompt = "" if dimensioned else "130 mm long"
    options = JobOptions(images=[ImageInput(path.name, path.read_bytes())], prompt=prompt)
    report = engine.run_job(options, [str(tmp_path / "block.step")], document=doc)
    assert report["status"] == "success"
    part = report["parts"][0]
    assert part["volume_mm3"] == pytest.approx(truth.Volume, rel=1e-3)
    box = part["bbox_mm"]
    assert [box[3] - box[0], box[4] - box[1], box[5] - box[2]] == pytest.approx(
        [130, 47, 33], abs=0.01)
    scale = report["scale"]
    assert scale["source"] == ("dimensions" if dimensioned else "prompt")
    assert scale["rounded_to_mm"] in (0.5, 1.0)
    if dimensioned:  # the printed step height, at least, made exact by its value
        assert scale["exact_from_values"] >= 1
