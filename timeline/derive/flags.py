"""Per-sample flags: a result against its reference range, a temperature against fever."""

from __future__ import annotations

from functools import cache

import numpy as np

from .. import catalogue as cat

FLAGS = ("high", "low", "fever", "")  # every flag a sample can carry ('' within range)


def lab_flags(value, low, high) -> np.ndarray:
    """'high' above the row's upper limit, 'low' below its lower one, else ''.

    A missing value or limit flags nothing.
    """
    value, low, high = (np.asarray(v, dtype=float) for v in (value, low, high))
    with np.errstate(invalid="ignore"):
        return np.where(value > high, "high", np.where(value < low, "low", ""))


@cache
def fever_thresholds() -> dict[str, float]:
    """Each test with a fever threshold (temperature) to that threshold, canonical unit.

    Fever is temperature ≥ 38.0 °C (thresholds.csv, standard clinical knowledge [K]);
    temperature has no reference range, so fever is its flag.
    """
    rows = cat.thresholds().query("set == 'fever'")
    return {str(t): float(v) for t, v in zip(rows["test"], rows["canonical"], strict=True)}


def sample_flags(test, value, low, high) -> np.ndarray:
    """Every sample's flag: 'fever', 'high', 'low' or '' (aligned with the inputs).

    A temperature at or above the fever threshold is 'fever' (≥ 38.0 °C), whatever
    range its row carries; any other result is high or low against its own range.
    """
    flags = lab_flags(value, low, high).astype(object)
    test = np.asarray(test, dtype=object)
    value = np.asarray(value, dtype=float)
    for name, threshold in fever_thresholds().items():
        flags[(test == name) & (value >= threshold)] = "fever"
    return flags.astype(str)
