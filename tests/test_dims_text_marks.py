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
    on_glyph = Dimension(value=4, view_index=0, refs=[0])
    on_glyph.pixels = 8.0  # as linking leaves it
    assert drop_text_circles([view], [text, on_glyph]) == 1
    assert on_glyph.refs == [] and on_glyph.pixels is None
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


def _with_detail_view(case_image, views, out_path):
    """The drawing with a 2:1 detail of the top view's hole pasted top right inside its round
    boundary, titled DETAIL A / SCALE 2 : 1 as drawings title them."""
    from PIL import ImageDraw, ImageFont

    sheet = Image.open(case_image).convert("RGB")
    top = next(v for v in views if v.role == "top")
    right = next(v for v in views if v.role == "right")
    hole = max((p for p in top.primitives if isinstance(p, Circle)), key=lambda c: c.r)
    x, y, w, h = top.box
    cx, cy, half = x + hole.cx, y + h - hole.cy, int(2.5 * hole.r)
    crop = sheet.crop((int(cx) - half, int(cy) - half, int(cx) + half, int(cy) + half))
    crop = crop.resize((crop.width * 2, crop.height * 2), Image.NEAREST)
    mask = Image.new("L", crop.size, 0)
    ImageDraw.Draw(mask).ellipse((0, 0, crop.width - 1, crop.height - 1), fill=255)
    at = (right.box[0] + 40, y)
    sheet.paste(crop, at, mask)
    draw = ImageDraw.Draw(sheet)
    draw.ellipse((at[0], at[1], at[0] + crop.width - 1, at[1] + crop.height - 1),
                 outline="black", width=2)
    font = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 22)
    draw.text((at[0] + 10, at[1] + crop.height + 18), "DETAIL A", fill="black", font=font)
    draw.text((at[0] + 10, at[1] + crop.height + 46), "SCALE 2 : 1", fill="black", font=font)
    sheet.save(out_path)
    return (at[0], at[1], crop.width, crop.height)


@pytest.mark.usefixtures("App")
def test_view_titled_detail_is_a_detail_view_and_the_part_is_unchanged(tmp_path):
    from benchmarks import cases
    from freecad.makistry_wb import engine
    from freecad.makistry_wb.options import JobOptions, read_image_file

    case = cases.build(cases._case("plate", "simple", 0, "clean"), tmp_path)
    plain = engine.analyse(JobOptions(images=[read_image_file(case.images[0])],
                                      prompt=case.prompt))
    detailed_png = tmp_path / "with_detail.png"
    pasted = _with_detail_view(case.images[0], plain.views, detailed_png)
    detailed = engine.analyse(JobOptions(images=[read_image_file(str(detailed_png))],
                                         prompt=case.prompt))
    roles = sorted(v.role for v in detailed.views if v.role != "pictorial")
    assert roles == ["detail", "front", "right", "top"]
    detail = next(v for v in detailed.views if v.role == "detail")
    assert abs(detail.box[0] - pasted[0]) < 10 and abs(detail.box[1] - pasted[1]) < 10
    assert any("'DETAIL A'" in w for w in detailed.warnings)
    assert not any("lines up with no other view" in w for w in detailed.warnings)
    assert detailed.scale.extents_mm == pytest.approx(plain.scale.extents_mm, rel=1e-3)
    assert [f.name for f in detailed.plan.features] == [f.name for f in plain.plan.features]
