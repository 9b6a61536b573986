"""The glucocorticoid course: daily prednisone-equivalent dose, summed over every glucocorticoid."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue as cat
from .days import DAY
from .doses import doses_mg, latest_measured

_DAY_NS = 86_400 * 10**9


def glucocorticoid_days(
    treatments: pd.DataFrame, labs: pd.DataFrame, until: pd.Timestamp
) -> pd.DataFrame:
    """Daily prednisone-equivalent dose, summed over all glucocorticoids.

    One row per calendar day from the first to the last glucocorticoid day:
    ``pred_mg`` (mg/day), ``pred_mg_kg`` (when a weight is known), cumulative
    ``pred_mg_total``, ``weight_kg`` and ``weight_date`` (the weight the per-kg
    figure used: the latest at or before the day), ``pulse_mp_mg`` (methylprednisolone given as a pulse that
    day, in mg, as entered) and ``drugs`` (what contributed). Factors are the
    catalogue's (FDA prednisolone label). Ongoing rows run until ``until``.

    Time rules. The end date is the last day given (inclusive): every
    administration of that day counts. A time of day, where given, is honoured:
    N administrations a day are given every 24/N hours from the start time, so
    a first day counts only those from the start time to midnight (four times
    daily from 18:00: one dose, at 18:00), and an end with a time counts those
    up to and including it. A start without a time is 00:00: the whole first day.
    An administration every N days, or a single one, counts once on its day.
    """
    factors = cat.prednisone_factors()
    names_all = treatments["drug"].tolist()
    factor = np.array([factors.get(d, np.nan) for d in names_all], dtype=float)
    is_gc = np.array([cat.is_glucocorticoid(d) for d in names_all], dtype=bool)
    columns = [
        "date",
        "pred_mg",
        "pred_mg_kg",
        "pred_mg_total",
        "weight_kg",
        "weight_date",
        "pulse_mp_mg",
        "drugs",
    ]
    if not is_gc.any():
        return pd.DataFrame(columns=columns)
    factor_of = factor[is_gc]

    def column(name: str, dtype=None) -> np.ndarray:  # the glucocorticoid rows of a column
        return treatments[name].to_numpy(dtype=dtype)[is_gc]

    per_day = column("per_day", float)
    start = column("start", "datetime64[ns]")
    end = column("end", "datetime64[ns]")
    first = start.astype("datetime64[D]")  # the calendar day (floors the time)
    ongoing = column("ongoing", bool)
    last = np.where(ongoing, (until - DAY).to_datetime64(), end.astype("datetime64[D]"))
    last = np.where(np.isnat(last), first, last).astype("datetime64[D]")  # a single day
    length = np.maximum((last - first).astype(int) + 1, 0)  # none when it starts after ``until``
    row = np.repeat(np.arange(len(first)), length)
    offset = np.arange(length.sum()) - np.repeat(np.cumsum(length) - length, length)
    day = first[row] + offset
    # ends with a time stop at that time; a date alone, or an ongoing row, at the day's end
    whole = ongoing | np.isnat(end) | (end == end.astype("datetime64[D]").astype(end.dtype))
    given = _administrations(per_day[row], start[row], day, whole[row], end[row])
    keep = given > 0
    row, day, given = row[keep], day[keep], given[keep]
    mg_day = doses_mg(treatments, labs)[is_gc][row] * given
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
    weight, weighed = latest_measured(labs, "weight", dates)
    return pd.DataFrame(
        {
            "date": dates,
            "pred_mg": pred,
            "pred_mg_kg": pred / weight,
            "pred_mg_total": np.cumsum(pred),
            "weight_kg": weight,
            "weight_date": weighed,
            "pulse_mp_mg": np.bincount(where, np.where(pulse, mg_day, 0.0), len(dates)),
            "drugs": [", ".join(d) for d in drugs],
        }
    )


def _administrations(
    per_day: np.ndarray,
    start: np.ndarray,
    day: np.ndarray,
    whole_last_day: np.ndarray,
    end: np.ndarray,
) -> np.ndarray:
    """How many administrations fall on each ``day`` of its row (the rule is above).

    With N a day, the k-th is at ``start + k·24/N h``; those in [a, b) number
    ceil((b − start)/step) − ceil((a − start)/step), with a the later of the day's
    midnight and the start, b the next midnight or just after an end time. Counted
    in integer nanoseconds: a whole day then holds exactly N.
    """
    daily = per_day >= 1
    n = np.where(daily, per_day, 1.0)
    step = np.round(_DAY_NS / n).astype(np.int64)
    s = start.astype(np.int64)
    midnight = day.astype("datetime64[ns]").astype(np.int64)
    a = np.maximum(midnight, s)
    b = midnight + _DAY_NS
    b = np.where(whole_last_day, b, np.minimum(b, end.astype(np.int64) + 1))
    counted = -((s - b) // step) - -((s - a) // step)  # ceil by floor division of negatives
    # every N days (per_day < 1): once on its dosing days; a single dose (NaN): once
    every = np.round(1 / np.where(daily | np.isnan(per_day), 1.0, per_day)).astype(np.int64)
    offset = midnight - start.astype("datetime64[D]").astype("datetime64[ns]").astype(np.int64)
    periodic = (offset // _DAY_NS) % every == 0
    return np.where(daily, np.maximum(counted, 0), periodic.astype(np.int64))
