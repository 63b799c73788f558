# SPDX-License-Identifier: LGPL-2.1-or-later
"""The panel's image list: 1-3 images added by file dialog, drag and drop or paste, each with a
thumbnail, a view role and a remove button. Every image is checked as it arrives (count, size,
type) and a refusal is reported through ``refused(text)``."""

from __future__ import annotations

import os

from PySide import QtCore, QtGui

from .. import errors
from ..imaging.load import sniff_format
from ..options import MAX_IMAGES, VIEW_ROLE_HINTS, ImageInput, check_image_size, read_image_file

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.webp *.gif)"
THUMB = QtCore.QSize(72, 54)


def check_image(image: ImageInput) -> None:
    """Size and type, checked on the bytes; raises MakistryError with the reason."""
    label = os.path.basename(image.name)
    check_image_size(image)
    if sniff_format(image.data) is None:
        raise errors.MakistryError(
            errors.UNSUPPORTED_TYPE,
            f"{label} is not a PNG, JPEG, WebP or GIF image. Export the drawing as PNG.",
            source=image.name)


class _ElidedLabel(QtGui.QLabel):
    """A file name that shortens itself with "..." in the middle when the panel is narrow."""

    def __init__(self, text):
        super().__init__(text)
        self.full_text = text
        self.setMinimumWidth(10)
        self.setSizePolicy(QtGui.QSizePolicy.Ignored, QtGui.QSizePolicy.Preferred)

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self.setText(self.fontMetrics().elidedText(self.full_text, QtCore.Qt.ElideMiddle,
                                                   max(10, self.width())))


class _ImageRow(QtGui.QFrame):
    """One image: thumbnail, name, role and remove."""

    def __init__(self, image: ImageInput, on_remove):
        super().__init__()
        self.image = image
        self.setFrameShape(QtGui.QFrame.StyledPanel)
        layout = QtGui.QHBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.thumbnail = QtGui.QLabel()
        pixmap = QtGui.QPixmap()
        if pixmap.loadFromData(image.data):
            pixmap = pixmap.scaled(THUMB, QtCore.Qt.KeepAspectRatio,
                                   QtCore.Qt.SmoothTransformation)
        self.thumbnail.setPixmap(pixmap)
        self.thumbnail.setFixedSize(THUMB)
        self.thumbnail.setAlignment(QtCore.Qt.AlignCenter)
        layout.addWidget(self.thumbnail)
        column = QtGui.QVBoxLayout()
        self.name = _ElidedLabel(os.path.basename(image.name))
        self.name.setToolTip(image.name)
        column.addWidget(self.name)
        self.role = QtGui.QComboBox()
        self.role.addItems(list(VIEW_ROLE_HINTS))
        self.role.setCurrentIndex(max(0, self.role.findText(image.role)))
        self.role.setToolTip("Which view this image shows; auto lets the engine decide")
        self.role.setMinimumContentsLength(6)
        self.role.setSizeAdjustPolicy(QtGui.QComboBox.AdjustToMinimumContentsLength)
        column.addWidget(self.role)
        layout.addLayout(column, 1)
        self.remove = QtGui.QToolButton()
        self.remove.setText("\u2715")
        self.remove.setToolTip("Remove this image")
        self.remove.clicked.connect(lambda: on_remove(self))
        layout.addWidget(self.remove, 0, QtCore.Qt.AlignTop)

    def current(self) -> ImageInput:
        return ImageInput(name=self.image.name, data=self.image.data,
                          role=self.role.currentText())


class ImageList(QtGui.QFrame):
    """Drop target and list of image rows; Ctrl+V pastes when it has focus."""

    refused = QtCore.Signal(str)
    changed = QtCore.Signal()

    def __init__(self):
        super().__init__()
        self.setAcceptDrops(True)
        self.setFocusPolicy(QtCore.Qt.StrongFocus)
        self.setFrameShape(QtGui.QFrame.StyledPanel)
        self.rows: list[_ImageRow] = []
        self._pasted = 0
        layout = QtGui.QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.rows_layout = QtGui.QVBoxLayout()
        layout.addLayout(self.rows_layout)
        self.hint = QtGui.QLabel(f"Drop 1-{MAX_IMAGES} images here (PNG, JPEG, WebP, GIF; "
                                 "10 MB each), paste with Ctrl+V, or use Add.")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(QtCore.Qt.AlignCenter)
        self.hint.setStyleSheet("color: palette(mid); padding: 8px;")
        layout.addWidget(self.hint)

    # -- contents ---------------------------------------------------------------------------
    def images(self) -> list[ImageInput]:
        return [row.current() for row in self.rows]

    def count(self) -> int:
        return len(self.rows)

    def clear(self):
        for row in list(self.rows):
            self._remove(row, notify=False)
        self.changed.emit()

    def add_image(self, image: ImageInput) -> bool:
        """Add one image if it passes the checks; otherwise say why through ``refused``."""
        label = os.path.basename(image.name)
        if len(self.rows) >= MAX_IMAGES:
            self.refused.emit(f"At most {MAX_IMAGES} images: {label} was not added. "
                              "Remove one first.")
            return False
        try:
            check_image(image)
        except errors.MakistryError as exc:
            self.refused.emit(f"{exc.message}\n[{exc.code}]")
            return False
        row = _ImageRow(image, self._remove)
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        self.hint.setVisible(len(self.rows) < MAX_IMAGES)
        self.hint.setText("Drop, paste or add another view." if self.rows else self.hint.text())
        self.changed.emit()
        return True

    def add_files(self, paths) -> int:
        added = 0
        for path in paths:
            try:
                image = read_image_file(path)
            except errors.MakistryError as exc:
                self.refused.emit(f"{exc.message}\n[{exc.code}]")
                continue
            if self.add_image(image):
                added += 1
            elif len(self.rows) >= MAX_IMAGES:
                break  # the refusal already names the first image left out
        return added

    def _remove(self, row, notify=True):
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.hint.setVisible(True)
        if notify:
            self.changed.emit()

    def set_roles(self, roles):
        for row, role in zip(self.rows, roles):
            row.role.setCurrentIndex(max(0, row.role.findText(role)))

    # -- clipboard and drag and drop --------------------------------------------------------
    def add_mime(self, mime) -> int:
        """Add what a drop or the clipboard carries: local files first, else an image."""
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()] \
            if mime.hasUrls() else []
        if paths:
            return self.add_files(paths)
        if mime.hasImage():
            qimage = QtGui.QImage(mime.imageData())
            if qimage.isNull():
                self.refused.emit("The clipboard holds an image Qt cannot read. Save it as PNG "
                                  "and add the file.")
                return 0
            buffer = QtCore.QBuffer()
            buffer.open(QtCore.QIODevice.WriteOnly)
            qimage.save(buffer, "PNG")
            self._pasted += 1
            return int(self.add_image(ImageInput(name=f"pasted_{self._pasted}.png",
                                                 data=bytes(buffer.data()))))
        self.refused.emit("Nothing to add: the clipboard or the drop holds no image and no "
                          "image file.")
        return 0

    def paste(self) -> int:
        return self.add_mime(QtGui.QApplication.clipboard().mimeData())

    def dragEnterEvent(self, event):
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dragMoveEvent(self, event):
        event.acceptProposedAction()

    def dropEvent(self, event):
        event.acceptProposedAction()
        self.add_mime(event.mimeData())

    def event(self, event):
        # FreeCAD's Edit > Paste owns Ctrl+V; claim it while the image list has focus.
        if event.type() == QtCore.QEvent.ShortcutOverride and \
                event.matches(QtGui.QKeySequence.Paste):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event):
        if event.matches(QtGui.QKeySequence.Paste):
            self.paste()
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event):
        self.setFocus(QtCore.Qt.MouseFocusReason)
        super().mousePressEvent(event)
