# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print a one-screen summary of a convert report (used by ``make demo``)."""

import json
import sys


def main(path: str) -> int:
    with open(path, encoding="utf-8") as handle:
        report = json.load(handle)
    print(f"status:   {report['status']}")
    if report["status"] != "success":
        print(f"error:    {report['error']['code']}: {report['error']['message']}")
        return 1
    for part in report["parts"]:
        box = part["bbox_mm"]
        size = " x ".join(f"{box[i + 3] - box[i]:.1f}" for i in range(3))
        print(f"part:     {part['name']}: volume {part['volume_mm3']:.0f} mm^3, "
              f"size {size} mm, {part['faces']} faces")
    views = ", ".join(f"{v['role']} {v['box_px'][2]}x{v['box_px'][3]}px" for v in report["views"])
    print(f"views:    {views}")
    scale = report.get("scale") or {}
    if scale:
        print(f"scale:    {scale['mm_per_px']:.4f} mm/px from {scale['source']}")
    timings = report.get("timings_s", {})
    print("time:     " + ", ".join(f"{k} {v:.2f}s" for k, v in timings.items()))
    for warning in report.get("warnings", []):
        print(f"warning:  {warning}")
    print("outputs:  " + ", ".join(report["outputs"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
