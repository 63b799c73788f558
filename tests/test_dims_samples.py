# SPDX-License-Identifier: LGPL-2.1-or-later
"""Dimensions read from the real sample drawings, against the values printed on them."""

import json
import socket
from pathlib import Path

import pytest

from freecad.makistry_wb import drawing, plan
from freecad.makistry_wb.dims import _pixels, evaluate, ocr, read_dimensions, solve_scale
from freecad.makistry_wb.imaging.load import load_image
from freecad.makistry_wb.options import ImageInput

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "samples"
DATA = Path(__file__).resolve().parent / "data" / "dims"
NAMES = ["ttt-ppp0101", "ttt-ppp0104", "ttt-ppp0107", "ttt-ppp0108", "ttt-ppp0110"]

pytestmark = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"{SAMPLES} is absent: the real sample drawings are only in "
    "CI and the developers' checkouts (see shared/samples/README.md)")


@pytest.fixture(scope="module")
def readings():
    """name -> (views, dims, expected) for every sample, read once."""
    out = {}
    for name in NAMES:
        path = SAMPLES / f"{name}.png"
        image = load_image(ImageInput(str(path), path.read_bytes()))
        views = drawing.understand([image]).views
        dims = read_dimensions([image], views)
        expected = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
        out[name] = (views, dims, expected["dimensions"])
    return out


def _drawn_views(views: list[plan.View]) -> list[int]:
    return [i for i, v in enumerate(views) if v.role != "pictorial" and v.primitives]


def _truth_mm_per_px(name: str, views: list[plan.View]) -> float:
    """The sheet's true scale: the part's X extent (ground truth) over the widest view, which
    on these sheets shows X (front, top or section)."""
    truth = json.loads((SAMPLES / "ground_truth.json").read_text())[f"{name}.png"]
    return truth["bbox_mm"][0] / max(views[i].box[2] for i in _drawn_views(views))


def test_values_are_read(readings):
    read = expected = 0
    for name, (views, dims, want) in readings.items():
        score = evaluate.score(want, dims, views)
        assert score.read >= 0.85 * score.expected, (name, score.missed)
        assert len(score.extra) <= 2, (name, score.extra)  # notes and titles are not values
        read += score.read
        expected += score.expected
    assert read >= 0.97 * expected, f"{read}/{expected} values read"


def test_values_touching_their_dimension_line_are_read(readings):
    """"16" and "(4)" on ttt-ppp0101 run into their dimension lines; the detector at 1920 px
    saw neither, at 1280 px it sees both."""
    _views, dims, _want = readings["ttt-ppp0101"]
    linear = {d.value for d in dims if d.kind == "linear"}
    assert {16, 4} <= linear


def test_hole_call_outs_and_counts(readings):
    _views, dims, _want = readings["ttt-ppp0108"]
    holes = [d for d in dims if d.kind == "diameter" and d.value == 29]
    assert holes and holes[0].count == 4 and "THRU" in holes[0].flags
    _views, dims, _want = readings["ttt-ppp0107"]
    pattern = [d for d in dims if d.kind == "diameter" and d.value == 6]
    assert pattern and pattern[0].count == 6 and "THRU ALL" in pattern[0].flags
    assert any("CBORE=13" in d.flags for d in pattern)
    for name, (_views, dims, _want) in readings.items():
        assert {d.unit for d in dims if d.kind != "angle"} == {"mm"}, name  # MMGS title block


def test_values_are_linked(readings):
    linked = expected = 0
    for _name, (views, dims, want) in readings.items():
        score = evaluate.score(want, dims, views)
        linked += score.linked
        expected += score.expected
    # Issue 6 acceptance: 95 % of the printed values linked to what they measure.
    assert linked >= 0.95 * expected, f"{linked}/{expected} values linked"


@pytest.mark.parametrize("name", NAMES)
def test_scale_from_dimensions(readings, name):
    views, dims, _want = readings[name]
    solution = solve_scale(views, dims)
    assert solution.source == "dimensions"
    truth = _truth_mm_per_px(name, views)
    # Detail and section views may be drawn at their own scale; orthographic ones share one.
    checked = [i for i in _drawn_views(views) if views[i].role in plan.ORTHO_ROLES] or [
        max(_drawn_views(views), key=lambda i: views[i].box[2])]
    for index in checked:
        assert solution.mm_per_px[index] == pytest.approx(truth, rel=0.02), (name, views[index])
    assert len(solution.used) >= 6
    # Conflicts: linked values whose geometry gives another size (a radius linked to an arc
    # the drawing layer read as short lines has no size of its own and is no conflict).
    conflicts = [d for d in solution.unused if d.refs and _pixels(d, views) is not None]
    assert len(solution.used) > 2 * len(conflicts)


def test_ocr_models_ship_in_a_package_and_need_no_network(monkeypatch):
    """The engine loads and reads with every socket refused: nothing is fetched."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the OCR tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    engine = ocr.OcrEngine()  # a fresh engine, not the cached one
    folder = Path(ocr._models_dir())
    assert (folder / ocr.DET_MODEL).stat().st_size > 1_000_000
    assert (folder / ocr.REC_MODEL).stat().st_size > 1_000_000
    path = SAMPLES / "ttt-ppp0104.png"
    image = load_image(ImageInput(str(path), path.read_bytes()))
    texts = engine.read(image.rgb)
    assert any(t.text == "80" for t in texts), [t.text for t in texts]
