"""A FHIR Dosage (one step of a request or statement) as a treatments row's text.

Dose, unit, frequency and route come from the Dosage; the step's start and end
from ``timing.repeat.bounds[x]``, or, when it states none, from its neighbours
(``chain``), and every date the record does not state is marked inferred.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .. import catalogue as cat
from ._codes import concept_text, route_name, unit_text
from ._context import as_dict, text_of
from ._dates import UNIT_DAYS, day_text, fhir_time, parsed

#: Hours between doses written as 'every N hours' in the catalogue's frequencies.
_EVERY_HOURS = (4, 6, 8, 12)


@dataclass
class Step:
    """One dosing step as text, with the element each column came from."""

    path: str
    order: tuple[float, int]
    dose: str = ""
    unit: str = ""
    frequency: str = ""
    route: str = ""
    start: str = ""
    end: str = ""
    duration_days: float | None = None
    paths: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    inferred: list[str] = field(default_factory=list)

    @property
    def once(self) -> bool:
        return self.frequency == "once"

    def values(self) -> dict[str, str]:
        """The row's columns other than drug, kind and note."""
        return {
            "start": self.start,
            "end": self.end,
            "dose": self.dose,
            "dose_unit": self.unit,
            "frequency": self.frequency,
            "route": self.route,
        }


def quantity(value: Any) -> tuple[str, str]:
    """(number, unit) of a Quantity; blanks when it is not one."""
    if not isinstance(value, dict):
        return "", ""
    return text_of(value.get("value")), unit_text(value)


def is_rate(unit: str) -> bool:
    """Whether a unit is one of the format's infusion rates (mg/h, mg/24h, mg/kg/h)."""
    known = cat.dose_unit_index().get(cat.unit_key(unit))
    return known is not None and known in cat.rate_units()


def ratio_unit(ratio: dict[str, Any]) -> tuple[str, str]:
    """(number, unit) of a rateRatio: 2 mg per 1 h is ('2', 'mg/h'); per 24 h 'mg/24h'."""
    number, unit = quantity(ratio.get("numerator"))
    per, per_unit = quantity(ratio.get("denominator"))
    hours = {"h": 1.0, "d": 24.0}.get(per_unit)
    if hours is not None and per:
        span = float(per) * hours
        suffix = "/h" if span == 1 else "/24h" if span == 24 else f"/{per}{per_unit}"
        return number, unit + suffix
    return number, f"{unit}/{per}{per_unit}"


def read_dose(step: Step, dosage: dict[str, Any]) -> bool:
    """Dose and unit from doseAndRate[0]; whether the Dosage gave one."""
    entries = dosage.get("doseAndRate")
    first = entries[0] if isinstance(entries, list) and entries else None
    if not isinstance(first, dict):
        return False
    at = f"{step.path}.doseAndRate[0]"
    if isinstance(first.get("doseQuantity"), dict):
        step.dose, step.unit = quantity(first["doseQuantity"])
        step.paths |= {"dose": f"{at}.doseQuantity.value", "dose_unit": f"{at}.doseQuantity"}
    elif isinstance(first.get("doseRange"), dict):
        _dose_range(step, first["doseRange"], at)
    elif isinstance(first.get("rateQuantity"), dict):
        step.dose, step.unit = quantity(first["rateQuantity"])
        step.paths |= {"dose": f"{at}.rateQuantity.value", "dose_unit": f"{at}.rateQuantity"}
    elif isinstance(first.get("rateRatio"), dict):
        step.dose, step.unit = ratio_unit(first["rateRatio"])
        step.paths |= {"dose": f"{at}.rateRatio", "dose_unit": f"{at}.rateRatio"}
    return bool(step.dose and step.unit)


def _dose_range(step: Step, dose_range: dict[str, Any], at: str) -> None:
    """The upper limit of a dose range is drawn; the range is kept in the note."""
    low, low_unit = quantity(dose_range.get("low"))
    high, high_unit = quantity(dose_range.get("high"))
    step.dose, step.unit = (high, high_unit) if high else (low, low_unit)
    limit = "high" if high else "low"
    step.paths |= {"dose": f"{at}.doseRange.{limit}", "dose_unit": f"{at}.doseRange.{limit}"}
    step.notes.append(f"dose range {low or '?'}–{high or '?'} {step.unit}")
    step.inferred.append(f"the dose drawn is the range's {limit} limit ({step.dose} {step.unit})")


def frequency_name(repeat: dict[str, Any]) -> str | None:
    """The catalogue frequency a timing.repeat states, or None when none matches."""
    unit = repeat.get("periodUnit")
    try:
        times = float(repeat.get("frequency", 1))
        period = float(repeat["period"])
    except (KeyError, TypeError, ValueError):
        return None
    if unit not in UNIT_DAYS or period <= 0 or times <= 0:
        return None
    if unit == "h" and times == 1 and period in _EVERY_HOURS:
        return f"every {int(period)} hours"
    days = period * UNIT_DAYS[unit]
    every = days if days >= 1 else 1.0
    count = times * every / days
    for name, (n, every_days, continuous) in cat.schedules().items():
        if not continuous and abs(n - count) < 1e-9 and abs(every_days - every) < 1e-9:
            return name
    return None


def read_timing(step: Step, dosage: dict[str, Any]) -> bool:
    """Frequency (and bounds) from the Dosage's timing; whether it gave a frequency."""
    if is_rate(step.unit):
        step.frequency = "continuous"
    timing = dosage.get("timing")
    if not isinstance(timing, dict):
        return bool(step.frequency)
    repeat = as_dict(timing.get("repeat"))
    read_bounds(step, repeat)
    if step.frequency:
        return True
    if repeat.get("count") == 1 and "period" not in repeat:
        step.frequency, step.paths["frequency"] = "once", f"{step.path}.timing.repeat.count"
    elif "period" in repeat:
        _repeat_frequency(step, repeat)
    elif isinstance(timing.get("code"), dict):
        _code_frequency(step, timing["code"])
    return bool(step.frequency)


def _repeat_frequency(step: Step, repeat: dict[str, Any]) -> None:
    at = f"{step.path}.timing.repeat"
    name = frequency_name(repeat)
    unit = repeat.get("periodUnit")
    if name is None:
        # written as the record states it: validation says it is not a frequency
        times, period = text_of(repeat.get("frequency", 1)), text_of(repeat.get("period"))
        name = f"{times} times every {period} {unit}"
    step.frequency = name
    step.paths["frequency"] = f"{at}.periodUnit" if unit not in UNIT_DAYS else at


def _code_frequency(step: Step, code: dict[str, Any]) -> None:
    """timing.code (BID, TID, Q6H…: HL7 GTSAbbreviation) by the catalogue's synonyms."""
    words = [str(c.get("code", "")) for c in code.get("coding") or [] if isinstance(c, dict)]
    words.append(concept_text(code))
    index = cat.frequency_index()
    found = next((index[cat.name_key(w)] for w in words if cat.name_key(w) in index), None)
    step.frequency = found or concept_text(code)
    step.paths["frequency"] = f"{step.path}.timing.code"


def read_bounds(step: Step, repeat: dict[str, Any]) -> None:
    """Start and end from boundsPeriod; a boundsDuration is kept until the start is known."""
    at = f"{step.path}.timing.repeat"
    bounds = repeat.get("boundsPeriod")
    if isinstance(bounds, dict):
        step.start = fhir_time(bounds.get("start")) if bounds.get("start") else ""
        step.end = fhir_time(bounds.get("end")) if bounds.get("end") else ""
        step.paths |= {"start": f"{at}.boundsPeriod.start", "end": f"{at}.boundsPeriod.end"}
    duration = repeat.get("boundsDuration")
    if isinstance(duration, dict):
        value, unit = duration.get("value"), duration.get("code") or duration.get("unit")
        if isinstance(value, int | float) and unit in UNIT_DAYS:
            step.duration_days = float(value) * UNIT_DAYS[unit]
            step.paths["end"] = f"{at}.boundsDuration"


def read_route(step: Step, dosage: dict[str, Any]) -> None:
    """The route: a SNOMED CT code through the catalogue, else the record's words."""
    if isinstance(dosage.get("route"), dict):
        step.route = route_name(dosage["route"])
        step.paths["route"] = f"{step.path}.route"


def chain(steps: list[Step], first_start: str, first_start_path: str) -> list[str]:
    """Fill the dates a taper's steps leave out; what was open-ended, for a warning.

    Steps run in ``order`` (their ``sequence``, then their place). A step with no
    start begins the day after the step before it ends (the first: on
    ``first_start``, the order's date); a step with no end ends the day before the
    next one starts. Each date so filled is marked inferred.
    """
    ordered = sorted(steps, key=lambda s: s.order)
    for before, step in zip([None, *ordered], ordered, strict=False):
        _fill_start(step, before, first_start, first_start_path)
        _end_from_duration(step)
    for step, after in zip(ordered, [*ordered[1:], None], strict=False):
        _fill_end(step, after)
    return [s.path for s in ordered if not s.end and not s.once and s.start]


def _fill_start(step: Step, before: Step | None, first_start: str, path: str) -> None:
    if step.start:
        return
    if before is not None and before.order[0] == step.order[0]:
        step.start = before.start  # the same sequence number: given together
        step.inferred.append("start taken from the instruction given with it")
    elif before is None and first_start:
        step.start = first_start
        step.paths["start"] = path
        step.inferred.append(f"start taken from {path.split('.')[-1] or path}")
    elif before is not None and parsed(before.end):
        step.start = _shift(before.end, 1)
        step.inferred.append("start inferred: the day after the step before it ended")


def _end_from_duration(step: Step) -> None:
    start = parsed(step.start)
    if step.end or step.duration_days is None or start is None:
        return
    if step.duration_days >= 1:
        # the end is the last day given, inclusive: 5 days from 1 January end on 5 January
        step.end = _shift(step.start, round(step.duration_days) - 1)
    else:
        step.end = (start + dt.timedelta(days=step.duration_days)).strftime("%Y-%m-%d %H:%M")
    step.inferred.append(f"end computed from boundsDuration ({step.duration_days:g} days)")


def _fill_end(step: Step, after: Step | None) -> None:
    if step.end or step.once or after is None or after.order[0] == step.order[0]:
        return
    start, following = parsed(step.start), parsed(after.start)
    if start is not None and following is not None and following.date() > start.date():
        step.end = _shift(after.start, -1)
        step.inferred.append("end inferred: the day before the next step starts")


def _shift(text: str, days: int) -> str:
    when = parsed(text)
    return "" if when is None else day_text(when + dt.timedelta(days=days))
