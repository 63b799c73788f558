# SPDX-License-Identifier: LGPL-2.1-or-later
"""The real FreeCAD GUI under xvfb: the workbench as a user meets it.

Each scenario starts FreeCAD with a fresh user folder whose Mod folder links this checkout (as
``make setup`` links the user's own), runs tests/gui/run_scenario.py inside it, and fails on any
Traceback FreeCAD printed (FreeCAD swallows exceptions raised in commands and slots)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from freecad.makistry_wb import runtime

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCREENSHOTS = REPO / "build" / "screenshots"
DEMO = REPO / "samples" / "demo_bracket.png"
DEMO_PROMPT = "120 mm long"


def freecad_gui_binary():
    for name in ("freecad", "FreeCAD"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail("the FreeCAD GUI binary is not on PATH: run make setup")


def run_scenario(tmp_path, scenario, *, image="", prompt="", with_packages=True, shots=None):
    home = tmp_path / "fc-home"
    for data_dir in (home, home / ".local" / "share" / "FreeCAD"):
        (data_dir / "Mod").mkdir(parents=True, exist_ok=True)
        (data_dir / "Mod" / "makistry_wb").symlink_to(REPO)
        vendor = Path(runtime.user_data_dir()) / "AdditionalPythonPackages"
        if with_packages and vendor.is_dir():
            (data_dir / "AdditionalPythonPackages").symlink_to(vendor)
    result_path = tmp_path / "result.json"
    env = dict(os.environ, FREECAD_USER_HOME=str(home), QTWEBENGINE_DISABLE_SANDBOX="1",
               MAKISTRY_GUI_RESULT=str(result_path), MAKISTRY_GUI_SCENARIO=scenario,
               MAKISTRY_GUI_IMAGE=str(image), MAKISTRY_GUI_PROMPT=prompt,
               MAKISTRY_GUI_SHOTS=str(shots or ""))
    env.pop("PYTHONPATH", None)  # FreeCAD must find the workbench through its Mod folder
    command = ["xvfb-run", "-a", "-s", "-screen 0 1600x1000x24", freecad_gui_binary(),
               str(HERE / "gui" / "run_scenario.py")]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300,
                          cwd=tmp_path)
    output = proc.stdout + proc.stderr
    assert "Traceback" not in output, output[-4000:]
    assert result_path.exists(), f"FreeCAD exited {proc.returncode}:\n{output[-4000:]}"
    result = json.loads(result_path.read_text())
    assert "exception" not in result, result["exception"]
    return result


def shots_dir(name):
    import FreeCAD

    return SCREENSHOTS / ("fc" + ".".join(FreeCAD.Version()[:2])) / name


def assert_command_in_toolbar(result):
    assert result["workbench"] == "MakistryWorkbench"
    assert any("Image to CAD" in actions for actions in result["toolbars"].values()), \
        result["toolbars"]
    assert result["dialog_open"]


@pytest.fixture(scope="module")
def cli_volume(tmp_path_factory, App):
    """The body volume the CLI builds from the demo drawing, for comparison with the GUI."""
    out = tmp_path_factory.mktemp("cli")
    report = out / "report.json"
    subprocess.run([sys.executable, "-m", "freecad.makistry_wb", "convert", str(DEMO),
                    "-o", str(out / "demo.step"), "--prompt", DEMO_PROMPT,
                    "--report", str(report)], cwd=REPO, check=True, timeout=300)
    return json.loads(report.read_text())["parts"][0]["volume_mm3"]


def test_run_from_toolbar_builds_body_and_one_undo_removes_it(tmp_path, App, cli_volume):
    result = run_scenario(tmp_path, "run", image=DEMO, prompt=DEMO_PROMPT,
                          shots=shots_dir("run"))
    assert_command_in_toolbar(result)
    assert result["panel_error"] == ""
    assert result["images_listed"] == 1
    assert result["finished"] and result["panel_error_after_run"] == ""
    assert not result["dialog_open_after_run"]
    assert len(result["bodies"]) == 1
    assert result["bodies"][0]["label"] == "demo_bracket"
    assert result["bodies"][0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    assert result["undo_names"][0] == "Image to CAD"
    assert result["objects_after_undo"] == result["objects_before"]
    print(f"longest GUI event-loop stall during a run: {result['longest_stall_s'] * 1000:.0f} ms")


def test_cancel_leaves_document_unchanged(tmp_path, App):
    result = run_scenario(tmp_path, "cancel", image=DEMO, prompt=DEMO_PROMPT)
    assert result["was_running"]
    assert not result["dialog_open_after_cancel"]
    assert result["objects_after_cancel"] == result["objects_before"]
    assert result["undo_names"] == []


def test_bad_file_shows_its_error(tmp_path, App):
    bad = tmp_path / "notes.png"
    bad.write_text("this is a text file, not a drawing")
    result = run_scenario(tmp_path, "bad_file", image=bad, shots=shots_dir("bad_file"))
    assert result["images_listed"] == 0
    assert "notes.png" in result["panel_error"]
    assert "not a PNG, JPEG, WebP or GIF" in result["panel_error"]


def test_workbench_loads_without_optional_packages(tmp_path, App):
    result = run_scenario(tmp_path, "missing_deps", with_packages=False,
                          shots=shots_dir("missing_deps"))
    assert_command_in_toolbar(result)
    assert "pip install --target" in result["panel_error"]
    assert "opencv-python-headless" in result["panel_error"]
