"""Invariants of event-label stacking and of display thinning (hypothesis)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from timeline.figures import stagger
from timeline.figures.downsample import keep_for_display

LABELS = st.lists(st.tuples(st.floats(0, 1000), st.floats(1, 200)), max_size=30)


@given(LABELS)
def test_stacked_labels_never_overlap(labels):
    labels = sorted(labels)
    left = [x for x, _ in labels]
    width = [w for _, w in labels]
    rows = stagger(left, width, gap=5)
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            if rows[i] == rows[j]:
                first, second = sorted((i, j), key=lambda k: left[k])
                assert left[first] + width[first] + 5 <= left[second] + 1e-9


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
