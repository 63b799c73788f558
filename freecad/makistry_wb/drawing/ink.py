# SPDX-License-Identifier: LGPL-2.1-or-later
"""Separate the black line work of a drawing from paper, colour and the sheet frame."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .. import errors

# Neutral pixels: channels within this spread are grey, not coloured annotation.
MAX_NEUTRAL_SPREAD = 60


@dataclass
class InkLayers:
    """The masks every later stage works on (all uint8 0/255, image size)."""

    ink: np.ndarray  # dark neutral pixels inside the drawing area: the candidate geometry
    outline: np.ndarray  # the heavy lines among them (all of ``ink`` without line weights)
    paper: np.ndarray  # background
    gray: np.ndarray  # uint8 grey levels
    spread: np.ndarray  # uint8 max - min channel: colourfulness
    paper_level: float  # grey level of the paper
    drawing_area: np.ndarray  # inside the sheet frame and outside the title block
    stroke_width: float  # typical width of a drawn line, pixels
    skew_deg: float  # rotation that would straighten the sheet (frame included)
    frame_box: tuple[int, int, int, int] | None  # the sheet frame, when there is one


def _reject(name: str, why: str) -> errors.MakistryError:
    return errors.MakistryError(errors.IMAGE_PARSE_FAILED, f"{name}: {why}", source=name)


def _percentiles(gray: np.ndarray, *qs: float) -> list[float]:
    """Percentiles of a uint8 image from one histogram (much faster than np.percentile)."""
    hist = cv2.calcHist([gray], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(hist)
    return [float(np.searchsorted(cumulative, q / 100.0 * cumulative[-1])) for q in qs]


def tone_mask(gray: np.ndarray, spread: np.ndarray, paper_level: float) -> np.ndarray:
    """Areas filled with a tone or colour (shading); a median filter wipes out thin lines."""
    smooth_gray = cv2.medianBlur(gray, 5)
    smooth_spread = cv2.medianBlur(spread, 5)
    return ((smooth_gray < paper_level - 10) | (smooth_spread >= 25)).astype(np.uint8) * 255


def check_readable(name: str, gray: np.ndarray) -> None:
    """Raise IMAGE_PARSE_FAILED for blank, low-contrast or blurred images."""
    lo, hi = _percentiles(gray, 0.5, 99.5)
    if hi - lo < 12:
        raise _reject(name, "the image is blank (one flat tone, no lines). Upload the drawing "
                            "itself, exported as PNG or JPEG.")
    if hi - lo < 60:
        raise _reject(name, f"the contrast is too low to read lines (the darkest and lightest "
                            f"tones differ by only {hi - lo:.0f} of 255). Scan or export it with "
                            "black lines on a white background.")
    # A sharp line drawing has edges a pixel or two wide: the strongest gradients are close to
    # the full contrast. Blur spreads every edge and divides the peak gradient.
    grad = cv2.morphologyEx(gray, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    (strong,) = _percentiles(grad, 99.9)
    if strong < 0.45 * (hi - lo):
        raise _reject(name, "the image is too blurred to find lines (edges are spread over "
                            "several pixels). Use a sharp scan or the original export, at least "
                            "150 dpi.")


def estimate_stroke_width(mask: np.ndarray, percentile: float = 50.0) -> float:
    """Width of the strokes in ``mask`` (the median, or another percentile) from the distance
    transform's ridges."""
    if not mask.any():
        return 1.0
    dist = cv2.distanceTransform(mask, cv2.DIST_L2, 3)
    ridge = (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8))) & (dist > 0)
    values = dist[ridge]
    if values.size == 0:
        return 1.0
    return float(max(1.0, 2.0 * np.percentile(values, percentile) - 1.0))


def _drop_specks(ink: np.ndarray, max_area: int = 2) -> np.ndarray:
    """Remove isolated specks (scan dust, noise) of at most ``max_area`` pixels."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= max_area
    small[0] = False
    if not small.any():
        return ink
    return np.where(small[labels], 0, ink).astype(np.uint8)


def _frame_component(ink: np.ndarray) -> tuple[np.ndarray | None, tuple | None]:
    """The connected component that spans the sheet (frame and title-block lines), if any."""
    height, width = ink.shape
    count, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    best = None
    for label in range(1, count):
        x, y, w, h, _area = stats[label]
        # A sheet frame runs close to all four edges of the image; a view cropped with a
        # margin does not.
        near_edges = (x < 0.04 * width and y < 0.04 * height and x + w > 0.96 * width
                      and y + h > 0.96 * height)
        if near_edges:
            if best is None or w * h > stats[best][2] * stats[best][3]:
                best = label
    if best is None:
        return None, None
    x, y, w, h, _ = stats[best]
    mask = (labels == best).astype(np.uint8) * 255
    if not _runs_along_box(mask[y:y + h, x:x + w]):
        return None, None  # a large part or its centre lines, not a ruled frame
    return mask, (int(x), int(y), int(w), int(h))


def _runs_along_box(crop: np.ndarray, share: float = 0.8) -> bool:
    """True when a straight line runs along each of the four sides of the crop, somewhere in
    its outer 5 % (tick marks may stick out past the frame's lines)."""
    on = cv2.dilate(crop, np.ones((3, 3), np.uint8)) > 0
    height, width = on.shape
    depth_y, depth_x = max(6, int(0.05 * height)), max(6, int(0.05 * width))
    rows = on.mean(axis=1)
    cols = on.mean(axis=0)
    return bool(rows[:depth_y].max() >= share and rows[-depth_y:].max() >= share
                and cols[:depth_x].max() >= share and cols[-depth_x:].max() >= share)


def _drawing_area(frame: np.ndarray) -> np.ndarray:
    """The largest region the frame encloses: the sheet minus frame, margins and title block."""
    closed = cv2.morphologyEx(frame, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    contours, hierarchy = cv2.findContours(closed, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_SIMPLE)
    area = np.zeros_like(frame)
    if hierarchy is None:
        return area + 255
    holes = [c for c, h in zip(contours, hierarchy[0]) if h[3] >= 0]
    if not holes:
        return area + 255
    largest = max(holes, key=cv2.contourArea)
    cv2.drawContours(area, [largest], -1, 255, thickness=cv2.FILLED)
    # Keep clear of the frame's own lines.
    return cv2.erode(area, np.ones((7, 7), np.uint8))


def separate(name: str, rgb: np.ndarray) -> InkLayers:
    """Split an RGB drawing into geometry ink (dark and neutral), tone and paper; drop the sheet
    frame and everything outside it."""
    red, green, blue = cv2.split(np.ascontiguousarray(rgb))
    spread = cv2.subtract(cv2.max(cv2.max(red, green), blue), cv2.min(cv2.min(red, green), blue))
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    check_readable(name, gray)

    paper_level, darkest = _percentiles(gray, 90, 0.1)
    # Permissive enough for light pencil; the tone and colour tests keep shading apart.
    threshold = paper_level - 0.3 * (paper_level - darkest)
    neutral = spread < MAX_NEUTRAL_SPREAD
    ink = ((gray < threshold) & neutral).astype(np.uint8) * 255
    paper = ((gray > paper_level - 25) & neutral).astype(np.uint8) * 255

    if not ink.any():
        raise _reject(name, "no dark line work was found (the drawing has only colour or light "
                            "tones). Export the part outline in black on a white background.")

    ink = _drop_specks(ink)
    skew = estimate_skew_deg(ink)
    frame, frame_box = _frame_component(ink)
    if frame is not None:
        area = _drawing_area(frame)
        ink = cv2.bitwise_and(ink, cv2.bitwise_not(frame))
        ink = cv2.bitwise_and(ink, area)
    else:
        area = np.full_like(ink, 255)
    # Line weights are judged on the dark cores of the strokes: anti-aliasing and resampling
    # widen thin lines by a grey fringe that must not count as weight.
    core = cv2.bitwise_and(ink, ((gray < paper_level - 0.6 * (paper_level - darkest))
                                 .astype(np.uint8) * 255))
    outline = heavy_lines(core, ink)
    return InkLayers(ink=ink, outline=outline, paper=paper, gray=gray,
                     spread=spread, paper_level=paper_level, drawing_area=area,
                     stroke_width=estimate_stroke_width(outline), skew_deg=skew,
                     frame_box=frame_box)


def heavy_lines(core: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The part's outlines when the drawing uses line weights: visible and hidden lines drawn
    heavier than dimension, extension, leader and centre lines. ``core`` is the dark middle
    of the strokes, ``ink`` all of them. Returns ``ink`` when the weights do not tell lines
    apart (one weight throughout, or a low-resolution scan)."""
    if not core.any():
        return ink
    # Strokes at least two pixels across. OpenCV's opening with an even kernel moves the
    # result by a pixel, so erode and dilate with opposite anchors.
    square = np.ones((2, 2), np.uint8)
    heavy = cv2.dilate(cv2.erode(core, square, anchor=(0, 0)), square, anchor=(1, 1))
    light = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(heavy, np.ones((5, 5), np.uint8))))
    # Judge lines only: solid areas (codes, shading, filled logos) are neither weight.
    solid = cv2.dilate(cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8)),
                       np.ones((5, 5), np.uint8))
    lines_only = cv2.bitwise_not(solid)
    heavy_lines_only = cv2.bitwise_and(heavy, lines_only)
    ink_lines = cv2.bitwise_and(ink, lines_only)
    total = float(np.count_nonzero(ink_lines))
    if total == 0:
        return ink
    covered = np.count_nonzero(cv2.bitwise_and(
        ink_lines, cv2.dilate(heavy_lines_only, np.ones((5, 5), np.uint8)))) / total
    light_share = np.count_nonzero(cv2.bitwise_and(light, lines_only)) / total
    # Only clearly heavy strokes: at low resolution every line is thin and opening would break
    # the outlines themselves.
    if (covered >= 0.4 and light_share >= 0.03
            and estimate_stroke_width(heavy_lines_only, percentile=75) >= 2.5):
        # Give back the core pixels next to what the opening kept: where a slightly turned
        # line steps from one pixel row to the next it is a pixel thin, and opening cut it.
        return cv2.bitwise_and(core, cv2.dilate(heavy, np.ones((3, 3), np.uint8)))
    return ink


def estimate_skew_deg(ink: np.ndarray) -> float:
    """Small rotation of a scanned sheet (degrees, counter-clockwise positive as OpenCV's
    getRotationMatrix2D takes it), from its long nearly horizontal and vertical lines."""
    # Half resolution: long lines survive, the Hough transform runs four times faster.
    small = cv2.resize(ink, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
    small = (small > 64).astype(np.uint8) * 255
    height, width = small.shape
    min_len = max(30, int(0.05 * max(width, height)))
    lines = cv2.HoughLinesP(small, 1, np.pi / 360, threshold=min_len, minLineLength=min_len,
                            maxLineGap=2)
    if lines is None:
        return 0.0
    seg = lines[:, 0, :].astype(float)
    dx, dy = seg[:, 2] - seg[:, 0], seg[:, 3] - seg[:, 1]
    angle = np.degrees(np.arctan2(dy, dx))
    angle = (angle + 45.0) % 90.0 - 45.0  # deviation from the nearest axis
    length = np.hypot(dx, dy)
    near = np.abs(angle) < 6.0
    if length[near].sum() < 4 * min_len:
        return 0.0
    order = np.argsort(angle[near])
    cumulative = np.cumsum(length[near][order])
    median = float(angle[near][order][np.searchsorted(cumulative, cumulative[-1] / 2)])
    # A turned sheet turns all its lines alike; curves and pictorials scatter instead.
    agreeing = length[near][np.abs(angle[near] - median) <= 0.75].sum()
    return median if agreeing >= 0.5 * length[near].sum() else 0.0


def straighten(rgb: np.ndarray, skew_deg: float) -> np.ndarray:
    """``rgb`` rotated by ``skew_deg`` about its centre, uncovered corners white."""
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((width / 2.0, height / 2.0), skew_deg, 1.0)
    return cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
