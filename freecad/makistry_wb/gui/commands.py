# SPDX-License-Identifier: LGPL-2.1-or-later
"""The workbench's commands: Image to CAD, and Edit / Re-run of a selected job."""

import FreeCAD as App
import FreeCADGui as Gui

from .resources import icon_path

IMAGE_TO_CAD = "Makistry_ImageToCad"
EDIT_JOB = "Makistry_EditJob"
RERUN_JOB = "Makistry_RerunJob"


def selected_job():
    """The job object selected in the tree (or the job whose result is selected), if any."""
    from .job import is_job

    for obj in Gui.Selection.getSelection():
        if is_job(obj):
            return obj
        for parent in obj.InList:
            if is_job(parent):
                return parent
    return None


def _open_panel(doc, job=None, autorun=False):
    from .task_panel import ImageToCadPanel

    if Gui.Control.activeDialog():
        App.Console.PrintWarning("Makistry: close the open task panel first.\n")
        return None
    panel = ImageToCadPanel(doc, job=job, autorun=autorun)
    Gui.Control.showDialog(panel)
    return panel


def edit_job(job):
    """Reopen the panel with the job's images, roles, hint and options."""
    return _open_panel(job.Document, job=job)


def rerun_job(job):
    """Rebuild the job from what it stores, replacing its previous result (one undo step)."""
    return _open_panel(job.Document, job=job, autorun=True)


class ImageToCadCommand:
    """Open the "Image to CAD" task panel for the active document."""

    def GetResources(self):
        return {
            "Pixmap": icon_path("Makistry_ImageToCad.svg"),
            "MenuText": "Image to CAD",
            "ToolTip": "Build an editable body from 1-3 images of a part: drawings, sketches "
                       "or photos",
        }

    def IsActive(self):
        return App.ActiveDocument is not None and not Gui.Control.activeDialog()

    def Activated(self):
        _open_panel(App.ActiveDocument)


class EditJobCommand:
    def GetResources(self):
        return {
            "Pixmap": icon_path("Makistry_EditJob.svg"),
            "MenuText": "Edit image job",
            "ToolTip": "Reopen the Image to CAD panel with the selected job's images and options",
        }

    def IsActive(self):
        return selected_job() is not None and not Gui.Control.activeDialog()

    def Activated(self):
        edit_job(selected_job())


class RerunJobCommand:
    def GetResources(self):
        return {
            "Pixmap": icon_path("Makistry_RerunJob.svg"),
            "MenuText": "Re-run image job",
            "ToolTip": "Rebuild the selected job from its stored images and options, replacing "
                       "its previous result",
        }

    def IsActive(self):
        return selected_job() is not None and not Gui.Control.activeDialog()

    def Activated(self):
        rerun_job(selected_job())


Gui.addCommand(IMAGE_TO_CAD, ImageToCadCommand())
Gui.addCommand(EDIT_JOB, EditJobCommand())
Gui.addCommand(RERUN_JOB, RerunJobCommand())
TOOLBAR = [IMAGE_TO_CAD, EDIT_JOB, RERUN_JOB]
MENU = [IMAGE_TO_CAD, EDIT_JOB, RERUN_JOB]
