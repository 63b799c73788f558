# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the visual hull cannot see: blind pockets and counterbores.

A face seen inside a view's outline (a region closed by visible lines that is not a see-through
hole) is a floor at some depth when another view shows a line across exactly that face's span at
a level short of the viewer's side: the pocket goes from the viewer's side down to that level.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..drawing.corners import onto_drawn_lines
from ..plan import Arc, Circle, Line, Loop, View
from .loops import _chain
from .revolve import _crossings, circle_of, polygon_loop

# Which side of the part each view's viewer stands on, along the axis it looks along.
VIEWER_SIDE = {"front": -1, "back": 1, "top": 1, "bottom": -1, "right": 1, "left": -1}
MIN_REGION_PX = 60.0  # smaller closed regions are text, arrowheads or line junctions
MARGIN_PX = 6  # paper around a view's box, so that the outside is one region
STROKE_PX = 5
FALLING_PX = 0.5  # an outline falls away from a wall when it drops this much a station
DASH_SLACK_PX = 24.0  # how short of a face's end a hidden line may stop (about two dashes)


@dataclass
class Floor:
    view: View
    loop: Loop  # in the view's coordinates
    level_px: float  # model coordinate (pixels) of the floor along the view's axis
    from_far_side: bool  # cut from the side away from the viewer
    evidence: str
    outside: bool = False  # cut what lies outside the loop (around a round boss), not inside
    foot_px: float = 0.0  # a round boss's foot round: how high it rises up the wall (pixels)


def _rasterise(view: View, line_types: tuple[str, ...], thickness: int) -> np.ndarray:
    import cv2

    w, h = int(math.ceil(view.box[2])) + 2 * MARGIN_PX, int(math.ceil(view.box[3])) + 2 * MARGIN_PX
    canvas = np.zeros((h, w), np.uint8)

    def px(x, y):
        return int(round(x)) + MARGIN_PX, int(round(h - MARGIN_PX - y))

    for prim in view.primitives:
        if prim.line_type not in line_types:
            continue
        if isinstance(prim, Line):
            cv2.line(canvas, px(prim.x0, prim.y0), px(prim.x1, prim.y1), 255, thickness)
        elif isinstance(prim, Circle):
            cv2.circle(canvas, px(prim.cx, prim.cy), int(round(prim.r)), 255, thickness)
        else:
            points = Loop([prim]).polygon(arc_step_deg=3.0) + [prim.end()]
            cv2.polylines(canvas, [np.array([px(*p) for p in points], np.int32)], False, 255,
                          thickness)
    return canvas


def face_regions(view: View) -> list[Loop]:
    """Closed regions inside the view's outline bounded by visible lines, except the main
    face (the one that spans the whole view), as loops in view coordinates."""
    import cv2

    # Thick strokes close the small gaps a vectoriser leaves at corners and dashes; outside
    # the view's outline counts as ink, so a gap in the outline cannot join a face to it.
    lines = _rasterise(view, ("visible",), STROKE_PX)
    h = lines.shape[0]
    inside = np.zeros_like(lines)
    if view.profiles and view.profiles[0].loops:
        outline = view.profiles[0].loops[0].polygon(arc_step_deg=3.0)
        points = np.array([(x + MARGIN_PX, h - MARGIN_PX - y) for x, y in outline])
        cv2.fillPoly(inside, [np.round(points).astype(np.int32)], 255)
    free = ((lines == 0) & (inside > 0)).astype(np.uint8)
    free[0, 0] = 1  # the outside, by convention label of pixel (0, 0)
    free[0, :] = 1
    count, labels, stats, _ = cv2.connectedComponentsWithStats(free, connectivity=4)
    outside = labels[0, 0]
    regions = []
    for label in range(1, count):
        if label == outside or stats[label][4] < MIN_REGION_PX:
            continue
        mask = (labels == label).astype(np.uint8)
        mask = cv2.dilate(mask, np.ones((STROKE_PX + 4, STROKE_PX + 4), np.uint8))  # to centres
        contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
        contour = max(contours, key=cv2.contourArea).reshape(-1, 2).astype(float)
        points = [(px - MARGIN_PX, h - MARGIN_PX - py) for px, py in contour]
        approx = cv2.approxPolyDP(np.array(points, np.float32), 1.0, True).reshape(-1, 2)
        loop = polygon_loop(onto_drawn_lines([tuple(map(float, p)) for p in approx],
                                             view.primitives))
        fit = circle_of(Loop([Line(*points[i], *points[i - 1]) for i in range(len(points))]))
        if fit is not None:
            loop = Loop([Circle(*fit)])
        x0, y0, x1, y1 = _loop_box(loop)
        spans_view = x0 <= 3 and y0 <= 3 and x1 >= view.box[2] - 3 and y1 >= view.box[3] - 3
        if not spans_view:  # the main face spans the whole view
            regions.append(loop)
    return regions


def _loop_box(loop: Loop) -> tuple[float, float, float, float]:
    points = loop.polygon()
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _within_hole(loop: Loop, view: View, tol: float) -> bool:
    """The region lies inside a see-through hole the hull already cuts (or is that hole, or
    a piece of it split off by centre marks read as visible lines)."""
    x0, y0, x1, y1 = _loop_box(loop)
    for hole in view.profiles[0].inner if view.profiles else []:
        hx0, hy0, hx1, hy1 = _loop_box(hole)
        if x0 >= hx0 - tol and y0 >= hy0 - tol and x1 <= hx1 + tol and y1 <= hy1 + tol:
            return True
    return False


def _model_span(view: View, role_axes: dict, x0: float, y0: float, x1: float, y1: float):
    """A view-coordinate box as {model axis: (low, high)} in model pixels."""
    (ax, sx), (ay, sy), _ = role_axes[view.role]
    xs = sorted(x if sx > 0 else view.box[2] - x for x in (x0, x1))
    ys = sorted(y if sy > 0 else view.box[3] - y for y in (y0, y1))
    return {ax: tuple(xs), ay: tuple(ys)}


def _evidence(view: View, region: Loop, views: list[View], role_axes: dict, tol: float):
    """Hidden lines of the other views about ``region``: floor levels (lines across its span)
    and the far ends of its walls (lines along the view axis at both ends of its span)."""
    _, _, look = role_axes[view.role]
    span = _model_span(view, role_axes, *_loop_box(region))
    floors, walls, witnesses = [], [], []
    for other in views:
        (ox, _), (oy, _), _ = role_axes[other.role]
        if other is view or look not in (ox, oy):
            continue
        shared = oy if ox == look else ox
        lo, hi = span[shared]
        # Dashed lines end anywhere within a dash, and a dash pattern that runs on from the
        # line before can leave the first dash out: a few dashes' worth, on a long enough span.
        slack = max(tol, 0.1 * (hi - lo), min(DASH_SLACK_PX, 0.3 * (hi - lo)))
        ends = {"lo": [], "hi": []}
        for prim in other.primitives:
            # A floor or wall inside the material is hidden from the side; a visible one is on
            # the outline, where the hull has already cut the step.
            if not isinstance(prim, Line) or prim.line_type != "hidden":
                continue
            line = _model_span(other, role_axes, prim.x0, prim.y0, prim.x1, prim.y1)
            (a, b), (low, high) = line[shared], line[look]
            if high - low <= tol:
                if lo - tol <= a <= lo + slack and hi - slack <= b <= hi + tol:
                    floors.append(((low + high) / 2, other.role))
            elif b - a <= tol:
                where = (a + b) / 2
                if abs(where - lo) <= tol:
                    ends["lo"].append((low, high))
                elif abs(where - hi) <= tol:
                    ends["hi"].append((low, high))
        if ends["lo"] and ends["hi"]:
            walls.append((ends["lo"], ends["hi"], other.role))
        witnesses.append(other.role)
    # Every side view must agree: one alone cannot tell a pocket floor from an edge behind
    # another part of the solid at the same span.
    floors = [(level, role) for level, role in floors
              if all(any(abs(level - lv) <= tol for lv, r in floors if r == witness)
                     for witness in witnesses)]
    if len(walls) < len(witnesses):
        walls = []
    return floors, walls


def find_floors(views: list[View], role_axes: dict, tol: float = 3.0) -> list[Floor]:
    """Faces inside outlines whose depth another view shows (see module docstring): from the
    viewer's side down to the nearest hidden floor line, or to where the hidden walls at both
    ends of the face's span end; a second floor near the far side is a pocket from there."""
    floors = []
    for view in views:
        _, _, look = role_axes[view.role]
        extent = _axis_extent(views, role_axes, look)
        near = extent if VIEWER_SIDE[view.role] > 0 else 0.0
        far = extent - near
        for region in face_regions(view):
            if _within_hole(region, view, tol):
                continue
            levels, walls = _evidence(view, region, views, role_axes, tol)
            inside = [lv for lv in levels if tol < abs(lv[0] - near) < extent - tol]
            if inside:
                level = min(inside, key=lambda lv: abs(lv[0] - near))
                floors.append(Floor(view, region, level[0], False,
                                    f"{view.role} face, floor from a hidden line in the "
                                    f"{level[1]} view"))
                beyond = [lv for lv in inside if abs(lv[0] - level[0]) > tol
                          and abs(lv[0] - far) < abs(lv[0] - near)]
                if beyond:
                    back = min(beyond, key=lambda lv: abs(lv[0] - far))
                    floors.append(Floor(view, region, back[0], True,
                                        f"the same outline on the far side, floor from a hidden "
                                        f"line in the {back[1]} view"))
                continue
            for lo_walls, hi_walls, role in walls:
                # Both walls start at the viewer's side and end at one depth.
                depth_lo = max(abs(end - near) for run in lo_walls for end in run)
                depth_hi = max(abs(end - near) for run in hi_walls for end in run)
                if abs(depth_lo - depth_hi) <= 2 * tol and max(depth_lo, depth_hi) > tol:
                    depth = _closing_depth(view, region, next(v for v in views if v.role == role),
                                           role_axes, near, max(depth_lo, depth_hi), tol)
                    level = near - depth if near > 0 else depth
                    floors.append(Floor(view, region, level, False,
                                        f"{view.role} face, depth from hidden walls in the "
                                        f"{role} view"))
                    break
    return floors


def _closing_depth(view: View, region: Loop, other: View, role_axes: dict, near: float,
                   depth: float, tol: float) -> float:
    """Dashed walls end anywhere within their last dash: where a line of ``other`` runs
    across the whole of the face's span a little beyond their end, the walls end on it."""
    _, _, look = role_axes[view.role]
    (ox, _), (oy, _), _ = role_axes[other.role]
    shared = oy if ox == look else ox
    lo, hi = _model_span(view, role_axes, *_loop_box(region))[shared]
    best = depth
    for prim in other.primitives:
        if not isinstance(prim, Line) or prim.line_type == "centre":
            continue
        line = _model_span(other, role_axes, prim.x0, prim.y0, prim.x1, prim.y1)
        (a, b), (low, high) = line[shared], line[look]
        reach = abs((low + high) / 2 - near)
        if high - low <= tol and a <= lo + tol and b >= hi - tol \
                and depth < reach <= depth + DASH_SLACK_PX and (best == depth or reach < best):
            best = reach
    return best


def _axis_extent(views: list[View], role_axes: dict, axis: str) -> float:
    sizes = []
    for view in views:
        (ax, _), (ay, _), _ = role_axes[view.role]
        if ax == axis:
            sizes.append(view.box[2])
        if ay == axis:
            sizes.append(view.box[3])
    return float(np.median(sizes)) if sizes else 0.0


def _model_outline(view: View, role_axes: dict) -> tuple[str, str, list[tuple[float, float]]]:
    """The view's outline in model pixels: (model axis of x, of y, points as (x, y))."""
    (ax, sx), (ay, sy), _ = role_axes[view.role]
    points = [(x if sx > 0 else view.box[2] - x, y if sy > 0 else view.box[3] - y)
              for x, y in _outline_points(view.profiles[0].loops[0])]
    return ax, ay, points


def _outline_points(loop: Loop) -> list[tuple[float, float]]:
    """The outline as a polygon walked along its chain: an arc read the other way round is
    walked from its end (its own polygon, start to end, would cut across the part)."""
    prims = [p for p in loop.primitives if not isinstance(p, Circle)]
    if len(prims) < 2:
        return loop.polygon(arc_step_deg=3.0)
    return _chain(prims, 0.5)[1]


def _heights(points, coord: int, stations, viewer: int) -> list[float]:
    """How far the outline reaches towards the viewer at each station along ``coord``."""
    reach = []
    for station in stations:
        hits = _crossings(points, coord, station)
        if hits:
            reach.append(max(hits) if viewer > 0 else -min(hits))
    return reach


def _has_wall(points, coord: int, where: float, low: float, high: float, tol: float,
              viewer: int) -> bool:
    """An outline edge along the view axis at ``where`` rising above ``low`` by a good part
    of the way to ``high`` (heights measured towards the viewer)."""
    other = 1 - coord
    for a, b in zip(points, points[1:] + points[:1]):
        if abs(a[coord] - where) > tol or abs(b[coord] - where) > tol:
            continue
        h0, h1 = sorted((a[other] * viewer, b[other] * viewer))
        if h1 >= low + tol and h1 - max(h0, low) >= 0.3 * (high - low):
            return True
    return False


def _rest_height(points, coord: int, stations, lo: float, hi: float, viewer: int):
    """How high the outline reaches beside a boss's span: the highest of the rest, leaving out
    what falls away from the boss's walls (a round or a chamfer at its foot, which is the
    boss's own, not a level the rest of the part stands at)."""
    rest, rise = [], 0.0
    for side in ([st for st in stations if st < lo][::-1], [st for st in stations if st > hi]):
        heights = [h for st in side for h in _heights(points, coord, [st], viewer)]
        k = 0
        while k + 1 < len(heights) and heights[k + 1] < heights[k] - FALLING_PX:
            k += 1  # still falling away from the wall
        if k + 1 < len(heights):
            rest += heights[k:]
            rise = max(rise, heights[0] - heights[k])
        else:
            rest += heights
    return max(rest, default=None), rise


def _foot_radius(view: View, role_axes: dict, shared: str, walls: list[float], rest: float,
                 viewer: int, tol: float) -> float:
    """The radius (pixels) of the outline's arc that leaves a boss's wall at one of ``walls``
    (model pixels along ``shared``) and comes down to ``rest``: the round at the boss's foot."""
    (ax, sx), (ay, sy), _ = role_axes[view.role]
    k = 0 if shared == ax else 1
    best = 0.0
    for prim in view.profiles[0].loops[0].primitives:
        if not isinstance(prim, Arc):
            continue
        ends = [(x if sx > 0 else view.box[2] - x, y if sy > 0 else view.box[3] - y)
                for x, y in (prim.start(), prim.end())]
        along = [e[k] for e in ends]
        height = [e[1 - k] * viewer for e in ends]
        at_wall = any(abs(a - w) <= tol for a in along for w in walls)
        at_rest = any(abs(h - rest) <= tol for h in height)
        if at_wall and at_rest:
            best = max(best, prim.r)
    return best


def round_bosses(views: list[View], role_axes: dict, tol: float = 3.0) -> list[Floor]:
    """Round bosses the visual hull leaves square: a visible circle in one view (not a hole)
    whose span, in every other view that shows the part's height along that view's axis,
    rises above the rest of the outline between walls at both ends of the span. The boss is
    a cylinder: what lies outside the circle above the level of the rest is cut away."""
    found = []
    for view in views:
        if not view.profiles or not view.profiles[0].loops:
            continue
        (vx, vsx), (vy, vsy), look = role_axes[view.role]
        viewer = VIEWER_SIDE[view.role]
        holes = [circle_of(loop) for loop in view.profiles[0].loops[1:]]
        for prim in view.primitives:
            if not isinstance(prim, Circle) or prim.line_type != "visible" or prim.r < 4 * tol:
                continue
            if any(h and math.dist(h[:2], (prim.cx, prim.cy)) <= tol
                   and abs(h[2] - prim.r) <= tol for h in holes):
                continue
            centre = {vx: prim.cx if vsx > 0 else view.box[2] - prim.cx,
                      vy: prim.cy if vsy > 0 else view.box[3] - prim.cy}
            levels, judged, feet = [], 0, []
            for other in views:
                if other is view or not other.profiles or not other.profiles[0].loops:
                    continue
                ox, oy, points = _model_outline(other, role_axes)
                if look not in (ox, oy):
                    continue
                shared = oy if ox == look else ox
                coord = 0 if shared == ox else 1
                if shared not in centre:
                    continue
                lo, hi = centre[shared] - prim.r, centre[shared] + prim.r
                xs = [p[coord] for p in points]
                first, last = min(xs), max(xs)
                inside = [lo + (hi - lo) * (i + 0.5) / 20 for i in range(20)]
                outside = [first + (last - first) * (i + 0.5) / 80 for i in range(80)]
                outside = [st for st in outside if st < lo - tol or st > hi + tol]
                top = max(_heights(points, coord, inside, viewer), default=None)
                rest, rise = _rest_height(points, coord, outside, lo, hi, viewer)
                if top is None:
                    break
                if rest is None:  # the span is the view's whole width: nothing to compare
                    if lo > first + tol or hi < last - tol:
                        break
                    judged += 1
                    continue
                if top - rest <= 2 * tol:
                    break
                ends = [end for end in (lo, hi) if first - tol <= end <= last + tol]
                if not ends or not all(_has_wall(points, coord, end, rest, top, tol, viewer)
                                       for end in ends):
                    break
                levels.append(rest)
                if rise > 0:  # a round falls away from the wall: its radius as drawn
                    feet.append(_foot_radius(other, role_axes, shared, ends, rest, viewer, tol))
                judged += 1
            else:
                if not levels or judged < 2:
                    continue
                level = max(levels) * viewer
                found.append(Floor(view, Loop([Circle(prim.cx, prim.cy, prim.r)]), level, False,
                                   f"round boss in the {view.role} view, standing above the "
                                   "rest of the outline in the other views", outside=True,
                                   foot_px=max(feet, default=0.0)))
    return found
