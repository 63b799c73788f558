# SPDX-License-Identifier: LGPL-2.1-or-later
"""The round at the foot of a round boss.

A boss turned round (``pockets.round_bosses``) is cut out of the visual hull down to the level
the rest of the part stands at; a round drawn rising from that level to the boss's wall is the
boss's own and runs round it, a ring of the round's section about the boss's axis. It is added
back as a Revolution of that section, then cut to the silhouettes again: it stays only where
the rest of the part is there to carry it (on an arm's top, not out over its sides).
"""

from __future__ import annotations

from ..plan import Arc, Constraint, Feature, Line, Sketch
from .pockets import VIEWER_SIDE, Floor

# The sketch plane through an axis: the model axis normal to it, for each axis it contains.
_PLANES = {"XY": ("z", "x", "y"), "XZ": ("y", "x", "z"), "YZ": ("x", "y", "z")}


def _plane_through(look: str, radial: str) -> tuple[str, str, str]:
    """(plane, sketch x axis, sketch y axis) of the origin plane holding ``look`` and
    ``radial``."""
    for plane, (_normal, sx, sy) in _PLANES.items():
        if {sx, sy} == {look, radial}:
            return plane, sx, sy
    raise ValueError(f"no plane through {look} and {radial}")


def foot_round(floor: Floor, number: int, centre: dict[str, float], radius: float,
               level: float, foot: float, silhouettes: list[Feature]) -> list[Feature]:
    """The Revolution of a boss's foot round, and the silhouettes cut again after it.

    ``centre``: the boss axis's model coordinates across it (two axes, mm); ``radius``: the
    boss's; ``level``: where the rest stands (mm along the view axis); ``foot``: the round's
    radius (mm)."""
    if foot <= 0 or not floor.outside:
        return []
    look = next(axis for axis in "xyz" if axis not in centre)
    radial, across = sorted(centre)
    plane, sx, sy = _plane_through(look, radial)
    up = float(VIEWER_SIDE[floor.view.role])  # the boss rises towards its viewer

    def point(along_look: float, out: float) -> tuple[float, float]:
        coords = {look: along_look, radial: centre[radial] + out}
        return coords[sx], coords[sy]

    wall, toe, top = point(level, radius), point(level, radius + foot), point(level + up * foot,
                                                                               radius)
    corner = point(level + up * foot, radius + foot)
    # The round's arc, counter-clockwise in the sketch, from the wall's top to the toe.
    import math

    a_top = math.degrees(math.atan2(top[1] - corner[1], top[0] - corner[0])) % 360.0
    a_toe = math.degrees(math.atan2(toe[1] - corner[1], toe[0] - corner[0])) % 360.0
    if (a_toe - a_top) % 360.0 > 180.0:
        a_top, a_toe = a_toe, a_top
    arc = Arc(corner[0], corner[1], foot, a_top, a_toe)
    a, b = arc.start(), arc.end()
    # wall -> (the arc's end nearer the toe) ... closed through the wall.
    near_toe, near_top = (a, b) if _dist(a, toe) < _dist(b, toe) else (b, a)
    geometry = [Line(*wall, *near_toe), arc, Line(*near_top, *wall)]
    low, high = point(level - up * foot, 0.0), point(level + 2 * up * foot, 0.0)
    geometry.append(Line(*low, *high))  # the boss's axis, for the Revolution
    sketch = Sketch(plane=plane, geometry=geometry, construction=[3])
    sketch.offset = centre[across]
    arc_start_at_toe = _dist(a, toe) < _dist(b, toe)
    sketch.constraints += [
        Constraint("Coincident", [0, 2, 1, 1 if arc_start_at_toe else 2]),
        Constraint("Coincident", [1, 2 if arc_start_at_toe else 1, 2, 1]),
        Constraint("Coincident", [2, 2, 0, 1])]
    ring = Feature(name=f"FootRound{number}", operation="revolution", sketch=sketch,
                   params={"angle": 360.0},
                   evidence=[f"the round at the foot of the round boss in the {floor.view.role} "
                             "view, turned about its axis"])
    again = [Feature(name=f"{f.name}Again{number}", operation=f.operation, sketch=f.sketch,
                     params=dict(f.params),
                     evidence=[f"{f.evidence[0]}, again: the foot round only where the part is"])
             for f in silhouettes]
    return [ring, *again]


def _dist(p, q) -> float:
    return ((p[0] - q[0]) ** 2 + (p[1] - q[1]) ** 2) ** 0.5
