# SPDX-License-Identifier: LGPL-2.1-or-later
# Runs at every FreeCAD start, GUI or not: keep it cheap. Nothing to register headless;
# the engine is imported on demand (``import freecad.makistry_wb.engine``).
