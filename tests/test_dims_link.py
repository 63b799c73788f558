# SPDX-License-Identifier: LGPL-2.1-or-later
"""Linking values to view geometry and solving the scale, on views built by hand."""

import pytest

from freecad.makistry_wb import plan
from freecad.makistry_wb.dims import link, solve_scale


def _rectangle(w, h):
    return [plan.Line(0, 0, w, 0), plan.Line(w, 0, w, h), plan.Line(w, h, 0, h),
            plan.Line(0, h, 0, 0)]


def _front_and_right():
    """A 100 x 40 x 60 mm block with a Ø20 hole, drawn at 0.2 mm/px but 0.3 % too wide."""
    front = plan.View(role="front", box=(100, 400, 501, 200),
                      primitives=_rectangle(501, 200) + [plan.Circle(250, 100, 50)])
    right = plan.View(role="right", box=(700, 400, 300, 200), primitives=_rectangle(300, 200))
    return [front, right]


def _dim(value, kind, view_index, box, **kw):
    return plan.Dimension(value=value, kind=kind, view_index=view_index, text_box=box,
                          text=str(value), **kw)


def test_values_link_to_the_geometry_they_measure():
    views = _front_and_right()
    dims = [
        _dim(100, "linear", 0, (330, 630, 40, 20)),   # under the front view: its width
        _dim(40, "linear", 0, (40, 490, 40, 20)),     # left of it: its height (model Z)
        _dim(20, "diameter", 0, (380, 470, 40, 20)),  # beside the hole
        _dim(60, "linear", 1, (830, 630, 40, 20)),    # under the right view: model Y
        _dim(45, "angle", 1, (900, 380, 40, 20)),
    ]
    scale = link.link(dims, views)
    assert scale == pytest.approx(0.2, rel=0.005)
    width, height, hole, depth, angle = dims
    assert width.axis == "x" and sorted(width.refs) == [1, 3]
    assert height.axis == "z"
    assert hole.refs == [4] and hole.axis is None
    assert depth.axis == "y"
    assert angle.refs == [] and angle.axis is None
    solution = solve_scale(views, dims)
    assert solution.source == "dimensions"
    # The value, not the drawing, gives the size: 100 mm over 501 px.
    assert solution.mm_per_px[0] == pytest.approx(100 / 501, rel=0.01)
    assert set(map(id, solution.used)) == {id(width), id(height), id(hole), id(depth)}


def _four_values_and_a_misprint():
    """Readings on _front_and_right(): four that fit its geometry, the last one fits nothing."""
    return [
        _dim(100, "linear", 0, (330, 630, 40, 20)),
        _dim(40, "linear", 0, (40, 490, 40, 20)),
        _dim(60, "linear", 1, (830, 630, 40, 20)),
        _dim(20, "diameter", 0, (380, 470, 40, 20)),
        _dim(33, "linear", 0, (330, 370, 40, 20)),  # misprinted: nothing measures 165 px
    ]


def test_a_value_that_fits_nothing_is_left_unused():
    views = _front_and_right()
    dims = _four_values_and_a_misprint()
    link.link(dims, views)
    solution = solve_scale(views, dims)
    assert dims[-1].refs == [] and dims[-1] in solution.unused
    assert all(d in solution.used for d in dims[:4])


def test_no_geometry_means_no_scale():
    dims = [_dim(100, "linear", None, (0, 0, 10, 10))]
    assert link.link(dims, []) is None
    solution = solve_scale([], dims)
    assert solution.source == "none" and solution.unused == dims


def test_report_and_preview_show_each_value_with_its_link():
    import numpy as np

    from freecad.makistry_wb.dims import preview

    views = _front_and_right()
    dims = _four_values_and_a_misprint()
    link.link(dims, views)
    solution = solve_scale(views, dims)
    entries = preview.describe(dims, views, solution.used)
    assert [e["status"] for e in entries] == ["used"] * 4 + ["unlinked"]
    assert entries[0]["axis"] == "x" and entries[0]["view"] == "front"
    blank = np.full((800, 1100, 3), 255, np.uint8)
    drawn = preview.draw(blank, 0, dims, views, solution.used)
    # The hole's circle (centre 350, 500 in the image, radius 50) is drawn in the link colour.
    assert tuple(drawn[500, 400]) == preview._GEOMETRY
    # The misprinted value's box is drawn in the unused colour.
    assert tuple(drawn[370, 350]) == preview._UNUSED


def _arrow(image, tip, direction, length=34, half_width=6):
    """A filled arrowhead as drawing programs draw it: a slender wedge."""
    import cv2
    import numpy as np

    dx, dy = direction
    base = (tip[0] - dx * length, tip[1] - dy * length)
    left = (base[0] - dy * half_width, base[1] + dx * half_width)
    right = (base[0] + dy * half_width, base[1] - dx * half_width)
    cv2.fillPoly(image, [np.array([tip, left, right], np.int32)], 0)


def _sheet_with_a_dimension_between_views():
    """_front_and_right() drawn, and a vertical 30 between the views whose extension lines run
    to the front view (from its bottom to the top of its hole) but whose text sits nearer the
    right view, as drawing programs place it when there is no room."""
    import cv2
    import numpy as np

    gray = np.full((800, 1100), 255, np.uint8)
    cv2.rectangle(gray, (100, 400), (601, 600), 0, 2)
    cv2.circle(gray, (350, 500), 50, 0, 2)
    cv2.rectangle(gray, (700, 400), (1000, 600), 0, 2)
    for y in (450, 600):  # extension lines, with the usual small gap by the outline
        cv2.line(gray, (606, y), (662, y), 0, 2)
    cv2.line(gray, (650, 450), (650, 600), 0, 2)  # the dimension line
    _arrow(gray, (650, 450), (0, -1))
    _arrow(gray, (650, 600), (0, 1))
    cv2.putText(gray, "30", (662, 535), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)
    return gray, (660, 518, 30, 22)


def test_arrowheads_are_found_with_their_tips_and_direction():
    from freecad.makistry_wb.dims import arrows

    gray, text_box = _sheet_with_a_dimension_between_views()
    annotation = arrows.analyse(gray, _front_and_right(), 0, [text_box])
    found = arrows.arrows_of(annotation, text_box)
    assert len(found) == 2, found
    tips = sorted(found, key=lambda a: a.tip[1])
    assert [a.axis for a in tips] == ["y", "y"]
    assert tips[0].direction[1] < 0 < tips[1].direction[1]  # pointing apart, up and down
    assert tips[0].tip == pytest.approx((650, 450), abs=3)
    assert tips[1].tip == pytest.approx((650, 600), abs=3)


def test_the_arrowheads_link_a_value_to_the_view_its_extension_lines_reach():
    from freecad.makistry_wb.dims import arrows

    gray, text_box = _sheet_with_a_dimension_between_views()
    views = _front_and_right()
    dims = _four_values_and_a_misprint()[:4] + [_dim(30, "linear", 1, text_box)]
    # Without the image the value goes to the nearest view, where nothing measures 150 px.
    link.link(dims, views)
    assert dims[-1].refs == []
    annotation = arrows.analyse(gray, views, 0, [d.text_box for d in dims])
    link.link(dims, views, {0: gray < 200}, {0: annotation}, [0] * len(dims))
    value = dims[-1]
    assert value.view_index == 0 and value.axis == "z"
    # It measures from the bottom edge to the top of the hole.
    assert set(value.refs) & {2, 4}
    assert solve_scale(views, dims).mm_per_px[0] == pytest.approx(0.2, rel=0.01)


def test_a_leader_crossing_the_outline_links_a_hole_by_its_counterbore():
    """A hole call-out whose leader crosses the front view's outline (painted out with the
    geometry, which cuts the leader) and ends on the counterbore circle: the value is the hole's
    Ø20, so it links to the hole circle inside it, although its text is nearer the right view."""
    import cv2
    import numpy as np

    from freecad.makistry_wb.dims import arrows

    views = _front_and_right()
    views[0].primitives.append(plan.Circle(250, 100, 80))  # the counterbore, index 5
    gray = np.full((800, 1100), 255, np.uint8)
    cv2.rectangle(gray, (100, 400), (601, 600), 0, 2)
    cv2.circle(gray, (350, 500), 50, 0, 2)
    cv2.circle(gray, (350, 500), 80, 0, 2)
    cv2.rectangle(gray, (700, 400), (1000, 600), 0, 2)
    tip = (350 + 80 * 0.7071, 500 - 80 * 0.7071)
    knee = (tip[0] + 150, tip[1] - 150)
    cv2.line(gray, (int(tip[0] + 20), int(tip[1] - 20)), (int(knee[0]), int(knee[1])), 0, 2)
    cv2.line(gray, (int(knee[0]), int(knee[1])), (700, int(knee[1])), 0, 2)
    _arrow(gray, (int(tip[0]), int(tip[1])), (-0.7071, 0.7071))
    text_box = (705, int(knee[1]) - 13, 40, 26)
    dims = _four_values_and_a_misprint()[:4] + [_dim(20, "diameter", 1, text_box)]
    annotation = arrows.analyse(gray, views, 0, [d.text_box for d in dims])
    link.link(dims, views, {0: gray < 200}, {0: annotation}, [0] * len(dims))
    hole = dims[-1]
    assert hole.view_index == 0 and hole.refs == [4]
