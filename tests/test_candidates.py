# SPDX-License-Identifier: LGPL-2.1-or-later
"""Readings of the views weighed by agreement: a pocket the drawing does not show is dropped,
a pocket it shows is kept."""

import copy

import pytest

from freecad.makistry_wb.plan import Feature, Line, Sketch


def _analysis(tmp_path, family):
    from benchmarks import cases
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.options import JobOptions, read_image_file

    case = cases.build(cases._case(family, "simple", 0, "clean"), tmp_path)
    options = JobOptions(images=[read_image_file(p) for p in case.images], prompt=case.prompt)
    return engine.analyse(options)


def _stray_pocket(analysis) -> Feature:
    """A 20 x 10 mm pocket, 3 mm deep, in the middle of the top face: nothing in the drawing."""
    x, y = analysis.scale.extents_mm["x"] / 2, analysis.scale.extents_mm["y"] / 2
    corners = [(x - 10, y - 5), (x + 10, y - 5), (x + 10, y + 5), (x - 10, y + 5)]
    lines = [Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)]
    return Feature(name="Pocket9", operation="pocket",
                   sketch=Sketch(plane="XY", offset=analysis.scale.extents_mm["z"],
                                 geometry=lines),
                   params={"length": 3.0, "direction": "-z"}, evidence=["a test's stray"])


def test_a_pocket_the_drawing_does_not_show_is_dropped(App, tmp_path):
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.cad.build import build_body

    analysis = _analysis(tmp_path, "plate")
    clean = build_body(copy.deepcopy(analysis.plan), App.newDocument("clean")).Shape.Volume
    analysis.plan.features.append(_stray_pocket(analysis))
    analysis.plan.warnings.append("a note made while planning")
    doc = App.newDocument("weighed")
    [body] = engine.build(analysis, doc)
    assert App.ActiveDocument is not None and App.ActiveDocument.Name == doc.Name
    assert "a note made while planning" in analysis.warnings
    assert body.Shape.Volume == pytest.approx(clean, rel=1e-6)
    chosen = [c for c in analysis.candidates if c["chosen"]]
    assert [c["reading"] for c in chosen] == ["without Pocket9"]
    assert chosen[0]["agreement"] > analysis.candidates[0]["agreement"] + 0.02
    assert [o for o in doc.Objects if o.TypeId == "PartDesign::Body"] == [body]
    assert all(f.name != "Pocket9" for f in analysis.plan.features)
    assert any("agrees best" in w for w in analysis.warnings)
    assert not any("Pocket9" in w for w in analysis.warnings if "agrees best" not in w)


def test_a_pocket_the_drawing_shows_is_kept(App, tmp_path, monkeypatch):
    from freecad.makistry_wb import engine

    analysis = _analysis(tmp_path, "pocket_block")
    assert any(f.name.startswith("Pocket") for f in analysis.plan.features)
    planned = copy.deepcopy(analysis.plan)
    monkeypatch.setattr(engine, "AGREEMENT_GOOD", 1.01)  # weigh even a reading this good
    [body] = engine.build(analysis, App.newDocument("kept"))
    assert len(analysis.candidates) > 1
    assert not any(c["explains_the_drawing"] for c in analysis.candidates[1:])
    assert [f.name for f in analysis.plan.features] == [f.name for f in planned.features]
    assert analysis.candidates[0]["chosen"]
    assert body.Shape.isValid()
