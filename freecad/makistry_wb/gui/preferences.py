# SPDX-License-Identifier: LGPL-2.1-or-later
"""Preferences (Edit > Preferences > Makistry): backend, remote API, defaults.

Stored in FreeCAD's user parameters, never in a document. The API key lives there too (the user's
own configuration file), or comes from $MAKISTRY_API_KEY."""

from __future__ import annotations

import FreeCAD as App
from PySide import QtGui

from ..options import DESIGN_MODES, OUTPUT_FORMATS

# The same group api/remote.py reads (ApiBaseUrl, ApiKey, ApiTimeout).
PARAM_PATH = "User parameter:BaseApp/Preferences/Mod/makistry_wb"
UNITS = ("mm", "inch")
DEFAULTS = {"Backend": "local", "ApiBaseUrl": "", "ApiKey": "", "DesignMode": "standard",
            "OutputFormat": "STEP", "Units": "mm"}


def params():
    return App.ParamGet(PARAM_PATH)


def get(name: str) -> str:
    return params().GetString(name, DEFAULTS[name])


def set_value(name: str, value: str) -> None:
    params().SetString(name, value)


def base_url() -> str:
    """The remote API's base URL: preference, else $MAKISTRY_API_URL, else the client's."""
    from ..api.client import resolve_base_url

    return resolve_base_url(get("ApiBaseUrl") or None)


def api_key() -> str:
    from ..api.client import resolve_api_key

    return resolve_api_key(get("ApiKey") or None)


class PreferencesPage:
    """A Python preference page (FreeCADGui.addPreferencePage calls it with no arguments)."""

    def __init__(self, parent=None):
        self.form = QtGui.QWidget(parent)
        self.form.setWindowTitle("Makistry")
        layout = QtGui.QVBoxLayout(self.form)

        backend_box = QtGui.QGroupBox("Backend")
        backend_form = QtGui.QFormLayout(backend_box)
        self.backend = QtGui.QComboBox()
        self.backend.addItem("Local engine (OpenCV + FreeCAD, nothing leaves this computer)",
                             "local")
        self.backend.addItem("Remote API (Makistry service or a compatible server)", "remote")
        backend_form.addRow("Default backend:", self.backend)
        self.base_url = QtGui.QLineEdit()
        self.base_url.setPlaceholderText("e.g. https://api.example.com or http://127.0.0.1:8000")
        backend_form.addRow("API base URL:", self.base_url)
        self.api_key = QtGui.QLineEdit()
        self.api_key.setEchoMode(QtGui.QLineEdit.Password)
        self.api_key.setPlaceholderText("sent as 'Authorization: Bearer <key>'")
        backend_form.addRow("API key:", self.api_key)
        note = QtGui.QLabel("The key is kept in your FreeCAD user settings, never in a document. "
                            "$MAKISTRY_API_KEY and $MAKISTRY_API_URL are used when these are "
                            "empty.")
        note.setWordWrap(True)
        backend_form.addRow(note)
        layout.addWidget(backend_box)

        defaults_box = QtGui.QGroupBox("Defaults for new jobs")
        defaults_form = QtGui.QFormLayout(defaults_box)
        self.mode = QtGui.QComboBox()
        self.mode.addItems(list(DESIGN_MODES))
        defaults_form.addRow("Design mode:", self.mode)
        self.format = QtGui.QComboBox()
        self.format.addItems(list(OUTPUT_FORMATS))
        defaults_form.addRow("Export format:", self.format)
        self.units = QtGui.QComboBox()
        self.units.addItems(list(UNITS))
        self.units.setToolTip("Unit of sizes in the hint that are written without one, "
                              "e.g. '120 long'")
        defaults_form.addRow("Units:", self.units)
        layout.addWidget(defaults_box)
        layout.addStretch(1)
        for name in ("backend", "base_url", "api_key", "mode", "format", "units"):
            getattr(self, name).setObjectName("makistry_" + name)

    def loadSettings(self):
        self.backend.setCurrentIndex(max(0, self.backend.findData(get("Backend"))))
        self.base_url.setText(get("ApiBaseUrl"))
        self.api_key.setText(get("ApiKey"))
        for combo, name in ((self.mode, "DesignMode"), (self.format, "OutputFormat"),
                            (self.units, "Units")):
            combo.setCurrentIndex(max(0, combo.findText(get(name))))

    def saveSettings(self):
        set_value("Backend", self.backend.itemData(self.backend.currentIndex()))
        set_value("ApiBaseUrl", self.base_url.text().strip())
        set_value("ApiKey", self.api_key.text().strip())
        set_value("DesignMode", self.mode.currentText())
        set_value("OutputFormat", self.format.currentText())
        set_value("Units", self.units.currentText())
