# SPDX-License-Identifier: LGPL-2.1-or-later
"""Tell a drawing from a hand sketch from a photo.

* photo: the part is a filled, shaded area; most non-paper pixels lie deep inside wide regions.
* sketch: line work whose straight strokes are not quite straight: the angles of long,
  near-horizontal and near-vertical strokes scatter by a degree or more, where a drawing's
  (even a scan turned by a few degrees) agree to a tenth of a degree.
* drawing: everything else.

The prompt ("photo of ...", "hand sketch") or a kind given as the image's role overrides.
"""

from __future__ import annotations

import re

import numpy as np

from .. import runtime
from .load import LoadedImage

KINDS = ("drawing", "sketch", "photo")
WORK_SIDE = 1000  # features are measured at this size, whatever the input's resolution
PHOTO_FILL = 0.6  # share of non-paper pixels deep inside filled regions
SKETCH_ANGLE_SCATTER_DEG = 0.3  # median absolute deviation of near-axis stroke angles

_PROMPT_KINDS = (
    (r"\b(photo|photograph|picture|snapshot)s?\b", "photo"),
    (r"\b(sketch|sketched|hand[- ]?drawn|hand[- ]drawing|pencil|doodle)s?\b", "sketch"),
    (r"\b(drawing|blueprint|cad drawing|technical drawing)s?\b", "drawing"),
)


def kind_from_prompt(prompt: str) -> str | None:
    """The input kind the prompt names, if it names exactly one."""
    text = prompt.lower()
    found = {kind for pattern, kind in _PROMPT_KINDS if re.search(pattern, text)}
    if "sketch" in found and "drawing" in found:
        found.discard("drawing")  # "hand drawing" is a sketch
    return found.pop() if len(found) == 1 else None


def _work_gray(image: LoadedImage):
    import cv2

    gray = image.gray
    scale = WORK_SIDE / max(gray.shape)
    if scale < 1.0:
        gray = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return gray


def filled_share(gray: np.ndarray) -> float:
    """Share of the non-paper pixels more than 4 px from the paper: ~0 for line work, ~1 for
    a photographed part."""
    import cv2

    paper = float(np.percentile(gray, 90))
    marks = (gray < paper - 40).astype(np.uint8)
    if not marks.any():
        return 0.0
    depth = cv2.distanceTransform(marks, cv2.DIST_L2, 3)
    return float((depth > 4).sum()) / float(marks.sum())


def stroke_angle_scatter(gray: np.ndarray) -> tuple[float, int]:
    """Median absolute deviation (degrees) of the angles of long near-axis strokes from their
    common value, and how many strokes were measured. Round strokes are left out."""
    import cv2

    from ..drawing.fit import fit_circle, thin, trace_chains

    paper = float(np.percentile(gray, 90))
    ink = (gray < paper - 40).astype(np.uint8) * 255
    deviations = []
    for chain in trace_chains(thin(ink), min_length=60):
        pts = chain.astype(float)
        _cx, _cy, r, rms = fit_circle(pts)
        if rms < 1.5 and r < 2 * max(gray.shape):
            continue  # a circle or an arc: its angles say nothing about the hand
        approx = cv2.approxPolyDP(pts.astype(np.float32).reshape(-1, 1, 2), 3.0, False)
        index = [int(np.argmin(np.hypot(*(pts - v).T))) for v in approx.reshape(-1, 2)]
        for i0, i1 in zip(index, index[1:]):
            if i1 - i0 < 60:
                continue
            run = pts[i0:i1 + 1]
            run = run[len(run) // 10: len(run) - len(run) // 10]
            centred = run - run.mean(axis=0)
            _, _, vt = np.linalg.svd(centred, full_matrices=False)
            angle = float(np.degrees(np.arctan2(vt[0][1], vt[0][0])))
            deviation = ((angle + 45.0) % 90.0) - 45.0
            if abs(deviation) < 10.0:
                deviations.append(deviation)
    if len(deviations) < 3:
        return 0.0, len(deviations)
    values = np.array(deviations)
    return float(np.median(np.abs(values - np.median(values)))), len(values)


def classify_image(image: LoadedImage, prompt: str = "") -> str:
    """"drawing", "sketch" or "photo"; a kind in the image's role or the prompt wins."""
    if image.role in KINDS:
        return image.role
    named = kind_from_prompt(prompt)
    if named is not None:
        return named
    runtime.add_dependency_paths()
    gray = _work_gray(image)
    if filled_share(gray) > PHOTO_FILL:
        return "photo"
    scatter, count = stroke_angle_scatter(gray)
    if count >= 6 and scatter > SKETCH_ANGLE_SCATTER_DEG:
        return "sketch"
    return "drawing"
