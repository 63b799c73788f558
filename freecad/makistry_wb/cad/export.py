# SPDX-License-Identifier: LGPL-2.1-or-later
"""Export parts to STEP, STL, 3MF, GLB or FCStd, and check every file after writing it."""

from __future__ import annotations

import os

import FreeCAD as App

from .. import errors


def tessellation_tolerance(shapes) -> float:
    """Linear deflection from the parts' size: fine for a 5 mm part, small files for 500 mm."""
    box = shapes[0].BoundBox
    for shape in shapes[1:]:
        box.add(shape.BoundBox)
    return min(0.5, max(0.005, box.DiagonalLength * 0.0005))


def _meshes(parts, tolerance: float | None):
    import MeshPart

    shapes = [p.Shape for p in parts]
    tol = tolerance or tessellation_tolerance(shapes)
    return [MeshPart.meshFromShape(Shape=s, LinearDeflection=tol, AngularDeflection=0.35,
                                   Relative=False) for s in shapes]


def _write_step(parts, path):
    import Import

    Import.export(parts, path)


def _write_stl(parts, path, tolerance=None):
    import Mesh

    merged = Mesh.Mesh()
    for mesh in _meshes(parts, tolerance):
        merged.addMesh(mesh)
    merged.write(path)


def _trimesh_scene(parts, tolerance=None):
    try:
        import trimesh
    except ImportError as exc:
        from .. import runtime

        raise errors.MakistryError(
            errors.MISSING_DEPENDENCY,
            "GLB and 3MF export need the Python package trimesh. Install it with: "
            + runtime.install_command(["trimesh"])) from exc
    import numpy as np

    scene = trimesh.Scene()
    for part, mesh in zip(parts, _meshes(parts, tolerance)):
        points, facets = mesh.Topology
        vertices = np.array([(p.x, p.y, p.z) for p in points], dtype=float)
        tri = trimesh.Trimesh(vertices=vertices, faces=np.array(facets, dtype=np.int64),
                              process=True)
        tri.visual = trimesh.visual.ColorVisuals(tri, face_colors=[180, 184, 190, 255])
        scene.add_geometry(tri, node_name=part.Label, geom_name=part.Label)
    return scene


def _write_glb(parts, path, tolerance=None):
    scene = _trimesh_scene(parts, tolerance)
    with open(path, "wb") as handle:
        handle.write(scene.export(file_type="glb"))


def _write_3mf(parts, path, tolerance=None):
    scene = _trimesh_scene(parts, tolerance)
    with open(path, "wb") as handle:
        handle.write(scene.export(file_type="3mf"))


def _write_fcstd(parts, path):
    parts[0].Document.saveCopy(path)


_WRITERS = {
    ".step": _write_step, ".stp": _write_step, ".stl": _write_stl, ".glb": _write_glb,
    ".3mf": _write_3mf, ".fcstd": _write_fcstd,
}


def export_parts(parts, path: str) -> str:
    """Write ``parts`` (objects with a Shape) to ``path``; the type comes from the suffix."""
    suffix = os.path.splitext(path)[1].lower()
    writer = _WRITERS.get(suffix)
    if writer is None:
        raise errors.MakistryError(
            errors.INVALID_OPTION,
            f"{path}: unknown output type {suffix!r}; use .step, .stl, .glb, .3mf or .FCStd.")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    if os.path.exists(path):
        os.remove(path)
    try:
        writer(parts, path)
    except errors.MakistryError:
        raise
    except Exception as exc:
        raise errors.MakistryError(
            errors.EXPORT_FAILED, f"Writing {path} failed: {exc}", source=path) from exc
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        raise errors.MakistryError(
            errors.EXPORT_FAILED,
            f"FreeCAD {App.Version()[0]}.{App.Version()[1]} wrote nothing to {path}.",
            source=path)
    return path
