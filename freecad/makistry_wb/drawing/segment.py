# SPDX-License-Identifier: LGPL-2.1-or-later
"""Group line work into regions and tell views from pictorials, text, tables and codes."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .ink import InkLayers, tone_mask


@dataclass
class Region:
    """One group of line work: a view candidate or something to set aside."""

    kind: str  # view, section, pictorial, text, code
    bbox: tuple[int, int, int, int]  # x, y, w, h of the whole group (image pixels)
    box: tuple[int, int, int, int]  # tight box of the part outline (image pixels)
    silhouette: np.ndarray  # uint8 mask, crop of ``bbox``: the filled outline
    ink: np.ndarray  # uint8 mask, crop of ``bbox``: this region's line work
    reason: str = ""

    @property
    def area(self) -> int:
        return int(self.box[2] * self.box[3])


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    """``mask`` with every enclosed background region filled."""
    padded = cv2.copyMakeBorder(mask, 1, 1, 1, 1, cv2.BORDER_CONSTANT, value=0)
    flood = padded.copy()
    ff_mask = np.zeros((padded.shape[0] + 2, padded.shape[1] + 2), np.uint8)
    cv2.floodFill(flood, ff_mask, (0, 0), 255)
    filled = padded | cv2.bitwise_not(flood)
    return filled[1:-1, 1:-1]


def _odd(value: float) -> int:
    n = max(1, int(round(value)))
    return n if n % 2 else n + 1


def _pieces(mask: np.ndarray) -> int:
    """Number of separate blobs in ``mask``."""
    return cv2.connectedComponents(mask, connectivity=8)[0] - 1


def _encloses(silhouette: np.ndarray, outline: np.ndarray) -> bool:
    """The filled outline is one piece spanning most of its line work's box."""
    return _box_area(silhouette) >= 0.8 * _box_area(outline) and _pieces(silhouette) <= 1


def _box_area(mask: np.ndarray) -> int:
    points = cv2.findNonZero(mask)
    if points is None:
        return 0
    _x, _y, w, h = cv2.boundingRect(points)
    return int(w * h)


def _line_ends(ink: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Skeleton of ``ink`` and the x and y of its line ends."""
    from .fit import thin

    skeleton = (thin(ink) > 0).astype(np.uint8)
    padded = np.pad(skeleton, 1)
    neighbours = sum(np.roll(np.roll(padded, dy, 0), dx, 1)
                     for dy in (-1, 0, 1) for dx in (-1, 0, 1) if dy or dx)[1:-1, 1:-1]
    ys, xs = np.nonzero((skeleton > 0) & (neighbours == 1))
    return skeleton, xs, ys


def _draw_bridges(ink: np.ndarray, xs: np.ndarray, ys: np.ndarray, dist: np.ndarray,
                  reach: float, stroke: float) -> np.ndarray:
    """``ink`` with a line between ends i < j, closest pairs first, each end used once, up to
    ``reach``."""
    bridged = ink.copy()
    used = np.zeros(len(xs), bool)
    width = max(1, int(round(stroke)))
    for flat in np.argsort(dist, axis=None):
        i, j = divmod(int(flat), len(xs))
        if dist[i, j] > reach:
            break
        if i < j and not used[i] and not used[j]:
            used[i] = used[j] = True
            cv2.line(bridged, (int(xs[i]), int(ys[i])), (int(xs[j]), int(ys[j])), 255, width)
    return bridged


def _bridge_gaps(ink: np.ndarray, stroke: float) -> np.ndarray:
    """``ink`` with the gaps of an outline broken where lettering was written over it
    closed, so that the outline still encloses the part.

    Only the ends of long lines are joined, and only where the bridge carries both lines on
    in their own direction: the lettering in the gap has line ends closer by, but they are
    short strokes pointing every which way."""
    skeleton, xs, ys = _line_ends(ink)
    if len(xs) < 2 or len(xs) > 400:
        return ink
    _count, labels, stats, _ = cv2.connectedComponentsWithStats(skeleton, connectivity=8)
    extent = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    long_end = extent[labels[ys, xs]] >= max(4.0 * stroke, 0.15 * max(ink.shape))
    # Outward direction of each end: from the mean of its line's nearby pixels to the end.
    arm = max(6, int(round(3 * stroke)))
    height, width = ink.shape
    dirs = np.zeros((len(xs), 2))
    for k in np.nonzero(long_end)[0]:
        x, y = int(xs[k]), int(ys[k])
        y0, x0 = max(0, y - arm), max(0, x - arm)
        wy, wx = np.nonzero(labels[y0:min(height, y + arm + 1), x0:min(width, x + arm + 1)]
                            == labels[y, x])
        d = np.array([x - (x0 + wx.mean()), y - (y0 + wy.mean())])
        norm = float(np.hypot(*d))
        dirs[k] = d / norm if norm > 1e-6 else 0.0
    pts = np.stack([xs, ys], axis=1).astype(float)
    delta = pts[None, :, :] - pts[:, None, :]  # from end i to end j
    dist = np.hypot(delta[..., 0], delta[..., 1])
    np.fill_diagonal(dist, np.inf)
    unit = delta / np.maximum(dist, 1e-6)[..., None]
    ahead_i = (dirs[:, None, :] * unit).sum(axis=2)  # end i points at end j
    ahead_j = -(dirs[None, :, :] * unit).sum(axis=2)  # end j points back at end i
    in_line = (ahead_i >= 0.8) & (ahead_j >= 0.8)  # both within about 37 degrees
    tiny = dist <= 2.0 * stroke + 2.0
    dist = np.where((in_line & long_end[:, None] & long_end[None, :]) | tiny, dist, np.inf)
    return _draw_bridges(ink, xs, ys, dist, max(6.0 * stroke, 0.2 * max(ink.shape)), stroke)


def _bridge_nearest(ink: np.ndarray, stroke: float) -> np.ndarray:
    """``ink`` with nearby line ends joined whatever their direction: an outline cut into
    many short pieces (by coloured hatching or leaders drawn over it)."""
    _skeleton, xs, ys = _line_ends(ink)
    if len(xs) < 2 or len(xs) > 400:
        return ink
    dist = np.hypot(xs[:, None] - xs[None, :], ys[:, None] - ys[None, :]).astype(float)
    np.fill_diagonal(dist, np.inf)
    return _draw_bridges(ink, xs, ys, dist, max(6.0 * stroke, 0.12 * min(ink.shape)), stroke)


def _silhouette(ink: np.ndarray, stroke: float) -> np.ndarray:
    """Filled outline of the line work, with thin protruding lines removed."""
    seal = _odd(stroke + 2)
    pad = seal + 2  # morphology treats the outside of the array as ink: keep clear of it
    padded = cv2.copyMakeBorder(ink, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    closed = cv2.morphologyEx(padded, cv2.MORPH_CLOSE, np.ones((seal, seal), np.uint8))
    filled = _fill_holes(closed)
    opener = _odd(2 * stroke + 5)
    solid = cv2.morphologyEx(filled, cv2.MORPH_OPEN, np.ones((opener, opener), np.uint8))
    solid = np.ascontiguousarray(solid[pad:-pad, pad:-pad])
    count, labels, stats, _ = cv2.connectedComponentsWithStats(solid, connectivity=8)
    if count <= 1:
        return np.zeros_like(ink)
    keep = np.zeros_like(ink)
    biggest = int(stats[1:, cv2.CC_STAT_AREA].max())
    for label in range(1, count):
        # Disjoint solid pieces of one view (a part drawn in separate islands) stay together.
        if stats[label, cv2.CC_STAT_AREA] >= 0.05 * biggest:
            keep[labels == label] = 255
    return keep


def _round(silhouette: np.ndarray) -> bool:
    """True when the filled outline is a circle (the disc in its box covers it closely)."""
    points = cv2.findNonZero(silhouette)
    if points is None:
        return False
    x, y, w, h = cv2.boundingRect(points)
    if abs(w - h) > 0.05 * max(w, h) + 2:
        return False
    disc = np.zeros_like(silhouette)
    cv2.ellipse(disc, ((x + (w - 1) / 2.0, y + (h - 1) / 2.0), (float(w), float(h)), 0.0), 255,
                -1)
    inside = silhouette > 0
    overlap = np.count_nonzero(inside & (disc > 0))
    union = np.count_nonzero(inside | (disc > 0))
    return overlap >= 0.92 * union


def _hatched(tone: np.ndarray, paper: np.ndarray, ink: np.ndarray, stroke: float) -> bool:
    """True when the inside of the outline is covered by parallel diagonal hatch lines."""
    # Sections often outline the cut material in the hatch's own colour, so look inside the
    # hull of the line work rather than inside the black outline only.
    points = cv2.findNonZero(ink)
    if points is None:
        return False
    hull = np.zeros_like(ink)
    cv2.fillConvexPoly(hull, cv2.convexHull(points), 255)
    inside = cv2.erode(hull, np.ones((_odd(stroke + 4),) * 2, np.uint8)) > 0
    if inside.sum() < 400:
        return False
    marks = ((paper == 0) & (ink == 0) & inside).astype(np.uint8) * 255
    if marks.astype(bool).sum() > 0.35 * inside.sum() or (tone[inside] > 0).mean() > 0.3:
        return False  # a toned area (shading), not separate hatch lines
    # Hatching: many parallel, evenly spaced diagonal strokes; shading has no strokes at all.
    edges = cv2.Canny(marks, 50, 150)
    min_len = max(10, int(6 * stroke))
    lines = cv2.HoughLinesP(edges, 1, np.pi / 180, threshold=min_len, minLineLength=min_len,
                            maxLineGap=2)
    if lines is None:
        return False
    seg = lines[:, 0, :].astype(float)
    angle = np.degrees(np.arctan2(seg[:, 3] - seg[:, 1], seg[:, 2] - seg[:, 0])) % 180
    for centre in (45.0, 135.0):
        near = np.abs(angle - centre) < 20
        if near.sum() < 8:
            continue
        dominant = np.median(angle[near])
        parallel = np.abs(angle - dominant) < 3
        if parallel.sum() >= 8 and parallel.sum() >= 0.2 * len(angle):
            return True
    return False


def _shaded(tone: np.ndarray, silhouette: np.ndarray, stroke: float) -> float:
    """Fraction of the outline's inside that is filled with tone (shaded pictorials)."""
    inner = cv2.erode(silhouette, np.ones((_odd(stroke + 4),) * 2, np.uint8))
    inside = inner > 0
    if inside.sum() == 0:
        return 0.0
    toned = (tone > 0) & inside
    return float(toned.sum() / inside.sum())


def _lettering(ink: np.ndarray, stroke: float, silhouette: np.ndarray) -> bool:
    """True when much of the line work is letters: many small blobs of one height standing on
    common baselines, with varied widths (holes in a row have equal widths), and the words
    fill a fair share of the closed outline (a title block or table is a box full of words; a
    view's dimension text is a few words over a large outline)."""
    count, _labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if count < 9:
        return False
    w = stats[1:, cv2.CC_STAT_WIDTH].astype(float)
    h = stats[1:, cv2.CC_STAT_HEIGHT].astype(float)
    bottom = (stats[1:, cv2.CC_STAT_TOP] + h).astype(float)
    area = stats[1:, cv2.CC_STAT_AREA].astype(float)
    limit = 0.3 * min(ink.shape)
    glyph = (h > 2 * stroke + 3) & (h < limit) & (w < 2.5 * h) & (np.minimum(w, h) > stroke + 1)
    if glyph.sum() < 8:
        return False
    gh, gb, gw = h[glyph], bottom[glyph], w[glyph]
    gx = stats[1:, cv2.CC_STAT_LEFT][glyph].astype(float)
    # Words: runs of four or more glyphs on one baseline, of one height, closely spaced.
    in_words = 0
    used = np.zeros(len(gh), bool)
    for i in np.argsort(gx):
        if used[i]:
            continue
        run = [i]
        while True:
            last = run[-1]
            right_edge = gx[last] + gw[last]
            nxt = np.nonzero(~used & (np.abs(gb - gb[last]) <= 2)
                             & (np.abs(gh - gh[last]) <= 0.35 * gh[last])
                             & (gx > gx[last]) & (gx - right_edge < 0.8 * gh[last]))[0]
            nxt = [j for j in nxt if j not in run]
            if not nxt:
                break
            run.append(min(nxt, key=lambda j: gx[j]))
        if len(run) >= 4:
            used[run] = True
            in_words += len(run)
    varied = float(np.std(gw / gh)) > 0.12
    # Words cover 8-12 % of a title block's box, 1-2 % of a dimensioned view's.
    word_area = float((gw * gh)[used].sum())
    return (in_words >= 8 and varied and area[glyph].sum() > 0.2 * area.sum()
            and word_area >= 0.04 * _box_area(silhouette))


def _oblique_fraction(ink: np.ndarray, stroke: float) -> float:
    """Share of straight line length that is neither horizontal nor vertical (isometrics)."""
    # Long segments only: circles and arcs give short chords, isometric edges are long.
    min_len = max(20, int(12 * stroke), int(0.25 * max(ink.shape)))
    lines = cv2.HoughLinesP(ink, 1, np.pi / 180, threshold=min_len, minLineLength=min_len,
                            maxLineGap=max(2, int(stroke)))
    if lines is None:
        return 0.0
    seg = lines[:, 0, :].astype(float)
    dx = seg[:, 2] - seg[:, 0]
    dy = seg[:, 3] - seg[:, 1]
    length = np.hypot(dx, dy)
    angle = np.degrees(np.arctan2(np.abs(dy), np.abs(dx)))
    axis = (angle < 6) | (angle > 84)
    total = length.sum()
    return float(length[~axis].sum() / total) if total else 0.0


def find_regions(rgb: np.ndarray, layers: InkLayers) -> list[Region]:
    """Every group of line work in the drawing area, classified."""
    ink = layers.ink
    outline = layers.outline
    stroke = layers.stroke_width
    height, width = ink.shape
    diag = float(np.hypot(width, height))
    join = _odd(max(5.0, 0.004 * diag))  # bridges dash gaps, not the space between views
    grouped = cv2.dilate(outline, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (join, join)))
    grouped = _fill_holes(grouped)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(grouped, connectivity=8)
    min_size = 0.03 * diag
    regions: list[Region] = []
    for label in range(1, count):
        x, y, w, h, _area = (int(v) for v in stats[label])
        if max(w, h) < min_size:
            continue
        crop = (slice(y, y + h), slice(x, x + w))
        member = labels[crop] == label
        ink_crop = np.where(member, ink[crop], 0).astype(np.uint8)
        if not ink_crop.any():
            continue
        outline_crop = np.where(member, outline[crop], 0).astype(np.uint8)
        sil = _silhouette(outline_crop, stroke)
        if not _encloses(sil, outline_crop):
            # The outline does not enclose most of its own line work, or only in pieces
            # (closed circles inside an open outline): probably broken where lettering was
            # written over it. Close gaps between line ends and retry.
            for bridge in (_bridge_gaps, _bridge_nearest):
                bridged = _silhouette(bridge(outline_crop, stroke), stroke)
                if _box_area(bridged) > _box_area(sil) or (
                        _box_area(bridged) >= _box_area(sil)
                        and _pieces(bridged) < _pieces(sil)):
                    sil = bridged
                if _encloses(sil, outline_crop):
                    break
        if not sil.any():
            regions.append(Region("text", (x, y, w, h), (x, y, w, h), sil, ink_crop,
                                  reason="open lines only (no closed outline)"))
            continue
        ys, xs = np.nonzero(sil)
        # The silhouette's bbox runs along the outer edge of the outline stroke; the box the
        # reconstruction wants runs along the stroke's centre.
        inset = (stroke - 1.0) / 2.0
        bx0 = x + xs.min() + inset
        by0 = y + ys.min() + inset
        bx1 = x + xs.max() - inset
        by1 = y + ys.max() - inset
        box = (int(round(bx0)), int(round(by0)), int(round(bx1 - bx0)), int(round(by1 - by0)))
        region = Region("view", (x, y, w, h), box, sil, ink_crop)
        sil_area = float(sil.astype(bool).sum())
        density = float(ink_crop[sil > 0].astype(bool).sum()) / max(sil_area, 1.0)
        paper_crop = layers.paper[crop]
        tone = tone_mask(layers.gray[crop], layers.spread[crop], layers.paper_level)
        shade = _shaded(tone, sil, stroke)
        inside = sil > 0
        mid_tones = float(((paper_crop == 0) & (ink_crop == 0) & inside).sum()) / max(sil_area, 1)
        # The end view of a turned part packs concentric circles into dense ink, but its
        # outline is a circle, which no code or logo block is; its rings also blur into
        # "tone", yet with little grey between them; and their chords are no isometric edges
        # (an isometric never shows a circular outline).
        end_view = _round(sil) and mid_tones < 0.25
        if end_view:
            density = shade = 0.0
        if density > 0.35 and mid_tones < 0.25:
            region.kind, region.reason = "code", f"solid ink ({density:.0%} of its area)"
        elif shade > 0.5 or density > 0.35:
            region.kind, region.reason = "pictorial", f"shaded ({shade:.0%} toned)"
        elif _hatched(tone, paper_crop, ink_crop, stroke):
            region.kind, region.reason = "section", "hatched"
        elif shade > 0.3:
            region.kind, region.reason = "pictorial", f"shaded ({shade:.0%} toned)"
        elif _lettering(ink_crop, stroke, sil):
            region.kind, region.reason = "text", "a box of lettering (title block or table)"
        elif not end_view:
            oblique = _oblique_fraction(ink_crop, stroke)
            if oblique > 0.45:
                region.kind, region.reason = "pictorial", f"{oblique:.0%} oblique lines"
        regions.append(region)
    regions = _merge_nested(regions)
    _drop_small(regions)
    _keep_aligned(regions)
    return regions


def _merge_nested(regions: list[Region]) -> list[Region]:
    """Line work inside another view's closed outline belongs to that view (a hole that was
    grouped apart because the outline around it was broken, and bridged only later)."""
    kept = []
    for region in regions:
        x, y, w, h = region.bbox
        host = next((other for other in regions if other is not region
                     and other.kind in ("view", "section")
                     and region.kind in ("view", "section", "text")
                     and other.bbox[0] <= x and other.bbox[1] <= y
                     and x + w <= other.bbox[0] + other.bbox[2]
                     and y + h <= other.bbox[1] + other.bbox[3]
                     and other.silhouette[y + h // 2 - other.bbox[1],
                                          x + w // 2 - other.bbox[0]] > 0), None)
        if host is None:
            kept.append(region)
            continue
        hx, hy = host.bbox[0], host.bbox[1]
        window = host.ink[y - hy:y - hy + h, x - hx:x - hx + w]
        np.maximum(window, region.ink, out=window)
    return kept


def _keep_aligned(regions: list[Region]) -> None:
    """An unshaded "pictorial" that lines up exactly with a view is an orthographic view of
    round features (circles give oblique chords), not an isometric."""
    from .roles import same_column, same_row

    views = [r for r in regions if r.kind in ("view", "section")]
    for region in regions:
        if region.kind != "pictorial" or "oblique" not in region.reason:
            continue
        if any(same_column(region.box, v.box, 0.95) or same_row(region.box, v.box, 0.95)
               for v in views):
            region.kind, region.reason = "view", "lines up with another view"


def _drop_small(regions: list[Region]) -> None:
    """Mark regions far smaller than the largest view as text or symbols."""
    views = [r for r in regions if r.kind in ("view", "section")]
    if not views:
        return
    largest = max(max(r.box[2], r.box[3]) for r in views)
    for region in views:
        if max(region.box[2], region.box[3]) < 0.12 * largest:
            region.kind, region.reason = "text", "too small next to the other views"
