# SPDX-License-Identifier: LGPL-2.1-or-later
"""Name the views: front, top, right... from projection alignment, the prompt or the user."""

from __future__ import annotations

import re
from dataclasses import dataclass

_ROLE_WORDS = (
    (r"\bfront\b", "front"),
    (r"\b(top|plan)\b", "top"),
    (r"\bright([- ]?(hand|side))?\b", "right"),
    (r"\bleft([- ]?(hand|side))?\b", "left"),
    (r"\bbottom\b", "bottom"),
    (r"\b(back|rear)\b", "back"),
    (r"\bside\b", "right"),
    (r"\b(isometric|iso|pictorial|perspective)\b", "pictorial"),
)


def prompt_roles(prompt: str) -> list[str]:
    """View roles named in the prompt, in the order they appear ("front view and right-side
    view" -> ["front", "right"]). A bare "side" means the right side."""
    text = prompt.lower()
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, role in _ROLE_WORDS:
        for match in re.finditer(pattern, text):
            span = match.span()
            if any(a <= span[0] < b for a, b in taken):
                continue  # "right-side" already counted as right
            taken.append(span)
            found.append((span[0], role))
    return [role for _, role in sorted(found)]


def prompt_projection(prompt: str) -> str | None:
    text = prompt.lower()
    if re.search(r"first[- ]angle|1st[- ]angle|iso[- ]e\b|european", text):
        return "first"
    if re.search(r"third[- ]angle|3rd[- ]angle|ansi|american", text):
        return "third"
    return None


@dataclass
class Placed:
    """A view candidate as the role solver sees it."""

    index: int
    box: tuple[int, int, int, int]
    is_section: bool = False
    role: str | None = None
    projection: str | None = None


def _interval_iou(a0: float, a1: float, b0: float, b1: float) -> float:
    inter = min(a1, b1) - max(a0, b0)
    union = max(a1, b1) - min(a0, b0)
    return inter / union if union > 0 and inter > 0 else 0.0


def _same_extent(a0: float, a1: float, b0: float, b1: float, tolerance: float,
                 slack_px: float = 4.0) -> bool:
    """Intervals that overlap by ``tolerance`` of their union, or whose ends both agree
    within a few pixels (thin views: a 2 px offset is a large share of 20 px)."""
    return (_interval_iou(a0, a1, b0, b1) >= tolerance
            or (abs(a0 - b0) <= slack_px and abs(a1 - b1) <= slack_px))


def same_column(a: tuple, b: tuple, tolerance: float = 0.9) -> bool:
    """Boxes that share a width (one above the other in projection)."""
    return _same_extent(a[0], a[0] + a[2], b[0], b[0] + b[2], tolerance)


def same_row(a: tuple, b: tuple, tolerance: float = 0.9) -> bool:
    """Boxes that share a height (side by side in projection)."""
    return _same_extent(a[1], a[1] + a[3], b[1], b[1] + b[3], tolerance)


def _neighbours(front: Placed, others: list[Placed]) -> dict[str, list[Placed]]:
    fx, fy, fw, fh = front.box
    near: dict[str, list[Placed]] = {"above": [], "below": [], "left": [], "right": []}
    for other in others:
        if other is front:
            continue
        ox, oy, ow, oh = other.box
        if same_column(front.box, other.box):
            near["above" if oy + oh / 2 < fy + fh / 2 else "below"].append(other)
        elif same_row(front.box, other.box):
            near["left" if ox + ow / 2 < fx + fw / 2 else "right"].append(other)
    for side in ("above", "below"):
        near[side].sort(key=lambda p: abs(p.box[1] - fy))
    for side in ("left", "right"):
        near[side].sort(key=lambda p: abs(p.box[0] - fx))
    return near


def _pick_front(views: list[Placed]) -> Placed:
    """The view aligned with the most others; ties go to the one showing the longest width."""
    def score(view: Placed) -> tuple:
        near = _neighbours(view, views)
        vertical = bool(near["above"] or near["below"])
        horizontal = bool(near["left"] or near["right"])
        return (vertical + horizontal, sum(len(v) for v in near.values()),
                # In a lone row the front is the widest; in a lone column the lower one.
                view.box[2] if horizontal and not vertical else view.box[1],
                view.box[2] * view.box[3])
    return max(views, key=score)


def assign_roles(views: list[Placed], projection_hint: str | None = None) -> str | None:
    """Set ``role`` and ``projection`` on aligned views of one image; returns the projection.

    Third angle: top above the front, right view to its right. First angle: top below, right
    view on the left. Views aligned with nothing are left with ``role`` None.
    """
    if not views:
        return None
    if len(views) == 1:
        views[0].role = "front"
        views[0].projection = projection_hint
        return projection_hint
    front = _pick_front(views)
    near = _neighbours(front, views)
    if near["above"] and not near["below"]:
        projection = "third"
    elif near["below"] and not near["above"]:
        projection = "first"
    elif near["right"] and not near["left"]:
        projection = projection_hint or "third"
    elif near["left"] and not near["right"]:
        projection = projection_hint or "third"
    else:
        projection = projection_hint or "third"
    if projection_hint and projection_hint != projection:
        projection = projection_hint
    third = projection == "third"
    front.role = "front"
    roles = {
        "above": "top" if third else "bottom",
        "below": "bottom" if third else "top",
        "right": "right" if third else "left",
        "left": "left" if third else "right",
    }
    # A single vertical neighbour is the top view whichever side it is on.
    if len(near["above"]) + len(near["below"]) == 1:
        roles["above"] = roles["below"] = "top"
    for side, role in roles.items():
        if near[side]:
            near[side][0].role = role
            if side in ("left", "right") and len(near[side]) > 1:
                near[side][1].role = "back"
    for view in views:
        if view.role:
            view.projection = projection
    return projection


def snap_boxes(views: list[Placed], tolerance_px: float = 4.0) -> None:
    """Make aligned views' shared extents exactly equal when they differ by a few pixels."""
    by_role = {v.role: v for v in views if v.role}
    pairs = (("front", "top", 2, 2), ("front", "bottom", 2, 2), ("front", "right", 3, 3),
             ("front", "left", 3, 3), ("top", "right", 3, 2), ("top", "left", 3, 2))
    for role_a, role_b, index_a, index_b in pairs:
        a, b = by_role.get(role_a), by_role.get(role_b)
        if a is None or b is None:
            continue
        size_a, size_b = a.box[index_a], b.box[index_b]
        if size_a == size_b or abs(size_a - size_b) > max(tolerance_px, 0.01 * size_a):
            continue
        size = int(round((size_a + size_b) / 2))
        a.box = _resize(a.box, index_a, size)
        b.box = _resize(b.box, index_b, size)


def _resize(box: tuple, index: int, size: int) -> tuple:
    x, y, w, h = box
    if index == 2:
        return (x + (w - size) // 2, y, size, h)
    return (x, y + (h - size) // 2, w, size)


def assign_by_sizes(views: list[Placed], tolerance: float = 0.05) -> bool:
    """Front, top and right for three views whose sizes agree as projections must (front width
    = top width, front height = right height, top height = right width) when their layout
    does not line up (hand sketches). Ties go to reading order: the first view read is the
    front. Returns False, changing nothing, when no assignment fits."""
    import itertools

    if len(views) != 3:
        return False

    def close(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance * max(a, b) + 2

    reading = sorted(views, key=lambda v: (round(v.box[1] / max(v.box[3], 1)), v.box[0]))
    for front, top, right in itertools.permutations(reading):
        if (close(front.box[2], top.box[2]) and close(front.box[3], right.box[3])
                and close(top.box[3], right.box[2])):
            front.role, top.role, right.role = "front", "top", "right"
            for view in views:
                view.projection = None
            return True
    return False
