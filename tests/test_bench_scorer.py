# SPDX-License-Identifier: LGPL-2.1-or-later
"""The benchmark's scorer on real OCC solids: perfect, shifted, scaled, turned and failed."""

import json

import pytest


@pytest.fixture(scope="module")
def bench(App):
    from benchmarks import parts, score

    return parts, score


@pytest.fixture(scope="module")
def bracket(bench):
    parts, _ = bench
    return parts.make_part("l_bracket", "medium", 3).shape


def test_perfect_answer_scores_one_wherever_it_is_placed(bench, bracket):
    parts, score = bench
    answer = bracket.copy()
    answer.translate(parts.V(250, -40, 17))  # a drawing carries no origin: placement is free
    result = score.score(bracket, answer)
    assert result.iou == pytest.approx(1.0, abs=1e-6)
    assert result.iou_normalised == pytest.approx(1.0, abs=1e-6)
    assert result.volume_error == pytest.approx(0.0, abs=1e-9)
    assert result.bbox_error == pytest.approx(0.0, abs=1e-9)
    assert result.holes == 3


def test_shifted_feature_scores_less(bench):
    parts, score = bench
    Part = score.Part
    plate = Part.makeBox(100, 60, 10)
    truth = plate.cut(Part.makeCylinder(8, 10, parts.V(30, 20, 0)))
    # The hole 20 mm off: no rotation of the plate maps one hole position onto the other.
    answer = plate.cut(Part.makeCylinder(8, 10, parts.V(50, 20, 0)))
    result = score.score(truth, answer)
    assert result.volume_error == pytest.approx(0.0, abs=1e-9)
    assert 0.8 < result.iou < 0.99
    assert result.iou_normalised < 0.99


def test_scaled_answer_scores_less_at_true_scale_and_one_when_normalised(bench, bracket):
    _, score = bench
    answer = bracket.copy()
    answer.scale(1.15)
    result = score.score(bracket, answer)
    assert result.iou < 0.8
    assert result.iou_normalised == pytest.approx(1.0, abs=1e-6)
    assert result.volume_error == pytest.approx(1.15 ** 3 - 1, rel=1e-6)
    assert result.bbox_error == pytest.approx(0.15, rel=1e-6)


@pytest.mark.parametrize("axis, angle", [((1, 0, 0), 90), ((0, 0, 1), -90), ((0, 1, 0), 180)])
def test_turned_answer_is_found_by_the_orientation_search(bench, bracket, axis, angle):
    parts, score = bench
    answer = bracket.copy()
    answer.rotate(parts.V(0, 0, 0), parts.V(*axis), angle)
    answer.translate(parts.V(3, 5, 7))
    naive = answer.copy()
    naive.translate(bracket.BoundBox.Center - naive.BoundBox.Center)
    assert bracket.common(naive).Volume < 0.9 * bracket.Volume  # really turned
    result = score.score(bracket, answer)
    assert result.iou == pytest.approx(1.0, abs=1e-6)
    assert result.orientation != 0


def test_all_24_orientations_are_distinct_rotations(bench):
    _, score = bench
    mats = score.ORIENTATIONS
    assert len(mats) == 24
    keys = {tuple(round(v) for v in m.A[:12]) for m in mats}
    assert len(keys) == 24
    assert all(round(m.determinant()) == 1 for m in mats)


def test_failed_case_scores_zero_with_its_error_code(bench, tmp_path):
    from benchmarks import report, run

    garbage = tmp_path / "not_a_drawing.png"
    garbage.write_bytes(b"this is not an image")
    result = run.run_engine([garbage], "", tmp_path / "work", timeout=60)
    code, message = run.error_of(result)
    assert result["exit"] != 0 and code not in ("", None) and message
    row = {"id": "x", "family": "plate", "tier": "simple", "variant": "clean", "seed": 0,
           "success": False, "error": code, "message": message, "time_s": result["time_s"],
           "peak_mb": result["peak_mb"], **bench[1].failed().to_dict()}
    assert row["iou"] == 0.0 and row["iou_normalised"] == 0.0
    meta = {"mode": "quick", "wall_s": 1, "workers": 1, "budget_s": 1, "case_timeout_s": 1,
            "machine": "m", "commit": "c", "samples_present": False}
    out = tmp_path / "B.md"
    report.write_markdown(out, meta, [row], [])
    text = out.read_text()
    assert "| plate | simple | 1 | 0/1 (0 %) | 0.000 | 0.000 |" in text
    assert f"| {code} | 1 |" in text
    assert json.dumps(row)  # rows stay JSON-serialisable for results-*.json


def test_voxel_estimate_measures_volume_and_ranks_the_true_orientation_first(bench, bracket):
    parts, score = bench
    centre = bracket.CenterOfMass
    cell = max(score._extents(bracket)) / score.VOXELS_ALONG_LONGEST
    n = int(score._reach(bracket, centre) / cell) + 2
    grid = score.voxels(bracket, centre, cell, n)
    assert grid.sum() * cell ** 3 == pytest.approx(bracket.Volume, rel=0.05)
    answer = bracket.copy()
    answer.rotate(parts.V(0, 0, 0), parts.V(1, 0, 0), 90)
    guess = score.estimates(bracket, answer)
    best = max(range(24), key=lambda i: guess[i])
    assert guess[best] > 0.97 and sorted(guess)[-2] < guess[best] - 0.1
    assert score.best_iou(bracket, answer).orientation == best


def test_runner_scores_a_step_answer_in_a_child_process(bench, bracket, tmp_path):
    from benchmarks import run

    truth, answer, junk = tmp_path / "truth.brep", tmp_path / "answer.step", tmp_path / "x.step"
    bracket.exportBrep(str(truth))
    turned = bracket.copy()
    turned.rotate(bench[0].V(0, 0, 0), bench[0].V(0, 0, 1), 90)
    turned.exportStep(str(answer))
    junk.write_text("ISO-10303-21; not really")
    scored = run.score_in_subprocess(truth, answer)
    assert scored["iou"] == pytest.approx(1.0, abs=1e-6) and scored["holes"] == 3
    assert run.score_in_subprocess(truth, junk)["error"] == "unreadable_step"


def test_report_gives_engine_stage_medians_and_sample_mass_error(tmp_path):
    from benchmarks import report

    def case(tier, seconds):
        stages = {"load": 0.1, "drawing": seconds, "dimensions": 1.0, "reconstruct": 0.1,
                  "build": 0.2, "check": 0.1, "export": 0.1}
        stages["total"] = sum(stages.values())
        return {"id": f"plate-{tier}", "family": "plate", "tier": tier, "variant": "clean",
                "success": True, "iou": 0.9, "iou_normalised": 0.9, "volume_error": 0.01,
                "bbox_error": 0.01, "holes": 0, "time_s": 3.0, "peak_mb": 100,
                "stages_s": stages}

    rows = [case("simple", 0.4), case("simple", 0.6), case("hard", 2.0)]
    sample = {"file": "s.png", "success": True, "truth_volume": 1000.0, "volume": 1500.0,
              "volume_error": 0.5, "density_kg_m3": 2000, "truth_extents": [10, 10, 10],
              "extents": [10.0, 10.0, 15.0], "bbox_error": 0.5, "time_s": 4.0,
              "stages_s": rows[0]["stages_s"]}
    meta = {"mode": "all", "wall_s": 1, "workers": 1, "budget_s": 1, "case_timeout_s": 1,
            "machine": "m", "commit": "c", "samples_present": True}
    out = tmp_path / "B.md"
    report.write_markdown(out, meta, rows, [sample])
    text = out.read_text()
    # simple: drawing median 0.5; counted stages 0.5 + 0.1 + 0.2 + 0.1 = 0.9
    assert ("| simple | 2 | 0.10 | 0.50 | 1.00 | 0.10 | 0.20 | 0.10 | 0.00 | 0.10 | 2.10 | 0.90 "
            "| 3.00 |") in text
    assert "| **all** | 3 | 0.10 | 0.60 |" in text
    # 500 mm³ too much at 2000 kg/m³ is 1 g
    assert "| s.png | success | 1000 | 1500 | 50.0 % | 1.0 |" in text
