# SPDX-License-Identifier: LGPL-2.1-or-later
"""FreeCAD GUI: the "Image to CAD" command, its task panel and preferences."""
