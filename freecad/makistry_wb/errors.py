# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors with a stable code, a reason a user can act on, and the input they concern."""

from __future__ import annotations

# Codes shared by the CLI, the report, the GUI and the HTTP API.
NO_IMAGE = "no_image"
TOO_MANY_IMAGES = "too_many_images"
FILE_NOT_FOUND = "file_not_found"
UNREADABLE_FILE = "unreadable_file"
UNSUPPORTED_TYPE = "unsupported_type"
FILE_TOO_LARGE = "file_too_large"
DECOMPRESSION_BOMB = "decompression_bomb"
IMAGE_PARSE_FAILED = "image_parse_failed"
INVALID_OPTION = "invalid_option"
MISSING_DEPENDENCY = "missing_dependency"
FREECAD_NOT_FOUND = "freecad_not_found"
BUILD_FAILED = "build_failed"
EXPORT_FAILED = "export_failed"
CANCELLED = "cancelled"
INTERNAL_ERROR = "internal_error"


class MakistryError(Exception):
    """A failure the user can understand: ``code`` for machines, ``message`` for people."""

    def __init__(self, code: str, message: str, *, source: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.source = source

    def to_dict(self) -> dict[str, str]:
        data = {"code": self.code, "message": self.message}
        if self.source:
            data["source"] = self.source
        return data

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class Cancelled(MakistryError):
    def __init__(self, message: str = "The job was cancelled."):
        super().__init__(CANCELLED, message)
