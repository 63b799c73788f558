# SPDX-License-Identifier: LGPL-2.1-or-later
"""The benchmark's ground-truth generators, case list and drawings."""

from collections import Counter

import numpy as np
import pytest


@pytest.fixture(scope="module")
def bench(App):
    from benchmarks import cases, parts, render, score

    return parts, render, score, cases


def test_generators_make_valid_solids_of_the_declared_family_and_tier(bench):
    parts, _, score, _ = bench
    for family in parts.FAMILIES:
        for tier in parts.TIERS:
            for seed in (0, 1):
                part = parts.make_part(family, tier, seed)
                assert (part.family, part.tier, part.seed) == (family, tier, seed)
                assert part.shape.ShapeType == "Solid" and part.shape.isValid()
                assert part.shape.Volume > 1000
                bb = part.shape.BoundBox
                assert (bb.XMin, bb.YMin, bb.ZMin) == pytest.approx((0, 0, 0), abs=1e-6)
                assert score.hole_count(part.shape) == part.holes, part.name


def test_generators_are_reproducible_and_seeds_differ(bench):
    parts = bench[0]
    a, b = parts.make_part("flange", "hard", 4), parts.make_part("flange", "hard", 4)
    c = parts.make_part("flange", "hard", 5)
    assert a.shape.Volume == pytest.approx(b.shape.Volume, rel=1e-12)
    assert a.shape.Volume != pytest.approx(c.shape.Volume, rel=1e-3)


def test_case_list_covers_every_family_tier_and_variant(bench):
    cases = bench[3]
    every = cases.all_cases()
    assert len(every) >= 120
    assert len({c.id for c in every}) == len(every)
    per_ft = Counter((c.family, c.tier) for c in every)
    assert set(per_ft) == {(f, t) for f in cases.FAMILY_NAMES for t in cases.TIER_NAMES}
    for family in cases.FAMILY_NAMES:
        assert {c.variant for c in every if c.family == family} == set(cases.VARIANT_NAMES)


def test_projection_axes_follow_the_plan_conventions(bench):
    parts, render, _, _ = bench
    part = parts.demo_bracket()
    front, top, right = (render.project(part.shape, r) for r in ("front", "top", "right"))
    assert (front.width, front.height) == pytest.approx((120, 50))
    assert (top.width, top.height) == pytest.approx((120, 60))
    assert (right.width, right.height) == pytest.approx((60, 50))
    assert len(top.circles) == 2 and not front.circles  # holes seen end-on only from above
    assert front.hidden and right.hidden  # and as hidden lines from the side
    assert len(front.centre) == 2 and len(top.centre) == 4


def _dark_boxes(gray: np.ndarray, boxes: dict):
    for role, (x0, y0, x1, y1) in boxes.items():
        inside = gray[int(y0):int(y1) + 1, int(x0):int(x1) + 1]
        yield role, (inside < 128).mean()


@pytest.mark.parametrize("projection", ["third", "first"])
def test_three_view_sheet_is_drawn_with_separated_views(bench, projection):
    parts, render, _, _ = bench
    boxes: dict = {}
    img = render.render_sheet(parts.demo_bracket().shape, None,
                              render.Sheet(projection=projection), boxes_out=boxes)
    gray = np.asarray(img)
    assert img.size == (1600, 1100)
    assert 0.005 < (gray < 128).mean() < 0.1  # line work, not blank, not a blot
    for role, ink in _dark_boxes(gray, boxes):
        assert ink > 0.01, role
    front, top, right = boxes["front"], boxes["top"], boxes["right"]
    if projection == "third":
        assert top[3] + 60 < front[1] and front[2] + 60 < right[0]
    else:
        assert front[3] + 60 < top[1] and right[2] + 60 < front[0]
    assert abs(top[0] - front[0]) < 2 and abs(right[1] - front[1]) < 2  # views aligned
    # Nothing is drawn in the gaps between the views.
    if projection == "third":
        gap = gray[int(top[3]) + 25:int(front[1]) - 25, int(front[0]):int(front[2])]
    else:
        gap = gray[int(front[3]) + 25:int(top[1]) - 25, int(front[0]):int(front[2])]
    assert gap.size and (gap < 128).sum() == 0


def test_dimensioned_sheet_adds_annotation_ink(bench):
    parts, render, _, _ = bench
    shape = parts.demo_bracket().shape
    plain = np.asarray(render.render_sheet(shape, None, render.Sheet()))
    dims = np.asarray(render.render_sheet(shape, None, render.Sheet(dimensions=True,
                                                                   border=True, title="T")))
    assert (dims < 128).sum() > 1.3 * (plain < 128).sum()


def test_demo_drawing_is_the_committed_one(bench, repo_root, tmp_path):
    from PIL import Image

    committed = repo_root / "samples" / "demo_bracket.png"
    assert committed.stat().st_size < 150_000
    parts, render, _, _ = bench
    fresh = tmp_path / "demo.png"
    render.render_sheet(parts.demo_bracket().shape, str(fresh),
                        render.Sheet(title="DEMO L-BRACKET"))
    a = np.asarray(Image.open(committed).convert("L"), dtype=int)
    b = np.asarray(Image.open(fresh).convert("L"), dtype=int)
    assert a.shape == b.shape == (1100, 1600)
    assert (np.abs(a - b) > 64).mean() < 0.001


def test_case_inputs_are_rebuilt_identically_from_the_seed(bench, tmp_path):
    cases = bench[3]
    spec = ("pocket_block", "medium", 2, "noise")
    first = cases.build(cases.Case(*spec), tmp_path / "a")
    second = cases.build(cases.Case(*spec), tmp_path / "b")
    assert first.prompt == second.prompt and first.prompt.endswith("mm long")
    assert first.truth["holes"] == 4 and first.truth["volume_mm3"] > 0
    for a, b in zip(first.images, second.images):
        assert open(a, "rb").read() == open(b, "rb").read()
