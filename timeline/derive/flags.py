"""Per-sample flags: a result's place against its reference range."""

from __future__ import annotations

import numpy as np


def lab_flags(value, low, high) -> np.ndarray:
    """'high' above the row's upper limit, 'low' below its lower one, else ''.

    A missing value or limit flags nothing.
    """
    value, low, high = (np.asarray(v, dtype=float) for v in (value, low, high))
    with np.errstate(invalid="ignore"):
        return np.where(value > high, "high", np.where(value < low, "low", ""))
