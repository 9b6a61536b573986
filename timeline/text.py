"""How a dose is written, the same on the figure, the tables, the page and the slides.

One function, :func:`dose_text`, writes every dose: as entered (amount, unit,
frequency) and, for a dose by weight or body surface, the mg it came to and
the body size it used: "10 mg/m² daily (20.2 mg at 2.02 m²)". A dose per day
says how many doses it is divided into: "8 mg/kg/day in 4 doses q6h (656 mg/day
at 82 kg)"; a continuous infusion is its rate: "200 mg/24 h continuous",
"1 mg/kg/h continuous (82 mg/h at 82 kg)". Precision:

- a dose in mg worked out from weight or surface area: 3 significant figures.
  Weights are recorded to 2–3 figures (82 kg, 38.5 kg) and Mosteller's BSA is an
  estimate, so a fourth figure would be noise; three keep what a bedside check
  needs (20.2 mg, not 20 mg nor 20.19 mg; 164 mg; 303 mg).
- body surface area: 2 decimals (m² to 0.01, about 0.5 % at an adult's 2 m²), as
  charts and dosing tables write it.
- a weight or height: as recorded.
- a dose as entered: as entered.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from . import catalogue as cat
from .numbers import significant

# Units as the bedside reads them, part by part ('mg/m2/day': 'mg/m²/day'). "mcg", not
# "µg": the µ is misread as "m" (ISMP list of error-prone abbreviations) [K].
_UNIT_PARTS = {"m2": "m²", "ug": "mcg", "24h": "24 h"}
_SIZE_UNIT = {"kg": "kg", "m2": "m²"}


def short_frequency(frequency: str) -> str:
    """'bid' for 'twice daily'; a frequency the catalogue does not know as entered."""
    return cat.short_frequencies().get(frequency, frequency)


def dose_unit_text(unit: str) -> str:
    """A dose unit typeset: 'mg/m²' for 'mg/m2', 'mcg' for 'ug', 'mg/24 h' for 'mg/24h';
    others as they are."""
    return "/".join(_UNIT_PARTS.get(part, part) for part in unit.split("/"))


def _basis(unit: str) -> tuple[str, float]:
    """The unit's (basis, hours): 'dose', 'day' or 'rate' (hours it runs over); '' unknown."""
    return cat.dose_unit_bases().get(unit, ("", math.nan))


def _per_time(unit: str) -> str:
    """What an amount in mg is per, for this unit's basis: '/day', '/h', '/24 h' or ''."""
    basis, hours = _basis(unit)
    if basis == "day":
        return "/day"
    if basis == "rate":
        return "/h" if hours == 1 else f"/{hours:g} h"
    return ""


def divided_doses(unit: str, frequency: str | None) -> int | None:
    """How many doses a daily total is divided into (4 for mg/kg/day every 6 hours);
    None unless the unit is per day and the frequency gives two or more a day."""
    if _basis(unit)[0] != "day" or frequency is None:
        return None
    times, every, _ = cat.schedules().get(frequency, (math.nan, math.nan, False))
    per_day = times / every
    return int(per_day) if per_day >= 2 and per_day == int(per_day) else None


def _says_when(unit: str, frequency: str | None, single: bool) -> bool:
    """Whether the dose reads right without its frequency: a single dose, a daily one,
    a rate, or a daily total given daily or more often ('8 mg/kg/day')."""
    if single or frequency in (None, "daily"):
        return True
    basis = _basis(unit)[0]
    if basis == "rate":
        return True
    times, every, _ = cat.schedules().get(frequency, (math.nan, math.nan, False))
    return basis == "day" and times / every >= 1


def mg_text(mg: float) -> str:
    """A dose in mg, in grams from 1 g up ('1 g', '500 mg')."""
    return f"{mg / 1000:g} g" if mg >= 1000 else f"{mg:g} mg"


def scaled_text(dose: float, unit: str, mg: float, size: float) -> str:
    """What a per-kg or per-m² dose came to: '20.2 mg at 2.02 m²'; '' for any other unit.

    ``mg`` is the amount in mg on the unit's basis (NaN when unknown): per
    administration, per day ('656 mg/day at 82 kg') or per hour of a rate ('82 mg/h
    at 82 kg'); ``size`` the weight
    (kg) or body surface area (m²) it used (NaN when not recorded). A unit without a
    mass (IU/kg) is worked out in its own unit ('164 IU at 82 kg').
    """
    per, to_mg = cat.dose_unit_factors().get(unit, ("", math.nan))
    if not per:
        return ""
    if math.isnan(size):
        return "no height and weight recorded" if per == "m2" else "no weight recorded"
    if math.isnan(to_mg):
        amount = f"{significant(dose * size):,g} {unit.split('/')[0]}"
    else:
        amount = mg_text(significant(mg))
    body = f"{size:.2f} m²" if per == "m2" else f"{size:g} kg"
    return f"{amount}{_per_time(unit)} at {body}"


def dose_text(
    dose: float,
    unit: str,
    frequency: str | None = None,
    single: bool = False,
    mg: float | None = None,
    size: float | None = None,
) -> str:
    """Every dose the product shows: '10 mg bid', '10 mg/m² daily (20.2 mg at 2.02 m²)'.

    The dose as entered, its unit typeset, then its frequency when one is given
    (a single administration has none: '288 mg'). A daily total says into how
    many doses it is divided ('8 mg/kg/day in 4 doses q6h') and needs no 'daily'
    ('10 mg/m²/day'); a rate is written as one ('200 mg/24 h continuous'). A dose
    by weight or surface area is followed by the mg it came to, on the unit's
    basis, and the weight (kg) or BSA (m²) it used: pass ``mg`` and ``size``
    (from :func:`timeline.derive.dose_details`; NaN when unknown). Without them,
    the dose as entered only.
    """
    text = f"{dose:g} {dose_unit_text(unit)}"
    doses = divided_doses(unit, frequency)
    if doses is not None and not single:
        text = f"{text} in {doses} doses"
    daily_total = _basis(unit)[0] == "day" and frequency == "daily"
    if frequency is not None and not single and not daily_total:
        text = f"{text} {short_frequency(frequency)}"
    if mg is None and size is None:
        return text
    scaled = scaled_text(
        dose, unit, math.nan if mg is None else mg, math.nan if size is None else size
    )
    return f"{text} ({scaled})" if scaled else text


def dose_labels(
    dose: float,
    unit: str,
    frequency: str | None,
    single: bool,
    mg: float | None = None,
    size: float | None = None,
) -> tuple[str, ...]:
    """Labels for a mark, longest first, every one with its unit.

    The whole :func:`dose_text`, then the dose as entered with its frequency, then
    without it only where the dose still reads right (single, daily, a rate, a
    daily total given daily or more often: '200 mg/24 h', '8 mg/kg/day'): '50 mg'
    for 50 mg twice daily would be read as the daily dose. A label is never a bare
    number ('50', '50 bid').
    """
    labels = [dose_text(dose, unit, frequency, single, mg, size)]
    when = _says_when(unit, frequency, single)
    if when and _basis(unit)[0] in ("day", "rate"):
        labels.append(dose_text(dose, unit, mg=mg, size=size))  # its mg before its schedule
    labels.append(dose_text(dose, unit, frequency, single))
    if when:
        labels.append(dose_text(dose, unit))
    return tuple(dict.fromkeys(labels))


def body_size_text(
    per: str,
    weight_kg: float,
    weight_when: str,
    height_cm: float = math.nan,
    height_when: str = "",
    bsa_m2: float = math.nan,
) -> str:
    """The body size a dose used, with when it was measured: 'weight 82 kg on Day 0', or
    'BSA 2.02 m² (Mosteller) from 179 cm on Day 0 and 82 kg on Day 0'; '' for a dose in mg.

    ``weight_when`` and ``height_when`` are written by the caller (Day N, with the date
    unless dates are hidden).
    """
    if per not in _SIZE_UNIT:
        return ""
    weight = "no weight recorded" if math.isnan(weight_kg) else f"{weight_kg:g} kg on {weight_when}"
    if per == "kg":
        return f"weight {weight}"
    height = "no height recorded" if math.isnan(height_cm) else f"{height_cm:g} cm on {height_when}"
    bsa = "BSA not known" if math.isnan(bsa_m2) else f"BSA {bsa_m2:.2f} m² (Mosteller)"
    return f"{bsa} from {height} and {weight}"


def first_fitting(labels: Sequence[str], room_px: float, font_px: float, pad_px: float = 12) -> str:
    """The first label that fits ``room_px`` at this font size; '' when none does.

    A character is about 0.62 em wide in the product's sans-serif; ``pad_px`` keeps
    a bar's text off its edges.
    """
    for label in labels:
        if len(label) * font_px * 0.62 + pad_px <= room_px:
            return label
    return ""
