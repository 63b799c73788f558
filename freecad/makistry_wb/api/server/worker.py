# SPDX-License-Identifier: LGPL-2.1-or-later
"""Job execution: each job runs the fixed headless interface in its own subprocess
(``python3 -m freecad.makistry_wb convert ...``), so a crash, a leak or a hang in FreeCAD never
takes the server down, and the job's outcome is the engine's own report."""

from __future__ import annotations

import asyncio
import ctypes
import json
import logging
import os
import signal
import sys
from pathlib import Path

import freecad.makistry_wb as package

from ... import errors
from .config import Settings
from .store import JobStore, row_inputs

log = logging.getLogger("makistry.server")
REPO_ROOT = Path(package.__file__).resolve().parents[2]
ENGINE_FAILED = "engine_failed"
JOB_TIMEOUT = "job_timeout"
SUFFIXES = {"STEP": ".step", "STL": ".stl", "GLB": ".glb", "3MF": ".3mf"}
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: the engine subprocess gets SIGKILL when the server dies, so that a killed server
    leaves no orphan engines behind (the job is run again after the restart)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass


def job_dir(settings: Settings, job_id: str) -> Path:
    return settings.jobs_dir / job_id


def engine_command(settings: Settings, row, directory: Path) -> list[str]:
    output = directory / f"result{SUFFIXES[row['output_format']]}"
    command = [settings.engine_python, "-m", "freecad.makistry_wb", "convert",
               *[str(directory / item["file"]) for item in row_inputs(row)],
               "-o", str(output), "--report", str(directory / "report.json"),
               "--mode", row["design_mode"]]
    if row["prompt"]:
        command += ["--prompt", row["prompt"]]
    return command


def summarise(report: dict) -> dict:
    """The part of the engine's report that the job answer carries."""
    keep = ("parts", "views", "scale", "warnings", "agreement", "timings_s")
    return {key: report[key] for key in keep if key in report}


class WorkerPool:
    """``settings.workers`` loops, each taking the oldest queued job and running it."""

    def __init__(self, settings: Settings, store: JobStore, on_finished):
        self.settings = settings
        self.store = store
        self.on_finished = on_finished  # coroutine function(job_id)
        self.wakeup = asyncio.Event()
        self.running: dict[str, asyncio.subprocess.Process] = {}
        self._tasks: list[asyncio.Task] = []
        self._stopping = False
        self.average_runtime_s = 10.0  # moving average of engine runs, for Retry-After

    def retry_after_s(self) -> int:
        """About when a queue slot frees up: one average job spread over the workers."""
        return max(1, min(60, round(self.average_runtime_s / self.settings.workers)))

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._loop(n)) for n in range(self.settings.workers)]

    def notify(self) -> None:
        self.wakeup.set()

    async def stop(self) -> None:
        """Stop taking jobs; kill running engines and put their jobs back in the queue."""
        self._stopping = True
        for job_id, process in list(self.running.items()):
            if process.returncode is None:
                process.kill()
            self.store.requeue(job_id, count_attempt=False)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _loop(self, number: int) -> None:
        while not self._stopping:
            row = self.store.claim_next()
            if row is None:
                self.wakeup.clear()
                try:
                    await asyncio.wait_for(self.wakeup.wait(), timeout=1.0)
                except asyncio.TimeoutError:
                    pass
                continue
            started = asyncio.get_running_loop().time()
            try:
                await self._run(row)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the job fails with the reason; the worker goes on
                log.exception("worker %d: job %s", number, row["id"])
                self.store.finish(row["id"], success=False, error_code=ENGINE_FAILED,
                                  error_message=f"The server could not run the job: {exc!r}")
            elapsed = asyncio.get_running_loop().time() - started
            self.average_runtime_s = 0.8 * self.average_runtime_s + 0.2 * elapsed
            done = self.store.get(row["id"])
            log.info("job %s: %s%s after %.1f s", row["id"], done["status"],
                     f" ({done['error_code']}: {done['error_message']})"
                     if done["status"] == "failed" else "", elapsed)
            if not self._stopping:
                await self.on_finished(row["id"])

    async def _run(self, row) -> None:
        job_id = row["id"]
        directory = job_dir(self.settings, job_id)
        report_path = directory / "report.json"
        report_path.unlink(missing_ok=True)
        command = engine_command(self.settings, row, directory)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
        log.info("job %s: attempt %d: %s", job_id, row["attempts"], " ".join(command[:4]))
        with open(directory / "engine.log", "ab") as engine_log:
            process = await asyncio.create_subprocess_exec(
                *command, cwd=str(REPO_ROOT), env=env, stdin=asyncio.subprocess.DEVNULL,
                stdout=engine_log, stderr=asyncio.subprocess.PIPE,
                preexec_fn=_die_with_parent, start_new_session=True)
            self.running[job_id] = process
            try:
                stderr, outcome = await self._watch(job_id, process)
            finally:
                self.running.pop(job_id, None)
            engine_log.write(stderr)
        if self._stopping:
            return
        if outcome == "cancelled":
            self.store.finish(job_id, success=False, error_code=errors.CANCELLED,
                              error_message="The job was cancelled at the client's request.")
            return
        if outcome == "timeout":
            self.store.finish(job_id, success=False, error_code=JOB_TIMEOUT,
                              error_message=f"The engine did not finish within "
                              f"{self.settings.job_timeout_s:.0f} s and was stopped.")
            return
        report = _read_report(report_path)
        output = directory / f"result{SUFFIXES[row['output_format']]}"
        if process.returncode == 0 and output.is_file() and output.stat().st_size > 0:
            self.store.finish(job_id, success=True, result_file=output.name,
                              summary=summarise(report or {}))
            return
        error = (report or {}).get("error") or {}
        last_line = stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        if error.get("code"):
            code, message = error["code"], error.get("message") or last_line[0]
        elif process.returncode == 0:
            code, message = errors.EXPORT_FAILED, "The engine reported success but wrote no file."
        else:
            code = ENGINE_FAILED
            message = (f"The engine stopped with exit status {process.returncode}"
                       + (f": {last_line[0]}" if last_line[0] else "") + ".")
        self.store.finish(job_id, success=False, error_code=code, error_message=message,
                          summary=summarise(report) if report else None)

    async def _watch(self, job_id: str, process) -> tuple[bytes, str]:
        """Wait for the engine, stopping it on cancellation or after the job timeout."""
        reader = asyncio.create_task(process.stderr.read())
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.job_timeout_s
        outcome = "done"
        while True:
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), timeout=0.5)
                break
            except asyncio.TimeoutError:
                pass
            if self.store.cancel_requested(job_id):
                outcome = "cancelled"
            elif loop.time() > deadline:
                outcome = "timeout"
            if outcome != "done":
                _kill_group(process)
                await process.wait()
                break
        return await reader, outcome


def _kill_group(process) -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        process.kill()


def _read_report(path: Path) -> dict | None:
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
