# SPDX-License-Identifier: LGPL-2.1-or-later
"""The fixed headless interface: ``python3 -m freecad.makistry_wb convert ...``."""

import json
import shutil
import struct
import subprocess
import sys
import zlib

import pytest
from conftest import REPO, cli_env

DEMO = REPO / "samples" / "demo_bracket.png"


def convert(*args, python=sys.executable, cwd=REPO):
    return subprocess.run([python, "-m", "freecad.makistry_wb", "convert", *map(str, args)],
                          cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=300)


def tiny_png(path, width=64, height=64):
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(min(height, 64)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("case, code", [
    ("four_images", "too_many_images"),
    ("text_as_png", "unsupported_type"),
    ("bomb", "decompression_bomb"),
    ("over_10_mb", "file_too_large"),
    ("missing", "file_not_found"),
    ("bad_suffix", "invalid_option"),
    ("blank", "image_parse_failed"),
])
def test_bad_input_fails_with_its_code(tmp_path, case, code):
    out = tmp_path / "out.step"
    good = tiny_png(tmp_path / "good.png")
    images = {
        "four_images": [good] * 4,
        "text_as_png": [tmp_path / "notes.png"],
        "bomb": [tiny_png(tmp_path / "bomb.png", 60_000, 60_000)],
        "over_10_mb": [tmp_path / "big.png"],
        "missing": [tmp_path / "nowhere.png"],
        "bad_suffix": [good],
        "blank": [tiny_png(tmp_path / "blank.png", 800, 600)],
    }[case]
    (tmp_path / "notes.png").write_text("not an image")
    (tmp_path / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (11 * 1024 * 1024))
    if case == "bad_suffix":
        out = tmp_path / "out.obj"
    report = tmp_path / "report.json"
    proc = convert(*images, "-o", out, "--report", report)
    assert proc.returncode != 0
    assert f"error: {code}:" in proc.stderr, proc.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "failed" and data["error"]["code"] == code
    assert data["error"]["message"]
    assert not out.exists()


@pytest.mark.skipif(not DEMO.exists(), reason="the demo drawing is rendered by benchmarks/")
def test_demo_drawing_converts_to_step_and_fcstd(tmp_path, App):
    import Part

    step, fcstd, report = tmp_path / "d.step", tmp_path / "d.FCStd", tmp_path / "r.json"
    proc = convert(DEMO, "-o", step, "--also", fcstd, "--prompt", "120 mm long",
                   "--report", report, "--preview", tmp_path / "p.png")
    assert proc.returncode == 0, proc.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "success"
    part = data["parts"][0]
    assert part["name"] == "demo_bracket"
    box = part["bbox_mm"]
    assert box[3] - box[0] == pytest.approx(120, rel=0.02)
    assert {v["role"] for v in data["views"]} >= {"front", "top", "right"}
    assert data["scale"]["source"] == "prompt"
    assert {"load", "drawing", "reconstruct", "build", "export", "total"} <= set(data["timings_s"])
    assert Part.read(str(step)).Volume == pytest.approx(part["volume_mm3"], rel=1e-3)
    doc = App.openDocument(str(fcstd))
    try:
        bodies = [o for o in doc.Objects if o.TypeId == "PartDesign::Body"]
        assert len(bodies) == 1
        assert bodies[0].Shape.Volume == pytest.approx(part["volume_mm3"], rel=1e-6)
    finally:
        App.closeDocument(doc.Name)
    assert (tmp_path / "p.png").stat().st_size > 1000


@pytest.mark.skipif(not DEMO.exists(), reason="the demo drawing is rendered by benchmarks/")
def test_runs_under_another_python3_by_reexec(tmp_path):
    """A ``python3`` that cannot load FreeCAD (pyenv, venv) hands over to FreeCAD's Python."""
    other = shutil.which("python3")
    if other is None or "pyenv" not in other:
        pytest.skip("no second python3 on PATH on this machine")
    proc = convert(DEMO, "-o", tmp_path / "d.stl", "--prompt", "120 mm long", python=other)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "d.stl").stat().st_size > 1000


@pytest.mark.skipif(not DEMO.exists(), reason="the demo drawing is rendered by benchmarks/")
def test_mesh_tolerance_is_settable(tmp_path, App):
    import trimesh

    sizes = {}
    for tolerance in ("0.5", "0.005"):
        out = tmp_path / f"d{tolerance}.stl"
        proc = convert(DEMO, "-o", out, "--prompt", "120 mm long", "--mesh-tolerance", tolerance)
        assert proc.returncode == 0, proc.stderr
        mesh = trimesh.load(out)
        assert mesh.is_watertight
        sizes[tolerance] = len(mesh.faces)
    assert sizes["0.005"] > 2 * sizes["0.5"]


@pytest.mark.skipif(not DEMO.exists(), reason="the demo drawing is rendered by benchmarks/")
def test_assembly_mode_keeps_its_structure_in_step(tmp_path, App):
    import Part

    step, fcstd = tmp_path / "a.step", tmp_path / "a.FCStd"
    proc = convert(DEMO, "-o", step, "--also", fcstd, "--mode", "assembly",
                   "--prompt", "120 mm long", "--report", tmp_path / "r.json")
    assert proc.returncode == 0, proc.stderr
    text = step.read_text()
    assert "NEXT_ASSEMBLY_USAGE_OCCURRENCE" in text  # a product inside a product
    volume = json.loads((tmp_path / "r.json").read_text())["parts"][0]["volume_mm3"]
    assert Part.read(str(step)).Volume == pytest.approx(volume, rel=1e-3)
    doc = App.openDocument(str(fcstd))
    try:
        containers = [o for o in doc.Objects if o.TypeId == "App::Part"]
        assert len(containers) == 1
        assert [o.TypeId for o in containers[0].Group if o.TypeId == "PartDesign::Body"] == [
            "PartDesign::Body"]
    finally:
        App.closeDocument(doc.Name)
