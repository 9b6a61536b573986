"""The glucocorticoid course: daily prednisone-equivalent dose, summed over every glucocorticoid."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue as cat
from .days import DAY
from .doses import doses_mg, latest_values


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
    mg_day = (doses_mg(treatments, labs)[is_gc] * times)[row]
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
            "pred_mg_kg": pred / latest_values(labs, "weight", dates),
            "pred_mg_total": np.cumsum(pred),
            "pulse_mp_mg": np.bincount(where, np.where(pulse, mg_day, 0.0), len(dates)),
            "drugs": [", ".join(d) for d in drugs],
        }
    )
