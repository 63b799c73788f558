# SPDX-License-Identifier: LGPL-2.1-or-later
"""The "Image to CAD" task panel: images, hint, mode, format; runs the engine on a worker
thread and builds the result on the main thread inside one undoable transaction."""

from __future__ import annotations

import os
import threading

import FreeCAD as App
import FreeCADGui as Gui
from PySide import QtCore, QtGui

from .. import engine, errors, runtime
from ..options import MAX_IMAGES, OUTPUT_FORMATS, JobOptions, read_image_file

TRANSACTION = "Image to CAD"
PROMPT_EXAMPLE = "front view and right-side view of the same bracket, 120 mm long"
# The panel on screen, for tests and macros (FreeCAD's Control keeps no Python handle).
ACTIVE_PANEL = None
# Cancelled workers still finishing their current stage; kept alive until they end.
_CANCELLED_WORKERS = set()


class AnalysisWorker(QtCore.QThread):
    """Runs engine.analyse (pure Python) off the GUI thread."""

    progressed = QtCore.Signal(float, str)

    def __init__(self, options: JobOptions):
        super().__init__()
        self.options = options
        self.cancel = threading.Event()
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = engine.analyse(self.options, self.progressed.emit, self.cancel)
        except errors.MakistryError as exc:
            self.error = exc
        except Exception as exc:  # shown in the panel; never lost in a thread
            self.error = errors.MakistryError(
                errors.IMAGE_PARSE_FAILED, f"Unexpected failure: {exc!r}")


class ImageToCadPanel:
    def __init__(self, doc):
        global ACTIVE_PANEL
        self.doc = doc
        self.worker = None
        self.objects = []
        self.last_error = ""  # plain text of the last error shown, readable after closing
        self.finished = False
        self.form = self._build_form()
        ACTIVE_PANEL = self
        missing = runtime.missing_packages()
        if "opencv-python-headless" in missing:
            self.show_error(
                "The local engine needs OpenCV. Install it for this FreeCAD with:\n"
                + runtime.install_command(["opencv-python-headless"])
                + "\nthen restart FreeCAD.")

    # -- form -------------------------------------------------------------------------------
    def _build_form(self):
        form = QtGui.QWidget()
        form.setWindowTitle("Image to CAD")
        layout = QtGui.QVBoxLayout(form)

        layout.addWidget(QtGui.QLabel(f"Images (1 to {MAX_IMAGES}): drawings, sketches or photos"))
        self.image_list = QtGui.QListWidget()
        self.image_list.setIconSize(QtCore.QSize(96, 72))
        self.image_list.setMinimumHeight(110)
        layout.addWidget(self.image_list)
        row = QtGui.QHBoxLayout()
        self.add_button = QtGui.QPushButton("Add images...")
        self.add_button.clicked.connect(self._choose_images)
        self.remove_button = QtGui.QPushButton("Remove")
        self.remove_button.clicked.connect(self._remove_selected)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)

        grid = QtGui.QFormLayout()
        self.prompt = QtGui.QLineEdit()
        self.prompt.setPlaceholderText(PROMPT_EXAMPLE)
        grid.addRow("Hint:", self.prompt)
        self.mode = QtGui.QComboBox()
        self.mode.addItems(["standard", "assembly"])
        grid.addRow("Design mode:", self.mode)
        self.format = QtGui.QComboBox()
        self.format.addItems(list(OUTPUT_FORMATS))
        grid.addRow("Export format:", self.format)
        self.export_path = QtGui.QLineEdit()
        self.export_path.setPlaceholderText("optional: also export to this file")
        grid.addRow("Export to:", self.export_path)
        layout.addLayout(grid)

        self.progress = QtGui.QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.stage = QtGui.QLabel("Add an image, then press OK to run.")
        layout.addWidget(self.progress)
        layout.addWidget(self.stage)
        self.error_label = QtGui.QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a40000;")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        self.preview = QtGui.QLabel()
        self.preview.setAlignment(QtCore.Qt.AlignCenter)
        layout.addWidget(self.preview)
        return form

    def getStandardButtons(self):
        return int(QtGui.QDialogButtonBox.Ok | QtGui.QDialogButtonBox.Cancel)

    # -- images -----------------------------------------------------------------------------
    def _choose_images(self):
        paths, _ = QtGui.QFileDialog.getOpenFileNames(
            self.form, "Images of the part", "", "Images (*.png *.jpg *.jpeg *.webp *.gif)")
        self.add_images(paths)

    def add_images(self, paths):
        """Add image files, checking count, size and type at once."""
        for path in paths:
            if self.image_list.count() >= MAX_IMAGES:
                self.show_error(f"At most {MAX_IMAGES} images: {os.path.basename(path)} was "
                                "not added. Remove one first.")
                return
            try:
                image = read_image_file(path)
                from ..imaging.load import sniff_format

                if sniff_format(image.data) is None:
                    raise errors.MakistryError(
                        errors.UNSUPPORTED_TYPE,
                        f"{os.path.basename(path)} is not a PNG, JPEG, WebP or GIF image.")
            except errors.MakistryError as exc:
                self.show_error(exc.message)
                continue
            item = QtGui.QListWidgetItem(QtGui.QIcon(path), os.path.basename(path))
            item.setData(QtCore.Qt.UserRole, path)
            self.image_list.addItem(item)
            self.clear_error()

    def _remove_selected(self):
        for item in self.image_list.selectedItems():
            self.image_list.takeItem(self.image_list.row(item))

    def image_paths(self):
        return [self.image_list.item(i).data(QtCore.Qt.UserRole)
                for i in range(self.image_list.count())]

    # -- messages ---------------------------------------------------------------------------
    def show_error(self, text):
        self.last_error = text
        self.error_label.setText(text)
        self.error_label.show()

    def clear_error(self):
        self.last_error = ""
        self.error_label.clear()
        self.error_label.hide()

    def _on_progress(self, fraction, stage):
        self.progress.setValue(int(fraction * 100))
        self.stage.setText(stage)

    # -- running ----------------------------------------------------------------------------
    @property
    def running(self):
        return self.worker is not None and self.worker.isRunning()

    def options(self):
        options = JobOptions(prompt=self.prompt.text().strip(),
                             design_mode=self.mode.currentText(),
                             output_format=self.format.currentText())
        options.images = [read_image_file(p) for p in self.image_paths()]
        options.validate()
        return options

    def run(self):
        """Start the analysis on a worker thread; the build follows on the main thread."""
        if self.running:
            return
        self.clear_error()
        try:
            options = self.options()
        except errors.MakistryError as exc:
            self.show_error(exc.message)
            return
        self.worker = AnalysisWorker(options)
        self.worker.progressed.connect(self._on_progress)
        self.worker.finished.connect(self._on_analysed)
        self.add_button.setEnabled(False)
        self.worker.start()

    def _on_analysed(self):
        worker = self.worker
        if worker is None or worker.cancel.is_set():
            return  # cancelled: the panel may already be gone
        self.add_button.setEnabled(True)
        if worker.error is not None:
            self.progress.setValue(0)
            self.stage.setText("Failed")
            self.show_error(f"{worker.error.message}\n[{worker.error.code}]")
            return
        analysis = worker.result
        self._show_preview(analysis)
        self._on_progress(0.7, "Building the body")
        self.doc.openTransaction(TRANSACTION)
        try:
            self.objects = engine.build(analysis, self.doc)
            self.doc.recompute()
        except errors.MakistryError as exc:
            self.doc.abortTransaction()
            self.show_error(f"{exc.message}\n[{exc.code}]")
            return
        self.doc.commitTransaction()
        self._export(analysis)
        self._on_progress(1.0, "Done: " + ", ".join(o.Label for o in self.objects))
        self.finished = True
        Gui.Control.closeDialog()
        if Gui.ActiveDocument is not None:
            Gui.SendMsgToActiveView("ViewFit")

    def _export(self, analysis):
        path = self.export_path.text().strip()
        if not path:
            return
        from ..cad.export import export_parts

        try:
            export_parts(self.objects, path)
        except errors.MakistryError as exc:
            App.Console.PrintError(f"Makistry: {exc.message}\n")

    def _show_preview(self, analysis):
        if not analysis.previews:
            return
        array = analysis.previews[0]
        height, width = array.shape[:2]
        image = QtGui.QImage(array.tobytes(), width, height, 3 * width, QtGui.QImage.Format_RGB888)
        pixmap = QtGui.QPixmap.fromImage(image.copy())
        self.preview.setPixmap(pixmap.scaledToWidth(320, QtCore.Qt.SmoothTransformation))

    # -- task dialog protocol ---------------------------------------------------------------
    def accept(self):
        """OK runs the job; the dialog closes itself once the body is built."""
        self.run()
        return False

    def reject(self):
        """Cancel stops a running analysis; nothing has touched the document before the build."""
        global ACTIVE_PANEL
        worker = self.worker
        if worker is not None and worker.isRunning():
            worker.cancel.set()  # checked between stages; the GUI does not wait for it
            _CANCELLED_WORKERS.add(worker)
            worker.finished.connect(lambda: _CANCELLED_WORKERS.discard(worker))
        ACTIVE_PANEL = None
        Gui.Control.closeDialog()
        return True
