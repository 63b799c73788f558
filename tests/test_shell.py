# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shells: dashed inner outlines one wall inside the outline, open on one face, give a hollow
part (reconstruct/shell.py), and a cap's round ends are its profile turned
(reconstruct/stadium.py); a block with a pocket is not read as a shell."""

from __future__ import annotations

import json

import pytest

from freecad.makistry_wb import engine
from freecad.makistry_wb.options import ImageInput, JobOptions
from freecad.makistry_wb.reconstruct.hull import ROLE_AXES, _ortho_views
from freecad.makistry_wb.reconstruct.shell import find_shell
from freecad.makistry_wb.reconstruct.stadium import find_round_ends


def _render(App, tmp_path, shape, name: str) -> ImageInput:
    from benchmarks.render import render_sheet

    path = tmp_path / f"{name}.png"
    render_sheet(shape, str(path))
    return ImageInput(path.name, path.read_bytes())


def _run(tmp_path, image, doc, prompt: str):
    options = JobOptions(images=[image], prompt=prompt)
    step = tmp_path / "out.step"
    report = engine.run_job(options, [str(step)], document=doc)
    bodies = [o for o in doc.Objects if o.TypeId == "PartDesign::Body"]
    return report, bodies[0].Shape


def test_hollow_box_open_at_the_bottom_is_a_shell(tmp_path, App, doc):
    """An 80 x 50 x 30 box with 5 mm walls and no bottom, drawn in three views."""
    import Part

    V = App.Vector
    truth = Part.makeBox(80, 50, 30).cut(Part.makeBox(70, 40, 25, V(5, 5, 0)))
    image = _render(App, tmp_path, truth, "hollow_box")
    report, shape = _run(tmp_path, image, doc, "80 mm long")
    assert shape.isValid() and len(shape.Solids) == 1
    assert shape.Volume == pytest.approx(truth.Volume, rel=0.03)
    box = shape.BoundBox
    assert (box.XLength, box.YLength, box.ZLength) == pytest.approx((80, 50, 30), abs=1.0)
    # Open at the bottom: the cavity reaches the bottom face, closed at the top.
    assert not shape.isInside(V(40, 25, 0.5), 1e-6, True)
    assert not shape.isInside(V(40, 25, 20), 1e-6, True)
    assert shape.isInside(V(40, 25, 28), 1e-6, True)
    bottom = sum(f.Area for f in shape.Faces
                 if abs(f.BoundBox.ZMax) < 1e-6 and abs(f.BoundBox.ZMin) < 1e-6)
    assert bottom == pytest.approx(80 * 50 - 70 * 40, rel=0.1)


def test_block_with_a_pocket_is_not_a_shell(tmp_path, App):
    """A pocket's dashed floor and walls are not a wall all round: no shell."""
    import Part

    V = App.Vector
    block = Part.makeBox(80, 50, 30).cut(Part.makeBox(40, 30, 15, V(20, 10, 15)))
    image = _render(App, tmp_path, block, "pocket_block")
    analysis = engine.analyse(JobOptions(images=[image], prompt="80 mm long"))
    ortho = _ortho_views(analysis.views)
    assert len(ortho) == 3
    assert find_shell(ortho, ROLE_AXES) is None
    assert find_round_ends(ortho, ROLE_AXES, analysis.scale.along) is None


def test_light_cap_sample_is_a_shell_with_round_ends(samples_dir, tmp_path, App, doc):
    """ttt-ppp0110: a cap 184 x 84 x 46 with 8 mm walls, open at the bottom, round ends."""
    name = "ttt-ppp0110.png"
    truth = json.loads((samples_dir / "ground_truth.json").read_text())[name]
    image = ImageInput(name, (samples_dir / name).read_bytes())
    report, shape = _run(tmp_path, image, doc, "")
    assert shape.isValid() and len(shape.Solids) == 1
    assert shape.Volume == pytest.approx(truth["volume_mm3"], rel=0.03)
    box = shape.BoundBox
    assert sorted((box.XLength, box.YLength, box.ZLength)) == pytest.approx(
        sorted(truth["bbox_mm"]), abs=1.0)
    # Round ends: the plan's corners are empty; open at the bottom, under the middle.
    V = type(box.Center)
    assert not shape.isInside(V(box.XMin + 3, box.YMin + 3, box.ZMin + 3), 1e-6, True)
    assert not shape.isInside(V(box.Center.x, box.Center.y, box.ZMin + 1), 1e-6, True)
    assert shape.isInside(V(box.Center.x, box.Center.y, box.ZMax - 3), 1e-6, True)


def test_offset_of_an_arch_keeps_its_arc_and_cuts_at_the_ceiling():
    """An arch 100 wide, sides 40 high, a half circle of radius 50 on top, open at the bottom:
    offset by 10 it is an arch 80 wide on a radius 40, carried 2 past the open edge; a ceiling
    at 60 cuts its top flat."""
    from freecad.makistry_wb.plan import Arc, Line, Loop
    from freecad.makistry_wb.reconstruct.offset import offset_open

    arch = Loop([Line(0, 0, 100, 0), Line(100, 0, 100, 40), Arc(50, 40, 50, 0, 180),
                 Line(0, 40, 0, 0)])
    inner = offset_open(arch, 10.0, 1, 0.0, 2.0, None)
    arcs = [p for p in inner.primitives if isinstance(p, Arc)]
    assert len(arcs) == 1 and arcs[0].r == pytest.approx(40.0)
    assert (arcs[0].cx, arcs[0].cy) == pytest.approx((50.0, 40.0))
    points = [q for p in inner.primitives for q in (p.start(), p.end())]
    assert min(x for x, _ in points) == pytest.approx(10.0)
    assert max(x for x, _ in points) == pytest.approx(90.0)
    assert min(y for _, y in points) == pytest.approx(-2.0)
    assert arcs[0].sweep_deg() == pytest.approx(180.0)
    cut = offset_open(arch, 10.0, 1, 0.0, 2.0, 60.0)
    points = [q for p in cut.primitives for q in (p.start(), p.end())]
    assert max(y for _, y in points) == pytest.approx(60.0)
    flat = [p for p in cut.primitives if isinstance(p, Line) and p.y0 == p.y1 == 60.0]
    assert len(flat) == 1 and flat[0].length() == pytest.approx(2 * (40**2 - 20**2) ** 0.5)
