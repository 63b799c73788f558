# SPDX-License-Identifier: LGPL-2.1-or-later
"""Persistence: a server killed (SIGKILL) in the middle of a job restarts with every job; the
interrupted one runs again, or fails with the reason once it has used its attempts."""

import os
import sqlite3
import time
from pathlib import Path

import httpx

from freecad.makistry_wb.api.client import MakistryClient, PollSchedule
from freecad.makistry_wb.api.server.launcher import ServerProcess
from freecad.makistry_wb.api.server.store import SERVER_RESTART, JobStore
from freecad.makistry_wb.options import JobOptions, read_image_file

REPO = Path(__file__).resolve().parents[1]
DRAWING = REPO / "samples" / "demo_bracket.png"
KEY = "restart-key"


def make_job(store, job_id):
    store.create(job_id, KEY, design_mode="standard", output_format="STEP", prompt="",
                 metadata={"id": job_id}, callback_url=None,
                 inputs=[{"file": "input_1.png", "name": "a.png", "bytes": 1}])


def test_recover_requeues_then_fails_with_the_reason(tmp_path):
    store = JobStore(tmp_path / "jobs.sqlite3")
    for job_id in ("pub_a", "pub_b", "pub_c"):
        make_job(store, job_id)
    assert store.claim_next()["id"] == "pub_a"
    assert store.recover(max_attempts=2) == {"retried": ["pub_a"], "failed": []}
    assert store.get("pub_a")["status"] == "queued"
    # pub_a runs again and the server dies again: now it has had its two attempts.
    assert store.claim_next()["id"] == "pub_a"
    assert store.get("pub_a")["attempts"] == 2
    store.close()
    reopened = JobStore(tmp_path / "jobs.sqlite3")  # as a new server process would
    assert reopened.recover(max_attempts=2) == {"retried": [], "failed": ["pub_a"]}
    row = reopened.get("pub_a")
    assert row["status"] == "failed" and row["error_code"] == SERVER_RESTART
    assert "stopped while the job was running" in row["error_message"]
    assert [reopened.get(j)["status"] for j in ("pub_b", "pub_c")] == ["queued", "queued"]
    assert reopened.count("queued") == 2


def _engine_pids(job_id: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            except OSError:
                continue
            if job_id.encode() in cmdline and b"convert" in cmdline:
                pids.append(int(entry))
    return pids


def test_killed_mid_job_loses_nothing(tmp_path):
    data = tmp_path / "data"
    server = ServerProcess(data, [KEY]).start()
    schedule = PollSchedule(fast=0.5, slow=0.5, timeout=600)
    options = JobOptions(images=[read_image_file(str(DRAWING))])
    try:
        with MakistryClient(server.url, KEY, schedule=schedule) as client:
            job_ids = [client.submit(options)["job_id"] for _ in range(3)]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                if client.get_job(job_ids[0])["status"] == "processing" and _engine_pids(
                        job_ids[0]):
                    break
                time.sleep(0.05)
        server.kill()
        with sqlite3.connect(data / "jobs.sqlite3") as db:
            at_kill = dict(db.execute("SELECT id, status FROM jobs").fetchall())
        assert set(at_kill) == set(job_ids)
        interrupted = [j for j, status in at_kill.items() if status == "processing"]
        assert interrupted == [job_ids[0]], at_kill
        # The engine of the killed server dies with it (no orphan keeps writing the result).
        deadline = time.monotonic() + 20
        while _engine_pids(job_ids[0]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _engine_pids(job_ids[0]) == []

        server.start()
        assert "interrupted jobs queued again" in server.log_text()
        with MakistryClient(server.url, KEY, schedule=schedule) as client:
            finals = {job_id: client.wait(job_id) for job_id in job_ids}
            for job_id, job in finals.items():
                assert job["status"] == "success"
                assert job["attempts"] == (2 if job_id in interrupted else 1)
                result = httpx.get(job["download_url"])
                assert result.status_code == 200
                assert result.content.startswith(b"ISO-10303-21")
    finally:
        server.stop()


def test_graceful_stop_puts_the_running_job_back_without_using_an_attempt(tmp_path):
    data = tmp_path / "data"
    server = ServerProcess(data, [KEY]).start()
    options = JobOptions(images=[read_image_file(str(DRAWING))])
    try:
        with MakistryClient(server.url, KEY) as client:
            job_id = client.submit(options)["job_id"]
            deadline = time.monotonic() + 120
            while not _engine_pids(job_id) and time.monotonic() < deadline:
                time.sleep(0.05)
        server.stop()  # SIGTERM: uvicorn's shutdown runs the server's own clean-up
        assert "Application shutdown complete" in server.log_text()
        with sqlite3.connect(data / "jobs.sqlite3") as db:
            status, attempts = db.execute("SELECT status, attempts FROM jobs WHERE id=?",
                                          (job_id,)).fetchone()
        assert (status, attempts) == ("queued", 0)
        server.start()
        with MakistryClient(server.url, KEY, schedule=PollSchedule(fast=0.5, slow=0.5)) as client:
            job = client.wait(job_id)
        assert job["status"] == "success" and job["attempts"] == 1
    finally:
        server.stop()
