# SPDX-License-Identifier: LGPL-2.1-or-later
"""The hand-made models of the sample drawings match the drawings' published answers, so they
can stand as the truth the engine's shapes are scored against."""

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "data" / "truth"))


@pytest.fixture(scope="module")
def models(App):
    import sample_models

    return sample_models.MODELS


def test_models_match_published_mass_and_size(models, samples_dir):
    truth = json.loads((samples_dir / "ground_truth.json").read_text())
    for name, make in models.items():
        solid = make()
        expected = truth[name]
        assert solid.isValid() and len(solid.Solids) == 1, name
        mass_g = solid.Volume * expected["density_kg_m3"] * 1e-6
        assert mass_g == pytest.approx(expected["mass_g"], abs=1.0), name  # the drawing's rule
        box = solid.optimalBoundingBox()
        size = sorted([box.XLength, box.YLength, box.ZLength])
        assert size == pytest.approx(sorted(expected["bbox_mm"]), abs=0.05), name
        assert (box.XMin, box.YMin, box.ZMin) == pytest.approx((0, 0, 0), abs=1e-6), name
