# SPDX-License-Identifier: LGPL-2.1-or-later
"""Labelled views -> PartPlan (pure data; FreeCAD builds it in cad/)."""

from .hull import ScaleInfo, plan_from_views  # noqa: F401
