# SPDX-License-Identifier: LGPL-2.1-or-later
"""Dimensions: sizes from the drawing's numbers, the prompt, or a stated default.

``read_dimensions(images, views)`` reads every call-out on the drawing (offline OCR, see
``ocr.py``), parses it (``grammar.py``), gives it the view it belongs to and links it to the
geometry it measures (``link.py``). ``solve_scale(views, dims)`` then says how many millimetres a
pixel is, from the values that agree, and lists those that do not.
"""

from __future__ import annotations

import math
import statistics
import threading
from typing import NamedTuple

import numpy as np

from .. import errors, plan
from ..imaging.load import LoadedImage
from . import grammar, link
from .ocr import TextBox

__all__ = ["read_dimensions", "solve_scale", "ScaleSolution", "read_text"]

# A value more than this far from the agreed scale is in conflict.
CONFLICT = 0.02


class ScaleSolution(NamedTuple):
    mm_per_px: dict[int, float]  # view index -> millimetres per pixel (same value on one sheet)
    source: str  # "dimensions", or "none" when no value could be linked
    used: list[plan.Dimension]
    unused: list[plan.Dimension]  # not linked, or linked but in conflict with the others


def read_text(image: LoadedImage) -> list[TextBox]:
    """Every text line on the image, read by the process-wide OCR engine.

    Ø glyphs of drawing fonts are found by shape and painted out before recognition (the
    models misread them, and the misreading spoils the digits next to them), then put back.
    """
    from . import ocr

    engine = ocr.engine()
    gray = image.gray
    boxes = engine.detect(image.rgb)
    clean = image.rgb.copy()
    glyphs_per_box: list[list[float]] = []
    for box in boxes:
        glyphs = _diameter_glyph(gray, box) if box[3] <= 1.3 * box[2] else []
        glyphs_per_box.append([g[0] for g in glyphs])
        for _centre, (gx, gy, gw, gh) in glyphs:
            clean[gy:gy + gh, gx:gx + gw] = 255
    texts = engine.read(clean, boxes)
    texts = [_reread_pieces(engine, clean, t) for t in texts]
    by_box = {tuple(b): g for b, g in zip(boxes, glyphs_per_box)}
    return [_insert_diameter_sign(t, by_box.get(tuple(t.box), [])) for t in texts]


def _reread_pieces(engine, rgb: np.ndarray, text: TextBox) -> TextBox:
    """Read a digits-only line again piece by piece when it has wide gaps: a symbol between
    numbers ("34 ↧ 4") is otherwise swallowed and the numbers run together ("344")."""
    import re

    if text.rotation != 0 or not re.fullmatch(r"[\d.,()]{3,8}", text.text) or sum(
            c.isdigit() for c in text.text) < 3:
        return text  # ("(38)" with its Ø painted out has a wide gap, but nothing swallowed)
    x, y, w, h = text.box
    crop = rgb[y:y + h, x:x + w]
    columns = (crop.min(axis=2) < 170).any(axis=0)
    runs, start = [], None
    for i, on in enumerate(list(columns) + [False]):
        if on and start is None:
            start = i
        elif not on and start is not None:
            runs.append([start, i])
            start = None
    pieces: list[list[int]] = []
    for run in runs:  # glue characters closer than a wide gap
        if pieces and run[0] - pieces[-1][1] < 0.2 * h:
            pieces[-1][1] = run[1]
        else:
            pieces.append(run)
    if len(pieces) < 3:
        return text
    pad = max(2, h // 10)
    crops = [np.ascontiguousarray(crop[:, max(0, a - pad):b + pad]) for a, b in pieces]
    readings = engine.recognise(crops)
    words = [t.strip() or "?" for t, _s in readings]
    joined = words[0]
    for (prev, piece), word in zip(zip(pieces, pieces[1:]), words[1:]):
        digits = joined[-1:].isdigit() and word[:1].isdigit()
        joined += ("" if digits and piece[0] - prev[1] < 0.45 * h else " ") + word
    return TextBox(joined, text.box, text.score, text.rotation)


def _diameter_glyph(gray: np.ndarray, box: tuple[int, int, int, int]
                    ) -> list[tuple[float, tuple[int, int, int, int]]]:
    """Image x of Ø glyphs (a ring crossed by a slash: two holes, about square) in or left of
    ``box``; OCR models trained on prose often drop the drawing font's Ø."""
    import cv2

    x, y, w, h = box
    x0 = max(0, int(x - 1.6 * h))
    y0 = max(0, int(y - 0.3 * h))
    crop = gray[y0:y + h + int(0.3 * h), x0:x + w]
    if crop.size == 0:
        return []
    ink = (crop < 170).astype(np.uint8)
    contours, hierarchy = cv2.findContours(ink, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    if hierarchy is None:
        return []
    found = []
    for index, contour in enumerate(contours):
        if hierarchy[0][index][3] != -1:
            continue
        cx, cy, cw, ch = cv2.boundingRect(contour)
        if not (0.55 * h <= ch <= 1.5 * h and 0.6 <= cw / max(ch, 1) <= 1.4):
            continue
        holes, child = [], hierarchy[0][index][2]
        while child != -1:
            if cv2.contourArea(contours[child]) > 0.01 * ch * ch:
                hx, _hy, hw, _hh = cv2.boundingRect(contours[child])
                holes.append(hx + hw / 2)
            child = hierarchy[0][child][0]
        # The slash splits the ring into two holes side by side; an 8 or a B has them stacked.
        if len(holes) == 2 and abs(holes[0] - holes[1]) > 0.25 * cw:
            found.append((x0 + cx + cw / 2, (x0 + cx, y0 + cy, cw, ch)))
    return found


def _insert_diameter_sign(text: TextBox, glyphs: list[float]) -> TextBox:
    if not glyphs or text.rotation != 0:
        return text
    x, _y, w, h = text.box
    chars = list(text.text)
    positions = list(text.char_x) if text.char_x and len(text.char_x) == len(chars) else [
        x + (i + 0.5) * w / max(len(chars), 1) for i in range(len(chars))]
    for glyph_x in sorted(glyphs, reverse=True):
        # Whatever the model made of the painted-out glyph (a space, a D, a stray 0) goes.
        keep = [i for i, px in enumerate(positions)
                if not (abs(px - glyph_x) < 0.35 * h and chars[i] in "DOQ0θ ?")]
        chars = [chars[i] for i in keep]
        positions = [positions[i] for i in keep]
        index = next((i for i, px in enumerate(positions) if px > glyph_x), len(chars))
        if 0 < index < len(chars) and chars[index - 1].isdigit() and chars[index].isdigit():
            index -= 1  # "1Ø3": the digit right of the glyph was placed a little early
        chars.insert(index, "Ø")
        positions.insert(index, glyph_x)
    return TextBox("".join(chars).strip(), text.box, text.score, text.rotation, positions)


def _group_callouts(texts: list[TextBox]) -> list[tuple[grammar.CallOut, TextBox]]:
    """Parse each line; a line under a call-out that only adds to it (counts, counterbore,
    words) joins it."""
    parsed: list[tuple[grammar.CallOut, TextBox]] = []
    consumed: set[int] = set()
    order = sorted(range(len(texts)), key=lambda i: (texts[i].box[1], texts[i].box[0]))
    for i in order:
        if i in consumed:
            continue
        call = grammar.parse_line(texts[i].text)
        if call is None:
            continue
        box = texts[i].box
        above = _label_above(texts, order, consumed | {i}, box)
        if call.kind in ("radius", "diameter") and above is not None:
            # "YELLOW FILLETS" over "R3": a note naming what the value is for.
            labelled = grammar.parse_line(f"{texts[above].text} {texts[i].text}")
            if labelled is not None and "NOTE" in labelled.flags:
                call = labelled
                consumed.add(above)
                top = texts[above].box
                x0, y0 = min(box[0], top[0]), top[1]
                x1 = max(box[0] + box[2], top[0] + top[2])
                box = (x0, y0, x1 - x0, box[1] + box[3] - y0)
        for _line in range(3):  # a call-out has at most three more lines under it
            below_index = _line_below(texts, order, consumed | {i}, box)
            if below_index is None or not grammar.parse_modifier_line(
                    call, texts[below_index].text):
                break
            consumed.add(below_index)
            below = texts[below_index].box
            x0, y0 = min(box[0], below[0]), min(box[1], below[1])
            x1 = max(box[0] + box[2], below[0] + below[2])
            y1 = max(box[1] + box[3], below[1] + below[3])
            box = (x0, y0, x1 - x0, y1 - y0)
        consumed.add(i)
        parsed.append((call, TextBox(call.text, box, texts[i].score, texts[i].rotation)))
    return parsed


def _drop_specks(calls: list[tuple[grammar.CallOut, TextBox]]
                 ) -> list[tuple[grammar.CallOut, TextBox]]:
    """Lone characters far smaller than the sheet's dimension text are arrowheads or ticks;
    unsure ones are a hole or a symbol taken for a digit (a shaded hole read as "9")."""
    if len(calls) < 3:
        return calls
    def height(text: TextBox) -> int:
        return text.box[3] if text.rotation == 0 else text.box[2]

    heights = sorted(height(t) for _c, t in calls)
    typical = heights[len(heights) // 2]
    return [(c, t) for c, t in calls
            if len(c.text.strip()) > 1 or (height(t) >= 0.6 * typical and t.score >= 0.7)]


def _label_above(texts: list[TextBox], order: list[int], taken: set[int],
                 box: tuple[int, int, int, int]) -> int | None:
    """A line of words only (no value) right over ``box``, starting where it starts."""
    for j in order:
        if j in taken or texts[j].rotation != 0 or any(c.isdigit() for c in texts[j].text):
            continue
        top = texts[j].box
        gap = box[1] - (top[1] + top[3])
        if -0.3 * box[3] <= gap <= 0.6 * box[3] and abs(top[0] - box[0]) <= box[3]:
            return j
    return None


def _line_below(texts: list[TextBox], order: list[int], taken: set[int],
                box: tuple[int, int, int, int]) -> int | None:
    """The text line right under ``box`` and overlapping it horizontally, if any."""
    line_height = min(box[3], 80)
    best, best_gap = None, math.inf
    for j in order:
        if j in taken or texts[j].rotation != 0:
            continue
        below = texts[j].box
        gap = below[1] - (box[1] + box[3])
        overlap = min(box[0] + box[2], below[0] + below[2]) - max(box[0], below[0])
        if -0.3 * line_height <= gap <= 0.9 * line_height and overlap > 0.2 * min(
                box[2], below[2]) and gap < best_gap:
            best, best_gap = j, gap
    return best


def _nearest_view(box: tuple[int, int, int, int], image_index: int,
                  views: list[plan.View]) -> int | None:
    from .text_marks import centre_gap

    best, best_distance = None, math.inf
    for index, view in enumerate(views):
        if view.image_index != image_index or view.role == "pictorial" or not view.primitives:
            continue
        distance = centre_gap(box, view.box)
        if distance < best_distance and distance < 0.8 * max(view.box[2:]) + 4 * box[3]:
            best, best_distance = index, distance
    return best


def read_dimensions(images: list[LoadedImage], views: list[plan.View],
                    cancel: threading.Event | None = None, prompt: str = "",
                    texts_read: list | None = None) -> list[plan.Dimension]:
    """Every dimension printed on the images, parsed and linked to the views' geometry.
    ``texts_read``, when given, receives every text line read as (image index, TextBox)."""
    from . import arrows

    dims: list[plan.Dimension] = []
    ink: dict[int, np.ndarray] = {}
    annotations: dict[int, arrows.Annotation] = {}
    image_of: list[int] = []
    for image_index, image in enumerate(images):
        if cancel is not None and cancel.is_set():
            raise errors.Cancelled()
        texts = read_text(image)
        if texts_read is not None:
            texts_read += [(image_index, text) for text in texts]
        ink[image_index] = image.gray < 200
        annotations[image_index] = arrows.analyse(image.gray, views, image_index,
                                                  [t.box for t in texts])
        calls = _drop_specks(_group_callouts(texts))
        units = (grammar.sheet_units([t.text for t in texts])
                 or _prompt_units(prompt)
                 or grammar.units_from_values([c for c, _t in calls]) or "mm")
        for call, text in calls:
            dims.append(plan.Dimension(
                value=call.value, unit=call.unit or (units if call.kind != "angle" else "deg"),
                kind=call.kind, text=call.text, tolerance=call.tolerance, count=call.count,
                flags=list(call.flags), view_index=_nearest_view(text.box, image_index, views),
                text_box=tuple(int(v) for v in text.box), confidence=round(text.score, 3)))
            image_of.append(image_index)
    if cancel is not None and cancel.is_set():
        raise errors.Cancelled()
    link.link(dims, views, ink, annotations, image_of)
    return dims


def _prompt_units(prompt: str) -> str | None:
    import re

    if re.search(r"\b(inch|inches|imperial)\b", prompt or "", re.I):
        return "in"
    if re.search(r"\b(mm|millimet(re|er)s?|metric)\b", prompt or "", re.I):
        return "mm"
    return None


def _pixels(dim: plan.Dimension, views: list[plan.View]) -> float | None:
    """The pixel length a linked dimension measures (recomputed from refs after JSON)."""
    pixels = getattr(dim, "pixels", None)
    if pixels:
        return pixels
    if dim.view_index is None or not dim.refs:
        return None
    prims = [views[dim.view_index].primitives[i] for i in dim.refs
             if i < len(views[dim.view_index].primitives)]
    if dim.kind in ("diameter", "radius") and len(prims) == 1 and hasattr(prims[0], "r"):
        return prims[0].r * (2 if dim.kind == "diameter" else 1)
    direction = getattr(dim, "direction", None)
    if direction is None or len(prims) < 2:
        return None
    values = []
    for prim in prims:
        if isinstance(prim, plan.Line):
            values += [prim.x0, prim.x1] if direction == "x" else [prim.y0, prim.y1]
    return (max(values) - min(values)) if values else None


def _agrees(ratio: float, centre: float, dim: plan.Dimension) -> bool:
    """Within 2 %, or within 3 pixels for short values."""
    pixels = dim.value * (25.4 if dim.unit == "in" else 1.0) / ratio
    return abs(ratio / centre - 1) <= max(CONFLICT, 3.0 / pixels)


def _ratio_of_sums(pairs: list[tuple[float, plan.Dimension]]) -> float:
    millimetres = sum(d.value * (25.4 if d.unit == "in" else 1.0) for _r, d in pairs)
    pixels = sum(d.value * (25.4 if d.unit == "in" else 1.0) / r for r, d in pairs)
    return millimetres / pixels


def solve_scale(views: list[plan.View], dims: list[plan.Dimension]) -> ScaleSolution:
    """Millimetres per pixel per view from the linked values; conflicting values set aside."""
    ratios: dict[int, list[tuple[float, plan.Dimension]]] = {}
    unused: list[plan.Dimension] = []
    angles: list[plan.Dimension] = []
    for dim in dims:
        if dim.kind == "angle":  # no size, so no scale: used when linked to a slope
            (angles if dim.refs else unused).append(dim)
            continue
        pixels = _pixels(dim, views)
        if not pixels:
            unused.append(dim)
            continue
        value = dim.value * (25.4 if dim.unit == "in" else 1.0)
        ratios.setdefault(dim.view_index, []).append((value / pixels, dim))
    everything = [r for values in ratios.values() for r, _d in values]
    if not everything:
        return ScaleSolution({}, "none", [], unused + angles)
    centre = statistics.median(everything)
    agreeing = [(r, d) for values in ratios.values() for r, d in values
                if _agrees(r, centre, d)]
    # One sheet, one scale: sum of millimetres over sum of pixels, so long values weigh most.
    sheet = _ratio_of_sums(agreeing) if agreeing else centre
    mm_per_px: dict[int, float] = {}
    used: list[plan.Dimension] = []
    for view_index, values in ratios.items():
        # Linking voted one scale for the sheet (detail views at their own scale are not
        # linked yet), so every view gets the sheet's scale.
        in_view = [(r, d) for r, d in values if _agrees(r, centre, d)]
        mm_per_px[view_index] = sheet
        used += [d for _r, d in in_view]
        unused += [d for _r, d in values if all(d is not u for _q, u in in_view)]
    for index in range(len(views)):
        mm_per_px.setdefault(index, sheet)
    return ScaleSolution(mm_per_px, "dimensions", used + angles, unused)
