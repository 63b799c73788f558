# SPDX-License-Identifier: LGPL-2.1-or-later
"""The intermediate representation between seeing a drawing and building a solid.

Pure data: no FreeCAD, no OpenCV. Every object round-trips through ``to_json``/``from_json``.

Coordinates
-----------
* Image coordinates: pixels of the source image, x right, y down.
* View coordinates: pixels relative to the view's box, **x right, y up**, origin at the
  bottom-left corner of ``View.box``. ``Profile`` and primitives of a ``View`` use these.
* Model coordinates: millimetres, FreeCAD's right-handed X/Y/Z. The front view looks along +Y
  (its x is model X, its y is model Z); the top view looks along -Z (x is X, y is Y); the right
  view looks along -X (x is Y, y is Z).
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Tuple, Union

LINE_TYPES = ("visible", "hidden", "centre")
VIEW_ROLES = (
    "front", "top", "right", "left", "bottom", "back", "section", "detail", "pictorial",
    "unknown",
)
ORTHO_ROLES = ("front", "top", "right", "left", "bottom", "back")


@dataclass
class Line:
    x0: float
    y0: float
    x1: float
    y1: float
    line_type: str = "visible"
    kind: str = "line"

    def length(self) -> float:
        return math.hypot(self.x1 - self.x0, self.y1 - self.y0)

    def start(self) -> tuple[float, float]:
        return (self.x0, self.y0)

    def end(self) -> tuple[float, float]:
        return (self.x1, self.y1)


@dataclass
class Arc:
    """Counter-clockwise arc from ``start_deg`` to ``end_deg`` (view coordinates, y up)."""

    cx: float
    cy: float
    r: float
    start_deg: float
    end_deg: float
    line_type: str = "visible"
    kind: str = "arc"

    def sweep_deg(self) -> float:
        return (self.end_deg - self.start_deg) % 360.0 or 360.0

    def length(self) -> float:
        return math.radians(self.sweep_deg()) * self.r

    def point_at(self, deg: float) -> tuple[float, float]:
        a = math.radians(deg)
        return (self.cx + self.r * math.cos(a), self.cy + self.r * math.sin(a))

    def start(self) -> tuple[float, float]:
        return self.point_at(self.start_deg)

    def end(self) -> tuple[float, float]:
        return self.point_at(self.end_deg)


@dataclass
class Circle:
    cx: float
    cy: float
    r: float
    line_type: str = "visible"
    kind: str = "circle"

    def length(self) -> float:
        return 2.0 * math.pi * self.r


Primitive = Union[Line, Arc, Circle]
_PRIMITIVES = {"line": Line, "arc": Arc, "circle": Circle}


def reversed_chain(primitives: list) -> list:
    """A chain of primitives in the opposite order, lines turned round (arcs keep their
    counter-clockwise definition; circles have no direction)."""
    return [Line(p.x1, p.y1, p.x0, p.y0, p.line_type) if isinstance(p, Line) else p
            for p in reversed(primitives)]


@dataclass
class Loop:
    """A closed chain of primitives, in order (a lone Circle is a loop by itself)."""

    primitives: List[Primitive] = field(default_factory=list)

    def polygon(self, arc_step_deg: float = 5.0) -> list[tuple[float, float]]:
        """The loop as a polygon (arcs and circles sampled)."""
        points: List[tuple[float, float]] = []
        for prim in self.primitives:
            if isinstance(prim, Line):
                points.append(prim.start())
            elif isinstance(prim, Arc):
                steps = max(2, int(prim.sweep_deg() / arc_step_deg))
                for i in range(steps):
                    points.append(prim.point_at(prim.start_deg + prim.sweep_deg() * i / steps))
            else:
                steps = max(8, int(360 / arc_step_deg))
                points.extend(
                    (prim.cx + prim.r * math.cos(2 * math.pi * i / steps),
                     prim.cy + prim.r * math.sin(2 * math.pi * i / steps))
                    for i in range(steps)
                )
        return points

    def area(self) -> float:
        """Signed area (positive when counter-clockwise in y-up coordinates)."""
        pts = self.polygon()
        return 0.5 * sum(
            x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(pts, pts[1:] + pts[:1])
        )


@dataclass
class Profile:
    """Closed loops with one line type: the outer loop first, then inner loops (holes)."""

    loops: List[Loop] = field(default_factory=list)
    line_type: str = "visible"

    @property
    def outer(self) -> Loop | None:
        return self.loops[0] if self.loops else None

    @property
    def inner(self) -> list[Loop]:
        return self.loops[1:]


@dataclass
class View:
    role: str = "unknown"
    image_index: int = 0
    box: Tuple[int, int, int, int] = (0, 0, 0, 0)  # x, y, width, height in image pixels
    projection: Optional[str] = None  # "third", "first" or None when unknown
    profiles: List[Profile] = field(default_factory=list)
    primitives: List[Primitive] = field(default_factory=list)  # every line read, by type
    confidence: float = 1.0


@dataclass
class Dimension:
    value: float
    unit: str = "mm"
    kind: str = "linear"  # linear, diameter, radius, angle
    text: str = ""
    tolerance: Optional[Tuple[float, float]] = None
    count: int = 1
    flags: List[str] = field(default_factory=list)  # THRU, DEPTH=..., CBORE, CSK, TYP, REF
    view_index: Optional[int] = None
    text_box: Optional[Tuple[int, int, int, int]] = None  # image pixels
    refs: List[int] = field(default_factory=list)  # indices into the view's primitives
    axis: Optional[str] = None  # model axis measured: "x", "y" or "z"
    confidence: float = 1.0


@dataclass
class Constraint:
    """A Sketcher constraint: kind as Sketcher names it, geometry refs, optional value and name."""

    kind: str
    refs: List[int] = field(default_factory=list)  # (geo, pos) pairs flattened
    value: Optional[float] = None
    name: str = ""


@dataclass
class Sketch:
    """A sketch on a principal plane: XY (sketch x, y = model X, Y), XZ (X, Z) or YZ (Y, Z),
    at ``offset`` mm along the model axis normal to it (Z, Y or X respectively)."""

    plane: str = "XY"
    offset: float = 0.0
    geometry: List[Primitive] = field(default_factory=list)  # mm, sketch coordinates
    constraints: List[Constraint] = field(default_factory=list)
    construction: List[int] = field(default_factory=list)  # geometry indices; axes of revolution


@dataclass
class Feature:
    name: str
    operation: str  # pad, pocket, hole, revolution, fillet, chamfer
    sketch: Optional[Sketch] = None
    params: Dict[str, Any] = field(default_factory=dict)
    evidence: List[str] = field(default_factory=list)


class _Json:
    """``to_json``/``from_json`` for the top-level plans."""

    def to_json(self) -> str:
        return to_json(self)

    @classmethod
    def from_json(cls, text: str):
        return from_dict(cls, json.loads(text))


@dataclass
class PartPlan(_Json):
    name: str = "Part"
    units: str = "mm"
    features: List[Feature] = field(default_factory=list)
    warnings: List[str] = field(default_factory=list)


@dataclass
class Placement:
    position: Tuple[float, float, float] = (0.0, 0.0, 0.0)
    axis: Tuple[float, float, float] = (0.0, 0.0, 1.0)
    angle_deg: float = 0.0


@dataclass
class AssemblyPart:
    plan: PartPlan
    placement: Placement = field(default_factory=Placement)


@dataclass
class AssemblyPlan(_Json):
    name: str = "Assembly"
    parts: List[AssemblyPart] = field(default_factory=list)


def to_dict(obj: Any) -> Any:
    """Plain JSON-ready data; primitives keep their ``kind`` tag."""
    if dataclasses.is_dataclass(obj):
        return {f.name: to_dict(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    return obj


def to_json(obj: Any) -> str:
    return json.dumps(to_dict(obj), indent=1, sort_keys=True)


def _field_types(cls: type) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(cls)


def _decode(tp: Any, value: Any) -> Any:
    import types
    import typing

    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    is_union = origin is Union or origin is getattr(types, "UnionType", Union)
    if is_union and set(args) >= {Line, Arc, Circle}:
        return from_dict(_PRIMITIVES[value["kind"]], value)
    if is_union:  # Optional[X]
        inner = [a for a in args if a is not type(None)]
        return _decode(inner[0], value) if len(inner) == 1 else value
    if origin is list:
        return [_decode(args[0], v) for v in value]
    if origin is tuple:
        return tuple(value)
    if origin is dict:
        return dict(value)
    if dataclasses.is_dataclass(tp):
        return from_dict(tp, value)
    return value


def from_dict(cls: type, data: Dict[str, Any]) -> Any:
    types = _field_types(cls)
    kwargs = {
        f.name: _decode(types[f.name], data[f.name])
        for f in dataclasses.fields(cls)
        if f.name in data
    }
    return cls(**kwargs)
