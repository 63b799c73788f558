# SPDX-License-Identifier: LGPL-2.1-or-later
"""Exports read back by readers other than their writers: FreeCAD for STEP, trimesh for STL
and 3MF, the Khronos glTF validator (npm, offline) for GLB."""

import json
import math
import shutil
import subprocess

import pytest
from conftest import REPO

from freecad.makistry_wb import errors

VALIDATOR = REPO / "tools" / "gltf" / "validate.mjs"


@pytest.fixture
def two_parts(doc):
    """A PartDesign body with a hole and a separate cylinder: an assembly of two parts."""
    import FreeCAD
    import Part

    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.plan import Circle, Line, Loop, Profile, View
    from freecad.makistry_wb.reconstruct import plan_from_views

    corners = [(0, 0), (80, 0), (80, 40), (0, 40)]
    outline = Loop([Line(*corners[i], *corners[(i + 1) % 4]) for i in range(4)])
    plate = View(role="front", box=(0, 0, 80, 40),
                 profiles=[Profile([outline, Loop([Circle(20, 20, 8)])])])
    plan, _ = plan_from_views([plate], prompt="80 mm long, 10 mm thick", name="Plate")
    body = build_body(plan, doc)
    pin = doc.addObject("Part::Feature", "Pin")
    pin.Shape = Part.makeCylinder(5, 30, FreeCAD.Vector(120, 5, 0))
    doc.recompute()
    return [body, pin]


def total_volume(parts):
    return sum(p.Shape.Volume for p in parts)


def test_step_is_ap214_in_mm_with_part_names(two_parts, tmp_path):
    import Part

    from freecad.makistry_wb.cad.export import export_parts

    path = export_parts(two_parts, str(tmp_path / "a.step"))
    text = open(path).read()
    assert "AUTOMOTIVE_DESIGN" in text  # AP214
    assert "SI_UNIT(.MILLI.,.METRE.)" in text.replace(" ", "")
    assert "PRODUCT('Plate'" in text and "PRODUCT('Pin'" in text
    shape = Part.read(path)
    assert len(shape.Solids) == 2
    assert shape.Volume == pytest.approx(total_volume(two_parts), rel=1e-3)


def test_stl_is_binary_closed_and_keeps_volume(two_parts, tmp_path):
    import trimesh

    from freecad.makistry_wb.cad.export import export_parts

    path = export_parts(two_parts, str(tmp_path / "a.stl"))
    with open(path, "rb") as handle:
        header = handle.read(84)
    triangles = int.from_bytes(header[80:84], "little")
    assert (tmp_path / "a.stl").stat().st_size == 84 + 50 * triangles  # binary layout
    mesh = trimesh.load(path)
    assert mesh.is_watertight
    assert mesh.volume == pytest.approx(total_volume(two_parts), rel=0.01)


def test_3mf_has_one_object_per_part_in_mm(two_parts, tmp_path):
    import zipfile

    import trimesh

    from freecad.makistry_wb.cad.export import export_parts

    path = export_parts(two_parts, str(tmp_path / "a.3mf"))
    model = zipfile.ZipFile(path).read("3D/3dmodel.model").decode()
    assert 'unit="millimeter"' in model
    scene = trimesh.load(path, force="scene")
    assert len(scene.geometry) == 2
    for part in two_parts:
        mesh = next(g for name, g in scene.geometry.items() if name.startswith(part.Label))
        assert mesh.is_watertight
        assert mesh.volume == pytest.approx(part.Shape.Volume, rel=0.01)


def test_glb_passes_khronos_validator_with_a_node_per_part(two_parts, tmp_path):
    import trimesh

    from freecad.makistry_wb.cad.export import export_parts

    node = shutil.which("node")
    assert node and (REPO / "tools" / "gltf" / "node_modules").is_dir(), "run make setup"
    path = export_parts(two_parts, str(tmp_path / "a.glb"))
    proc = subprocess.run([node, str(VALIDATOR), path], capture_output=True, text=True,
                          timeout=120)
    report = json.loads(proc.stdout)
    assert proc.returncode == 0 and report["numErrors"] == 0, report
    assert report["info"]["drawCallCount"] == 2 and report["info"]["materialCount"] == 1
    scene = trimesh.load(path, force="scene")
    assert sorted(scene.graph.nodes_geometry) == ["Pin", "Plate"]
    assert sum(g.volume for g in scene.dump()) == pytest.approx(total_volume(two_parts),
                                                               rel=0.01)


@pytest.mark.parametrize("size_mm", [5.0, 500.0])
def test_tessellation_follows_part_size(doc, tmp_path, size_mm):
    import Part
    import trimesh

    from freecad.makistry_wb.cad.export import export_parts

    ring = doc.addObject("Part::Feature", "Ring")
    ring.Shape = Part.makeCylinder(size_mm / 2, size_mm / 4).cut(
        Part.makeCylinder(size_mm / 4, size_mm / 4))
    doc.recompute()
    path = export_parts([ring], str(tmp_path / "ring.stl"))
    mesh = trimesh.load(path)
    assert mesh.volume == pytest.approx(ring.Shape.Volume, rel=0.01)
    # The same shape at 5 mm and 500 mm gets about the same number of triangles.
    assert 100 < len(mesh.faces) < 5000


def test_unknown_suffix_and_unreadable_result(two_parts, tmp_path):
    from freecad.makistry_wb.cad import export

    with pytest.raises(errors.MakistryError) as exc:
        export.export_parts(two_parts, str(tmp_path / "a.obj"))
    assert exc.value.code == errors.INVALID_OPTION
    broken = tmp_path / "broken.3mf"
    broken.write_bytes(b"PK\x03\x04 not a zip")
    with pytest.raises(errors.MakistryError) as exc:
        export._check(two_parts, str(broken))
    assert exc.value.code == errors.EXPORT_FAILED
    assert math.isfinite(export.tessellation_tolerance([p.Shape for p in two_parts]))
