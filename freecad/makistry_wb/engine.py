# SPDX-License-Identifier: LGPL-2.1-or-later
"""One job, end to end: options -> images -> views -> plan -> FreeCAD objects -> files.

The single entry point for the GUI, the CLI and the server. ``analyse`` is pure Python (safe on a
worker thread); ``build`` changes the document (main thread); ``run_job`` does both and exports.
"""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from . import __version__, errors, runtime
from .options import JobOptions

ProgressCallback = Callable[[float, str], None]
# Printed values that must agree before they set the scale.
MIN_DIMENSIONS = 2
# Circles of a printed diameter's size within this many pixels of radius are its other holes.
SAME_HOLE_PX = 1.0


@dataclass
class Analysis:
    """What the engine understood, before anything is built."""

    options: JobOptions
    images: list = field(default_factory=list)  # imaging.load.LoadedImage
    views: list = field(default_factory=list)  # plan.View
    plan: Any = None  # plan.PartPlan of the part the named views show
    assembly: Any = None  # plan.AssemblyPlan: one part per component, in assembly mode
    component_views: list = field(default_factory=list)  # per assembly part, its plan.View list
    scale: Any = None  # reconstruct.ScaleInfo
    previews: list = field(default_factory=list)  # RGB arrays, one per image
    agreement: dict = field(default_factory=dict)  # view role -> score, precision, recall
    candidates: list = field(default_factory=list)  # readings weighed: reading, agreement
    kinds: list[str] = field(default_factory=list)  # drawing, sketch or photo, per image
    dimensions: list = field(default_factory=list)  # plan.Dimension, every one read
    dimensions_used: list = field(default_factory=list)
    dimensions_unused: list = field(default_factory=list)  # unlinked or in conflict
    dimension_report: list = field(default_factory=list)  # one entry per value read
    dimension_values: int = 0  # distinct printed values behind the scale
    warnings: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)


class _Stages:
    """Progress reports and cancellation checks between stages, with timings."""

    def __init__(self, progress: ProgressCallback | None, cancel: threading.Event | None,
                 timings: dict[str, float]):
        self.progress = progress
        self.cancel = cancel
        self.timings = timings
        self._name = None
        self._start = 0.0

    def enter(self, name: str, fraction: float, label: str) -> None:
        self.leave()
        if self.cancel is not None and self.cancel.is_set():
            raise errors.Cancelled()
        if self.progress:
            self.progress(fraction, label)
        self._name, self._start = name, time.perf_counter()

    def leave(self) -> None:
        if self._name:
            # A stage that timed its own parts (build: build, check, candidates) keeps them.
            self.timings.setdefault(self._name, round(time.perf_counter() - self._start, 4))
            self._name = None


def _missing_dependency(module: str, exc: ImportError) -> errors.MakistryError:
    pip = runtime.OPTIONAL_PACKAGES.get(module, module)
    return errors.MakistryError(
        errors.MISSING_DEPENDENCY,
        f"The Python package {pip} is not installed for this FreeCAD ({exc}). Install it with: "
        + runtime.install_command([pip]))


def analyse(options: JobOptions, progress: ProgressCallback | None = None,
            cancel: threading.Event | None = None) -> Analysis:
    """Validate, decode and understand the images, and plan the part. No FreeCAD needed.
    A failure carries what was understood until then as ``exc.analysis``, for the report."""
    analysis = Analysis(options=options)
    try:
        return _analyse(analysis, progress, cancel)
    except errors.MakistryError as exc:
        exc.analysis = analysis
        raise


def _analyse(analysis: Analysis, progress, cancel) -> Analysis:
    from .imaging.load import load_image

    options = analysis.options
    stages = _Stages(progress, cancel, analysis.timings_s)
    stages.enter("load", 0.02, "Reading images")
    options.validate()
    analysis.images = [load_image(image) for image in options.images]

    stages.enter("drawing", 0.1, "Finding the views")
    try:
        from .drawing import render_preview, understand
        from .imaging.classify import classify_image
        from .photo import add_sketch_holes, clean_sketch, understand_photos
    except ImportError as exc:
        if exc.name not in runtime.OPTIONAL_PACKAGES:
            raise
        raise _missing_dependency(exc.name, exc) from exc
    analysis.kinds = [classify_image(image, options.prompt) for image in analysis.images]
    if all(kind == "photo" for kind in analysis.kinds):
        drawing = understand_photos(analysis.images, options.prompt, cancel=cancel)
    else:
        if "photo" in analysis.kinds:
            analysis.warnings.append(
                "Photos and drawings were mixed; the photos were read as drawings. Send photos "
                "or drawings of one part, not both.")
        readable = [clean_sketch(image) if kind == "sketch" else image
                    for image, kind in zip(analysis.images, analysis.kinds)]
        drawing = understand(readable, options.prompt, cancel=cancel)
        for index, kind in enumerate(analysis.kinds):
            if kind == "sketch":  # a sketch's slots and cut-outs are closed strokes, not circles
                add_sketch_holes(drawing.views, readable[index], index)
    analysis.views = drawing.views
    analysis.warnings += drawing.warnings
    analysis.previews = render_preview(analysis.images, drawing)

    scale_from_dimensions = None
    if any(kind == "drawing" for kind in analysis.kinds):
        stages.enter("dimensions", 0.3, "Reading the dimensions")
        scale_from_dimensions = _read_dimensions(analysis, _as_read(analysis.images, drawing),
                                                 cancel)

    stages.enter("reconstruct", 0.45, "Planning the solid")
    from .reconstruct import plan_from_views

    name = part_name(options)
    printed = [(d.axis, d.value * (25.4 if d.unit == "in" else 1.0))
               for d in analysis.dimensions_used
               if d.kind == "linear" and d.axis in ("x", "y", "z")]
    exact = {"measured": _measured(analysis.dimensions_used, drawing.views),
             # Round numbers are a drawing's (in millimetres); a sketch or a photo is not exact.
             "round_sizes": all(kind == "drawing" for kind in analysis.kinds)
             and not _in_inches(analysis)}
    analysis.plan, analysis.scale = plan_from_views(
        drawing.views, options.prompt, name, mm_per_px=scale_from_dimensions, printed=printed,
        dimension_values=analysis.dimension_values, **exact)
    _plan_components(analysis, drawing.views, scale_from_dimensions, printed, exact)
    stages.leave()
    return analysis


def _in_inches(analysis: Analysis) -> bool:
    """Whether the drawing's values or the prompt's sizes are in inches (no mm grid then)."""
    from .dims.prompt import parse_prompt_sizes

    return any(d.unit == "in" for d in analysis.dimensions) or any(
        re.search(r'\d\s*(?:in\b|inch|")', size.text, re.IGNORECASE)
        for size in parse_prompt_sizes(analysis.options.prompt))


def _measured(dimensions: list, views: list) -> list:
    """What the used dimensions measure, for the plan's exact sizes: (view, direction, end,
    end, mm) for a span; (view, circle, mm) for each circle of a printed diameter's size;
    (view, "radius", mm) and (view, "angle", degrees) for what the view's rounds and slopes
    near them take."""
    from .plan import Circle

    found = []
    for dim in dimensions:
        if dim.view_index is None or not dim.refs or dim.view_index >= len(views):
            continue
        view = views[dim.view_index]
        mm = dim.value * (25.4 if dim.unit == "in" else 1.0)
        ends, direction = getattr(dim, "ends", ()), getattr(dim, "direction", None)
        if dim.kind == "linear" and len(ends) == 2 and direction in ("x", "y"):
            found.append((view, direction, ends[0], ends[1], mm))
        elif dim.kind == "diameter" and isinstance(view.primitives[dim.refs[0]], Circle):
            linked = view.primitives[dim.refs[0]]
            found += [(view, circle, mm) for circle in view.primitives
                      if isinstance(circle, Circle) and abs(circle.r - linked.r) <= SAME_HOLE_PX]
        elif dim.kind == "radius":  # the rounds of the view read near that radius take it
            found.append((view, "radius", mm))
        elif dim.kind == "angle":  # and the slopes read near that angle (linked to one)
            found.append((view, "angle", dim.value))
    return found


def _plan_components(analysis: Analysis, views: list, mm_per_px, printed, exact: dict) -> None:
    """Assembly mode: one plan per separate component. Standard mode: say when the drawing
    shows several, of which the one body is built from the named views only."""
    from .reconstruct.components import plan_components, split_components

    options = analysis.options
    if options.design_mode != "assembly":
        count = len(split_components(views))
        if count > 1:
            analysis.warnings.append(
                f"The drawing shows {count} separate components; standard mode builds only one "
                "of them. Use assembly mode for one body per component.")
        return
    split = plan_components(views, options.prompt, analysis.plan.name, mm_per_px=mm_per_px,
                            printed=printed, dimension_values=analysis.dimension_values,
                            warnings=analysis.warnings, **exact)
    if split is not None:
        analysis.assembly, analysis.scale, analysis.component_views = split
        # The drawing layer names one component's views; the others are no longer unexplained.
        used = [f"a view at {tuple(view.box)} " for views in split[2] for view in views]
        analysis.warnings[:] = [w for w in analysis.warnings if not any(u in w for u in used)]


def _as_read(images: list, drawing) -> list:
    """The images as the drawing layer read them: turned scans straightened, so that the
    view boxes and the dimensions' text boxes share coordinates."""
    import dataclasses

    from .drawing.ink import straighten

    turned = list(getattr(drawing, "straightened_deg", []))
    return [dataclasses.replace(image, rgb=straighten(image.rgb, turned[i]))
            if i < len(turned) and turned[i] else image for i, image in enumerate(images)]


def _read_dimensions(analysis: Analysis, images: list, cancel) -> float | None:
    """Read and link the printed dimensions; mm per pixel from those that agree, if any."""
    import statistics

    try:
        from .dims import preview, read_dimensions, solve_scale

        texts: list = []
        analysis.dimensions = read_dimensions(images, analysis.views, cancel,
                                              analysis.options.prompt, texts_read=texts)
        from .dims.text_marks import drop_text_circles, label_views_from_titles

        drop_text_circles(analysis.views, analysis.dimensions)
        named = [v for v in analysis.views if v.role == "unknown"]
        said = label_views_from_titles(analysis.views, texts)
        for view in named:
            if view.role != "unknown":  # the drawing layer's "no role" warning is answered
                analysis.warnings[:] = [w for w in analysis.warnings
                                        if f"a view at {tuple(view.box)} " not in w]
        analysis.warnings += said
    except ImportError as exc:  # the OCR packages are optional: size from the prompt instead
        detail = getattr(exc, "message", "") or runtime.install_command(
            ["rapidocr", "onnxruntime"])
        analysis.warnings.append(f"Dimensions were not read: the OCR package {exc.name} is "
                                 f"missing. {detail}")
        return None
    solution = solve_scale(analysis.views, analysis.dimensions)
    analysis.dimensions_used, analysis.dimensions_unused = solution.used, solution.unused
    analysis.dimension_report = preview.describe(analysis.dimensions, analysis.views,
                                                 solution.used)
    analysis.previews = [preview.draw(image, index, analysis.dimensions, analysis.views,
                                      solution.used)
                         for index, image in enumerate(analysis.previews)]
    ortho = [solution.mm_per_px[i] for i, view in enumerate(analysis.views)
             if i in solution.mm_per_px and view.role in ("front", "top", "right", "left",
                                                           "bottom", "back")]
    # A stray reading (a line or a circle read as "1" or "8", a title-block number) agrees with
    # some geometry by chance, often several times over; a drawing's dimensions are different
    # values that agree with one another.
    distinct = {round(d.value, 3) for d in solution.used if d.kind != "angle"}
    if solution.source != "dimensions" or not ortho or len(distinct) < MIN_DIMENSIONS:
        if solution.used:
            analysis.warnings.append(
                f"Only {len(distinct)} distinct printed value agreed with the geometry; the size "
                "comes from the prompt or the default instead.")
        return None
    analysis.dimension_values = len(distinct)
    return statistics.median(ortho)


def part_name(options: JobOptions) -> str:
    """The body's name: the first image's file name without folder and suffix."""
    base = os.path.splitext(os.path.basename(options.images[0].name))[0] if options.images else ""
    cleaned = "".join(ch if ch.isalnum() else "_" for ch in base).strip("_")
    return cleaned or "Part"


def build(analysis: Analysis, doc, container=None) -> list:
    """Create the result in ``doc`` (one Body, or one per component of an assembly, in
    ``container`` if given); main thread only."""
    from .cad.build import build_body
    from .cad.check import agreement

    start = time.perf_counter()
    if analysis.assembly is not None:
        return _build_assembly(analysis, doc, container, start)
    planning = list(analysis.plan.warnings)  # said while planning; a build adds its own
    body = build_body(analysis.plan, doc, container=container, label=analysis.plan.name)
    analysis.timings_s["build"] = round(time.perf_counter() - start, 4)
    start = time.perf_counter()
    analysis.agreement = agreement(body.Shape, analysis.views, analysis.scale.mm_per_px)
    analysis.timings_s["check"] = round(time.perf_counter() - start, 4)
    start = time.perf_counter()
    body = _choose_reading(analysis, doc, container, body, planning)
    analysis.timings_s["candidates"] = round(time.perf_counter() - start, 4)
    analysis.warnings += [w for w in analysis.plan.warnings if w not in analysis.warnings]
    if len(body.Shape.Solids) > 1:
        analysis.warnings.append(
            f"The body is {len(body.Shape.Solids)} separate solids; use assembly mode for one "
            "body per component.")
    _warn_disagreement(analysis)
    return [body]


# Below this agreement in some view, the other readings of the views are built and weighed.
AGREEMENT_GOOD = 0.97
# An other reading replaces the planned one only when it agrees clearly better, and explains
# (almost) every line the planned one explained.
AGREEMENT_MARGIN = 0.02
RECALL_SLACK = 0.02


def _mean_agreement(scores: dict) -> float:
    return sum(s["score"] for s in scores.values()) / len(scores) if scores else 0.0


def _choose_reading(analysis: Analysis, doc, container, body, planning: list[str]):
    """Build the other readings of the views (reconstruct.candidates) in a scratch document
    when the planned one does not explain every view; keep the one that agrees best.
    ``planning``: the plan's warnings from before its build, which every reading keeps."""
    import copy

    from .cad.build import build_body
    from .cad.check import agreement
    from .reconstruct.candidates import alternatives

    planned = _mean_agreement(analysis.agreement)
    analysis.candidates = [{"reading": "as planned", "agreement": round(planned, 4),
                            "chosen": True}]
    if not analysis.agreement or min(
            s["score"] for s in analysis.agreement.values()) >= AGREEMENT_GOOD:
        return body
    readings = alternatives(analysis.plan)
    if not readings:
        return body
    App = runtime.import_freecad()
    active = App.ActiveDocument
    best = None
    for description, plan in readings:
        scratch = App.newDocument("MakistryCandidate", "candidate", True)
        try:
            shape = build_body(copy.deepcopy(plan), scratch).Shape
            scores = agreement(shape, analysis.views, analysis.scale.mm_per_px)
        except Exception as exc:  # a reading FreeCAD cannot build is no reading
            analysis.candidates.append({"reading": description, "agreement": None,
                                        "failed": f"{type(exc).__name__}: {exc}"[:200],
                                        "chosen": False})
            continue
        finally:
            App.closeDocument(scratch.Name)
            if active is not None:
                App.setActiveDocument(active.Name)  # closing the scratch one left none
        mean = _mean_agreement(scores)
        # A reading that leaves lines of the drawing unexplained drops something it shows;
        # only lines the drawing does not have (precision) may be traded away.
        keeps = all(scores.get(role, {}).get("recall", 0.0) >= score["recall"] - RECALL_SLACK
                    for role, score in analysis.agreement.items())
        analysis.candidates.append({"reading": description, "agreement": round(mean, 4),
                                    "explains_the_drawing": keeps, "chosen": False})
        if keeps and (best is None or mean > best[0]):
            best = (mean, description, plan, scores)
    if best is None or best[0] < planned + AGREEMENT_MARGIN:
        return body
    mean, description, plan, scores = best
    body.removeObjectsFromDocument()
    doc.removeObject(body.Name)
    analysis.plan = plan
    plan.warnings = list(planning)
    body = build_body(plan, doc, container=container, label=plan.name)
    analysis.agreement = scores
    analysis.candidates[0]["chosen"] = False
    next(c for c in analysis.candidates if c["reading"] == description)["chosen"] = True
    analysis.warnings.append(
        f"Of {len(analysis.candidates)} readings of the views, the one {description} agrees "
        f"best with the drawing ({mean:.0%} against {planned:.0%} as first planned).")
    return body


def _build_assembly(analysis: Analysis, doc, container, start: float) -> list:
    """One Body per component, placed where the drawing shows it."""
    from .cad.build import build_body
    from .cad.check import agreement

    App = runtime.import_freecad()
    bodies = []
    for part in analysis.assembly.parts:
        body = build_body(part.plan, doc, container=container, label=part.plan.name)
        body.Placement = App.Placement(App.Vector(*part.placement.position), App.Rotation())
        bodies.append(body)
        said = [f"{part.plan.name}: {w}" for w in part.plan.warnings]
        analysis.warnings += [w for w in said if w not in analysis.warnings]
    doc.recompute()
    analysis.timings_s["build"] = round(time.perf_counter() - start, 4)
    start = time.perf_counter()
    for body, views in zip(bodies, analysis.component_views):
        for role, score in agreement(body.Shape, views, analysis.scale.mm_per_px).items():
            analysis.agreement[f"{role} ({body.Label})"] = score
    analysis.timings_s["check"] = round(time.perf_counter() - start, 4)
    _warn_disagreement(analysis)
    return bodies


def _warn_disagreement(analysis: Analysis) -> None:
    for role, score in analysis.agreement.items():
        if score["score"] < 0.8:
            analysis.warnings.append(
                f"The {role} view agrees only {score['score']:.0%} with the built part "
                f"({score['recall']:.0%} of its lines explained): check the preview.")


def describe_parts(parts) -> list[dict[str, Any]]:
    described = []
    for part in parts:
        shape = part.Shape
        # Tight: a turned round's (torus) control points reach well outside the part.
        box = shape.optimalBoundingBox() if hasattr(shape, "optimalBoundingBox") \
            else shape.BoundBox
        described.append({
            "name": part.Label,
            "volume_mm3": round(shape.Volume, 3),
            "area_mm2": round(shape.Area, 3),
            "bbox_mm": [round(v, 4) for v in (box.XMin, box.YMin, box.ZMin,
                                               box.XMax, box.YMax, box.ZMax)],
            "faces": len(shape.Faces),
            "valid": shape.isValid(),
        })
    return described


def report_for(analysis: Analysis | None, options: JobOptions, parts=(), outputs=(),
               error: errors.MakistryError | None = None) -> dict[str, Any]:
    """The job report (the fixed fields of DESIGN.md and a few more)."""
    report: dict[str, Any] = {
        "status": "failed" if error else "success",
        "version": __version__,
        "design_mode": options.design_mode,
        "output_format": options.output_format,
        "prompt": options.prompt,
        "inputs": [{"name": image.name, "bytes": len(image.data), "role": image.role}
                   for image in options.images],
        "outputs": list(outputs),
        "parts": describe_parts(parts) if parts else [],
        "views": [],
        "scale": None,
        "dimensions_used": [],
        "agreement": {},
        "timings_s": {},
        "warnings": [],
    }
    try:
        from .cad.compat import version_text

        report["freecad"] = version_text()
    except ImportError:
        pass
    if analysis is not None:
        report["views"] = [{"role": v.role, "image": v.image_index, "box_px": list(v.box),
                            "projection": v.projection} for v in analysis.views]
        if analysis.scale is not None:
            report["scale"] = {"mm_per_px": analysis.scale.mm_per_px,
                               "source": analysis.scale.source,
                               "extents_mm": analysis.scale.extents_mm,
                               "exact_from_values": analysis.scale.exact_from_values,
                               "rounded_to_mm": analysis.scale.grid_mm}
        report["timings_s"] = dict(analysis.timings_s)
        report["agreement"] = dict(analysis.agreement)
        report["candidates"] = list(analysis.candidates)
        for entry, kind in zip(report["inputs"], analysis.kinds):
            entry["kind"] = kind
        report["dimensions"] = analysis.dimension_report
        report["dimensions_used"] = [d for d in analysis.dimension_report
                                     if d["status"] == "used"]
        report["warnings"] = list(analysis.warnings)
    if error is not None:
        report["error"] = error.to_dict()
    return report


def save_preview(analysis: Analysis, path: str) -> None:
    """The previews side by side as one PNG."""
    import numpy as np
    from PIL import Image

    if not analysis.previews:
        return
    height = max(p.shape[0] for p in analysis.previews)
    padded = [np.pad(p, ((0, height - p.shape[0]), (0, 8), (0, 0)), constant_values=255)
              for p in analysis.previews]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    Image.fromarray(np.concatenate(padded, axis=1)).save(path)


def run_job(options: JobOptions, outputs: list[str] = (), *, document=None,
            preview_path: str | None = None, plan_path: str | None = None,
            mesh_tolerance_mm: float | None = None,
            progress: ProgressCallback | None = None,
            cancel: threading.Event | None = None) -> dict[str, Any]:
    """Run one job headless and return its report; raises MakistryError on failure with the
    report attached as ``exc.report``."""
    start = time.perf_counter()
    analysis = None
    parts: list = []
    written: list[str] = []
    try:
        analysis = analyse(options, progress, cancel)
        if preview_path:
            save_preview(analysis, preview_path)
        if plan_path:
            with open(plan_path, "w", encoding="utf-8") as handle:
                handle.write((analysis.assembly or analysis.plan).to_json())
        stages = _Stages(progress, cancel, analysis.timings_s)
        stages.enter("build", 0.6, "Building the body")
        App = runtime.import_freecad()
        doc = document or App.newDocument(analysis.plan.name)
        container = None
        if options.design_mode == "assembly":
            container = doc.addObject("App::Part", "Assembly")
            container.Label = analysis.plan.name
        parts = build(analysis, doc, container)
        from .cad.export import export_parts

        stages.enter("export", 0.85, "Exporting")
        for path in outputs:
            # A STEP file of the container keeps the assembly's structure; meshes are per part.
            step = path.lower().endswith((".step", ".stp")) and container is not None
            written.append(export_parts(parts, path, tolerance=mesh_tolerance_mm,
                                        structure=container if step else None))
        stages.leave()
        if progress:
            progress(1.0, "Done")
    except Exception as exc:
        if not isinstance(exc, errors.MakistryError):
            # A defect, not bad input: still a failed job with a report, never a lost one.
            wrapped = errors.MakistryError(
                errors.INTERNAL_ERROR,
                f"The engine failed unexpectedly ({type(exc).__name__}: {exc}). Please report "
                "it with the input image.")
            wrapped.__cause__ = exc
            exc = wrapped
        analysis = analysis or getattr(exc, "analysis", None)
        if analysis is not None:
            analysis.timings_s["total"] = round(time.perf_counter() - start, 4)
        exc.report = report_for(analysis, options, parts, written, error=exc)
        raise exc
    analysis.timings_s["total"] = round(time.perf_counter() - start, 4)
    return report_for(analysis, options, parts, written)
