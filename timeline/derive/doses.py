"""Doses in mg: body size at a date (weight, Mosteller BSA), per-kg and per-m² doses resolved."""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from .. import catalogue as cat

# The columns of :func:`dose_details`, one row per treatment row.
DOSE_COLUMNS = ("dose_mg", "per", "weight_kg", "weight_date", "height_cm", "height_date", "bsa_m2")


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
    """Each row's dose in mg per administration and the body size it used.

    Columns (index as ``treatments``): ``dose_mg`` (NaN when it cannot be
    known: an IU dose, or no weight), ``per`` ('kg', 'm2' or ''), and for a
    per-kg or per-m² row the ``weight_kg`` and ``weight_date`` used; for a
    per-m² row also ``height_cm``, ``height_date`` and ``bsa_m2`` (Mosteller,
    CLINICAL.md §4). Each is the latest value at or before the row's start,
    else the first one after (the weight a prescriber had at hand); rows
    dosed in mg leave them empty.

    Worked (adult case): dexamethasone 10 mg/m² from 2024-12-30 uses 179 cm
    and 82 kg of 2024-12-20: BSA √(179 × 82 / 3600) = 2.019 m², 20.19 mg.
    """
    columns = dose_arrays(treatments, labs)
    return pd.DataFrame(columns, index=treatments.index, columns=list(DOSE_COLUMNS))


def dose_arrays(treatments: pd.DataFrame, labs: pd.DataFrame) -> dict[str, np.ndarray]:
    """:func:`dose_details` as numpy arrays, plus ``size``: the weight (kg) or BSA (m²)
    each dose used (NaN for a dose in mg); a frame costs milliseconds the figures lack."""
    start = treatments["start"].to_numpy(dtype="datetime64[ns]")
    per, to_mg = _units(treatments)
    by_size = per != ""
    # rows dosed in mg need no body size: no lookup when every row is (the figures' speed)
    unused = np.full(len(start), np.nan), np.full(len(start), np.datetime64("NaT", "ns"))
    weight, weight_date = latest_measured(labs, "weight", start) if by_size.any() else unused
    height, height_date = latest_measured(labs, "height", start) if by_size.any() else unused
    by_m2 = per == "m2"
    bsa = np.where(by_m2, body_surface_area(weight, height), np.nan)
    size = np.where(per == "kg", weight, np.where(by_m2, bsa, 1.0))
    nat = np.datetime64("NaT")
    return {
        "dose_mg": treatments["dose"].to_numpy(dtype=float) * to_mg * size,
        "per": per,
        "weight_kg": np.where(by_size, weight, np.nan),
        "weight_date": np.where(by_size, weight_date, nat).astype("datetime64[ns]"),
        "height_cm": np.where(by_m2, height, np.nan),
        "height_date": np.where(by_m2, height_date, nat).astype("datetime64[ns]"),
        "bsa_m2": bsa,
        "size": np.where(by_size, size, np.nan),
    }


def _units(treatments: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """What each row's unit is per ('kg', 'm2' or '') and its factor to mg (NaN: IU)."""
    units = cat.dose_unit_factors()
    found = [units.get(unit, ("", np.nan)) for unit in treatments["dose_unit"].tolist()]
    per = np.array([p for p, _ in found], dtype=object)
    return per.astype(str) if len(per) else per, np.array([f for _, f in found], dtype=float)


def dose_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> pd.Series:
    """Each row's dose per administration in mg; NaN when it cannot be known.

    mg/kg needs a weight and mg/m2 a weight and height from the labs table
    (latest at or before the start, else the first one after); IU has no mass.
    """
    return pd.Series(doses_mg(treatments, labs), index=treatments.index)


def doses_mg(treatments: pd.DataFrame, labs: pd.DataFrame) -> np.ndarray:
    """``dose_mg`` as an array."""
    per, to_mg = _units(treatments)
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
