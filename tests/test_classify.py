# SPDX-License-Identifier: LGPL-2.1-or-later
"""Drawing, sketch or photo: on the real samples, on the benchmark's photo renders, and on line
work drawn here straight, turned a little, or wobbling like a hand."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
import pytest

from freecad.makistry_wb.imaging.classify import classify_image, kind_from_prompt
from freecad.makistry_wb.imaging.load import LoadedImage, load_image
from freecad.makistry_wb.options import ImageInput


def _from_gray(canvas: np.ndarray, name: str) -> LoadedImage:
    return LoadedImage(name=name, format="PNG", rgb=np.repeat(canvas[:, :, None], 3, axis=2))


def _views(points_per_edge: int, wobble: float, turn_deg: float, seed: int = 0) -> np.ndarray:
    """Three rectangles with a hole each, like views on a sheet; strokes displaced by a smooth
    random wobble (a hand) and the sheet turned by ``turn_deg`` (a skewed scan)."""
    rng = np.random.default_rng(seed)
    canvas = np.full((800, 1100), 255, np.uint8)
    centre = np.array([550.0, 400.0])
    turn = np.radians(turn_deg)
    rot = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    for x0, y0, w, h in ((80, 80, 420, 220), (600, 80, 420, 220), (600, 420, 220, 300)):
        corners = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h)]
        for (ax, ay), (bx, by) in zip(corners, corners[1:] + corners[:1]):
            t = np.linspace(0, 1, points_per_edge)
            pts = np.stack([ax + (bx - ax) * t, ay + (by - ay) * t], axis=1)
            normal = np.array([-(by - ay), bx - ax], float)
            normal /= np.linalg.norm(normal)
            phase, freq = rng.uniform(0, 6.3), rng.uniform(1.0, 2.5)
            offset = wobble * (np.sin(2 * np.pi * freq * t + phase) + 0.5 * rng.normal(0, 0.3))
            pts = pts + offset[:, None] * normal
            pts = (pts - centre) @ rot.T + centre
            cv2.polylines(canvas, [np.round(pts).astype(np.int32).reshape(-1, 1, 2)], False, 0, 2,
                          cv2.LINE_AA)
        hole = (np.array([x0 + w / 2, y0 + h / 2]) - centre) @ rot.T + centre
        cv2.circle(canvas, tuple(int(v) for v in hole), 25, 0, 2, cv2.LINE_AA)
    return canvas


def test_straight_line_work_is_a_drawing():
    assert classify_image(_from_gray(_views(50, 0.0, 0.0), "cad.png")) == "drawing"


def test_a_drawing_scanned_slightly_turned_is_still_a_drawing():
    assert classify_image(_from_gray(_views(50, 0.0, 2.2), "scan.png")) == "drawing"


def test_wobbly_strokes_are_a_sketch():
    for seed in range(3):
        image = _from_gray(_views(50, 3.0, 0.0, seed), f"hand{seed}.png")
        assert classify_image(image) == "sketch"


def test_prompt_and_role_override_the_pixels():
    drawing = _from_gray(_views(50, 0.0, 0.0), "cad.png")
    assert classify_image(drawing, "a hand sketch of a bracket") == "sketch"
    assert classify_image(drawing, "photo of the part") == "photo"
    drawing.role = "photo"
    assert classify_image(drawing) == "photo"
    assert kind_from_prompt("hand drawing of a bracket") == "sketch"
    assert kind_from_prompt("front view and right-side view of the same bracket") is None


def test_shaded_render_on_light_background_is_a_photo(App):
    from benchmarks import parts, variants

    part = parts.make_part("l_bracket", "simple", 0)
    for direction in ("front", "iso"):
        img = variants.shaded(part.shape, direction, random.Random(direction))
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=88)
        loaded = load_image(ImageInput(f"{direction}.jpg", buf.getvalue()))
        assert classify_image(loaded) == "photo"


@pytest.mark.parametrize("name, kind", [
    ("ttt-ppp0101.png", "drawing"), ("ttt-ppp0104.png", "drawing"), ("ttt-ppp0107.png", "drawing"),
    ("ttt-ppp0108.png", "drawing"), ("ttt-ppp0110.png", "drawing"),
    ("bracket_hand_drawing.jpg", "sketch"),
])
def test_real_samples(samples_dir, name, kind):
    path = samples_dir / name
    loaded = load_image(ImageInput(name, path.read_bytes()))
    assert classify_image(loaded) == kind
