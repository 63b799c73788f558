# SPDX-License-Identifier: LGPL-2.1-or-later
"""Build a PartPlan as a PartDesign Body whose features come from Sketcher sketches."""

from __future__ import annotations

import math
import re

import FreeCAD as App
import Part
import Sketcher

from .. import errors
from ..plan import Circle, Constraint, Feature, Line, PartPlan
from ..reconstruct.constrain import completed
from . import compat

# Rotation of each sketch plane, mapping sketch x/y to the model axes used by the plan.
PLANE_ROTATIONS = {
    "XY": App.Rotation(),
    "XZ": App.Rotation(App.Vector(1, 0, 0), 90),  # x -> X, y -> Z
    "YZ": App.Rotation(App.Vector(1, 1, 1), 120),  # x -> Y, y -> Z
}
_AXIS_INDEX = {"x": 0, "y": 1, "z": 2}
# The model axis normal to each plane: a sketch's offset is measured along it.
PLANE_NORMAL_AXES = {"XY": App.Vector(0, 0, 1), "XZ": App.Vector(0, 1, 0),
                     "YZ": App.Vector(1, 0, 0)}


def _part_geometry(prim):
    V = App.Vector
    if isinstance(prim, Line):
        return Part.LineSegment(V(prim.x0, prim.y0, 0), V(prim.x1, prim.y1, 0))
    circle = Part.Circle(V(prim.cx, prim.cy, 0), V(0, 0, 1), prim.r)
    if isinstance(prim, Circle):
        return circle
    a0 = math.radians(prim.start_deg)
    a1 = a0 + math.radians(prim.sweep_deg())
    return Part.ArcOfCircle(circle, a0, a1)


def _attach(sketch, body, plane: str, offset: float) -> None:
    """Attach to the body's matching origin plane; correct the offset if this version's plane
    is oriented differently from the plan's convention."""
    support = compat.origin_plane(body, f"{plane}_Plane")
    compat.set_attachment_support(sketch, [(support, "")])
    sketch.MapMode = "FlatFace"
    sketch.recompute()
    wanted = PLANE_ROTATIONS[plane]
    correction = sketch.Placement.Rotation.inverted().multiply(wanted)
    local_offset = sketch.Placement.Rotation.inverted().multVec(PLANE_NORMAL_AXES[plane] * offset)
    sketch.AttachmentOffset = App.Placement(local_offset, correction)


def _sketcher_constraints(sketch, specs: list[Constraint], warnings: list[str]) -> list:
    made = []
    for spec in specs:
        args = [spec.kind, *spec.refs] + ([spec.value] if spec.value is not None else [])
        try:
            made.append((spec, Sketcher.Constraint(*args)))
        except (TypeError, ValueError) as exc:
            warnings.append(f"{sketch.Label}: constraint {spec.kind} skipped ({exc})")
    return made


def _solves(sketch) -> bool:
    """The sketch solves with no redundant or conflicting constraint (``solve()`` says so on
    every version; FreeCAD 1.0 also lists malformed ones, which it may solve around)."""
    return sketch.solve() == 0 and not getattr(sketch, "MalformedConstraints", None)


def _add_constraints(sketch, constraints: list[Constraint], warnings: list[str]) -> list:
    """Add the constraints at once; when the solver refuses them (redundant or conflicting),
    again one at a time, dropping each one that makes the sketch fail, and say so. Returns
    the constraints kept."""
    made = _sketcher_constraints(sketch, constraints, warnings)
    if not made:
        return []
    first = sketch.ConstraintCount
    sketch.addConstraint([constraint for _, constraint in made])
    kept = made
    if not _solves(sketch):
        for index in reversed(range(first, sketch.ConstraintCount)):
            sketch.delConstraint(index)
        kept, dropped = [], []
        for spec, constraint in made:
            index = sketch.addConstraint(constraint)
            if not _solves(sketch):
                sketch.delConstraint(index)
                dropped.append(spec.name or spec.kind)
            else:
                kept.append((spec, constraint))
        sketch.solve()
        if dropped:
            warnings.append(
                f"{sketch.Label}: {len(dropped)} constraint(s) dropped as redundant or "
                f"conflicting ({', '.join(dropped)}); named sizes among them are left free.")
    for index, (spec, _) in enumerate(kept, start=first):
        if spec.name:
            sketch.renameConstraint(index, spec.name)
    return [spec for spec, _ in kept]


def degrees_of_freedom(sketch) -> int | None:
    """What FreeCAD's solver leaves free in ``sketch`` after solving it: 0 when it is fully
    constrained, None when it does not solve. FreeCAD 1.0 counts them (``DoF``); 0.20 only
    says whether there are any (``FullyConstrained``) and which parameters
    (``getGeometryWithDependentParameters``), counted here as a lower bound."""
    if sketch.solve() != 0:
        return None
    if sketch.FullyConstrained:
        return 0
    if hasattr(sketch, "DoF"):
        return int(sketch.DoF)
    return max(1, len(sketch.getGeometryWithDependentParameters()))


def _check_constrained(sketch, why_free: str, warnings: list[str]) -> None:
    """Say when a sketch is not fully constrained; the build goes on either way."""
    free = degrees_of_freedom(sketch)
    if free == 0:
        return
    state = "does not solve" if free is None else f"is not fully constrained ({free} free)"
    warnings.append(f"{sketch.Label} {state}" + (f": {why_free}." if why_free else "."))


def _make_sketch(body, feature: Feature, warnings: list[str]):
    spec = feature.sketch
    sketch = body.newObject("Sketcher::SketchObject", f"{feature.name}Sketch")
    _attach(sketch, body, spec.plane, spec.offset)
    # The plan's constraints completed with the dimensions that fix what they leave free, and
    # the geometry already meeting them all, so the solver has nothing to move.
    constraints, geometry, why_free = completed(spec)
    for index, prim in enumerate(geometry):
        sketch.addGeometry(_part_geometry(prim), index in spec.construction)
    _add_constraints(sketch, constraints, warnings)
    _check_constrained(sketch, why_free, warnings)
    return sketch


def _failure(obj) -> str | None:
    """Why FreeCAD could not build ``obj``, or None when it is a valid solid."""
    state = list(getattr(obj, "State", []))
    if "Invalid" in state or obj.Shape.isNull() or not obj.Shape.isValid():
        status = obj.getStatusString() if hasattr(obj, "getStatusString") else ""
        return status or ", ".join(state) or "invalid shape"
    return None


def _drop_feature(body, obj, sketch) -> None:
    """Remove a failed refinement; the body's tip goes back to the feature before it."""
    doc = body.Document
    previous = getattr(obj, "BaseFeature", None)
    body.removeObject(obj)
    doc.removeObject(obj.Name)
    if sketch is not None:
        body.removeObject(sketch)
        doc.removeObject(sketch.Name)
    if previous is not None:
        body.Tip = previous
    doc.recompute()


def _reversed(feature: Feature, adds: bool) -> bool:
    """Whether the feature must go against its sketch's normal to go the plan's direction."""
    direction = feature.params.get("direction")
    if not direction:
        return False
    normal = PLANE_ROTATIONS[feature.sketch.plane].multVec(App.Vector(0, 0, 1))
    wanted = App.Vector(0, 0, 0)
    setattr(wanted, direction[1], 1.0 if direction[0] == "+" else -1.0)
    along = normal.dot(wanted) > 0
    return not along if adds else along  # a pad grows along the normal, a pocket cuts against


def _pad(body, feature: Feature, sketch):
    pad = body.newObject("PartDesign::Pad", feature.name)
    pad.Profile = sketch
    pad.Length = feature.params["length"]
    pad.Reversed = _reversed(feature, adds=True)
    return pad


def _pocket(body, feature: Feature, sketch):
    pocket = body.newObject("PartDesign::Pocket", feature.name)
    pocket.Profile = sketch
    if feature.params.get("type") == "through_all":
        pocket.Type = "ThroughAll"
    else:
        pocket.Length = feature.params["length"]
    compat.set_symmetric(pocket, bool(feature.params.get("symmetric")))
    pocket.Refine = True
    pocket.Reversed = _reversed(feature, adds=False)
    return pocket


def _turned(kind: str, body, feature: Feature, sketch):
    """A PartDesign Revolution or Groove of the sketch about its first construction line."""
    turned = body.newObject(f"PartDesign::{kind}", feature.name)
    turned.Profile = sketch
    turned.ReferenceAxis = (sketch, ["Axis0"])
    turned.Angle = feature.params.get("angle", 360.0)
    _turn_toward(turned, feature, sketch)
    return turned


def _revolution(body, feature: Feature, sketch):
    """Add by turning the sketch about its first construction line."""
    return _turned("Revolution", body, feature, sketch)


def _turn_toward(obj, feature: Feature, sketch) -> None:
    """A part turn sets off towards the plan's ``toward`` (e.g. "+x"): the profile's points
    move along the axis crossed with their offset from it (right-handed about the axis)."""
    toward = feature.params.get("toward")
    if not toward:
        return
    sketch.recompute()
    axis = next(g for i, g in enumerate(sketch.Geometry) if sketch.getConstruction(i))
    # The sketch's shape is placed already; its geometry is in sketch coordinates.
    direction = sketch.Placement.Rotation.multVec(axis.EndPoint - axis.StartPoint)
    origin = sketch.Placement.multVec(axis.StartPoint)
    point = max((v.Point for v in sketch.Shape.Vertexes),
                key=lambda p: (p - origin).cross(direction).Length)
    motion = direction.cross(point - origin)
    wanted = App.Vector(0, 0, 0)
    setattr(wanted, toward[1], 1.0 if toward[0] == "+" else -1.0)
    obj.Reversed = motion.dot(wanted) < 0


def _groove(body, feature: Feature, sketch):
    """Cut by turning the sketch about its first construction line."""
    return _turned("Groove", body, feature, sketch)


def _open_face(shape, axis: str, low: bool) -> int | None:
    """Index of the largest flat face of ``shape`` on its low (or high) end along ``axis``,
    facing out of the part that way."""
    index = _AXIS_INDEX[axis]
    box = shape.BoundBox
    end = (box.XMin, box.YMin, box.ZMin)[index] if low else (box.XMax, box.YMax, box.ZMax)[index]
    best, area = None, 0.0
    for i, face in enumerate(shape.Faces):
        if type(face.Surface).__name__ != "Plane":
            continue
        normal = face.normalAt(0, 0)
        centre = face.CenterOfMass
        if (abs(abs(normal[index]) - 1.0) < 1e-6 and (normal[index] < 0) == low
                and abs(centre[index] - end) < 1e-3 and face.Area > area):
            best, area = i, face.Area
    return best


def _thickness(body, feature: Feature, sketch):
    """Hollow the part out inwards, the open face removed (PartDesign Thickness)."""
    base = body.Tip
    body.Document.recompute()  # the face to remove is chosen on the part as built so far
    face = _open_face(base.Shape, feature.params["open_axis"], feature.params["open_low"])
    if face is None:  # nothing to leave open: said by the caller
        return None
    thickness = body.newObject("PartDesign::Thickness", feature.name)
    thickness.Base = (base, [f"Face{face + 1}"])
    thickness.Value = feature.params["thickness"]
    thickness.Reversed = True  # inwards
    thickness.Mode = 0  # skin
    thickness.Join = 1  # intersection: sharp inner corners, as drawn
    return thickness


# The model axes a sketch's x and y measure, per plane.
PLANE_AXES = {"XY": ("x", "y"), "XZ": ("x", "z"), "YZ": ("y", "z")}
# An overall size of the part, as the plan names it in the base sketch and the silhouettes.
_OVERALL = re.compile(r"^(?:(?:front|top|right|left|bottom|back)_)?(width|height)$")
# Two readings of one extent further apart than this are not linked.
LINK_TOLERANCE = 0.02


def _link_overall_sizes(built: list, warnings: list[str]) -> None:
    """One size per extent of the part: every view shows two of them, so the first sketch
    that sizes an axis drives the others (and the base pad's length), by expressions; a
    reading a little off keeps its difference as an offset, so nothing moves until an
    engineer edits the size."""
    drivers: dict[str, tuple[str, float]] = {}

    def follow(obj, prop: str, axis: str, value: float) -> None:
        driver = drivers.get(axis)
        if driver is None:
            return
        path, driven = driver
        delta = value - driven
        if abs(delta) > LINK_TOLERANCE * driven:
            return
        offset = f" + {delta:.9g} mm" if delta > 0 else f" - {-delta:.9g} mm" if delta else ""
        try:
            obj.setExpression(prop, path + offset)
        except (ValueError, RuntimeError) as exc:  # an expression this version refuses
            warnings.append(f"{obj.Label}: {prop} not linked to {path} ({exc})")

    for feature, _, sketch in built:
        if feature.operation not in ("pad", "pocket"):
            continue
        for constraint in sketch.Constraints:
            match = _OVERALL.match(constraint.Name or "")
            if not match:
                continue
            axis = PLANE_AXES[feature.sketch.plane][match.group(1) == "height"]
            if axis in drivers:
                follow(sketch, f".Constraints.{constraint.Name}", axis, constraint.Value)
            else:
                drivers[axis] = (f"{sketch.Name}.Constraints.{constraint.Name}", constraint.Value)
    for feature, obj, _ in built:
        direction = feature.params.get("direction", "")
        if feature.operation == "pad" and direction:
            follow(obj, "Length", direction[1], float(feature.params["length"]))


_OPERATIONS = {"pad": _pad, "pocket": _pocket, "revolution": _revolution, "groove": _groove,
               "thickness": _thickness}


def build_body(plan: PartPlan, doc, container=None, label: str | None = None):
    """Create a PartDesign Body for ``plan`` in ``doc`` (inside ``container`` if given)."""
    body = doc.addObject("PartDesign::Body", "Body")
    body.Label = label or plan.name
    if container is not None:
        container.addObject(body)
    built = []
    for feature in plan.features:
        operation = _OPERATIONS.get(feature.operation)
        if operation is None:
            raise errors.MakistryError(
                errors.BUILD_FAILED, f"Operation {feature.operation!r} is not supported yet.")
        sketch = _make_sketch(body, feature, plan.warnings) if feature.sketch else None
        obj = operation(body, feature, sketch)
        if obj is None:
            plan.warnings.append(f"{feature.name} ({', '.join(feature.evidence)}) found no face "
                                 "to build on and was left out.")
            continue
        built.append((feature, obj, sketch))
        if sketch is not None:
            sketch.Visibility = False
    _link_overall_sizes(built, plan.warnings)
    doc.recompute()  # once: recomputing after every feature costs O(n^2)
    for index, (feature, obj, sketch) in enumerate(built):
        why = _failure(obj)
        if why is None:
            continue
        if index == 0:
            raise errors.MakistryError(
                errors.BUILD_FAILED,
                f"FreeCAD could not build the base feature {feature.name} of {plan.name} "
                f"({why}). Check the preview: the outline of that view was not read as one "
                "closed shape.")
        # A refinement that cannot be built is left out and said, not silently wrong; the
        # features after it are rebased on the one before it and recomputed.
        _drop_feature(body, obj, sketch)
        plan.warnings.append(
            f"{feature.name} ({', '.join(feature.evidence)}) could not be built ({why}) and was "
            "left out; the part may have material there that the drawing does not show.")
    doc.recompute()
    if body.Shape.isNull() or body.Shape.Volume <= 0:
        raise errors.MakistryError(
            errors.BUILD_FAILED,
            f"The views of {plan.name} intersect to an empty solid; check the view roles.")
    return body
