# SPDX-License-Identifier: LGPL-2.1-or-later
"""Schemathesis fuzzes the real server from its own OpenAPI description (the multipart form
parser above all) for a bounded time; no request may produce a 5xx."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from freecad.makistry_wb.api.server.launcher import ServerProcess

KEY = "fuzz-key"
FUZZ_SECONDS = int(os.environ.get("MAKISTRY_FUZZ_SECONDS", "40"))


def schemathesis_cli() -> str:
    beside = Path(sys.executable).with_name("st")
    found = str(beside) if beside.exists() else shutil.which("st")
    if not found:
        pytest.fail("schemathesis is not installed: make setup installs requirements-dev.txt")
    return found


def test_fuzzed_requests_never_get_a_server_error(tmp_path):
    st = schemathesis_cli()
    # A short queue: fuzzed images that happen to be valid do not pile up engine work.
    with ServerProcess(tmp_path / "data", [KEY], args=["--max-queue", "2"]) as server:
        done = subprocess.run(
            [st, "run", f"{server.url}/openapi.json", "-H", f"Authorization: Bearer {KEY}",
             "--checks", "not_a_server_error", "--max-time", str(FUZZ_SECONDS),
             "--max-examples", "200", "--request-timeout", "20", "--workers", "1",
             "--seed", "20261123", "--no-color"],
            capture_output=True, text=True, timeout=FUZZ_SECONDS + 90,
            env=dict(os.environ, SCHEMATHESIS_TELEMETRY="false"))
        log = server.log_text()
    summary = done.stdout[-3000:]
    assert "Test cases:" in done.stdout, done.stdout + done.stderr
    assert "generated" in summary and " 0 generated" not in summary, summary
    assert "Server error" not in done.stdout, summary
    assert "Traceback" not in log, log[-4000:]
    assert done.returncode == 0, summary + done.stderr
