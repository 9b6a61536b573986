"""What the page says about a case: summary facts, window presets, one day's state."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import catalogue as cat
from .measures import (
    DAY,
    glucocorticoid_days,
    lab_flags,
    mas_2016,
    record_end,
    resolve_anchor,
)
from .model import Case
from .text import dose_text


@dataclass(frozen=True)
class Response:
    """How the patient responded after a treatment started (None where unknown)."""

    treatment: str
    start_day: int
    defervescence_days: int | None  # days from the start to sustained temperature < 38.0 °C
    afebrile_at_start: bool
    ferritin_before: float | None
    ferritin_after: float | None
    ferritin_after_day: int | None
    ferritin_change_pct: float | None


@dataclass(frozen=True)
class Summary:
    """The header facts, every number computed here and tested."""

    who: str
    key_days: tuple[tuple[str, int], ...]
    cumulative_pred_mg: float
    cumulative_pred_mg_kg: float | None
    response: Response | None


def _day(case: Case, time: pd.Timestamp) -> int:
    return int((time.normalize() - case.anchor_time) / DAY)


def _fever_threshold() -> float:
    rows = cat.thresholds().query("set == 'fever'")
    return float(rows["canonical"].iloc[0])


def default_treatment(case: Case) -> str | None:
    """The treatment whose response to summarise unless the user chooses: the
    non-glucocorticoid drug started last (in a refractory case, the rescue therapy)."""
    t = case.treatments[~case.treatments["drug"].map(cat.is_glucocorticoid).astype(bool)]
    if t.empty:
        return None
    return str(t.groupby("drug")["start"].min().idxmax())


def response_to(case: Case, treatment: str, horizon_days: int = 7) -> Response | None:
    """Defervescence and ferritin change after the first start of ``treatment``.

    Defervescence: the first temperature below the fever threshold (38.0 °C,
    CLINICAL.md §3) after the start, with every later reading below it too.
    Ferritin: the last value drawn by the end of the start day, against the
    first value drawn ``horizon_days`` or more after the start.
    """
    rows = case.treatments[case.treatments["drug"] == treatment]
    if rows.empty:
        return None
    start = rows["start"].min().normalize()
    temps = case.labs[case.labs["test"] == "temperature"].sort_values("time")
    fever = _fever_threshold()
    before = temps[temps["time"] < start]
    afebrile_at_start = bool(len(before)) and before["value"].iloc[-1] < fever
    after = temps[temps["time"] >= start]
    defervescence = None
    if len(after) and not afebrile_at_start:
        febrile = np.flatnonzero(after["value"].to_numpy() >= fever)
        first_afebrile = 0 if len(febrile) == 0 else febrile[-1] + 1
        if first_afebrile < len(after):
            defervescence = int((after["time"].iloc[first_afebrile].normalize() - start) / DAY)
    ferritin = case.labs[case.labs["test"] == "ferritin"].sort_values("time")
    base = ferritin[ferritin["time"] < start + DAY]
    later = ferritin[ferritin["time"] >= start + horizon_days * DAY]
    before_value = float(base["value"].iloc[-1]) if len(base) else None
    after_value = float(later["value"].iloc[0]) if len(later) else None
    change = None
    if before_value and after_value is not None:
        change = (after_value - before_value) / before_value * 100
    return Response(
        treatment=treatment,
        start_day=_day(case, start),
        defervescence_days=defervescence,
        afebrile_at_start=afebrile_at_start,
        ferritin_before=before_value,
        ferritin_after=after_value,
        ferritin_after_day=_day(case, later["time"].iloc[0]) if len(later) else None,
        ferritin_change_pct=change,
    )


def case_summary(case: Case, treatment: str | None = None, horizon_days: int = 7) -> Summary:
    info = case.info
    who = ", ".join(
        x
        for x in (f"{info.age_years:g}-year-old" if info.age_years is not None else "", info.sex)
        if x
    )
    key_days = []
    for label, anchor in (("Admission", "admission"), ("MAS onset", "mas onset")):
        when = resolve_anchor(case.events, anchor)
        if when is not None:
            key_days.append((label, _day(case, when)))
    if treatment and (case.treatments["drug"] == treatment).any():
        first = case.treatments.loc[case.treatments["drug"] == treatment, "start"].min()
        key_days.append((f"{cat.drug_label(treatment)} start", _day(case, first)))
    steroids = glucocorticoid_days(
        case.treatments, case.labs, record_end(case.treatments, case.events, case.labs)
    )
    total = float(steroids["pred_mg"].sum()) if len(steroids) else 0.0
    per_kg = (
        float(steroids["pred_mg_kg"].sum())
        if len(steroids) and steroids["pred_mg_kg"].notna().all()
        else None
    )
    return Summary(
        who=f"{who}: {info.diagnosis}" if who else info.diagnosis,
        key_days=tuple(key_days),
        cumulative_pred_mg=total,
        cumulative_pred_mg_kg=per_kg,
        response=response_to(case, treatment, horizon_days) if treatment else None,
    )


def summary_lines(summary: Summary) -> list[str]:
    """The summary as short lines of plain text (the page shows them as text, not HTML)."""
    lines = [summary.who]
    if summary.key_days:
        lines.append(" · ".join(f"{label} Day {day}" for label, day in summary.key_days))
    steroid = (
        f"Cumulative glucocorticoid {summary.cumulative_pred_mg:,.0f} mg prednisone-equivalent"
    )
    if summary.cumulative_pred_mg_kg is not None:
        steroid += f" ({summary.cumulative_pred_mg_kg:,.0f} mg/kg)"
    lines.append(steroid)
    r = summary.response
    if r is not None:
        parts = []
        if r.afebrile_at_start:
            parts.append("afebrile at the start")
        elif r.defervescence_days is not None:
            parts.append(f"afebrile (< 38.0 °C) from {r.defervescence_days} days after the start")
        else:
            parts.append("no sustained defervescence recorded")
        if r.ferritin_change_pct is not None:
            parts.append(
                f"ferritin {r.ferritin_before:,.0f} → {r.ferritin_after:,.0f} ng/mL "
                f"({r.ferritin_change_pct:+.0f} %) by Day {r.ferritin_after_day}"
            )
        lines.append(
            f"After {cat.drug_label(r.treatment)} (Day {r.start_day}): " + "; ".join(parts)
        )
    return lines


def window_presets(case: Case, treatment: str | None = None) -> dict[str, tuple]:
    """Named windows: whole course, the MAS episode, a treatment's course."""
    presets: dict[str, tuple] = {"Whole course": (None, None)}
    status = mas_2016(case.labs)
    met = status[status["status"] == "met"]
    onset = resolve_anchor(case.events, "mas onset")
    if len(met) or onset is not None:
        first = min(x for x in (onset, met["date"].min() if len(met) else None) if x is not None)
        later = (
            status[(status["date"] > met["date"].max()) & (status["status"] != "met")]
            if len(met)
            else status.iloc[:0]
        )
        last = later["date"].min() if len(later) else (met["date"].max() if len(met) else first)
        presets["MAS episode"] = (first - 3 * DAY, last + 7 * DAY)
    if treatment and (case.treatments["drug"] == treatment).any():
        rows = case.treatments[case.treatments["drug"] == treatment]
        end = record_end(case.treatments, case.events, case.labs)
        last = end if rows["ongoing"].any() else rows["end"].fillna(rows["start"]).max() + DAY
        presets[f"{cat.drug_label(treatment)} course"] = (
            rows["start"].min().normalize() - 7 * DAY,
            min(last + 14 * DAY, end),
        )
    return presets


def state_on(case: Case, day: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was given on Day ``day``, and each test's latest value by the end of it."""
    start = case.anchor_time + day * DAY
    end = start + DAY
    t = case.treatments
    last = (t["end"].dt.normalize() + DAY).where(~t["ongoing"], pd.Timestamp.max)
    last = last.where(~t["single"], t["start"].dt.normalize() + DAY)
    given = t[(t["start"] < end) & (last > start)]
    given = pd.DataFrame(
        {
            "drug": given["drug_input"],
            "dose": [
                dose_text(d, u) for d, u in zip(given["dose"], given["dose_unit"], strict=True)
            ],
            "frequency": given["frequency"],
            "route": given["route"],
            "kind": given["kind"],
        }
    )
    labs = case.labs[case.labs["time"] < end].sort_values("time").groupby("test").tail(1)
    labels = cat.labs()["label"]
    labs = pd.DataFrame(
        {
            "test": [labels.get(x, x) for x in labs["test"]],
            "value": labs["qualifier"] + labs["value"].map("{:.6g}".format),
            "unit": labs["unit"],
            "drawn": [f"Day {_day(case, x)}" for x in labs["time"]],
            "flag": lab_flags(labs["value"], labs["ref_low"], labs["ref_high"]),
        }
    )
    return given.reset_index(drop=True), labs.reset_index(drop=True)


@dataclass(frozen=True)
class Course:
    """One drug's course: first and last day, its doses in order, its pulse days."""

    drug: str
    first_day: int
    last_day: int | None  # None: still ongoing at the end of the record
    doses: tuple[str, ...]
    pulse_days: int
    pulse_dose: str


def _doses(rows: pd.DataFrame) -> tuple[str, ...]:
    """Each dose once, in order; a single dose given more than once shows its count."""
    texts = [dose_text(r.dose, r.dose_unit, r.frequency, r.single) for r in rows.itertuples()]
    singles = rows["single"].tolist()
    counts: dict[str, int] = {}
    for text, single in zip(texts, singles, strict=True):
        counts[text] = counts.get(text, 0) + (1 if single else 0)
    return tuple(f"{t} ×{counts[t]}" if counts[t] > 1 else t for t in dict.fromkeys(texts))


def treatment_courses(case: Case) -> list[Course]:
    """Each drug's course, in lane order, with every dose as entered."""
    courses = []
    order = {
        d: i for i, d in enumerate(case.treatments.sort_values(["drug_class", "start"])["drug"])
    }
    for drug, rows in sorted(
        case.treatments.groupby("drug", sort=False), key=lambda g: order[g[0]]
    ):
        rows = rows.sort_values("start")
        pulses = rows[rows["kind"] == "pulse"]
        regular = rows[rows["kind"] != "pulse"]
        pulse_days = int(
            ((pulses["end"].fillna(pulses["start"]) - pulses["start"]) / DAY + 1).sum()
        )
        last = None if rows["ongoing"].any() else rows["end"].fillna(rows["start"]).max()
        courses.append(
            Course(
                drug=cat.drug_label(drug),
                first_day=_day(case, rows["start"].min()),
                last_day=None if last is None else _day(case, last),
                doses=_doses(regular),
                pulse_days=pulse_days,
                pulse_dose=" / ".join(
                    dict.fromkeys(dose_text(r.dose, r.dose_unit) for r in pulses.itertuples())
                ),
            )
        )
    return courses


def course_text(course: Course) -> str:
    """'Day 24 to Day 113: 5 mg bid → 10 mg bid' (with pulses, when there were any)."""
    when = (
        f"from Day {course.first_day}, ongoing"
        if course.last_day is None
        else f"Day {course.first_day} to Day {course.last_day}"
    )
    parts = [" → ".join(course.doses)] if course.doses else []
    if course.pulse_days:
        parts.append(f"pulses {course.pulse_dose} on {course.pulse_days} days")
    return f"{when}: " + "; ".join(parts)


def criteria_days(case: Case) -> list[tuple[int, int]]:
    """Runs of lab days on which the MAS 2016 criteria were met by labs (first, last)."""
    status = mas_2016(case.labs)
    runs, start, last = [], None, None
    for date, state in zip(status["date"], status["status"], strict=True):
        day = _day(case, pd.Timestamp(date))
        if state == "met":
            start = day if start is None else start
            last = day
        elif start is not None:
            runs.append((start, last))
            start = None
    if start is not None:
        runs.append((start, last))
    return runs


def summary_table(case: Case, treatment: str | None) -> list[tuple[str, str]]:
    """The facts of the summary slide, as (what, value) rows."""
    summary = case_summary(case, treatment)
    rows = [("Patient", summary.who), ("Day 0", case.info.anchor)]
    rows += [(label, f"Day {day}") for label, day in summary.key_days]
    rows += [(c.drug, course_text(c)) for c in treatment_courses(case)]
    steroid = f"{summary.cumulative_pred_mg:,.0f} mg prednisone-equivalent"
    if summary.cumulative_pred_mg_kg is not None:
        steroid += f" ({summary.cumulative_pred_mg_kg:,.0f} mg/kg)"
    rows.append(("Cumulative glucocorticoid", steroid))
    runs = criteria_days(case)
    rows.append(
        (
            "MAS 2016 criteria met by labs",
            ", ".join(f"Day {a} to Day {b}" if a != b else f"Day {a}" for a, b in runs)
            or "not met on any lab day",
        )
    )
    lines = summary_lines(summary)
    if summary.response is not None:
        rows.append(
            (
                f"Response to {cat.drug_label(summary.response.treatment)}",
                lines[-1].split(": ", 1)[1],
            )
        )
    return rows
