# SPDX-License-Identifier: LGPL-2.1-or-later
"""Foreground segmentation of a part photographed on a light, plain background.

The background is modelled from the image border as a smooth colour surface (a quadratic in x
and y per channel, so uneven lighting is allowed); the part is what differs from it. The mask is
cleaned, checked for what the photo path cannot read (blur, low contrast, clutter, hands), and
its outline is found with sub-pixel care so that areas come out right.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .. import errors

# Work at most this many pixels across; phone photos are far larger than needed.
WORK_SIDE = 1400
# Outline contours are traced on a mask upsampled this much (sub-pixel edges).
UPSAMPLE = 3
# More significant separate objects than this is clutter, not a part (or an assembly).
MAX_COMPONENTS = 3


@dataclass
class Segmentation:
    """The part's outline in the source image's pixel coordinates."""

    outers: list[np.ndarray]  # per component: N x 2 float contour (pixel centres), largest first
    holes: list[list[np.ndarray]]  # per component: inner contours (see-through holes)
    mask: np.ndarray  # uint8 0/255 at working scale
    scale: float  # working pixels per source pixel
    contrast: float  # median foreground difference from the background (0-255)
    shade: np.ndarray  # grey image at working scale, for the view-angle test
    warnings: list[str]


def _reject(name: str, why: str) -> errors.MakistryError:
    return errors.MakistryError(errors.IMAGE_PARSE_FAILED, f"{name}: {why}", source=name)


def _border_mask(height: int, width: int) -> np.ndarray:
    band = max(4, int(0.03 * min(height, width)))
    border = np.zeros((height, width), bool)
    border[:band] = border[-band:] = True
    border[:, :band] = border[:, -band:] = True
    return border


def _quadratic_terms(xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    return np.stack([np.ones_like(xs), xs, ys, xs * xs, xs * ys, ys * ys], axis=1)


def background_model(rgb: np.ndarray) -> tuple[np.ndarray, float]:
    """The background colour everywhere, fitted on the border, and the border's residual
    spread (a plain background has a small one)."""
    height, width = rgb.shape[:2]
    border = _border_mask(height, width)
    ys, xs = np.nonzero(border)
    step = max(1, len(xs) // 20000)
    xs, ys = xs[::step], ys[::step]
    xn, yn = xs / width, ys / height
    terms = _quadratic_terms(xn, yn)
    samples = rgb[ys, xs].astype(np.float64)
    coeffs = np.zeros((6, 3))
    keep = np.ones(len(xs), bool)
    for _ in range(3):  # refit without outliers (the part or a shadow touching the border)
        coeffs, *_ = np.linalg.lstsq(terms[keep], samples[keep], rcond=None)
        residual = np.abs(samples - terms @ coeffs).max(axis=1)
        keep = residual < max(6.0, 2.5 * float(np.median(residual[keep])) + 3.0)
    spread = float(np.percentile(np.abs(samples[keep] - terms[keep] @ coeffs).max(axis=1), 90))
    gy, gx = np.mgrid[0:height, 0:width]
    full = _quadratic_terms((gx / width).ravel(), (gy / height).ravel()) @ coeffs
    return full.reshape(height, width, 3).astype(np.float32), spread


def _difference(rgb: np.ndarray, background: np.ndarray) -> np.ndarray:
    smooth = cv2.GaussianBlur(rgb.astype(np.float32), (3, 3), 0.8)
    return np.abs(smooth - background).max(axis=2)


def _otsu(values: np.ndarray) -> float:
    clipped = np.clip(values, 0, 255).astype(np.uint8).reshape(-1, 1)
    level, _ = cv2.threshold(clipped, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return float(level)


def _skin_share(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Share of the foreground in skin tones (a hand holding the part)."""
    ycrcb = cv2.cvtColor(rgb, cv2.COLOR_RGB2YCrCb)
    y, cr, cb = ycrcb[:, :, 0], ycrcb[:, :, 1], ycrcb[:, :, 2]
    skin = (y > 50) & (cr >= 138) & (cr <= 175) & (cb >= 80) & (cb <= 128)
    inside = mask > 0
    return float((skin & inside).sum()) / max(1, int(inside.sum()))


def _edge_sharpness(diff: np.ndarray, mask: np.ndarray, contrast: float) -> float:
    """Steepest local change across the outline relative to the part's contrast: about 1 for a
    sharp photo, well under half when the edges are smeared over several pixels."""
    grad = cv2.morphologyEx(diff, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    edge = cv2.morphologyEx(mask, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)) > 0
    if not edge.any() or contrast <= 0:
        return 0.0
    return float(np.percentile(grad[edge], 90)) / contrast


def segment(name: str, rgb: np.ndarray) -> Segmentation:
    """The part's outline and holes, or IMAGE_PARSE_FAILED with what is wrong with the photo."""
    src_h, src_w = rgb.shape[:2]
    scale = min(1.0, WORK_SIDE / max(src_h, src_w))
    work = rgb if scale == 1.0 else cv2.resize(rgb, None, fx=scale, fy=scale,
                                               interpolation=cv2.INTER_AREA)
    work = np.ascontiguousarray(work)
    height, width = work.shape[:2]
    gray = cv2.cvtColor(work, cv2.COLOR_RGB2GRAY)
    background, spread = background_model(work)
    if spread > 28:
        raise _reject(name, "the background is not plain (its border varies by "
                            f"{spread:.0f} of 255: texture, clutter or other objects). "
                            "Photograph the part alone on a plain light surface.")
    diff = _difference(work, background)
    lo, hi = np.percentile(gray, 0.5), np.percentile(gray, 99.5)
    level = max(_otsu(diff), 3.0 * spread + 6.0, 12.0)
    raw = (diff > level).astype(np.uint8) * 255
    contrast = float(np.median(diff[raw > 0])) if raw.any() else 0.0
    if hi - lo < 40 or contrast < 22:
        raise _reject(name, f"the contrast is too low to tell the part from the background (the "
                            f"part differs by only {contrast:.0f} of 255). Use a background that "
                            "contrasts with the part, lit evenly.")
    opened = cv2.morphologyEx(raw, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    warnings: list[str] = []
    mask = _significant_components(name, opened, width, height, warnings)
    sharpness = _edge_sharpness(diff.clip(0, 255).astype(np.uint8), mask, contrast)
    if sharpness < 0.35:
        raise _reject(name, "the photo is too blurred to trace the part's outline (its edges "
                            f"rise over several pixels; sharpness {sharpness:.2f}, a sharp photo "
                            "is near 1). Hold the camera still and focus on the part.")
    if _skin_share(work, mask) > 0.15:
        raise _reject(name, "part of the foreground looks like a hand or skin. Put the part "
                            "down on a plain surface and photograph it alone.")
    outers, holes = _outlines(diff, mask, level, scale)
    return Segmentation(outers=outers, holes=holes, mask=mask, scale=scale, contrast=contrast,
                        shade=gray, warnings=warnings)


def _significant_components(name: str, mask: np.ndarray, width: int, height: int,
                            warnings: list[str]) -> np.ndarray:
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 1:
        raise _reject(name, "no part stands out from the background. Photograph the part on a "
                            "plain light surface that contrasts with it.")
    areas = stats[1:, cv2.CC_STAT_AREA]
    biggest = int(areas.max())
    if biggest < 0.002 * width * height:
        raise _reject(name, "the part is too small in the photo to trace. Fill at least a "
                            "third of the frame with it.")
    keep = [i + 1 for i, area in enumerate(areas) if area >= 0.01 * biggest]
    if len(keep) > MAX_COMPONENTS:
        raise _reject(name, f"the photo shows {len(keep)} separate objects: too cluttered to "
                            "tell which is the part. Photograph one part alone on a plain "
                            "surface (or up to three components for an assembly).")
    out = np.isin(labels, keep).astype(np.uint8) * 255
    ys, xs = np.nonzero(out)
    margin = 1
    touching = ((xs <= margin).sum() + (xs >= width - 1 - margin).sum()
                + (ys <= margin).sum() + (ys >= height - 1 - margin).sum())
    outline_span = 2 * (np.ptp(xs) + np.ptp(ys)) if len(xs) else 1
    if touching > 0.15 * outline_span:
        raise _reject(name, "the part runs off the edge of the photo (or the background is not "
                            "plain). Step back so the whole part is in the frame with a margin.")
    if touching > 0:
        warnings.append(f"{name}: the part touches the edge of the photo; what lies beyond it "
                        "is missing from the outline. Leave a margin of background next time.")
    if len(xs) > 0.75 * width * height:
        raise _reject(name, "the foreground fills almost the whole photo; no plain background "
                            "was found around the part. Leave a margin of background.")
    return out


def _onto_edge(pts: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Contour points sit on the centres of the outermost foreground pixels: move them half a
    pixel out, onto the edge between foreground and background."""
    if len(pts) < 5:
        return pts
    tangent = np.roll(pts, -2, axis=0) - np.roll(pts, 2, axis=0)
    norm = np.hypot(tangent[:, 0], tangent[:, 1])[:, None]
    normal = np.stack([tangent[:, 1], -tangent[:, 0]], axis=1) / np.maximum(norm, 1e-9)
    probe = np.round(pts + 1.5 * normal).astype(int)
    probe[:, 0] = probe[:, 0].clip(0, mask.shape[1] - 1)
    probe[:, 1] = probe[:, 1].clip(0, mask.shape[0] - 1)
    outward = np.where((mask[probe[:, 1], probe[:, 0]] == 0)[:, None], normal, -normal)
    return pts + 0.5 * outward


def _to_source(contour: np.ndarray, fine: np.ndarray, origin: tuple[int, int], scale: float
               ) -> np.ndarray:
    """Upsampled crop contour -> source-image pixel centres."""
    pts = _onto_edge(contour.reshape(-1, 2).astype(np.float64), fine)
    pts = (pts + 0.5) / UPSAMPLE - 0.5 + np.array(origin, float)  # working-scale pixel centres
    return (pts + 0.5) / scale - 0.5


def _outlines(diff: np.ndarray, mask: np.ndarray, level: float, scale: float
              ) -> tuple[list[np.ndarray], list[list[np.ndarray]]]:
    """Contours of each component on an upsampled mask, in source-image pixel centres.

    The threshold is set halfway to the local part contrast, so edges sit where the tone is
    halfway between background and part whatever the face's shade.
    """
    inner = cv2.erode(mask, np.ones((5, 5), np.uint8))
    local_fg = cv2.dilate(np.where(inner > 0, diff, 0).astype(np.float32),
                          np.ones((9, 9), np.uint8))
    local = np.where(local_fg > 0, np.maximum(0.5 * local_fg, 0.6 * level), level)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    order = sorted(range(1, count), key=lambda i: -stats[i, cv2.CC_STAT_AREA])
    outers: list[np.ndarray] = []
    holes: list[list[np.ndarray]] = []
    height, width = mask.shape
    for label in order:
        x, y, w, h, area = stats[label]
        pad = 4
        x0, y0 = max(0, x - pad), max(0, y - pad)
        x1, y1 = min(width, x + w + pad), min(height, y + h + pad)
        comp = (labels[y0:y1, x0:x1] == label).astype(np.uint8) * 255
        grown = cv2.dilate(comp, np.ones((3, 3), np.uint8))
        shrunk = cv2.erode(comp, np.ones((3, 3), np.uint8))
        size = (int((x1 - x0) * UPSAMPLE), int((y1 - y0) * UPSAMPLE))
        up_diff = cv2.resize(diff[y0:y1, x0:x1], size, interpolation=cv2.INTER_LINEAR)
        up_level = cv2.resize(local[y0:y1, x0:x1].astype(np.float32), size,
                              interpolation=cv2.INTER_LINEAR)
        up_grown = cv2.resize(grown, size, interpolation=cv2.INTER_NEAREST)
        up_shrunk = cv2.resize(shrunk, size, interpolation=cv2.INTER_NEAREST)
        fine = (((up_diff > up_level) & (up_grown > 0)) | (up_shrunk > 0)).astype(np.uint8) * 255
        fine = cv2.morphologyEx(fine, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        contours, hierarchy = cv2.findContours(fine, cv2.RETR_CCOMP, cv2.CHAIN_APPROX_NONE)
        if hierarchy is None:
            continue
        tops = [i for i, hier in enumerate(hierarchy[0]) if hier[3] < 0]
        top = max(tops, key=lambda i: cv2.contourArea(contours[i]))
        outer_area = cv2.contourArea(contours[top])
        min_hole = max(30.0 * UPSAMPLE * UPSAMPLE, 0.002 * outer_area)

        origin = (x0, y0)
        outers.append(_to_source(contours[top], fine, origin, scale))
        holes.append([_to_source(contours[i], fine, origin, scale)
                      for i, hier in enumerate(hierarchy[0])
                      if hier[3] == top and cv2.contourArea(contours[i]) >= min_hole])
    return outers, holes
