"""Derived measures: body size at a date, doses in mg, glucocorticoid equivalents."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import catalogue as cat


def value_at(labs: pd.DataFrame, test: str, times: pd.Series) -> pd.Series:
    """The latest value of ``test`` at or before each time, else the first one after.

    Used for weight and height, which change slowly; NaN when never measured.
    """
    rows = labs[(labs["test"] == test) & labs["value"].notna()].sort_values("time")
    if rows.empty or times.empty:
        return pd.Series(np.nan, index=times.index)
    measured = rows["time"].to_numpy()
    values = rows["value"].to_numpy()
    at = times.to_numpy()
    before = np.searchsorted(measured, at, side="right") - 1
    # before the first measurement, use the first one
    out = values[np.clip(before, 0, len(values) - 1)]
    return pd.Series(np.where(pd.isna(at), np.nan, out), index=times.index)


def body_surface_area(weight_kg: pd.Series, height_cm: pd.Series) -> pd.Series:
    """Mosteller: sqrt(height cm × weight kg / 3600) m² (CLINICAL.md §4 [K/U])."""
    return np.sqrt(height_cm * weight_kg / 3600)


def dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """Each row's dose per administration in mg; NaN when it cannot be known.

    mg/kg needs a weight and mg/m2 a weight and height from the labs table
    (latest at or before the start, else the first one after); IU has no mass.
    """
    units = cat.dose_units()
    to_mg = treatments["dose_unit"].map(units["to_mg"]).astype(float)
    per = treatments["dose_unit"].map(units["per"]).fillna("")
    size = pd.Series(1.0, index=treatments.index)
    if per.eq("kg").any() or per.eq("m2").any():
        weight = value_at(labs, "weight", treatments["start"])
        size = size.where(per != "kg", weight)
        if per.eq("m2").any():
            height = value_at(labs, "height", treatments["start"])
            size = size.where(per != "m2", body_surface_area(weight, height))
    return treatments["dose"] * to_mg * size


def daily_dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """mg per day while the row runs (a single administration counts on its day)."""
    per_day = treatments["per_day"].where(~treatments["single"], 1.0)
    return dose_mg(treatments, labs) * per_day
