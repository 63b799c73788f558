# SPDX-License-Identifier: LGPL-2.1-or-later
"""PartPlan -> FreeCAD objects, and export. The only layer below the GUI that imports FreeCAD."""
