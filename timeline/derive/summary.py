"""The numbers the page and the deck summarise: key days, cumulative dose, response, courses.

Numbers only: :mod:`timeline.wording` writes them as text, the same for the page
and the summary slide.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..model import Case
from . import (
    DAY,
    case_end,
    day_number,
    dose_details,
    glucocorticoid_days,
    resolve_anchor,
)
from .criteria import criteria_periods, mas_2016_days

Window = tuple[pd.Timestamp | None, pd.Timestamp | None]


@dataclass(frozen=True)
class FerritinValue:
    """One ferritin result: its value in the panel's unit, its comparator and its Day N."""

    value: float
    qualifier: str  # '' exact; '<', '>', '<=', '>=': censored, the truth lies beyond value
    day: int

    @property
    def censored(self) -> bool:
        """Whether the result is beyond the assay's range (never exact in a change)."""
        return self.qualifier != ""


@dataclass(frozen=True)
class FeverCourse:
    """Temperatures after a treatment's start, judged by CLINICAL.md §3c (Day N days)."""

    threshold_c: float  # fever is a temperature at or above it
    recorded: bool  # any temperature recorded from the start on
    afebrile_at_start: bool  # the last temperature before the start was below threshold_c
    defervescence_day: int | None  # first day of sustained defervescence
    defervescence_days: int | None  # that day's distance in days from the start day
    recurrence_day: int | None  # first fever after defervescence or an afebrile start
    recurrence_event: str | None  # label of a recorded fever event covering that day


@dataclass(frozen=True)
class Response:
    """How the patient responded after a treatment's first start (None where unknown)."""

    treatment: str
    start_day: int
    fever: FeverCourse
    horizon_days: int  # the later ferritin is the first drawn this many days after the start
    ferritin_unit: str  # the ferritin panel's (canonical) unit, as the figure shows it
    ferritin_before: FerritinValue | None  # the last value drawn before the start
    ferritin_after: FerritinValue | None  # the first value drawn horizon_days or more later

    @property
    def ferritin_change_pct(self) -> float | None:
        """The ferritin change in %; None unless both values are there and exact."""
        before, after = self.ferritin_before, self.ferritin_after
        if before is None or after is None or before.censored or after.censored:
            return None
        return (after.value - before.value) / before.value * 100 if before.value else None


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
    criteria: CriteriaRuns | None = None  # the MAS 2016 periods, as the figure shades them


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


def _first_starts(case: Case) -> pd.Series:
    """Each drug's first start, earliest first."""
    return case.treatments.groupby("drug")["start"].min().sort_values(kind="stable")


def response_treatments(case: Case) -> list[str]:
    """The treatments whose response the page offers, in order of first start.

    The disease-directed drugs of the case by catalogue class (immunomodulators,
    calcineurin, JAK and IFN-γ inhibitors, cytotoxics), never a glucocorticoid (the
    background course the response is judged against), an anti-infective, a supportive
    drug or a drug the catalogue does not know.
    """
    return [
        str(d)
        for d in _first_starts(case).index
        if cat.is_disease_directed(str(d)) and not cat.is_glucocorticoid(str(d))
    ]


def default_treatment(case: Case) -> str | None:
    """The treatment whose response to summarise unless the user chooses: of
    :func:`response_treatments`, the one started last (in a refractory case, the
    rescue therapy); None when the case has none."""
    choices = response_treatments(case)
    return choices[-1] if choices else None


@cache
def _fever_threshold() -> float:
    """The catalogue's fever threshold, °C (standard clinical knowledge: ≥ 38.0 °C)."""
    rows = cat.thresholds().query("set == 'fever'")
    return float(rows["canonical"].iloc[0])


def _sustained_afebrile_day(
    times: np.ndarray, values: np.ndarray, start: pd.Timestamp, fever: float
) -> pd.Timestamp | None:
    """The first day from the start on that begins 48 h of temperatures below ``fever``.

    ``times`` (datetime64, in order) and ``values`` are the temperature readings. Day D
    qualifies when it begins at or after the start (a start at 18:00 makes the next day
    the first candidate), temperatures were recorded on D and on D + 1, and every one
    recorded from D 00:00 to D + 2 00:00 is below ``fever``. CLINICAL.md §3c does not
    say how many readings make 48 h; a reading on each of the two days is asked for so
    that the 48 h are observed, not assumed across a gap in the record.
    """
    later = times >= start.ceil("D").to_datetime64()
    days, first = np.unique(times[later].astype("datetime64[D]"), return_index=True)
    if not len(days):
        return None
    # readings are in time order, so each day's are contiguous from its first index
    afebrile = ~np.logical_or.reduceat(values[later] >= fever, first)
    consecutive = np.diff(days) == np.timedelta64(1, "D")
    qualifies = np.flatnonzero(afebrile[:-1] & afebrile[1:] & consecutive)
    return pd.Timestamp(days[qualifies[0]]) if len(qualifies) else None


def _readings(case: Case, test: str) -> pd.DataFrame:
    """One test's time, value, qualifier and unit, in time order (the columns used here)."""
    rows = case.labs.loc[case.labs["test"] == test, ["time", "value", "qualifier", "unit"]]
    return rows.sort_values("time")


def _fever_event(events: pd.DataFrame, time: pd.Timestamp) -> str | None:
    """The label of a recorded fever event whose days cover ``time``, if any."""
    fevers = events[events["type"] == "fever"]
    first = fevers["start"].dt.normalize()
    last = fevers["end"].fillna(fevers["start"]).dt.normalize()
    covering = fevers[(first <= time) & (time < last + DAY)]
    return str(covering["label"].iloc[0]) if len(covering) else None


def _fever_course(case: Case, start: pd.Timestamp) -> FeverCourse:
    """Afebrile at the start, sustained defervescence and recurrence (CLINICAL.md §3c).

    Afebrile at the start: the last temperature before the start is below the fever
    threshold; then no defervescence is sought. A fever recorded after the
    defervescence day (or after an afebrile start) is a recurrence, reported with its
    day; it never moves the defervescence day. Recorded fever events are not read as
    temperatures (§3c speaks of recorded temperatures): they only name a recurrence.
    """
    fever = _fever_threshold()
    temps = _readings(case, "temperature")
    times, values = temps["time"].to_numpy(), temps["value"].to_numpy()
    before = np.flatnonzero(times < start.to_datetime64())
    afebrile_at_start = bool(len(before)) and bool(values[before[-1]] < fever)
    settled = start if afebrile_at_start else _sustained_afebrile_day(times, values, start, fever)
    returned = (
        np.flatnonzero((times >= settled.to_datetime64()) & (values >= fever))
        if settled is not None
        else before[:0]
    )
    recurrence = pd.Timestamp(times[returned[0]]) if len(returned) else None
    deferved = None if afebrile_at_start else settled
    return FeverCourse(
        threshold_c=fever,
        recorded=bool((times >= start.to_datetime64()).any()),
        afebrile_at_start=afebrile_at_start,
        defervescence_day=None if deferved is None else day_of(case, deferved),
        defervescence_days=(
            None if deferved is None else int((deferved - start.normalize()) / DAY)
        ),
        recurrence_day=None if recurrence is None else day_of(case, recurrence),
        recurrence_event=None if recurrence is None else _fever_event(case.events, recurrence),
    )


def _ferritin_value(case: Case, row: pd.DataFrame) -> FerritinValue | None:
    if row.empty:
        return None
    return FerritinValue(
        value=float(row["value"].iloc[0]),
        qualifier=str(row["qualifier"].iloc[0]),
        day=day_of(case, row["time"].iloc[0]),
    )


def response_to(case: Case, treatment: str, horizon_days: int = 7) -> Response | None:
    """Defervescence, recurrence and ferritin change after the first start of ``treatment``.

    Fever is a temperature ≥ 38.0 °C (the catalogue's threshold, standard clinical
    knowledge); sustained defervescence, afebrile at the start and recurrence follow
    CLINICAL.md §3c as :func:`_fever_course` and :func:`_sustained_afebrile_day` state.

    Ferritin, in the panel's canonical unit: the last value drawn strictly before the
    start (§3c "the last value before the start"; a value drawn on the start day of a
    start given without a time of day counts as after it, since its order against the
    first dose is unknown), against the first value drawn on the start day +
    ``horizon_days`` or later (calendar days, as Day N counts; default 7, "a week
    later" — CLINICAL.md does not fix the number). A censored value (qualifier '<' or
    '>') is kept with its comparator and gives no percentage change.
    """
    rows = case.treatments[case.treatments["drug"] == treatment]
    if rows.empty:
        return None
    start = rows["start"].min()
    ferritin = _readings(case, "ferritin")
    before = ferritin[ferritin["time"] < start].tail(1)
    after = ferritin[ferritin["time"] >= start.normalize() + horizon_days * DAY].head(1)
    unit = (
        str(ferritin["unit"].iloc[0]) if len(ferritin) else str(cat.labs().at["ferritin", "unit"])
    )
    return Response(
        treatment=treatment,
        start_day=day_of(case, start),
        fever=_fever_course(case, start),
        horizon_days=horizon_days,
        ferritin_unit=unit,
        ferritin_before=_ferritin_value(case, before),
        ferritin_after=_ferritin_value(case, after),
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
        criteria=criteria_days(case),
    )


def cumulative_glucocorticoid(case: Case) -> Cumulative:
    """Prednisone-equivalent summed from the first glucocorticoid day to the last (an
    ongoing course: to the end of the record), with the weights the per-kg sum used."""
    end = case_end(case)
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
    end = case_end(case)
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
