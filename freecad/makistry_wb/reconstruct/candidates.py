# SPDX-License-Identifier: LGPL-2.1-or-later
"""Other readings of the same views, for the engine to weigh by how well each, built and
projected back, agrees with the lines of the drawing.

The outlines and see-through holes are what the views show outright; the pockets found from
hidden lines and face regions (``Pocket<n>``) are inferences, each of which may be wrong. The
alternatives are the plan without each of them, and without all of them. (Cutting them through
instead was tried: on the benchmark it never agreed better.)"""

from __future__ import annotations

import copy

from ..plan import PartPlan

MAX_SINGLE_DROPS = 3


def _inferred(plan: PartPlan) -> list[int]:
    return [i for i, f in enumerate(plan.features)
            if i > 0 and f.operation == "pocket" and f.name.startswith("Pocket")]


def _without(plan: PartPlan, drop: set[int]) -> PartPlan:
    other = copy.deepcopy(plan)
    other.features = [f for i, f in enumerate(other.features) if i not in drop]
    return other


def alternatives(plan: PartPlan) -> list[tuple[str, PartPlan]]:
    """(description, plan) for each other reading worth building, most plausible first."""
    inferred = _inferred(plan)[:MAX_SINGLE_DROPS]
    readings = [(f"without {plan.features[i].name}", _without(plan, {i})) for i in inferred]
    if len(inferred) > 1:
        readings.append(("without the pockets inferred from hidden lines",
                         _without(plan, set(inferred))))
    return readings
