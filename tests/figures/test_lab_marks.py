"""Results as laboratories write them, drawn: censored triangles, words as marks, flags."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.figures import FigureOptions, build_figure, build_figures
from timeline.figures.labs import censored_marks
from timeline.figures.layout import legend_traces
from timeline.figures.theme import OUT_OF_RANGE, THEMES

from .conftest import marker_points, panel_axis, text_of, traces_on


def _day(case, stamp: str) -> float:
    return (pd.Timestamp(stamp) - case.anchor_time) / pd.Timedelta(days=1)


# --- censored results -------------------------------------------------------------


def test_the_adults_censored_ferritin_is_a_triangle_pointing_up(adult):
    fig = build_figures(adult)["labs"]
    axis = panel_axis(fig, "Ferritin")
    censored = [t for t in traces_on(fig, axis) if (t.meta or {}).get("censored")]
    (trace,) = censored
    # >40000 on 2024-12-27 and 2024-12-28 07:00: Day 0 is 2024-12-20, so Days 7 and 8
    # at 07:00 (7 + 7/24 = 7.29, 8.29), drawn at the limit 40,000 µg/L = 40,000 ng/mL
    days = [_day(adult, "2024-12-27 07:00"), _day(adult, "2024-12-28 07:00")]
    assert list(trace.x) == pytest.approx(days, abs=1e-4)
    assert list(trace.y) == [40000.0, 40000.0]
    assert trace.marker.symbol == "triangle-up"  # the truth lies above the limit
    assert trace.marker.color == OUT_OF_RANGE  # 40,000 is above the adult male range: flagged
    assert "&gt; 40000" in text_of(trace)  # hover: '> 40000'
    # every other ferritin value is a plain marker (one trace per flag, no symbol set)
    others = [t for t in traces_on(fig, axis) if t.mode == "markers" and t is not trace]
    assert all(t.marker.symbol is None for t in others)
    assert len(marker_points(fig, axis)) == (adult.labs["test"] == "ferritin").sum()


def test_a_result_below_the_limit_points_down_and_keeps_its_colour(bundled):
    # the girl's CRP '<1' mg/L (2000-02-04, -08, -15, ...): within her range (< 5 mg/L), white
    fig = build_figure(bundled, FigureOptions(labs=("crp",)), parts=("labs",))
    (trace,) = [t for t in fig.data if (t.meta or {}).get("censored") == "below"]
    assert trace.marker.symbol == "triangle-down"
    assert trace.marker.color == "white"
    assert set(trace.y) == {1.0}
    assert "&lt; " in text_of(trace)  # '< 1'


def test_the_girls_default_figures_have_no_censored_marks(bundled):
    for fig in build_figures(bundled).values():
        assert censored_marks([t.to_plotly_json() for t in fig.data]) == ()


def test_the_legend_explains_censored_marks_only_when_drawn(adult, bundled):
    theme = THEMES["screen"]
    adult_traces = [t.to_plotly_json() for t in build_figures(adult)["labs"].data]
    drawn = censored_marks(adult_traces)
    assert drawn == ("above",)
    names = {e["name"]: e for e in legend_traces(("labs",), theme, 3, None, drawn)}
    assert names["Censored: above (>)"]["marker"]["symbol"] == "triangle-up"
    assert "Censored: below (<)" not in names
    girl = [t.to_plotly_json() for t in build_figures(bundled)["labs"].data]
    plain = legend_traces(("labs",), theme, 3, None, censored_marks(girl))
    assert not [e for e in plain if e["name"].startswith("Censored")]
    # no lab panels, no entry for them
    lanes_only = legend_traces(("lanes",), theme, 1, None, ("above", "below"))
    assert not [e for e in lanes_only if e["name"].startswith("Censored")]


# --- qualitative results ----------------------------------------------------------


def test_the_adults_cmv_pcr_is_a_row_of_labelled_marks(adult):
    fig = build_figures(adult)["labs"]
    axis = panel_axis(fig, "CMV PCR")
    traces = [t for t in traces_on(fig, axis) if t.hoverinfo != "skip"]  # not the legend's
    assert all(t.mode == "markers+text" for t in traces)  # no line: words are not a trend
    words = {t.name: t for t in traces}
    assert set(words) == {"detected", "not detected"}
    # 2025-01-15 07:00 is Day 26.29, 2025-02-05 07:00 Day 47.29 (Day 0 = 2024-12-20)
    assert list(words["detected"].x) == pytest.approx([_day(adult, "2025-01-15 07:00")], abs=1e-4)
    assert list(words["not detected"].x) == pytest.approx(
        [_day(adult, "2025-02-05 07:00")], abs=1e-4
    )
    assert list(words["detected"].text) == ["detected"]
    assert "<b>CMV PCR</b> detected" in text_of(words["detected"])
    assert words["detected"].marker.symbol == "circle"
    assert words["not detected"].marker.symbol == "circle-open"


def test_a_row_of_words_has_no_numbers_on_its_axis(adult):
    from timeline.figures.axis import time_axis
    from timeline.figures.labs import lab_panel, split_by_test

    options = FigureOptions()
    rows = split_by_test(adult.labs)["CMV PCR"]
    panel = lab_panel(rows, "CMV PCR", options, time_axis(adult, options), THEMES["screen"])
    assert panel.ticks == ([], [])
    assert panel.band is None
    assert panel.lines == []
    assert panel.title == "CMV PCR"  # no unit: a word has none


def test_words_beside_numbers_are_marks_at_the_panels_foot(with_rows):
    case = load_case(
        with_rows(
            "labs", "2000-01-20 07:00,ferritin,negative,,,,", "2000-01-21 07:00,CRP,3 H,mg/L,,,"
        )
    )
    fig = build_figure(case, FigureOptions(labs=("ferritin",)), parts=("labs",))
    words = [t for t in fig.data if t.mode == "markers+text"]
    (trace,) = words
    assert list(trace.text) == ["negative"]
    numbers = [y for _, y in marker_points(fig, panel_axis(fig, "Ferritin"))]
    assert len(numbers) == ((case.labs["test"] == "ferritin") & case.labs["value"].notna()).sum()


def test_words_are_drawn_only_when_chosen(adult):
    fig = build_figure(adult, FigureOptions(labs=("ferritin",)), parts=("labs",))
    assert not [t for t in fig.data if t.mode == "markers+text"]


# --- the laboratory's flags -------------------------------------------------------


def test_a_laboratory_flag_is_in_the_hover_and_never_changes_the_number(with_rows):
    case = load_case(with_rows("labs", "2000-01-20 07:00,ferritin,38200 H*,ng/mL,,,"))
    row = case.labs.iloc[-1]  # the row appended
    assert (row["value"], row["lab_flag"]) == (38200.0, "H*")
    fig = build_figure(case, FigureOptions(labs=("ferritin",)), parts=("labs",))
    hovers = " ".join(text_of(t) for t in fig.data)
    assert "lab flag <b>H*</b>" in hovers
    assert 38200.0 in [y for _, y in marker_points(fig, panel_axis(fig, "Ferritin"))]


def test_tests_with_words_are_among_the_default_labs(adult, bundled):
    from timeline.figures.labs import default_labs
    from timeline.figures.options import DEFAULT_LABS

    assert default_labs(adult) == (*DEFAULT_LABS, "CMV PCR")
    assert default_labs(bundled) == DEFAULT_LABS


def test_a_built_figure_explains_its_censored_marks_and_reads_no_scale_for_words(adult, bundled):
    adult_labs = build_figures(adult)["labs"]
    names = {t.name for t in adult_labs.data if t.hoverinfo == "skip"}
    assert "Censored: above (>)" in names  # ferritin >40000
    assert "Censored: below (<)" not in names  # CRP <5 is not among the default panels
    assert not {n for t in build_figures(bundled)["labs"].data if (n := t.name) and "Censored" in n}
    axis = panel_axis(adult_labs, "CMV PCR").replace("y", "yaxis")
    assert list(adult_labs.layout[axis].tickvals) == []  # no numbers beside 'detected'


def test_an_unknown_test_split_by_unit_names_its_unit_once(with_rows):
    case = load_case(
        with_rows(
            "labs",
            "2000-01-20 07:00,viral load,1200,IU/mL,,,",
            "2000-01-27 07:00,viral load,3.1,log10 IU/mL,,,",
        )
    )
    fig = build_figure(case, FigureOptions(labs=tuple(sorted(set(case.labs["test"])))))
    titles = [a.text for a in fig.layout.annotations if a.text.startswith("<b>viral load")]
    assert sorted(titles) == ["<b>viral load (IU/mL)</b>", "<b>viral load (log10 IU/mL)</b>"]
