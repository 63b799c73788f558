# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sizes read off a drawing's pixels, made exact.

Along each model axis, the coordinates the views' outlines stop at (levels, in mm from the
part's low side) are moved to what the drawing means: a printed value that measures the span
from an exact level makes the other end exact; a level no value reaches is rounded to the grid
a designer works on (whole or half millimetres) when the drawing is fine enough that a pixel is
well under half that grid. Everything between levels moves with its neighbours (piecewise
linear), so the outline keeps its shape and the views keep agreeing.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

# The grids sizes are rounded to, finest first, and how many pixels a reading is good to: a
# grid is used only when that error stays under half of it.
GRIDS_MM = (0.5, 1.0)
READING_PX = 1.0  # how far (pixels) a reading may be off: a line's centre, a box's edge
# Two levels this close (in pixels) are one.
SAME_LEVEL_PX = 1.5
# Levels this close (pixels) to a side of the view are that side.
SIDE_PX = 3.0
# A printed value is taken for a span it is linked to only when they agree this well.
SPAN_AGREEMENT = 0.05
SPAN_SLACK_PX = 3.0


@dataclass
class Span:
    """A printed linear value between two positions along a model axis (raw mm)."""

    low: float
    high: float
    value: float


def grid_for(mm_per_px: float) -> float | None:
    """The finest grid a pixel reading can be rounded to without rounding the wrong way."""
    error = READING_PX * mm_per_px
    return next((grid for grid in GRIDS_MM if error < grid / 2), None)


class AxisLevels:
    """Raw mm (from the low side) -> exact mm, for one model axis. With ``centre_diameters``
    (across a turned part's axis) levels round as diameters about the middle, on ``grid``."""

    def __init__(self, levels: list[float], extent_raw: float, extent: float,
                 mm_per_px: float, spans: list[Span] = (), grid: float | None = None,
                 centre_diameters: bool = False):
        self.tolerance = SAME_LEVEL_PX * mm_per_px
        # The sides, and a turned part's axis, are where they are; other levels are clusters.
        exact: dict[float, float] = {0.0: 0.0, extent_raw: extent}
        if centre_diameters:
            exact[extent_raw / 2] = extent / 2
        fixed = dict(exact)
        # A side is drawn where its stroke's centre is, up to half a (blurred) stroke inside
        # the view's box: levels that near a side are that side.
        side = SIDE_PX * mm_per_px
        reach = {level: side for level in fixed}  # a turned part's axis, too, is a stroke
        inside = [mm for mm in levels if side < mm < extent_raw - side]
        clusters = [(level, spread) for level, spread in _clusters(sorted(inside), self.tolerance)
                    if all(abs(level - fixed_at) > side for fixed_at in fixed)]
        # Every point of a cluster goes onto its level, not only those near its mean.
        reach.update({level: spread + self.tolerance / 2 for level, spread in clusters
                      if spread > self.tolerance / 2})
        raw = sorted([level for level, _ in clusters] + list(exact))
        printed = _follow_spans(raw, exact, spans, self.tolerance, mm_per_px, reach)
        for level in raw:
            if level not in exact:  # as drawn (scaled to the extent), rounded when a grid is safe
                exact[level] = _rounded(level, extent_raw, extent, grid, centre_diameters)
        rank = {level: 2 if level in fixed else 1 if level in printed else 0 for level in exact}
        self.anchors = _ordered(sorted(exact.items()), rank)
        self.from_values = sum(1 for a, _ in self.anchors if rank[a] == 1)
        # A level left out because it rounds to a printed one within two merge distances is
        # that level (an outline's corner a pixel or two off the value's extension line): its
        # plateau reaches it. (Two levels that merely round alike may be two edges.)
        kept = dict(self.anchors)
        for level, value in exact.items():
            same = [] if level in kept else [
                a for a, b in self.anchors if abs(b - value) <= 1e-6 and rank[a] >= 1
                and abs(a - level) <= 2 * self.tolerance]
            if same:
                near = min(same, key=lambda a: abs(a - level))
                reach[near] = max(reach.get(near, self.tolerance / 2),
                                  abs(level - near) + self.tolerance / 2)
        self._points = _plateaus(self.anchors, self.tolerance / 2, reach)
        self._xs = [a for a, _ in self._points]
        self._ranks = [rank[a] for a, _ in self.anchors]

    def rank(self, mm: float) -> int:
        """How exact the level a reading goes onto is: 2 a side (or a turned part's axis), 1 a
        printed value, 0 a rounding; -1 when it lies between levels."""
        k = bisect.bisect_right(self._xs, mm)
        if k % 2 == 0 and k and self._xs[k - 1] == mm:
            k -= 1  # on a plateau's right edge
        return self._ranks[(k - 1) // 2] if k % 2 == 1 else -1

    def __call__(self, mm: float) -> float:
        """Continuous and never decreasing, so outlines keep their shape: a point near a level
        (within half the merge distance) goes onto it, others move with their neighbours."""
        points = self._points
        i = bisect.bisect_left(self._xs, mm)
        if i == 0 or i == len(points):  # outside: shifted like the nearest level
            a, b = points[0] if i == 0 else points[-1]
            return mm + (b - a)
        (x0, y0), (x1, y1) = points[i - 1], points[i]
        return y0 + (mm - x0) * (y1 - y0) / (x1 - x0) if x1 > x0 else y1


def _plateaus(anchors: list[tuple[float, float]], half: float,
              reach: dict[float, float]) -> list[tuple[float, float]]:
    """Each anchor widened into a flat step of ``half`` each side (the sides: their ``reach``),
    at most a quarter of the gap to its neighbours, joined by straight ramps."""
    points = []
    for k, (x, y) in enumerate(anchors):
        own = reach.get(x, half)
        left = own if k == 0 else min(own, (x - anchors[k - 1][0]) / 4)
        right = own if k == len(anchors) - 1 else min(own, (anchors[k + 1][0] - x) / 4)
        points += [(x - left, y), (x + right, y)]
    return points


def _clusters(values: list[float], tolerance: float) -> list[tuple[float, float]]:
    """Sorted values with runs closer than ``tolerance`` merged into their mean; each with how
    far its members lie from that mean."""
    groups: list[list[float]] = []
    for value in values:
        if groups and value - groups[-1][-1] <= tolerance:
            groups[-1].append(value)
        else:
            groups.append([value])
    means = [sum(g) / len(g) for g in groups]
    return [(mean, max(mean - g[0], g[-1] - mean)) for mean, g in zip(means, groups)]


def _near(raw: list[float], value: float, tolerance: float,
          reach: dict[float, float]) -> list[float]:
    """The levels a span's end may mean: within twice the merge distance (or a side's reach)."""
    return [level for level in raw
            if abs(level - value) <= max(2 * tolerance, reach.get(level, 0.0))]


def _follow_spans(raw: list[float], exact: dict[float, float], spans: list[Span],
                  tolerance: float, mm_per_px: float, reach: dict[float, float]) -> set[float]:
    """Make exact every level a printed span reaches from an exact one; which."""
    ends = []
    for span in spans:
        # Of two edges a few pixels apart, the value measures the one it fits.
        lows, highs = (_near(raw, end, tolerance, reach) for end in (span.low, span.high))
        pairs = [(abs((high - low) - span.value), low, high)
                 for low in lows for high in highs if high != low]
        if not pairs:
            continue
        miss, low, high = min(pairs)
        if miss <= max(SPAN_AGREEMENT * span.value, SPAN_SLACK_PX * mm_per_px):
            ends.append((low, high, span.value))
    made: set[float] = set()
    changed = True
    while changed:
        changed = False
        for low, high, value in ends:
            if low in exact and high not in exact:
                exact[high], changed = exact[low] + value, True
                made.add(high)
            elif high in exact and low not in exact:
                exact[low], changed = exact[high] - value, True
                made.add(low)
    return made


def _rounded(level: float, extent_raw: float, extent: float, grid: float | None,
             centre_diameters: bool) -> float:
    """A level on the grid: measured from the low side, or, across a turned part's axis, as a
    diameter about the middle (a step of a shaft is a round diameter, not a round offset)."""
    scaled = level * extent / extent_raw if extent_raw else level
    if grid is None:
        return scaled
    if not centre_diameters:
        return round(scaled / grid) * grid
    middle = extent / 2
    diameter = round(abs(scaled - middle) * 2 / grid) * grid
    return middle + (diameter / 2 if scaled >= middle else -diameter / 2)


def _ordered(anchors: list[tuple[float, float]], rank: dict[float, int]
             ) -> list[tuple[float, float]]:
    """Anchors whose exact values keep the raw order: of two that would become one or swap,
    the higher ``rank`` is kept (a side or axis, then a printed value, then a rounding), else
    the first; what is left out moves with its neighbours."""
    kept: list[tuple[float, float]] = []
    for a, b in anchors:
        while kept and b <= kept[-1][1] + 1e-6 and rank[a] > rank[kept[-1][0]]:
            kept.pop()
        if not kept or b > kept[-1][1] + 1e-6:
            kept.append((a, b))
    return kept
