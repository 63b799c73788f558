# SPDX-License-Identifier: LGPL-2.1-or-later
"""The benchmark's cases: which part, which drawing variant, which prompt; and building a case's
inputs (images, truth solid, case.json) under ``benchmarks/out/cases/<id>/`` from its seed."""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

FAMILY_NAMES = ("plate", "l_bracket", "u_bracket", "stepped_block", "pocket_block",
                "angled_bracket", "flange", "shaft", "filleted")
TIER_NAMES = ("simple", "medium", "hard")
SEEDS_PER_TIER = 5

# variant -> (dimensioned, projection, border+title, degradation, kind)
VARIANTS = {
    "clean": (False, "third", False, None, "sheet"),
    "dims": (True, "third", False, None, "sheet"),
    "dims_title": (True, "third", True, None, "sheet"),
    "first_angle": (True, "first", True, None, "sheet"),
    "separate": (False, "third", False, None, "separate"),
    "jpeg": (False, "third", False, "jpeg", "sheet"),
    "blur": (False, "third", False, "blur", "sheet"),
    "noise": (False, "third", False, "noise", "sheet"),
    "lowres": (False, "third", False, "lowres", "sheet"),
    "rotate": (True, "third", False, "rotate", "sheet"),
    "photo": (False, "third", False, None, "photo"),
    "photo_views": (False, "third", False, None, "photo_views"),
}
VARIANT_NAMES = tuple(VARIANTS)

# One case per family, the tiers and variants spread: the fixed subset of `make bench-quick`.
QUICK = (
    ("plate", "simple", 0, "clean"),
    ("l_bracket", "simple", 0, "dims"),
    ("u_bracket", "medium", 0, "separate"),
    ("stepped_block", "medium", 0, "first_angle"),
    ("pocket_block", "hard", 0, "jpeg"),
    ("angled_bracket", "medium", 0, "rotate"),
    ("flange", "simple", 0, "dims_title"),
    ("shaft", "simple", 0, "photo"),
)


@dataclass
class Case:
    family: str
    tier: str
    seed: int
    variant: str
    projection: str = "third"
    dimensioned: bool = False
    prompt: str = ""
    images: list = field(default_factory=list)
    truth: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.family}-{self.tier}-{self.seed}-{self.variant}"

    def to_dict(self) -> dict:
        data = asdict(self)
        data["id"] = self.id
        return data


def all_cases() -> list[Case]:
    """9 families x 3 tiers x 5 seeds = 135 solids, each drawn in one variant; every family
    meets every variant at least once."""
    cases = []
    for f_index, family in enumerate(FAMILY_NAMES):
        for t_index, tier in enumerate(TIER_NAMES):
            for seed in range(SEEDS_PER_TIER):
                k = t_index * SEEDS_PER_TIER + seed
                variant = VARIANT_NAMES[(k + 5 * f_index) % len(VARIANT_NAMES)]
                cases.append(_case(family, tier, seed, variant))
    # Run order: round-robin over families and tiers, so that if the time budget runs out the
    # cases it cuts are the last seeds of every family, not one whole family.
    order = {name: i for i, name in enumerate(FAMILY_NAMES)}
    tiers = {name: i for i, name in enumerate(TIER_NAMES)}
    cases.sort(key=lambda c: (c.seed, tiers[c.tier], order[c.family]))
    return cases


def quick_cases() -> list[Case]:
    return [_case(*spec) for spec in QUICK]


def _case(family, tier, seed, variant) -> Case:
    dimensioned, projection, _, _, _ = VARIANTS[variant]
    return Case(family, tier, seed, variant, projection=projection, dimensioned=dimensioned)


def _length_prompt(length: float) -> str:
    return f"{round(length, 1):g} mm long"


def build(case: Case, out_dir: Path) -> Case:
    """Make the truth solid and the input images of ``case`` in ``out_dir``; fill in its images,
    prompt and truth. Runs in FreeCAD."""
    from benchmarks.parts import make_part
    from benchmarks.render import Sheet, render_sheet
    from benchmarks.score import hole_count
    from benchmarks.variants import crop_views, degrade, shaded

    out_dir.mkdir(parents=True, exist_ok=True)
    part = make_part(case.family, case.tier, case.seed)
    shape = part.shape
    shape.exportBrep(str(out_dir / "truth.brep"))
    bb = shape.BoundBox
    case.truth = {"volume_mm3": shape.Volume, "bbox_mm": [bb.XMin, bb.YMin, bb.ZMin, bb.XMax,
                                                          bb.YMax, bb.ZMax],
                  "extents_mm": [bb.XLength, bb.YLength, bb.ZLength], "holes": part.holes,
                  "holes_measured": hole_count(shape), "params": part.params}
    dimensioned, projection, titled, degradation, kind = VARIANTS[case.variant]
    rng = random.Random(f"{case.id}/variant")
    # "N mm long" names the longest extent, as a user says it and as the engine reads it.
    length = _length_prompt(max(bb.XLength, bb.YLength, bb.ZLength))
    title = case.family.replace("_", " ").upper() if titled else None
    images = []
    if kind in ("sheet", "separate"):
        boxes: dict = {}
        img = render_sheet(shape, None, Sheet(projection=projection, dimensions=dimensioned,
                                              border=titled, title=title), boxes_out=boxes)
        if kind == "separate":
            for role, crop in crop_views(img, boxes).items():
                path = out_dir / f"{role}.png"
                crop.save(path)
                images.append(path)
            case.prompt = ("front view, top view and right-side view of the same part, "
                           f"{length}")
        else:
            if degradation:
                img = degrade(img, degradation, rng)
            path = out_dir / ("drawing.jpg" if degradation == "jpeg" else "drawing.png")
            if degradation == "jpeg":
                img.save(path, quality=30)
            else:
                img.save(path)
            images.append(path)
            if not dimensioned:
                case.prompt = length
            elif projection == "first":
                case.prompt = "first angle projection"
    elif kind == "photo":
        path = out_dir / "photo.jpg"
        shaded(shape, "iso", rng).save(path, quality=88)
        images.append(path)
        case.prompt = f"photo of the part, {length}"
    elif kind == "photo_views":
        for role in ("front", "top", "right"):
            path = out_dir / f"photo_{role}.jpg"
            shaded(shape, role, rng).save(path, quality=88)
            images.append(path)
        case.prompt = f"front, top and right-side photos of the same part, {length}"
    case.images = [str(p) for p in images]
    (out_dir / "case.json").write_text(json.dumps(case.to_dict(), indent=2))
    return case
