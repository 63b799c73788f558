# SPDX-License-Identifier: LGPL-2.1-or-later
"""The job object: an App::FeaturePython that keeps what an "Image to CAD" run was made from
(the images themselves, their view roles, the prompt, the options) and its report, so that
Edit reopens the panel with them and Re-run rebuilds. Never holds the API key.

The document stores the proxy classes by module path, so this module must keep its name and
import only FreeCAD at load time (documents are also opened by freecadcmd)."""

from __future__ import annotations

import base64
import json

import FreeCAD as App

from ..options import DESIGN_MODES, OUTPUT_FORMATS, ImageInput, JobOptions

JOB_TYPE = "Makistry::ImageToCadJob"
BACKENDS = ("local", "remote")


class ImageToCadJob:
    """Proxy of the job object; the data lives in the object's properties."""

    def __init__(self, obj):
        obj.Proxy = self
        self.Type = JOB_TYPE
        add_properties(obj)

    def execute(self, obj):
        pass  # the job builds through the task panel, never on recompute

    def onDocumentRestored(self, obj):
        add_properties(obj)  # documents saved by older versions gain new properties

    def dumps(self):
        return {"Type": JOB_TYPE}

    def loads(self, state):
        self.Type = JOB_TYPE

    __getstate__ = dumps
    __setstate__ = loads


def add_properties(obj) -> None:
    """The job's properties, added only where missing."""
    group = "Image to CAD"
    specs = (
        ("App::PropertyString", "Prompt", "The hint given with the images"),
        ("App::PropertyEnumeration", "DesignMode", "standard: one part; assembly: an App::Part"),
        ("App::PropertyEnumeration", "OutputFormat", "Format of the optional export"),
        ("App::PropertyString", "ExportPath", "Where the result was also exported (optional)"),
        ("App::PropertyEnumeration", "Backend", "local engine or the remote API"),
        ("App::PropertyString", "ImagesData", "The source images (JSON: name, role, base64)"),
        ("App::PropertyString", "ReportJson", "The report of the last run (JSON)"),
        ("App::PropertyLinkList", "Result", "The objects the last run built"),
    )
    for kind, name, tip in specs:
        if name not in obj.PropertiesList:
            obj.addProperty(kind, name, group, tip)
            if kind == "App::PropertyEnumeration":
                values = {"DesignMode": DESIGN_MODES, "OutputFormat": OUTPUT_FORMATS,
                          "Backend": BACKENDS}[name]
                setattr(obj, name, list(values))
    for name in ("ImagesData", "ReportJson"):
        obj.setEditorMode(name, 1)  # read-only in the property editor; edited via the panel


def encode_images(images: list[ImageInput]) -> str:
    return json.dumps([{"name": image.name, "role": image.role,
                        "data": base64.b64encode(image.data).decode("ascii")}
                       for image in images])


def decode_images(text: str) -> list[ImageInput]:
    if not text:
        return []
    return [ImageInput(name=item["name"], role=item.get("role", "auto"),
                       data=base64.b64decode(item["data"])) for item in json.loads(text)]


def is_job(obj) -> bool:
    proxy = getattr(obj, "Proxy", None)
    return getattr(proxy, "Type", None) == JOB_TYPE or (
        obj is not None and "ImagesData" in getattr(obj, "PropertiesList", ()))


def make_job(doc, label: str):
    """A new, empty job object in ``doc`` (call inside the caller's transaction)."""
    obj = doc.addObject("App::FeaturePython", "ImageToCadJob")
    ImageToCadJob(obj)
    obj.Label = label
    if App.GuiUp:
        ViewProviderImageToCadJob(obj.ViewObject)
    return obj


def store(obj, options: JobOptions, backend: str, export_path: str, report: dict,
          result: list) -> None:
    """Write one run's inputs, report and result objects into the job object."""
    obj.ImagesData = encode_images(options.images)
    obj.Prompt = options.prompt
    obj.DesignMode = options.design_mode
    obj.OutputFormat = options.output_format
    obj.Backend = backend
    obj.ExportPath = export_path
    obj.ReportJson = json.dumps(report, default=str)
    obj.Result = list(result)


def options_of(obj) -> JobOptions:
    """The options the job was last run with."""
    return JobOptions(images=decode_images(obj.ImagesData), prompt=obj.Prompt,
                      design_mode=obj.DesignMode, output_format=obj.OutputFormat)


def report_of(obj) -> dict:
    try:
        return json.loads(obj.ReportJson or "{}")
    except ValueError:
        return {}


def remove_result(obj) -> None:
    """Delete the objects the previous run built (bodies with their features, containers)."""
    doc = obj.Document
    doomed = list(obj.Result)
    obj.Result = []
    for item in doomed:
        _remove_tree(doc, item)


def _remove_tree(doc, item) -> None:
    if item is None or doc.getObject(item.Name) is None:
        return
    if item.TypeId == "App::Part":
        for child in list(item.Group):
            _remove_tree(doc, child)
    elif item.TypeId == "PartDesign::Body":
        item.removeObjectsFromDocument()
    doc.removeObject(item.Name)


class ViewProviderImageToCadJob:
    """Tree icon, double-click to edit, context menu with Edit and Re-run."""

    def __init__(self, vobj):
        vobj.Proxy = self

    def attach(self, vobj):
        self.Object = vobj.Object

    def getIcon(self):
        from .resources import icon_path

        return icon_path("Makistry_ImageToCad.svg")

    def doubleClicked(self, vobj):
        from . import commands

        commands.edit_job(vobj.Object)
        return True

    def setupContextMenu(self, vobj, menu):
        from PySide import QtGui

        from . import commands

        obj = vobj.Object
        edit = QtGui.QAction("Edit images and options...", menu)
        edit.triggered.connect(lambda: commands.edit_job(obj))
        rerun = QtGui.QAction("Re-run", menu)
        rerun.triggered.connect(lambda: commands.rerun_job(obj))
        menu.addAction(edit)
        menu.addAction(rerun)

    def dumps(self):
        return None

    def loads(self, state):
        return None

    __getstate__ = dumps
    __setstate__ = loads
