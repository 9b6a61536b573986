"""Lab panels: values as in the case, out-of-range points, gaps, reference ranges."""

from __future__ import annotations

import numpy as np
import pytest

from timeline import catalogue as cat
from timeline.figures import FigureOptions, build_figure

from .conftest import marker_points, panel_axis, traces_on


@pytest.mark.parametrize(
    "test", ["ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "temperature"]
)
def test_lab_values_equal_the_case_values(bundled, timeline, test):
    label = cat.labs().at[test, "label"]
    drawn = sorted(y for _, y in marker_points(timeline, panel_axis(timeline, label)))
    expected = sorted(bundled.labs.loc[bundled.labs["test"] == test, "value"])
    assert drawn == expected


def test_out_of_range_points_are_emphasised(timeline):
    high = [
        t
        for t in traces_on(timeline, panel_axis(timeline, "Ferritin"))
        if t.name == "outside reference range (high)"
    ]
    assert high
    assert high[0].marker.size > 6
    assert "HIGH" in high[0].hovertemplate


def test_long_gaps_are_dotted_not_solid(timeline):
    traces = traces_on(timeline, panel_axis(timeline, "Ferritin"))
    (solid,) = [
        t
        for t in traces
        if t.mode == "lines"
        and t.line.dash is None
        and t.fill is None
        and t.hoverinfo == "skip"
        and "Ferritin" in (t.name or "")
    ]
    (dotted,) = [t for t in traces if t.line.dash == "dot"]
    assert np.isnan(np.asarray(solid.x, dtype=float)).any()  # the solid line breaks
    gaps = np.diff(np.asarray(dotted.x, dtype=float)[~np.isnan(np.asarray(dotted.x, dtype=float))])
    assert (gaps[::2] > 7).all()  # each dotted piece spans more than 7 days


def test_one_sided_reference_ranges_are_shared_and_read_as_a_limit(bundled):
    # regression: NaN limits never compared equal, so each CRP point carried its own range
    fig = build_figure(bundled, FigureOptions(labs=("crp",)))
    (within,) = [t for t in fig.data if t.name == "within reference range"]
    assert "reference < 5 mg/L (default, child)" in within.hovertemplate
    assert all("reference" not in str(c) for c in within.customdata)


def test_reference_band_is_the_range_most_rows_carry():
    from timeline.figures.labs import _reference

    nan = float("nan")
    low, high = np.array([10.0, 10, 12, nan]), np.array([140.0, 140, 150, 5])
    assert _reference(low, high) == (10.0, 140.0)
    # a tie goes to the lowest range, one-sided ranges (no low limit) first
    tie = _reference(np.array([10.0, nan]), np.array([140.0, 5]))
    assert np.isnan(tie[0])
    assert tie[1] == 5
