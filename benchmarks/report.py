# SPDX-License-Identifier: LGPL-2.1-or-later
"""BENCHMARKS.md from the rows of a run: per family and tier, per variant, error codes, and the
real samples. Failed cases are in every statistic with IoU 0 (errors 100 %)."""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from benchmarks.cases import FAMILY_NAMES, TIER_NAMES, VARIANT_NAMES

ROOT = Path(__file__).resolve().parents[1]


def _pct(values, q) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if values else float("nan")


def _row_stats(rows: list) -> list[str]:
    n = len(rows)
    ok = sum(r["success"] for r in rows)
    ious = [r["iou"] for r in rows]
    norm = [r["iou_normalised"] for r in rows]
    holes = sum(1 for r in rows if r["success"] and r.get("truth")
                and r["holes"] == r["truth"]["holes"])
    times = [r.get("time_s", 0.0) for r in rows]
    return [f"{n}", f"{ok}/{n} ({100 * ok / n:.0f} %)", f"{_pct(ious, 50):.3f}",
            f"{_pct(ious, 10):.3f}", f"{_pct(norm, 50):.3f}",
            f"{100 * _pct([r['volume_error'] for r in rows], 50):.1f} %",
            f"{100 * _pct([r['bbox_error'] for r in rows], 50):.1f} %",
            f"{holes}/{n}", f"{_pct(times, 50):.1f}",
            f"{max((r.get('peak_mb', 0.0) for r in rows), default=0):.0f}"]


STAT_HEADER = ["cases", "success", "IoU median", "IoU p10", "IoU median (scale-normalised)",
               "volume error median", "bbox error median", "holes right", "time median (s)",
               "peak memory max (MB)"]


def _scale_sources(rows: list) -> str:
    sources = Counter(r.get("scale_source") for r in rows if r["success"])
    return " / ".join(str(sources.get(k, 0)) for k in ("dimensions", "prompt", "default"))


STAGES = ["load", "drawing", "dimensions", "reconstruct", "build", "check", "candidates", "export",
          "total"]
# What issue 5 times: drawing layer + reconstruction + FreeCAD build + STEP export.
COUNTED = ("drawing", "reconstruct", "build", "candidates", "export")


def _stage_table(rows: list) -> list[str]:
    """Per tier and for all: the median time of each engine stage, of the stages issue 5
    counts, and of the whole CLI call."""
    def medians(group: list) -> list[str]:
        done = [r for r in group if r["success"] and r.get("stages_s")]
        cells = [f"{_pct([r['stages_s'].get(k, 0.0) for r in done], 50):.2f}" for k in STAGES]
        counted = [sum(r["stages_s"].get(k, 0.0)
                       for k in COUNTED) for r in done]
        return [str(len(done)), *cells, f"{_pct(counted, 50):.2f}",
                f"{_pct([r.get('time_s', 0.0) for r in done], 50):.2f}"]

    body = [[tier, *medians([r for r in rows if r["tier"] == tier])] for tier in TIER_NAMES
            if any(r["tier"] == tier for r in rows)]
    body.append(["**all**", *medians(rows)])
    counted = " + ".join(COUNTED)
    return _table(["tier", "cases", *STAGES, counted, "CLI"], body)


def _mass_error(sample: dict) -> str:
    density = sample.get("density_kg_m3")
    if not density:
        return "-"
    return f"{abs(sample['volume'] - sample['truth_volume']) * density * 1e-6:.1f}"


def _table(header: list[str], body: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in body]
    return lines


def write_markdown(path: Path, meta: dict, rows: list, samples: list) -> None:
    by_ft = defaultdict(list)
    by_variant = defaultdict(list)
    for r in rows:
        by_ft[(r["family"], r["tier"])].append(r)
        by_variant[r["variant"]].append(r)
    body = []
    for family in FAMILY_NAMES:
        for tier in TIER_NAMES:
            if by_ft.get((family, tier)):
                body.append([family, tier, *_row_stats(by_ft[(family, tier)])])
    body.append(["**all**", "", *_row_stats(rows)])
    when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    command = "make bench" if meta["mode"] == "all" else "make bench-quick"
    dirty = (f" (the working tree had {meta['engine_dirty']} uncommitted change(s) under "
             "freecad/ when it ran)" if meta.get("engine_dirty") else "")
    out = [
        "<!-- SPDX-License-Identifier: LGPL-2.1-or-later -->",
        "# Benchmarks",
        "",
        f"Commit `{meta['commit']}`{dirty}; `{command}` ({meta['mode']} cases), {when}; "
        f"wall time {meta['wall_s']:.0f} s on {meta['machine']} with {meta['workers']} "
        f"workers; {meta['case_timeout_s']:g} s limit per case, {meta['budget_s']:g} s for the "
        "run.",
        "",
        "Each case: a seeded parametric solid (benchmarks/parts.py), drawn headless with "
        "TechDraw.projectEx (benchmarks/render.py) in one variant, converted by "
        "`python3 -m freecad.makistry_wb convert` and its STEP answer scored against the truth "
        "(benchmarks/score.py): IoU by exact OCC booleans after the best of the 24 axis-aligned "
        "orientations, with the centres of mass or of the bounding boxes together (the better), "
        "at true scale and after scaling the answer to the truth's size (bounding-box diagonal). "
        "A failed case counts as IoU 0 and 100 % error. Inputs are rebuilt "
        "from the seeds under benchmarks/out/ (not committed).",
        "",
        "## By family and tier",
        "",
        *_table(["family", "tier", *STAT_HEADER], body),
        "",
        "## By input variant",
        "",
        *_table(["variant", *STAT_HEADER, "scale source (dimensions / prompt / default)"],
                [[v, *_row_stats(by_variant[v]), _scale_sources(by_variant[v])]
                 for v in VARIANT_NAMES if by_variant.get(v)]),
        "",
        "## Time in the engine process",
        "",
        "Medians over the cases that succeeded, in seconds, from each report's `timings_s` (the "
        "engine process's own clock; the CLI column adds starting Python and loading FreeCAD). "
        "Issue 5 counts drawing layer + reconstruction + build + STEP export; the dimensions "
        "stage (OCR) runs only on drawings.",
        "",
        *_stage_table(rows),
        "",
        "## The ten worst cases",
        "",
        *_table(["case", "result", "IoU", "prompt"],
                [[r["id"], "success" if r["success"] else f"failed: {r['error']}",
                  f"{r['iou']:.3f}", r.get("prompt") or "(none)"]
                 for r in sorted(rows, key=lambda r: (r["iou"], r["id"]))[:10]]),
        "",
        "## Failures by error code",
        "",
    ]
    codes = Counter(r["error"] for r in rows if not r["success"])
    if codes:
        examples = {}
        for r in rows:
            if not r["success"] and r["error"] not in examples:
                examples[r["error"]] = (r["id"], (r.get("message") or "").replace("|", "/"))
        out += _table(["code", "cases", "first case", "message"],
                      [[c, str(n), examples[c][0], examples[c][1][:160]]
                       for c, n in codes.most_common()])
    else:
        out.append("None.")
    out += ["", "## Real samples (../shared/samples)", ""]
    if not meta.get("samples_present"):
        out.append("Skipped: the folder ../shared/samples is absent on this machine.")
    elif not samples:
        out.append("No ttt-*.png sample with a volume and bounding box in ground_truth.json.")
    else:
        body = []
        for s in samples:
            want = " x ".join(f"{v:g}" for v in sorted(s["truth_extents"], reverse=True))
            if s["success"]:
                got = " x ".join(f"{v:.1f}" for v in s["extents"])
                iou = (f"{s['iou']:.3f} / {s['iou_normalised']:.3f}" if "iou" in s
                       else "no model")
                body.append([s["file"], "success", f"{s['truth_volume']:.0f}",
                             f"{s['volume']:.0f}", f"{100 * s['volume_error']:.1f} %",
                             _mass_error(s), want,
                             got, f"{100 * s['bbox_error']:.1f} %", iou, f"{s['time_s']:.1f}"])
            else:
                body.append([s["file"], f"failed: {s['error']}", f"{s['truth_volume']:.0f}",
                             "-", "100 %", "-", want, "-", "100 %", "0",
                             f"{s.get('time_s', 0):.1f}"])
        out += _table(["file", "result", "volume truth (mm³)", "volume answer (mm³)",
                       "volume error", "mass error (g)", "bbox truth (mm)",
                       "bbox answer (mm, sorted)", "bbox error",
                       "IoU vs hand model (true scale / normalised)", "time (s)"], body)
        out += ["", "The hand models (tests/data/truth/sample_models.py) match the published "
                "masses within 1 g; tests/test_samples_truth.py checks them.", "",
                "Time per stage on these 2400 x 1350 drawings (seconds, in the engine process; "
                "the run's two workers share the 2 cores):", ""]
        out += _table(["file", *STAGES],
                      [[s["file"], *(f"{s['stages_s'][k]:.2f}" if k in s.get("stages_s", {})
                                     else "-" for k in STAGES)] for s in samples])
    api = ROOT / "benchmarks" / "api_load.json"
    if api.exists():
        load = json.loads(api.read_text())
        out += ["", "## HTTP API under load", "",
                f"`{load['command']}` on {load['date']} (commit {load['commit']}): "
                f"{load['jobs']} jobs from {load['clients']} concurrent clients on loopback, "
                f"{load['workers']} engine worker, queue of {load['max_queue']}.", "",
                *_table(["jobs done", "lost", "wall (s)", "jobs/min", "poll p50 / p95 (ms)",
                         "end to end p50 / p95 (s)", "429 answers (retried)"],
                        [[str(load["statuses"].get("success", 0)), str(load["lost"]),
                          f"{load['wall_s']:.0f}", f"{load['throughput_jobs_per_min']:.1f}",
                          f"{load['poll_ms']['p50']:.1f} / {load['poll_ms']['p95']:.1f}",
                          f"{load['end_to_end_s']['p50']:.0f} / {load['end_to_end_s']['p95']:.0f}",
                          str(load["answers_429"])]])]
    out += ["", "Re-run: `make bench` (all, 135 cases + samples) or `make bench-quick` (8 "
            "cases + samples). Per-case rows: benchmarks/out/results-*.json.", ""]
    path.write_text("\n".join(out))
