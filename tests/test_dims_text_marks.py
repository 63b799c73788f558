# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Ø of a call-out written inside a view is text, not a hole."""

import numpy as np
import pytest
from PIL import Image

from freecad.makistry_wb.plan import Circle, Dimension, Loop, Profile, View


def _hole_loops(view):
    return [loop for profile in view.profiles for loop in profile.inner
            if len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle)]


def test_circle_inside_a_text_box_is_dropped_and_references_renumbered():
    from freecad.makistry_wb.dims.text_marks import drop_text_circles

    outline = Loop([])
    hole = Circle(50, 40, 15)
    glyph = Circle(120, 80, 4)  # image (220, 120): inside the text box below
    view = View(role="top", box=(100, 100, 200, 100), primitives=[glyph, hole],
                profiles=[Profile([outline, Loop([hole]), Loop([Circle(120, 80, 4)])])])
    text = Dimension(value=11, kind="diameter", text="2X Ø11", view_index=0,
                     text_box=(205, 110, 60, 14), refs=[1])
    assert drop_text_circles([view], [text]) == 1
    assert view.primitives == [hole]
    assert [loop.primitives for loop in view.profiles[0].inner] == [[hole]]
    assert text.refs == [0]
    # A hole larger than the text line stays even where text runs across it.
    big = View(role="top", box=(100, 100, 200, 100), primitives=[Circle(120, 80, 20)],
               profiles=[Profile([outline, Loop([Circle(120, 80, 20)])])])
    assert drop_text_circles([big], [text]) == 0 and len(_hole_loops(big)) == 1


@pytest.mark.usefixtures("App")
def test_plate_with_callout_inside_the_top_view_keeps_its_two_holes(tmp_path):
    from benchmarks import cases
    from freecad.makistry_wb.dims import read_dimensions
    from freecad.makistry_wb.dims.text_marks import drop_text_circles
    from freecad.makistry_wb.drawing import understand
    from freecad.makistry_wb.imaging.load import LoadedImage

    case = cases.build(cases.Case("plate", "simple", 1, "dims", dimensioned=True), tmp_path)
    assert case.truth["holes"] == 2
    images = [LoadedImage(name="drawing.png", format="PNG",
                          rgb=np.asarray(Image.open(p).convert("RGB")).copy())
              for p in case.images]
    views = understand(images, "").views
    top = next(v for v in views if v.role == "top")
    assert len(_hole_loops(top)) == 3  # the two holes and the Ø of "2X Ø11"
    dims = read_dimensions(images, views)
    assert drop_text_circles(views, dims) == 1
    radii = sorted(loop.primitives[0].r for loop in _hole_loops(top))
    assert len(radii) == 2 and radii[0] == pytest.approx(radii[1], rel=0.02)
