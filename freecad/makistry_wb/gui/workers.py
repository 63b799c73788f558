# SPDX-License-Identifier: LGPL-2.1-or-later
"""The two backends behind the panel, each a QThread for the long part and a main-thread
``build`` that changes the document (the panel wraps it in its transaction).

- LocalWorker: the local engine in a child process (analysis and build); the main thread
  merges the finished body into the document.
- RemoteWorker: the API client (submit, poll, download a STEP) on the thread; the STEP is
  imported as a Part::Feature on the main thread (api/remote.py does both halves)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading

from PySide import QtCore

from .. import engine, errors, runtime
from ..options import JobOptions
from .resources import ROOT


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

    def stop(self):
        """Ask the work to end; it checks between stages."""
        self.cancel.set()

    def cleanup(self):
        """Remove temporary files once the result is in the document (or the job is gone)."""

    @property
    def view_lines(self) -> list[str]:
        """The views found, one line each, for the panel."""
        return []


class LocalWorker(_Worker):
    """Runs the local engine in a separate Python process (gui/build_process.py): reading the
    images and building the body both happen there; the main thread only merges the finished
    body into the document, so the GUI keeps answering and Cancel stops the job at once."""

    backend = "local"
    preview_ready = QtCore.Signal(str)

    def __init__(self, options: JobOptions):
        super().__init__(options)
        self.folder = tempfile.mkdtemp(prefix="makistry-job-")
        self.result_path = os.path.join(self.folder, "result.FCStd")
        self.preview_path = os.path.join(self.folder, "preview.png")
        self.report_path = os.path.join(self.folder, "report.json")
        self.job_report: dict = {}
        self.process = None
        self._preview_sent = False

    def _write_job(self) -> str:
        images = []
        for index, image in enumerate(self.options.images):
            path = os.path.join(self.folder, f"image_{index}")
            with open(path, "wb") as handle:
                handle.write(image.data)
            images.append({"path": path, "name": image.name, "role": image.role})
        job = {"images": images, "prompt": self.options.prompt,
               "design_mode": self.options.design_mode,
               "output_format": self.options.output_format, "result": self.result_path,
               "preview": self.preview_path, "report": self.report_path}
        path = os.path.join(self.folder, "job.json")
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(job, handle)
        return path

    def _environment(self) -> dict:
        """This FreeCAD's package folders and the workbench's checkout, for the child."""
        vendor = [p for p in sys.path if "AdditionalPythonPackages" in p]
        paths = [ROOT] + vendor + [p for p in os.environ.get("PYTHONPATH", "").split(
            os.pathsep) if p]
        return dict(os.environ, PYTHONPATH=os.pathsep.join(paths), PYTHONUNBUFFERED="1")

    def work(self):
        command = [runtime.python_executable(), "-m", "freecad.makistry_wb.gui.build_process",
                   self._write_job()]
        # stderr to a file: a pipe nobody reads while stdout is read could fill and block.
        with open(os.path.join(self.folder, "stderr.txt"), "w+", encoding="utf-8") as errors_file:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self._environment(),
                                            stdout=subprocess.PIPE, stderr=errors_file,
                                            stdin=subprocess.DEVNULL, text=True)
            self._follow()
            errors_file.seek(0)
            stderr = errors_file.read()
        if self.cancel.is_set():
            return
        self._read_report(stderr)

    def _follow(self):
        """Relay the child's progress lines until it ends (or Cancel kills it)."""
        preview_sent = False
        for line in self.process.stdout:
            if self.cancel.is_set():
                break
            try:
                message = json.loads(line)
            except ValueError:
                continue  # anything else a library prints
            self.progressed.emit(float(message["progress"]), message["stage"])
            if not preview_sent and os.path.exists(self.preview_path):
                preview_sent = True
                self.preview_ready.emit(self.preview_path)
        if self.cancel.is_set():
            self.process.kill()
        self.process.wait()
        self._preview_sent = preview_sent

    def _read_report(self, stderr: str):
        try:
            with open(self.report_path, encoding="utf-8") as handle:
                self.job_report = json.load(handle)
        except (OSError, ValueError):
            raise errors.MakistryError(
                errors.BUILD_FAILED, "The local engine stopped without a report (exit "
                f"{self.process.returncode}): {stderr.strip()[-600:]}") from None
        error = self.job_report.get("error") or {}
        if self.job_report.get("status") != "success":
            raise errors.MakistryError(error.get("code", errors.BUILD_FAILED),
                                       error.get("message", "The job failed."))
        if not self._preview_sent and os.path.exists(self.preview_path):
            self.preview_ready.emit(self.preview_path)

    def cleanup(self):
        """Remove the job's temporary folder (images, result, preview, report)."""
        shutil.rmtree(self.folder, ignore_errors=True)

    def stop(self):
        """Cancel: the child process ends at once."""
        self.cancel.set()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()

    @property
    def warnings(self):
        return list(self.job_report.get("warnings", []))

    @property
    def view_lines(self):
        return [f"{view['role']} view in image {view['image'] + 1}"
                for view in self.job_report.get("views", [])]

    def build(self, doc, container=None) -> list:
        """Merge the finished body into ``doc`` (inside the caller's transaction)."""
        before = {obj.Name for obj in doc.Objects}
        doc.mergeProject(self.result_path)
        bodies = [obj for obj in doc.Objects
                  if obj.Name not in before and obj.TypeId == "PartDesign::Body"]
        if not bodies:
            raise errors.MakistryError(
                errors.BUILD_FAILED, "The local engine's result holds no body. Run again; if "
                "it persists, report the images.")
        for body in bodies:
            if len(bodies) == 1:  # an assembly's bodies keep their numbered names
                body.Label = engine.part_name(self.options)
            _show_tip_only(body)
            if container is not None:
                container.addObject(body)
        if container is not None:  # the result's own App::Part, emptied by the moves above
            for obj in [o for o in doc.Objects if o.Name not in before
                        and o.TypeId == "App::Part" and not o.Group]:
                doc.removeObject(obj.Name)
        return bodies

    def report(self, parts, outputs) -> dict:
        report = dict(self.job_report)
        report["outputs"] = list(outputs)
        report["parts"] = engine.describe_parts(parts)
        return report


def _show_tip_only(body) -> None:
    """As PartDesign shows a body: its tip, not every feature, sketch and origin plane (a file
    saved without the GUI carries no display state, so a merged body shows everything)."""
    for feature in body.Group:
        feature.Visibility = feature == body.Tip
    origin = getattr(body, "Origin", None)
    if origin is not None:
        for feature in [origin] + list(origin.OriginFeatures):
            feature.Visibility = False


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
