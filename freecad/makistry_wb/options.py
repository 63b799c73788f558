# SPDX-License-Identifier: LGPL-2.1-or-later
"""Job options shared by the GUI, the CLI and the server, and their validation."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from . import errors

MAX_IMAGES = 3
MAX_IMAGE_BYTES = 10 * 1024 * 1024
DESIGN_MODES = ("standard", "assembly")
OUTPUT_FORMATS = ("STEP", "STL", "GLB", "3MF")
VIEW_ROLE_HINTS = ("auto", "front", "top", "right", "left", "bottom", "back", "isometric")

# File suffixes the CLI accepts for -o, and the API format each one means.
SUFFIX_FORMATS = {
    ".step": "STEP", ".stp": "STEP", ".stl": "STL", ".glb": "GLB", ".3mf": "3MF",
    ".fcstd": "FCStd",
}


@dataclass
class ImageInput:
    """One input image: raw bytes and the name it came with (a path or an upload name)."""

    name: str
    data: bytes
    role: str = "auto"


@dataclass
class JobOptions:
    images: list[ImageInput] = field(default_factory=list)
    prompt: str = ""
    design_mode: str = "standard"
    output_format: str = "STEP"
    metadata: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        """Raise MakistryError on the first rule the options break."""
        check_image_count(len(self.images))
        for image in self.images:
            check_image_size(image)
            if image.role not in VIEW_ROLE_HINTS:
                raise errors.MakistryError(
                    errors.INVALID_OPTION,
                    f"View role {image.role!r} for {image.name} is not one of "
                    f"{', '.join(VIEW_ROLE_HINTS)}.", source=image.name)
        if self.design_mode not in DESIGN_MODES:
            raise errors.MakistryError(
                errors.INVALID_OPTION,
                f"design_mode {self.design_mode!r} is not one of {', '.join(DESIGN_MODES)}.")
        if self.output_format not in OUTPUT_FORMATS:
            raise errors.MakistryError(
                errors.INVALID_OPTION,
                f"output_format {self.output_format!r} is not one of "
                f"{', '.join(OUTPUT_FORMATS)}.")
        if not isinstance(self.metadata, dict):
            raise errors.MakistryError(
                errors.INVALID_OPTION, "metadata must be a JSON object.")


def check_image_size(image: ImageInput) -> None:
    """At most MAX_IMAGE_BYTES, or the error that names the file and the limit."""
    import os

    if len(image.data) > MAX_IMAGE_BYTES:
        raise errors.MakistryError(
            errors.FILE_TOO_LARGE,
            f"{os.path.basename(image.name)} is {len(image.data) / 1e6:.1f} MB; the limit is "
            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB. Save it smaller (PNG or JPEG).",
            source=image.name)


def check_image_count(count: int) -> None:
    """1 to MAX_IMAGES images, or the error that says which rule was broken."""
    if count == 0:
        raise errors.MakistryError(
            errors.NO_IMAGE, "No image was given: pass 1 to 3 images of the part.")
    if count > MAX_IMAGES:
        raise errors.MakistryError(
            errors.TOO_MANY_IMAGES,
            f"{count} images were given; at most {MAX_IMAGES} are accepted. "
            "Pass the orthographic views only (for example front, top and right).")


def parse_metadata_json(text: str | None) -> dict[str, Any]:
    """Decode ``metadata_json``; anything but a JSON object is an invalid option."""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise errors.MakistryError(
            errors.INVALID_OPTION, f"metadata_json is not valid JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise errors.MakistryError(
            errors.INVALID_OPTION, "metadata_json must encode a JSON object, e.g. {\"id\": 1}.")
    return value


def read_image_file(path: str, role: str = "auto") -> ImageInput:
    """Read an image file from disk without decoding it (decoding is the imaging layer's)."""
    import os

    if not os.path.exists(path):
        raise errors.MakistryError(
            errors.FILE_NOT_FOUND, f"{path} does not exist. Check the path.", source=path)
    if os.path.isdir(path):
        raise errors.MakistryError(
            errors.UNREADABLE_FILE, f"{path} is a folder, not an image file.", source=path)
    size = os.path.getsize(path)
    if size > MAX_IMAGE_BYTES:
        raise errors.MakistryError(
            errors.FILE_TOO_LARGE,
            f"{path} is {size / 1e6:.1f} MB; the limit is {MAX_IMAGE_BYTES // (1024 * 1024)} MB. "
            "Save it smaller (PNG or JPEG).", source=path)
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise errors.MakistryError(
            errors.UNREADABLE_FILE, f"{path} cannot be read: {exc.strerror}.",
            source=path) from exc
    return ImageInput(name=path, data=data, role=role)
