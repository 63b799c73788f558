# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sizes stated in the prompt hint, e.g. "120 mm long", "a 6 mm plate", "width 4.5 in"."""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS_MM = {"mm": 1.0, "millimetre": 1.0, "millimeter": 1.0, "cm": 10.0, "m": 1000.0,
             "in": 25.4, "inch": 25.4, "inches": 25.4, '"': 25.4}

# Words that say which extent a value gives.
_EXTENT_WORDS = {
    "long": "length", "length": "length", "longest": "length", "size": "length",
    "across": "length", "overall": "length",
    "wide": "x", "width": "x",
    "tall": "z", "high": "z", "height": "z",
    "deep": "y", "depth": "y",
    "thick": "thickness", "thickness": "thickness", "plate": "thickness", "sheet": "thickness",
}

_NUMBER = r"(\d+(?:[.,]\d+)?)"
_UNIT = r"(mm|millimet(?:re|er)s?|cm|m|in(?:ch(?:es)?)?|\")"
_VALUE_THEN_WORD = re.compile(_NUMBER + r"\s*" + _UNIT + r"\s*(?:[- ]?\s*)(\w+)?", re.I)
_WORD_THEN_VALUE = re.compile(r"(\w+)\s*(?:of|is|=|:)?\s*" + _NUMBER + r"\s*" + _UNIT, re.I)


@dataclass
class PromptSize:
    value_mm: float
    extent: str  # "length" (largest extent), "x", "y", "z" or "thickness"
    text: str


def _unit_factor(unit: str) -> float:
    unit = unit.lower().rstrip("s")
    if unit.startswith("millimet"):
        return 1.0
    if unit.startswith("in") or unit == '"':
        return 25.4
    return _UNITS_MM.get(unit, 1.0)


def parse_prompt_sizes(prompt: str) -> list[PromptSize]:
    """Every size the prompt states, with the extent it names (default: the longest)."""
    sizes: list[PromptSize] = []
    seen: set[tuple[int, int]] = set()
    for match in _VALUE_THEN_WORD.finditer(prompt or ""):
        value = float(match.group(1).replace(",", ".")) * _unit_factor(match.group(2))
        word = (match.group(3) or "").lower()
        extent = _EXTENT_WORDS.get(word)
        if extent is None:
            before = _WORD_THEN_VALUE.search(prompt, max(0, match.start() - 20), match.end())
            word_before = before.group(1).lower() if before else ""
            extent = _EXTENT_WORDS.get(word_before, "length")
        sizes.append(PromptSize(value, extent, match.group(0).strip()))
        seen.add(match.span())
    return sizes
