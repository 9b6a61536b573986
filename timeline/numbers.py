"""How a lab number, a reference range and a unit are written: no false precision."""

from __future__ import annotations

import math
import re
from functools import cache

import numpy as np

_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
# '10^9/L', 'x10^9/L', '10*9/L' (UCUM): a power of ten written with a caret or a star
_POWER = re.compile(r"[x×]?\s*10\s*[\^*]\s*(-?\d+)")
# '10⁹/L' already superscript but without its times sign
_BARE_POWER = re.compile(r"^10(?=[⁰¹²³⁴⁵⁶⁷⁸⁹⁻])")
# the micro prefix typed as a 'u' (ug, uL, umol/L, ukat/L, uIU/mL), never the unit 'U'
_MICRO = re.compile(r"(?<![A-Za-z])[uμ](?=(?:g|L|l|mL|mol|kat|IU)(?![A-Za-z]))")
# square and cubic metres (m2, cm2, /m2): a digit after a length is its exponent
_AREA = re.compile(r"(?<![A-Za-z0-9])(c?m|mm)([23])(?![0-9])")


def significant_figures(number: float | str) -> int:
    """How many significant figures a number was written with ('1.03' and 1.03: 3).

    A float counts as its shortest round-trip text, so a trailing zero typed after
    the decimal point ('0.90') is already gone (2 figures typed, 1 counted). The
    zeros ending a whole number count ('3200': 4): reading them as placeholders
    would show a converted value with less precision than it was entered with.
    """
    if isinstance(number, str):
        text = number.strip().lstrip("+-")
    else:
        if not math.isfinite(number):
            return 0
        text = np.format_float_positional(abs(number), unique=True, trim="-")
    digits = re.sub(r"\D", "", text.split("e")[0].split("E")[0]).lstrip("0")
    return max(len(digits), 1)


def significant(value: float, figures: int = 3) -> float:
    """``value`` rounded to ``figures`` significant figures, halves up as written by hand
    (19.25 → 19.3, where ``round`` would give 19.2); 0 and NaN as they are."""
    if not math.isfinite(value) or value == 0:
        return value
    scale = 10.0 ** (figures - 1 - math.floor(math.log10(abs(value))))
    return math.copysign(math.floor(abs(value) * scale + 0.5), value) / scale


def figures_text(value: float, figures: int) -> str:
    """``value`` to ``figures`` significant figures, never in exponent form ('61.8', '160')."""
    if not math.isfinite(value):
        return ""
    if value == 0:
        return "0"
    exponent = math.floor(math.log10(abs(value)))
    decimals = figures - 1 - exponent
    rounded = significant(value, figures)  # halves up, as everywhere
    if rounded and math.floor(math.log10(abs(rounded))) > exponent:
        decimals -= 1  # rounding carried to the next power: 99.96 at 3 figures is 100
    return f"{rounded:.{max(decimals, 0)}f}"


def number_text(value: float) -> str:
    """A number as it was entered: its shortest exact text, never in exponent form."""
    if not math.isfinite(value):
        return ""
    return np.format_float_positional(value, unique=True, trim="-")


# The case keeps an entered number as a float, which has lost a trailing zero typed
# after the point ("0.80" µkat/L is 0.8): counted as 1 figure, 47.99 U/L would show
# as "50" beside an upper limit of 48. Laboratories report two figures or more, so a
# converted value keeps at least two.
MIN_FIGURES = 2


def shown_value(value: float, entered: float, written: str = "") -> str:
    """A result as shown: as entered, or converted to the precision it was entered with.

    ``written`` is the number as typed, when known ('3.40' keeps its trailing zero, which
    the float 3.4 has lost). 1.03 µkat/L is 61.7876 U/L, shown '61.8' (3 significant
    figures, like 1.03); never fewer than ``MIN_FIGURES``.
    """
    if not math.isfinite(value):
        return ""
    if value == entered or not math.isfinite(entered):
        return written or number_text(value)
    return figures_text(value, max(significant_figures(written or entered), MIN_FIGURES))


def range_text(low: str, high: str) -> str:
    """A reference range from its limits' texts: '10–50', '< 5', '> 35' ('' when none).

    A missing limit is ''; a range open below is never written '–5' (minus five).
    """
    if low and high:
        return f"{low}–{high}"
    if high:
        return f"< {high}"
    if low:
        return f"> {low}"
    return ""


def reference_origin(source: str) -> str:
    """Where a row's reference range came from, for a reader: 'report', 'default, adult male'.

    ``source`` is the labs' ``ref_source``: 'input' (the report's own range), or
    'catalogue: <which default>' (e.g. 'catalogue: adult male').
    """
    if source == "input":
        return "report"
    which = source.removeprefix("catalogue").removeprefix(":").strip()
    return f"default, {which}" if which else "default"


@cache  # a case has a few units, written on every panel, hover and table
def unit_text(unit: str) -> str:
    """A unit typeset for display: '10^9/L' → '×10⁹/L', 'ug' → 'µg', 'mg/m2' → 'mg/m²'."""
    text = _POWER.sub(lambda m: "×10" + m[1].translate(_SUPERSCRIPT), str(unit))
    text = _BARE_POWER.sub("×10", text)
    text = _MICRO.sub("µ", text)
    return _AREA.sub(lambda m: m[1] + m[2].translate(_SUPERSCRIPT), text)
