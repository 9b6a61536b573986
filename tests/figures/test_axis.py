"""The time axis: Day 0 at the chosen anchor, clock times, dates, the window, hidden dates."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline.derive import reanchor
from timeline.figures import FigureOptions, build_figure

from .conftest import marker_points, panel_axis


def test_day_axis_follows_the_chosen_anchor(bundled):
    events = {}
    for anchor in ("admission", "MAS onset"):
        fig = build_figure(reanchor(bundled, anchor), FigureOptions())
        events[anchor] = {a.text: a.x for a in fig.layout.annotations if a.yref == "paper"}
        bottom = [
            fig.layout[k]
            for k in fig.layout
            if k.startswith("xaxis") and fig.layout[k].showticklabels
        ]
        assert [a.title.text for a in bottom] == [f"Day (Day 0 = {anchor})"]
    assert events["admission"]["Admission"] == 0
    assert events["admission"]["MAS onset · Ciclosporin start"] == 3
    assert events["MAS onset"]["Admission"] == -3
    assert events["MAS onset"]["MAS onset · Ciclosporin start"] == 0


def test_lab_at_a_clock_time_sits_at_its_fraction_of_the_day(bundled):
    fig = build_figure(reanchor(bundled, "MAS onset"), FigureOptions())
    ferritin = marker_points(fig, panel_axis(fig, "Ferritin"))
    assert (pytest.approx(7 / 24), 6850.0) in ferritin  # Day 3 07:00 is Day 0.29 from MAS onset


def test_dates_axis_carries_iso_strings(bundled):
    fig = build_figure(bundled, FigureOptions(axis="dates"))
    (rux,) = [t for t in fig.data if t.type == "bar" and t.name == "Ruxolitinib"]
    assert list(rux.base) == ["2000-01-25T00:00:00", "2000-01-28T00:00:00"]
    assert list(rux.x) == [3 * 86_400_000, 87 * 86_400_000]  # bar lengths in ms on a date axis
    assert fig.layout.xaxis.type == "date"


def test_window_clips_a_crossing_bar_and_keeps_it(bundled):
    window = (pd.Timestamp("2000-01-11"), pd.Timestamp("2000-01-21"))  # Day 10 to 20
    fig = build_figure(bundled, FigureOptions(window=window))
    (csa,) = [t for t in fig.data if t.type == "bar" and t.name == "Ciclosporin"]
    # 50 mg bid ran Day 3-17 and 75 mg bid from Day 18: both clipped to the window
    assert list(csa.base) == [10.0, 18.0]
    assert list(csa.x) == [8.0, 2.0]
    assert "Day 3 (2000-01-04) to Day 17 (2000-01-18)" in csa.customdata[0]
    assert list(fig.layout.xaxis.range) == [10.0, 20.0]


def test_hidden_dates_leave_no_calendar_date(bundled):
    fig = build_figure(bundled, FigureOptions(hide_dates=True, axis="dates"))
    text = fig.to_json()
    assert "2000-0" not in text
    assert fig.layout.xaxis.type == "linear"
