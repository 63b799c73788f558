# SPDX-License-Identifier: LGPL-2.1-or-later
"""The two backends behind the panel, each a QThread for the long part and a main-thread
``build`` that changes the document (the panel wraps it in its transaction).

- LocalWorker: engine.analyse on the thread; engine.build on the main thread.
- RemoteWorker: the API client (submit, poll, download a STEP) on the thread; the STEP is
  imported as a Part::Feature on the main thread (api/remote.py does both halves)."""

from __future__ import annotations

import tempfile
import threading

from PySide import QtCore

from .. import engine, errors, runtime
from ..options import JobOptions


class _Worker(QtCore.QThread):
    progressed = QtCore.Signal(float, str)

    def __init__(self, options: JobOptions):
        super().__init__()
        self.options = options
        self.cancel = threading.Event()
        self.error: errors.MakistryError | None = None

    def run(self):
        try:
            self.work()
        except errors.MakistryError as exc:
            self.error = exc
        except Exception as exc:  # shown in the panel; never lost in a thread
            self.error = errors.MakistryError(
                errors.IMAGE_PARSE_FAILED, f"Unexpected failure: {exc!r}")

    def work(self):
        raise NotImplementedError

    @property
    def previews(self) -> list:
        return []

    @property
    def view_lines(self) -> list[str]:
        """The views found, one line each, for the panel."""
        return []


class LocalWorker(_Worker):
    """Reads the images and plans the part with the local engine."""

    backend = "local"

    def __init__(self, options: JobOptions):
        super().__init__(options)
        self.analysis = None

    def work(self):
        self.analysis = engine.analyse(self.options, self.progressed.emit, self.cancel)

    @property
    def previews(self):
        return self.analysis.previews if self.analysis is not None else []

    @property
    def warnings(self):
        return self.analysis.warnings if self.analysis is not None else []

    @property
    def view_lines(self):
        views = self.analysis.views if self.analysis is not None else []
        return [f"{view.role} view in image {view.image_index + 1}" for view in views]

    def build(self, doc, container=None) -> list:
        return engine.build(self.analysis, doc, container=container)

    def report(self, parts, outputs) -> dict:
        return engine.report_for(self.analysis, self.options, parts, outputs)


class RemoteWorker(_Worker):
    """Sends the job to the remote API and downloads the result as STEP."""

    backend = "remote"

    def __init__(self, options: JobOptions, base_url: str, api_key: str):
        super().__init__(options)
        self.base_url = base_url
        self.api_key = api_key
        self.job: dict = {}
        self.step_path = ""

    def work(self):
        from ..api.client import MakistryClient
        from ..api.remote import fetch_result

        # STEP gives the document an exact solid; the chosen format is for the export.
        remote_options = JobOptions(images=self.options.images, prompt=self.options.prompt,
                                    design_mode=self.options.design_mode,
                                    output_format="STEP", metadata=dict(self.options.metadata))
        with MakistryClient(self.base_url, self.api_key) as client:
            self.job, self.step_path = fetch_result(
                remote_options, tempfile.mkdtemp(prefix="makistry-remote-"), client=client,
                progress=self.progressed.emit, cancel=self.cancel)

    @property
    def warnings(self):
        result = self.job.get("result") or {}
        return list(result.get("warnings") or self.job.get("warnings") or [])

    @property
    def view_lines(self):
        views = (self.job.get("result") or {}).get("views") or []
        return [f"{view.get('role')} view in image {int(view.get('image', 0)) + 1} "
                f"(remote job {self.job.get('job_id')})" for view in views]

    def build(self, doc, container=None) -> list:
        from ..api.remote import import_result

        obj = import_result(self.step_path, doc, "RemoteResult")
        obj.Label = engine.part_name(self.options)
        if container is not None:
            container.addObject(obj)
        return [obj]

    def report(self, parts, outputs) -> dict:
        report = engine.report_for(None, self.options, parts, outputs)
        report["backend"] = {"kind": "remote", "base_url": self.base_url,
                             "job_id": self.job.get("job_id"), "status": self.job.get("status")}
        return report


def remote_unavailable_reason() -> str:
    """Why the remote backend cannot be used here, or "" when it can."""
    if "httpx" in runtime.missing_packages():
        return ("The remote API needs the Python package httpx. Install it for this FreeCAD "
                "with:\n" + runtime.install_command(["httpx"]) + "\nthen restart FreeCAD.")
    try:
        from ..api import client  # noqa: F401
    except ImportError as exc:
        return f"The API client is not available in this installation ({exc})."
    return ""
