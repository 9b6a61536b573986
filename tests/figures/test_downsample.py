"""Thinning long lab series for display keeps what matters (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from timeline.figures.downsample import keep_for_display


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=3000), st.integers(2, 400))
def test_thinning_keeps_flagged_values_and_extremes(values, max_points):
    y = np.array(values)
    x = np.arange(len(y), dtype=float)
    flagged = y > np.quantile(y, 0.9)
    keep = keep_for_display(x, y, flagged, max_points)
    assert set(np.flatnonzero(flagged)) <= set(keep)
    assert y[keep].max() == y.max()  # the extremes (ties may keep either copy)
    assert y[keep].min() == y.min()
    assert {0, len(y) - 1} <= set(keep)
    if len(y) <= max_points:
        assert len(keep) == len(y)
