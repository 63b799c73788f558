# SPDX-License-Identifier: LGPL-2.1-or-later
"""PartPlan -> PartDesign Body on the real FreeCAD: geometry, named constraints, editing."""

import math

import pytest

from freecad.makistry_wb.plan import Circle, Line, Loop, PartPlan, Profile, View
from freecad.makistry_wb.reconstruct import plan_from_views


def rect(w, h):
    corners = [(0, 0), (w, 0), (w, h), (0, h)]
    return Loop([Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)])


def polygon(points):
    return Loop([Line(*points[i], *points[(i + 1) % len(points)]) for i in range(len(points))])


def l_bracket_views(px_per_mm=2.0):
    """Views of an L-bracket 120 x 60 x 50 mm, 10 mm thick, a 12 mm hole in the base flange."""
    s = px_per_mm
    front = View(role="front", box=(0, 0, 120 * s, 50 * s),
                 profiles=[Profile([rect(120 * s, 50 * s)])])
    top = View(role="top", box=(0, 0, 120 * s, 60 * s),
               profiles=[Profile([rect(120 * s, 60 * s), Loop([Circle(60 * s, 35 * s, 6 * s)])])])
    right_outline = [(0, 0), (60, 0), (60, 10), (10, 10), (10, 50), (0, 50)]
    right = View(role="right", box=(0, 0, 60 * s, 50 * s),
                 profiles=[Profile([polygon([(x * s, y * s) for x, y in right_outline])])])
    return [front, top, right]


L_BRACKET_VOLUME = 120 * 60 * 10 + 120 * 10 * 40 - math.pi * 6 ** 2 * 10


def test_visual_hull_of_three_views_is_exact(doc):
    from freecad.makistry_wb.cad.build import build_body

    plan, scale = plan_from_views(l_bracket_views(), prompt="120 mm long", name="LBracket")
    assert scale.source == "prompt" and scale.mm_per_px == pytest.approx(0.5)
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(L_BRACKET_VOLUME, rel=1e-6)
    box = body.Shape.BoundBox
    assert (box.XLength, box.YLength, box.ZLength) == pytest.approx((120, 60, 50), abs=1e-6)
    assert (box.XMin, box.YMin, box.ZMin) == pytest.approx((0, 0, 0), abs=1e-6)
    assert body.Label == "LBracket"
    kinds = [obj.TypeId for obj in body.Group]
    assert kinds.count("Sketcher::SketchObject") == 3 and "PartDesign::Pad" in kinds


def test_plan_round_trips_through_json():
    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    again = PartPlan.from_json(plan.to_json())
    assert again == plan
    assert isinstance(again.features[1].sketch.geometry[-1], Circle)


def test_named_constraint_edit_resizes_the_body(doc):
    from freecad.makistry_wb.cad.build import build_body

    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    body = build_body(plan, doc)
    top_sketch = doc.getObject("TopSilhouetteSketch")
    names = {c.Name: c.Value for c in top_sketch.Constraints if c.Name}
    assert names["top_hole1_d"] == pytest.approx(12.0)
    base_sketch = doc.getObject("FrontOutlineSketch")
    assert {c.Name for c in base_sketch.Constraints if c.Name} >= {"width", "height"}
    assert base_sketch.solve() == 0

    top_sketch.setDatum("top_hole1_d", 20.0)
    doc.recompute()
    assert body.Shape.isValid()
    expected = L_BRACKET_VOLUME + math.pi * 6 ** 2 * 10 - math.pi * 10 ** 2 * 10
    assert body.Shape.Volume == pytest.approx(expected, rel=1e-6)


def test_single_view_uses_prompt_thickness_or_warns(doc):
    from freecad.makistry_wb.cad.build import build_body

    plate = View(role="front", box=(0, 0, 200, 100),
                 profiles=[Profile([rect(200, 100), Loop([Circle(50, 50, 10)])])])
    plan, scale = plan_from_views([plate], prompt="a 6 mm thick plate, 100 mm long")
    body = build_body(plan, doc)
    assert scale.extents_mm["y"] == pytest.approx(6.0)
    assert body.Shape.Volume == pytest.approx((100 * 50 - math.pi * 25) * 6, rel=1e-6)
    assert not plan.warnings

    plan, scale = plan_from_views([plate], prompt="")
    assert scale.source == "default"
    assert any("longest extent" in w for w in plan.warnings)
    assert any("Y extent" in w for w in plan.warnings)


def test_revolved_part_from_circle_and_symmetric_profile(doc):
    """A hub: disk r50 x 10 high, boss r20 x 30 more, bore r8 through, drawn off-centre."""
    from freecad.makistry_wb.cad.build import build_body

    top = View(role="top", box=(0, 0, 100, 100),
               profiles=[Profile([Loop([Circle(50, 50, 50)]), Loop([Circle(50, 50, 8)])])])
    steps = [(0, 0), (100, 0), (100, 10), (70, 10), (70, 40), (30, 40), (30, 10), (0, 10)]
    front = View(role="front", box=(0, 0, 100, 40), profiles=[Profile([polygon(steps)])])
    right = View(role="right", box=(0, 0, 100, 40), profiles=[Profile([polygon(steps)])])
    plan, _ = plan_from_views([front, top, right], prompt="100 mm long", name="Hub")
    assert plan.features[0].operation == "revolution"
    body = build_body(plan, doc)
    expected = math.pi * (50 ** 2 * 10 + 20 ** 2 * 30 - 8 ** 2 * 40)
    assert body.Shape.Volume == pytest.approx(expected, rel=1e-4)
    box = body.Shape.BoundBox
    assert (box.XMin, box.YMin, box.ZMin, box.XMax, box.YMax, box.ZMax) == pytest.approx(
        (0, 0, 0, 100, 100, 40), abs=1e-6)
    assert body.Shape.isValid()


def test_shaft_along_x_is_revolved_about_x(doc):
    from freecad.makistry_wb.cad.build import build_body

    steps = [(0, 10), (40, 10), (40, 0), (100, 0), (100, 40), (40, 40), (40, 30), (0, 30)]
    front = View(role="front", box=(0, 0, 100, 40), profiles=[Profile([polygon(steps)])])
    right = View(role="right", box=(0, 0, 40, 40),
                 profiles=[Profile([Loop([Circle(20, 20, 20)])])])
    plan, _ = plan_from_views([front, right], prompt="100 mm long", name="Shaft")
    assert plan.features[0].operation == "revolution"
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(math.pi * (10 ** 2 * 40 + 20 ** 2 * 60), rel=1e-4)


def test_asymmetric_profile_is_not_revolved():
    """A circular top view over an off-centre profile is a cylinder cut, not a revolution."""
    top = View(role="top", box=(0, 0, 100, 100),
               profiles=[Profile([Loop([Circle(50, 50, 50)])])])
    front = View(role="front", box=(0, 0, 100, 40),
                 profiles=[Profile([polygon([(0, 0), (100, 0), (100, 10), (0, 40)])])])
    plan, _ = plan_from_views([front, top], prompt="100 mm long")
    assert [f.operation for f in plan.features] == ["pad", "pocket"]


def test_blind_pocket_depth_from_hidden_line_in_side_view(doc):
    """A block 100 x 60 x 40 with a pocket 40 x 30, 15 deep, open at the top."""
    from freecad.makistry_wb.cad.build import build_body

    block = rect(100, 60)
    pocket = polygon([(30, 15), (70, 15), (70, 45), (30, 45)])
    top = View(role="top", box=(0, 0, 100, 60), profiles=[Profile([block])],
               primitives=block.primitives + pocket.primitives)
    hidden = [Line(30, 25, 70, 25, "hidden"), Line(30, 25, 30, 40, "hidden"),
              Line(70, 25, 70, 40, "hidden")]
    front = View(role="front", box=(0, 0, 100, 40), profiles=[Profile([rect(100, 40)])],
                 primitives=rect(100, 40).primitives + hidden)
    side_hidden = [Line(15, 25, 45, 25, "hidden"), Line(15, 25, 15, 40, "hidden"),
                   Line(45, 25, 45, 40, "hidden")]
    right = View(role="right", box=(0, 0, 60, 40), profiles=[Profile([rect(60, 40)])],
                 primitives=rect(60, 40).primitives + side_hidden)
    plan, _ = plan_from_views([front, top, right], prompt="100 mm long")
    pockets = [f for f in plan.features if f.name.startswith("Pocket")]
    assert len(pockets) == 1 and pockets[0].params["length"] == pytest.approx(15, abs=0.6)
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(100 * 60 * 40 - 40 * 30 * 15, rel=0.02)
    assert len(body.Shape.Faces) == 11


def test_agreement_is_high_for_the_right_solid_and_low_for_a_wrong_one(doc):
    import Part

    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.cad.check import agreement

    k = 4.0
    views = l_bracket_views(px_per_mm=k)
    extra = {  # the lines a drawing layer reads besides the outlines, in mm
        "front": [Line(0, 10, 120, 10, "hidden"), Line(54, 0, 54, 10, "hidden"),
                  Line(66, 0, 66, 10, "hidden")],
        "top": [Line(0, 10, 120, 10)],
        "right": [Line(29, 0, 29, 10, "hidden"), Line(41, 0, 41, 10, "hidden")],
    }
    for view in views:
        view.primitives = [p for loop in view.profiles[0].loops for p in loop.primitives]
        view.primitives += [Line(a * k, b * k, c * k, d * k, line.line_type)
                            for line in extra[view.role]
                            for a, b, c, d in [(line.x0, line.y0, line.x1, line.y1)]]
    plan, scale = plan_from_views(views, prompt="120 mm long")
    body = build_body(plan, doc)
    right = agreement(body.Shape, views, scale.mm_per_px)
    assert set(right) == {"front", "top", "right"}
    assert min(s["score"] for s in right.values()) > 0.95
    wrong = agreement(Part.makeBox(120, 60, 50), views, scale.mm_per_px)
    assert wrong["right"]["recall"] < 0.8 and wrong["top"]["recall"] < 0.95
    assert wrong["right"]["score"] < right["right"]["score"] - 0.1


def test_a_refinement_freecad_cannot_build_is_left_out_and_said(doc):
    """A pocket whose profile is not closed fails in FreeCAD; the body stays, with a warning."""
    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.plan import Feature, Sketch

    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    open_wire = [Line(10, 10, 30, 30), Line(30, 30, 30, 10)]
    plan.features.append(Feature(
        name="Broken", operation="pocket", evidence=["a test"],
        sketch=Sketch(plane="XY", offset=10.0, geometry=open_wire),
        params={"length": 5.0, "direction": "-z"}))
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(L_BRACKET_VOLUME, rel=1e-6)
    assert doc.getObject("Broken") is None and doc.getObject("BrokenSketch") is None
    assert any(w.startswith("Broken (a test) could not be built") for w in plan.warnings)


def test_through_slot_depth_from_hidden_walls(doc):
    """A 100 x 60 x 20 block with a 50 x 10 slot through it, drawn as a face in the top view
    (not a see-through hole) with hidden walls in the front and right views."""
    from freecad.makistry_wb.cad.build import build_body

    slot = polygon([(25, 25), (75, 25), (75, 35), (25, 35)])
    top = View(role="top", box=(0, 0, 100, 60), profiles=[Profile([rect(100, 60)])],
               primitives=rect(100, 60).primitives + slot.primitives)
    front = View(role="front", box=(0, 0, 100, 20), profiles=[Profile([rect(100, 20)])],
                 primitives=rect(100, 20).primitives + [Line(25, 0, 25, 20, "hidden"),
                                                         Line(75, 0, 75, 20, "hidden")])
    right = View(role="right", box=(0, 0, 60, 20), profiles=[Profile([rect(60, 20)])],
                 primitives=rect(60, 20).primitives + [Line(25, 0, 25, 20, "hidden"),
                                                        Line(35, 0, 35, 20, "hidden")])
    plan, _ = plan_from_views([front, top, right], prompt="100 mm long")
    body = build_body(plan, doc)
    assert body.Shape.Volume == pytest.approx(100 * 60 * 20 - 50 * 10 * 20, rel=0.02)
    assert len(body.Shape.Faces) == 10


def test_printed_sizes_make_extents_exact(doc):
    """A drawing a little off its scale (here 1.5 % along Y) still builds at the printed size."""
    from freecad.makistry_wb.cad.build import build_body

    views = l_bracket_views()
    for view in views:  # stretch Y by 1.5 %: the top view's height, the right view's width
        fx, fy = {"top": (1.0, 1.015), "right": (1.015, 1.0)}.get(view.role, (1.0, 1.0))
        view.box = (0, 0, view.box[2] * fx, view.box[3] * fy)
        for prim in (p for loop in view.profiles[0].loops for p in loop.primitives):
            for names, factor in ((("x0", "x1", "cx"), fx), (("y0", "y1", "cy"), fy)):
                for name in names:
                    if hasattr(prim, name):
                        setattr(prim, name, getattr(prim, name) * factor)
    plan, scale = plan_from_views(views, mm_per_px=0.5, printed=[("x", 120.0), ("y", 60.0),
                                                                  ("z", 50.0), ("z", 10.0)])
    assert scale.source == "dimensions"
    assert scale.extents_mm == pytest.approx({"x": 120.0, "y": 60.0, "z": 50.0})
    box = build_body(plan, doc).Shape.BoundBox
    assert (box.XLength, box.YLength, box.ZLength) == pytest.approx((120, 60, 50), abs=1e-6)


def test_few_printed_values_do_not_overrule_the_prompt():
    """Stray readings (a line read as "1") agree with geometry by chance: against a prompt's
    size, fewer than three distinct values lose; more win, and either way it is said."""
    views = l_bracket_views()
    plan, scale = plan_from_views(views, prompt="120 mm long", mm_per_px=0.004,
                                  dimension_values=1)
    assert scale.source == "prompt" and scale.extents_mm["x"] == pytest.approx(120)
    assert any("prompt's size was used" in w for w in plan.warnings)
    plan, scale = plan_from_views(views, prompt="120 mm long", mm_per_px=0.6,
                                  dimension_values=5)
    assert scale.source == "dimensions" and scale.extents_mm["x"] == pytest.approx(144)
    assert any("drawing's values were used" in w for w in plan.warnings)


def test_completion_fixes_every_freedom_once_with_named_sizes():
    """Pure: the plan's constraints plus the completion leave no freedom and repeat nothing;
    the added sizes are the ones an engineer would give, measured on the geometry."""
    from freecad.makistry_wb.reconstruct.constrain import completed

    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    for feature in plan.features:
        constraints, geometry, why_free = completed(feature.sketch)
        assert why_free == "", feature.name
        assert constraints[:len(feature.sketch.constraints)] == feature.sketch.constraints
        assert all(c.value is None or c.value > 0 for c in constraints)
        assert len({c.name for c in constraints if c.name}) == len([c for c in constraints
                                                                     if c.name])
    sizes = {c.name: c.value for f in plan.features for c in completed(f.sketch)[0] if c.name}
    assert sizes["top_hole1_x"] == pytest.approx(60) and sizes["top_hole1_y"] == pytest.approx(35)
    # The L's wall: the shorter of the two step sizes comes first, and the loop's closing edge
    # (as long as the whole width) is not dimensioned again.
    assert sizes["right_step1_w"] == pytest.approx(10) and "right_step2_w" not in sizes
    assert sizes["right_step1_h"] == pytest.approx(10)


def _named_edit(doc, plan, edits: dict):
    from freecad.makistry_wb.cad.build import build_body

    body = build_body(plan, doc)
    for sketch in (o for o in body.Group if o.TypeId == "Sketcher::SketchObject"):
        for name in [c.Name for c in sketch.Constraints if c.Name in edits]:
            sketch.setDatum(name, edits[name])
    doc.recompute()
    return body


def test_editing_width_and_hole_position_of_a_fully_constrained_body(doc):
    """Every sketch of the L-bracket is fully constrained; a longer bracket (the front's
    ``width``, which the top view's ``top_width`` follows) and a moved hole give the expected
    solid."""
    from freecad.makistry_wb.cad.build import degrees_of_freedom

    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    body = _named_edit(doc, plan, {"width": 150.0, "top_hole1_x": 40.0})
    top = doc.getObject("TopSilhouetteSketch")
    assert {c.Name: c.Value for c in top.Constraints}["top_width"] == pytest.approx(150)
    sketches = [o for o in body.Group if o.TypeId == "Sketcher::SketchObject"]
    assert [degrees_of_freedom(s) for s in sketches] == [0, 0, 0]
    assert not plan.warnings
    assert body.Shape.isValid()
    hole = math.pi * 6 ** 2 * 10
    assert body.Shape.Volume == pytest.approx((L_BRACKET_VOLUME + hole) * 150 / 120 - hole,
                                              rel=1e-6)
    box = body.Shape.BoundBox
    assert (box.XMin, box.XMax, box.YLength, box.ZLength) == pytest.approx((0, 150, 60, 50))
    bore = [f for f in body.Shape.Faces if f.Surface.__class__.__name__ == "Cylinder"]
    assert len(bore) == 1
    assert (bore[0].Surface.Center.x, bore[0].Surface.Center.y) == pytest.approx((40, 35))


RENDERED = [("plate", "medium"), ("l_bracket", "medium"), ("stepped_block", "medium"),
            ("flange", "simple"), ("angled_bracket", "simple"), ("filleted", "simple")]


@pytest.mark.parametrize("family,tier", RENDERED)
def test_sketches_of_rendered_parts_solve_fully_constrained(doc, family, tier):
    """A benchmark drawing read by the engine: every sketch solves with nothing dropped; those
    of lines and circles are fully constrained; the body is the part (the completion measures
    its sizes on the geometry, so it changes the solid only by the plan's own rounding)."""
    import copy
    import io

    from benchmarks.parts import make_part
    from benchmarks.render import render_sheet
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.cad import build
    from freecad.makistry_wb.options import ImageInput, JobOptions
    from freecad.makistry_wb.plan import Arc

    part = make_part(family, tier, 0)
    png = io.BytesIO()
    render_sheet(part.shape).save(png, "PNG")
    prompt = f"{part.shape.BoundBox.XLength:g} mm long"
    plan = engine.analyse(JobOptions([ImageInput("part.png", png.getvalue())], prompt)).plan
    free_plan = copy.deepcopy(plan)
    body = build.build_body(plan, doc)
    assert not [w for w in plan.warnings if "dropped" in w or "constrained" in w]
    for feature in plan.features:
        sketch = doc.getObject(f"{feature.name}Sketch")
        assert sketch.solve() == 0
        if not any(isinstance(p, Arc) for p in feature.sketch.geometry):
            assert build.degrees_of_freedom(sketch) == 0, sketch.Label
    # The constraints do not move the geometry: the same sketches with only the plan's own
    # constraints, on the geometry the completion measured (which meets them: the solver
    # leaves it be), make the same solid; and that geometry is the plan's but for the joints
    # and levels its constraints ask for.
    original = build.completed

    def plan_constraints_only(spec):
        return list(spec.constraints), original(spec)[1], ""

    build.completed = plan_constraints_only
    try:
        loose = build.build_body(free_plan, doc).Shape.Volume
    finally:
        build.completed = original
    assert body.Shape.Volume == pytest.approx(loose, rel=1e-3)
    for feature in free_plan.features:
        xs = [v for p in feature.sketch.geometry for v in _coords(p)]
        moved = [abs(a - b) for p, q in zip(feature.sketch.geometry,
                                             original(feature.sketch)[1])
                 for a, b in zip(_coords(p), _coords(q))]
        assert max(moved) < 0.01 * (max(xs) - min(xs)), feature.name


def _coords(prim) -> list:
    from freecad.makistry_wb.plan import Line

    if isinstance(prim, Line):
        return [prim.x0, prim.y0, prim.x1, prim.y1]
    return [prim.cx, prim.cy, prim.r]


@pytest.mark.parametrize("name,value,expected", [
    ("height", 60.0, 120 * 60 * 10 + 120 * 10 * 50 - math.pi * 6 ** 2 * 10),
    ("top_height", 70.0, 120 * 70 * 10 + 120 * 10 * 40 - math.pi * 6 ** 2 * 10),
])
def test_one_overall_size_drives_every_view_that_shows_it(doc, name, value, expected):
    """The part's Z extent is in the front and right views, its Y extent in the top and right
    views and the pad's length: editing it once resizes the solid."""
    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    body = _named_edit(doc, plan, {name: value})
    assert body.Shape.isValid()
    assert body.Shape.Volume == pytest.approx(expected, rel=1e-6)


def test_arcs_and_specks_are_sized_and_only_real_sizes_named(doc):
    """A plate with a rounded corner and a 1 mm bridge left in its top edge: fully
    constrained, the arc's radius named, the bridge sized but not named, the solid unmoved."""
    from freecad.makistry_wb.cad.build import build_body, degrees_of_freedom
    from freecad.makistry_wb.plan import Arc

    outline = Loop([Line(0, 0, 100, 0), Line(100, 0, 100, 40), Arc(90, 40, 10, 0, 90),
                    Line(90, 50, 41, 50), Line(41, 50, 40, 50), Line(40, 50, 0, 50),
                    Line(0, 50, 0, 0)])
    plate = View(role="front", box=(0, 0, 100, 50), profiles=[Profile([outline])])
    plan, _ = plan_from_views([plate], prompt="100 mm long, 5 mm thick")
    body = build_body(plan, doc)
    sketch = doc.getObject("FrontOutlineSketch")
    assert len(sketch.Geometry) == 7
    assert degrees_of_freedom(sketch) == 0 and not plan.warnings
    named = {c.Name: c.Value for c in sketch.Constraints if c.Name}
    assert named["arc1_r"] == pytest.approx(10)
    assert all(value > 1 for value in named.values())
    assert body.Shape.Volume == pytest.approx((100 * 50 - (1 - math.pi / 4) * 100) * 5, rel=1e-6)


def test_redundant_and_conflicting_constraints_are_dropped_and_said(doc):
    """A plan that repeats a constraint and contradicts its width still builds, fully
    constrained, at the first width; the dropped ones are named in a warning."""
    from freecad.makistry_wb.cad.build import build_body, degrees_of_freedom
    from freecad.makistry_wb.plan import Constraint

    plan, _ = plan_from_views(l_bracket_views(), prompt="120 mm long")
    front = plan.features[0].sketch
    width = next(c for c in front.constraints if c.name == "width")
    front.constraints += [Constraint("Horizontal", [next(c.refs[0] for c in front.constraints
                                                         if c.kind == "Horizontal")]),
                          Constraint("DistanceX", list(width.refs), 130.0, "wrong_width")]
    body = build_body(plan, doc)
    sketch = doc.getObject("FrontOutlineSketch")
    assert degrees_of_freedom(sketch) == 0
    dropped = [w for w in plan.warnings if "dropped" in w]
    assert len(dropped) == 1 and "2 constraint(s)" in dropped[0]
    assert "(Horizontal, wrong_width)" in dropped[0]
    assert body.Shape.Volume == pytest.approx(L_BRACKET_VOLUME, rel=1e-6)


def test_a_traced_outline_of_many_edges_is_left_as_planned_and_said(doc):
    """Past a hundred edges the completion steps aside (its work grows with their cube): the
    sketch builds with the plan's constraints and a warning that it is not fully
    constrained."""
    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.reconstruct.constrain import completed

    n = 120
    ring = [(100 + 100 * math.cos(2 * math.pi * i / n), 100 + 100 * math.sin(2 * math.pi * i / n))
            for i in range(n)]
    disc = View(role="front", box=(0, 0, 200, 200), profiles=[Profile([polygon(ring)])])
    plan, _ = plan_from_views([disc], prompt="200 mm long, 5 mm thick")
    sketch = plan.features[0].sketch
    constraints, geometry, why_free = completed(sketch)
    assert constraints == sketch.constraints and geometry == sketch.geometry
    assert "edges are more than" in why_free
    body = build_body(plan, doc)
    area = 0.5 * n * 100 ** 2 * math.sin(2 * math.pi / n)
    assert body.Shape.Volume == pytest.approx(area * 5, rel=1e-3)
    assert any("FrontOutlineSketch is not fully constrained" in w for w in plan.warnings)
