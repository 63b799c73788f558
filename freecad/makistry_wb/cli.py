# SPDX-License-Identifier: LGPL-2.1-or-later
"""Command line: ``python3 -m freecad.makistry_wb convert ...`` and ``... serve``."""

from __future__ import annotations

import argparse
import json
import os
import sys

from . import __version__, errors, runtime
from .options import SUFFIX_FORMATS, VIEW_ROLE_HINTS, JobOptions, check_image_count, read_image_file

EXIT_FAILED = 1
EXIT_USAGE = 2
_SYSTEM_PYTHON = "/usr/bin/python3"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python3 -m freecad.makistry_wb",
        description="Reference images of a mechanical part -> an editable FreeCAD body.")
    parser.add_argument("--version", action="version", version=f"makistry_wb {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    convert = sub.add_parser("convert", help="convert 1-3 images to a CAD file")
    convert.add_argument("images", nargs="+", metavar="IMAGE")
    convert.add_argument("-o", "--output", required=True,
                         help="OUT.step, .stp, .stl, .glb, .3mf or .FCStd")
    convert.add_argument("--also", action="append", default=[], metavar="OUT",
                         help="another output file (repeatable)")
    convert.add_argument("--prompt", default="",
                         help='hint, e.g. "front and right view, 120 mm long"')
    convert.add_argument("--mode", default="standard", choices=("standard", "assembly"))
    convert.add_argument("--role", action="append", default=[], choices=VIEW_ROLE_HINTS,
                         help="view role of each image, in order (default auto)")
    convert.add_argument("--report", metavar="REPORT.json")
    convert.add_argument("--preview", metavar="PREVIEW.png")
    convert.add_argument("--plan", metavar="PLAN.json", help="also write the PartPlan")
    convert.add_argument("--mesh-tolerance", type=float, metavar="MM",
                         help="STL/3MF/GLB chord tolerance in mm (default: from the part's size)")

    serve = sub.add_parser("serve", help="serve the image-to-CAD HTTP API")
    serve.add_argument("rest", nargs=argparse.REMAINDER)
    return parser


def _write_json(path: str | None, data: dict) -> None:
    if path:
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)


def _freecad_runs_here() -> bool:
    """FreeCAD and the packages it ships (numpy, Pillow) import in this Python."""
    try:
        import numpy  # noqa: F401
        import PIL  # noqa: F401

        runtime.import_freecad()
    except (ImportError, errors.MakistryError):
        return False
    return True


def _reexec_with_freecad_python(argv: list[str]) -> None:
    """Under a Python that cannot load FreeCAD (a pyenv or venv python3), run again with the
    system Python FreeCAD was built for, if there is one."""
    if os.environ.get("MAKISTRY_NO_REEXEC") or not os.path.exists(_SYSTEM_PYTHON):
        return
    if os.path.realpath(sys.executable) == os.path.realpath(_SYSTEM_PYTHON):
        return
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, MAKISTRY_NO_REEXEC="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    os.execve(_SYSTEM_PYTHON, [_SYSTEM_PYTHON, "-m", "freecad.makistry_wb", *argv], env)


def convert(args: argparse.Namespace, argv: list[str]) -> int:
    from . import engine

    outputs = [args.output, *args.also]
    options = JobOptions(prompt=args.prompt, design_mode=args.mode)
    try:
        for path in outputs:
            suffix = os.path.splitext(path)[1].lower()
            if suffix not in SUFFIX_FORMATS:
                raise errors.MakistryError(
                    errors.INVALID_OPTION,
                    f"{path}: unknown output type {suffix or '(none)'}; use "
                    ".step, .stp, .stl, .glb, .3mf or .FCStd.")
        primary = SUFFIX_FORMATS[os.path.splitext(args.output)[1].lower()]
        options.output_format = primary if primary != "FCStd" else "STEP"
        if len(args.role) > len(args.images):
            raise errors.MakistryError(
                errors.INVALID_OPTION, f"{len(args.role)} --role values for "
                f"{len(args.images)} images; give at most one per image.")
        roles = args.role + ["auto"] * (len(args.images) - len(args.role))
        check_image_count(len(args.images))
        options.images = [read_image_file(p, r) for p, r in zip(args.images, roles)]
        options.validate()
        if not _freecad_runs_here():
            _reexec_with_freecad_python(argv)
        runtime.import_freecad()
        report = engine.run_job(options, outputs, preview_path=args.preview, plan_path=args.plan,
                                mesh_tolerance_mm=args.mesh_tolerance,
                                progress=_print_progress if sys.stderr.isatty() else None)
    except errors.MakistryError as exc:
        report = getattr(exc, "report", None) or engine.report_for(None, options, error=exc)
        _write_json(args.report, report)
        print(f"error: {exc.code}: {exc.message}", file=sys.stderr)
        return EXIT_FAILED
    _write_json(args.report, report)
    for warning in report["warnings"]:
        print(f"warning: {warning}", file=sys.stderr)
    lines = [f"{part['name']}: {part['volume_mm3']:.1f} mm^3, bbox {part['bbox_mm']}"
             for part in report["parts"]]  # one per part: an assembly has several
    print("\n".join(lines) + " -> " + ", ".join(report["outputs"]))
    return 0


def _print_progress(fraction: float, stage: str) -> None:
    print(f"[{fraction * 100:3.0f}%] {stage}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    runtime.add_dependency_paths()
    if argv[:1] == ["serve"]:  # serve's options go to its own parser (REMAINDER: bpo-17050)
        argv = ["serve", "--", *argv[1:]]
    args = _parser().parse_args(argv)
    if args.command == "serve":
        try:
            from .api.server.cli import main as serve_main
        except ImportError as exc:
            print(f"error: {errors.MISSING_DEPENDENCY}: the server needs {exc.name}: "
                  + runtime.install_command(["-r", "requirements.txt"]), file=sys.stderr)
            return EXIT_FAILED
        return serve_main(args.rest)
    return convert(args, argv)
