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


def body_facts(doc):
    return [{"label": b.Label, "volume": b.Shape.Volume,
             "bbox": [b.Shape.BoundBox.XLength, b.Shape.BoundBox.YLength,
                      b.Shape.BoundBox.ZLength],
             "parents": [p.TypeId for p in b.InList if p.TypeId == "App::Part"],
             "shown": [o.Name for o in b.Group + [b.Origin] + b.Origin.OriginFeatures
                       if o.Visibility],
             "tip": b.Tip.Name if b.Tip else None}
            for b in doc.Objects if b.TypeId == "PartDesign::Body"]


def fit_iso():
    view = Gui.ActiveDocument.ActiveView
    view.viewIsometric()
    view.fitAll()


def scenario_run():
    step_workbench()
    doc = App.newDocument("GuiTest")
    before = sorted(o.Name for o in doc.Objects)
    panel = step_open_panel(doc)
    result["panel_error"] = panel.last_error
    shot("1_panel_empty")
    panel.add_images([IMAGE])
    panel.prompt.setPlainText(PROMPT)
    result["images_listed"] = panel.images.count()
    shot("2_panel_ready")
    stalls = []
    panel.run_button.click()
    wait_until(lambda: panel.progress.value() > 5, 30, stalls)
    shot("3_panel_running")
    done = wait_until(lambda: panel.finished or panel.last_error, 180, stalls)
    result["finished"] = done and panel.finished
    result["panel_error_after_run"] = panel.last_error
    result["preview_shown"] = panel.preview_box.isVisible() and \
        not panel.preview.pixmap().isNull()
    result["stage_after_run"] = panel.stage.text()
    result["longest_stall_s"] = max(s for s in stalls if s is not None)
    result["build_seconds"] = panel.build_seconds
    result["slot_seconds"] = {k: round(v, 3) for k, v in panel.slot_seconds.items()}
    result["engine_timings_s"] = panel.report.get("timings_s", {})
    fit_iso()
    shot("4_panel_done")
    result["dialog_open_before_ok"] = bool(Gui.Control.activeDialog())
    panel.accept()
    settle(0.2)
    result["dialog_open_after_run"] = bool(Gui.Control.activeDialog())
    shot("5_result")
    result["bodies"] = body_facts(doc)
    jobs = [o for o in doc.Objects if "ImagesData" in o.PropertiesList]
    result["jobs"] = [{"label": j.Label, "prompt": j.Prompt, "result": [o.Name for o in j.Result],
                       "report_status": json.loads(j.ReportJson)["status"]} for j in jobs]
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
    settle(0.5)
    result["dialog_open_after_cancel"] = bool(Gui.Control.activeDialog())
    result["objects_after_cancel"] = sorted(o.Name for o in doc.Objects)
    result["objects_before"] = before
    result["undo_names"] = list(doc.UndoNames)
    # Cancel after a finished run removes what the panel built.
    panel = step_open_panel(doc)
    panel.add_images([IMAGE])
    panel.prompt.setPlainText(PROMPT)
    panel.run()
    wait_until(lambda: panel.finished or panel.last_error, 180, [])
    result["built_before_cancel"] = len(body_facts(doc))
    panel.reject()
    settle(0.2)
    result["objects_after_cancel_of_built"] = sorted(o.Name for o in doc.Objects)


def scenario_active_part():
    """A user's document with an active App::Part holding their own Body: the result goes
    into that Part, beside their Body, and one undo takes it out again."""
    step_workbench()
    doc = App.newDocument("GuiActivePart")
    housing = doc.addObject("App::Part", "Housing")
    theirs = doc.addObject("PartDesign::Body", "TheirBody")
    housing.addObject(theirs)
    theirs.addObject(doc.addObject("PartDesign::AdditiveBox", "TheirBox"))
    doc.recompute()
    Gui.ActiveDocument.ActiveView.setActiveObject("part", housing)
    before = sorted(o.Name for o in doc.Objects)
    panel = step_open_panel(doc)
    panel.add_images([IMAGE])
    panel.prompt.setPlainText(PROMPT)
    panel.run()
    result["finished"] = wait_until(lambda: panel.finished or panel.last_error, 180, []) \
        and panel.finished
    result["panel_error"] = panel.last_error
    panel.accept()
    settle(0.2)
    result["bodies"] = body_facts(doc)
    result["housing_holds"] = sorted(o.Label for o in housing.Group
                                     if o.TypeId == "PartDesign::Body")
    doc.undo()
    doc.recompute()
    result["objects_after_undo"] = sorted(o.Name for o in doc.Objects)
    result["housing_after_undo"] = sorted(o.Name for o in housing.Group)
    result["objects_before"] = before


def scenario_bad_file():
    step_workbench()
    App.newDocument("GuiBad")
    panel = step_open_panel(App.ActiveDocument)
    panel.add_images([IMAGE])
    result["images_listed"] = panel.images.count()
    result["panel_error"] = panel.last_error
    shot("panel_bad_file")
    panel.reject()


def scenario_missing_deps():
    step_workbench()
    App.newDocument("GuiMissing")
    panel = step_open_panel(App.ActiveDocument)
    result["panel_error"] = panel.last_error
    result["remote_enabled"] = panel.backend.model().item(1).isEnabled()
    result["remote_tooltip"] = panel.backend.model().item(1).toolTip()
    shot("panel_missing_deps")
    panel.reject()


def drop_files(widget, paths=(), image=None):
    """A real QDropEvent on the widget, as a file manager's drag would deliver it."""
    mime = QtCore.QMimeData()
    if paths:
        mime.setUrls([QtCore.QUrl.fromLocalFile(p) for p in paths])
    if image is not None:
        mime.setImageData(image)
    point = QtCore.QPoint(10, 10)
    enter = QtGui.QDragEnterEvent(point, QtCore.Qt.CopyAction, mime, QtCore.Qt.LeftButton,
                                  QtCore.Qt.NoModifier)
    QtGui.QApplication.sendEvent(widget, enter)
    drop = QtGui.QDropEvent(QtCore.QPointF(point), QtCore.Qt.CopyAction, mime,
                            QtCore.Qt.LeftButton, QtCore.Qt.NoModifier)
    QtGui.QApplication.sendEvent(widget, drop)
    return enter.isAccepted()


def press_paste(widget):
    """Ctrl+V on the focused image list. With xdotool the key comes from the X server, so
    FreeCAD's own Ctrl+V (Edit > Paste) competes as it does for a user; without it, the key
    events are sent to the widget directly."""
    import shutil
    import subprocess

    Gui.getMainWindow().activateWindow()
    widget.setFocus(QtCore.Qt.OtherFocusReason)
    settle(0.2)
    result["paste_target_focused"] = QtGui.QApplication.focusWidget() is widget
    if shutil.which("xdotool"):
        result["paste_key_path"] = "x server"
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+v"], check=True, timeout=20)
        settle(0.5)
        return
    result["paste_key_path"] = "sent to the widget"
    override = QtGui.QKeyEvent(QtCore.QEvent.ShortcutOverride, QtCore.Qt.Key_V,
                               QtCore.Qt.ControlModifier)
    QtGui.QApplication.sendEvent(widget, override)
    press = QtGui.QKeyEvent(QtCore.QEvent.KeyPress, QtCore.Qt.Key_V, QtCore.Qt.ControlModifier)
    QtGui.QApplication.sendEvent(widget, press)


def scenario_inputs():
    """Drag and drop, paste, roles, and every refusal with its reason."""
    step_workbench()
    App.newDocument("GuiInputs")
    panel = step_open_panel(App.ActiveDocument)
    images = os.environ["MAKISTRY_GUI_IMAGES"].split(os.pathsep)
    errors_seen = {}
    result["drag_accepted"] = drop_files(panel.images, [images[0]])
    result["after_drop"] = panel.images.count()
    QtGui.QApplication.clipboard().setImage(QtGui.QImage(images[1]))
    press_paste(panel.images)
    result["after_paste"] = panel.images.count()
    result["pasted_name"] = panel.images.images()[-1].name if panel.images.count() else ""
    drop_files(panel.images, [os.environ["MAKISTRY_GUI_BIG"]])
    errors_seen["too_large"] = panel.last_error
    drop_files(panel.images, [os.environ["MAKISTRY_GUI_TEXT"]])
    errors_seen["unsupported"] = panel.last_error
    panel.add_images([images[2]])
    result["after_add"] = panel.images.count()
    panel.add_images([images[0]])
    errors_seen["too_many"] = panel.last_error
    result["count_after_fourth"] = panel.images.count()
    panel.images.set_roles(["front", "top", "right"])
    result["roles"] = [i.role for i in panel.images.images()]
    panel.prompt.setPlainText("front, top and right view of the same block, 60 long")
    result["prompt_sent"] = panel.options().prompt
    result["errors"] = errors_seen
    shot("panel_three_images")
    panel.images.rows[1].remove.click()
    settle(0.1)
    result["after_remove"] = [os.path.basename(i.name) for i in panel.images.images()]
    panel.reject()


def wait_for_panel_run(panel, timeout_s=180):
    wait_until(lambda: panel.finished or panel.last_error, timeout_s, [])
    return panel.finished, panel.last_error


def scenario_job():
    """Run, save, close, reopen; Edit with a new hint; undo; Re-run; assembly mode."""
    from freecad.makistry_wb.gui import commands, task_panel

    step_workbench()
    path = os.environ["MAKISTRY_GUI_FCSTD"]
    doc = App.newDocument("GuiJob")
    panel = step_open_panel(doc)
    panel.add_images([IMAGE])
    panel.images.set_roles(["auto"])
    panel.prompt.setPlainText(PROMPT)
    panel.accept()
    result["first_run"] = wait_for_panel_run(panel)
    result["first_bodies"] = body_facts(doc)
    doc.saveAs(path)
    App.closeDocument(doc.Name)
    settle(0.2)
    doc = App.openDocument(path)
    settle(0.2)
    jobs = [o for o in doc.Objects if "ImagesData" in o.PropertiesList]
    result["jobs_after_reopen"] = len(jobs)
    job = jobs[0]
    result["proxy_type"] = getattr(job.Proxy, "Type", None)
    result["view_proxy"] = type(job.ViewObject.Proxy).__name__ if job.ViewObject else None
    result["reopened_prompt"] = job.Prompt
    result["reopened_result"] = [o.Label for o in job.Result]
    result["api_key_in_file"] = "ApiKey" in job.ReportJson
    Gui.Selection.clearSelection()
    Gui.Selection.addSelection(job)
    result["edit_active"] = Gui.Command.get(commands.EDIT_JOB).isActive()
    Gui.runCommand(commands.EDIT_JOB)
    panel = task_panel.ACTIVE_PANEL
    result["edit_images"] = panel.images.count()
    result["edit_prompt"] = panel.prompt.toPlainText()
    panel.prompt.setPlainText("240 mm long")
    shot("edit_panel")
    panel.accept()
    result["edit_run"] = wait_for_panel_run(panel)
    settle(0.2)
    fit_iso()
    shot("after_edit_rerun")
    result["edited_bodies"] = body_facts(doc)
    result["undo_names"] = list(doc.UndoNames)
    doc.undo()
    doc.recompute()
    result["bodies_after_undo"] = body_facts(doc)
    result["prompt_after_undo"] = job.Prompt
    menu = QtGui.QMenu()
    job.ViewObject.Proxy.setupContextMenu(job.ViewObject, menu)
    actions = {a.text(): a for a in menu.actions()}
    result["context_menu"] = sorted(actions)
    actions["Re-run"].trigger()
    panel = task_panel.ACTIVE_PANEL
    result["rerun"] = wait_for_panel_run(panel)
    settle(0.2)
    result["dialog_open_after_rerun"] = bool(Gui.Control.activeDialog())
    result["rerun_bodies"] = body_facts(doc)
    doc.save()
    # Assembly mode: the body inside an App::Part named after the image.
    result["double_click_handled"] = job.ViewObject.Proxy.doubleClicked(job.ViewObject)
    panel = task_panel.ACTIVE_PANEL
    result["double_click_images"] = panel.images.count()
    panel.mode.setCurrentIndex(panel.mode.findText("assembly"))
    panel.accept()
    result["assembly_run"] = wait_for_panel_run(panel)
    result["assembly_bodies"] = body_facts(doc)
    result["assembly_result"] = [o.TypeId for o in job.Result]
    result["assembly_parts"] = [len(o.Group) for o in doc.Objects if o.TypeId == "App::Part"]


def scenario_preferences():
    """The preference page: save, reload, and the panel's defaults follow it."""
    from freecad.makistry_wb.gui import preferences

    step_workbench()
    page = preferences.PreferencesPage()
    page.loadSettings()
    result["defaults"] = {"mode": page.mode.currentText(), "format": page.format.currentText(),
                          "backend": page.backend.currentIndex()}

    def fill_in_dialog():
        """Runs while FreeCAD's modal Preferences dialog is open on the Makistry page."""
        try:
            dialog = QtGui.QApplication.activeModalWidget()
            field = {name: dialog.findChild(QtGui.QWidget, "makistry_" + name)
                     for name in ("mode", "format", "units", "base_url", "api_key")}
            result["page_in_dialog"] = all(w is not None for w in field.values())
            field["mode"].setCurrentIndex(field["mode"].findText("assembly"))
            field["format"].setCurrentIndex(field["format"].findText("STL"))
            field["units"].setCurrentIndex(field["units"].findText("inch"))
            field["base_url"].setText("http://127.0.0.1:9")
            field["api_key"].setText("secret-key-123")
            shot("preferences")
            dialog.accept()  # OK: FreeCAD calls the page's saveSettings
        except Exception:
            result["exception"] = traceback.format_exc()
            QtGui.QApplication.activeModalWidget().reject()

    QtCore.QTimer.singleShot(1000, fill_in_dialog)
    Gui.showPreferences("Makistry")
    again = preferences.PreferencesPage()
    again.loadSettings()
    result["reloaded"] = {"mode": again.mode.currentText(), "format": again.format.currentText(),
                          "units": again.units.currentText(), "url": again.base_url.text(),
                          "key": again.api_key.text()}
    doc = App.newDocument("GuiPrefs")
    panel = step_open_panel(doc)
    result["panel_defaults"] = {"mode": panel.mode.currentText(),
                                "format": panel.format.currentText()}
    panel.add_images([IMAGE])
    panel.prompt.setPlainText("120 long")
    result["prompt_sent"] = panel.options().prompt
    panel.reject()


def scenario_remote():
    """The remote backend against the real server on loopback; the key stays out of the file."""
    from freecad.makistry_wb.gui import preferences

    step_workbench()
    preferences.set_value("ApiBaseUrl", os.environ["MAKISTRY_GUI_API_URL"])
    preferences.set_value("ApiKey", os.environ["MAKISTRY_GUI_API_KEY"])
    doc = App.newDocument("GuiRemote")
    panel = step_open_panel(doc)
    panel.backend.setCurrentIndex(panel.backend.findData("remote"))
    result["backend"] = panel.backend_kind()
    result["panel_error"] = panel.last_error
    panel.add_images([IMAGE])
    panel.prompt.setPlainText(PROMPT)
    stalls = []
    panel.run()
    result["finished"] = wait_until(lambda: panel.finished or panel.last_error, 300, stalls) \
        and panel.finished
    result["panel_error_after_run"] = panel.last_error
    result["longest_stall_s"] = max(s for s in stalls if s is not None)
    result["build_seconds"] = panel.build_seconds
    fit_iso()
    shot("remote_done")
    panel.accept()
    parts = [o for o in doc.Objects if o.TypeId == "Part::Feature"]
    result["parts"] = [{"label": p.Label, "volume": p.Shape.Volume} for p in parts]
    job = [o for o in doc.Objects if "ImagesData" in o.PropertiesList][0]
    result["job_backend"] = job.Backend
    result["job_remote"] = json.loads(job.ReportJson).get("backend", {})
    doc.saveAs(os.environ["MAKISTRY_GUI_FCSTD"])


def scenario_engine_error():
    """An image the engine cannot read: the reason in the panel, the document untouched."""
    step_workbench()
    doc = App.newDocument("GuiEngineError")
    before = sorted(o.Name for o in doc.Objects)
    panel = step_open_panel(doc)
    panel.add_images([IMAGE])
    panel.accept()
    wait_until(lambda: panel.finished or panel.last_error, 180, [])
    result["finished"] = panel.finished
    result["panel_error"] = panel.last_error
    result["dialog_open"] = bool(Gui.Control.activeDialog())
    result["objects_after"] = sorted(o.Name for o in doc.Objects)
    result["objects_before"] = before
    result["undo_names"] = list(doc.UndoNames)
    shot("panel_engine_error")
    panel.reject()


def main():
    try:
        {"run": scenario_run, "cancel": scenario_cancel, "active_part": scenario_active_part,
         "bad_file": scenario_bad_file,
         "missing_deps": scenario_missing_deps, "inputs": scenario_inputs, "job": scenario_job,
         "preferences": scenario_preferences, "remote": scenario_remote,
         "engine_error": scenario_engine_error}[SCENARIO]()
    except Exception:
        result["exception"] = traceback.format_exc()
    finish()


QtCore.QTimer.singleShot(500, main)
