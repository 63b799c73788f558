# SPDX-License-Identifier: LGPL-2.1-or-later
"""Score an answer solid against the truth: IoU by exact OCC booleans after the best of the 24
axis-aligned orientations, at true scale and after scale normalisation; volume and bounding-box
errors; hole count.

The answer's placement is free (a drawing does not say where the origin is), so each orientation
is tried with the centres of mass made to coincide. A voxel estimate (ray parity over the
tessellation, 48 voxels along the truth's longest side) ranks the 24 orientations in
milliseconds; exact booleans then decide among the best few.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass

import numpy as np

from benchmarks.parts import FreeCAD, Part, V


def orientations() -> list:
    """The 24 proper rotations that map axes onto axes, as FreeCAD matrices (identity first).

    Each matrix has ``perm`` and ``signs``: new coordinate i = signs[i] * old[perm[i]].
    """
    mats = []
    for perm in itertools.permutations(range(3)):
        for signs in itertools.product((1, -1), repeat=3):
            rows = [[0.0] * 3 for _ in range(3)]
            for i in range(3):
                rows[i][perm[i]] = float(signs[i])
            det = (rows[0][0] * (rows[1][1] * rows[2][2] - rows[1][2] * rows[2][1])
                   - rows[0][1] * (rows[1][0] * rows[2][2] - rows[1][2] * rows[2][0])
                   + rows[0][2] * (rows[1][0] * rows[2][1] - rows[1][1] * rows[2][0]))
            if det < 0:
                continue
            m = FreeCAD.Matrix()
            m.A11, m.A12, m.A13 = rows[0]
            m.A21, m.A22, m.A23 = rows[1]
            m.A31, m.A32, m.A33 = rows[2]
            mats.append((m, perm, signs))
    mats.sort(key=lambda entry: entry[1:] != ((0, 1, 2), (1, 1, 1)))
    return mats


ORIENTATION_TABLE = orientations()
ORIENTATIONS = [entry[0] for entry in ORIENTATION_TABLE]
VOXELS_ALONG_LONGEST = 48
EXACT_CANDIDATES = 4  # exact booleans for at most this many orientations...
ESTIMATE_MARGIN = 0.06  # ...whose voxel estimate is this close to the best estimate


def as_solid(shape):
    """One solid from what an importer returns (a solid, a compound of solids, a shell...)."""
    if shape is None or shape.isNull():
        raise ValueError("empty shape")
    solids = shape.Solids
    if not solids:
        shells = shape.Shells
        if shells and all(s.isClosed() for s in shells):
            solids = [Part.Solid(s) for s in shells]
    if not solids:
        raise ValueError("no solid in the shape")
    solid = solids[0] if len(solids) == 1 else solids[0].multiFuse(solids[1:])
    if solid.ShapeType != "Solid" and len(solid.Solids) == 1:
        solid = solid.Solids[0]
    if abs(solid.Volume) < 1e-9:
        raise ValueError("the solid has no volume")
    return solid


def read_step(path: str):
    return as_solid(Part.read(path))


def _centre(shape):
    try:
        return V(shape.CenterOfMass)
    except (AttributeError, RuntimeError):
        return V(shape.BoundBox.Center)


def _bbox_overlap(a, b) -> float:
    dx = min(a.XMax, b.XMax) - max(a.XMin, b.XMin)
    dy = min(a.YMax, b.YMax) - max(a.YMin, b.YMin)
    dz = min(a.ZMax, b.ZMax) - max(a.ZMin, b.ZMin)
    return max(dx, 0.0) * max(dy, 0.0) * max(dz, 0.0)


def _common_volume(a, b) -> float:
    try:
        return abs(a.common(b).Volume)
    except (RuntimeError, Part.OCCError):
        return 0.0


def tight_box(shape):
    """The shape's tight bounding box (a curved face's loose box reaches past it)."""
    return shape.optimalBoundingBox() if hasattr(shape, "optimalBoundingBox") else shape.BoundBox


def _box_diagonal(shape) -> float:
    return tight_box(shape).DiagonalLength


def _box_centre(shape):
    return V(tight_box(shape).Center)


ALIGNMENTS = {"mass": _centre, "box": _box_centre}


def placed(truth, answer, matrix, factor: float = 1.0, align: str = "mass"):
    """``answer`` rotated by ``matrix``, scaled by ``factor`` and moved onto truth's centre of
    mass (``align="mass"``) or bounding-box centre (``"box"``)."""
    moved = answer.copy()
    if factor != 1.0:
        moved.scale(factor)  # exact: transformGeometry would turn every surface into a B-spline
    moved.transformShape(matrix)
    centre = ALIGNMENTS[align]
    moved.translate(centre(truth) - centre(moved))
    return moved


@dataclass
class Match:
    iou: float
    orientation: int
    extents: tuple  # the answer's X, Y, Z extents in that orientation


def voxels(shape, centre, cell: float, n: int) -> np.ndarray:
    """Occupancy of ``shape`` on a (2n+1)^3 grid of ``cell``-sized voxels centred on ``centre``
    (ray parity along Z over its tessellation: fast, unlike per-point classification)."""
    size = 2 * n + 1
    points, triangles = shape.tessellate(cell * 0.25)
    if not triangles:
        return np.zeros((size, size, size), bool)
    pts = np.array([[p.x, p.y, p.z] for p in points]) - np.array([centre.x, centre.y, centre.z])
    # Grid units, shifted by an odd fraction so that rays miss edges and vertices.
    g = pts / cell + n + np.array([0.00137, 0.00291, 0.0])
    toggles = np.zeros((size, size, size + 1), np.int32)
    for tri in np.asarray(triangles, dtype=int):
        x, y, z = g[tri, 0], g[tri, 1], g[tri, 2]
        det = (y[1] - y[2]) * (x[0] - x[2]) + (x[2] - x[1]) * (y[0] - y[2])
        if abs(det) < 1e-12:
            continue  # seen edge-on from the rays
        ix0, ix1 = max(int(np.ceil(x.min())), 0), min(int(np.floor(x.max())), size - 1)
        iy0, iy1 = max(int(np.ceil(y.min())), 0), min(int(np.floor(y.max())), size - 1)
        if ix1 < ix0 or iy1 < iy0:
            continue
        gx, gy = np.meshgrid(np.arange(ix0, ix1 + 1), np.arange(iy0, iy1 + 1), indexing="ij")
        a = ((y[1] - y[2]) * (gx - x[2]) + (x[2] - x[1]) * (gy - y[2])) / det
        b = ((y[2] - y[0]) * (gx - x[2]) + (x[0] - x[2]) * (gy - y[2])) / det
        c = 1.0 - a - b
        inside = (a >= 0) & (b >= 0) & (c >= 0)
        if not inside.any():
            continue
        zc = a * z[0] + b * z[1] + c * z[2]
        k = np.clip(np.floor(zc[inside]).astype(int) + 1, 0, size)
        np.add.at(toggles, (gx[inside], gy[inside], k), 1)
    return (np.cumsum(toggles, axis=2)[:, :, :size] % 2).astype(bool)


def _turn(grid: np.ndarray, perm, signs) -> np.ndarray:
    turned = np.transpose(grid, perm)
    for axis, sign in enumerate(signs):
        if sign < 0:
            turned = np.flip(turned, axis)
    return turned


def _reach(shape, centre) -> float:
    bb = shape.BoundBox
    return max(abs(bb.XMin - centre.x), abs(bb.XMax - centre.x), abs(bb.YMin - centre.y),
               abs(bb.YMax - centre.y), abs(bb.ZMin - centre.z), abs(bb.ZMax - centre.z))


def estimates(truth, answer, factor: float = 1.0) -> list[float]:
    """Voxel IoU of ``answer`` (scaled by ``factor``) in each of the 24 orientations."""
    ct, ca = _centre(truth), _centre(answer)
    cell = max(_extents(truth)) / VOXELS_ALONG_LONGEST
    reach = max(_reach(truth, ct), _reach(answer, ca) * factor)
    cell = max(cell, reach / 80.0)  # bound the grid when the answer is far too large
    n = int(np.ceil(reach / cell)) + 2
    grid_t = voxels(truth, ct, cell, n)
    grid_a = voxels(answer, ca, cell / factor, n)
    result = []
    for _, perm, signs in ORIENTATION_TABLE:
        turned = _turn(grid_a, perm, signs)
        union = np.logical_or(grid_t, turned).sum()
        result.append(float(np.logical_and(grid_t, turned).sum() / union) if union else 0.0)
    return result


def best_iou(truth, answer, factor: float = 1.0) -> Match:
    """The highest IoU of ``answer`` over the 24 orientations.

    A voxel estimate ranks the orientations; exact booleans are computed for the best few by
    that estimate (the rest cannot win but by the voxels' error), and an upper bound from the
    bounding-box overlap skips any whose bound is below the best exact IoU found.
    """
    vt, va = abs(truth.Volume), abs(answer.Volume) * factor ** 3
    guess = estimates(truth, answer, factor)
    order = sorted(range(len(ORIENTATIONS)), key=lambda i: -guess[i])
    best = None
    for rank, index in enumerate(order):
        if rank >= EXACT_CANDIDATES or guess[index] < guess[order[0]] - ESTIMATE_MARGIN:
            break
        # Centres of mass coincide when the shape is right; when the answer has extra or
        # missing material they drift apart, and the bounding boxes line up better.
        for align in ALIGNMENTS:
            shape = placed(truth, answer, ORIENTATIONS[index], factor, align)
            overlap = min(vt, va, _bbox_overlap(truth.BoundBox, shape.BoundBox))
            bound = overlap / (vt + va - overlap) if overlap > 0 else 0.0
            if best is not None and bound <= best.iou + 1e-9:
                continue
            inter = _common_volume(truth, shape)
            iou = inter / (vt + va - inter) if inter > 0 else 0.0
            if best is None or iou > best.iou:
                best = Match(iou, index, _extents(shape))
    return best


def _extents(shape) -> tuple:
    bb = shape.BoundBox
    return (bb.XLength, bb.YLength, bb.ZLength)


def hole_count(shape) -> int:
    """Holes: concave, (nearly) full cylindrical surfaces, one per run along one axis (a
    counterbore and its hole are one; two coaxial holes in opposite walls are two)."""
    groups: dict = {}
    for face in shape.Faces:
        surf = face.Surface
        if surf.TypeId != "Part::GeomCylinder":
            continue
        u0, u1, v0, v1 = face.ParameterRange
        p = face.valueAt((u0 + u1) / 2, (v0 + v1) / 2)
        n = face.normalAt((u0 + u1) / 2, (v0 + v1) / 2)
        axis = V(surf.Axis).normalize()
        radial = p - V(surf.Center)
        radial = radial - axis * radial.dot(axis)
        if n.dot(radial) >= 0:
            continue  # convex: a boss or an outside diameter
        for comp in (axis.x, axis.y, axis.z):
            if abs(comp) > 1e-9:
                if comp < 0:
                    axis = -axis
                break
        centre = V(surf.Center)
        foot = centre - axis * centre.dot(axis)
        key = (round(axis.x, 3), round(axis.y, 3), round(axis.z, 3),
               round(foot.x, 1), round(foot.y, 1), round(foot.z, 1))
        ts = [(v.Point - foot).dot(axis) for v in face.Vertexes]
        if not ts:
            bb = face.BoundBox
            ts = [(V(bb.XMin, bb.YMin, bb.ZMin) - foot).dot(axis),
                  (V(bb.XMax, bb.YMax, bb.ZMax) - foot).dot(axis)]
        groups.setdefault(key, []).append((min(ts), max(ts), abs(u1 - u0)))
    count = 0
    for runs in groups.values():
        runs.sort()
        merged = []
        for t0, t1, span in runs:
            if merged and t0 <= merged[-1][1] + 1e-3:
                merged[-1][1] = max(merged[-1][1], t1)
                merged[-1][2] += span
            else:
                merged.append([t0, t1, span])
        # Two half-cylinders along the same run make one full hole.
        count += sum(1 for m in merged if m[2] >= math.radians(300))
    return count


@dataclass
class Score:
    iou: float = 0.0  # at true scale
    iou_normalised: float = 0.0  # after scaling the answer to the truth's size (box diagonal)
    volume_error: float = 1.0  # |Va - Vt| / Vt
    bbox_error: float = 1.0  # worst relative extent error, in the best orientation
    holes: int = 0
    orientation: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def score(truth, answer) -> Score:
    """All the measures of ``answer`` against ``truth`` (both OCC solids, millimetres)."""
    vt, va = abs(truth.Volume), abs(answer.Volume)
    true_scale = best_iou(truth, answer)
    # The size a reader would correct: the bounding boxes' diagonals. (Matching volumes
    # instead would shrink an answer with extra material and count that error twice.)
    factor = _box_diagonal(truth) / _box_diagonal(answer)
    normalised = best_iou(truth, answer, factor) if abs(factor - 1) > 1e-6 else true_scale
    te = _extents(truth)
    bbox_error = max(abs(a - t) / t for a, t in zip(true_scale.extents, te) if t > 0)
    return Score(iou=true_scale.iou, iou_normalised=normalised.iou,
                 volume_error=abs(va - vt) / vt, bbox_error=bbox_error,
                 holes=hole_count(answer), orientation=true_scale.orientation)


def failed() -> Score:
    """A failed case: IoU 0, errors 100 %."""
    return Score()


def main(argv: list[str]) -> int:
    """``python3 -m benchmarks.score TRUTH.brep ANSWER.step``: the score as JSON on stdout (the
    runner calls this in a subprocess so that a boolean that never ends cannot stall a run)."""
    import json

    truth = as_solid(Part.read(argv[0]))
    try:
        answer = read_step(argv[1])
    except (ValueError, RuntimeError, Part.OCCError) as exc:
        print(json.dumps({"error": "unreadable_step", "message": str(exc)[:300]}))
        return 0
    print(json.dumps(score(truth, answer).to_dict()))
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
