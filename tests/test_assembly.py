# SPDX-License-Identifier: LGPL-2.1-or-later
"""Assembly mode: a drawing of separate components, rendered with the benchmark's own renderer,
gives one placed Body per component inside the App::Part, and a STEP file with that many
solids; standard mode of the same drawing stays one body and says so."""

from __future__ import annotations

import pytest

from freecad.makistry_wb import engine
from freecad.makistry_wb.options import ImageInput, JobOptions
from freecad.makistry_wb.plan import Line, Loop, Profile, View
from freecad.makistry_wb.reconstruct.components import plan_components, split_components


def _rect(w, h, x=0.0, y=0.0) -> Loop:
    corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
    return Loop([Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)])


def _view(role, box) -> View:
    """An outline filling its box, in image pixels (x, y, width, height; y down)."""
    return View(role=role, box=box, profiles=[Profile([_rect(box[2], box[3])])])


def _split(views, mm_per_px=0.1):
    assembly, _scale, parts = plan_components(views, "", "A", mm_per_px=mm_per_px)
    return [(sorted(v.role for v in views), p.placement.position)
            for views, p in zip(parts, assembly.parts)]


def test_side_by_side_components_split_by_their_front_and_top_outlines():
    """Third angle at 10 px/mm: a 40 x 30 x 20 block at X 0 and a 25 x 30 x 35 block at X 60.
    The drawing layer names the second block's front and top and the shared right view (where
    the blocks overlap); the first block's outlines are unnamed."""
    views = [
        _view("front", (700, 450, 250, 350)), _view("top", (700, 100, 250, 300)),
        _view("right", (1200, 450, 300, 350)),
        _view("unknown", (100, 600, 400, 200)), _view("unknown", (100, 100, 400, 300)),
    ]
    found = _split(views)
    assert [roles for roles, _ in found] == [["front", "top"], ["front", "top"]]
    assert [pos for _, pos in found] == [pytest.approx((0, 0, 0)), pytest.approx((60, 0, 0))]


def test_components_one_behind_the_other_split_by_their_top_and_right_outlines():
    """Blocks at Y 0 and Y 40 overlap in the front view; the top view shows them one above
    the other and the right view side by side."""
    views = [
        _view("front", (100, 800, 400, 300)), _view("top", (100, 500, 400, 200)),
        _view("right", (1000, 900, 200, 200)),
        _view("unknown", (100, 100, 400, 200)), _view("unknown", (1400, 800, 200, 300)),
    ]
    found = _split(views)
    assert [roles for roles, _ in found] == [["right", "top"], ["right", "top"]]
    assert [pos for _, pos in found] == [pytest.approx((0, 0, 0)), pytest.approx((0, 40, 0))]


def test_two_outlines_in_one_view_are_two_components():
    """A photo's view holds one profile per separate object."""
    view = View(role="front", box=(50, 50, 900, 300),
                profiles=[Profile([_rect(400, 300)]), Profile([_rect(300, 200, x=600)])])
    found = _split([view])
    assert [roles for roles, _ in found] == [["front"], ["front"]]
    assert [pos for _, pos in found] == [pytest.approx((0, 0, 0)), pytest.approx((60, 0, 0))]


def test_one_part_is_not_split():
    """A part's three views, and an unnamed detail that lines up with none of them."""
    views = [_view("front", (100, 500, 400, 200)), _view("top", (100, 100, 400, 300)),
             _view("right", (700, 500, 300, 200)), _view("unknown", (1200, 100, 150, 150))]
    assert split_components(views) == []
    assert plan_components(views) is None


def _components(App, count: int) -> list:
    """Side by side along X, not touching: a plate with a through hole, a tall block and
    (for three) a small cube set back; the assembly is 120 mm long either way. (A standing
    cylinder would be a fine third part, but a lone standing cylinder does not build yet: its
    Revolution fails with "Revolve axis intersects the sketch".)"""
    import Part

    V = App.Vector
    plate = Part.makeBox(50, 40, 10).cut(Part.makeCylinder(6, 10, V(25, 20, 0)))
    block = Part.makeBox(25, 30, 35, V(70, 0, 0))
    if count == 2:
        block = Part.makeBox(30, 30, 35, V(90, 5, 0))
        return [plate, block]
    return [plate, block, Part.makeBox(15, 15, 15, V(105, 20, 0))]


def _drawing(App, tmp_path, count: int) -> tuple[list, ImageInput]:
    import Part

    from benchmarks.render import render_sheet

    solids = _components(App, count)
    path = tmp_path / f"pair{count}.png"
    render_sheet(Part.Compound(solids), str(path))
    return solids, ImageInput(path.name, path.read_bytes())


def _run(tmp_path, image, mode, doc, *more):
    options = JobOptions(images=[image], prompt="120 mm long", design_mode=mode)
    step = tmp_path / f"{mode}.step"
    report = engine.run_job(options, [str(step), *map(str, more)], document=doc)
    return report, step


@pytest.mark.parametrize("count", [2, 3])
def test_assembly_gives_one_placed_body_per_component(tmp_path, App, doc, count):
    import Part

    from freecad.makistry_wb.cad.export import read_back

    truth, image = _drawing(App, tmp_path, count)
    report, step = _run(tmp_path, image, "assembly", doc, tmp_path / "a.3mf")
    containers = [o for o in doc.Objects if o.TypeId == "App::Part"]
    assert len(containers) == 1
    bodies = [o for o in containers[0].Group if o.TypeId == "PartDesign::Body"]
    assert len(bodies) == count
    assert [b.Label for b in bodies] == [f"pair{count}_{i}" for i in range(1, count + 1)]
    assert [p["name"] for p in report["parts"]] == [b.Label for b in bodies]
    # The outlines the drawing layer could not name are the other components: no longer unused.
    assert not any("lines up with no other view" in w for w in report["warnings"])
    for body, solid in zip(sorted(bodies, key=lambda b: b.Shape.BoundBox.XMin), truth):
        shape = body.Shape
        assert shape.isValid() and len(shape.Solids) == 1
        assert shape.Volume == pytest.approx(solid.Volume, rel=0.03), body.Label
        got, want = shape.BoundBox, solid.BoundBox
        for a, b in zip((got.XMin, got.YMin, got.ZMin, got.XMax, got.YMax, got.ZMax),
                        (want.XMin, want.YMin, want.ZMin, want.XMax, want.YMax, want.ZMax)):
            assert a == pytest.approx(b, abs=1.2), (body.Label, got, want)
    # The plate keeps its hole: the see-through circle of its own top view.
    plate = min(bodies, key=lambda b: b.Shape.BoundBox.XMin).Shape
    assert any(type(f.Surface).__name__ == "Cylinder" for f in plate.Faces)
    read = Part.read(str(step))
    assert len(read.Solids) == count
    assert read.Volume == pytest.approx(sum(b.Shape.Volume for b in bodies), rel=1e-3)
    assert "NEXT_ASSEMBLY_USAGE_OCCURRENCE" in step.read_text()
    assert read_back(str(tmp_path / "a.3mf"))["objects"] == count  # one mesh per part


def test_standard_mode_of_an_assembly_is_one_body_with_a_warning(tmp_path, App, doc):
    _truth, image = _drawing(App, tmp_path, 3)
    report, step = _run(tmp_path, image, "standard", doc)
    assert len(report["parts"]) == 1
    bodies = [o for o in doc.Objects if o.TypeId == "PartDesign::Body"]
    assert len(bodies) == 1
    assert not [o for o in doc.Objects if o.TypeId == "App::Part"]
    assert any("3 separate components" in w and "assembly mode" in w
               for w in report["warnings"])


def test_a_single_part_in_assembly_mode_is_one_body(tmp_path, App, doc):
    """No split where the drawing shows one part: the App::Part holds its one body."""
    import Part

    from benchmarks.render import render_sheet

    path = tmp_path / "one.png"
    render_sheet(Part.makeBox(60, 30, 20), str(path))
    report, _step = _run(tmp_path, ImageInput(path.name, path.read_bytes()), "assembly", doc)
    assert len(report["parts"]) == 1
    assert report["parts"][0]["volume_mm3"] == pytest.approx(120 * 60 * 40, rel=0.03)
    assert not any("separate components" in w for w in report["warnings"])


def test_photo_of_two_objects_in_assembly_mode_gives_two_bodies(tmp_path, App, doc):
    """A front photo of two blocks side by side: one profile each, one body each, at the
    photo's one scale (the prompt's length is the whole row's) and the given thickness."""
    import random

    import Part

    from benchmarks import variants

    truth = [Part.makeBox(80, 20, 40), Part.makeBox(30, 20, 25, App.Vector(110, 0, 0))]
    path = tmp_path / "pair.jpg"
    variants.shaded(Part.Compound(truth), "front", random.Random(3)).convert("RGB").save(
        path, "JPEG", quality=90)
    options = JobOptions(images=[ImageInput(path.name, path.read_bytes())],
                         prompt="front photo, 140 mm long, 20 mm thick", design_mode="assembly")
    report = engine.run_job(options, [], document=doc)
    bodies = sorted((o for o in doc.Objects if o.TypeId == "PartDesign::Body"),
                    key=lambda b: b.Shape.BoundBox.XMin)
    assert len(bodies) == len(report["parts"]) == 2
    for body, solid in zip(bodies, truth):
        assert body.Shape.Volume == pytest.approx(solid.Volume, rel=0.04)
        assert body.Shape.BoundBox.XMin == pytest.approx(solid.BoundBox.XMin, abs=1.5)
        assert body.Shape.BoundBox.ZLength == pytest.approx(solid.BoundBox.ZLength, abs=1.5)
