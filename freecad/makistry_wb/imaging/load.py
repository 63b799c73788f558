# SPDX-License-Identifier: LGPL-2.1-or-later
"""Decode an uploaded image safely: type checked by content, size and pixel count bounded."""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np

from .. import errors
from ..options import ImageInput

# A drawing at 600 dpi on A0 is about 20k x 14k pixels; anything far beyond is hostile.
MAX_PIXELS = 80_000_000

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)


@dataclass
class LoadedImage:
    name: str
    format: str  # PNG, JPEG, WEBP or GIF
    rgb: np.ndarray  # H x W x 3, uint8
    role: str = "auto"

    @property
    def gray(self) -> np.ndarray:
        return (self.rgb @ np.array([0.299, 0.587, 0.114])).astype(np.uint8)

    @property
    def size(self) -> tuple[int, int]:
        return self.rgb.shape[1], self.rgb.shape[0]


def sniff_format(data: bytes) -> str | None:
    """The image type from its first bytes, or None for anything we do not accept."""
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _bomb(name: str, detail: str) -> errors.MakistryError:
    return errors.MakistryError(
        errors.DECOMPRESSION_BOMB,
        f"{name} was refused before decoding: {detail}; the limit is {MAX_PIXELS / 1e6:.0f} "
        "million pixels. Scale the image down before uploading.", source=name)


def load_image(image: ImageInput) -> LoadedImage:
    """Decode ``image`` to RGB, refusing wrong types and decompression bombs before decoding."""
    from PIL import Image, ImageOps

    fmt = sniff_format(image.data)
    if fmt is None:
        raise errors.MakistryError(
            errors.UNSUPPORTED_TYPE,
            f"{image.name} is not a PNG, JPEG, WebP or GIF image (its content says otherwise, "
            "whatever its name). Export the drawing as PNG or JPEG.", source=image.name)
    try:
        with Image.open(io.BytesIO(image.data)) as probe:
            width, height = probe.size  # header only: nothing decoded yet
    except Image.DecompressionBombError as exc:
        raise _bomb(image.name, str(exc)) from exc
    except Exception as exc:  # Pillow raises many types for corrupt headers
        raise errors.MakistryError(
            errors.UNREADABLE_FILE,
            f"{image.name} looks like {fmt} but its header is damaged ({exc}). "
            "Open it in an image viewer and save it again.", source=image.name) from exc
    if width * height > MAX_PIXELS:
        raise _bomb(image.name, f"it declares {width} x {height} pixels")
    try:
        with Image.open(io.BytesIO(image.data)) as pil:
            pil.seek(0)  # first frame of an animated GIF
            pil = ImageOps.exif_transpose(pil) if fmt in ("JPEG", "WEBP") else pil
            if pil.mode in ("RGBA", "LA", "PA") or (pil.mode == "P" and "transparency" in pil.info):
                rgba = pil.convert("RGBA")
                background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                pil = Image.alpha_composite(background, rgba)
            rgb = np.asarray(pil.convert("RGB"), dtype=np.uint8).copy()
    except Image.DecompressionBombError as exc:
        raise _bomb(image.name, str(exc)) from exc
    except Exception as exc:
        raise errors.MakistryError(
            errors.UNREADABLE_FILE,
            f"{image.name} cannot be decoded as {fmt} ({exc}). The file may be truncated; "
            "save it again.", source=image.name) from exc
    if rgb.shape[0] < 16 or rgb.shape[1] < 16:
        raise errors.MakistryError(
            errors.IMAGE_PARSE_FAILED,
            f"{image.name} is only {rgb.shape[1]} x {rgb.shape[0]} pixels; nothing can be read "
            "from it. Use an image at least 300 pixels across.", source=image.name)
    return LoadedImage(name=image.name, format=fmt, rgb=rgb, role=image.role)
