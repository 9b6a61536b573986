"""The summary's numbers as text: each fact written once, for the page header and the slide."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from . import catalogue as cat
from .derive.criteria import LABS_ONLY, MET, STATUS_TEXT, status_text
from .derive.summary import (
    Course,
    CriteriaRuns,
    Dose,
    Response,
    Summary,
    case_summary,
    criteria_days,
    treatment_courses,
)
from .model import Case
from .text import dose_text


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
    """'14,800 mg prednisone-equivalent', with mg/kg when known."""
    text = f"{summary.cumulative_pred_mg:,.0f} mg prednisone-equivalent"
    if summary.cumulative_pred_mg_kg is not None:
        text += f" ({summary.cumulative_pred_mg_kg:,.0f} mg/kg)"
    return text


def response_text(r: Response) -> str:
    """'afebrile (< 38.0 °C) from 2 days after the start; ferritin 15,200 → 2,100 ng/mL …'."""
    if r.afebrile_at_start:
        parts = ["afebrile at the start"]
    elif r.defervescence_days is not None:
        parts = [
            f"afebrile (< {r.fever_c:.1f} °C) from {r.defervescence_days} days after the start"
        ]
    else:
        parts = ["no sustained defervescence recorded"]
    if r.ferritin_change_pct is not None:
        parts.append(
            f"ferritin {r.ferritin_before:,.0f} → {r.ferritin_after:,.0f} ng/mL "
            f"({r.ferritin_change_pct:+.0f} %) by Day {r.ferritin_after_day}"
        )
    return "; ".join(parts)


def summary_lines(summary: Summary) -> list[str]:
    """The summary as short lines of plain text (the page shows them as text, not HTML)."""
    lines = [patient_text(summary)]
    days = key_days(summary)
    if days:
        lines.append(" · ".join(f"{label} Day {day}" for label, day in days))
    lines.append(f"Cumulative glucocorticoid {glucocorticoid_text(summary)}")
    r = summary.response
    if r is not None:
        lines.append(f"After {cat.drug_label(r.treatment)} (Day {r.start_day}): {response_text(r)}")
    return lines


def doses_text(doses: Sequence[Dose]) -> str:
    """'5 mg bid → 10 mg bid': each dose once, in order; a single dose given more than
    once shows its count ('288 mg ×2')."""
    texts = [dose_text(d.amount, d.unit, d.frequency, d.single) for d in doses]
    singles = Counter(text for text, d in zip(texts, doses, strict=True) if d.single)
    return " → ".join(f"{t} ×{singles[t]}" if singles[t] > 1 else t for t in dict.fromkeys(texts))


def course_text(course: Course) -> str:
    """'Day 24 to Day 113: 5 mg bid → 10 mg bid' (with pulses, when there were any)."""
    when = (
        f"from Day {course.first_day}, ongoing"
        if course.last_day is None
        else f"Day {course.first_day} to Day {course.last_day}"
    )
    parts = [doses_text(course.doses)] if course.doses else []
    if course.pulse_days:
        pulse_dose = " / ".join(dict.fromkeys(dose_text(d.amount, d.unit) for d in course.pulses))
        parts.append(f"pulses {pulse_dose} on {course.pulse_days} days")
    return f"{when}: " + "; ".join(parts)


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
    rows.append(("MAS 2016 criteria", criteria_text(criteria_days(case))))
    if summary.response is not None:
        r = summary.response
        rows.append((f"Response to {cat.drug_label(r.treatment)}", response_text(r)))
    return rows
