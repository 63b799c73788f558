# SPDX-License-Identifier: LGPL-2.1-or-later
"""Parametric ground-truth solids in the families a machine shop draws every day.

Each generator takes a seeded ``random.Random`` and a tier (simple / medium / hard) and returns a
``TruthPart``: the OCC solid (model millimetres, +X length, +Y depth, +Z height), its family, tier
and the count of holes it has. Runs in FreeCAD (import through ``runtime.import_freecad``).
"""

from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from freecad.makistry_wb import runtime  # noqa: E402

FreeCAD = runtime.import_freecad()
import Part  # noqa: E402

V = FreeCAD.Vector
TIERS = ("simple", "medium", "hard")
X, Y, Z = V(1, 0, 0), V(0, 1, 0), V(0, 0, 1)


@dataclass
class TruthPart:
    name: str
    family: str
    tier: str
    seed: int
    shape: object
    holes: int
    params: dict = field(default_factory=dict)


def _r(rng: random.Random, lo: float, hi: float, step: float = 1.0) -> float:
    """A random value in [lo, hi] on a grid of ``step`` (drawings carry round numbers)."""
    return round(rng.uniform(lo, hi) / step) * step


def _box(x0, y0, z0, dx, dy, dz):
    return Part.makeBox(dx, dy, dz, V(x0, y0, z0))


def _drill(shape, centre, axis, diameter, length):
    """A through cylinder of ``length`` centred on ``centre`` along ``axis``, cut from shape."""
    start = V(centre) - V(axis) * (length / 2.0)
    return shape.cut(Part.makeCylinder(diameter / 2.0, length, start, V(axis)))


def _counterbore(shape, top_centre, diameter, cb_diameter, cb_depth, length):
    """A hole drilled downwards from ``top_centre`` with a counterbore at the top."""
    shape = _drill(shape, top_centre, Z, diameter, 2 * length)
    cb = Part.makeCylinder(cb_diameter / 2.0, cb_depth + 1.0, top_centre - V(0, 0, cb_depth), Z)
    return shape.cut(cb)


def _slot(shape, p0, p1, width, z_bottom, height):
    """A vertical straight slot (stadium) from p0 to p1 (XY points), cut through z range."""
    r = width / 2.0
    d = V(p1[0] - p0[0], p1[1] - p0[1], 0)
    length = d.Length
    d.normalize()
    n = V(-d.y, d.x, 0)
    a = V(p0[0], p0[1], z_bottom)
    corner = a + n * (-r)
    body = Part.makeBox(length, width, height, V(0, 0, 0))
    angle = math.degrees(math.atan2(d.y, d.x))
    body.rotate(V(0, 0, 0), Z, angle)
    body.translate(corner)
    tool = body.fuse(Part.makeCylinder(r, height, a, Z))
    tool = tool.fuse(Part.makeCylinder(r, height, V(p1[0], p1[1], z_bottom), Z))
    return shape.cut(tool)


def _clean(shape):
    solid = shape.removeSplitter()
    if solid.ShapeType == "Compound" and len(solid.Solids) == 1:
        solid = solid.Solids[0]
    return solid


def _fillet_vertical_edges(shape, radius, x_or_y_extreme=True):
    edges = [e for e in shape.Edges
             if e.Curve.TypeId == "Part::GeomLine" and abs(e.tangentAt(e.FirstParameter).z) > 0.99
             and e.Length > 2 * radius]
    bb = shape.BoundBox
    outer = [e for e in edges
             if (abs(e.Vertexes[0].X - bb.XMin) < 1e-6 or abs(e.Vertexes[0].X - bb.XMax) < 1e-6)
             and (abs(e.Vertexes[0].Y - bb.YMin) < 1e-6 or abs(e.Vertexes[0].Y - bb.YMax) < 1e-6)]
    chosen = outer if x_or_y_extreme else edges
    return shape.makeFillet(radius, chosen) if chosen else shape


# --------------------------------------------------------------------------- families


def plate(rng: random.Random, tier: str):
    length, width, thick = _r(rng, 80, 180, 5), _r(rng, 40, 100, 5), _r(rng, 6, 15)
    shape = _box(0, 0, 0, length, width, thick)
    holes = 0
    d = _r(rng, 6, 12)
    margin = max(d, 10)
    if tier == "simple":
        n = rng.choice((1, 2))
        xs = [length / 2] if n == 1 else [margin, length - margin]
        for x in xs:
            shape = _drill(shape, V(x, width / 2, thick / 2), Z, d, 3 * thick)
        holes = n
    else:
        for x in (margin, length - margin):
            for y in (margin, width - margin):
                shape = _drill(shape, V(x, y, thick / 2), Z, d, 3 * thick)
        holes = 4
        slot_w = _r(rng, 8, 14)
        span = _r(rng, 20, max(21, length - 4 * margin - slot_w), 5)
        shape = _slot(shape, (length / 2 - span / 2, width / 2), (length / 2 + span / 2, width / 2),
                      slot_w, -1, thick + 2)
        if tier == "hard":
            shape = _fillet_vertical_edges(shape, _r(rng, 4, 8))
            cd = _r(rng, 1, 2)
            top_edges = [e for e in shape.Edges if abs(e.Vertexes[0].Z - thick) < 1e-6
                         and abs(e.Vertexes[-1].Z - thick) < 1e-6
                         and e.Curve.TypeId == "Part::GeomLine"
                         and abs(abs(e.tangentAt(e.FirstParameter).x) - 1) < 1e-6
                         and (abs(e.Vertexes[0].Y) < 1e-6 or abs(e.Vertexes[0].Y - width) < 1e-6)]
            if top_edges:
                shape = shape.makeChamfer(cd, top_edges)
    return shape, holes, {"length": length, "width": width, "thickness": thick, "hole_d": d}


def l_bracket(rng: random.Random, tier: str, *, length=None, width=None, height=None,
              thick=None, hole_d=None):
    length = length or _r(rng, 70, 150, 5)
    width = width or _r(rng, 30, 80, 5)
    height = height or _r(rng, 35, 80, 5)
    thick = thick or _r(rng, 6, 12)
    hole_d = hole_d or _r(rng, 6, 12)
    shape = _box(0, 0, 0, length, width, thick).fuse(_box(0, 0, 0, thick, width, height))
    holes = 0
    # Holes in the base leg, on the centre line across Y.
    n_base = 1 if tier == "simple" else 2
    free = length - thick
    xs = [thick + free / 2] if n_base == 1 else [thick + free * 0.4, thick + free * 0.8]
    for x in xs:
        shape = _drill(shape, V(round(x), width / 2, thick / 2), Z, hole_d, 3 * thick)
    holes += n_base
    if tier != "simple":
        shape = _drill(shape, V(thick / 2, width / 2, thick + (height - thick) * 0.55), X,
                       hole_d, 3 * thick)
        holes += 1
    if tier == "hard":
        g = min(length - thick, height - thick) * 0.6
        gt = thick
        gusset = Part.makePolygon([V(thick, 0, thick), V(thick + g, 0, thick),
                                   V(thick, 0, thick + g), V(thick, 0, thick)])
        gusset = Part.Face(gusset).extrude(V(0, gt, 0))
        shape = shape.fuse(gusset).fuse(gusset.translated(V(0, width - gt, 0)))
        shape = _fillet_vertical_edges(_clean(shape), min(6.0, thick * 0.6))
    return shape, holes, {"length": length, "width": width, "height": height, "thickness": thick,
                          "hole_d": hole_d}


def u_bracket(rng: random.Random, tier: str):
    length, width, height = _r(rng, 60, 140, 5), _r(rng, 30, 70, 5), _r(rng, 30, 70, 5)
    thick = _r(rng, 5, 10)
    shape = _box(0, 0, 0, length, width, height).cut(
        _box(thick, -1, thick, length - 2 * thick, width + 2, height))
    holes = 0
    d = _r(rng, 6, 10)
    shape = _drill(shape, V(length / 2, width / 2, thick / 2), Z, d, 3 * thick)
    holes += 1
    if tier != "simple":
        for x in (thick / 2, length - thick / 2):
            shape = _drill(shape, V(x, width / 2, thick + (height - thick) / 2), X, d, 3 * thick)
        holes += 2
    if tier == "hard":
        slot_w = _r(rng, 6, 10)
        span = max(10.0, _r(rng, 10, length / 3, 5))
        cx = length / 2
        shape = _slot(shape, (cx - span / 2, width * 0.25), (cx + span / 2, width * 0.25),
                      slot_w, -1, thick + 2)
        shape = _fillet_vertical_edges(_clean(shape), 4.0)
    return shape, holes, {"length": length, "width": width, "height": height, "thickness": thick}


def stepped_block(rng: random.Random, tier: str):
    length, width = _r(rng, 60, 140, 5), _r(rng, 30, 80, 5)
    n_steps = {"simple": 2, "medium": 3, "hard": 3}[tier]
    heights = sorted((_r(rng, 10, 25) for _ in range(n_steps)), reverse=False)
    heights = [sum(heights[: i + 1]) for i in range(n_steps)]
    step_len = length / n_steps
    shape = _box(0, 0, 0, length, width, heights[0])
    for i in range(1, n_steps):
        shape = shape.fuse(_box(0, 0, 0, length - i * step_len, width, heights[i]))
    holes = 0
    if tier == "hard":
        # A step across Y as well, and a hole in the lowest step.
        cut_w = _r(rng, 8, width / 3)
        shape = shape.cut(_box(-1, width - cut_w, heights[-1] - _r(rng, 5, 10),
                               length - 2 * step_len + 1, cut_w + 1, 100))
        shape = _drill(shape, V(length - step_len / 2, width / 2, 0), Z, _r(rng, 6, 10),
                       3 * heights[0])
        holes = 1
    return _clean(shape), holes, {"length": length, "width": width, "heights": heights}


def pocket_block(rng: random.Random, tier: str):
    length, width, height = _r(rng, 60, 140, 5), _r(rng, 40, 90, 5), _r(rng, 20, 45, 5)
    shape = _box(0, 0, 0, length, width, height)
    pl, pw = length * _r(rng, 0.3, 0.5, 0.05), width * _r(rng, 0.3, 0.5, 0.05)
    depth = _r(rng, 5, height * 0.6)
    shape = shape.cut(_box(length / 2 - pl / 2, width / 2 - pw / 2, height - depth, pl, pw,
                           depth + 1))
    holes = 0
    if tier != "simple":
        d = _r(rng, 5, 8)
        m = max(8.0, d * 1.5 + 2)
        for x in (m, length - m):
            for y in (m, width - m):
                if tier == "hard":
                    shape = _counterbore(shape, V(x, y, height), d, d * 1.8, _r(rng, 3, 6),
                                         height)
                else:
                    shape = _drill(shape, V(x, y, height / 2), Z, d, 3 * height)
        holes = 4
    if tier == "hard":
        shape = shape.cut(_box(-1, -1, -1, length + 2, _r(rng, 5, 10), _r(rng, 5, 10)))
    return _clean(shape), holes, {"length": length, "width": width, "height": height}


def angled_bracket(rng: random.Random, tier: str):
    length, width, height = _r(rng, 60, 130, 5), _r(rng, 30, 70, 5), _r(rng, 30, 70, 5)
    thick = _r(rng, 8, 14)
    # Profile in XZ: a base with a sloped top face rising towards x = 0.
    low = thick
    pts = [V(0, 0, 0), V(length, 0, 0), V(length, 0, low), V(length * 0.45, 0, height),
           V(0, 0, height), V(0, 0, 0)]
    shape = Part.Face(Part.makePolygon(pts)).extrude(V(0, width, 0))
    holes = 0
    if tier != "simple":
        cd = _r(rng, 2, 5)
        edges = [e for e in shape.Edges if e.Curve.TypeId == "Part::GeomLine"
                 and abs(abs(e.tangentAt(e.FirstParameter).y) - 1) < 1e-6
                 and abs(e.Vertexes[0].X - length) < 1e-6 and abs(e.Vertexes[0].Z - low) < 1e-6]
        shape = shape.makeChamfer(cd, edges)
        shape = _drill(shape, V(length * 0.75, width / 2, low / 2), Z, _r(rng, 6, 10), 3 * low)
        holes = 1
    if tier == "hard":
        notch = _r(rng, 8, width / 3)
        shape = shape.cut(_box(-1, width / 2 - notch / 2, height - _r(rng, 8, 15), length * 0.3,
                               notch, 100))
        shape = _drill(shape, V(length * 0.2, width / 2, 0), Z, _r(rng, 5, 8), 4 * height)
        holes += 1
    return _clean(shape), holes, {"length": length, "width": width, "height": height}


def _revolve_profile(points_rz):
    """A solid of revolution about +Z from a closed (r, z) polyline."""
    pts = [V(r, 0, z) for r, z in points_rz]
    if pts[0] != pts[-1]:
        pts.append(pts[0])
    face = Part.Face(Part.makePolygon(pts))
    return face.revolve(V(0, 0, 0), Z, 360)


def flange(rng: random.Random, tier: str):
    od = _r(rng, 80, 160, 5)
    ft = _r(rng, 8, 16)
    hub_d = od * _r(rng, 0.35, 0.55, 0.05)
    hub_h = _r(rng, 15, 40)
    bore = hub_d * _r(rng, 0.4, 0.6, 0.05)
    profile = [(bore / 2, 0), (od / 2, 0), (od / 2, ft), (hub_d / 2, ft), (hub_d / 2, ft + hub_h),
               (bore / 2, ft + hub_h)]
    shape = _revolve_profile(profile)
    n_bolts = {"simple": 4, "medium": 6, "hard": 8}[tier]
    pcd = (od / 2 + hub_d / 2) / 2
    bolt_d = _r(rng, 6, min(14, (od - hub_d) / 4))
    for i in range(n_bolts):
        a = 2 * math.pi * i / n_bolts
        shape = _drill(shape, V(pcd * math.cos(a), pcd * math.sin(a), ft / 2), Z, bolt_d, 3 * ft)
    holes = n_bolts + 1
    if tier == "hard":
        shape = shape.makeChamfer(min(2.0, ft / 4),
                                  [e for e in shape.Edges if e.Curve.TypeId == "Part::GeomCircle"
                                   and abs(e.Curve.Radius - od / 2) < 1e-6
                                   and abs(e.Vertexes[0].Z - ft) < 1e-6])
    return _clean(shape), holes, {"od": od, "hub_d": hub_d, "bore": bore, "bolts": n_bolts}


def shaft(rng: random.Random, tier: str):
    n = {"simple": 2, "medium": 3, "hard": 4}[tier]
    diameters = sorted((_r(rng, 12, 50) for _ in range(n)), reverse=True)
    lengths = [_r(rng, 15, 60) for _ in range(n)]
    profile, z = [(0, 0)], 0.0
    for d, seg in zip(diameters, lengths):
        profile += [(d / 2, z), (d / 2, z + seg)]
        z += seg
    profile.append((0, z))
    shape = _revolve_profile(profile)
    holes = 0
    if tier != "simple":
        ends = [e for e in shape.Edges if e.Curve.TypeId == "Part::GeomCircle"
                and (abs(e.Vertexes[0].Z) < 1e-6 or abs(e.Vertexes[0].Z - z) < 1e-6)]
        shape = shape.makeChamfer(1.0, ends)
    if tier == "hard":
        d0, l0 = diameters[0], lengths[0]
        kw = max(4.0, round(d0 / 4))
        shape = shape.cut(_box(-kw / 2, d0 / 2 - kw / 2, l0 * 0.25, kw, kw, l0 * 0.5))
        shape = _drill(shape, V(0, 0, z - lengths[-1] / 2), X, max(3.0, round(diameters[-1] / 4)),
                       2 * d0)
        holes = 1
    # Lie the shaft along X, as a lathe drawing shows it.
    shape.rotate(V(0, 0, 0), Y, 90)
    return _clean(shape), holes, {"diameters": diameters, "lengths": lengths}


def filleted(rng: random.Random, tier: str):
    length, width, height = _r(rng, 50, 130, 5), _r(rng, 30, 90, 5), _r(rng, 15, 40, 5)
    shape = _box(0, 0, 0, length, width, height)
    r = _r(rng, 4, min(15, width / 4, length / 4))
    shape = _fillet_vertical_edges(shape, r)
    holes = 0
    if tier != "simple":
        d = _r(rng, 8, min(25, width / 2))
        shape = _drill(shape, V(length / 2, width / 2, height / 2), Z, d, 3 * height)
        holes = 1
    if tier == "hard":
        top = [e for e in shape.Edges if all(abs(v.Z - height) < 1e-6 for v in e.Vertexes)
               and not (e.Curve.TypeId == "Part::GeomCircle" and e.Curve.Radius < r * 0.99 - 0)]
        top = [e for e in top if not (e.Curve.TypeId == "Part::GeomCircle"
                                      and abs(e.Curve.Center.x - length / 2) < 1e-6)]
        shape = shape.makeFillet(min(3.0, height / 4), top)
    return _clean(shape), holes, {"length": length, "width": width, "height": height,
                                  "radius": r}


FAMILIES = {
    "plate": plate,
    "l_bracket": l_bracket,
    "u_bracket": u_bracket,
    "stepped_block": stepped_block,
    "pocket_block": pocket_block,
    "angled_bracket": angled_bracket,
    "flange": flange,
    "shaft": shaft,
    "filleted": filleted,
}


def make_part(family: str, tier: str, seed: int) -> TruthPart:
    """The ground-truth solid of one family/tier for one seed, checked to be a valid solid."""
    if family not in FAMILIES or tier not in TIERS:
        raise ValueError(f"unknown family/tier {family}/{tier}")
    rng = random.Random(f"{family}/{tier}/{seed}")
    shape, holes, params = FAMILIES[family](rng, tier)
    shape = _clean(shape)
    if shape.ShapeType != "Solid":
        solids = shape.Solids
        if len(solids) != 1:
            raise RuntimeError(f"{family}/{tier}/{seed}: {len(solids)} solids, expected 1")
        shape = solids[0]
    if not shape.isValid() or shape.Volume <= 0:
        raise RuntimeError(f"{family}/{tier}/{seed}: invalid solid")
    # Rest on the origin: min corner at (0, 0, 0), as a drawing's datum corner.
    bb = shape.BoundBox
    shape.translate(V(-bb.XMin, -bb.YMin, -bb.ZMin))
    return TruthPart(f"{family}-{tier}-{seed}", family, tier, seed, shape, holes, params)


def demo_bracket() -> TruthPart:
    """The README demo part: an L-bracket 120 x 60 x 50 mm, 10 mm thick, two holes in the base."""
    rng = random.Random("demo")
    shape, holes, params = l_bracket(rng, "simple", length=120, width=60, height=50, thick=10,
                                     hole_d=10)
    shape = _drill(shape, V(95, 30, 5), Z, 10, 30)
    return TruthPart("demo_bracket", "l_bracket", "simple", 0, _clean(shape), holes + 1, params)
