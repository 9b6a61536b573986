"""The numbers the page and the deck summarise: key days, cumulative dose, response, courses.

Numbers only: :mod:`timeline.wording` writes them as text, the same for the page
and the summary slide.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..model import Case
from . import (
    DAY,
    day_number,
    glucocorticoid_days,
    record_end,
    resolve_anchor,
)
from .criteria import criteria_periods, mas_2016_days

Window = tuple[pd.Timestamp | None, pd.Timestamp | None]


@dataclass(frozen=True)
class Response:
    """How the patient responded after a treatment started (None where unknown)."""

    treatment: str
    start_day: int
    fever_c: float  # the threshold the defervescence is judged by
    defervescence_days: int | None  # days from the start to sustained temperature < fever_c
    afebrile_at_start: bool
    ferritin_before: float | None
    ferritin_after: float | None
    ferritin_after_day: int | None
    ferritin_change_pct: float | None


@dataclass(frozen=True)
class Summary:
    """The header facts of a case, every number computed here and tested."""

    age_years: float | None
    sex: str
    diagnosis: str
    admission_day: int | None
    mas_onset_day: int | None
    cumulative_pred_mg: float
    cumulative_pred_mg_kg: float | None  # None unless every day's dose has a weight
    response: Response | None  # None when no treatment is chosen or it was never given


@dataclass(frozen=True)
class Dose:
    """One treatment row's dose as entered: amount per administration, unit, frequency."""

    amount: float
    unit: str
    frequency: str
    single: bool


@dataclass(frozen=True)
class Course:
    """One drug's course: first and last day, its doses and pulses in order of start."""

    drug: str  # canonical name
    first_day: int
    last_day: int | None  # None: still ongoing at the end of the record
    doses: tuple[Dose, ...]  # every non-pulse row
    pulses: tuple[Dose, ...]  # every pulse row
    pulse_days: int


def day_of(case: Case, time: pd.Timestamp) -> int:
    """The Day number of a moment: whole days from Day 0's midnight to its own."""
    return int(day_number(time.normalize(), case.anchor_time))


def response_treatments(case: Case) -> list[str]:
    """Treatments whose response is worth summarising: every non-glucocorticoid drug."""
    return [d for d in case.treatments["drug"].unique() if not cat.is_glucocorticoid(d)]


def default_treatment(case: Case) -> str | None:
    """The treatment whose response to summarise unless the user chooses: the
    non-glucocorticoid drug started last (in a refractory case, the rescue therapy)."""
    t = case.treatments[case.treatments["drug"].isin(response_treatments(case))]
    if t.empty:
        return None
    return str(t.groupby("drug")["start"].min().idxmax())


def _fever_threshold() -> float:
    rows = cat.thresholds().query("set == 'fever'")
    return float(rows["canonical"].iloc[0])


def _defervescence(
    temps: pd.DataFrame, start: pd.Timestamp, fever: float
) -> tuple[bool, int | None]:
    """Whether afebrile before ``start``; else days to the first reading below ``fever``
    with every later reading below it too (None when that never happened)."""
    before = temps[temps["time"] < start]
    if len(before) and before["value"].iloc[-1] < fever:
        return True, None
    after = temps[temps["time"] >= start]
    febrile = np.flatnonzero(after["value"].to_numpy() >= fever)
    first_afebrile = 0 if len(febrile) == 0 else febrile[-1] + 1
    if first_afebrile >= len(after):
        return False, None
    return False, int((after["time"].iloc[first_afebrile].normalize() - start) / DAY)


def response_to(case: Case, treatment: str, horizon_days: int = 7) -> Response | None:
    """Defervescence and ferritin change after the first start of ``treatment``.

    Defervescence: the first temperature below the fever threshold (38.0 °C,
    standard clinical knowledge) after the start, with every later reading below it too.
    Ferritin: the last value drawn by the end of the start day, against the
    first value drawn ``horizon_days`` or more after the start.
    """
    rows = case.treatments[case.treatments["drug"] == treatment]
    if rows.empty:
        return None
    start = rows["start"].min().normalize()
    temps = case.labs[case.labs["test"] == "temperature"].sort_values("time")
    fever = _fever_threshold()
    afebrile_at_start, defervescence = _defervescence(temps, start, fever)
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
        start_day=day_of(case, start),
        fever_c=fever,
        defervescence_days=defervescence,
        afebrile_at_start=afebrile_at_start,
        ferritin_before=before_value,
        ferritin_after=after_value,
        ferritin_after_day=day_of(case, later["time"].iloc[0]) if len(later) else None,
        ferritin_change_pct=change,
    )


def case_summary(case: Case, treatment: str | None = None, horizon_days: int = 7) -> Summary:
    """The header facts: who, key days, cumulative glucocorticoid, response to ``treatment``."""
    admission, onset = (resolve_anchor(case.events, a) for a in ("admission", "mas onset"))
    steroids = glucocorticoid_days(
        case.treatments, case.labs, record_end(case.treatments, case.events, case.labs)
    )
    per_kg = (
        float(steroids["pred_mg_kg"].sum())
        if len(steroids) and steroids["pred_mg_kg"].notna().all()
        else None
    )
    return Summary(
        age_years=case.info.age_years,
        sex=case.info.sex,
        diagnosis=case.info.diagnosis,
        admission_day=None if admission is None else day_of(case, admission),
        mas_onset_day=None if onset is None else day_of(case, onset),
        cumulative_pred_mg=float(steroids["pred_mg"].sum()) if len(steroids) else 0.0,
        cumulative_pred_mg_kg=per_kg,
        response=response_to(case, treatment, horizon_days) if treatment else None,
    )


def _mas_episode(case: Case) -> Window | None:
    """From 3 days before onset (or the first day of a MAS 2016 period, if earlier) to
    7 days after the last day of the last period; None without either.

    The periods are those the figure shades and the summary names (met, and
    laboratory criteria only): :func:`criteria_days`.
    """
    periods = criteria_periods(mas_2016_days(case.labs, case.events), "labs")
    onset = resolve_anchor(case.events, "mas onset")
    if not periods and onset is None:
        return None
    starts = [x for x in (onset, periods[0][0] if periods else None) if x is not None]
    last = periods[-1][1] if periods else min(starts)
    return min(starts) - 3 * DAY, last + DAY + 7 * DAY  # the last day counted whole


def _treatment_window(case: Case, treatment: str) -> Window:
    """From a week before the first start to two weeks after the end, within the record."""
    rows = case.treatments[case.treatments["drug"] == treatment]
    end = record_end(case.treatments, case.events, case.labs)
    last = end if rows["ongoing"].any() else rows["end"].fillna(rows["start"]).max() + DAY
    return rows["start"].min().normalize() - 7 * DAY, min(last + 14 * DAY, end)


def window_presets(case: Case, treatment: str | None = None) -> dict[str, Window]:
    """Named windows: whole course, the MAS episode, a treatment's course."""
    presets: dict[str, Window] = {"Whole course": (None, None)}
    episode = _mas_episode(case)
    if episode is not None:
        presets["MAS episode"] = episode
    if treatment and (case.treatments["drug"] == treatment).any():
        presets[f"{cat.drug_label(treatment)} course"] = _treatment_window(case, treatment)
    return presets


def _doses(rows: pd.DataFrame) -> tuple[Dose, ...]:
    """Each row's dose as entered, in row order."""
    columns = rows[["dose", "dose_unit", "frequency", "single"]]
    return tuple(Dose(*values) for values in columns.itertuples(index=False, name=None))


def _course(case: Case, drug: str, rows: pd.DataFrame) -> Course:
    """One drug's course from its treatment rows."""
    rows = rows.sort_values("start")
    pulses = rows[rows["kind"] == "pulse"]
    # a pulse row runs from its start to its end day, both counted; pandas-stubs type a
    # datetime column read by name as Series[Any], whose difference they do not divide
    span = pulses["end"].fillna(pulses["start"]) - pulses["start"]
    pulse_days = (span / DAY + 1).sum()  # type: ignore[operator]
    last = None if rows["ongoing"].any() else rows["end"].fillna(rows["start"]).max()
    return Course(
        drug=drug,
        first_day=day_of(case, rows["start"].min()),
        last_day=None if last is None else day_of(case, last),
        doses=_doses(rows[rows["kind"] != "pulse"]),
        pulses=_doses(pulses),
        pulse_days=int(pulse_days),
    )


def treatment_courses(case: Case) -> list[Course]:
    """Each drug's course, in lane order, with every dose as entered."""
    # a drug's place: that of its latest-starting row in (class, start) order
    order = {
        d: i for i, d in enumerate(case.treatments.sort_values(["drug_class", "start"])["drug"])
    }
    groups = sorted(case.treatments.groupby("drug", sort=False), key=lambda g: order[g[0]])
    return [_course(case, str(drug), rows) for drug, rows in groups]


@dataclass(frozen=True)
class CriteriaRuns:
    """The MAS 2016 periods as (first Day N, last Day N), both days counted.

    ``met``: fever and the laboratory rule (or the laboratory rule alone where the
    case records no fever: ``fever_recorded`` False); ``labs_only``: the laboratory
    rule without fever; ``labs``: every day of the laboratory rule (the labs-only view).
    """

    met: tuple[tuple[int, int], ...]
    labs_only: tuple[tuple[int, int], ...]
    labs: tuple[tuple[int, int], ...]
    fever_recorded: bool


def criteria_days(case: Case, window_days: float = 3) -> CriteriaRuns:
    """The days of each MAS 2016 period: the days the figure shades, as Day N."""
    status = mas_2016_days(case.labs, case.events, window_days)

    def runs(which) -> tuple[tuple[int, int], ...]:
        periods = criteria_periods(status, which)
        return tuple((day_of(case, first), day_of(case, last)) for first, last in periods)

    return CriteriaRuns(runs("met"), runs("labs only"), runs("labs"), status.fever_recorded)


# Names that moved to the text and the page's tables, still importable from here
