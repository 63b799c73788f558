# SPDX-License-Identifier: LGPL-2.1-or-later
"""One local job in a separate Python process, for the task panel:

    python3 -m freecad.makistry_wb.gui.build_process JOB.json

JOB.json holds the options (images as files with their roles) and where to write the result
(an FCStd the panel merges into the user's document), the preview PNG and the report. Progress
goes to stdout as one JSON object per line. The OpenCascade work of the build then never holds
the GUI's main thread, and Cancel can stop the job at once. No FreeCAD GUI here."""

from __future__ import annotations

import json
import sys


def _progress(fraction: float, stage: str) -> None:
    print(json.dumps({"progress": fraction, "stage": stage}), flush=True)


def main(job_path: str) -> int:
    from .. import engine, errors, runtime
    from ..options import JobOptions, read_image_file

    with open(job_path, encoding="utf-8") as handle:
        job = json.load(handle)
    options = JobOptions(prompt=job["prompt"], design_mode=job["design_mode"],
                         output_format=job["output_format"])
    try:
        options.images = [read_image_file(item["path"], item["role"]) for item in job["images"]]
        for image, item in zip(options.images, job["images"]):
            image.name = item["name"]  # the user's file name, not the temporary copy's
        runtime.add_dependency_paths()
        runtime.import_freecad()
        report = engine.run_job(options, [job["result"]], preview_path=job["preview"],
                                progress=_progress)
    except errors.MakistryError as exc:
        report = getattr(exc, "report", None) or engine.report_for(None, options, error=exc)
    with open(job["report"], "w", encoding="utf-8") as handle:
        json.dump(report, handle)
    return 0 if report.get("status") == "success" else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
