# SPDX-License-Identifier: LGPL-2.1-or-later
"""The call-out grammar: values, symbols, tolerances, counts, hole call-outs, units."""

import pytest

from freecad.makistry_wb.dims import grammar


@pytest.mark.parametrize("text, value, kind, count, flags", [
    ("90", 90, "linear", 1, []),
    ("R26", 26, "radius", 1, []),
    ("Ø24 THRU", 24, "diameter", 1, ["THRU"]),
    ("Φ35", 35, "diameter", 1, []),  # OCR's Greek phi for the diameter sign
    ("(19)", 19, "linear", 1, ["REF"]),
    ("18)", 18, "linear", 1, ["REF"]),  # opening parenthesis lost to a touching line
    ("(Ø38)", 38, "diameter", 1, ["REF"]),
    ("12 SLOT THRU", 12, "linear", 1, ["THRU", "SLOT"]),
    ("6X Ø6 THRU ALL", 6, "diameter", 6, ["THRU ALL"]),
    ("4X R5 TYP", 5, "radius", 4, ["TYP"]),
    ("60°", 60, "angle", 1, []),
    ("120° TYP RIB SPACING", 120, "angle", 1, ["TYP"]),
    ("107.95 B.C.", 107.95, "diameter", 1, ["BOLT CIRCLE"]),
    ("-52", 52, "linear", 1, []),  # leader line read as a dash
    ("130-", 130, "linear", 1, []),
    ("Ø10 ↧12", 10, "diameter", 1, ["DEPTH=12"]),
    ("YELLOW FILLETS R3", 3, "radius", 1, ["NOTE"]),
])
def test_call_outs(text, value, kind, count, flags):
    call = grammar.parse_line(text)
    assert call is not None, text
    assert call.value == pytest.approx(value)
    assert call.kind == kind
    assert call.count == count
    assert set(flags) <= set(call.flags), call.flags


def test_tolerances():
    assert grammar.parse_line("25 ±0.1").tolerance == pytest.approx((-0.1, 0.1))
    assert grammar.parse_line("Ø12 +0.05 -0.02").tolerance == pytest.approx((-0.02, 0.05))
    assert grammar.parse_line("40 +0.2/-0.1").tolerance == pytest.approx((-0.1, 0.2))


@pytest.mark.parametrize("text", [
    "TOLERANCE ± 1g", "DENSITY: 7800 kg/m^3", "PPP0101", "SECTION A-A", "UNIT SYSTEM: MMGS",
    "What is the MASS of this part in", "SYM", "A", "(4) PLACES", "PARTYPACK01", "PARTYPACK Ø1",
])
def test_notes_are_not_dimensions(text):
    assert grammar.parse_line(text) is None


def test_second_lines_of_a_call_out():
    call = grammar.parse_line("R6")
    assert grammar.parse_modifier_line(call, "(4) PLACES") and call.count == 4
    hole = grammar.parse_line("Ø24 THRU")
    assert grammar.parse_modifier_line(hole, "⌴Ø34 ↧4")
    assert {"CBORE=34", "CBORE_DEPTH=4"} <= set(hole.flags)
    spaced = grammar.parse_line("Ø24 THRU")
    assert grammar.parse_modifier_line(spaced, "Ø34 4")  # depth sign lost, gap kept
    assert "CBORE_DEPTH=4" in spaced.flags
    sink = grammar.parse_line("4X Ø6.6 THRU")
    assert grammar.parse_modifier_line(sink, "⌵Ø12 X 90°")
    assert {"CSK=12", "CSK_ANGLE=90"} <= set(sink.flags)
    rib = grammar.parse_line("8 TO START")
    assert grammar.parse_modifier_line(rib, "OF RIB") and rib.value == 8
    # A second, unrelated value is not swallowed into a call-out.
    plain = grammar.parse_line("50")
    assert not grammar.parse_modifier_line(plain, "42")


def test_units():
    assert grammar.sheet_units(["UNIT SYSTEM:", "MMGS"]) == "mm"
    assert grammar.sheet_units(["UNIT SYSTEM: IPS"]) == "in"
    assert grammar.sheet_units(["90", "R6"]) is None
    assert grammar.parse_line('1.250"').unit == "in"
    inch_calls = [grammar.parse_line(t) for t in ("1.250", ".375", "2.125", "Ø.500")]
    assert grammar.units_from_values(inch_calls) == "in"
    mm_calls = [grammar.parse_line(t) for t in ("115", "42", "R9", "Ø24")]
    assert grammar.units_from_values(mm_calls) is None
