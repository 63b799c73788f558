# SPDX-License-Identifier: LGPL-2.1-or-later
"""Paths of the workbench's icons (resources/ at the checkout's root)."""

import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__)))))


def icon_path(name: str) -> str:
    return os.path.join(ROOT, "resources", "icons", name)
