# SPDX-License-Identifier: LGPL-2.1-or-later
"""The grammar of mechanical drawing call-outs: text -> value, kind, tolerance, count, flags.

Handles linear values, Ø, R, angles, +/- and ± tolerances, reference values in parentheses,
counts (``4X``, ``(4) PLACES``), ``THRU`` / ``THRU ALL``, depth (↧), counterbore (⌴) and
countersink (⌵) lines under a hole call-out, slot call-outs, ``TYP``, bolt circles (``B.C.``) and
units (inch marks, ``IN``, ``MM``; the title block's MMGS / IPS is read by :func:`sheet_units`).
OCR confusions of the symbols (Φ, θ, ⌀ for Ø; V, T, 丁 for ↧) are folded in first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DIAMETER_SIGNS = "Ø⌀∅Φφøθ"
DEPTH_SIGNS = "↧↓▽⊽V丁T下工"
CBORE_SIGNS = "⌴⊔"
CSINK_SIGNS = "⌵"

_NUMBER = r"(\d+(?:[.,]\d+)?|[.,]\d+)"
_TOLERANCE = re.compile(
    r"^\s*(?:±\s*" + _NUMBER + r"|\+\s*" + _NUMBER + r"\s*/?\s*-\s*" + _NUMBER + r")")
_COUNT_PREFIX = re.compile(r"^\s*(\d{1,3})\s*[Xx×]\s*(?=[^A-Za-z]|$)")
_PLACES = re.compile(r"\(?\s*(\d{1,3})\s*\)?\s*(?:PLACES|PLACE|PL|HOLES)\b", re.I)
_VALUE = re.compile(r"^\s*(\()?\s*(SR|R|Ø)?\s*" + _NUMBER + r"\s*(°)?\s*(\))?")
_DEPTH = re.compile(r"[" + DEPTH_SIGNS + r"]\s*" + _NUMBER + r"|(?:DEEP|DP)\b")
_INCH_MARK = re.compile(r"\d\s*(?:\"|''|IN\b|INCH)", re.I)
# Words a call-out may carry besides its value; anything else with letters makes a line a note.
_KEYWORDS = {
    "THRU", "ALL", "TYP", "TYPICAL", "PLACES", "PLACE", "PL", "SLOT", "REF", "DEEP", "DP",
    "CBORE", "CSK", "CSINK", "SPACING", "RIB", "TO", "START", "OF", "BC", "PCD", "EQ", "SP",
    "HOLES", "HOLE", "MM", "IN", "X", "BOLT", "CIRCLE", "FILLETS", "FILLET", "ROUND", "ROUNDS",
    "CHAMFER", "DIA", "RAD", "MAX", "MIN", "SECTION", "VIEW",
}
_NOT_DIMENSION_WORDS = {
    "SECTION", "DENSITY", "MATERIAL", "UNIT", "SYSTEM", "TOLERANCE", "SCALE", "SHEET", "DATE",
    "DRAWN", "TITLE", "NOTE", "REV", "SIZE", "WEIGHT", "MASS", "PARTY", "PACK",
}


@dataclass
class CallOut:
    """What one call-out says (before it is linked to geometry)."""

    value: float
    kind: str = "linear"  # linear, diameter, radius, angle
    unit: str | None = None  # "mm" / "in" when the text itself says; None otherwise
    tolerance: tuple[float, float] | None = None
    count: int = 1
    flags: list[str] = field(default_factory=list)
    text: str = ""


def normalise(text: str) -> str:
    """Fold OCR variants of drawing symbols and punctuation into one spelling."""
    text = text.replace("\u3000", " ").replace("（", "(").replace("）", ")")
    text = text.replace("º", "°").replace("˚", "°").replace("—", "-").replace("–", "-")
    text = re.sub("[" + DIAMETER_SIGNS + "]", "Ø", text)
    # No printed value starts with a zero before a digit: "07", "6X012" are a Ø read as 0 or O.
    text = re.sub(r"(?:(?<=^)|(?<=[X×\s(]))[0O](?=[1-9]\d*(?:[.,]\d+)?(?![\d]))", "Ø", text)
    # Centre-line and symmetry labels set next to a value: "℄ SYM 162", "16 SYM".
    text = re.sub(r"^(?:SYM|CL|℄|£\.?|C\.|G)\s+(?=[(\dRØ])", "", text.strip())
    text = re.sub(r"(?<=[\d)°])\s+(?:SYM|CL|℄)$", "", text)
    text = re.sub(r"(?<=\d)[Oo](?=\d)", "0", text)
    text = re.sub(r"^(?:2X|ZX)(?=\s)", "2X", text)
    # Leader and dimension lines touching the text read as dashes, bars or tildes.
    text = re.sub(r"^[\s\-_|~=+.,:;]+(?=[(\dRØ])", "", text)
    text = re.sub(r"(?<=[\d)A-Z°])[\s\-_|~=]+$", "", text)
    text = text.strip()
    # A parenthesis lost to a touching line: "18)" or "(18" is still a reference value.
    if re.fullmatch(r"[RØ]?\d+(?:[.,]\d+)?\)", text):
        text = "(" + text
    elif re.fullmatch(r"\([RØ]?\d+(?:[.,]\d+)?", text):
        text = text + ")"
    return text


def _number(token: str) -> float:
    token = token.replace(",", ".")
    return float(token)


def _is_note(rest: str) -> bool:
    words = re.findall(r"[A-Za-z][A-Za-z.]*", rest)
    for word in words:
        bare = word.replace(".", "").upper()
        if bare in _NOT_DIMENSION_WORDS:
            return True
        if bare not in _KEYWORDS and (len(bare) > 2 or any(c.islower() for c in word)):
            if not re.fullmatch(r"[A-Z]{1,2}", bare):
                return True
    return False


def parse_line(text: str) -> CallOut | None:
    """One call-out line; None when the line is not a dimension (a note, a title, a label)."""
    text = normalise(text)
    if not text:
        return None
    if _PLACES.fullmatch(text):
        return None  # "(4) PLACES" alone belongs to the call-out above it
    count = 1
    rest = text
    match = _COUNT_PREFIX.match(rest)
    if match:
        count = int(match.group(1))
        rest = rest[match.end():]
    value_match = _VALUE.match(rest)
    if value_match is None:
        return _labelled_value(text)
    opening, sign, number, degree, closing = value_match.groups()
    after = rest[value_match.end():]
    if re.match(r"^\s*[a-z]", after) or re.match(r"^\d", after):
        return None  # "1g", "7800 kg/m^3": a quantity in a note, not a dimension
    value = _number(number)
    if value <= 0:
        return None
    kind = {"Ø": "diameter", "R": "radius", "SR": "radius"}.get(sign or "", "linear")
    if degree:
        kind = "angle"
    call = CallOut(value=value, kind=kind, count=count, text=text)
    if sign == "SR":
        call.flags.append("SPHERE")
    if opening and (closing or after.strip().startswith(")")):
        call.flags.append("REF")
        after = after.lstrip().lstrip(")")
    tolerance = _TOLERANCE.match(after)
    if tolerance:
        sym, plus, minus = tolerance.groups()
        call.tolerance = ((-_number(sym), _number(sym)) if sym
                          else (-_number(minus), _number(plus)))
        after = after[tolerance.end():]
    if _is_note(after):
        return None
    _apply_modifiers(call, after)
    if _INCH_MARK.search(text):
        call.unit = "in"
    elif re.search(r"\d\s*MM\b", text, re.I):
        call.unit = "mm"
    return call


def _labelled_value(text: str) -> CallOut | None:
    """A radius or diameter after words, e.g. "YELLOW FILLETS R3", "PURPLE R8"."""
    match = re.search(r"(?:^|\s)(R|Ø)\s*" + _NUMBER + r"\s*$", text)
    if match is None:
        return None
    words = text[:match.start()].upper().split()
    # Words run together too ("PARTYPACK Ø1", a title block's stylised "PARTY PACK 01").
    if any(w in _NOT_DIMENSION_WORDS or any(bad in w for bad in _NOT_DIMENSION_WORDS
                                            if len(bad) >= 4) for w in words) or any(
            c.isdigit() for c in "".join(words)):
        return None
    kind = "radius" if match.group(1) == "R" else "diameter"
    call = CallOut(value=_number(match.group(2)), kind=kind, text=text)
    call.flags.append("NOTE")
    return call


def _apply_modifiers(call: CallOut, words: str) -> None:
    upper = words.upper()
    if re.search(r"THRU\s*ALL", upper):
        call.flags.append("THRU ALL")
    elif "THRU" in upper:
        call.flags.append("THRU")
    if re.search(r"\bTYP(ICAL)?\b", upper):
        call.flags.append("TYP")
    if "SLOT" in upper:
        call.flags.append("SLOT")
    if re.search(r"\bB\.?\s*C\b|\bPCD\b|BOLT\s*CIRCLE", upper):
        call.flags.append("BOLT CIRCLE")
        if call.kind == "linear":
            call.kind = "diameter"
    if re.search(r"\bREF\b", upper) and "REF" not in call.flags:
        call.flags.append("REF")
    places = _PLACES.search(words)
    if places:
        call.count = max(call.count, int(places.group(1)))
    depth = _DEPTH.search(words)
    if depth and depth.group(1):
        call.flags.append(f"DEPTH={_number(depth.group(1)):g}")
    rest = re.sub(r"[^A-Z]+", " ", upper).split()
    extra = [w for w in rest if w not in _KEYWORDS and len(w) > 1]
    if extra:
        call.flags.append("NOTE=" + " ".join(extra))


_SECOND_HOLE_LINE = re.compile(
    r"^\s*([" + CBORE_SIGNS + CSINK_SIGNS + r"LJU|_\[\]?]*)\s*Ø?\s*" + _NUMBER
    + r"(?:\s*[" + DEPTH_SIGNS + r"?]\s*" + _NUMBER + r"|\s+" + _NUMBER + r")?"
    + r"(?:\s*[Xx×]\s*" + _NUMBER + r"\s*°)?")


def parse_modifier_line(call: CallOut, text: str) -> bool:
    """Apply a following line of a call-out ("(4) PLACES", "⌴Ø34 ↧4", "OF RIB"); True if used."""
    line = normalise(text)
    if not line:
        return False
    places = _PLACES.fullmatch(line.strip())
    if places:
        call.count = max(call.count, int(places.group(1)))
        return True
    has_hole_line = any(f.startswith(("CBORE", "CSK")) for f in call.flags)
    if call.kind == "diameter" and not has_hole_line and (
            any(f.startswith("THRU") for f in call.flags) or call.count > 1):
        match = _SECOND_HOLE_LINE.match(line)
        if match and match.group(2) and not line[match.end():].strip():
            symbol, diameter, depth, spaced_depth, angle = match.groups()
            depth = depth or spaced_depth
            second = _number(diameter)
            if CSINK_SIGNS in symbol or angle:
                call.flags.append(f"CSK={second:g}")
                if angle:
                    call.flags.append(f"CSK_ANGLE={_number(angle):g}")
            elif call.value < second < 4 * call.value:
                call.flags.append(f"CBORE={second:g}")
                if depth:
                    call.flags.append(f"CBORE_DEPTH={_number(depth):g}")
            else:
                return False
            call.text += "\n" + line
            return True
    words = re.sub(r"[^A-Z]+", " ", line.upper()).split()
    if any(c.isdigit() for c in line) or not any(w in _MODIFIER_WORDS for w in words):
        return False
    if _is_note(line):
        return False
    _apply_modifiers(call, line)
    call.text += "\n" + line
    return True


# Words that make a line without numbers part of the call-out above it.
_MODIFIER_WORDS = {"THRU", "ALL", "TYP", "TYPICAL", "OF", "RIB", "DEEP", "REF", "SPACING",
                   "EQ", "SP", "CBORE", "CSK", "SLOT", "START", "HOLES"}


def sheet_units(texts: list[str]) -> str | None:
    """Units stated on the sheet: MMGS / "UNIT SYSTEM: MMGS" / "MILLIMETERS" or IPS / "INCHES"."""
    joined = " ".join(texts).upper()
    if re.search(r"\bMMGS\b|\bMKS\b|MILLIMET|UNITS?\s*:?\s*MM\b|\bCGS\b", joined):
        return "mm"
    if re.search(r"\bIPS\b|\bINCHES\b|UNITS?\s*:?\s*IN(CH)?\b", joined):
        return "in"
    return None


def units_from_values(calls: list[CallOut]) -> str | None:
    """Inches when most values carry 2-4 decimals under 40 (".250", "1.125"), else None."""
    lengths = [c for c in calls if c.kind != "angle"]
    if len(lengths) < 3:
        return None
    inch_like = 0
    for call in lengths:
        decimals = re.search(r"[.,](\d+)", call.text)
        if decimals and len(decimals.group(1)) >= 2 and call.value < 40:
            inch_like += 1
    return "in" if inch_like >= 0.6 * len(lengths) else None
