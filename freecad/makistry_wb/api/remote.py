# SPDX-License-Identifier: LGPL-2.1-or-later
"""The workbench's remote backend: run a job on an image-to-CAD service and import the result.

``fetch_result`` talks to the service (no FreeCAD; safe on a worker thread); ``import_result``
adds the file to a document (main thread): STEP as a solid, STL/3MF/GLB as a mesh.
"""

from __future__ import annotations

import os
import tempfile
import threading

from .. import errors
from ..options import JobOptions
from .client import MakistryClient, PollSchedule, ProgressCallback

PREFERENCES = "User parameter:BaseApp/Preferences/Mod/makistry_wb"
SUFFIXES = {"STEP": ".step", "STL": ".stl", "GLB": ".glb", "3MF": ".3mf"}


def preferences() -> dict:
    """The service URL and key saved in FreeCAD's preferences (empty outside FreeCAD)."""
    try:
        import FreeCAD
    except ImportError:
        return {}
    group = FreeCAD.ParamGet(PREFERENCES)
    return {"base_url": group.GetString("ApiBaseUrl", ""),
            "api_key": group.GetString("ApiKey", ""),
            "timeout_s": group.GetFloat("ApiTimeout", 0.0)}


def client_from_preferences(**overrides) -> MakistryClient:
    """A client configured from (in order) ``overrides``, the preferences, the environment
    (MAKISTRY_API_URL, MAKISTRY_API_KEY)."""
    prefs = preferences()
    kwargs = {"base_url": prefs.get("base_url") or None, "api_key": prefs.get("api_key") or None}
    if prefs.get("timeout_s"):
        kwargs["schedule"] = PollSchedule(timeout=prefs["timeout_s"])
    kwargs.update(overrides)
    return MakistryClient(**kwargs)


def fetch_result(options: JobOptions, directory: str | None = None, *,
                 client: MakistryClient | None = None, progress: ProgressCallback | None = None,
                 cancel: threading.Event | None = None) -> tuple[dict, str]:
    """Submit, wait and download; returns the final job and the local path of the result."""
    own_client = client is None
    client = client or client_from_preferences()
    directory = directory or tempfile.mkdtemp(prefix="makistry_remote_")
    try:
        job = client.submit(options, cancel=cancel)
        final = client.wait(job["job_id"], progress, cancel)
        path = os.path.join(directory, job["job_id"] + SUFFIXES[options.output_format])
        if progress:
            progress(0.95, "Downloading the result")
        client.download(final, path, cancel)
        return final, path
    finally:
        if own_client:
            client.close()


def import_result(path: str, doc, name: str = "RemotePart"):
    """Add the downloaded file to ``doc``: a Part::Feature for STEP, a Mesh::Feature otherwise."""
    import FreeCAD  # noqa: F401 -- Part and Mesh need the application loaded

    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".step", ".stp"):
        import Part

        shape = Part.read(path)
        if shape.isNull() or not shape.Solids:
            raise errors.MakistryError(
                errors.IMAGE_PARSE_FAILED, f"{path} holds no solid; the service's result "
                "cannot be used as a part.", source=path)
        obj = doc.addObject("Part::Feature", name)
        obj.Shape = shape
    elif suffix in (".stl", ".3mf", ".glb"):
        import Mesh

        obj = doc.addObject("Mesh::Feature", name)
        obj.Mesh = Mesh.Mesh(path) if suffix == ".stl" else Mesh.Mesh(_triangles(path))
    else:
        raise errors.MakistryError(errors.UNSUPPORTED_TYPE,
                                   f"{path}: cannot import {suffix or 'a file without suffix'}.",
                                   source=path)
    doc.recompute()
    return obj


def _triangles(path: str) -> list:
    """3MF and GLB through trimesh (FreeCAD 0.20 reads neither): a list of triangles."""
    try:
        import trimesh
    except ImportError as exc:
        from .. import runtime

        raise errors.MakistryError(
            errors.MISSING_DEPENDENCY, "Importing 3MF or GLB needs trimesh: "
            + runtime.install_command(["trimesh", "networkx"])) from exc
    mesh = trimesh.load(path, force="mesh")
    if len(mesh.faces) == 0:
        raise errors.MakistryError(errors.IMAGE_PARSE_FAILED, f"{path} holds no triangles.",
                                   source=path)
    return [[tuple(map(float, vertex)) for vertex in triangle] for triangle in mesh.triangles]


def run_remote_job(options: JobOptions, doc, directory: str | None = None, *,
                   client: MakistryClient | None = None, progress: ProgressCallback | None = None,
                   cancel: threading.Event | None = None) -> dict:
    """The whole remote job, for headless use: returns ``{"job", "path", "object"}``."""
    job, path = fetch_result(options, directory, client=client, progress=progress, cancel=cancel)
    from ..engine import part_name

    obj = import_result(path, doc, part_name(options))
    if progress:
        progress(1.0, "Done")
    return {"job": job, "path": path, "object": obj}
