# SPDX-License-Identifier: LGPL-2.1-or-later
"""Geometry fitting: circles, thinning, pixel chains to lines and arcs."""

from __future__ import annotations

import math

import cv2
import numpy as np


def fit_circle(points: np.ndarray, weights: np.ndarray | None = None
               ) -> tuple[float, float, float, float]:
    """Least-squares circle through ``points`` (N x 2): (cx, cy, r, rms residual)."""
    pts = np.asarray(points, dtype=float)
    if len(pts) < 3:
        return 0.0, 0.0, 0.0, math.inf
    w = np.ones(len(pts)) if weights is None else np.asarray(weights, dtype=float)
    x, y = pts[:, 0], pts[:, 1]
    a = np.stack([x, y, np.ones_like(x)], axis=1) * w[:, None]
    b = (x * x + y * y) * w
    try:
        sol, *_ = np.linalg.lstsq(a, b, rcond=None)
    except np.linalg.LinAlgError:
        return 0.0, 0.0, 0.0, math.inf
    cx, cy = sol[0] / 2, sol[1] / 2
    r2 = sol[2] + cx * cx + cy * cy
    if r2 <= 0:
        return 0.0, 0.0, 0.0, math.inf
    r = math.sqrt(r2)
    resid = np.hypot(x - cx, y - cy) - r
    rms = float(np.sqrt(np.average(resid * resid, weights=w)))
    return float(cx), float(cy), float(r), rms


def _thinning_tables() -> tuple[np.ndarray, np.ndarray]:
    """Zhang-Suen's deletion rule for both sub-iterations, for each of the 256 neighbourhoods
    (bit k set when neighbour P(k + 2) is ink, P2 north, then clockwise)."""
    tables = []
    for step in (0, 1):
        table = np.zeros(256, bool)
        for code in range(256):
            p = [(code >> k) & 1 for k in range(8)]  # p[0] = P2 ... p[7] = P9
            p2, p3, p4, p5, p6, p7, p8, p9 = p
            ring = p + p[:1]
            transitions = sum(ring[i] == 0 and ring[i + 1] == 1 for i in range(8))
            if step == 0:
                c1, c2 = p2 * p4 * p6 == 0, p4 * p6 * p8 == 0
            else:
                c1, c2 = p2 * p4 * p8 == 0, p2 * p6 * p8 == 0
            table[code] = 2 <= sum(p) <= 6 and transitions == 1 and c1 and c2
        tables.append(table)
    return tables[0], tables[1]


_THIN_TABLES = _thinning_tables()


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning of a binary mask (uint8 0/255) to one-pixel centre lines."""
    img = (mask > 0).astype(np.uint8)
    img = np.pad(img, 1)
    # Work on the ink pixels only (flat indices): line work covers a few percent of a sheet.
    flat = img.ravel()
    width = img.shape[1]
    where = np.flatnonzero(flat)
    # P2..P9: north, then clockwise.
    offsets = (-width, -width + 1, 1, width + 1, width, width - 1, -1, -width - 1)
    while len(where):
        changed = False
        for table in _THIN_TABLES:
            code = flat[where + offsets[0]].copy()
            for bit, offset in enumerate(offsets[1:], start=1):
                code |= flat[where + offset] << bit
            remove = table[code]
            if remove.any():
                flat[where[remove]] = 0
                where = where[~remove]
                changed = True
        if not changed:
            break
    return img[1:-1, 1:-1] * 255


_OFFSETS = ((-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1))
_WALK_ORDER = ((-1, 0), (0, 1), (1, 0), (0, -1), (-1, -1), (-1, 1), (1, 1), (1, -1))


def trace_chains(skeleton: np.ndarray, min_length: int = 3) -> list[np.ndarray]:
    """Pixel chains (N x 2 arrays of x, y) between end and junction pixels of a skeleton."""
    sk = (skeleton > 0).astype(np.uint8)
    padded = np.pad(sk, 1)
    count = sum(np.roll(np.roll(padded, dy, 0), dx, 1) for dy, dx in _OFFSETS)[1:-1, 1:-1]
    count = count * sk
    # Ends have one neighbour; junctions cross from background to line three times or more
    # going round the pixel. A staircase corner (three neighbours, two crossings) is neither.
    ring = [padded[:-2, 1:-1], padded[:-2, 2:], padded[1:-1, 2:], padded[2:, 2:],
            padded[2:, 1:-1], padded[2:, :-2], padded[1:-1, :-2], padded[:-2, :-2]]
    crossings = sum(((ring[i] == 0) & (ring[(i + 1) % 8] == 1)).astype(np.uint8)
                    for i in range(8))
    node = (sk == 1) & ((count <= 1) | (crossings >= 3))
    ys, xs = np.nonzero(sk)
    pixels = set(zip(ys.tolist(), xs.tolist()))
    nodes = set(zip(*np.nonzero(node)))
    nodes = {(int(y), int(x)) for y, x in nodes}
    visited_edges: set[tuple] = set()
    chains: list[np.ndarray] = []
    seen: set[tuple[int, int]] = set()

    def walk(start: tuple[int, int], nxt: tuple[int, int]) -> list[tuple[int, int]]:
        path = [start, nxt]
        local = {start, nxt}
        cur = nxt
        while cur not in nodes:
            seen.add(cur)
            step = None
            for dy, dx in _WALK_ORDER:  # side neighbours first: staircases are walked in full
                cand = (cur[0] + dy, cur[1] + dx)
                if cand in pixels and (cand not in local or (cand == start and len(path) > 3)):
                    step = cand
                    break
            if step is None:
                break
            path.append(step)
            local.add(step)
            cur = step
            if cur == start:
                break
        return path

    for start in nodes:
        for dy, dx in _OFFSETS:
            nxt = (start[0] + dy, start[1] + dx)
            if nxt not in pixels:
                continue
            key = (start, nxt)
            if key in visited_edges:
                continue
            path = walk(start, nxt)
            visited_edges.add(key)
            if len(path) >= 2:
                visited_edges.add((path[-1], path[-2]))
            if len(path) >= min_length:
                chains.append(np.array([(x, y) for y, x in path], dtype=float))
    # Closed loops without any node (circles drawn on their own).
    for pixel in pixels - seen - nodes:
        if pixel in seen:
            continue
        y, x = pixel
        nbrs = [(y + dy, x + dx) for dy, dx in _OFFSETS if (y + dy, x + dx) in pixels]
        if not nbrs:
            continue
        nodes.add(pixel)
        path = walk(pixel, nbrs[0])
        nodes.discard(pixel)
        seen.update(path)
        if len(path) >= min_length:
            chains.append(np.array([(px, py) for py, px in path], dtype=float))
    return chains


def _turn(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    """Signed turning angle (degrees) at ``b`` going a -> b -> c."""
    v1, v2 = b - a, c - b
    ang = math.degrees(math.atan2(v1[0] * v2[1] - v1[1] * v2[0], float(np.dot(v1, v2))))
    return ang


def split_chain(points: np.ndarray, tolerance: float = 1.2, closed: bool = False
                ) -> list[tuple]:
    """A pixel chain as pieces: ("line", p0, p1) or ("arc", cx, cy, r, start_pt, end_pt, pts)
    or ("circle", cx, cy, r), all in the chain's own (image) coordinates."""
    pts = np.asarray(points, dtype=float)
    if len(pts) < 2:
        return []
    if closed and len(pts) >= 12:
        cx, cy, r, rms = fit_circle(pts)
        if r > 2 and rms < 0.6 + 0.004 * r:
            return [("circle", cx, cy, r)]
    if len(pts) >= 10:
        # The whole chain on one circle: one arc (fits on short pieces are ill-conditioned).
        cx, cy, r, rms = fit_circle(pts)
        chord = float(np.hypot(*(pts[-1] - pts[0])))
        sagitta = r - math.sqrt(max(0.0, r * r - chord * chord / 4)) if r > chord / 2 else r
        worst = float(np.max(np.abs(np.hypot(pts[:, 0] - cx, pts[:, 1] - cy) - r)))
        # A straight run with a curl at one end also fits a huge circle: refuse those.
        if (r > 2 and rms < 0.6 and worst < max(1.0, 1.5 * tolerance)
                and sagitta > 2 * tolerance and sagitta > 0.04 * chord):
            return [("arc", cx, cy, r, pts[0].copy(), pts[-1].copy(), pts)]
    if closed:
        # approxPolyDP starts a closed curve's polygon where it likes (an extreme point), and
        # the vertices are matched to the chain in order below: start the chain there, and
        # walk it as an open polyline that ends where it began.
        if float(np.hypot(*(pts[-1] - pts[0]))) < 0.5:
            pts = pts[:-1]
        first = cv2.approxPolyDP(pts.astype(np.float32).reshape(-1, 1, 2), tolerance,
                                 True).reshape(-1, 2)[0]
        k = int(np.argmin(np.hypot(pts[:, 0] - first[0], pts[:, 1] - first[1])))
        pts = np.roll(pts, -k, axis=0)
        pts = np.vstack([pts, pts[:1]])
    approx = cv2.approxPolyDP(pts.astype(np.float32).reshape(-1, 1, 2), tolerance, False)
    approx = approx.reshape(-1, 2)
    if closed and (len(approx) < 2 or np.any(approx[-1] != pts[-1])):
        approx = np.vstack([approx, pts[-1:]])  # OpenCV drops an end equal to the start
    # Index of each polygon vertex along the dense chain.
    index = []
    cursor = 0
    for vertex in approx:
        d = np.hypot(pts[cursor:, 0] - vertex[0], pts[cursor:, 1] - vertex[1])
        cursor = cursor + int(np.argmin(d))
        index.append(cursor)
    pieces: list[tuple] = []
    i = 0
    n = len(approx)
    sides = np.hypot(*(np.diff(approx, axis=0).T)) if n > 1 else np.zeros(0)
    while i < n - 1:
        j = i + 1
        # Grow a run of gently turning segments in one direction, of like lengths (a long
        # straight side ends the polygon of an arc): an arc candidate.
        sign = 0
        longest = sides[i]
        while j < n - 1:
            turn = _turn(approx[j - 1], approx[j], approx[j + 1])
            if not (1.5 < abs(turn) < 50):
                break
            if sign and np.sign(turn) != sign:
                break
            if not (longest / 3.0 <= sides[j] <= 3.0 * longest):
                break
            sign = np.sign(turn)
            longest = max(longest, sides[j])
            j += 1
        arc = None
        # The longest run that fits one circle (a tangent line may still have joined it).
        for end in range(j, i + 1, -1):
            seg = pts[index[i]:index[end] + 1]
            cx, cy, r, rms = fit_circle(seg)
            chord = float(np.hypot(*(seg[-1] - seg[0])))
            worst = float(np.max(np.abs(np.hypot(seg[:, 0] - cx, seg[:, 1] - cy) - r)))
            if r > 2 and rms < 0.7 and worst < max(1.2, 1.5 * tolerance) and chord > 3:
                arc = ("arc", cx, cy, r, seg[0].copy(), seg[-1].copy(), seg), end
                break
        if arc is not None:
            pieces.append(arc[0])
            i = arc[1]
            continue
        j = i + 1
        pieces.append(("line", approx[i].astype(float), approx[j].astype(float)))
        i = j
    if closed and len(pieces) > 2 and pieces[0][0] == pieces[-1][0] == "arc":
        # The chain began inside an arc: its two ends are one arc.
        seg = np.vstack([pieces[-1][6], pieces[0][6][1:]])
        cx, cy, r, rms = fit_circle(seg)
        worst = float(np.max(np.abs(np.hypot(seg[:, 0] - cx, seg[:, 1] - cy) - r)))
        if r > 2 and rms < 0.7 and worst < max(1.2, 1.5 * tolerance):
            pieces = [("arc", cx, cy, r, seg[0].copy(), seg[-1].copy(), seg)] + pieces[1:-1]
    return pieces


def fit_line_points(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Endpoints of the total-least-squares line through ``points`` spanning them."""
    pts = np.asarray(points, dtype=float)
    mean = pts.mean(axis=0)
    if len(pts) < 2:
        return mean, mean
    _, _, vt = np.linalg.svd(pts - mean, full_matrices=False)
    direction = vt[0]
    t = (pts - mean) @ direction
    return mean + direction * t.min(), mean + direction * t.max()
