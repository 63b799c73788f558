# SPDX-License-Identifier: LGPL-2.1-or-later
"""FreeCAD version differences (0.20 and 1.x), in one place."""

from __future__ import annotations

import FreeCAD as App


def version() -> tuple[int, int]:
    major, minor = App.Version()[:2]
    return int(major), int(minor)


def version_text() -> str:
    v = App.Version()
    return ".".join(x for x in v[:3] if x)


def set_attachment_support(obj, support) -> None:
    """0.20 calls it ``Support``; 1.x ``AttachmentSupport``."""
    if hasattr(obj, "AttachmentSupport"):
        obj.AttachmentSupport = support
    else:
        obj.Support = support


def set_symmetric(feature, value: bool) -> None:
    """Pad/Pocket "symmetric to plane": ``Midplane`` in 0.20 and 1.0."""
    for name in ("Midplane", "Symmetric"):
        if hasattr(feature, name):
            setattr(feature, name, value)
            return
    raise AttributeError(f"{feature.TypeId} has no symmetric-to-plane property")


def origin_plane(body, name: str):
    """The body's origin plane ``XY_Plane``/``XZ_Plane``/``YZ_Plane`` (names vary by version)."""
    for feature in body.Origin.OriginFeatures:
        role = getattr(feature, "Role", "")
        if role == name or feature.Name.startswith(name):
            return feature
    raise LookupError(f"{body.Label} has no origin plane {name}")
