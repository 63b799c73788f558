# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run the benchmark and write BENCHMARKS.md.

    /usr/bin/python3 benchmarks/run.py --all      # make bench: 135 cases + the real samples
    /usr/bin/python3 benchmarks/run.py --quick    # make bench-quick: a fixed subset of 8

Each case is built from its seed (truth solid, drawing), the engine is called only through the
headless CLI in a subprocess with a time limit, and its STEP answer is scored against the truth.
A case that fails in any way counts as IoU 0 with its error code; nothing is skipped.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.cases import Case, all_cases, quick_cases  # noqa: E402
from benchmarks.report import write_markdown  # noqa: E402

OUT_ROOT = REPO_ROOT / "benchmarks" / "out"
SAMPLES_DIR = REPO_ROOT.parent / "shared" / "samples"
SYSTEM_PYTHON = "/usr/bin/python3"
CASE_TIMEOUT_S = 60.0
SCORE_TIMEOUT_S = 90.0
TAIL_CHARS = 300


def run_engine(images: list, prompt: str, work: Path, timeout: float) -> dict:
    """One call of the headless interface; returns exit status, report, wall time, peak RSS."""
    work.mkdir(parents=True, exist_ok=True)
    answer, report_path = work / "answer.step", work / "report.json"
    for stale in (answer, report_path):
        stale.unlink(missing_ok=True)
    cmd = [SYSTEM_PYTHON, "-m", "freecad.makistry_wb", "convert", *map(str, images),
           "-o", str(answer), "--report", str(report_path)]
    if prompt:
        cmd += ["--prompt", prompt]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    start = time.monotonic()
    with open(work / "stderr.txt", "wb") as err, open(work / "stdout.txt", "wb") as out:
        proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=err,
                                start_new_session=True)
        timed_out = threading.Event()

        def kill():
            timed_out.set()
            try:
                os.killpg(proc.pid, 9)
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        # wait4 gives this child's own peak memory (RUSAGE_CHILDREN would be cumulative).
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - start
    result = {"exit": proc.returncode, "time_s": wall, "peak_mb": usage.ru_maxrss / 1024.0,
              "timed_out": timed_out.is_set(), "answer": str(answer), "report": None}
    if report_path.exists():
        try:
            result["report"] = json.loads(report_path.read_text())
        except (OSError, ValueError):
            result["report"] = None
    stderr = (work / "stderr.txt").read_text(errors="replace").strip()
    result["stderr_tail"] = stderr[-TAIL_CHARS:]
    return result


def error_of(run: dict) -> tuple[str, str] | None:
    """(code, message) when the engine did not give an answer, else None."""
    report = run.get("report") or {}
    if run["timed_out"]:
        return "timeout", f"no answer within {CASE_TIMEOUT_S:g} s"
    if report.get("status") == "failed" or run["exit"] != 0:
        err = report.get("error") or {}
        code = err.get("code") or ("no_report" if not report else "failed")
        last = run["stderr_tail"].splitlines()[-1:] or [f"exit {run['exit']}"]
        return code, err.get("message") or last[0]
    if not Path(run["answer"]).exists() or Path(run["answer"]).stat().st_size == 0:
        return "no_output", "exit 0 but no STEP file"
    return None


def score_case(case_dict: dict, deadline: float) -> dict:
    """Worker: build the case, run the engine, score the answer. Never raises."""
    from benchmarks.cases import build
    from benchmarks.score import failed

    case = Case(**{k: v for k, v in case_dict.items() if k != "id"})
    work = OUT_ROOT / "cases" / case.id
    row = {"id": case.id, "family": case.family, "tier": case.tier, "seed": case.seed,
           "variant": case.variant, "projection": case.projection,
           "dimensioned": case.dimensioned}
    started = time.monotonic()
    try:
        build(case, work)
    except Exception as exc:  # a harness defect: report it loudly, still count the case
        row.update(failed().to_dict(), success=False, error="truth_failed", message=repr(exc),
                   time_s=0.0, peak_mb=0.0)
        return row
    row.update(prompt=case.prompt, images=[Path(p).name for p in case.images],
               truth=case.truth, build_s=time.monotonic() - started)
    budget = min(CASE_TIMEOUT_S, deadline - time.time())
    if budget < 5:
        row.update(failed().to_dict(), success=False, error="bench_budget",
                   message="the run's time budget was spent before this case", time_s=0.0,
                   peak_mb=0.0)
        return row
    run = run_engine(case.images, case.prompt, work, budget)
    row.update(time_s=run["time_s"], peak_mb=run["peak_mb"])
    report = run.get("report") or {}
    row["scale_source"] = (report.get("scale") or {}).get("source")
    row["stages_s"] = report.get("timings_s") or {}
    row["warnings"] = len(report.get("warnings") or [])
    problem = error_of(run)
    if problem is None:
        started = time.monotonic()
        scored = score_in_subprocess(work / "truth.brep", Path(run["answer"]))
        if "error" not in scored:
            row.update(scored, success=True, error=None, message="",
                       score_s=time.monotonic() - started)
            return row
        problem = (scored["error"], scored.get("message", ""))
    row.update(failed().to_dict(), success=False, error=problem[0], message=problem[1])
    return row


def score_in_subprocess(truth: Path, answer: Path) -> dict:
    """The score of one answer, computed in a child with a time limit."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    try:
        done = subprocess.run([SYSTEM_PYTHON, "-m", "benchmarks.score", str(truth), str(answer)],
                              cwd=REPO_ROOT, env=env, capture_output=True, text=True,
                              timeout=SCORE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return {"error": "score_timeout", "message": f"scoring took over {SCORE_TIMEOUT_S:g} s"}
    lines = done.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError):
        tail = done.stderr.strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return {"error": "unreadable_step", "message": tail[0][:TAIL_CHARS]}


def score_sample(name: str, truth: dict, deadline: float) -> dict:
    """Worker: one real drawing from ../shared/samples against its published volume and box."""
    from benchmarks.score import read_step, tight_box

    work = OUT_ROOT / "samples" / Path(name).stem
    row = {"file": name, "truth_volume": truth["volume_mm3"], "truth_extents": truth["bbox_mm"],
           "density_kg_m3": truth.get("density_kg_m3")}
    budget = min(CASE_TIMEOUT_S, deadline - time.time())
    if budget < 5:
        row.update(success=False, error="bench_budget", time_s=0.0, peak_mb=0.0)
        return row
    run = run_engine([SAMPLES_DIR / name], "", work, budget)
    row.update(time_s=run["time_s"], peak_mb=run["peak_mb"],
               stages_s=(run["report"] or {}).get("timings_s", {}))
    problem = error_of(run)
    if problem is None:
        try:
            answer = read_step(run["answer"])
            bb = tight_box(answer)
            extents = sorted((bb.XLength, bb.YLength, bb.ZLength), reverse=True)
            want = sorted(truth["bbox_mm"], reverse=True)
            row.update(success=True, error=None, volume=answer.Volume, extents=extents,
                       volume_error=abs(answer.Volume - truth["volume_mm3"]) / truth["volume_mm3"],
                       bbox_error=max(abs(a - t) / t for a, t in zip(extents, want)))
            row.update(_iou_against_model(name, answer))
            return row
        except Exception as exc:
            problem = ("unreadable_step", str(exc)[:TAIL_CHARS])
    row.update(success=False, error=problem[0], message=problem[1])
    return row


def _iou_against_model(name: str, answer) -> dict:
    """IoU against the solid modelled by hand from the drawing, where there is one
    (tests/data/truth/sample_models.py, checked against the published mass)."""
    from benchmarks.score import as_solid, score

    sys.path.insert(0, str(REPO_ROOT / "tests" / "data" / "truth"))
    try:
        import sample_models
    finally:
        sys.path.pop(0)
    make = sample_models.MODELS.get(name)
    if make is None:
        return {}
    result = score(as_solid(make()), answer)
    return {"iou": result.iou, "iou_normalised": result.iou_normalised}


def load_sample_truths() -> dict:
    """{file: {volume_mm3, bbox_mm}} for the ttt-*.png drawings, from ground_truth.json."""
    data = json.loads((SAMPLES_DIR / "ground_truth.json").read_text())
    entries = data.get("samples", data) if isinstance(data, dict) else data
    truths = {}
    items = entries.items() if isinstance(entries, dict) else (
        (e.get("file"), e) for e in entries)
    for name, entry in items:
        if not name or not name.startswith("ttt-"):
            continue
        volume = entry.get("volume_mm3")
        box = entry.get("bbox_mm")
        if volume and box:
            truths[name] = {"volume_mm3": float(volume), "bbox_mm": [float(v) for v in box],
                            "density_kg_m3": entry.get("density_kg_m3")}
    return truths


def git_state() -> dict:
    def git(*args):
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True,
                              text=True).stdout.strip()

    dirty = [line for line in git("status", "--porcelain", "--", "freecad").splitlines()
             if line and not line.startswith("??")]
    return {"commit": git("rev-parse", "HEAD"), "short": git("rev-parse", "--short", "HEAD"),
            "engine_dirty": len(dirty)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--all", action="store_true", help="every case and the real samples")
    which.add_argument("--quick", action="store_true", help="the fixed subset")
    parser.add_argument("--budget", type=float, help="whole-run time budget in seconds "
                        "(default 840 for --all, 110 for --quick)")
    parser.add_argument("--only", metavar="TEXT", help="only the cases whose id contains TEXT "
                        "(e.g. flange, hard, photo), no real samples; writes "
                        "benchmarks/out/BENCHMARKS-only.md unless --output is given")
    parser.add_argument("--output")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)

    global CASE_TIMEOUT_S
    from benchmarks.annotate import FONT_PATH

    if not Path(FONT_PATH).exists():
        print(f"bench: the font {FONT_PATH} is missing; dimension values are drawn with it. "
              "Install it: apt-get install fonts-dejavu-core", file=sys.stderr)
        return 2
    if args.quick:
        CASE_TIMEOUT_S = 45.0
    budget = args.budget or (840.0 if args.all else 110.0)
    cases = all_cases() if args.all else quick_cases()
    if args.only:
        cases = [c for c in cases if args.only in c.id]
    output = args.output or str(OUT_ROOT / "BENCHMARKS-only.md" if args.only
                                else REPO_ROOT / "BENCHMARKS.md")
    started = time.time()
    deadline = started + budget
    OUT_ROOT.mkdir(parents=True, exist_ok=True)
    truths = load_sample_truths() if (SAMPLES_DIR / "ground_truth.json").exists() else None
    if args.only:
        truths = {}
    mode = "all" if args.all else "quick"
    print(f"bench {mode}: {len(cases)} cases"
          + (f" + {len(truths)} real samples" if truths
             else " (no real samples folder)" if truths is None else "")
          + f", {args.workers} workers, budget {budget:g} s", flush=True)
    rows, sample_rows = [], []
    with ProcessPoolExecutor(max_workers=args.workers, mp_context=get_context("spawn"),
                             initializer=_worker_init) as pool:
        sample_futures = [pool.submit(score_sample, name, truth, deadline)
                          for name, truth in sorted((truths or {}).items())]
        futures = [pool.submit(score_case, case.to_dict(), deadline) for case in cases]
        for future in futures:
            row = future.result()
            rows.append(row)
            status = f"IoU {row['iou']:.3f}" if row["success"] else f"FAILED {row['error']}"
            print(f"  [{len(rows):3d}/{len(cases)}] {row['id']:<40} {status:<28} "
                  f"{row.get('time_s', 0):5.1f} s", flush=True)
        for future in sample_futures:
            sample_rows.append(future.result())
    wall = time.time() - started
    meta = {"mode": mode, "wall_s": wall, "workers": args.workers, "budget_s": budget,
            "case_timeout_s": CASE_TIMEOUT_S, "python": platform.python_version(),
            "machine": f"{platform.machine()}, {os.cpu_count()} cores",
            "samples_present": truths is not None, **git_state()}
    (OUT_ROOT / f"results-{'only' if args.only else mode}.json").write_text(
        json.dumps({"meta": meta, "cases": rows, "samples": sample_rows}, indent=1))
    write_markdown(Path(output), meta, rows, sample_rows)
    ok = sum(r["success"] for r in rows)
    print(f"bench {mode}: {ok}/{len(rows)} succeeded, wall {wall:.0f} s -> {output}")
    return 0


def _worker_init() -> None:
    sys.path.insert(0, str(REPO_ROOT))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
