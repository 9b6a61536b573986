"""Thin long lab series for display without hiding anything that matters."""

from __future__ import annotations

import numpy as np


def keep_for_display(
    x: np.ndarray, y: np.ndarray, flagged: np.ndarray, max_points: int
) -> np.ndarray:
    """Indices to draw: all of them when few; else every flagged (out-of-range)
    value, the first and last, and the minimum and maximum of each of
    ``max_points // 2`` equal time buckets (the local extremes at display
    resolution). Sorted by position; the caller keeps the full data.
    """
    n = len(x)
    if n <= max_points:
        return np.arange(n)
    buckets = max(max_points // 2, 1)
    edges = np.linspace(x.min(), x.max(), buckets + 1)
    which = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, buckets - 1)
    order = np.lexsort((y, which))  # by bucket, then value
    starts = np.searchsorted(which[order], np.arange(buckets), side="left")
    ends = np.searchsorted(which[order], np.arange(buckets), side="right")
    filled = ends > starts
    extremes = np.concatenate([order[starts[filled]], order[ends[filled] - 1]])
    keep = np.concatenate([extremes, np.flatnonzero(flagged), [0, n - 1]])
    return np.unique(keep)
