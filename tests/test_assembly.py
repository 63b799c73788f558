# SPDX-License-Identifier: LGPL-2.1-or-later
"""Assembly mode: a drawing of separate components, rendered with the benchmark's own renderer,
gives one placed Body per component inside the App::Part, and a STEP file with that many
solids; standard mode of the same drawing stays one body and says so."""

from __future__ import annotations

import pytest

from freecad.makistry_wb import engine
from freecad.makistry_wb.options import ImageInput, JobOptions


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


def _run(tmp_path, image, mode, doc):
    options = JobOptions(images=[image], prompt="120 mm long", design_mode=mode)
    step = tmp_path / f"{mode}.step"
    report = engine.run_job(options, [str(step)], document=doc)
    return report, step


@pytest.mark.parametrize("count", [2, 3])
def test_assembly_gives_one_placed_body_per_component(tmp_path, App, doc, count):
    import Part

    truth, image = _drawing(App, tmp_path, count)
    report, step = _run(tmp_path, image, "assembly", doc)
    containers = [o for o in doc.Objects if o.TypeId == "App::Part"]
    assert len(containers) == 1
    bodies = [o for o in containers[0].Group if o.TypeId == "PartDesign::Body"]
    assert len(bodies) == count
    assert [b.Label for b in bodies] == [f"pair{count}_{i}" for i in range(1, count + 1)]
    assert [p["name"] for p in report["parts"]] == [b.Label for b in bodies]
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
