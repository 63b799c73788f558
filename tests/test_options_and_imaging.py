# SPDX-License-Identifier: LGPL-2.1-or-later
"""Input validation: every bad input has its own error code and a reason naming the file."""

import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

from freecad.makistry_wb import errors
from freecad.makistry_wb.imaging.load import load_image, sniff_format
from freecad.makistry_wb.options import (
    MAX_IMAGE_BYTES,
    ImageInput,
    JobOptions,
    parse_metadata_json,
    read_image_file,
)


def png_bytes(array: np.ndarray, **save) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=save.pop("format", "PNG"), **save)
    return buffer.getvalue()


def bomb_png(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` x ``height`` pixels."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b""))


WHITE = np.full((40, 60, 3), 255, np.uint8)


def test_image_count_rules():
    with pytest.raises(errors.MakistryError) as none:
        JobOptions().validate()
    assert none.value.code == errors.NO_IMAGE
    four = [ImageInput(f"v{i}.png", png_bytes(WHITE)) for i in range(4)]
    with pytest.raises(errors.MakistryError) as many:
        JobOptions(images=four).validate()
    assert many.value.code == errors.TOO_MANY_IMAGES
    assert "4 images" in many.value.message


def test_file_over_10_mb_is_refused(tmp_path):
    big = tmp_path / "huge.png"
    big.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * MAX_IMAGE_BYTES)
    with pytest.raises(errors.MakistryError) as exc:
        read_image_file(str(big))
    assert exc.value.code == errors.FILE_TOO_LARGE
    assert "huge.png" in exc.value.message and "10 MB" in exc.value.message


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(errors.MakistryError) as missing:
        read_image_file(str(tmp_path / "nope.png"))
    assert missing.value.code == errors.FILE_NOT_FOUND
    with pytest.raises(errors.MakistryError) as folder:
        read_image_file(str(tmp_path))
    assert folder.value.code == errors.UNREADABLE_FILE


def test_type_is_checked_by_content_not_name():
    with pytest.raises(errors.MakistryError) as exc:
        load_image(ImageInput("drawing.png", b"%PDF-1.7 not an image"))
    assert exc.value.code == errors.UNSUPPORTED_TYPE
    assert exc.value.source == "drawing.png"
    jpeg = png_bytes(WHITE, format="JPEG")
    assert sniff_format(jpeg) == "JPEG"
    assert load_image(ImageInput("named.png", jpeg)).format == "JPEG"


def test_decompression_bomb_refused_before_decoding():
    data = bomb_png(100_000, 100_000)
    assert len(data) < 200
    with pytest.raises(errors.MakistryError) as exc:
        load_image(ImageInput("bomb.png", data))
    assert exc.value.code == errors.DECOMPRESSION_BOMB
    assert "bomb.png" in exc.value.message and "million pixels" in exc.value.message
    with pytest.raises(errors.MakistryError) as under_pillow_limit:
        load_image(ImageInput("big.png", bomb_png(10_000, 9_000)))
    assert under_pillow_limit.value.code == errors.DECOMPRESSION_BOMB
    assert "10000 x 9000" in under_pillow_limit.value.message


def test_truncated_image_is_unreadable():
    data = png_bytes(np.random.default_rng(1).integers(0, 255, (200, 200, 3), dtype=np.uint8))
    with pytest.raises(errors.MakistryError) as exc:
        load_image(ImageInput("cut.png", data[: len(data) // 2]))
    assert exc.value.code == errors.UNREADABLE_FILE


def test_gif_first_frame_webp_and_transparency():
    frames = [Image.new("RGB", (32, 32), c) for c in ((0, 0, 0), (255, 255, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    gif = load_image(ImageInput("anim.gif", buffer.getvalue()))
    assert gif.format == "GIF" and gif.rgb.max() == 0  # the black first frame
    webp = load_image(ImageInput("a.webp", png_bytes(WHITE, format="WEBP", lossless=True)))
    assert webp.format == "WEBP" and webp.rgb.shape == (40, 60, 3)
    clear = np.zeros((32, 32, 4), np.uint8)  # fully transparent: reads as white paper
    assert load_image(ImageInput("t.png", png_bytes(clear))).rgb.min() == 255


def test_exif_orientation_is_applied():
    image = Image.new("RGB", (60, 20), (255, 255, 255))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes())
    loaded = load_image(ImageInput("phone.jpg", buffer.getvalue()))
    assert loaded.size == (20, 60)


def test_options_values_and_metadata():
    image = ImageInput("a.png", png_bytes(WHITE))
    for field, value in (("design_mode", "sculpture"), ("output_format", "OBJ")):
        options = JobOptions(images=[image])
        setattr(options, field, value)
        with pytest.raises(errors.MakistryError) as exc:
            options.validate()
        assert exc.value.code == errors.INVALID_OPTION and value in exc.value.message
    assert parse_metadata_json('{"order": 7}') == {"order": 7}
    assert parse_metadata_json("") == {}
    for bad in ("[1, 2]", "{broken"):
        with pytest.raises(errors.MakistryError) as exc:
            parse_metadata_json(bad)
        assert exc.value.code == errors.INVALID_OPTION
