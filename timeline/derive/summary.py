"""The numbers the page and the deck summarise: key days, cumulative dose, response, courses.

Numbers only: :mod:`timeline.wording` writes them as text, the same for the page
and the summary slide.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..model import Case
from . import (
    DAY,
    day_number,
    dose_details,
    glucocorticoid_days,
    mas_2016,
    record_end,
    resolve_anchor,
)

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
class Cumulative:
    """The glucocorticoid course summed, and what the sum covers.

    ``first_day`` to ``last_day`` (inclusive) are the first and last days with a
    glucocorticoid dose; when one is still given at the end of the record the sum
    stops at the record's last day and ``ongoing`` says so (``taper``: the row still
    going is a taper step). ``weights`` are the (kg, Day measured) the per-kg sum used.
    """

    pred_mg: float
    pred_mg_kg: float | None  # None unless every day's dose has a weight
    first_day: int | None  # None: no glucocorticoid in the record
    last_day: int | None
    ongoing: bool
    taper: bool
    weights: tuple[tuple[float, int], ...]


@dataclass(frozen=True)
class Summary:
    """The header facts of a case, every number computed here and tested."""

    age_years: float | None
    sex: str
    diagnosis: str
    admission_day: int | None
    mas_onset_day: int | None
    cumulative: Cumulative  # prednisone-equivalent, over stated days
    response: Response | None  # None when no treatment is chosen or it was never given


@dataclass(frozen=True)
class Dose:
    """One treatment row's dose as entered: amount per administration, unit, frequency;
    for a dose by weight or surface area, the mg it came to and the body size it used."""

    amount: float
    unit: str
    frequency: str
    single: bool
    mg: float = float("nan")  # per administration; NaN when unknown (IU, no weight)
    per: str = ""  # 'kg', 'm2' or '' (a dose in mg)
    size: float = float("nan")  # the weight (kg) or BSA (m², Mosteller) the dose used
    weight_kg: float = float("nan")
    weight_day: int | None = None  # Day the weight was measured
    height_cm: float = float("nan")  # per m² only
    height_day: int | None = None


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
    return Summary(
        age_years=case.info.age_years,
        sex=case.info.sex,
        diagnosis=case.info.diagnosis,
        admission_day=None if admission is None else day_of(case, admission),
        mas_onset_day=None if onset is None else day_of(case, onset),
        cumulative=cumulative_glucocorticoid(case),
        response=response_to(case, treatment, horizon_days) if treatment else None,
    )


def cumulative_glucocorticoid(case: Case) -> Cumulative:
    """Prednisone-equivalent summed from the first glucocorticoid day to the last (an
    ongoing course: to the end of the record), with the weights the per-kg sum used."""
    end = record_end(case.treatments, case.events, case.labs)
    steroids = glucocorticoid_days(case.treatments, case.labs, end)
    gc = case.treatments[case.treatments["drug"].map(cat.is_glucocorticoid).astype(bool)]
    still = gc[gc["ongoing"] & (gc["start"] < end)]
    if not len(steroids):
        return Cumulative(0.0, None, None, None, False, False, ())
    given = steroids[steroids["pred_mg"] > 0]
    per_kg = float(given["pred_mg_kg"].sum()) if given["pred_mg_kg"].notna().all() else None
    used = given.dropna(subset=["weight_kg"]).drop_duplicates(["weight_kg", "weight_date"])
    weights = tuple(
        (float(kg), day_of(case, pd.Timestamp(when)))
        for kg, when in zip(used["weight_kg"], used["weight_date"], strict=True)
    )
    return Cumulative(
        pred_mg=float(steroids["pred_mg"].sum()),
        pred_mg_kg=per_kg,
        first_day=day_of(case, pd.Timestamp(steroids["date"].iloc[0])),
        last_day=day_of(case, pd.Timestamp(steroids["date"].iloc[-1])),
        ongoing=bool(len(still)),
        taper=bool((still["kind"] == "taper").any()),
        weights=weights if per_kg is not None else (),
    )


def _mas_episode(case: Case) -> Window | None:
    """From 3 days before onset (or the first day the criteria were met) to 7 days after
    the criteria stopped being met (or were last met); None without either."""
    status = mas_2016(case.labs)
    met = status[status["status"] == "met"]
    onset = resolve_anchor(case.events, "mas onset")
    if not len(met) and onset is None:
        return None
    first = min(x for x in (onset, met["date"].min() if len(met) else None) if x is not None)
    later = (
        status[(status["date"] > met["date"].max()) & (status["status"] != "met")]
        if len(met)
        else status.iloc[:0]
    )
    last = later["date"].min() if len(later) else (met["date"].max() if len(met) else first)
    return first - 3 * DAY, last + 7 * DAY


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


def _size_day(case: Case, when) -> int | None:
    """The Day a body size was measured; None when it never was."""
    return None if pd.isna(when) else day_of(case, pd.Timestamp(when))


def _doses(case: Case, rows: pd.DataFrame) -> tuple[Dose, ...]:
    """Each row's dose as entered, in row order, with its mg and the body size it used."""
    d = dose_details(rows, case.labs)
    size = d["weight_kg"].where(d["per"] == "kg", d["bsa_m2"])
    columns = (
        rows["dose"].astype(float).tolist(),
        rows["dose_unit"].astype(str).tolist(),
        rows["frequency"].astype(str).tolist(),
        rows["single"].astype(bool).tolist(),
        d["dose_mg"].tolist(),
        d["per"].astype(str).tolist(),
        size.tolist(),
        d["weight_kg"].tolist(),
        [_size_day(case, when) for when in d["weight_date"]],
        d["height_cm"].tolist(),
        [_size_day(case, when) for when in d["height_date"]],
    )
    return tuple(Dose(*values) for values in zip(*columns, strict=True))


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
        doses=_doses(case, rows[rows["kind"] != "pulse"]),
        pulses=_doses(case, pulses),
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


def criteria_days(case: Case) -> list[tuple[int, int]]:
    """Runs of lab days on which the MAS 2016 criteria were met by labs (first, last)."""
    status = mas_2016(case.labs)
    days = [day_of(case, pd.Timestamp(date)) for date in status["date"]]
    runs: list[tuple[int, int]] = []
    for met, run in groupby(zip(days, status["status"] == "met", strict=True), key=lambda x: x[1]):
        if met:
            run_days = [day for day, _ in run]
            runs.append((run_days[0], run_days[-1]))
    return runs


# Names that moved to the text and the page's tables, still importable from here
