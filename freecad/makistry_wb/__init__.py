# SPDX-License-Identifier: LGPL-2.1-or-later
"""makistry_wb: reference images of a mechanical part -> an editable FreeCAD body.

Importing this package is cheap: no FreeCAD, OpenCV or network imports happen here.
"""

__version__ = "0.1.0"
