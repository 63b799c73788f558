# SPDX-License-Identifier: LGPL-2.1-or-later
"""Rendered benchmark drawings with their pixel ground truth, and scores for the drawing layer.

Renders a benchmark part (benchmarks/parts.py) with the benchmark's own renderer
(benchmarks/render.py), recomputes the renderer's layout to know where every view, circle,
visible and hidden line landed in pixels, runs ``drawing.understand`` and scores it.

    /usr/bin/python3 tests/test_drawing_truth.py     # prints the scores over a set of cases
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


@dataclass
class ViewTruth:
    box: tuple[float, float, float, float]  # x, y, w, h in pixels (line centres)
    circles: list[tuple[float, float, float]] = field(default_factory=list)  # image px
    visible: list[list[tuple[float, float]]] = field(default_factory=list)
    hidden: list[list[tuple[float, float]]] = field(default_factory=list)


@dataclass
class Case:
    name: str
    projection: str
    rgb: np.ndarray
    views: dict[str, ViewTruth]


def render_case(family: str, tier: str, seed: int, projection: str = "third",
                title: str | None = None, size=(1600, 1100)) -> Case:
    """One benchmark drawing and where its views landed (mirrors render.render_sheet)."""
    from benchmarks.parts import make_part
    from benchmarks.render import Sheet, _layout, project, render_sheet

    part = make_part(family, tier, seed)
    sheet = Sheet(size=size, projection=projection, title=title)
    views = {role: project(part.shape, role) for role in ("front", "top", "right")}
    img = render_sheet(part.shape, sheet=sheet, views=views)
    extent = max(max(v.width, v.height) for v in views.values())
    gap = 0.22 * extent
    pos = _layout(views, projection, gap)
    total_w = max(pos[r][0] + views[r].width for r in pos)
    total_h = max(pos[r][1] + views[r].height for r in pos)
    width_px, height_px = size
    margin = 0.07 * min(width_px, height_px)
    title_h = 0.11 * height_px if title else 0.0
    scale = min((width_px - 2 * margin) / total_w, (height_px - 2 * margin - title_h) / total_h)
    off_x = (width_px - total_w * scale) / 2
    off_y = (height_px - title_h - total_h * scale) / 2 + total_h * scale

    truths = {}
    for role, v in views.items():
        def to_px(x, y, role=role, v=v):
            return (off_x + (pos[role][0] + (x - v.box[0])) * scale,
                    off_y - (pos[role][1] + (y - v.box[1])) * scale)
        x0, y1 = to_px(v.box[0], v.box[1])
        x1, y0 = to_px(v.box[2], v.box[3])
        truth = ViewTruth((x0, y0, x1 - x0, y1 - y0))
        for cx, cy, r in v.circles:
            px, py = to_px(cx, cy)
            truth.circles.append((px, py, r * scale))
        truth.visible = [[to_px(*p) for p in line] for line in v.visible]
        truth.hidden = [[to_px(*p) for p in line] for line in v.hidden]
        truths[role] = truth
    rgb = np.asarray(img.convert("RGB"), dtype=np.uint8).copy()
    return Case(f"{family}-{tier}-{seed}-{projection}", projection, rgb, truths)


def _samples(line: list[tuple[float, float]], step: float = 2.0):
    for (x0, y0), (x1, y1) in zip(line, line[1:]):
        n = max(1, int(math.hypot(x1 - x0, y1 - y0) / step))
        for i in range(n):
            t = (i + 0.5) / n
            yield x0 + (x1 - x0) * t, y0 + (y1 - y0) * t, math.hypot(x1 - x0, y1 - y0) / n


def _distance_to(prim, view, x: float, y: float) -> float:
    """Pixel distance from image point (x, y) to a primitive of ``view``."""
    from freecad.makistry_wb import plan

    bx, by, _bw, bh = view.box
    vx, vy = x - bx, by + bh - y
    if isinstance(prim, plan.Line):
        ax, ay, qx, qy = prim.x0, prim.y0, prim.x1, prim.y1
        dx, dy = qx - ax, qy - ay
        t = 0.0 if dx == dy == 0 else max(0.0, min(1.0, ((vx - ax) * dx + (vy - ay) * dy)
                                                   / (dx * dx + dy * dy)))
        return math.hypot(vx - ax - t * dx, vy - ay - t * dy)
    radial = abs(math.hypot(vx - prim.cx, vy - prim.cy) - prim.r)
    if isinstance(prim, plan.Circle):
        return radial
    ang = math.degrees(math.atan2(vy - prim.cy, vx - prim.cx)) % 360
    if (ang - prim.start_deg) % 360 <= prim.sweep_deg():
        return radial
    return min(math.hypot(vx - px, vy - py) for px, py in (prim.start(), prim.end()))


def line_type_agreement(view, truth: ViewTruth, tolerance: float = 2.5) -> tuple[float, float]:
    """(length read with the right type, total truth length) over visible and hidden lines.
    A truth point counts as right when the nearest recovered primitive has its type."""
    right = total = 0.0
    visible_points = np.array([(x, y) for line in truth.visible for x, y, _ in _samples(line)])
    hidden_points = [np.array([(x, y) for x, y, _ in _samples(line)]) for line in truth.hidden]
    for kind, lines in (("visible", truth.visible), ("hidden", truth.hidden)):
        for index, line in enumerate(lines):
            for x, y, length in _samples(line):
                if kind == "hidden" and len(visible_points) and np.min(np.hypot(
                        visible_points[:, 0] - x, visible_points[:, 1] - y)) < tolerance + 1:
                    continue  # drawn under a visible line: the drawing does not show it
                if kind == "hidden" and any(
                        other != index and len(pts) and np.min(np.hypot(
                            pts[:, 0] - x, pts[:, 1] - y)) < 1.5
                        for other, pts in enumerate(hidden_points)):
                    # Two hidden edges on one line: their dash patterns, out of phase, can
                    # draw a solid line, so the drawing itself no longer says "hidden".
                    continue
                total += length
                best = min(view.primitives, key=lambda p, x=x, y=y: _distance_to(p, view, x, y),
                           default=None)
                if best is not None and _distance_to(best, view, x, y) <= tolerance \
                        and best.line_type == kind:
                    right += length
    return right, total


def circle_errors(view, truth: ViewTruth) -> list[tuple[float, float]]:
    """(centre error, radius error) in px for each truth circle, matched to the nearest
    recovered circle of the view (inf when none is near)."""
    from freecad.makistry_wb import plan

    bx, by, _bw, bh = view.box
    found = [(c.cx + bx, by + bh - c.cy, c.r) for c in view.primitives
             if isinstance(c, plan.Circle) and c.line_type == "visible"]
    errors = []
    for cx, cy, r in truth.circles:
        best = min(found, key=lambda f: math.hypot(f[0] - cx, f[1] - cy) + abs(f[2] - r),
                   default=None)
        if best is None:
            errors.append((math.inf, math.inf))
        else:
            errors.append((math.hypot(best[0] - cx, best[1] - cy), abs(best[2] - r)))
    return errors


def evaluate(case: Case) -> dict:
    from freecad.makistry_wb.drawing import understand
    from freecad.makistry_wb.imaging.load import LoadedImage

    image = LoadedImage(name=case.name + ".png", format="PNG", rgb=case.rgb)
    start = time.perf_counter()
    result = understand([image])
    elapsed = time.perf_counter() - start
    ortho = {v.role: v for v in result.views if v.role in ("front", "top", "right", "left",
                                                          "bottom", "back")}
    roles_ok = set(ortho) == set(case.views) and len(ortho) == len(
        [v for v in result.views if v.role in ortho])
    projection_ok = all(v.projection == case.projection for v in ortho.values())
    box_err = 0.0
    right = total = 0.0
    circle_err: list[tuple[float, float]] = []
    for role, truth in case.views.items():
        view = ortho.get(role)
        if view is None:
            box_err = math.inf
            continue
        box_err = max(box_err, max(abs(a - b) for a, b in zip(view.box, truth.box)))
        r, t = line_type_agreement(view, truth)
        right += r
        total += t
        circle_err += circle_errors(view, truth)
    return {"roles_ok": roles_ok and projection_ok, "box_err_px": box_err,
            "type_right": right, "type_total": total, "circle_err": circle_err,
            "seconds": elapsed, "views": [(v.role, v.box) for v in result.views]}


def timing(repeats: int = 5) -> None:
    """Wall and CPU seconds of ``understand`` on 2400 x 1350 drawings (the samples' size):
    a benchmark render and the Too Tall Toby samples. CPU time is what the layer costs;
    wall time also counts waiting for a shared machine."""
    from freecad.makistry_wb.drawing import understand
    from freecad.makistry_wb.imaging.load import LoadedImage

    images = [("l_bracket-hard render", render_case("l_bracket", "hard", 1,
                                                      size=(2400, 1350)).rgb)]
    samples = REPO.parent / "shared" / "samples"
    if samples.is_dir():
        from PIL import Image

        for path in sorted(samples.glob("ttt-*.png")):
            images.append((path.name, np.asarray(Image.open(path).convert("RGB")).copy()))
    for name, rgb in images:
        image = LoadedImage(name=name, format="PNG", rgb=rgb)
        understand([image])  # warm-up
        walls, cpus = [], []
        for _ in range(repeats):
            w0, c0 = time.perf_counter(), time.process_time()
            result = understand([image])
            walls.append(time.perf_counter() - w0)
            cpus.append(time.process_time() - c0)
        stages = ", ".join(f"{k} {v:.3f}" for k, v in result.timings_s.items())
        print(f"{name:24s} {rgb.shape[1]}x{rgb.shape[0]}  wall median {np.median(walls):.3f}s"
              f"  cpu median {np.median(cpus):.3f}s  ({stages})")


def benchmark_inputs() -> None:
    """Roles and projection on the benchmark's own case inputs (benchmarks/out/cases, built by
    ``make bench``), photos left out: counts per variant."""
    import json
    from collections import Counter

    from PIL import Image

    from freecad.makistry_wb import errors, plan
    from freecad.makistry_wb.drawing import understand
    from freecad.makistry_wb.imaging.load import LoadedImage

    tally: Counter = Counter()
    for case_file in sorted((REPO / "benchmarks" / "out" / "cases").glob("*/case.json")):
        case = json.loads(case_file.read_text())
        if "photo" in case["variant"]:
            continue
        images = [LoadedImage(name=Path(p).name, format="PNG",
                              rgb=np.asarray(Image.open(p).convert("RGB")).copy())
                  for p in case["images"]]
        try:
            views = understand(images, case.get("prompt", "")).views
        except errors.MakistryError:
            views = []
        ortho = [v for v in views if v.role in plan.ORTHO_ROLES]
        right = sorted(v.role for v in ortho) == ["front", "right", "top"] and (
            case["variant"] == "separate"
            or {v.projection for v in ortho} == {case["projection"]})
        tally[(case["variant"], right)] += 1
        if not right:
            print(f"{case_file.parent.name:40s} {[(v.role, v.projection) for v in ortho]}")
    variants = sorted({v for v, _ in tally})
    for variant in variants:
        done = tally[(variant, True)]
        print(f"{variant:12s} {done}/{done + tally[(variant, False)]}")
    good = sum(n for (_, ok), n in tally.items() if ok)
    print(f"all          {good}/{sum(tally.values())}")


def main() -> int:
    from benchmarks.parts import FAMILIES

    if "--timing" in sys.argv:
        timing()
        return 0
    if "--cases" in sys.argv:
        benchmark_inputs()
        return 0

    totals = {"cases": 0, "roles_ok": 0, "right": 0.0, "total": 0.0, "circles": 0,
              "circles_ok": 0, "seconds": []}
    for family in FAMILIES:
        for tier in ("simple", "medium", "hard"):
            for projection in ("third", "first"):
                case = render_case(family, tier, 1, projection)
                score = evaluate(case)
                totals["cases"] += 1
                totals["roles_ok"] += score["roles_ok"]
                totals["right"] += score["type_right"]
                totals["total"] += score["type_total"]
                totals["seconds"].append(score["seconds"])
                ok = [c <= 1.0 and r <= 1.0 for c, r in score["circle_err"]]
                totals["circles"] += len(ok)
                totals["circles_ok"] += sum(ok)
                share = score["type_right"] / max(score["type_total"], 1e-9)
                print(f"{case.name:34s} roles {'ok ' if score['roles_ok'] else 'BAD'} "
                      f"box {score['box_err_px']:5.1f}px types {share:6.1%} circles "
                      f"{sum(ok)}/{len(ok)} {score['seconds']:.2f}s"
                      + ("" if score["roles_ok"] else f"  {score['views']}"))
    print(f"roles right {totals['roles_ok']}/{totals['cases']}, line types right "
          f"{totals['right'] / max(totals['total'], 1e-9):.1%} of length, circles within 1 px "
          f"{totals['circles_ok']}/{totals['circles']}, median time "
          f"{np.median(totals['seconds']):.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
