# SPDX-License-Identifier: LGPL-2.1-or-later
"""Revolved parts: a circular outline in one view and, in another, an outline symmetric about
the axis through that circle's centre. The half outline becomes a Revolution's profile."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..plan import Circle, Line, Loop, View

# How round an outline must be, and how symmetric the other view, to be called revolved.
ROUNDNESS_TOL = 0.02
SYMMETRY_TOL = 0.03


@dataclass
class RevolveAxis:
    axis: str  # model axis the part turns about: "x", "y" or "z"
    circular: View  # the view looking along the axis
    profile: View  # a view containing the axis
    centre_px: tuple[float, float]  # the circle's centre, in the circular view's coordinates
    radius_px: float


def circle_of(loop: Loop) -> tuple[float, float, float] | None:
    """(cx, cy, r) when the loop is a circle (one Circle, or a polygon that fits one well)."""
    if len(loop.primitives) == 1 and isinstance(loop.primitives[0], Circle):
        c = loop.primitives[0]
        return c.cx, c.cy, c.r
    points = loop.polygon(arc_step_deg=5.0)
    if len(points) < 12:
        return None
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    radii = [math.dist(p, (cx, cy)) for p in points]
    r = sum(radii) / len(radii)
    if r <= 0 or max(abs(q - r) for q in radii) > ROUNDNESS_TOL * r:
        return None
    return cx, cy, r


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
                return RevolveAxis(look, circular, profile, (cx, cy), r)
    return None
