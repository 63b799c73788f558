# SPDX-License-Identifier: LGPL-2.1-or-later
"""Complete a sketch's constraints so that it is fully constrained, with no redundancy.

Pure data (no FreeCAD). The plan's sketches carry joints (Coincident), Horizontal/Vertical,
hole diameters and the overall sizes; what is left free is found from the rank of the
constraints' Jacobian at the sketch's own geometry (the test the Sketcher solver makes): a
candidate dimension is added only when it removes a degree of freedom, so a loop's closing
edge, or an edge the overall ``width`` already fixes, is skipped. Candidates come in the order
an engineer would dimension: per loop its edge lengths (shortest first), arc radii and where it
sits; then hole centres. Every value is measured on the geometry after it is first made to
meet the plan's own constraints exactly (least squares: a line read half a degree off level is
levelled here, the same way every run), so the solver has nothing left to move.

Sketcher references: geometry index and vertex (1 start, 2 end, 3 centre); geometry -1 vertex 1
is the origin, geometry -1 the horizontal axis and -2 the vertical axis.
"""

from __future__ import annotations

import math
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ..plan import Arc, Circle, Constraint, Line, Sketch

ROOT, H_AXIS, V_AXIS = -1, -1, -2
# A row whose part outside the span of the rows before it is smaller than this (relative) adds
# no freedom: the constraint would be redundant.
RANK_TOL = 1e-6
# Below this (mm) a distance is zero: such a size is not a dimension worth adding.
ZERO_MM = 1e-6
# The work grows with the cube of the unknowns (4 a line): past this (a traced outline of a
# hundred edges), a sketch is left as the plan has it: the build says it is not fully constrained.
MAX_UNKNOWNS = 400

Point = Tuple[float, float]


class _Params:
    """The sketch's unknowns, as the Sketcher solver has them: a line's two ends, a circle's
    centre and radius, an arc's centre, radius and two angles."""

    def __init__(self, geometry: Sequence):
        self.geometry = list(geometry)
        self.offsets: List[int] = []
        values: List[float] = []
        for prim in self.geometry:
            self.offsets.append(len(values))
            if isinstance(prim, Line):
                values += [prim.x0, prim.y0, prim.x1, prim.y1]
            elif isinstance(prim, Circle):
                values += [prim.cx, prim.cy, prim.r]
            else:
                a0 = math.radians(prim.start_deg)
                values += [prim.cx, prim.cy, prim.r, a0, a0 + math.radians(prim.sweep_deg())]
        self.values = np.array(values, dtype=float)
        # The solver's unknowns in millimetres: an angle is taken as the arc length it sweeps,
        # so ``per_mm`` turns a millimetre into the parameter's own unit (1 or 1 / radius).
        self.per_mm = np.ones(len(values))
        self.angle = np.zeros(len(values), dtype=bool)
        for g, prim in enumerate(self.geometry):
            if isinstance(prim, Arc):
                o = self.offsets[g]
                self.per_mm[o + 3: o + 5] = 1.0 / max(prim.r, 1e-9)
                self.angle[o + 3: o + 5] = True

    def primitives(self, v) -> list:
        """The geometry at parameters ``v``."""
        out = []
        for g, prim in enumerate(self.geometry):
            o = self.offsets[g]
            if isinstance(prim, Line):
                out.append(Line(*v[o: o + 4], prim.line_type))
            elif isinstance(prim, Circle):
                out.append(Circle(*v[o: o + 3], prim.line_type))
            else:
                out.append(Arc(v[o], v[o + 1], v[o + 2], math.degrees(v[o + 3]) % 360.0,
                               math.degrees(v[o + 4]) % 360.0, prim.line_type))
        return out

    def span(self, g: int) -> range:
        if g < 0:
            return range(0)
        size = {Line: 4, Circle: 3, Arc: 5}[type(self.geometry[g])]
        return range(self.offsets[g], self.offsets[g] + size)

    def point(self, v, g: int, pos: int) -> Point:
        if g < 0:
            return (0.0, 0.0)
        o, prim = self.offsets[g], self.geometry[g]
        if isinstance(prim, Line):
            return (v[o], v[o + 1]) if pos == 1 else (v[o + 2], v[o + 3])
        if pos == 3 or isinstance(prim, Circle):
            return (v[o], v[o + 1])
        a = v[o + 3] if pos == 1 else v[o + 4]
        return (v[o] + v[o + 2] * math.cos(a), v[o + 1] + v[o + 2] * math.sin(a))

    def radius(self, v, g: int) -> float:
        return v[self.offsets[g] + 2]

    def is_line(self, g: int) -> bool:
        return g >= 0 and isinstance(self.geometry[g], Line)


def _unit(dx: float, dy: float) -> Point:
    n = math.hypot(dx, dy) or 1.0
    return dx / n, dy / n


def _line_dir(p: _Params, v, g: int) -> Point:
    (x0, y0), (x1, y1) = p.point(v, g, 1), p.point(v, g, 2)
    return _unit(x1 - x0, y1 - y0)


def _tangent_dir(p: _Params, v, g: int, pos: int) -> Point:
    """Direction of an edge at one of its ends (a line's own direction)."""
    if p.is_line(g):
        return _line_dir(p, v, g)
    cx, cy = p.point(v, g, 3)
    x, y = p.point(v, g, pos)
    return _unit(-(y - cy), x - cx)


def _line_distance(p: _Params, v, point: Point, g: int) -> float:
    """Signed distance of ``point`` from line ``g``."""
    (x0, y0), (x1, y1) = p.point(v, g, 1), p.point(v, g, 2)
    ux, uy = _unit(x1 - x0, y1 - y0)
    return (point[0] - x0) * uy - (point[1] - y0) * ux


def _length(p: _Params, v, g: int) -> float:
    if p.is_line(g):
        return math.dist(p.point(v, g, 1), p.point(v, g, 2))
    return p.radius(v, g)


def _functions(p: _Params, c: Constraint) -> Optional[Callable]:
    """The constraint's equations as a function of the parameters (its value left out: only
    their derivatives matter), or None for a kind this pass does not know."""
    r, kind = c.refs, c.kind
    pt, n = p.point, len(r)

    def coord(axis):
        if n == 1:
            return lambda v: [pt(v, r[0], 2)[axis] - pt(v, r[0], 1)[axis]]
        if n == 2:
            return lambda v: [pt(v, r[0], r[1])[axis]]
        return lambda v: [pt(v, r[2], r[3])[axis] - pt(v, r[0], r[1])[axis]]

    if kind == "Coincident" and n == 4:
        return lambda v: [a - b for a, b in zip(pt(v, r[0], r[1]), pt(v, r[2], r[3]))]
    if kind in ("Horizontal", "DistanceY"):
        return coord(1)
    if kind in ("Vertical", "DistanceX"):
        return coord(0)
    if kind in ("Radius", "Diameter") and n == 1:
        return lambda v: [p.radius(v, r[0])]
    if kind == "Distance":
        if n == 1:
            return lambda v: [_length(p, v, r[0])]
        if n == 4:
            return lambda v: [math.dist(pt(v, r[0], r[1]), pt(v, r[2], r[3]))]
        if n == 3 and p.is_line(r[2]):
            return lambda v: [_line_distance(p, v, pt(v, r[0], r[1]), r[2])]
    if kind == "PointOnObject" and n == 3:
        g = r[2]
        if g in (H_AXIS, V_AXIS):
            return lambda v: [pt(v, r[0], r[1])[1 if g == H_AXIS else 0]]
        if p.is_line(g):
            return lambda v: [_line_distance(p, v, pt(v, r[0], r[1]), g)]
        if g >= 0:
            return lambda v: [math.dist(pt(v, r[0], r[1]), pt(v, g, 3)) - p.radius(v, g)]
    if kind in ("Parallel", "Perpendicular") and n == 2:
        def turn(v):
            (ax, ay), (bx, by) = _line_dir(p, v, r[0]), _line_dir(p, v, r[1])
            return [ax * by - ay * bx if kind == "Parallel" else ax * bx + ay * by]
        return turn
    if kind == "Equal" and n == 2:
        return lambda v: [_length(p, v, r[0]) - _length(p, v, r[1])]
    if kind == "Tangent" and n == 4:
        def smooth(v):
            (ax, ay), (bx, by) = _tangent_dir(p, v, r[0], r[1]), _tangent_dir(p, v, r[2], r[3])
            a, b = pt(v, r[0], r[1]), pt(v, r[2], r[3])
            return [a[0] - b[0], a[1] - b[1], ax * by - ay * bx]
        return smooth
    if kind == "Tangent" and n == 2:
        g, h = r if p.is_line(r[0]) else (r[1], r[0])
        if p.is_line(g) and not p.is_line(h):
            return lambda v: [abs(_line_distance(p, v, pt(v, h, 3), g)) - p.radius(v, h)]
        if not p.is_line(g):
            def touching(v):
                d = math.dist(pt(v, g, 3), pt(v, h, 3))
                r1, r2 = p.radius(v, g), p.radius(v, h)
                return [min(d - (r1 + r2), d - abs(r1 - r2), key=abs)]
            return touching
    if kind == "Angle" and n == 1 and p.is_line(r[0]):
        return lambda v: [math.atan2(*reversed(_line_dir(p, v, r[0])))]
    return None


def _target(c: Constraint) -> float:
    """What the constraint's function (``_functions``) equals when it holds."""
    if c.value is None or c.kind not in ("DistanceX", "DistanceY", "Distance", "Radius",
                                         "Diameter", "Angle"):
        return 0.0
    return c.value / 2 if c.kind == "Diameter" else c.value


def _rows(p: _Params, f: Callable, cols: Sequence[int], v, scale_mm: float) -> np.ndarray:
    """The Jacobian rows of ``f`` at ``v``, per millimetre of each unknown (central
    differences over the few unknowns ``cols`` it touches)."""
    v = np.array(v, dtype=float)
    base = f(v)
    rows = np.zeros((len(base), len(v)))
    for i in cols:
        h = 1e-6 if p.angle[i] else 1e-6 * scale_mm
        keep = v[i]
        v[i] = keep + h
        up = f(v)
        v[i] = keep - h
        down = f(v)
        v[i] = keep
        rows[:, i] = [(a - b) / (2 * h) * p.per_mm[i] for a, b in zip(up, down)]
    return rows


def _touched(p: _Params, c: Constraint) -> set:
    """Parameter indices a constraint's references can reach (every geometry it names)."""
    geos = set()
    r = c.refs
    if c.kind in ("Coincident", "DistanceX", "DistanceY", "Distance", "Horizontal", "Vertical",
                  "Tangent", "Symmetric") and len(r) >= 4:
        geos.update(r[0::2])
    elif c.kind == "PointOnObject" or (c.kind == "Distance" and len(r) == 3):
        geos.update((r[0], r[2]))
    elif c.kind in ("DistanceX", "DistanceY") and len(r) == 2:
        geos.add(r[0])
    else:
        geos.update(r)
    return {i for g in geos if 0 <= g < len(p.geometry) for i in p.span(g)}


class _Rank:
    """Rows taken so far, orthonormalised: whether a new constraint removes freedom."""

    def __init__(self, size: int):
        self.basis = np.zeros((max(size, 1), max(size, 1)))
        self.count = 0

    def take(self, rows: np.ndarray) -> bool:
        """Take every row, or none when any of them adds nothing (a redundant constraint)."""
        start = self.count
        for row in rows:
            norm = np.linalg.norm(row)
            if norm == 0 or self.count >= len(self.basis):
                self.count = start
                return False
            r = row / norm
            q = self.basis[:self.count]
            for _ in range(2):
                r = r - q.T @ (q @ r)
            left = np.linalg.norm(r)
            if left < RANK_TOL:
                self.count = start
                return False
            self.basis[self.count] = r / left
            self.count += 1
        return True


def _points(prim) -> List[Tuple[int, Point]]:
    if isinstance(prim, Circle):
        return [(3, (prim.cx, prim.cy))]
    if isinstance(prim, Arc):
        return [(1, prim.start()), (2, prim.end()), (3, (prim.cx, prim.cy))]
    return [(1, prim.start()), (2, prim.end())]


def _components(sketch: Sketch) -> List[List[int]]:
    """Geometry joined by Coincident constraints (a loop each), in geometry order."""
    parent = list(range(len(sketch.geometry)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for c in sketch.constraints:
        if c.kind == "Coincident" and len(c.refs) == 4 and min(c.refs[0], c.refs[2]) >= 0:
            parent[find(c.refs[0])] = find(c.refs[2])
    groups: Dict[int, List[int]] = {}
    for g in range(len(sketch.geometry)):
        groups.setdefault(find(g), []).append(g)
    return sorted(groups.values(), key=lambda group: group[0])


def _box(sketch: Sketch, group: List[int]) -> Tuple[float, float, float, float]:
    xs, ys = [], []
    for g in group:
        prim = sketch.geometry[g]
        if isinstance(prim, (Circle, Arc)):
            xs += [prim.cx - prim.r, prim.cx + prim.r]
            ys += [prim.cy - prim.r, prim.cy + prim.r]
        else:
            xs += [prim.x0, prim.x1]
            ys += [prim.y0, prim.y1]
    return min(xs), min(ys), max(xs), max(ys)


class _Names:
    """Unique constraint names, the existing ones kept."""

    def __init__(self, sketch: Sketch):
        self.used = {c.name for c in sketch.constraints if c.name}

    def __call__(self, name: str) -> str:
        if not name:
            return ""
        unique, n = name, 2
        while unique in self.used:
            unique, n = f"{name}{n}", n + 1
        self.used.add(unique)
        return unique


def _prefix(sketch: Sketch) -> str:
    """The sketch's name prefix (``top_`` for ``top_width``), from its overall sizes."""
    for c in sketch.constraints:
        for size in ("width", "height"):
            if c.kind in ("DistanceX", "DistanceY") and c.name.endswith(size):
                return c.name[: -len(size)]
    return ""


def _apart(kind: str, a: Tuple[int, int, Point], b: Tuple[int, int, Point],
           name: str = "") -> Optional[Constraint]:
    """DistanceX/DistanceY from ``a`` to ``b`` ((geo, pos, point)), ends ordered so that the
    value is positive; None when they are level (no size)."""
    axis = 0 if kind == "DistanceX" else 1
    value = b[2][axis] - a[2][axis]
    if abs(value) <= ZERO_MM:
        return None
    if value < 0:
        a, b, value = b, a, -value
    return Constraint(kind, [a[0], a[1], b[0], b[1]], value, name)


def _from_origin(kind: str, g: int, pos: int, point: Point, name: str = "") -> Constraint:
    """Where a point sits: on the axis when it is at zero, else its distance from the origin."""
    axis = 0 if kind == "DistanceX" else 1
    if abs(point[axis]) <= ZERO_MM:
        return Constraint("PointOnObject", [g, pos, V_AXIS if axis == 0 else H_AXIS])
    return _apart(kind, (ROOT, 1, (0.0, 0.0)), (g, pos, point), name)


def _level_lines(sketch: Sketch) -> List[Constraint]:
    """Horizontal/Vertical for lines drawn exactly level that lack it (an axis of revolution)."""
    aligned = {c.refs[0] for c in sketch.constraints
               if c.kind in ("Horizontal", "Vertical") and len(c.refs) == 1}
    out = []
    for g, prim in enumerate(sketch.geometry):
        if isinstance(prim, Line) and g not in aligned and prim.length() > ZERO_MM:
            if abs(prim.y1 - prim.y0) <= ZERO_MM:
                out.append(Constraint("Horizontal", [g]))
            elif abs(prim.x1 - prim.x0) <= ZERO_MM:
                out.append(Constraint("Vertical", [g]))
    return out


def _candidates(sketch: Sketch) -> List[Tuple[Constraint, str]]:
    """Dimensions worth having, best first, each with the name it gets if it is taken."""
    geometry, prefix = sketch.geometry, _prefix(sketch)
    aligned = {c.refs[0] for c in sketch.constraints
               if c.kind in ("Horizontal", "Vertical") and len(c.refs) == 1}
    named_geos = {g for c in sketch.constraints if c.name for g in c.refs[0::2] if g >= 0}
    groups = _components(sketch)
    edges = [grp for grp in groups if not all(isinstance(geometry[g], Circle) for g in grp)]
    boxes = {id(grp): _box(sketch, grp) for grp in edges}
    outline = next((grp for grp in edges if named_geos & set(grp)), edges[0] if edges else None)

    def encloses(grp):
        x0, y0, x1, y1 = boxes[id(grp)]
        others = [boxes[id(o)] for o in edges if o is not grp]
        return bool(others) and not (named_geos & set(grp)) and all(
            x0 < a and y0 < b and x1 > c and y1 > d for a, b, c, d in others)

    margin = next((grp for grp in edges if encloses(grp)), None)
    out: List[Tuple[Optional[Constraint], str]] = []

    cutouts = 0
    order = [grp for grp in edges if grp is outline] + [
        grp for grp in edges if grp is not outline and grp is not margin]
    for grp in order:
        if grp is outline:
            base = prefix
        elif all(g in sketch.construction for g in grp):
            base = "#"  # an axis of revolution: sized, but not a size of the part
        else:
            cutouts += 1
            base = f"{prefix}cutout{cutouts}_"
        sizes = {"DistanceX": [], "DistanceY": []}
        slopes, arcs = [], []
        for g in grp:
            prim = geometry[g]
            a, b = (g, 1, prim.start()), (g, 2, prim.end())
            if isinstance(prim, Arc):
                arcs.append(g)
                continue
            for kind in ("DistanceX", "DistanceY"):
                c = _apart(kind, a, b)
                if c is None:
                    continue
                if g in aligned or (isinstance(prim, Line) and (
                        abs(prim.x1 - prim.x0) <= ZERO_MM or abs(prim.y1 - prim.y0) <= ZERO_MM)):
                    sizes[kind].append(c)
                else:
                    slopes.append((g, kind, c))
        # A speck of a line that bridges a gap the drawing left (a few hundredths of the loop)
        # is sized too, but last and not named.
        x0, y0, x1, y1 = boxes[id(grp)]
        speck = 0.02 * math.hypot(x1 - x0, y1 - y0)
        for kind, suffix in (("DistanceX", "w"), ("DistanceY", "h")):
            real = sorted((c for c in sizes[kind] if c.value >= speck), key=lambda c: c.value)
            for k, c in enumerate(real, start=1):
                out.append((c, f"{base}step{k}_{suffix}" if grp is outline
                            else f"{base}{suffix}{k if k > 1 else ''}"))
            out += [(c, "") for c in sizes[kind] if c.value < speck]
        # A sloped edge is sized by its run and rise.
        named = sorted({g for g, _, _ in slopes if geometry[g].length() >= speck})
        for g, kind, c in slopes:
            axis = "dx" if kind == "DistanceX" else "dy"
            out.append((c, f"{base}slope{named.index(g) + 1}_{axis}" if g in named else ""))
        for k, g in enumerate(arcs, start=1):
            prim = geometry[g]
            out.append((Constraint("Radius", [g], prim.r), f"{base}arc{k}_r"))
            for kind in ("DistanceX", "DistanceY"):
                c = _apart(kind, (g, 1, prim.start()), (g, 2, prim.end()))
                if c is not None:
                    out.append((c, f"{base}arc{k}_{'dx' if kind == 'DistanceX' else 'dy'}"))
        # Where the loop sits: its lowest-left corner from the origin.
        pts = [(g, pos, pt) for g in grp for pos, pt in _points(geometry[g])]
        left = min(pts, key=lambda q: (q[2][0], q[2][1]))
        bottom = min(pts, key=lambda q: (q[2][1], q[2][0]))
        out.append((_from_origin("DistanceX", *left), f"{base}left"))
        out.append((_from_origin("DistanceY", *bottom), f"{base}bottom"))

    # Holes: the centre from the origin, the diameter unless the plan gave it.
    diameters = {c.refs[0]: c.name for c in sketch.constraints
                 if c.kind in ("Diameter", "Radius") and len(c.refs) == 1}
    hole = 0
    for g, prim in enumerate(geometry):
        if not isinstance(prim, Circle):
            continue
        hole += 1
        stem = diameters.get(g) or f"{prefix}hole{hole}_d"
        stem = stem[:-2] if stem.endswith("_d") else stem
        if g not in diameters:
            out.append((Constraint("Diameter", [g], 2 * prim.r), f"{stem}_d"))
        out.append((_from_origin("DistanceX", g, 3, (prim.cx, prim.cy)), f"{stem}_x"))
        out.append((_from_origin("DistanceY", g, 3, (prim.cx, prim.cy)), f"{stem}_y"))

    # The margin around a silhouette keeps its distance from the outline, so it follows it.
    if margin is not None and outline is not None:
        mine = [(g, pos, pt) for g in margin for pos, pt in _points(geometry[g])]
        theirs = [(g, pos, pt) for g in outline for pos, pt in _points(geometry[g])]
        for kind, axis in (("DistanceX", 0), ("DistanceY", 1)):
            for pick in (min, max):
                out.append((_apart(kind, pick(mine, key=lambda q: q[2][axis]),
                                   pick(theirs, key=lambda q: q[2][axis])), ""))

    # Whatever is still free: every point from the origin, every radius.
    for g, prim in enumerate(geometry):
        if isinstance(prim, Arc):
            out.append((Constraint("Radius", [g], prim.r), ""))
        for pos, point in _points(prim):
            out.append((_from_origin("DistanceX", g, pos, point), ""))
            out.append((_from_origin("DistanceY", g, pos, point), ""))
    return [(c, "" if name.startswith("#") else name) for c, name in out if c is not None]


def _settle(p: _Params, equations: list, scale_mm: float, steps: int = 10) -> np.ndarray:
    """The geometry moved as little as it must to meet the constraints exactly (Gauss-Newton,
    least-squares steps): a line drawn half a degree off level is made level here, once and
    the same way every time, rather than by the solver, whose pick among the many ways to do
    it in a sketch that is not fully constrained varies from run to run."""
    v = p.values.copy()
    for _ in range(steps):
        residual = np.concatenate([np.asarray(f(v), dtype=float) - t for f, _, t in equations])
        if not len(residual) or np.max(np.abs(residual)) < 1e-10 * scale_mm:
            break
        jacobian = np.vstack([_rows(p, f, cols, v, scale_mm) for f, cols, _ in equations])
        step = np.linalg.lstsq(jacobian, residual, rcond=1e-10)[0]
        v = v - step * p.per_mm
    return v


def completed(sketch: Sketch) -> Tuple[List[Constraint], List, str]:
    """The sketch's constraints followed by the dimensions that fix what they leave free; the
    geometry that meets them all (moved only as far as the sketch's own constraints require:
    the new dimensions are measured on it); and why the sketch may still be free ("" when it
    is fully constrained). The sketch itself is not changed. Existing constraints are kept
    even when redundant (the build drops those)."""
    constraints = list(sketch.constraints)
    if not sketch.geometry:
        return constraints, list(sketch.geometry), ""
    params = _Params(sketch.geometry)
    if len(params.values) > MAX_UNKNOWNS:
        return constraints, list(sketch.geometry), (
            f"{len(sketch.geometry)} edges are more than this pass dimensions")
    scale_mm = max(1.0, float(np.max(np.abs(params.values))))
    equations = []
    for c in constraints:
        f = _functions(params, c)
        if f is None:
            return constraints, list(sketch.geometry), (
                f"a {c.kind} constraint this pass cannot analyse")
        equations.append((f, sorted(_touched(params, c)), _target(c)))
    # A constraint that repeats those before it is left out of the settling: the build drops
    # it (and says so) when it conflicts, as FreeCAD refuses it.
    rank = _Rank(len(params.values))
    equations = [(f, cols, t) for f, cols, t in equations
                 if rank.take(_rows(params, f, cols, params.values, scale_mm))]
    # Lines drawn exactly level that only lack saying so (an axis of revolution) are kept so.
    for c in _level_lines(sketch):
        f, cols = _functions(params, c), sorted(_touched(params, c))
        if rank.take(_rows(params, f, cols, params.values, scale_mm)):
            constraints.append(c)
            equations.append((f, cols, 0.0))
    v = _settle(params, equations, scale_mm)
    geometry = params.primitives(v)
    settled = Sketch(sketch.plane, sketch.offset, geometry, constraints, sketch.construction)
    size = len(v)
    rank = _Rank(size)
    for f, cols, _ in equations:
        rank.take(_rows(params, f, cols, v, scale_mm))
    names = _Names(sketch)
    for c, name in _candidates(settled):
        if rank.count >= size:
            break
        rows = _rows(params, _functions(params, c), sorted(_touched(params, c)), v, scale_mm)
        if rank.take(rows):
            c.name = "" if c.kind == "PointOnObject" else names(name)
            constraints.append(c)
    free = size - rank.count
    return constraints, geometry, "" if free == 0 else f"{free} degrees of freedom left"
