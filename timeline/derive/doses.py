"""Doses in mg: body size at a date (weight, Mosteller BSA), per-kg and per-m² doses
resolved, and how much of each row is given on each calendar day of its schedule.

A dose is written per administration (mg, mg/kg), per day (mg/kg/day: a daily
total divided over the frequency's administrations) or as a continuous infusion's
rate (mg/h, mg/24h): the catalogue's dose units say which (``basis``).

Schedules, counted from the start:

- N administrations a day (daily, bid, q6h ...): every 24/N hours from the start
  time, so a start at 18:00 counts only the doses from 18:00 to midnight.
- Less often than daily, ``times`` administrations every ``every_days`` days: on
  days floor(k × every_days / times), k = 0 … times − 1, of each period counted
  from the start day, one administration each, whatever the time. Every other day:
  days 0, 2, 4 …; three times weekly: days 0, 2 and 4 of each week (Monday,
  Wednesday, Friday for a Monday start); twice weekly: days 0 and 3. The case
  files cannot say which weekdays were used: this spreads the doses as evenly as
  whole days allow, from the start (an assumption, not from a clinical source).
- A continuous infusion: its rate for every hour it runs on that day (from a
  start time; up to an end time, else to the end of the end date).
- Once: one administration on its day.

An end date is the last day given (inclusive); an end with a time stops there.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .. import catalogue as cat

# The columns of :func:`dose_details`, one row per treatment row.
DOSE_COLUMNS = (
    "dose_mg",
    "per",
    "weight_kg",
    "weight_date",
    "height_cm",
    "height_date",
    "bsa_m2",
    "basis",
    "mg_day",
)

_DAY_NS = 86_400 * 10**9
_HOUR_NS = 3_600 * 10**9


def value_at(labs: pd.DataFrame, test: str, times: pd.Series) -> pd.Series:
    """The latest value of ``test`` at or before each time, else the first one after.

    Used for weight and height, which change slowly; NaN when never measured.
    """
    return pd.Series(latest_values(labs, test, times.to_numpy()), index=times.index)


def latest_values(labs: pd.DataFrame, test: str, at: np.ndarray) -> np.ndarray:
    """``value_at`` on an array of datetime64 times."""
    return latest_measured(labs, test, at)[0]


def latest_measured(labs: pd.DataFrame, test: str, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``latest_values`` and when each value used was measured (NaT where none is)."""
    # column by column: filtering the whole lab table would copy every column
    value = labs["value"].to_numpy(dtype=float)
    chosen = (labs["test"] == test).to_numpy(dtype=bool) & ~np.isnan(value)
    never = np.full(len(at), np.datetime64("NaT"), dtype="datetime64[ns]")
    if not chosen.any() or not len(at):
        return np.full(len(at), np.nan), never
    measured = labs["time"].to_numpy(dtype="datetime64[ns]")[chosen]
    order = np.argsort(measured, kind="stable")
    measured, values = measured[order], value[chosen][order]
    before = np.searchsorted(measured, at, side="right") - 1
    # before the first measurement, use the first one
    used = np.clip(before, 0, len(values) - 1)
    missing = pd.isna(at)
    return np.where(missing, np.nan, values[used]), np.where(missing, never, measured[used])


def body_surface_area(weight_kg: ArrayLike, height_cm: ArrayLike) -> np.ndarray:
    """Mosteller: sqrt(height cm × weight kg / 3600) m² (standard clinical knowledge [K/U])."""
    return np.sqrt(np.asarray(height_cm, dtype=float) * np.asarray(weight_kg, dtype=float) / 3600)


def dose_details(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.DataFrame:
    """Each row's dose in mg, its daily amount in mg and the body size it used.

    Columns (index as ``treatments``): ``dose_mg``, the dose as entered in mg
    on its own basis (per administration, per day, or per the rate's period:
    200 mg/24h is 200; NaN when it cannot be known: an IU dose, or no weight);
    ``basis`` ('dose', 'day' or 'rate'); ``mg_day``, the amount on a whole day
    of dosing (per administration × administrations that day; a daily total as
    it is; a rate × 24 h); ``per`` ('kg', 'm2' or ''), and for a per-kg or
    per-m² row the ``weight_kg`` and ``weight_date`` used; for a per-m² row also
    ``height_cm``, ``height_date`` and ``bsa_m2`` (Mosteller, CLINICAL.md §4).
    Each is the latest value at or before the row's start, else the first one
    after (the weight a prescriber had at hand); rows dosed in mg leave them empty.

    Worked (adult case): dexamethasone 10 mg/m² from 2024-12-30 uses 179 cm
    and 82 kg of 2024-12-20: BSA √(179 × 82 / 3600) = 2.019 m², 20.19 mg.
    Anakinra 8 mg/kg/day every 6 hours at 82 kg: 656 mg/day, 164 mg a dose.
    """
    columns = dose_arrays(treatments, labs)
    return pd.DataFrame(columns, index=treatments.index, columns=list(DOSE_COLUMNS))


def dose_arrays(treatments: pd.DataFrame, labs: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`dose_details` as numpy arrays, plus ``size``: the weight (kg) or BSA (m²)
    each dose used (NaN for a dose in mg), and ``mg_each``: the mg of one administration
    (of one hour, for a rate); a frame costs milliseconds the figures lack."""
    start = treatments["start"].to_numpy(dtype="datetime64[ns]")
    units = _units(treatments)
    per = units["per"]
    by_size = per != ""
    # rows dosed in mg need no body size: no lookup when every row is (the figures' speed)
    unused = np.full(len(start), np.nan), np.full(len(start), np.datetime64("NaT", "ns"))
    weight, weight_date = latest_measured(labs, "weight", start) if by_size.any() else unused
    height, height_date = latest_measured(labs, "height", start) if by_size.any() else unused
    by_m2 = per == "m2"
    bsa = np.where(by_m2, body_surface_area(weight, height), np.nan)
    size = np.where(per == "kg", weight, np.where(by_m2, bsa, 1.0))
    nat = np.datetime64("NaT")
    mg = treatments["dose"].to_numpy(dtype=float) * units["to_mg"] * size
    each, mg_day = _per_administration(mg, units, _doses_a_day(treatments))
    return {
        "dose_mg": mg,
        "per": per,
        "weight_kg": np.where(by_size, weight, np.nan),
        "weight_date": np.where(by_size, weight_date, nat).astype("datetime64[ns]"),
        "height_cm": np.where(by_m2, height, np.nan),
        "height_date": np.where(by_m2, height_date, nat).astype("datetime64[ns]"),
        "bsa_m2": bsa,
        "basis": units["basis"],
        "mg_day": mg_day,
        "size": np.where(by_size, size, np.nan),
        "mg_each": each,
    }


def _units(treatments: pd.DataFrame) -> dict[str, np.ndarray]:
    """Each row's unit: what it is per ('kg', 'm2' or ''), its factor to mg (NaN: IU),
    its basis ('dose', 'day', 'rate'; '' when unknown) and a rate's hours."""
    factors, bases = cat.dose_unit_factors(), cat.dose_unit_bases()
    units = treatments["dose_unit"].tolist()
    found = [factors.get(unit, ("", np.nan)) for unit in units]
    basis = [bases.get(unit, ("", np.nan)) for unit in units]
    return {
        "per": np.array([p for p, _ in found], dtype=object).astype(str),
        "to_mg": np.array([f for _, f in found], dtype=float),
        "basis": np.array([b for b, _ in basis], dtype=object).astype(str),
        "hours": np.array([h for _, h in basis], dtype=float),
    }


def _doses_a_day(treatments: pd.DataFrame) -> np.ndarray:
    """Administrations on a day of dosing: N for N a day, 1 for a single dose or a
    schedule less often than daily; NaN for a continuous infusion."""
    per_day = treatments["per_day"].to_numpy(dtype=float)
    continuous = _schedule(treatments)[2]
    return np.where(continuous, np.nan, np.where(per_day >= 1, per_day, 1.0))


def _per_administration(
    mg: np.ndarray, units: dict[str, np.ndarray], doses: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(mg of one administration, or of one hour for a rate; mg on a whole day of dosing)."""
    basis, hours = units["basis"], units["hours"]
    each = np.where(basis == "day", mg / doses, np.where(basis == "rate", mg / hours, mg))
    day = np.where(basis == "day", mg, np.where(basis == "rate", mg / hours * 24, mg * doses))
    unknown = ~np.isin(basis, ("dose", "day", "rate"))
    return np.where(unknown, np.nan, each), np.where(unknown, np.nan, day)


def _schedule(treatments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's (times, every_days, continuous) from its frequency (NaN, NaN, False
    for once and for a frequency the catalogue does not know)."""
    schedules = cat.schedules()
    unknown = (np.nan, np.nan, False)
    rows = [schedules.get(f, unknown) for f in treatments["frequency"].tolist()]
    times = np.array([r[0] for r in rows], dtype=float)
    every = np.array([r[1] for r in rows], dtype=float)
    return times, every, np.array([r[2] for r in rows], dtype=bool)


def dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """Each row's dose as entered, in mg (per administration, per day or per the rate's
    period, as its unit); NaN when it cannot be known.

    mg/kg needs a weight and mg/m2 a weight and height from the labs table
    (latest at or before the start, else the first one after); IU has no mass.
    """
    return pd.Series(doses_mg(treatments, labs), index=treatments.index)


def doses_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> np.ndarray:
    """``dose_mg`` as an array."""
    return dose_arrays(treatments, labs)["dose_mg"]


def daily_dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """mg on a whole day of dosing (a single administration counts on its day; every N
    days or N times weekly: on each day a dose is given); NaN when it cannot be known."""
    return pd.Series(dose_arrays(treatments, labs)["mg_day"], index=treatments.index)


def given_on_days(
    treatments: pd.DataFrame, until: pd.Timestamp, chosen: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's calendar days and how much of it each holds (the schedules above).

    Returns (row, day, count): the row's position in ``treatments``, the day
    (datetime64[D]) and the administrations given that day, or for a continuous
    infusion the hours it ran. Ongoing rows run until ``until`` (a midnight).
    Days with none given are left out. ``chosen`` (booleans) limits it to some rows
    without copying the frame.
    """
    chosen = np.ones(len(treatments), dtype=bool) if chosen is None else chosen
    start = treatments["start"].to_numpy(dtype="datetime64[ns]")
    end = treatments["end"].to_numpy(dtype="datetime64[ns]")
    ongoing = treatments["ongoing"].to_numpy(dtype=bool)
    first = start.astype("datetime64[D]")  # the calendar day (floors the time)
    last = np.where(ongoing, (until - pd.Timedelta(days=1)).to_datetime64(), end)
    last = last.astype("datetime64[D]")
    last = np.where(np.isnat(last), first, last)  # a single day
    length = np.maximum((last - first).astype(int) + 1, 0)  # none when it starts after ``until``
    length = np.where(chosen, length, 0)
    row = np.repeat(np.arange(len(first)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    day = first[row] + offset
    # ends with a time stop at that time; a date alone, or an ongoing row, at the day's end
    whole = ongoing | np.isnat(end) | (end == end.astype("datetime64[D]").astype(end.dtype))
    times, every, continuous = _schedule(treatments)
    window = _window(start[row], day, whole[row], end[row])
    count = np.where(
        continuous[row],
        _hours(window),
        _administrations(times[row], every[row], window),
    )
    keep = count > 0
    return row[keep], day[keep], count[keep]


class _Window(NamedTuple):
    """Where each (row, day) begins and ends for counting, in integer nanoseconds."""

    start: np.ndarray  # the row's start
    a: np.ndarray  # the later of the day's midnight and the start
    b: np.ndarray  # the next midnight, or the end time on a last day that has one
    b_closed: np.ndarray  # ``b`` just after an end time, so a dose at that time counts
    day_offset: np.ndarray  # whole days from the start's day


def _window(start: np.ndarray, day: np.ndarray, whole: np.ndarray, end: np.ndarray) -> _Window:
    """The counting window of each (row, day); ``whole``: the day runs to midnight."""
    s = start.astype(np.int64)
    midnight = day.astype("datetime64[ns]").astype(np.int64)
    next_midnight = midnight + _DAY_NS
    stop = end.astype(np.int64)
    first_midnight = start.astype("datetime64[D]").astype("datetime64[ns]").astype(np.int64)
    return _Window(
        start=s,
        a=np.maximum(midnight, s),
        b=np.where(whole, next_midnight, np.minimum(next_midnight, stop)),
        b_closed=np.where(whole, next_midnight, np.minimum(next_midnight, stop + 1)),
        day_offset=(midnight - first_midnight) // _DAY_NS,
    )


def _hours(w: _Window) -> np.ndarray:
    """Hours a continuous infusion ran on each day."""
    return np.maximum(w.b - w.a, 0) / _HOUR_NS


def _administrations(times: np.ndarray, every: np.ndarray, w: _Window) -> np.ndarray:
    """How many administrations fall on each day of its row (the rules at the top).

    N a day: the k-th is at ``start + k·24/N h``; those in [a, b) number
    ceil((b − start)/step) − ceil((a − start)/step). Counted in integer
    nanoseconds: a whole day then holds exactly N. Less often: one on each of its
    days. Once (NaN): one.
    """
    per_day = times / every
    daily = per_day >= 1
    step = np.round(_DAY_NS / np.where(daily, per_day, 1.0)).astype(np.int64)
    s = w.start
    counted = -((s - w.b_closed) // step) - -((s - w.a) // step)  # ceil by floor of negatives
    single = np.isnan(per_day)
    n = np.where(daily | single, 1, times).astype(np.int64)
    period = np.where(daily | single, 1, every).astype(np.int64)
    position = w.day_offset % period
    k = -((-position * n) // period)  # the first dose not before this day: ceil(r·n/period)
    on_day = (k < n) & ((k * period) // n == position)
    return np.where(daily, np.maximum(counted, 0), on_day.astype(np.int64))
