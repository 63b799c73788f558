# SPDX-License-Identifier: LGPL-2.1-or-later
"""Jobs in SQLite (WAL): every state change is committed before it is acted on, so a server
killed at any moment restarts with every job it accepted."""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SERVER_RESTART = "server_restart"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT UNIQUE NOT NULL,
    key_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    design_mode TEXT NOT NULL,
    output_format TEXT NOT NULL,
    prompt TEXT NOT NULL DEFAULT '',
    metadata_json TEXT NOT NULL DEFAULT '{}',
    callback_url TEXT,
    inputs_json TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    cancel_requested INTEGER NOT NULL DEFAULT 0,
    error_code TEXT,
    error_message TEXT,
    result_file TEXT,
    summary_json TEXT,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL,
    webhook_status TEXT,
    webhook_attempts INTEGER NOT NULL DEFAULT 0,
    webhook_error TEXT
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq);
"""


def key_hash(api_key: str) -> str:
    """Jobs remember a hash of the key that made them: each key sees only its own jobs."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def new_job_id() -> str:
    return "pub_" + secrets.token_hex(12)


class JobStore:
    """A thin, thread-safe layer over one SQLite connection."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False,
                                   isolation_level=None, timeout=30)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _exec(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    # -- writing ----------------------------------------------------------------------------
    def create(self, job_id: str, api_key: str, *, design_mode: str, output_format: str,
               prompt: str, metadata: dict, callback_url: str | None,
               inputs: list[dict]) -> None:
        self._exec(
            "INSERT INTO jobs (id, key_hash, status, design_mode, output_format, prompt, "
            "metadata_json, callback_url, inputs_json, created_at, webhook_status) "
            "VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?)",
            (job_id, key_hash(api_key), design_mode, output_format, prompt,
             json.dumps(metadata), callback_url, json.dumps(inputs), time.time(),
             "pending" if callback_url else None))

    def claim_next(self) -> sqlite3.Row | None:
        """The oldest queued job, now marked processing (one attempt more)."""
        rows = self._exec(
            "UPDATE jobs SET status='processing', attempts=attempts+1, started_at=? "
            "WHERE seq = (SELECT seq FROM jobs WHERE status='queued' ORDER BY seq LIMIT 1) "
            "RETURNING *", (time.time(),))
        return rows[0] if rows else None

    def finish(self, job_id: str, *, success: bool, result_file: str | None = None,
               summary: dict | None = None, error_code: str | None = None,
               error_message: str | None = None) -> None:
        self._exec(
            "UPDATE jobs SET status=?, result_file=?, summary_json=?, error_code=?, "
            "error_message=?, finished_at=? WHERE id=?",
            ("success" if success else "failed", result_file,
             json.dumps(summary) if summary is not None else None, error_code, error_message,
             time.time(), job_id))

    def requeue(self, job_id: str, *, count_attempt: bool = True) -> None:
        self._exec("UPDATE jobs SET status='queued', started_at=NULL, "
                   "attempts=attempts-? WHERE id=?", (0 if count_attempt else 1, job_id))

    def cancel_queued(self, job_id: str, message: str) -> bool:
        """Fail a job that no worker has taken yet; False when it was already taken."""
        from ... import errors

        rows = self._exec(
            "UPDATE jobs SET status='failed', error_code=?, error_message=?, finished_at=? "
            "WHERE id=? AND status='queued' RETURNING id",
            (errors.CANCELLED, message, time.time(), job_id))
        return bool(rows)

    def request_cancel(self, job_id: str) -> None:
        self._exec("UPDATE jobs SET cancel_requested=1 WHERE id=?", (job_id,))

    def webhook_result(self, job_id: str, status: str, attempts: int, error: str | None) -> None:
        self._exec("UPDATE jobs SET webhook_status=?, webhook_attempts=?, webhook_error=? "
                   "WHERE id=?", (status, attempts, error, job_id))

    def recover(self, max_attempts: int) -> dict[str, list[str]]:
        """After a start: jobs left processing are queued again, or failed with the reason when
        they already had ``max_attempts`` runs."""
        retried, failed = [], []
        for row in self._exec("SELECT id, attempts FROM jobs WHERE status='processing'"):
            if row["attempts"] < max_attempts:
                self._exec("UPDATE jobs SET status='queued', started_at=NULL WHERE id=?",
                           (row["id"],))
                retried.append(row["id"])
            else:
                self.finish(row["id"], success=False, error_code=SERVER_RESTART,
                            error_message=f"The server stopped while the job was running, "
                            f"{row['attempts']} times; it was not retried again. Submit it "
                            "again, or report it if it keeps happening.")
                failed.append(row["id"])
        return {"retried": retried, "failed": failed}

    # -- reading ----------------------------------------------------------------------------
    def get(self, job_id: str) -> sqlite3.Row | None:
        rows = self._exec("SELECT * FROM jobs WHERE id=?", (job_id,))
        return rows[0] if rows else None

    def count(self, status: str) -> int:
        return self._exec("SELECT COUNT(*) FROM jobs WHERE status=?", (status,))[0][0]

    def pending_webhooks(self) -> list[str]:
        return [row["id"] for row in self._exec(
            "SELECT id FROM jobs WHERE webhook_status='pending' "
            "AND status IN ('success', 'failed') ORDER BY seq")]

    def ended_before(self, job_ids: list[str], cutoff: float) -> list[str]:
        """Those of ``job_ids`` that ended before ``cutoff`` (epoch seconds)."""
        ended = []
        for start in range(0, len(job_ids), 500):
            chunk = job_ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            ended += [row["id"] for row in self._exec(
                f"SELECT id FROM jobs WHERE id IN ({marks}) AND status IN ('success', 'failed') "
                "AND finished_at < ? AND (webhook_status IS NULL OR webhook_status != 'pending')",
                (*chunk, cutoff))]
        return ended

    def cancel_requested(self, job_id: str) -> bool:
        rows = self._exec("SELECT cancel_requested FROM jobs WHERE id=?", (job_id,))
        return bool(rows and rows[0][0])


def row_inputs(row: sqlite3.Row) -> list[dict[str, Any]]:
    return json.loads(row["inputs_json"])
