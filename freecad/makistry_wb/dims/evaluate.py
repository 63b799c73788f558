# SPDX-License-Identifier: LGPL-2.1-or-later
"""Score dimension reading against an expected list (tests/data/dims/*.json).

``python3 -m freecad.makistry_wb.dims.evaluate DRAWING.png [...]`` prints, per drawing, the
values read correctly, those linked to the right geometry, the time taken (OCR, arrowheads and
linking: wall and CPU seconds) and what was missed.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from .. import plan


@dataclass
class Score:
    expected: int = 0
    read: int = 0  # value, kind and count right
    linked: int = 0  # read, in the right view, measuring the right axis or feature
    flags_right: int = 0
    missed: list[str] = field(default_factory=list)
    misplaced: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)  # read but printed nowhere


def _same_reading(want: dict, dim: plan.Dimension) -> bool:
    return (abs(dim.value - want["value"]) < 1e-6 and dim.kind == want["kind"]
            and dim.count == want.get("count", 1))


def _linked(want: dict, dim: plan.Dimension, views: list[plan.View]) -> bool:
    if want["kind"] == "angle":
        return dim.view_index is not None
    if "view" in want:
        if dim.view_index is None or views[dim.view_index].role != want["view"]:
            return False
        if want["view"] == "pictorial":  # a note on a shaded view: no outline to refer to
            return True
    if "axis" in want:
        return dim.axis == want["axis"]
    return bool(dim.refs)


def score(expected: list[dict], dims: list[plan.Dimension], views: list[plan.View]) -> Score:
    """Match each expected value to one read dimension (the best linked one first)."""
    result = Score(expected=len(expected))
    free = list(dims)
    for want in expected:
        same = [d for d in free if _same_reading(want, d)]
        if not same:
            result.missed.append(want["text"])
            continue
        same.sort(key=lambda d: not _linked(want, d, views))
        dim = same[0]
        free.remove(dim)
        result.read += 1
        if set(want.get("flags", [])) <= set(dim.flags):
            result.flags_right += 1
        if _linked(want, dim, views):
            result.linked += 1
        else:
            role = views[dim.view_index].role if dim.view_index is not None else None
            result.misplaced.append(f"{want['text']} (view {role}, axis {dim.axis})")
    result.extra = [d.text.replace("\n", " ") for d in free]
    return result


def expected_for(image_path: Path) -> list[dict] | None:
    data_dir = Path(__file__).resolve().parents[3] / "tests" / "data" / "dims"
    path = data_dir / (image_path.stem + ".json")
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["dimensions"]


def main(argv: list[str]) -> int:
    from .. import drawing
    from ..imaging.load import load_image
    from ..options import ImageInput
    from . import ocr, read_dimensions

    started = time.perf_counter()
    ocr.engine()
    print(f"OCR engine loaded in {time.perf_counter() - started:.2f} s")
    totals = Score()
    for name in argv:
        path = Path(name)
        image = load_image(ImageInput(str(path), path.read_bytes()))
        views = drawing.understand([image]).views
        started, cpu_started = time.perf_counter(), time.process_time()
        dims = read_dimensions([image], views)
        seconds = time.perf_counter() - started
        # CPU seconds of this process (all its threads): steadier than wall time on a shared
        # machine, where other processes' load stretches the wall time.
        cpu = time.process_time() - cpu_started
        expected = expected_for(path)
        if expected is None:
            print(f"{path.name}: {len(dims)} values in {seconds:.2f} s wall, {cpu:.2f} s CPU "
                  "(no expected list)")
            continue
        result = score(expected, dims, views)
        for attr in ("expected", "read", "linked", "flags_right"):
            setattr(totals, attr, getattr(totals, attr) + getattr(result, attr))
        print(f"{path.name}: read {result.read}/{result.expected}, linked {result.linked}, "
              f"flags {result.flags_right}, {seconds:.2f} s wall, {cpu:.2f} s CPU; "
              f"missed {result.missed}; "
              f"misplaced {result.misplaced}; extra {result.extra}")
    if totals.expected:
        print(f"total: read {totals.read}/{totals.expected} "
              f"({100 * totals.read / totals.expected:.1f} %), linked {totals.linked} "
              f"({100 * totals.linked / totals.expected:.1f} %)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
