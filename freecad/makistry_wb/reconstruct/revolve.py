# SPDX-License-Identifier: LGPL-2.1-or-later
"""Revolved parts: a circular outline in one view and, in another, an outline symmetric about
the axis through that circle's centre. The half outline becomes a Revolution's profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..plan import Circle, Line, Loop, View

# How round an outline must be, and how symmetric the other view, to be called revolved.
# (A coarse vectoriser's chords fall short of the circle by up to about 2 %.)
ROUNDNESS_TOL = 0.03
SYMMETRY_TOL = 0.03


@dataclass
class RevolveAxis:
    axis: str  # model axis the part turns about: "x", "y" or "z"
    circular: View | None  # the view looking along the axis (None: two profiles and centre lines)
    profile: View  # a view containing the axis
    centre_px: tuple[float, float]  # the circle's centre, in the circular view's coordinates
    radius_px: float
    axis_coord: int = 0  # the profile view's coordinate across the axis (0: x, 1: y)


def circle_of(loop: Loop) -> tuple[float, float, float] | None:
    """(cx, cy, r) when the loop is a circle (one Circle, or a polygon that fits one well).

    A polygon is fitted by least squares on points spread evenly along its edges; a short
    stretch off the circle (a leader line or an arrowhead merged into the outline) is allowed
    when the rest lies on the circle and the fit is refined without it."""
    if len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle):
        c = loop.primitives[0]
        return c.cx, c.cy, c.r
    corners = loop.polygon(arc_step_deg=5.0)
    if len(corners) < 12:
        return None
    points = _spread(corners, 240)
    fit = _fit_circle(points)
    for _ in range(2):
        if fit is None:
            return None
        cx, cy, r = fit
        inliers = [p for p in points if abs(math.dist(p, (cx, cy)) - r) <= ROUNDNESS_TOL * r]
        if len(inliers) < (1.0 - OFF_CIRCLE_FRACTION) * len(points):
            return None
        fit = _fit_circle(inliers)
    if fit is None:
        return None
    cx, cy, r = fit
    # Every corner near the circle (within the leader's reach) and the angles all covered.
    if max(abs(math.dist(p, (cx, cy)) - r) for p in corners) > 0.2 * r:
        return None
    sectors = {int((math.degrees(math.atan2(p[1] - cy, p[0] - cx)) % 360.0) // 30)
               for p in points}
    return (cx, cy, r) if len(sectors) == 12 else None


# The share of a round outline's length allowed off the circle (leaders, arrowheads).
OFF_CIRCLE_FRACTION = 0.08


def _spread(corners, count: int) -> list[tuple[float, float]]:
    """``count`` points evenly spaced along the closed polygon through ``corners``."""
    edges = list(zip(corners, corners[1:] + corners[:1]))
    total = sum(math.dist(a, b) for a, b in edges)
    if total <= 0:
        return list(corners)
    step, points, carried = total / count, [], 0.0
    for a, b in edges:
        length = math.dist(a, b)
        t = carried
        while t < length:
            points.append((a[0] + (b[0] - a[0]) * t / length, a[1] + (b[1] - a[1]) * t / length))
            t += step
        carried = t - length
    return points


def _fit_circle(points) -> tuple[float, float, float] | None:
    """Least-squares circle (Kasa) through ``points``."""
    if len(points) < 3:
        return None
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    suu = svv = suv = suuu = svvv = suvv = svuu = 0.0
    for x, y in points:
        u, v = x - mx, y - my
        suu += u * u
        svv += v * v
        suv += u * v
        suuu += u * u * u
        svvv += v * v * v
        suvv += u * v * v
        svuu += v * u * u
    det = suu * svv - suv * suv
    if abs(det) < 1e-12:
        return None
    bu, bv = (suuu + suvv) / 2, (svvv + svuu) / 2
    uc = (bu * svv - bv * suv) / det
    vc = (bv * suu - bu * suv) / det
    r = math.sqrt(uc * uc + vc * vc + (suu + svv) / n)
    return (mx + uc, my + vc, r) if r > 0 else None


def _crossings(polygon, coord: int, value: float) -> list[float]:
    """Where the polygon's edges cross the line ``p[coord] == value`` (the other coordinate)."""
    other = 1 - coord
    found = []
    for a, b in zip(polygon, polygon[1:] + polygon[:1]):
        if (a[coord] - value) * (b[coord] - value) < 0:
            t = (value - a[coord]) / (b[coord] - a[coord])
            found.append(a[other] + t * (b[other] - a[other]))
    return found


def is_symmetric(polygon, axis_coord: int, axis_value: float, size: float) -> bool:
    """The outline reaches equally far on both sides of the axis line at every station.

    ``axis_coord`` is the coordinate that is constant along the axis line (0: a vertical line
    x = axis_value, 1: a horizontal line y = axis_value)."""
    along = 1 - axis_coord
    low = min(p[along] for p in polygon)
    high = max(p[along] for p in polygon)
    for i in range(1, 40):
        station = low + (high - low) * i / 40
        hits = _crossings(polygon, along, station)
        if len(hits) < 2:
            continue
        reach_minus = axis_value - min(hits)
        reach_plus = max(hits) - axis_value
        if abs(reach_minus - reach_plus) > SYMMETRY_TOL * size:
            return False
    return True


def half_outline(polygon, axis_coord: int, axis_value: float) -> list[tuple[float, float]]:
    """The part of the outline on the positive side of the axis line, closed along the axis
    (Sutherland-Hodgman clipping against one half-plane), with collinear points merged."""
    def inside(p):
        return p[axis_coord] >= axis_value - 1e-9

    clipped = []
    for a, b in zip(polygon, polygon[1:] + polygon[:1]):
        if inside(a):
            clipped.append(a)
        if inside(a) != inside(b):
            t = (axis_value - a[axis_coord]) / (b[axis_coord] - a[axis_coord])
            clipped.append((a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])))
    return _merge_collinear(clipped)


def _merge_collinear(points, tol: float = 0.25) -> list[tuple[float, float]]:
    """Drop points that lie within ``tol`` (pixels) of the line through their neighbours."""
    points = [p for i, p in enumerate(points) if math.dist(p, points[i - 1]) > 1e-6]
    changed = True
    while changed and len(points) > 3:
        changed = False
        for i in range(len(points)):
            a, p, b = points[i - 1], points[i], points[(i + 1) % len(points)]
            length = math.dist(a, b)
            if length < 1e-9:
                continue
            distance = abs((b[0] - a[0]) * (a[1] - p[1]) - (a[0] - p[0]) * (b[1] - a[1])) / length
            if distance < tol:
                del points[i]
                changed = True
                break
    return points


def polygon_loop(points) -> Loop:
    return Loop([Line(*points[i], *points[(i + 1) % len(points)]) for i in range(len(points))])


def find_axis(views: list[View], role_axes: dict) -> RevolveAxis | None:
    """A circular view and a profile view symmetric about its centre, if the views have them."""
    for circular in views:
        fit = circle_of(circular.profiles[0].loops[0]) if circular.profiles[0].loops else None
        if fit is None:
            continue
        (ax_c, sx_c), (ay_c, sy_c), look = role_axes[circular.role]
        cx, cy, r = fit
        for profile in views:
            if profile is circular:
                continue
            (ax_p, sx_p), (ay_p, sy_p), look_p = role_axes[profile.role]
            if look_p == look or not profile.profiles[0].loops:
                continue
            # The profile view shows the axis as a line; find where it crosses that view.
            other = ax_p if ay_p == look else ay_p  # the profile's coordinate across the axis
            if other == ax_c:
                model_px = cx if sx_c > 0 else circular.box[2] - cx
            elif other == ay_c:
                model_px = cy if sy_c > 0 else circular.box[3] - cy
            else:
                continue
            axis_coord = 0 if other == ax_p else 1
            sign = sx_p if axis_coord == 0 else sy_p
            extent = profile.box[2] if axis_coord == 0 else profile.box[3]
            axis_value = model_px if sign > 0 else extent - model_px
            polygon = profile.profiles[0].loops[0].polygon()
            size = max(profile.box[2], profile.box[3])
            reach = max(abs(p[axis_coord] - axis_value) for p in polygon)
            if abs(reach - r) > 0.03 * r + 2:  # the circle's radius is the profile's half-width
                continue
            if is_symmetric(polygon, axis_coord, axis_value, size):
                return RevolveAxis(look, circular, profile, (cx, cy), r, axis_coord)
    return None


def axis_in_profile(axis: RevolveAxis) -> tuple[int, float, float]:
    """(coordinate across the axis in the profile view: 0 = x, 1 = y; the axis's place there
    in pixels; the profile's half-width): the middle of the profile's extent across the axis,
    since a revolved outline reaches equally far on both sides."""
    profile = axis.profile
    polygon = profile.profiles[0].loops[0].polygon()
    coord = axis.axis_coord
    low, high = min(p[coord] for p in polygon), max(p[coord] for p in polygon)
    return coord, (low + high) / 2, (high - low) / 2


def circular_loops(axis: RevolveAxis) -> list[Loop]:
    """The circular view's outline as its fitted circle, and those of its holes that are
    holes: a circle about the axis as large as a step of the profile's outline is that step's
    edge seen end on, unless the profile view shows a bore of that size as hidden lines
    along the axis."""
    view = axis.circular
    # As large as the view: a polygon's fitted circle falls short of its corners, and the
    # revolution is round already; only the holes cut anything.
    outer = max(axis.radius_px, view.box[2] / 2, view.box[3] / 2)
    loops = [Loop([Circle(*axis.centre_px, outer)])]
    coord, axis_value, half_width = axis_in_profile(axis)
    ratio = half_width / axis.radius_px  # profile pixels per circular-view pixel
    along = 1 - coord
    profile = axis.profile
    span = profile.box[2] if along == 0 else profile.box[3]
    bores = []
    for prim in profile.primitives:
        if not isinstance(prim, Line) or prim.line_type != "hidden":
            continue
        (x0, y0), (x1, y1) = prim.start(), prim.end()
        a, b = ((x0, y0), (x1, y1))
        if abs(a[coord] - b[coord]) > 2.0 or abs(a[along] - b[along]) < 0.1 * span:
            continue
        bores.append(abs((a[coord] + b[coord]) / 2 - axis_value))
    steps = [abs(p[coord] - axis_value) for p in profile.profiles[0].loops[0].polygon()]
    for loop in view.profiles[0].loops[1:]:
        fit = circle_of(loop)
        if fit is not None and math.dist(fit[:2], axis.centre_px) <= 0.05 * axis.radius_px + 2:
            r = fit[2] * ratio
            near = max(2.0, 0.05 * r)
            if (any(abs(d - r) <= near for d in steps)
                    and not any(abs(d - r) <= near for d in bores)):
                continue  # the edge of a step of the outline, not a bore
        loops.append(loop)
    return loops


def _centre_line_at(view: View, coord: int, value: float, span: float, tol: float) -> bool:
    """A centre line along the view at ``value`` across ``coord``, most of the view long."""
    along = 1 - coord
    for prim in view.primitives:
        if not isinstance(prim, Line) or prim.line_type != "centre":
            continue
        a, b = prim.start(), prim.end()
        if (abs(a[coord] - value) <= tol and abs(b[coord] - value) <= tol
                and abs(a[along] - b[along]) >= 0.8 * span):
            return True
    return False


def axis_from_profiles(views: list[View], role_axes: dict) -> RevolveAxis | None:
    """Without an end view: two views that show the same model axis along their length, each
    outline symmetric about a centre line drawn the whole way along it, and reaching equally
    far from it at every station (a turned part looks the same from every side)."""
    found = []
    for view in views:
        if not view.profiles or not view.profiles[0].loops:
            continue
        (ax, _), (ay, _), _ = role_axes[view.role]
        polygon = view.profiles[0].loops[0].polygon()
        for along_axis, coord in ((ax, 1), (ay, 0)):
            low = min(p[coord] for p in polygon)
            high = max(p[coord] for p in polygon)
            middle, size = (low + high) / 2, max(view.box[2], view.box[3])
            span = view.box[2] if coord == 1 else view.box[3]
            if (high - low) > 0.6 * span:  # a shaft is longer than it is wide
                continue
            if not _centre_line_at(view, coord, middle, span, max(3.0, 0.01 * size)):
                continue
            if is_symmetric(polygon, coord, middle, size):
                found.append((along_axis, view, coord, middle, (high - low) / 2))
    for i, (axis_a, view_a, coord_a, mid_a, half_a) in enumerate(found):
        for axis_b, view_b, coord_b, mid_b, half_b in found[i + 1:]:
            if axis_a != axis_b or abs(half_a - half_b) > 0.03 * half_a + 2:
                continue
            reach_a = _reaches(view_a, coord_a, mid_a)
            reach_b = _reaches(view_b, coord_b, mid_b)
            end = _end_view(views, role_axes, axis_a)
            if end is not None and not _round_enough(end):
                continue  # a square bar or tube looks the same from both sides too
            if len(reach_a) == len(reach_b) and all(
                    abs(ra - rb) <= 0.03 * half_a + 2 for ra, rb in zip(reach_a, reach_b)):
                return RevolveAxis(axis_a, end, view_a,
                                   *_end_centre(views, role_axes, axis_a, half_a), coord_a)
    return None


def _round_enough(view: View) -> bool:
    """Whether the view's outline fills its box as a circle does (a square fills 27 % more;
    a circle read as a coarse polygon a little less)."""
    loop = view.profiles[0].loops[0]
    lines = [p for p in loop.primitives if isinstance(p, Line)]
    perimeter = sum(p.length() for p in loop.primitives)
    if (lines and len(lines) == len(loop.primitives) and len(lines) <= 6
            and min(p.length() for p in lines) > 0.12 * perimeter):
        return False  # a hexagon or a square: few long flats, bar stock, not turned
    polygon = loop.polygon()
    area = abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1)
                   in zip(polygon, polygon[1:] + polygon[:1]))) / 2
    xs, ys = [p[0] for p in polygon], [p[1] for p in polygon]
    ellipse = math.pi * (max(xs) - min(xs)) * (max(ys) - min(ys)) / 4
    return ellipse > 0 and 0.85 <= area / ellipse <= 1.05


def _end_view(views: list[View], role_axes: dict, axis: str) -> View | None:
    """The view looking along ``axis``, if any (its outline was not read as a circle)."""
    return next((v for v in views if role_axes[v.role][2] == axis and v.profiles
                 and v.profiles[0].loops), None)


def _end_centre(views, role_axes, axis: str, half: float) -> tuple[tuple[float, float], float]:
    """The end view's centre and radius, from its box (a turned part fills it)."""
    view = _end_view(views, role_axes, axis)
    if view is None:
        return (0.0, 0.0), half
    return (view.box[2] / 2, view.box[3] / 2), (view.box[2] + view.box[3]) / 4


def _reaches(view: View, coord: int, middle: float) -> list[float]:
    """How far the outline reaches from its middle line at 40 stations along it."""
    polygon = view.profiles[0].loops[0].polygon()
    along = 1 - coord
    low, high = min(p[along] for p in polygon), max(p[along] for p in polygon)
    reach = []
    for i in range(1, 40):
        hits = _crossings(polygon, along, low + (high - low) * i / 40)
        if len(hits) >= 2:
            reach.append(max(max(hits) - middle, middle - min(hits)))
    return reach
