# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where FreeCAD and the optional Python packages live, found without importing FreeCAD.

The Addon Manager installs Python packages into ``<user data>/AdditionalPythonPackages``
(FreeCAD 1.x adds a ``pyXY`` subfolder); FreeCAD puts that folder on ``sys.path`` at start-up.
A plain ``python3`` does not, so the CLI and the tests call :func:`add_dependency_paths`.
"""

from __future__ import annotations

import glob
import os
import sys

# Optional imports: module name -> the pip package that provides it.
OPTIONAL_PACKAGES = {
    "cv2": "opencv-python-headless",
    "httpx": "httpx",
}

_FREECAD_LIB_CANDIDATES = (
    "/usr/lib/freecad-python3/lib",
    "/usr/lib/freecad/lib",
    "/usr/lib/freecad-daily-python3/lib",
    "/usr/local/lib/freecad/lib",
    "/Applications/FreeCAD.app/Contents/Resources/lib",
)


def user_data_dir() -> str:
    """FreeCAD's user data folder (``FreeCAD.getUserAppDataDir()``) guessed without FreeCAD."""
    if "FreeCAD" in sys.modules:
        return sys.modules["FreeCAD"].getUserAppDataDir()
    if sys.platform == "win32":
        return os.path.join(os.environ.get("APPDATA", os.path.expanduser("~")), "FreeCAD")
    if sys.platform == "darwin":
        return os.path.expanduser("~/Library/Application Support/FreeCAD")
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return os.path.join(base, "FreeCAD")


def vendor_dir() -> str:
    """The folder the Addon Manager installs Python packages into, for this Python.

    FreeCAD 0.2x puts only ``AdditionalPythonPackages`` on ``sys.path``; 1.x puts
    ``AdditionalPythonPackages/pyXY`` first, then the bare folder, and its Addon Manager
    installs into ``pyXY``.
    """
    root = os.path.join(user_data_dir(), "AdditionalPythonPackages")
    versioned = os.path.join(root, f"py{sys.version_info.major}{sys.version_info.minor}")
    if os.path.isdir(versioned) or _addon_manager_uses_versioned_folder():
        return versioned
    return root


def _addon_manager_uses_versioned_folder() -> bool:
    """Whether this FreeCAD (1.x) installs packages into ``AdditionalPythonPackages/pyXY``."""
    if "FreeCAD" in sys.modules:
        return int(sys.modules["FreeCAD"].Version()[0]) >= 1
    # Without importing FreeCAD: read the rule from its Addon Manager's get_pip_target_directory.
    mod_dirs = [os.path.join(os.path.dirname(lib), "Mod") for lib in freecad_lib_candidates()]
    for mod in mod_dirs + ["/usr/share/freecad/Mod"]:
        utilities = os.path.join(mod, "AddonManager", "addonmanager_utilities.py")
        try:
            with open(utilities, encoding="utf-8") as file:
                return '"AdditionalPythonPackages", f"py{major}{minor}"' in file.read()
        except OSError:
            continue
    return False


def add_dependency_paths() -> None:
    """Append the Addon Manager's package folders to ``sys.path``, as FreeCAD does."""
    root = os.path.join(user_data_dir(), "AdditionalPythonPackages")
    versioned = os.path.join(root, f"py{sys.version_info.major}{sys.version_info.minor}")
    for path in (versioned, root):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.append(path)


def missing_packages() -> list[str]:
    """The pip names of the optional packages this Python cannot import."""
    import importlib.util

    return [pip for module, pip in OPTIONAL_PACKAGES.items()
            if importlib.util.find_spec(module) is None]


def install_command(packages: list[str]) -> str:
    """The exact command that installs ``packages`` where this FreeCAD's Python finds them."""
    python = python_executable()
    target = vendor_dir()
    return f'"{python}" -m pip install --target "{target}" ' + " ".join(packages)


def python_executable() -> str:
    """The Python interpreter behind this FreeCAD (inside the GUI sys.executable is FreeCAD)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    bindir = os.path.dirname(exe)
    for name in ("python3", "python", "python.exe"):
        candidate = os.path.join(bindir, name)
        if os.path.exists(candidate):
            return candidate
    return f"/usr/bin/python{sys.version_info.major}.{sys.version_info.minor}"


def freecad_lib_candidates() -> list[str]:
    env = os.environ.get("FREECAD_LIB") or os.environ.get("PATH_TO_FREECAD_LIBDIR")
    found = [env] if env else []
    found += [p for p in _FREECAD_LIB_CANDIDATES if os.path.isdir(p)]
    found += sorted(glob.glob("/opt/*freecad*/lib")) + sorted(glob.glob("/opt/*FreeCAD*/lib"))
    return found


def import_freecad():
    """Import FreeCAD from a plain Python, adding its lib and Mod folders to sys.path."""
    try:
        import FreeCAD
    except ImportError:
        pass
    else:
        # Debian trixie's python3 `freecad` package imports FreeCAD as soon as any
        # `freecad.*` module is imported, but does not make the Mod folder importable.
        _add_mod_dirs(os.path.dirname(FreeCAD.__file__))
        return FreeCAD
    for lib in freecad_lib_candidates():
        if os.path.exists(os.path.join(lib, "FreeCAD.so")) or os.path.exists(
                os.path.join(lib, "FreeCAD.pyd")):
            if lib not in sys.path:
                sys.path.append(lib)
            try:
                import FreeCAD
            except ImportError:
                sys.path.remove(lib)
                continue
            _add_mod_dirs(lib)
            return FreeCAD
    from .errors import FREECAD_NOT_FOUND, MakistryError

    raise MakistryError(
        FREECAD_NOT_FOUND,
        "FreeCAD's Python modules were not found by "
        f"{sys.executable} (Python {sys.version.split()[0]}). Install FreeCAD "
        "(Debian: apt-get install freecad) and run with the Python FreeCAD was built for "
        "(Debian: /usr/bin/python3), or set FREECAD_LIB to the folder holding FreeCAD.so.")


def _add_mod_dirs(lib: str) -> None:
    """Make FreeCAD's Mod packages (PartDesign...) importable, unless they already are."""
    import importlib.util

    if importlib.util.find_spec("PartDesign") is not None:
        return
    for path in (os.path.join(os.path.dirname(lib), "Mod"), "/usr/share/freecad/Mod"):
        if os.path.isdir(path) and path not in sys.path:
            sys.path.append(path)
