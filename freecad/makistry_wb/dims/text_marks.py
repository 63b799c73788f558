# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the printed text says about the views, once it is read.

A call-out written inside a view ("2X Ø11") puts the Ø's ring among the part's lines, where it
reads as a small hole. Once the dimensions are read, their text boxes say where the text is:
circles that sit inside one are removed from the views (and the dimensions' references to the
view's primitives follow the new numbering).

A view that lines up with no other and carries a title "DETAIL A" is a detail view (drawn at
its own scale); one titled "SECTION A-A" is a section."""

from __future__ import annotations

import math
import re

from ..plan import Circle, Dimension, View
from .link import _to_image

# A glyph's ring is about as tall as the text line; a real hole's circle may run through a
# text box only if it is much larger than the text.
GLYPH_SIZE_OF_TEXT_HEIGHT = 1.3
MARGIN_PX = 2.0


def _inside_text(view: View, circle: Circle, boxes: list) -> bool:
    cx, cy = _to_image(view, circle.cx, circle.cy)
    for x, y, w, h in boxes:
        height = min(w, h)  # text at a right angle has its line height across
        if (x - MARGIN_PX <= cx <= x + w + MARGIN_PX and y - MARGIN_PX <= cy <= y + h + MARGIN_PX
                and 2 * circle.r <= GLYPH_SIZE_OF_TEXT_HEIGHT * height):
            return True
    return False


def drop_text_circles(views: list[View], dimensions: list[Dimension]) -> int:
    """Remove from ``views`` the circles inside the text boxes of ``dimensions`` (the same
    image); returns how many were removed."""
    removed = 0
    single_image = len({v.image_index for v in views}) <= 1
    for view_index, view in enumerate(views):
        boxes = [d.text_box for d in dimensions if d.text_box is not None and (
            single_image or (d.view_index is not None and d.view_index < len(views)
                             and views[d.view_index].image_index == view.image_index))]
        if not boxes:
            continue
        glyphs = [isinstance(p, Circle) and _inside_text(view, p, boxes)
                  for p in view.primitives]
        if not any(glyphs):
            continue
        new_index, kept = {}, []
        for old, (prim, glyph) in enumerate(zip(view.primitives, glyphs)):
            if not glyph:
                new_index[old] = len(kept)
                kept.append(prim)
        dropped = {id(p) for p, glyph in zip(view.primitives, glyphs) if glyph}
        view.primitives = kept
        for profile in view.profiles:
            profile.loops = [profile.loops[0]] + [
                loop for loop in profile.loops[1:]
                if not (len(loop.primitives) == 1 and (
                    id(loop.primitives[0]) in dropped
                    or (isinstance(loop.primitives[0], Circle)
                        and _inside_text(view, loop.primitives[0], boxes))))
            ] if profile.loops else []
        for dim in dimensions:
            if dim.view_index == view_index:
                kept_refs = [new_index[r] for r in dim.refs if r in new_index]
                if dim.refs and not kept_refs and getattr(dim, "pixels", None):
                    dim.pixels = None  # it measured a glyph: no size for the scale
                dim.refs = kept_refs
        removed += sum(glyphs)
    return removed


_TITLES = (("detail", re.compile(r"\bDETAIL\s+[A-Z]{1,2}\b")),
           ("section", re.compile(r"\bSECTION\s*([A-Z])\s*-\s*\1\b")))
# A view's title sits under (or over) it, within this share of the view's larger side.
TITLE_REACH = 0.6


def centre_gap(box: tuple, view_box: tuple) -> float:
    """Distance from the centre of ``box`` to ``view_box`` (0 inside)."""
    cx, cy = box[0] + box[2] / 2, box[1] + box[3] / 2
    vx, vy, vw, vh = view_box
    return math.hypot(max(vx - cx, 0, cx - vx - vw), max(vy - cy, 0, cy - vy - vh))


def label_views_from_titles(views: list[View], texts: list) -> list[str]:
    """Views without a role whose title names them a detail or a section get that role.
    ``texts``: (image index, text box) pairs as dims.read_dimensions gives them. Returns a
    line for the report per view named."""
    said = []
    for view in views:
        if view.role != "unknown":
            continue
        reach = TITLE_REACH * max(view.box[2], view.box[3])
        titles = [(centre_gap(text.box, view.box), role, match.group(0))
                  for index, text in texts if index == view.image_index
                  for role, pattern in _TITLES
                  for match in [pattern.search(text.text.upper())] if match]
        titles = [t for t in titles if t[0] <= reach]
        if not titles:
            continue
        _, role, title = min(titles)
        view.role, view.confidence = role, 0.8
        said.append(f"The view at {tuple(view.box)} is titled {title!r}: read as a {role} view "
                    "and set aside (it is not one of the orthographic views the part is built "
                    "from).")
    return said
