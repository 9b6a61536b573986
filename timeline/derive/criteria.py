"""The 2016 EULAR/ACR/PRINTO MAS classification criteria over time (Ravelli 2016)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import catalogue as cat

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
