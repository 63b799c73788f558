# SPDX-License-Identifier: LGPL-2.1-or-later
"""The cut material of a section view: the faces its hatching covers.

A section's outline and the lines inside it split the view into faces; the faces covered by
hatch lines drawn in a colour (the marks) are the material the cutting plane passes through,
the others are air (a bore, a cavity, a hole cut across). Black hatching is not told apart from
line work yet: such a section is not used. The hatched faces are returned as closed loops in
the view's coordinates, for the reconstruction to revolve or extrude. No FreeCAD here.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .. import plan
from .vectorize import Frame

# Share of a face's area the hatch marks cover: cross-hatching about 30 %, single hatching
# 10-20 %; an empty face crossed by a centre line or a leader a few per cent.
HATCH_DENSITY = 0.08
MIN_FACE_PX = 40  # smaller faces are the gaps between a hatch line and an outline corner


def hatched_loops(ink: np.ndarray, marks: np.ndarray, silhouette: np.ndarray, stroke: float,
                  frame: Frame) -> list[plan.Loop]:
    """Closed loops (view coordinates, y up) around the hatched faces of a section view.

    ``ink`` is the view's line work (dark neutral pixels: the outline and the lines inside it),
    ``marks`` the other non-paper pixels inside it (coloured hatching and annotation),
    ``silhouette`` the filled outline; all crops of one shape."""
    inside = silhouette > 0
    if not inside.any():
        return []
    walls = cv2.dilate((ink > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    faces = (inside & ~walls).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(faces, connectivity=4)
    if count <= 1:
        return []
    marked = np.bincount(labels[marks > 0], minlength=count)
    area = stats[:, cv2.CC_STAT_AREA].astype(float)
    density = marked / np.maximum(area, 1.0)
    keep = np.zeros(count, bool)
    keep[1:] = (density[1:] >= HATCH_DENSITY) & (area[1:] >= MIN_FACE_PX)
    if not keep.any():
        return []
    material = keep[labels].astype(np.uint8)
    # Out to the middle of the walls around the hatched faces: the lines between two hatched
    # faces (a cutting-plane line drawn across the material) close up, and an edge between
    # material and air lies on its line's centre.
    near = cv2.dilate(material, np.ones((7, 7), np.uint8)) > 0
    reach = int(math.ceil(1.0 + (_line_width(ink, near, stroke) + 1.0) / 2.0))
    kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)  # square corners stay square
    material = cv2.dilate(material, kernel) & inside.astype(np.uint8)
    contours, _ = cv2.findContours(material * 255, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    loops = []
    for contour in contours:
        if cv2.contourArea(contour) < MIN_FACE_PX:
            continue
        points = cv2.approxPolyDP(contour, 0.75, True)[:, 0, :]
        if len(points) < 3:
            continue
        view_points = [frame.point(float(x), float(y)) for x, y in points]
        loops.append(plan.Loop([plan.Line(*a, *b) for a, b in
                                zip(view_points, view_points[1:] + view_points[:1])]))
    return loops


def _line_width(ink: np.ndarray, near: np.ndarray, stroke: float) -> float:
    """The width of the lines around the hatched faces: the commonest short run of ink
    across them, counted along rows and columns (the sheet-wide stroke estimate is thrown off
    by thin annotation)."""
    lines = ((ink > 0) & near).astype(np.int8)
    runs: list[np.ndarray] = []
    for grid in (lines, lines.T):
        padded = np.pad(grid, ((0, 0), (1, 1)))
        edges = np.diff(padded, axis=1)
        starts, ends = np.nonzero(edges == 1), np.nonzero(edges == -1)
        runs.append(ends[1] - starts[1])  # row-major order pairs each start with its end
    lengths = np.concatenate(runs)
    lengths = lengths[lengths <= 8]
    if len(lengths) < 20:
        return stroke
    return float(np.bincount(lengths).argmax())
