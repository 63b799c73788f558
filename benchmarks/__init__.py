# SPDX-License-Identifier: LGPL-2.1-or-later
"""The project's ruler: parametric ground-truth parts, rendered drawings, scoring."""
