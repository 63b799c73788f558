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


def run_scenario(tmp_path, scenario, *, image="", prompt="", with_packages=True, shots=None,
                 extra_env=None):
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
               MAKISTRY_GUI_SHOTS=str(shots or ""), **(extra_env or {}))
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
    assert result["preview_shown"]
    assert "demo_bracket" in result["stage_after_run"]
    assert result["dialog_open_before_ok"] and not result["dialog_open_after_run"]
    assert len(result["bodies"]) == 1
    assert result["bodies"][0]["label"] == "demo_bracket"
    assert result["bodies"][0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    assert max(result["bodies"][0]["bbox"]) == pytest.approx(120, abs=0.5)
    # Shown as PartDesign shows a body: the tip only, no sketches, no origin planes.
    assert result["bodies"][0]["shown"] == [result["bodies"][0]["tip"]]
    assert len(result["jobs"]) == 1
    assert result["jobs"][0]["prompt"] == DEMO_PROMPT
    assert result["jobs"][0]["report_status"] == "success"
    assert result["undo_names"][0] == "Image to CAD"
    assert result["objects_after_undo"] == result["objects_before"]
    print(f"longest GUI event-loop stall during a run: {result['longest_stall_s'] * 1000:.0f} ms "
          f"(merging the result into the document: {result['build_seconds'] * 1000:.0f} ms; "
          f"longest main-thread slots, s: {result['slot_seconds']}; engine timings in the "
          f"child process, s: {result['engine_timings_s']})")


def test_result_goes_into_the_active_part_beside_the_users_body(tmp_path, App, cli_volume):
    result = run_scenario(tmp_path, "active_part", image=DEMO, prompt=DEMO_PROMPT)
    assert result["finished"] and result["panel_error"] == ""
    assert result["housing_holds"] == ["TheirBody", "demo_bracket"]
    built = [b for b in result["bodies"] if b["label"] == "demo_bracket"]
    assert len(built) == 1 and built[0]["parents"] == ["App::Part"]
    assert built[0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    assert result["objects_after_undo"] == result["objects_before"]
    assert result["housing_after_undo"] == ["TheirBody"]


def test_cancel_leaves_document_unchanged(tmp_path, App):
    result = run_scenario(tmp_path, "cancel", image=DEMO, prompt=DEMO_PROMPT)
    assert result["was_running"]
    assert not result["dialog_open_after_cancel"]
    assert result["objects_after_cancel"] == result["objects_before"]
    assert result["undo_names"] == []
    assert result["built_before_cancel"] == 1
    assert result["objects_after_cancel_of_built"] == result["objects_before"]


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
    assert "httpx" in result["panel_error"]
    assert not result["remote_enabled"]
    assert "pip install --target" in result["remote_tooltip"]
    assert "httpx" in result["remote_tooltip"]


def test_engine_error_shown_in_panel_and_document_untouched(tmp_path, App):
    from PIL import Image

    blank = tmp_path / "blank_page.png"
    Image.new("RGB", (640, 480), "white").save(blank)
    result = run_scenario(tmp_path, "engine_error", image=blank,
                          shots=shots_dir("engine_error"))
    assert not result["finished"]
    assert "[image_parse_failed]" in result["panel_error"], result["panel_error"]
    assert result["dialog_open"]  # the panel stays open so the user can change the input
    assert result["objects_after"] == result["objects_before"]
    assert result["undo_names"] == []


def _three_views(folder):
    """Three small PNG files, cut from the demo drawing."""
    from PIL import Image

    source = Image.open(DEMO).convert("RGB")
    width, height = source.size
    paths = []
    for index, name in enumerate(("front.png", "top.jpg", "right.png")):
        crop = source.crop((index * width // 3, 0, (index + 1) * width // 3, height // 2))
        path = folder / name
        crop.save(path)
        paths.append(str(path))
    return paths


def test_drop_paste_roles_and_refusals(tmp_path, App):
    views = _three_views(tmp_path)
    big = tmp_path / "huge_scan.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024))
    text = tmp_path / "drawing.pdf"
    text.write_bytes(b"%PDF-1.4 not an image")
    result = run_scenario(tmp_path, "inputs", shots=shots_dir("inputs"), extra_env={
        "MAKISTRY_GUI_IMAGES": os.pathsep.join(views), "MAKISTRY_GUI_BIG": str(big),
        "MAKISTRY_GUI_TEXT": str(text)})
    assert result["drag_accepted"] and result["after_drop"] == 1
    assert result["paste_target_focused"]
    assert result["after_paste"] == 2 and result["pasted_name"] == "pasted_1.png", \
        result["paste_key_path"]
    errors = result["errors"]
    assert "huge_scan.png" in errors["too_large"] and "10 MB" in errors["too_large"]
    assert "drawing.pdf" in errors["unsupported"] and "unsupported_type" in errors["unsupported"]
    assert result["after_add"] == 3
    assert "At most 3 images" in errors["too_many"] and "front.png" in errors["too_many"]
    assert result["count_after_fourth"] == 3
    assert result["roles"] == ["front", "top", "right"]
    assert result["prompt_sent"] == "front, top and right view of the same block, 60 mm long"
    assert result["after_remove"] == ["front.png", "right.png"]


def test_job_survives_save_and_reopen_then_edit_and_rerun(tmp_path, App, cli_volume):
    result = run_scenario(tmp_path, "job", image=DEMO, prompt=DEMO_PROMPT,
                          shots=shots_dir("job"),
                          extra_env={"MAKISTRY_GUI_FCSTD": str(tmp_path / "job.FCStd")})
    assert result["first_run"] == [True, ""]
    first = result["first_bodies"]
    assert len(first) == 1 and first[0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    assert result["jobs_after_reopen"] == 1
    assert result["proxy_type"] == "Makistry::ImageToCadJob"
    assert result["view_proxy"] == "ViewProviderImageToCadJob"
    assert result["reopened_prompt"] == DEMO_PROMPT
    assert result["reopened_result"] == ["demo_bracket"]
    assert not result["api_key_in_file"]
    assert result["edit_active"]
    assert result["edit_images"] == 1 and result["edit_prompt"] == DEMO_PROMPT
    # The new hint doubles every length: 8 times the volume, one body (the old one replaced).
    assert result["edit_run"] == [True, ""]
    edited = result["edited_bodies"]
    assert len(edited) == 1
    assert max(edited[0]["bbox"]) == pytest.approx(240, abs=1)
    assert edited[0]["volume"] == pytest.approx(8 * cli_volume, rel=0.01)
    assert result["undo_names"][0] == "Image to CAD"
    # One undo brings back the previous body and the job's previous hint.
    assert len(result["bodies_after_undo"]) == 1
    assert result["bodies_after_undo"][0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    assert result["prompt_after_undo"] == DEMO_PROMPT
    assert result["context_menu"] == ["Edit images and options...", "Re-run"]
    assert result["rerun"] == [True, ""]
    assert not result["dialog_open_after_rerun"]
    assert len(result["rerun_bodies"]) == 1
    assert result["rerun_bodies"][0]["volume"] == pytest.approx(cli_volume, rel=1e-6)
    # Headless FreeCAD reads the saved job too: the image bytes themselves are in the file.
    from freecad.makistry_wb.gui import job as job_object

    saved = App.openDocument(str(tmp_path / "job.FCStd"))
    try:
        jobs = [o for o in saved.Objects if job_object.is_job(o)]
        assert len(jobs) == 1
        images = job_object.options_of(jobs[0]).images
        assert [image.data for image in images] == [DEMO.read_bytes()]
        assert [image.role for image in images] == ["auto"]
    finally:
        App.closeDocument(saved.Name)
    assert result["double_click_handled"] and result["double_click_images"] == 1
    assert result["assembly_run"] == [True, ""]
    assert result["assembly_result"] == ["App::Part"]
    assert result["assembly_parts"] == [1]  # the panel's Part with the body; no empty one left
    assembly = result["assembly_bodies"]
    assert len(assembly) == 1 and assembly[0]["parents"] == ["App::Part"]
    assert assembly[0]["volume"] == pytest.approx(cli_volume, rel=1e-6)


def test_preferences_page_saves_and_sets_panel_defaults(tmp_path, App):
    result = run_scenario(tmp_path, "preferences", image=DEMO, shots=shots_dir("preferences"))
    assert result["defaults"] == {"mode": "standard", "format": "STEP", "backend": 0}
    assert result["page_in_dialog"]
    assert result["reloaded"] == {"mode": "assembly", "format": "STL", "units": "inch",
                                  "url": "http://127.0.0.1:9", "key": "secret-key-123"}
    assert result["panel_defaults"] == {"mode": "assembly", "format": "STL"}
    assert result["prompt_sent"] == "120 inch long"


def test_remote_backend_against_the_real_server(tmp_path, App, cli_volume):
    import zipfile

    from freecad.makistry_wb.api.server.launcher import ServerProcess

    key = "gui-remote-key-4711"
    saved = tmp_path / "remote.FCStd"
    with ServerProcess(tmp_path / "server", [key]) as server:
        result = run_scenario(tmp_path, "remote", image=DEMO, prompt=DEMO_PROMPT,
                              shots=shots_dir("remote"), extra_env={
                                  "MAKISTRY_GUI_API_URL": server.url,
                                  "MAKISTRY_GUI_API_KEY": key,
                                  "MAKISTRY_GUI_FCSTD": str(saved)})
    assert result["backend"] == "remote" and result["panel_error"] == ""
    assert result["finished"], result["panel_error_after_run"]
    assert len(result["parts"]) == 1 and result["parts"][0]["label"] == "demo_bracket"
    assert result["parts"][0]["volume"] == pytest.approx(cli_volume, rel=1e-3)
    assert result["job_backend"] == "remote"
    assert result["job_remote"]["status"] == "success"
    assert result["job_remote"]["job_id"].startswith("pub_")
    with zipfile.ZipFile(saved) as archive:
        stored = b"".join(archive.read(name) for name in archive.namelist())
    assert key.encode() not in stored
    print(f"longest GUI event-loop stall during a remote run: "
          f"{result['longest_stall_s'] * 1000:.0f} ms (import into the document: "
          f"{result['build_seconds'] * 1000:.0f} ms)")
