# SPDX-License-Identifier: LGPL-2.1-or-later
"""Export parts to STEP, STL, 3MF, GLB or FCStd, and read every file back after writing it.

STEP (AP214, mm, one product per part) and STL come from FreeCAD itself. FreeCAD merges all
parts into one 3MF object and cannot write glTF headless before 1.0, so 3MF and GLB are written
by trimesh from FreeCAD's tessellation, with one object (3MF) or node (GLB) per part.
"""

from __future__ import annotations

import os

import FreeCAD as App

from .. import errors

DEFAULT_COLOR = (0.72, 0.74, 0.78, 1.0)  # light steel grey, as FreeCAD's default shape colour


def tessellation_tolerance(shapes) -> float:
    """Linear deflection from the parts' size: fine for a 5 mm part, small files for 500 mm."""
    box = shapes[0].BoundBox
    for shape in shapes[1:]:
        box.add(shape.BoundBox)
    return min(0.5, max(0.002, box.DiagonalLength * 0.0005))


def _meshes(parts, tolerance: float | None):
    import MeshPart

    shapes = [p.Shape for p in parts]
    tol = tolerance or tessellation_tolerance(shapes)
    meshes = []
    for shape in shapes:
        mesh = MeshPart.meshFromShape(Shape=shape, LinearDeflection=tol, AngularDeflection=0.35,
                                      Relative=False)
        # Faces meet at edges whose ends OCC keeps a hair apart (within tolerance) after a
        # pocket; their triangles then share no points and the mesh is open without this.
        mesh.removeDuplicatedPoints()
        meshes.append(mesh)
    return meshes


def _trimesh():
    try:
        import trimesh
    except ImportError as exc:
        from .. import runtime

        raise errors.MakistryError(
            errors.MISSING_DEPENDENCY,
            "GLB and 3MF export need the Python packages trimesh and networkx. Install them "
            "with: " + runtime.install_command(["trimesh", "networkx"])) from exc
    return trimesh


def _trimesh_scene(parts, tolerance=None):
    import numpy as np

    trimesh = _trimesh()
    scene = trimesh.Scene()
    for part, mesh in zip(parts, _meshes(parts, tolerance)):
        points, facets = mesh.Topology
        tri = trimesh.Trimesh(vertices=np.array([(p.x, p.y, p.z) for p in points], dtype=float),
                              faces=np.array(facets, dtype=np.int64), process=True)
        material = trimesh.visual.material.PBRMaterial(
            name="Makistry default", baseColorFactor=[int(255 * c) for c in DEFAULT_COLOR],
            metallicFactor=0.3, roughnessFactor=0.6, doubleSided=False)
        tri.visual = trimesh.visual.TextureVisuals(material=material)
        scene.add_geometry(tri, node_name=part.Label, geom_name=part.Label)
    return scene


def _write_step(parts, path, tolerance=None):
    import Import

    Import.export(parts, path)


def _write_stl(parts, path, tolerance=None):
    import Mesh

    merged = Mesh.Mesh()
    for mesh in _meshes(parts, tolerance):
        merged.addMesh(mesh)
    merged.write(path)  # binary STL


def _write_glb(parts, path, tolerance=None):
    data = _trimesh_scene(parts, tolerance).export(file_type="glb", include_normals=True)
    with open(path, "wb") as handle:
        handle.write(data)


def _write_3mf(parts, path, tolerance=None):
    data = _trimesh_scene(parts, tolerance).export(file_type="3mf")  # units: millimetre
    with open(path, "wb") as handle:
        handle.write(data)


def _write_fcstd(parts, path, tolerance=None):
    parts[0].Document.saveCopy(path)


_WRITERS = {
    ".step": _write_step, ".stp": _write_step, ".stl": _write_stl, ".glb": _write_glb,
    ".3mf": _write_3mf, ".fcstd": _write_fcstd,
}


def read_back(path: str) -> dict:
    """Open an exported file with a reader other than its writer: part count and volume."""
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".step", ".stp"):
        import Part

        shape = Part.read(path)
        return {"objects": len(shape.Solids), "volume_mm3": shape.Volume,
                "closed": all(s.isClosed() for s in shape.Shells)}
    if suffix == ".fcstd":
        import zipfile

        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
        return {"objects": None, "volume_mm3": None, "closed": "Document.xml" in names}
    trimesh = _trimesh()
    loaded = trimesh.load(path, force="scene")
    meshes = list(loaded.dump()) if hasattr(loaded, "dump") else [loaded]
    return {"objects": len(loaded.geometry), "volume_mm3": float(sum(m.volume for m in meshes)),
            "closed": all(m.is_watertight for m in meshes)}


def _check(parts, path: str) -> dict:
    """The file exists, is not empty, and reads back with the parts' volume."""
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise errors.MakistryError(
            errors.EXPORT_FAILED,
            f"FreeCAD {App.Version()[0]}.{App.Version()[1]} wrote nothing to {path}.",
            source=path)
    try:
        found = read_back(path)
    except errors.MakistryError:
        raise
    except Exception as exc:
        raise errors.MakistryError(
            errors.EXPORT_FAILED, f"{path} was written but cannot be read back: {exc}",
            source=path) from exc
    expected = sum(p.Shape.Volume for p in parts)
    exact = path.lower().endswith((".step", ".stp"))
    if found["volume_mm3"] is not None and expected > 0:
        error = abs(found["volume_mm3"] - expected) / expected
        if error > (0.001 if exact else 0.01) or not found["closed"]:
            raise errors.MakistryError(
                errors.EXPORT_FAILED,
                f"{path} reads back with volume {found['volume_mm3']:.1f} mm^3 "
                f"(closed: {found['closed']}) instead of {expected:.1f} mm^3.", source=path)
    return found


def export_parts(parts, path: str, tolerance: float | None = None, structure=None) -> str:
    """Write ``parts`` (objects with a Shape) to ``path``, the type from its suffix, and check
    the file by reading it back. ``tolerance`` is the mesh deflection in mm (default: by size);
    ``structure``, an App::Part holding the parts, is what a STEP file is written from, so the
    file keeps the assembly's tree."""
    suffix = os.path.splitext(path)[1].lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise errors.MakistryError(
            errors.INVALID_OPTION,
            f"{path}: unknown output type {suffix!r}; use .step, .stl, .glb, .3mf or .FCStd.")
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)
    try:
        writer([structure] if structure is not None else parts, path, tolerance)
    except errors.MakistryError:
        raise
    except Exception as exc:
        raise errors.MakistryError(
            errors.EXPORT_FAILED, f"Writing {path} failed: {exc}", source=path) from exc
    try:
        _check(parts, path)
    except errors.MakistryError:
        if suffix not in (".step", ".stp"):
            raise
        # FreeCAD 1.0 writes some surfaces of revolution (a half turn of an arc) that read back
        # as another solid; written as B-splines they keep it, to the check's 0.1 % (the file
        # then holds the shapes without the assembly's tree).
        os.remove(path)
        try:
            _write_step_as_bsplines(parts, path)
        except Exception as exc:
            raise errors.MakistryError(
                errors.EXPORT_FAILED, f"Writing {path} failed: {exc}", source=path) from exc
        _check(parts, path)
    return path


def _write_step_as_bsplines(parts, path: str) -> None:
    import Part

    shapes = [part.Shape.toNurbs() for part in parts]
    (shapes[0] if len(shapes) == 1 else Part.Compound(shapes)).exportStep(path)
