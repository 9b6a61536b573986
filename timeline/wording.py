"""The summary's numbers as text: each fact written once, for the page header and the slide."""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import groupby

from . import catalogue as cat
from .derive.criteria import LABS_ONLY, MET, STATUS_TEXT, status_text
from .derive.summary import (
    Course,
    CriteriaRuns,
    Dose,
    FerritinValue,
    FeverCourse,
    Response,
    Summary,
    case_summary,
    criteria_days,
    treatment_courses,
)
from .model import Case
from .text import body_size_text, dose_text


def patient_text(summary: Summary) -> str:
    """'11-year-old, female: Systemic JIA …'; the diagnosis alone when age and sex are unknown."""
    age = f"{summary.age_years:g}-year-old" if summary.age_years is not None else ""
    who = ", ".join(x for x in (age, summary.sex) if x)
    return f"{who}: {summary.diagnosis}" if who else summary.diagnosis


def key_days(summary: Summary) -> list[tuple[str, int]]:
    """('Admission', 0), ('MAS onset', 3), ('Ruxolitinib start', 24): those the case has."""
    days = [("Admission", summary.admission_day), ("MAS onset", summary.mas_onset_day)]
    if summary.response is not None:
        r = summary.response
        days.append((f"{cat.drug_label(r.treatment)} start", r.start_day))
    return [(label, day) for label, day in days if day is not None]


def glucocorticoid_text(summary: Summary) -> str:
    """'14,800 mg prednisone-equivalent, Day 0 to Day 127 (taper ongoing at the end of the
    record); 409 mg/kg by each day's weight: 36 kg (Day 0), 38.5 kg (Day 59)': what it sums, over which days,
    whether it was still going, and the weights the per-kg figure used."""
    c = summary.cumulative
    text = f"{c.pred_mg:,.0f} mg prednisone-equivalent"
    if c.first_day is None:
        return f"{text} (no glucocorticoid recorded)"
    text += f", Day {c.first_day} to Day {c.last_day}"
    if c.ongoing:
        still = "taper ongoing" if c.taper else "still given"
        text += f" ({still} at the end of the record)"
    if c.pred_mg_kg is not None:
        weights = ", ".join(f"{kg:g} kg (Day {day})" for kg, day in c.weights)
        text += f"; {c.pred_mg_kg:,.0f} mg/kg by each day's weight: {weights}"
    return text


_COMPARATORS = {"<": "<", ">": ">", "<=": "≤", ">=": "≥"}


def _days_after_start(days: int) -> str:
    """'on the start day', '1 day after the start', '3 days after the start'."""
    if days == 0:
        return "on the start day"
    return f"{days} day{'' if days == 1 else 's'} after the start"


def _fever_text(f: FeverCourse) -> list[str]:
    """Afebrile at the start, or the defervescence day; then a recurrence, if any."""
    if f.afebrile_at_start:
        parts = [f"afebrile at the start (< {f.threshold_c:.1f} °C)"]
    elif f.defervescence_day is not None and f.defervescence_days is not None:
        parts = [
            f"afebrile (< {f.threshold_c:.1f} °C for 48 h or more) from Day "
            f"{f.defervescence_day}, {_days_after_start(f.defervescence_days)}"
        ]
    elif f.recorded:
        parts = ["no sustained defervescence recorded"]
    else:
        parts = ["no temperature recorded after the start"]
    if f.recurrence_day is not None:  # reported, never moving the defervescence day (§3c)
        named = f" ({f.recurrence_event})" if f.recurrence_event else ""
        parts.append(f"fever (≥ {f.threshold_c:.1f} °C) again on Day {f.recurrence_day}{named}")
    return parts


def _ferritin_value_text(v: FerritinValue, unit: str) -> str:
    """'28,400 ng/mL on Day 6'; a censored value with its comparator ('> 40,000 ng/mL …')."""
    number = f"{v.value:,.0f}" if abs(v.value) >= 10 else f"{v.value:g}"
    bound = f"{_COMPARATORS.get(v.qualifier, v.qualifier)} " if v.censored else ""
    return f"{bound}{number} {unit} on Day {v.day}"


def _signed_percent(change: float) -> str:
    """'-53 %', '+8 %': whole percent, a half rounded away from zero (-52.5 → -53)."""
    whole = math.floor(abs(change) + 0.5)
    return f"{'-' if change < 0 and whole else '+'}{whole} %"


def _ferritin_text(r: Response) -> str | None:
    """Ferritin before → after with both days, and the change when both are exact."""
    before, after, unit = r.ferritin_before, r.ferritin_after, r.ferritin_unit
    if before is None:
        if after is None:
            return None
        return f"ferritin {_ferritin_value_text(after, unit)}; none drawn before the start"
    if after is None:
        return (
            f"ferritin {_ferritin_value_text(before, unit)}; none drawn "
            f"{r.horizon_days} days or more after the start"
        )
    text = f"ferritin {_ferritin_value_text(before, unit)} → {_ferritin_value_text(after, unit)}"
    change = r.ferritin_change_pct
    if change is None:  # a censored value is a bound, never exact in a change (§3b)
        return f"{text} (no % change: a value beyond the assay's range)"
    return f"{text} ({_signed_percent(change)})"


def response_text(r: Response) -> str:
    """'afebrile (< 38.0 °C for 48 h or more) from Day 26, 2 days after the start;
    ferritin 14,800 ng/mL on Day 23 → 2,100 ng/mL on Day 31 (-86 %)'."""
    parts = _fever_text(r.fever)
    ferritin = _ferritin_text(r)
    return "; ".join([*parts, ferritin] if ferritin else parts)


def summary_lines(summary: Summary) -> list[str]:
    """The summary as short lines of plain text (the page shows them as text, not HTML)."""
    lines = [patient_text(summary)]
    days = key_days(summary)
    if days:
        lines.append(" · ".join(f"{label} Day {day}" for label, day in days))
    lines.append(f"Cumulative glucocorticoid {glucocorticoid_text(summary)}")
    if summary.criteria is not None:
        lines.append(criteria_line(summary.criteria))
    r = summary.response
    if r is not None:
        lines.append(f"After {cat.drug_label(r.treatment)} (Day {r.start_day}): {response_text(r)}")
    return lines


def doses_text(doses: Sequence[Dose]) -> str:
    """'5 mg bid → 10 mg bid': each change of dose, in order (a return to an earlier dose
    is written again: '10 → 5 → 10'); single doses given in a row show their count
    ('288 mg ×2'); a dose by weight or surface area its mg."""
    texts = [
        (dose_text(d.amount, d.unit, d.frequency, d.single, d.mg, d.size), d.single) for d in doses
    ]
    steps = []
    for (text, single), run in groupby(texts):
        count = len(list(run))
        steps.append(f"{text} ×{count}" if single and count > 1 else text)
    return " → ".join(steps)


def sizes_text(doses: Sequence[Dose]) -> str:
    """The body sizes doses by weight or surface area used, each once, with the Day it was
    measured: 'weight 82 kg, Day 0'; '' when every dose was in mg."""
    texts = [
        body_size_text(
            d.per,
            d.weight_kg,
            f"Day {d.weight_day}",
            d.height_cm,
            f"Day {d.height_day}",
            d.size,
        )
        for d in doses
    ]
    return "; ".join(t for t in dict.fromkeys(texts) if t)


def course_text(course: Course) -> str:
    """'Day 24 to Day 113: 5 mg bid → 10 mg bid' (with pulses, when there were any, and
    the body size a dose by weight or surface area used)."""
    when = (
        f"from Day {course.first_day}, ongoing"
        if course.last_day is None
        else f"Day {course.first_day} to Day {course.last_day}"
    )
    parts = [doses_text(course.doses)] if course.doses else []
    if course.pulse_days:
        pulse_dose = " / ".join(
            dict.fromkeys(dose_text(d.amount, d.unit, mg=d.mg, size=d.size) for d in course.pulses)
        )
        parts.append(f"pulses {pulse_dose} on {course.pulse_days} days")
    sizes = sizes_text((*course.doses, *course.pulses))
    return f"{when}: " + "; ".join(parts) + (f"; {sizes}" if sizes else "")


def _runs_text(runs: Sequence[tuple[int, int]]) -> str:
    """'Day 3 to Day 37, Day 40'; 'no day' when there is no run."""
    days = [f"Day {a} to Day {b}" if a != b else f"Day {a}" for a, b in runs]
    return ", ".join(days) or "no day"


def criteria_text(runs: CriteriaRuns) -> str:
    """'met (fever + labs): Day 3 to Day 27; laboratory criteria only: Day 28 to Day 36'.

    The same days the figure shades. Where the case records no fever at all:
    'met by labs (fever not recorded): Day 3 to Day 36' (CLINICAL.md §3c).
    """
    if not runs.labs:
        return "not met on any day with labs"
    parts = [f"{status_text(MET, runs.fever_recorded)}: {_runs_text(runs.met)}"]
    if runs.labs_only:
        parts.append(f"{STATUS_TEXT[LABS_ONLY]}: {_runs_text(runs.labs_only)}")
    return "; ".join(parts)


def criteria_line(runs: CriteriaRuns) -> str:
    """The criteria as one line of the page header: 'MAS 2016 criteria met (fever + labs): …'."""
    return f"MAS 2016 criteria {criteria_text(runs)}"


def summary_table(case: Case, treatment: str | None) -> list[tuple[str, str]]:
    """The facts of the summary slide, as (what, value) rows: the page's text, in rows."""
    summary = case_summary(case, treatment)
    rows = [("Patient", patient_text(summary)), ("Day 0", case.info.anchor)]
    rows += [(label, f"Day {day}") for label, day in key_days(summary)]
    rows += [(cat.drug_label(c.drug), course_text(c)) for c in treatment_courses(case)]
    rows.append(("Cumulative glucocorticoid", glucocorticoid_text(summary)))
    rows.append(("MAS 2016 criteria", criteria_text(summary.criteria or criteria_days(case))))
    if summary.response is not None:
        r = summary.response
        rows.append((f"Response to {cat.drug_label(r.treatment)}", response_text(r)))
    return rows
