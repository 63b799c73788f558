# SPDX-License-Identifier: LGPL-2.1-or-later
"""The OCR engine on text drawn at each right angle (DejaVu Sans, as the benchmark draws it)."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from freecad.makistry_wb.dims import grammar, ocr

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _sheet(texts):
    """A white sheet with each (text, angle, x, y) pasted as rendered, turned by angle."""
    if not FONT.is_file():
        pytest.skip(f"{FONT} is absent (Debian package fonts-dejavu-core)")
    font = ImageFont.truetype(str(FONT), 30)
    sheet = Image.new("RGB", (900, 700), "white")
    for text, angle, x, y in texts:
        left, top, right, bottom = font.getbbox(text)
        tile = Image.new("RGB", (right - left + 16, bottom - top + 16), "white")
        ImageDraw.Draw(tile).text((8 - left, 8 - top), text, font=font, fill="black")
        sheet.paste(tile.rotate(angle, expand=True, fillcolor="white"), (x, y))
    return np.asarray(sheet)


def test_values_at_the_four_right_angles():
    rgb = _sheet([("125", 0, 80, 60), ("4X Ø8.5 THRU", 0, 400, 60),
                  ("47.5", 90, 80, 300), ("R12", 270, 300, 300), ("2X 30", 180, 500, 450)])
    texts = ocr.engine().read(rgb)
    parsed = {(c.value, c.kind, c.count) for c in
              (grammar.parse_line(t.text) for t in texts) if c is not None}
    assert (125, "linear", 1) in parsed
    assert (8.5, "diameter", 4) in parsed
    assert (47.5, "linear", 1) in parsed
    assert (12, "radius", 1) in parsed
    assert (30, "linear", 2) in parsed
    turned = {t.text: t.rotation for t in texts}
    assert turned.get("47.5") == 90 or turned.get("47.5") == 270
    assert turned.get("R12") in (90, 270)


def test_missing_models_say_how_to_install(monkeypatch):
    import importlib.util

    from freecad.makistry_wb import errors

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == ocr.MODEL_PACKAGE
                        else real_find_spec(name, *a))
    with pytest.raises(ImportError) as caught:
        ocr.OcrEngine()
    assert caught.value.code == errors.MISSING_DEPENDENCY
    assert "pip install" in caught.value.message and "rapidocr" in caught.value.message


def _read(texts, prompt=""):
    from freecad.makistry_wb.dims import read_dimensions
    from freecad.makistry_wb.imaging.load import LoadedImage

    image = LoadedImage("sheet.png", "PNG", np.ascontiguousarray(_sheet(texts)))
    return {d.text: d.unit for d in read_dimensions([image], [], prompt=prompt)}


def test_units_from_the_title_block_the_prompt_or_the_values():
    # The title block says IPS: whole numbers are inches too.
    assert _read([("UNIT SYSTEM: IPS", 0, 80, 600), ("4", 0, 100, 100),
                  ("R2", 0, 400, 100)]) == {"4": "in", "R2": "in"}
    # MMGS wins over a prompt that mentions inches.
    assert set(_read([("UNIT SYSTEM: MMGS", 0, 80, 600), ("125", 0, 100, 100)],
                     prompt="about 5 inches long").values()) == {"mm"}
    # No title block: the prompt, then the values themselves (inch values carry decimals).
    assert set(_read([("125", 0, 100, 100), ("40", 0, 400, 100)],
                     prompt="a bracket, dimensions in inches").values()) == {"in"}
    assert set(_read([("1.250", 0, 100, 100), (".375", 0, 400, 100),
                      ("2.125", 0, 100, 300)]).values()) == {"in"}
    assert set(_read([("125", 0, 100, 100), ("40", 0, 400, 100)]).values()) == {"mm"}


def test_a_diameter_sign_goes_before_the_digits_it_belongs_to():
    from freecad.makistry_wb.dims import _insert_diameter_sign

    # The counterbore line "⌴Ø13 ↧4" with its Ø painted out: the recogniser put the "1" just
    # left of where the glyph was.
    text = ocr.TextBox("13 工4", (0, 0, 200, 40), 1.0, 0, [36, 58, 80, 100, 130])
    assert _insert_diameter_sign(text, [40.0]).text == "Ø13 工4"
    ring = ocr.TextBox("(38)", (0, 0, 120, 60), 1.0, 0, [10, 60, 80, 100])
    assert _insert_diameter_sign(ring, [35.0]).text == "(Ø38)"


def test_an_unsure_character_at_the_end_of_a_sure_reading_is_dropped():
    """"12" read with the arrowheads beside it as a trailing "4" the model is unsure of (as the
    recogniser read a crop of plate-simple-1-dims of the benchmark: 1.0, 0.99, 0.42)."""
    engine = ocr.engine()

    def decode(steps):
        probs = np.zeros((2 * len(steps), len(engine.characters)), np.float32)
        probs[:, 0] = 1.0  # blanks between the characters
        for k, (char, score) in enumerate(steps):
            probs[2 * k, 0] = 0.0
            probs[2 * k, engine.characters.index(char)] = score
            for other in "79":  # the rest of the belief on two other digits
                probs[2 * k, engine.characters.index(other)] = (1.0 - score) / 2
        return engine._decode(probs)[0]

    assert decode([("1", 1.0), ("2", 0.99), ("4", 0.42)]) == "12"
    assert decode([("1", 1.0), ("2", 0.99), ("4", 0.8)]) == "124"  # sure enough: kept
    assert decode([("5", 0.45)]) == "5"  # a lone unsure digit is left to the caller
