# SPDX-License-Identifier: LGPL-2.1-or-later
"""``python3 -m freecad.makistry_wb.api.server``: the same as ``... makistry_wb serve``."""

import sys

from ... import runtime

runtime.add_dependency_paths()

from .cli import main  # noqa: E402

sys.exit(main())
