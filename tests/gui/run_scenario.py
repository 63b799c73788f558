# SPDX-License-Identifier: LGPL-2.1-or-later
"""Runs inside the real FreeCAD GUI (``freecad run_scenario.py``): drives the workbench as a
user would and writes what it saw to $MAKISTRY_GUI_RESULT as JSON. Steps run from the event
loop (QTimer) so the GUI is live; the longest event-loop stall during a run is measured."""

import json
import os
import time
import traceback

import FreeCAD as App
import FreeCADGui as Gui
from PySide import QtCore, QtGui

RESULT = os.environ["MAKISTRY_GUI_RESULT"]
SCENARIO = os.environ.get("MAKISTRY_GUI_SCENARIO", "run")
IMAGE = os.environ.get("MAKISTRY_GUI_IMAGE", "")
PROMPT = os.environ.get("MAKISTRY_GUI_PROMPT", "")
SHOTS = os.environ.get("MAKISTRY_GUI_SHOTS", "")
result = {"scenario": SCENARIO, "freecad": ".".join(App.Version()[:3]), "steps": []}


def settle(seconds=0.3):
    """Let the GUI paint (and the 3D view render) before looking at it."""
    app = QtGui.QApplication.instance()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents(QtCore.QEventLoop.AllEvents, 20)
        time.sleep(0.01)


def shot(name):
    """A screenshot of the screen as X shows it (QWidget.grab misses the OpenGL 3D view)."""
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        settle()
        screen = QtGui.QApplication.primaryScreen()
        screen.grabWindow(0).save(os.path.join(SHOTS, f"{name}.png"))


def finish():
    with open(RESULT, "w") as handle:
        json.dump(result, handle, indent=1)
    for name in list(App.listDocuments()):
        App.closeDocument(name)
    QtCore.QTimer.singleShot(100, lambda: os._exit(0))


def wait_until(predicate, timeout_s, stalls):
    """Process events until predicate() holds; record gaps between ticks of a 10 ms timer."""
    ticks = []
    timer = QtCore.QTimer()
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start(10)
    deadline = time.perf_counter() + timeout_s
    app = QtGui.QApplication.instance()
    while not predicate() and time.perf_counter() < deadline:
        app.processEvents(QtCore.QEventLoop.AllEvents, 20)
        time.sleep(0.002)
    timer.stop()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    stalls.append(max(gaps) if gaps else None)
    return predicate()


def toolbar_commands():
    found = {}
    for bar in Gui.getMainWindow().findChildren(QtGui.QToolBar):
        found[bar.objectName() or bar.windowTitle()] = [a.text() for a in bar.actions()]
    return found


def step_workbench():
    Gui.activateWorkbench("MakistryWorkbench")
    result["workbench"] = Gui.activeWorkbench().name()
    result["toolbars"] = toolbar_commands()
    report = Gui.getMainWindow().findChild(QtGui.QTextEdit, "Report view")
    result["report_view"] = report.toPlainText() if report else ""


def step_open_panel(doc):
    Gui.runCommand("Makistry_ImageToCad")
    from freecad.makistry_wb.gui import task_panel

    panel = task_panel.ACTIVE_PANEL
    result["dialog_open"] = bool(Gui.Control.activeDialog()) and panel is not None
    return panel


def scenario_run():
    step_workbench()
    doc = App.newDocument("GuiTest")
    before = sorted(o.Name for o in doc.Objects)
    panel = step_open_panel(doc)
    result["panel_error"] = panel.last_error
    shot("panel_empty")
    panel.add_images([IMAGE])
    panel.prompt.setText(PROMPT)
    result["images_listed"] = panel.image_list.count()
    shot("panel_ready")
    stalls = []
    panel.accept()
    wait_until(lambda: panel.progress.value() > 5, 30, stalls)
    shot("panel_running")
    done = wait_until(lambda: panel.finished or panel.last_error, 180, stalls)
    result["finished"] = done and panel.finished
    result["panel_error_after_run"] = panel.last_error
    result["dialog_open_after_run"] = bool(Gui.Control.activeDialog())
    result["longest_stall_s"] = max(s for s in stalls if s is not None)
    view = Gui.ActiveDocument.ActiveView
    view.viewIsometric()
    view.fitAll()
    shot("result")
    bodies = [o for o in doc.Objects if o.TypeId == "PartDesign::Body"]
    result["bodies"] = [{"label": b.Label, "volume": b.Shape.Volume,
                         "bbox": [b.Shape.BoundBox.XLength, b.Shape.BoundBox.YLength,
                                  b.Shape.BoundBox.ZLength]} for b in bodies]
    result["undo_names"] = list(doc.UndoNames)
    doc.undo()
    doc.recompute()
    result["objects_after_undo"] = sorted(o.Name for o in doc.Objects)
    result["objects_before"] = before


def scenario_cancel():
    step_workbench()
    doc = App.newDocument("GuiCancel")
    before = sorted(o.Name for o in doc.Objects)
    panel = step_open_panel(doc)
    panel.add_images([IMAGE])
    stalls = []
    panel.accept()
    wait_until(lambda: panel.running, 10, stalls)
    result["was_running"] = panel.running
    panel.reject()
    wait_until(lambda: not Gui.Control.activeDialog(), 30, stalls)
    result["dialog_open_after_cancel"] = bool(Gui.Control.activeDialog())
    result["objects_after_cancel"] = sorted(o.Name for o in doc.Objects)
    result["objects_before"] = before
    result["undo_names"] = list(doc.UndoNames)


def scenario_bad_file():
    step_workbench()
    App.newDocument("GuiBad")
    panel = step_open_panel(App.ActiveDocument)
    panel.add_images([IMAGE])
    result["images_listed"] = panel.image_list.count()
    result["panel_error"] = panel.last_error
    shot("panel_bad_file")
    panel.reject()


def scenario_missing_deps():
    step_workbench()
    App.newDocument("GuiMissing")
    panel = step_open_panel(App.ActiveDocument)
    result["panel_error"] = panel.last_error
    shot("panel_missing_deps")
    panel.reject()


def main():
    try:
        {"run": scenario_run, "cancel": scenario_cancel, "bad_file": scenario_bad_file,
         "missing_deps": scenario_missing_deps}[SCENARIO]()
    except Exception:
        result["exception"] = traceback.format_exc()
    finish()


QtCore.QTimer.singleShot(500, main)
