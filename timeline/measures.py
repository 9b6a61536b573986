"""Derived measures: body size at a date, doses in mg, glucocorticoid equivalents."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from . import catalogue as cat


def value_at(labs: pd.DataFrame, test: str, times: pd.Series) -> pd.Series:
    """The latest value of ``test`` at or before each time, else the first one after.

    Used for weight and height, which change slowly; NaN when never measured.
    """
    return pd.Series(_latest(labs, test, times.to_numpy()), index=times.index)


def _latest(labs: pd.DataFrame, test: str, at: np.ndarray) -> np.ndarray:
    """``value_at`` on an array of datetime64 times."""
    # column by column: filtering the whole lab table would copy every column
    value = labs["value"].to_numpy(dtype=float)
    chosen = (labs["test"] == test).to_numpy(dtype=bool) & ~np.isnan(value)
    if not chosen.any() or not len(at):
        return np.full(len(at), np.nan)
    measured = labs["time"].to_numpy()[chosen]
    order = np.argsort(measured, kind="stable")
    measured, values = measured[order], value[chosen][order]
    before = np.searchsorted(measured, at, side="right") - 1
    # before the first measurement, use the first one
    out = values[np.clip(before, 0, len(values) - 1)]
    return np.where(pd.isna(at), np.nan, out)


def body_surface_area(weight_kg: ArrayLike, height_cm: ArrayLike) -> np.ndarray:
    """Mosteller: sqrt(height cm × weight kg / 3600) m² (standard clinical knowledge [K/U])."""
    return np.sqrt(np.asarray(height_cm, dtype=float) * np.asarray(weight_kg, dtype=float) / 3600)


def dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """Each row's dose per administration in mg; NaN when it cannot be known.

    mg/kg needs a weight and mg/m2 a weight and height from the labs table
    (latest at or before the start, else the first one after); IU has no mass.
    """
    return pd.Series(_dose_mg(treatments, labs), index=treatments.index)


def _dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> np.ndarray:
    """``dose_mg`` as an array."""
    units = cat.dose_unit_factors()
    found = [units.get(unit, ("", np.nan)) for unit in treatments["dose_unit"].tolist()]
    per = np.array([p for p, _ in found], dtype=object)
    to_mg = np.array([f for _, f in found], dtype=float)
    size = np.ones(len(per))
    by_kg, by_m2 = per == "kg", per == "m2"
    if by_kg.any() or by_m2.any():
        start = treatments["start"].to_numpy()
        weight = _latest(labs, "weight", start)
        size = np.where(by_kg, weight, size)
        if by_m2.any():
            bsa = body_surface_area(weight, _latest(labs, "height", start))
            size = np.where(by_m2, bsa, size)
    return treatments["dose"].to_numpy(dtype=float) * to_mg * size


def daily_dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """mg per day while the row runs (a single administration counts on its day)."""
    per_day = treatments["per_day"].where(~treatments["single"], 1.0)
    return dose_mg(treatments, labs) * per_day


def lab_flags(value, low, high) -> np.ndarray:
    """'high' above the row's upper limit, 'low' below its lower one, else ''.

    A missing value or limit flags nothing.
    """
    value, low, high = (np.asarray(v, dtype=float) for v in (value, low, high))
    with np.errstate(invalid="ignore"):
        return np.where(value > high, "high", np.where(value < low, "low", ""))


# --- time -----------------------------------------------------------------------

DAY = pd.Timedelta(days=1)


def resolve_anchor(events: pd.DataFrame, anchor: str) -> pd.Timestamp | None:
    """Midnight of the first event whose type or label is ``anchor`` (Day 0)."""
    key = cat.name_key(anchor)
    match = events[
        (events["type"].map(cat.name_key) == key) | (events["label"].map(cat.name_key) == key)
    ]
    return None if match.empty else match["start"].min().normalize()


def record_end(treatments: pd.DataFrame, events: pd.DataFrame, labs: pd.DataFrame) -> pd.Timestamp:
    """The last moment the record covers: end of the day of its last date.

    Ongoing treatments are drawn up to here; it is never "today".
    """
    columns = (treatments["start"], treatments["end"], events["start"], events["end"])
    latest = [column.max() for column in (*columns, labs["time"])]
    known = [t for t in latest if not pd.isna(t)]  # a case has events: its anchor at least
    return pd.Timestamp(max(known)).normalize() + DAY


def day_number(times, anchor: pd.Timestamp):
    """Days since the anchor's midnight as a float: Day 0 is the anchor's day."""
    return (times - anchor) / DAY


# --- glucocorticoids ------------------------------------------------------------


def glucocorticoid_days(
    treatments: pd.DataFrame, labs: pd.DataFrame, until: pd.Timestamp
) -> pd.DataFrame:
    """Daily prednisone-equivalent dose, summed over all glucocorticoids.

    One row per calendar day from the first to the last glucocorticoid day:
    ``pred_mg`` (mg/day), ``pred_mg_kg`` (when a weight is known), cumulative
    ``pred_mg_total``, ``pulse_mp_mg`` (methylprednisolone given as a pulse that
    day, in mg, as entered) and ``drugs`` (what contributed). Factors are the
    catalogue's (FDA prednisolone label). An administration
    every N days counts on its days only; ongoing rows run until ``until``.
    """
    factors = cat.prednisone_factors()
    names_all = treatments["drug"].tolist()
    factor = np.array([factors.get(d, np.nan) for d in names_all], dtype=float)
    is_gc = np.array([cat.is_glucocorticoid(d) for d in names_all], dtype=bool)
    columns = ["date", "pred_mg", "pred_mg_kg", "pred_mg_total", "pulse_mp_mg", "drugs"]
    if not is_gc.any():
        return pd.DataFrame(columns=columns)
    factor_of = factor[is_gc]

    def column(name: str, dtype=None) -> np.ndarray:  # the glucocorticoid rows of a column
        return treatments[name].to_numpy(dtype=dtype)[is_gc]

    per_day = column("per_day", float)
    every = np.where(per_day < 1, np.round(1 / per_day), 1).astype(int)  # every N days
    times = np.where(per_day >= 1, per_day, 1.0)  # administrations on a dosing day
    times = np.where(np.isnan(per_day), 1.0, times)  # a single administration
    every = np.where(np.isnan(per_day), 1, every)
    first = column("start").astype("datetime64[D]")  # the calendar day (floors the time)
    last = column("end").astype("datetime64[D]")
    last = np.where(column("ongoing", bool), (until - DAY).to_datetime64(), last)
    last = np.where(np.isnat(last), first, last).astype("datetime64[D]")  # a single day
    length = np.maximum((last - first).astype(int) + 1, 0)  # none when it starts after ``until``
    row = np.repeat(np.arange(len(first)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    given = offset % every[row] == 0
    row, offset = row[given], offset[given]
    day = first[row] + offset
    mg_day = (_dose_mg(treatments, labs)[is_gc] * times)[row]
    names = column("drug")
    pulse = ((column("kind") == "pulse") & (names == "methylprednisolone"))[row]
    if not len(day):
        return pd.DataFrame(columns=columns)
    # every calendar day from the first to the last dose; days without one hold 0 mg
    dates = np.arange(day.min(), day.max() + 1)
    where = (day - dates[0]).astype(int)
    pred = np.bincount(where, mg_day * factor_of[row], len(dates))
    drugs: list[dict] = [{} for _ in dates]
    for w, r in zip(where.tolist(), row.tolist(), strict=True):
        drugs[w][names[r]] = None
    dates = dates.astype("datetime64[ns]")
    return pd.DataFrame(
        {
            "date": dates,
            "pred_mg": pred,
            "pred_mg_kg": pred / _latest(labs, "weight", dates),
            "pred_mg_total": np.cumsum(pred),
            "pulse_mp_mg": np.bincount(where, np.where(pulse, mg_day, 0.0), len(dates)),
            "drugs": [", ".join(d) for d in drugs],
        }
    )


# --- MAS 2016 classification criteria -------------------------------------------

MAS_TESTS = ("ferritin", "platelets", "ast", "triglycerides", "fibrinogen")


_COMPARE = {">": np.greater, "<=": np.less_equal, ">=": np.greater_equal, "<": np.less}


def mas_2016(labs: pd.DataFrame, window_days: float = 3) -> pd.DataFrame:
    """Whether the 2016 EULAR/ACR/PRINTO criteria are met by labs, per lab date.

    For each day with a sample, the latest value of each test drawn on that
    day or the ``window_days - 1`` days before it is used (default: the day
    and the two before it): ferritin > 684 ng/mL and
    at least two of platelets ≤ 181 ×10⁹/L, AST > 48 U/L, triglycerides
    > 156 mg/dL, fibrinogen ≤ 360 mg/dL (Ravelli 2016; thresholds from the
    catalogue, in canonical units). ``status`` is "met", "not met" or
    "unknown" (missing values could change the answer). Fever and the
    exclusion of other causes are clinical judgements this does not make.
    """
    rules = cat.mas_2016_rules()
    columns = ["date", *MAS_TESTS, "items_met", "items_known", "status"]
    values = labs["value"].to_numpy(dtype=float)
    chosen = labs["test"].isin(MAS_TESTS).to_numpy(dtype=bool) & ~np.isnan(values)
    if not chosen.any():
        return pd.DataFrame(columns=columns)
    times = labs["time"].to_numpy()[chosen]
    order = np.argsort(times, kind="stable")
    tests, times, values = (
        labs["test"].to_numpy()[chosen][order],
        times[order],
        values[chosen][order],
    )
    dates = np.unique(times.astype("datetime64[D]")).astype("datetime64[ns]")
    day_end = dates + np.timedelta64(1, "D")
    oldest = day_end - pd.Timedelta(days=window_days).to_timedelta64()
    out = {"date": dates}
    met, known = {}, {}
    for test in MAS_TESTS:
        drawn, value = times[tests == test], values[tests == test]
        latest = np.searchsorted(drawn, day_end, side="left") - 1  # last draw before the day ends
        safe = np.clip(latest, 0, None)
        fresh = (latest >= 0) & (drawn[safe] > oldest) if len(drawn) else latest < -1
        out[test] = (
            np.where(fresh, value[safe], np.nan) if len(drawn) else np.full(len(dates), np.nan)
        )
        operator, threshold = rules[test]
        met[test] = (
            _COMPARE[operator](
                np.nan_to_num(out[test], nan=np.inf if "<" in operator else -np.inf), threshold
            )
            & fresh
        )
        known[test] = fresh
    items = MAS_TESTS[1:]
    out["items_met"] = np.sum([met[t].astype(int) for t in items], axis=0)
    out["items_known"] = np.sum([known[t].astype(int) for t in items], axis=0)
    could_reach = out["items_met"] + (4 - out["items_known"]) >= 2
    ferritin_high, ferritin_known = met["ferritin"], known["ferritin"]
    status = np.where(ferritin_known, "not met", "unknown")
    status = np.where(ferritin_high & (out["items_met"] >= 2), "met", status)
    status = np.where(ferritin_high & (out["items_met"] < 2) & could_reach, "unknown", status)
    out["status"] = status
    return pd.DataFrame({c: out[c] for c in columns})
