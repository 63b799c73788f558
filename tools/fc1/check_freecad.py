# SPDX-License-Identifier: LGPL-2.1-or-later
"""Check that FreeCAD and the modules the workbench uses import from a plain Python.

Run by tools/fc1/run.sh inside the FreeCAD 1.0 chroot before the tests (works on any host):
    /usr/bin/python3 tools/fc1/check_freecad.py
Prints versions and paths; exits 1 with the reason when something is missing.
"""

from __future__ import annotations

import importlib
import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODULES = ("Part", "PartDesign", "Sketcher", "TechDraw", "Import", "Mesh")


def fail(message: str) -> None:
    print(f"check_freecad: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main() -> None:
    sys.path.insert(0, REPO)
    from freecad.makistry_wb import runtime
    from freecad.makistry_wb.errors import MakistryError

    guessed_user_dir = runtime.user_data_dir()
    try:
        FreeCAD = runtime.import_freecad()
    except MakistryError as exc:
        fail(str(exc))
    version = ".".join(FreeCAD.Version()[:3])
    print(f"FreeCAD {version} ({FreeCAD.__file__}), Python {sys.version.split()[0]}")

    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            fail(f"cannot import FreeCAD module {name}: {exc} (sys.path: {sys.path})")
        print(f"  {name:<10} {getattr(module, '__file__', '?')}")
    import Part

    print(f"  OpenCASCADE {Part.OCC_VERSION}")

    user_dir = FreeCAD.getUserAppDataDir().rstrip("/")
    if user_dir != guessed_user_dir.rstrip("/"):
        fail(f"runtime.user_data_dir() guessed {guessed_user_dir!r} but FreeCAD says {user_dir!r}")
    print(f"  user data {user_dir}; packages go to {runtime.vendor_dir()}")

    doc = FreeCAD.newDocument("fc1_check")
    try:
        body = doc.addObject("PartDesign::Body", "Body")
        sketch = body.newObject("Sketcher::SketchObject", "Sketch")
        support = [p for p in ("AttachmentSupport", "Support") if p in sketch.PropertiesList]
        if not support:
            fail("a Sketch has neither AttachmentSupport nor Support")
        print(f"  Sketch attachment property: {support[0]}")
        box = Part.makeBox(10, 20, 30)
        if abs(box.Volume - 6000) > 1e-6:
            fail(f"Part.makeBox(10, 20, 30) has volume {box.Volume}, expected 6000")
    finally:
        FreeCAD.closeDocument(doc.Name)
    print("check_freecad: ok")


if __name__ == "__main__":
    main()
