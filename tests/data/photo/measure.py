# SPDX-License-Identifier: LGPL-2.1-or-later
"""Measure the photo path on the benchmark's shaded renders, without the CLI.

    /usr/bin/python3 tests/data/photo/measure.py [tier] [seeds] [family,family...]

For each family's photo_views case: exact IoU (true scale and scale-normalised, best of the 24
orientations) of the body built from the three photos; and, from the front photo alone, the
extruded outline's area against the true silhouette rasterised four times finer.
"""

from __future__ import annotations

import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from freecad.makistry_wb import runtime  # noqa: E402

FreeCAD = runtime.import_freecad()
runtime.add_dependency_paths()

import numpy as np  # noqa: E402
import Part  # noqa: E402

from benchmarks.cases import FAMILY_NAMES, Case, build  # noqa: E402
from benchmarks.score import ORIENTATIONS, placed, read_step  # noqa: E402
from benchmarks.variants import shaded  # noqa: E402
from freecad.makistry_wb.cad.build import build_body  # noqa: E402
from freecad.makistry_wb.imaging.load import load_image  # noqa: E402
from freecad.makistry_wb.options import ImageInput  # noqa: E402
from freecad.makistry_wb.photo import understand_photos  # noqa: E402
from freecad.makistry_wb.photo.outline import loop_area  # noqa: E402
from freecad.makistry_wb.reconstruct import plan_from_views  # noqa: E402


def best_iou(truth, answer, factor: float) -> float:
    best = 0.0
    for matrix in ORIENTATIONS:
        moved = placed(truth, answer, matrix, factor)
        inter = truth.common(moved).Volume
        best = max(best, inter / (truth.Volume + moved.Volume - inter))
    return best


def front_area_error(truth, image) -> float:
    black = shaded(truth, "front", random.Random(0), size=(3600, 2800), tint=(0, 0, 0))
    truth_px = float((np.asarray(black.convert("L")) < 120).sum()) / 16.0
    view = understand_photos([image], "front photo").views[0]
    loops = view.profiles[0].loops
    got = loop_area(loops[0]) - sum(loop_area(loop) for loop in loops[1:])
    return (got - truth_px) / truth_px


def main() -> None:
    tier = sys.argv[1] if len(sys.argv) > 1 else "simple"
    seeds = range(int(sys.argv[2]) if len(sys.argv) > 2 else 2)
    families = sys.argv[3].split(",") if len(sys.argv) > 3 else FAMILY_NAMES
    out = Path(tempfile.mkdtemp(prefix="photo_measure_"))
    ious, normalised, area_errors = [], [], []
    for family in families:
        for seed in seeds:
            folder = out / f"{family}-{tier}-{seed}"
            case = build(Case(family, tier, seed, "photo_views"), folder)
            truth = Part.Shape()
            truth.read(str(folder / "truth.brep"))
            truth = truth.Solids[0]
            images = [load_image(ImageInput(p, Path(p).read_bytes())) for p in case.images]
            line = f"{case.id:40s}"
            try:
                result = understand_photos(images, case.prompt)
                part_plan, _ = plan_from_views(result.views, case.prompt, name="P")
                doc = FreeCAD.newDocument("measure")
                body = build_body(part_plan, doc)
                doc.recompute()
                step = str(folder / "answer.step")
                body.Shape.exportStep(step)
                FreeCAD.closeDocument(doc.Name)
                answer = read_step(step)
                factor = (truth.Volume / answer.Volume) ** (1 / 3)
                ious.append(best_iou(truth, answer, 1.0))
                normalised.append(best_iou(truth, answer, factor))
                line += f" IoU {ious[-1]:.3f} normalised {normalised[-1]:.3f}"
            except Exception as exc:  # noqa: BLE001 - a failed case scores 0 and says why
                ious.append(0.0)
                normalised.append(0.0)
                line += f" FAILED {exc}"
            error = front_area_error(truth, images[0])
            area_errors.append(abs(error))
            print(line + f" | front outline area {100 * error:+.2f}%", flush=True)
    print(f"median IoU {statistics.median(ious):.3f}, scale-normalised "
          f"{statistics.median(normalised):.3f}, n={len(ious)}; front outline area |error| "
          f"median {100 * statistics.median(area_errors):.2f}% max "
          f"{100 * max(area_errors):.2f}%")


if __name__ == "__main__":
    main()
