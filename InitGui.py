# SPDX-License-Identifier: LGPL-2.1-or-later
# FreeCAD executes this file at GUI start-up (``__file__`` is not defined here). It only
# registers the workbench and its preference page; commands and their heavy imports load
# in Initialize().

import os

import FreeCADGui as Gui


class MakistryWorkbench(Gui.Workbench):
    """Image to CAD: reference images of a part -> an editable PartDesign body."""

    MenuText = "Makistry"
    ToolTip = "Turn drawings, sketches or photos of a part into an editable body"

    def __init__(self):
        from freecad.makistry_wb.gui import resources

        self.__class__.Icon = resources.icon_path("makistry_wb.svg")

    def Initialize(self):
        import FreeCAD as App

        from freecad.makistry_wb import runtime
        from freecad.makistry_wb.gui import commands

        self.appendToolbar("Makistry", commands.TOOLBAR)
        self.appendMenu("&Makistry", commands.MENU)
        missing = runtime.missing_packages()
        if missing:
            App.Console.PrintWarning(
                "Makistry: the local engine needs " + ", ".join(missing) + ". Install with:\n  "
                + runtime.install_command(missing) + "\nthen restart FreeCAD.\n")

    def GetClassName(self):
        return "Gui::PythonWorkbench"


def _add_preference_page():
    from freecad.makistry_wb.gui import preferences, resources

    # The group's icon is looked up as "preferences-makistry" on the icon path.
    Gui.addIconPath(os.path.dirname(resources.icon_path("makistry_wb.svg")))
    Gui.addPreferencePage(preferences.PreferencesPage, "Makistry")


Gui.addWorkbench(MakistryWorkbench())
_add_preference_page()
