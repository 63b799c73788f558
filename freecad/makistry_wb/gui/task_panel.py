# SPDX-License-Identifier: LGPL-2.1-or-later
"""The "Image to CAD" task panel.

The long part (reading the drawing, or the remote job) runs on a QThread; everything that
touches the document runs on the main thread inside one transaction named "Image to CAD", so
one Ctrl+Z removes the whole result. Cancel stops a running job and undoes what this panel
built, leaving the document as it was when the panel opened."""

from __future__ import annotations

import re
import time

import FreeCADGui as Gui
from PySide import QtCore, QtGui

from .. import engine, errors, runtime
from ..options import DESIGN_MODES, OUTPUT_FORMATS, JobOptions
from . import job as job_object
from . import preferences
from .image_list import IMAGE_FILTER, ImageList
from .workers import LocalWorker, RemoteWorker, remote_unavailable_reason

TRANSACTION = "Image to CAD"
PROMPT_EXAMPLE = "front view and right-side view of the same bracket, 120 mm long"
# The panel on screen, for tests and macros (FreeCAD's Control keeps no Python handle).
ACTIVE_PANEL = None
# Cancelled workers still finishing their current stage; kept alive until they end.
_CANCELLED_WORKERS = set()

_SIZE_WITHOUT_UNIT = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?)(\s+)(?=(long|wide|tall|high|deep|thick)\b)", re.I)


def apply_default_units(prompt: str, unit: str) -> str:
    """'120 long' -> '120 mm long' with the preferred unit; sizes with a unit are kept."""
    return _SIZE_WITHOUT_UNIT.sub(lambda m: f"{m.group(1)} {unit}{m.group(2)}", prompt)


def active_container(doc):
    """The App::Part the result goes into: the one active in the 3D view, else the one holding
    the active Body (a Body cannot hold another Body, so the new one goes beside it), else
    None (the result is placed at the document's top level)."""
    gui_doc = Gui.getDocument(doc.Name) if doc is not None else None
    view = getattr(gui_doc, "ActiveView", None) if gui_doc is not None else None
    if view is None or not hasattr(view, "getActiveObject"):
        return None
    part = view.getActiveObject("part")
    if part is not None and part.TypeId == "App::Part":
        return part
    body = view.getActiveObject("pdbody")
    if body is not None:
        parent = body.getParentGeoFeatureGroup()
        if parent is not None and parent.TypeId == "App::Part":
            return parent
    return None


def _timed(method):
    """Record the longest run of a main-thread slot in ``panel.slot_seconds`` (the GUI cannot
    answer while a slot runs; the GUI tests report these)."""
    def wrapper(self, *args):
        started = time.perf_counter()
        try:
            return method(self, *args)
        finally:
            spent = time.perf_counter() - started
            name = method.__name__
            self.slot_seconds[name] = max(spent, self.slot_seconds.get(name, 0.0))
    wrapper.__name__ = method.__name__
    return wrapper


class ImageToCadPanel:
    def __init__(self, doc, job=None, autorun=False):
        global ACTIVE_PANEL
        self.doc = doc
        self.job_name = job.Name if job is not None else ""
        self.worker = None
        self.objects = []  # what the last run of this panel built
        self.committed = 0  # "Image to CAD" transactions this panel committed
        self.report = {}
        self.building = False
        self.slot_seconds = {}
        self.build_seconds = 0.0  # main-thread time of the last build (the GUI is busy then)
        self.last_error = ""  # plain text of the last error shown, readable after closing
        self.finished = False
        self.close_when_done = False
        self.form = self._build_form()
        ACTIVE_PANEL = self
        if job is not None:
            self._load_job(job)
        else:
            self._load_defaults()
        self._check_backend()
        if autorun:
            self.close_when_done = True
            QtCore.QTimer.singleShot(0, self.run)

    # -- form -------------------------------------------------------------------------------
    def _build_form(self):
        form = QtGui.QWidget()
        form.setWindowTitle("Image to CAD")
        form.setMinimumWidth(10)
        layout = QtGui.QVBoxLayout(form)
        layout.setContentsMargins(0, 0, 0, 0)

        images_box = QtGui.QGroupBox("Images of the part")
        images_layout = QtGui.QVBoxLayout(images_box)
        self.images = ImageList()
        self.images.refused.connect(self.show_error)
        self.images.changed.connect(self._on_images_changed)
        images_layout.addWidget(self.images)
        row = QtGui.QHBoxLayout()
        self.add_button = QtGui.QPushButton("Add...")
        self.add_button.setToolTip("Add drawings, sketches or photos (PNG, JPEG, WebP, GIF)")
        self.add_button.clicked.connect(self._choose_images)
        self.paste_button = QtGui.QPushButton("Paste")
        self.paste_button.setToolTip("Add the image (or image files) on the clipboard")
        self.paste_button.clicked.connect(self.images.paste)
        row.addWidget(self.add_button)
        row.addWidget(self.paste_button)
        images_layout.addLayout(row)
        layout.addWidget(images_box)

        options_box = QtGui.QGroupBox("Options")
        options = QtGui.QFormLayout(options_box)
        options.setRowWrapPolicy(QtGui.QFormLayout.WrapLongRows)
        self.prompt = QtGui.QPlainTextEdit()
        self.prompt.setPlaceholderText(PROMPT_EXAMPLE)
        self.prompt.setToolTip("What the images show and any size you know, e.g. "
                               "'front and top view of a flange, 80 mm wide'")
        self.prompt.setFixedHeight(self.prompt.fontMetrics().lineSpacing() * 3 + 12)
        self.prompt.setTabChangesFocus(True)
        options.addRow(QtGui.QLabel("Hint:"))
        options.addRow(self.prompt)
        self.mode = QtGui.QComboBox()
        self.mode.addItems(list(DESIGN_MODES))
        self.mode.setToolTip("standard: one Body; assembly: an App::Part holding the bodies")
        options.addRow("Mode:", self.mode)
        self.backend = QtGui.QComboBox()
        self.backend.addItem("Local engine", "local")
        self.backend.addItem("Remote API", "remote")
        self.backend.currentIndexChanged.connect(lambda _index: self._check_backend())
        options.addRow("Backend:", self.backend)
        self.format = QtGui.QComboBox()
        self.format.addItems(list(OUTPUT_FORMATS))
        options.addRow("Export as:", self.format)
        export_row = QtGui.QHBoxLayout()
        self.export_path = QtGui.QLineEdit()
        self.export_path.setPlaceholderText("optional file")
        self.export_path.setMinimumWidth(40)
        self.export_path.setToolTip("Also write the result to this file after the build")
        browse = QtGui.QToolButton()
        browse.setText("...")
        browse.setToolTip("Choose the export file")
        browse.clicked.connect(self._choose_export_path)
        export_row.addWidget(self.export_path, 1)
        export_row.addWidget(browse)
        options.addRow("Export to:", export_row)
        layout.addWidget(options_box)

        run_row = QtGui.QHBoxLayout()
        self.run_button = QtGui.QPushButton("Run")
        self.run_button.setToolTip("Read the images and build the part (OK also runs, then "
                                   "closes)")
        self.run_button.clicked.connect(self.run)
        run_row.addWidget(self.run_button)
        self.progress = QtGui.QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        run_row.addWidget(self.progress, 1)
        layout.addLayout(run_row)
        self.stage = QtGui.QLabel("Add an image, then press Run.")
        self.stage.setWordWrap(True)
        layout.addWidget(self.stage)

        self.error_label = QtGui.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        self.error_label.setStyleSheet(
            "color: #a40000; background: #fff0f0; border: 1px solid #e0b0b0; padding: 4px;")
        self.error_label.hide()
        # Install commands hold long paths that a label cannot wrap: one line to copy.
        self.command = QtGui.QLineEdit()
        self.command.setReadOnly(True)
        self.command.setMinimumWidth(40)
        self.command.hide()
        layout.addWidget(self.error_label)
        layout.addWidget(self.command)

        self.preview_box = QtGui.QGroupBox("What the engine understood")
        preview_layout = QtGui.QVBoxLayout(self.preview_box)
        self.preview = QtGui.QLabel()
        self.preview.setAlignment(QtCore.Qt.AlignCenter)
        self.preview.setMinimumWidth(10)
        self.preview.setSizePolicy(QtGui.QSizePolicy.Ignored, QtGui.QSizePolicy.Preferred)
        preview_layout.addWidget(self.preview)
        self.summary = QtGui.QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(QtCore.Qt.TextSelectableByMouse)
        preview_layout.addWidget(self.summary)
        self.preview_box.hide()
        layout.addWidget(self.preview_box)
        layout.addStretch(1)
        return form

    def getStandardButtons(self):
        return int(QtGui.QDialogButtonBox.Ok | QtGui.QDialogButtonBox.Cancel)

    def _load_defaults(self):
        self.mode.setCurrentIndex(max(0, self.mode.findText(preferences.get("DesignMode"))))
        self.format.setCurrentIndex(max(0, self.format.findText(preferences.get("OutputFormat"))))
        self.backend.setCurrentIndex(max(0, self.backend.findData(preferences.get("Backend"))))

    def _load_job(self, job):
        """Fill the panel from a job object (Edit / Re-run)."""
        options = job_object.options_of(job)
        for image in options.images:
            self.images.add_image(image)
        self.prompt.setPlainText(options.prompt)
        self.mode.setCurrentIndex(max(0, self.mode.findText(options.design_mode)))
        self.format.setCurrentIndex(max(0, self.format.findText(options.output_format)))
        self.backend.setCurrentIndex(max(0, self.backend.findData(job.Backend)))
        self.export_path.setText(job.ExportPath)
        self.form.setWindowTitle(f"Image to CAD: {job.Label}")
        self.stage.setText("Change a view role or the hint, then Run to rebuild.")

    def _check_backend(self):
        """Say at once what the chosen backend lacks, with the command that fixes it."""
        remote_reason = remote_unavailable_reason()
        item = self.backend.model().item(1)
        item.setEnabled(not remote_reason)
        item.setToolTip(remote_reason or f"Sends the images to {preferences.base_url()} "
                        "(Edit > Preferences > Makistry)")
        if remote_reason and self.backend.currentIndex() == 1:
            self.backend.setCurrentIndex(0)
        self.clear_error()
        if self.backend_kind() == "local" and "opencv-python-headless" in \
                runtime.missing_packages():
            missing = ["opencv-python-headless"]
            if "httpx" in runtime.missing_packages():
                missing.append("httpx")
                text = ("The local engine needs OpenCV and the remote API needs httpx. Install "
                        "both for this FreeCAD with the command below, then restart FreeCAD.")
            else:
                text = ("The local engine needs OpenCV. Install it for this FreeCAD with the "
                        "command below, then restart FreeCAD, or choose the remote API.")
            self.show_error(text, runtime.install_command(missing))
        elif self.backend_kind() == "remote" and not preferences.api_key():
            self.show_error("The remote API needs an API key: set it in Edit > Preferences > "
                            "Makistry (or $MAKISTRY_API_KEY), then open this panel again.")

    def backend_kind(self) -> str:
        return self.backend.itemData(self.backend.currentIndex())

    # -- images -----------------------------------------------------------------------------
    def _choose_images(self):
        paths, _ = QtGui.QFileDialog.getOpenFileNames(
            self.form, "Images of the part", "", IMAGE_FILTER)
        self.add_images(paths)

    def _choose_export_path(self):
        suffix = {"STEP": "step", "STL": "stl", "GLB": "glb", "3MF": "3mf"}[
            self.format.currentText()]
        path, _ = QtGui.QFileDialog.getSaveFileName(
            self.form, "Export the result to", "", f"{self.format.currentText()} (*.{suffix})")
        if path:
            self.export_path.setText(path)

    def add_images(self, paths):
        """Add image files, checking count, size and type at once."""
        self.images.add_files(paths)

    def _on_images_changed(self):
        if self.images.count() and not self.running:
            self.clear_error()
            self._check_backend()
            self.stage.setText(f"{self.images.count()} image(s). Set a view role if you know "
                               "it, then press Run.")

    # -- messages ---------------------------------------------------------------------------
    def show_error(self, text, command=""):
        """Show an error; ``command`` (a shell command that fixes it) goes in a copyable line."""
        self.last_error = text + ("\n" + command if command else "")
        self.error_label.setText(text)
        self.error_label.show()
        self.command.setText(command)
        self.command.setToolTip(command)
        self.command.setCursorPosition(0)
        self.command.setVisible(bool(command))

    def clear_error(self):
        self.last_error = ""
        self.error_label.clear()
        self.error_label.hide()
        self.command.clear()
        self.command.hide()

    @_timed
    def _on_progress(self, fraction, stage):
        self.progress.setValue(int(fraction * 100))
        self.stage.setText(stage)

    # -- running ----------------------------------------------------------------------------
    @property
    def running(self):
        return self.worker is not None and self.worker.isRunning()

    @property
    def job(self):
        return self.doc.getObject(self.job_name) if self.job_name else None

    def options(self) -> JobOptions:
        prompt = apply_default_units(self.prompt.toPlainText().strip(),
                                     preferences.get("Units"))
        options = JobOptions(images=self.images.images(), prompt=prompt,
                             design_mode=self.mode.currentText(),
                             output_format=self.format.currentText())
        options.validate()
        return options

    def run(self):
        """Start the job on a worker thread; the build follows on the main thread."""
        if self.running or self.building:
            return
        self.clear_error()
        self.finished = False
        try:
            options = self.options()
        except errors.MakistryError as exc:
            self.show_error(f"{exc.message}\n[{exc.code}]")
            self.close_when_done = False
            return
        if self.backend_kind() == "remote":
            self.worker = RemoteWorker(options, preferences.base_url(), preferences.api_key())
        else:
            self.worker = LocalWorker(options)
        self.worker.progressed.connect(self._on_progress)
        if hasattr(self.worker, "preview_ready"):
            self.worker.preview_ready.connect(self._show_preview_file)
        self.preview.clear()
        self.worker.finished.connect(self._on_worker_finished)
        self._set_inputs_enabled(False)
        self.preview_box.hide()
        self._on_progress(0.01, "Starting")
        self.worker.start()

    def _set_inputs_enabled(self, enabled):
        for widget in (self.images, self.add_button, self.paste_button, self.run_button,
                       self.prompt, self.mode, self.backend, self.format, self.export_path):
            widget.setEnabled(enabled)

    @_timed
    def _on_worker_finished(self):
        worker = self.worker
        if worker is None or worker.cancel.is_set():
            return  # cancelled: the panel may already be gone
        try:
            self._finish(worker)
        finally:
            worker.cleanup()

    def _finish(self, worker):
        self._set_inputs_enabled(True)
        if worker.error is not None:
            self._fail(worker.error)
            return
        self._show_preview(worker)
        self._on_progress(0.95, "Adding the result to the document")
        QtGui.QApplication.setOverrideCursor(QtCore.Qt.WaitCursor)
        QtGui.QApplication.processEvents()  # paint the preview before the build blocks
        started = time.perf_counter()
        self.building = True  # FreeCAD's recompute processes events: no Cancel in between
        self.doc.openTransaction(TRANSACTION)
        try:
            self.objects = self._build(worker)
        except Exception as exc:  # the document must not keep half a result
            self.doc.abortTransaction()
            self.objects = []
            self._fail(exc if isinstance(exc, errors.MakistryError) else errors.MakistryError(
                errors.BUILD_FAILED, f"Adding the result to the document failed: {exc}"))
            return
        finally:
            self.building = False
            QtGui.QApplication.restoreOverrideCursor()
        self.doc.commitTransaction()
        self.build_seconds = time.perf_counter() - started
        self.committed += 1
        self.finished = True
        self._show_result()
        if Gui.ActiveDocument is not None and Gui.ActiveDocument.Document == self.doc:
            Gui.SendMsgToActiveView("ViewFit")
        if self.close_when_done:
            self._close()

    def _build(self, worker) -> list:
        """Replace the job's previous result, build, export, record; inside the transaction."""
        options = worker.options
        job = self.job
        if job is not None:
            job_object.remove_result(job)
        name = engine.part_name(options)
        target = active_container(self.doc)
        container = None
        if options.design_mode == "assembly":
            container = self.doc.addObject("App::Part", "Assembly")
            container.Label = name
            if target is not None:
                target.addObject(container)
        parts = worker.build(self.doc, container if container is not None else target)
        self.doc.recompute()
        outputs = []
        export_path = self.export_path.text().strip()
        if export_path:
            from ..cad.export import export_parts

            outputs.append(export_parts(parts, export_path))
        report = worker.report(parts, outputs)
        if job is None:
            job = job_object.make_job(self.doc, f"{name} (Image to CAD)")
            self.job_name = job.Name
        job_object.store(job, options, worker.backend, export_path, report,
                         [container] if container is not None else parts)
        self.report = report
        self.doc.recompute()
        return parts

    def _same_as_job(self) -> bool:
        """Whether the panel still shows exactly what its job was last run with."""
        job = self.job
        if job is None:
            return False
        try:
            options = self.options()
        except errors.MakistryError:
            return False
        return (job_object.encode_images(options.images) == job.ImagesData
                and options.prompt == job.Prompt and options.design_mode == job.DesignMode
                and options.output_format == job.OutputFormat
                and self.backend_kind() == job.Backend
                and self.export_path.text().strip() == job.ExportPath)

    def _fail(self, error):
        self.progress.setValue(0)
        self.stage.setText("Failed")
        text, marker, command = error.message.partition("Install it with: ")
        if not command:
            text, marker, command = error.message.partition("Install with: ")
        if command:
            self.show_error(f"{text}Install it with the command below.\n[{error.code}]",
                            command.strip())
        else:
            self.show_error(f"{error.message}\n[{error.code}]")
        self.close_when_done = False

    def _show_result(self):
        parts = self.report.get("parts", [])
        described = "; ".join(f"{p['name']}: {p['volume_mm3']:,.0f} mm\u00b3" for p in parts)
        self._on_progress(1.0, f"Done: {described}. OK keeps it, Cancel removes it, "
                               "Run again after changing a role or the hint.")

    @_timed
    def _show_preview_file(self, path):
        """The engine's annotated views (view boxes, line types, dimensions), as soon as the
        analysis has written them; the body is still being built."""
        pixmap = QtGui.QPixmap(path)
        if pixmap.isNull():
            return
        target = max(160, min(480, self.form.width() - 30))
        self.preview.setPixmap(pixmap.scaledToWidth(target, QtCore.Qt.SmoothTransformation))
        self.preview_box.show()

    def _show_preview(self, worker):
        """The views found and the warnings, as text under the preview."""
        lines = worker.view_lines + [f"Warning: {w}" for w in worker.warnings]
        self.summary.setText("\n".join(lines) or "No details from this backend.")
        self.preview_box.show()

    # -- task dialog protocol ---------------------------------------------------------------
    def accept(self):
        """OK: run if nothing was built yet (closing when done), else keep the result."""
        if self.running or self.building:
            self.close_when_done = True
            return False
        if self.committed == 0 and self.images.count() and not self._same_as_job():
            self.close_when_done = True
            self.run()
            return False
        self._close()
        return True

    def reject(self):
        """Cancel: stop a running job, undo what this panel built, close."""
        if self.building:
            return False
        worker = self.worker
        if worker is not None and worker.isRunning():
            worker.stop()  # the GUI does not wait for it
            _CANCELLED_WORKERS.add(worker)
            worker.finished.connect(lambda: (_CANCELLED_WORKERS.discard(worker),
                                             worker.cleanup()))
        for _ in range(self.committed):
            if list(self.doc.UndoNames[:1]) == [TRANSACTION]:
                self.doc.undo()
        self.committed = 0
        self._close()
        return True

    def _close(self):
        global ACTIVE_PANEL
        ACTIVE_PANEL = None
        Gui.Control.closeDialog()
        # FreeCAD 1.0.0 leaves the empty Tasks tab in front; show the tree with the result.
        show_model = getattr(Gui.Control, "showModelView", None)
        if show_model is not None:
            show_model()
