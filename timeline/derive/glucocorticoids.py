"""The glucocorticoid course: daily prednisone-equivalent dose, summed over every glucocorticoid."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue as cat
from .doses import dose_arrays, given_on_days, latest_measured


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

    Each day holds what the row's schedule gives that day (:mod:`.doses`): its
    administrations × the mg of one (a daily total divided over the frequency's
    administrations), or a continuous infusion's hours × its rate. Time rules: the
    end date is the last day given (inclusive); a time of day, where given, is
    honoured, so four times daily from 18:00 counts one dose on its first day and
    hydrocortisone 200 mg/24h from 18:00 counts 6 h: 50 mg. A start without a time
    is 00:00: the whole first day. An administration every N days, N times weekly,
    or a single one, counts once on its day.
    """
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
    names = treatments["drug"].to_numpy()
    is_gc = np.array([cat.is_glucocorticoid(d) for d in names.tolist()], dtype=bool)
    if not is_gc.any():
        return pd.DataFrame(columns=columns)
    factors = cat.prednisone_factors()
    factor = np.array([factors.get(d, np.nan) for d in names.tolist()], dtype=float)
    row, day, given = given_on_days(treatments, until, is_gc)
    if not len(day):
        return pd.DataFrame(columns=columns)
    mg_day = dose_arrays(treatments, labs)["mg_each"][row] * given
    pulse = ((treatments["kind"].to_numpy() == "pulse") & (names == "methylprednisolone"))[row]
    # every calendar day from the first to the last dose; days without one hold 0 mg
    dates = np.arange(day.min(), day.max() + 1)
    where = (day - dates[0]).astype(int)
    pred = np.bincount(where, mg_day * factor[row], len(dates))
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
