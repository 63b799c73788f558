# SPDX-License-Identifier: LGPL-2.1-or-later
"""The layout FreeCAD and its Addon Manager expect, read with FreeCAD's own parser."""

import ast
import xml.etree.ElementTree as ET


def test_package_xml_is_read_by_freecad_metadata(App, repo_root):
    metadata = App.Metadata(str(repo_root / "package.xml"))
    assert metadata.Name == "Makistry"
    assert metadata.Version.count(".") == 2
    assert metadata.License[0]["name"] == "LGPL-2.1-or-later"
    assert (repo_root / metadata.License[0]["file"]).is_file()
    assert (repo_root / metadata.Icon).is_file()
    workbench = metadata.Content["workbench"][0]
    assert workbench.Subdirectory == "./"
    assert workbench.FreeCADMin.startswith("0.20")
    depends = {d["package"] for d in metadata.Depend}
    assert {"numpy", "pillow"} <= depends
    # Not on the Addon Manager's allow-list: optional, never required.
    assert not depends & {"opencv-python-headless", "httpx"}

    init_gui = ast.parse((repo_root / "InitGui.py").read_text())
    classes = {node.name for node in init_gui.body if isinstance(node, ast.ClassDef)}
    assert workbench.Classname in classes


def test_layout_rules(repo_root):
    package = repo_root / "freecad" / "makistry_wb"
    assert (package / "__init__.py").is_file()
    assert not (repo_root / "freecad" / "__init__.py").exists()
    assert not (package / "init_gui.py").exists() and not (package / "init.py").exists()
    assert not (repo_root / "tests" / "__init__.py").exists()
    optional = (repo_root / "metadata.txt").read_text()
    assert "optionalpylibs=opencv-python-headless,httpx" in optional


def test_icons_are_small_valid_svg(repo_root):
    icons = sorted((repo_root / "resources" / "icons").glob("*.svg"))
    assert {i.name for i in icons} >= {"makistry_wb.svg", "Makistry_ImageToCad.svg"}
    for icon in icons:
        assert icon.stat().st_size < 10 * 1024, icon
        assert ET.parse(icon).getroot().tag.endswith("svg")


def test_sources_carry_spdx_header(repo_root):
    sources = [p for p in repo_root.glob("**/*.py")
               if not any(part.startswith(".venv") or part == "build" for part in p.parts)]
    missing = [str(p) for p in sources
               if "SPDX-License-Identifier: LGPL-2.1-or-later" not in p.read_text()[:200]]
    assert not missing


def test_vision_layers_never_import_freecad(repo_root):
    package = repo_root / "freecad" / "makistry_wb"
    pure = ["plan.py", "options.py", "errors.py", "imaging", "drawing", "dims",
            "photo", "reconstruct"]
    offenders = []
    for entry in pure:
        for path in ([package / entry] if entry.endswith(".py")
                     else sorted((package / entry).glob("**/*.py"))):
            for node in ast.walk(ast.parse(path.read_text())):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                         else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                if any(n.split(".")[0] in ("FreeCAD", "FreeCADGui", "Part", "Sketcher")
                       for n in names):
                    offenders.append(str(path))
    assert not offenders
