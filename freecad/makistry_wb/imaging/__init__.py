# SPDX-License-Identifier: LGPL-2.1-or-later
"""Decode and validate input images; classify them as drawing, sketch or photo."""
