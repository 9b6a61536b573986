"""Doses in mg: body size at a date (weight, Mosteller BSA), per-kg and per-m² doses resolved."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .. import catalogue as cat


def value_at(labs: pd.DataFrame, test: str, times: pd.Series) -> pd.Series:
    """The latest value of ``test`` at or before each time, else the first one after.

    Used for weight and height, which change slowly; NaN when never measured.
    """
    return pd.Series(latest_values(labs, test, times.to_numpy()), index=times.index)


def latest_values(labs: pd.DataFrame, test: str, at: np.ndarray) -> np.ndarray:
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
    return pd.Series(doses_mg(treatments, labs), index=treatments.index)


def doses_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> np.ndarray:
    """``dose_mg`` as an array."""
    units = cat.dose_unit_factors()
    found = [units.get(unit, ("", np.nan)) for unit in treatments["dose_unit"].tolist()]
    per = np.array([p for p, _ in found], dtype=object)
    to_mg = np.array([f for _, f in found], dtype=float)
    size = np.ones(len(per))
    by_kg, by_m2 = per == "kg", per == "m2"
    if by_kg.any() or by_m2.any():
        start = treatments["start"].to_numpy()
        weight = latest_values(labs, "weight", start)
        size = np.where(by_kg, weight, size)
        if by_m2.any():
            bsa = body_surface_area(weight, latest_values(labs, "height", start))
            size = np.where(by_m2, bsa, size)
    return treatments["dose"].to_numpy(dtype=float) * to_mg * size


def daily_dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """mg per day while the row runs (a single administration counts on its day)."""
    per_day = treatments["per_day"].where(~treatments["single"], 1.0)
    return dose_mg(treatments, labs) * per_day
