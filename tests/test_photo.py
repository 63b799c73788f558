# SPDX-License-Identifier: LGPL-2.1-or-later
"""The photo path on shaded renders of real solids (the benchmark's photo-like images): outline
areas, holes, three orthographic photos built into a body, angled photos, bad photos refused."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest
from PIL import Image

from freecad.makistry_wb import errors, plan
from freecad.makistry_wb.imaging.load import load_image
from freecad.makistry_wb.options import ImageInput


@pytest.fixture(scope="module")
def bench(App):
    from benchmarks import parts, variants

    return parts, variants


def _loaded(img: Image.Image, name: str, role: str = "auto"):
    buf = io.BytesIO()
    img.convert("RGB").save(buf, "JPEG", quality=90)
    return load_image(ImageInput(name, buf.getvalue(), role))


def _photo(bench, shape, direction: str, name: str, role: str = "auto"):
    _, variants = bench
    return _loaded(variants.shaded(shape, direction, random.Random(name)), name, role)


def _true_silhouette_px(bench, shape, direction: str) -> float:
    """The exact silhouette's area in photo pixels, rasterised 4x finer with the same framing."""
    _, variants = bench
    black = variants.shaded(shape, direction, random.Random(0), size=(3600, 2800),
                            tint=(0, 0, 0))
    return float((np.asarray(black.convert("L")) < 120).sum()) / 16.0


def _net_area(view) -> float:
    from freecad.makistry_wb.photo.outline import loop_area

    loops = view.profiles[0].loops
    return loop_area(loops[0]) - sum(loop_area(loop) for loop in loops[1:])


def test_single_photo_outline_area_and_holes(bench):
    from freecad.makistry_wb.photo import understand_photos

    parts, _ = bench
    part = parts.make_part("plate", "medium", 0)
    photo = _photo(bench, part.shape, "top", "plate_top.jpg")
    result = understand_photos([photo], "top photo of a plate, 6 mm plate")
    assert [v.role for v in result.views] == ["top"]
    view = result.views[0]
    truth = _true_silhouette_px(bench, part.shape, "top")
    assert _net_area(view) == pytest.approx(truth, rel=0.02)
    inner = view.profiles[0].loops[1:]
    round_holes = [loop for loop in inner if isinstance(loop.primitives[0], plan.Circle)]
    assert len(round_holes) == part.holes
    # The plate's slot is seen through too: one more loop, of lines and arcs.
    assert len(inner) == part.holes + 1
    # A straight-on photo is not taken for an angled one.
    assert not any("angle" in w for w in result.warnings)


def test_three_orthographic_photos_build_the_part(bench, doc):
    from freecad.makistry_wb.cad.build import build_body
    from freecad.makistry_wb.photo import understand_photos
    from freecad.makistry_wb.reconstruct import plan_from_views

    parts, _ = bench
    part = parts.make_part("u_bracket", "simple", 1)
    photos = [_photo(bench, part.shape, role, f"{role}.jpg") for role in ("front", "top", "right")]
    prompt = "front, top and right-side photos of the same part, 120 mm long"
    result = understand_photos(photos, prompt)
    assert [v.role for v in result.views] == ["front", "top", "right"]
    # Each render is framed to its own size: the views were brought to one scale.
    assert any("different scales" in w for w in result.warnings)
    plan, scale = plan_from_views(result.views, prompt, name="Bracket")
    assert scale.source == "prompt"
    body = build_body(plan, doc)
    doc.recompute()
    solid = body.Shape
    truth = part.shape
    for got, want in zip((solid.BoundBox.XLength, solid.BoundBox.YLength,
                          solid.BoundBox.ZLength),
                         (truth.BoundBox.XLength, truth.BoundBox.YLength,
                          truth.BoundBox.ZLength)):
        assert got == pytest.approx(want, rel=0.02)
    moved = solid.copy()
    moved.translate(truth.BoundBox.Center - solid.BoundBox.Center)
    common = truth.common(moved).Volume
    iou = common / (truth.Volume + moved.Volume - common)
    assert iou > 0.9


def test_angled_photo_is_used_with_a_warning(bench):
    from freecad.makistry_wb.photo import understand_photos

    parts, _ = bench
    part = parts.make_part("u_bracket", "simple", 0)
    result = understand_photos([_photo(bench, part.shape, "iso", "iso.jpg")], "photo, 6 mm")
    assert [v.role for v in result.views] == ["front"]
    assert any("taken at an angle" in w for w in result.warnings)
    assert result.views[0].confidence < 0.5


def test_the_users_role_wins(bench):
    from freecad.makistry_wb.photo import understand_photos

    parts, _ = bench
    part = parts.make_part("l_bracket", "simple", 0)
    right = _photo(bench, part.shape, "right", "side.jpg", role="right")
    front = _photo(bench, part.shape, "front", "face.jpg")
    result = understand_photos([right, front], "")
    assert [v.role for v in result.views] == ["right", "front"]


@pytest.fixture(scope="module")
def good_photo(bench):
    parts, variants = bench
    part = parts.make_part("plate", "simple", 0)
    return variants.shaded(part.shape, "top", random.Random(3))


def _refusal(image: Image.Image, name: str) -> str:
    from freecad.makistry_wb.photo import understand_photos

    with pytest.raises(errors.MakistryError) as caught:
        understand_photos([_loaded(image, name)])
    assert caught.value.code == errors.IMAGE_PARSE_FAILED
    assert caught.value.message.startswith(name + ":")
    return caught.value.message


def test_blurred_photo_is_refused(good_photo):
    blurred = good_photo.filter(__import__("PIL.ImageFilter").ImageFilter.GaussianBlur(6))
    assert "blurred" in _refusal(blurred, "blurred.jpg")


def test_low_contrast_photo_is_refused(good_photo):
    arr = np.asarray(good_photo, dtype=np.float32)
    faded = 215 + (arr - 215) * 0.2
    message = _refusal(Image.fromarray(faded.clip(0, 255).astype(np.uint8)), "faded.jpg")
    assert "contrast" in message


def test_cluttered_photo_is_refused(good_photo):
    arr = np.asarray(good_photo).copy()
    rng = np.random.default_rng(5)
    for _ in range(12):  # tools, papers and cups around the part
        x, y = int(rng.integers(20, 800)), int(rng.integers(20, 600))
        colour = tuple(int(c) for c in rng.integers(0, 200, 3))
        size = rng.integers(30, 80, 2)
        cv2.rectangle(arr, (x, y), (x + int(size[0]), y + int(size[1])), colour, -1)
    message = _refusal(Image.fromarray(arr), "clutter.jpg")
    assert "objects" in message or "not plain" in message or "edge" in message


def test_hand_in_the_photo_is_refused(good_photo):
    arr = np.asarray(good_photo).copy()
    cv2.ellipse(arr, (450, 350), (170, 110), 20, 0, 360, (224, 172, 140), -1)  # skin tone
    assert "hand" in _refusal(Image.fromarray(arr), "hand.jpg")


def test_free_form_object_is_refused():
    height, width = 700, 900
    yy, xx = np.mgrid[0:height, 0:width]
    arr = np.dstack([np.full((height, width), v, np.uint8) for v in (236, 236, 236)])
    angle = np.arctan2(yy - 350, xx - 450)
    radius = 200 + 35 * np.sin(7 * angle) + 20 * np.sin(13 * angle + 1.0)
    blob = np.hypot(xx - 450, yy - 350) < radius
    arr[blob] = (120, 130, 140)
    message = _refusal(Image.fromarray(arr), "pebble.jpg")
    assert "free-form" in message


def test_blank_photo_is_refused():
    arr = np.full((600, 800, 3), 235, np.uint8)
    arr = (arr + np.random.default_rng(1).normal(0, 3, arr.shape)).clip(0, 255).astype(np.uint8)
    message = _refusal(Image.fromarray(arr), "empty.jpg")
    assert "contrast" in message or "no part" in message


def test_separate_components_are_separate_profiles(bench, App):
    """Two parts side by side (assembly mode): the largest is profile 0, the other follows."""
    import Part

    from freecad.makistry_wb.photo import understand_photos

    big = Part.makeBox(80, 20, 40)
    small = Part.makeBox(30, 20, 25, App.Vector(110, 0, 0))
    pair = Part.Compound([big, small])  # Part.makeCompound segfaults in trixie's FreeCAD 1.0
    result = understand_photos([_photo(bench, pair, "front", "pair.jpg")], "front photo")
    view = result.views[0]
    assert len(view.profiles) == 2
    widths = []
    for profile in view.profiles:
        xs = [x for p in profile.loops[0].primitives if isinstance(p, plan.Line)
              for x in (p.x0, p.x1)]
        widths.append(max(xs) - min(xs))
    # Same scale in one photo: the widths keep the parts' 80 : 30 ratio.
    assert widths[0] / widths[1] == pytest.approx(80 / 30, rel=0.02)
    assert any("separate objects" in w for w in result.warnings)


def test_cancel_stops_before_reading(good_photo):
    import threading

    from freecad.makistry_wb.photo import understand_photos

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(errors.Cancelled):
        understand_photos([_loaded(good_photo, "p.jpg")], cancel=cancel)
