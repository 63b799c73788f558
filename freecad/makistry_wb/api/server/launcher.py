# SPDX-License-Identifier: LGPL-2.1-or-later
"""Start the real server as a child process on loopback and wait until it answers (used by
the tests and by tools/api_load.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .worker import REPO_ROOT

# The documented command (``-m freecad.makistry_wb.api.server`` is the same main()).
SERVE_COMMAND = ["-m", "freecad.makistry_wb", "serve"]
_LISTENING = re.compile(r"makistry_wb API on (http://\S+)")


class ServerProcess:
    """One server: ``start()``, ``url``, ``kill()`` (SIGKILL, as a crash), ``stop()``."""

    def __init__(self, data_dir: Path, api_keys: list[str], *, args: list[str] = (),
                 env: dict | None = None, python: str | None = None):
        self.data_dir = Path(data_dir)
        self.api_keys = list(api_keys)
        self.args = list(args)
        self.env = dict(env or {})
        self.python = python or sys.executable
        self.process: subprocess.Popen | None = None
        self.url = ""
        self.log_path = self.data_dir / "server.log"

    def start(self, timeout: float = 60.0) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, MAKISTRY_API_KEYS=",".join(self.api_keys),
                   MAKISTRY_DATA_DIR=str(self.data_dir), **self.env)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT),
                                                          env.get("PYTHONPATH")]))
        log = open(self.log_path, "ab")
        offset = log.tell()
        self.process = subprocess.Popen(
            [self.python, *SERVE_COMMAND, "--host", "127.0.0.1", "--port", "0", *self.args],
            cwd=str(REPO_ROOT), env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}:\n"
                                   + self.log_text(offset))
            match = _LISTENING.search(self.log_text(offset))
            if match and _answers(match.group(1) + "/"):
                self.url = match.group(1)
                return self
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("the server did not become ready:\n" + self.log_text(offset))

    def log_text(self, offset: int = 0) -> str:
        try:
            with open(self.log_path, "rb") as handle:
                handle.seek(offset)
                return handle.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def kill(self) -> None:
        """SIGKILL: the server gets no chance to tidy up (its engines die with it)."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False
