# SPDX-License-Identifier: LGPL-2.1-or-later
"""Dimensions: sizes from the drawing's numbers, the prompt, or a stated default."""
