# SPDX-License-Identifier: LGPL-2.1-or-later
"""The workbench's commands."""

import FreeCAD as App
import FreeCADGui as Gui

from .resources import icon_path

IMAGE_TO_CAD = "Makistry_ImageToCad"


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
        from .task_panel import ImageToCadPanel

        Gui.Control.showDialog(ImageToCadPanel(App.ActiveDocument))


Gui.addCommand(IMAGE_TO_CAD, ImageToCadCommand())
TOOLBAR = [IMAGE_TO_CAD]
MENU = [IMAGE_TO_CAD]
