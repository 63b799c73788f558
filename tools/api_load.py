# SPDX-License-Identifier: LGPL-2.1-or-later
"""Bounded load on the image-to-CAD server from a second process, on loopback only.

    /usr/bin/python3 tools/api_load.py --jobs 200 --clients 8 [--workers 1] [--json OUT.json]

Starts the real server (``--url`` to use one already running on loopback), lets ``--clients``
threads each submit their share of ``--jobs`` at once (the bounded queue answers 429 with
Retry-After, the client waits and retries), polls every job to its end, downloads every result,
and prints throughput, latencies and the count of jobs lost (must be 0).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from freecad.makistry_wb import runtime  # noqa: E402

runtime.add_dependency_paths()

from freecad.makistry_wb.api.client import MakistryClient, PollSchedule  # noqa: E402
from freecad.makistry_wb.api.server.launcher import ServerProcess  # noqa: E402
from freecad.makistry_wb.options import JobOptions, read_image_file  # noqa: E402

KEY = "load-test-key"


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.submit_ms: list[float] = []
        self.poll_ms: list[float] = []
        self.end_to_end_s: list[float] = []
        self.throttled = 0
        self.statuses: dict[str, int] = {}
        self.downloaded = 0
        self.errors: list[str] = []

    def add(self, name: str, value) -> None:
        with self.lock:
            getattr(self, name).append(value)


def client_thread(url: str, key: str, options: JobOptions, count: int, stats: Stats,
                  submitted: list[str], poll_s: float, out_dir: Path) -> None:
    def on_response(response):
        if response.status_code == 429:
            with stats.lock:
                stats.throttled += 1

    schedule = PollSchedule(fast=poll_s, slow=poll_s, timeout=3600)
    with MakistryClient(url, key, schedule=schedule, max_retries=1000, max_backoff=30) as client:
        client._http.event_hooks["response"].append(on_response)
        mine = []
        for _ in range(count):
            start = time.monotonic()
            try:
                job_id = client.submit(options)["job_id"]
            except Exception as exc:  # counted, never hidden
                stats.add("errors", f"submit: {exc}")
                continue
            stats.add("submit_ms", (time.monotonic() - start) * 1000)
            mine.append((job_id, start))
            with stats.lock:
                submitted.append(job_id)
        for job_id, start in mine:
            while True:
                began = time.monotonic()
                job = client.get_job(job_id)
                stats.add("poll_ms", (time.monotonic() - began) * 1000)
                if job["status"] in ("success", "failed"):
                    break
                time.sleep(poll_s)
            stats.add("end_to_end_s", time.monotonic() - start)
            with stats.lock:
                stats.statuses[job["status"]] = stats.statuses.get(job["status"], 0) + 1
            if job["status"] == "success":
                client.download(job, str(out_dir / f"{job_id}.step"))
                with stats.lock:
                    stats.downloaded += 1
            else:
                stats.add("errors", f"{job_id}: {job.get('error_code')}: "
                                    f"{job.get('error_message')}")


def run(args) -> dict:
    image = read_image_file(args.image)
    options = JobOptions(images=[image], output_format="STEP")
    with tempfile.TemporaryDirectory(prefix="makistry_load_") as scratch:
        scratch = Path(scratch)
        server = None
        url, key = args.url, args.key
        if not url:
            server = ServerProcess(scratch / "server", [KEY], args=[
                "--workers", str(args.workers), "--max-queue", str(args.max_queue)]).start()
            url, key = server.url, KEY
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise SystemExit("api_load.py sends traffic to loopback addresses only")
        stats = Stats()
        submitted: list[str] = []
        shares = [args.jobs // args.clients + (i < args.jobs % args.clients)
                  for i in range(args.clients)]
        threads = [threading.Thread(target=client_thread, args=(
            url, key, options, share, stats, submitted, args.poll, scratch)) for share in shares]
        started = time.monotonic()
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.monotonic() - started
            with MakistryClient(url, key) as check:  # every accepted job is still there
                finals = [check.get_job(job_id)["status"] for job_id in submitted]
        finally:
            if server:
                server.stop()
    lost = args.jobs - sum(1 for status in finals if status in ("success", "failed"))
    return {
        "jobs": args.jobs, "clients": args.clients, "workers": args.workers,
        "max_queue": args.max_queue, "image": Path(args.image).name,
        "wall_s": round(wall, 1),
        "throughput_jobs_per_min": round(60 * len(stats.end_to_end_s) / wall, 1),
        "submit_incl_429_wait_ms": {"p50": round(statistics.median(stats.submit_ms), 1),
                      "p95": round(percentile(stats.submit_ms, 0.95), 1),
                      "max": round(max(stats.submit_ms), 1)},
        "poll_ms": {"p50": round(statistics.median(stats.poll_ms), 1),
                    "p95": round(percentile(stats.poll_ms, 0.95), 1)},
        "end_to_end_s": {"p50": round(statistics.median(stats.end_to_end_s), 1),
                         "p95": round(percentile(stats.end_to_end_s, 0.95), 1),
                         "max": round(max(stats.end_to_end_s), 1)},
        "answers_429": stats.throttled,
        "statuses": stats.statuses,
        "downloaded": stats.downloaded,
        "lost": lost,
        "errors": stats.errors[:10],
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=1, help="server engine processes")
    parser.add_argument("--max-queue", type=int, default=50)
    parser.add_argument("--poll", type=float, default=1.0, help="poll interval (s)")
    parser.add_argument("--image", default=str(ROOT / "samples" / "demo_bracket.png"))
    parser.add_argument("--url", help="a server already running on loopback")
    parser.add_argument("--key", default=KEY)
    parser.add_argument("--json", help="also write the numbers to this file")
    args = parser.parse_args(argv)
    if args.jobs < 1 or args.clients < 1 or args.jobs > 2000:
        parser.error("--jobs must be 1-2000 and --clients at least 1 (bounded load)")
    result = run(args)
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n", encoding="utf-8")
    return 0 if result["lost"] == 0 and not any(e.startswith("submit") for e in result["errors"]) \
        else 1


if __name__ == "__main__":
    sys.exit(main())
