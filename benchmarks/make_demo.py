# SPDX-License-Identifier: LGPL-2.1-or-later
"""Re-make ``samples/demo_bracket.png``: the README demo's three-view drawing of an L-bracket.

    /usr/bin/python3 benchmarks/make_demo.py [OUT.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.parts import demo_bracket  # noqa: E402
from benchmarks.render import Sheet, render_sheet  # noqa: E402


def main(argv: list[str]) -> int:
    out = argv[0] if argv else str(Path(__file__).resolve().parents[1] / "samples"
                                   / "demo_bracket.png")
    part = demo_bracket()
    render_sheet(part.shape, out, Sheet(title="DEMO L-BRACKET"))
    bb = part.shape.BoundBox
    print(f"{out}: {bb.XLength:g} x {bb.YLength:g} x {bb.ZLength:g} mm, "
          f"volume {part.shape.Volume:.0f} mm^3, {part.holes} holes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
