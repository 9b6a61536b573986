"""The figures, inspected as data: lanes, doses, lab values, thresholds, axes, window."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.figures import FIGURES, FigureOptions, build_figure, build_figures

from .conftest import marker_points, panel_axis, text_of, traces_on


@pytest.fixture(scope="module")
def timeline(bundled) -> go.Figure:
    return build_figure(bundled)


@pytest.mark.parametrize("theme", ["screen", "slide"])
@pytest.mark.parametrize("axis", ["days", "dates"])
def test_every_figure_is_valid_plotly(bundled, theme, axis):
    # the builder skips plotly's validation for speed; here every figure is validated
    for figure in build_figures(bundled, FigureOptions(theme=theme, axis=axis)).values():
        go.Figure(figure.to_dict())


def test_figure_names(bundled):
    assert (
        set(build_figures(bundled))
        == set(FIGURES)
        == {"timeline", "treatments", "glucocorticoids", "labs"}
    )


def test_lanes_grouped_and_ordered_by_class(timeline):
    ticks = timeline.layout.yaxis.ticktext
    names = [t.split("<br>")[-1] for t in ticks]
    assert names == [
        "Clinical course",
        "Methylprednisolone",
        "Prednisone",
        "Ciclosporin",
        "Tocilizumab",
        "Ruxolitinib",
    ]
    classes = [t.split("</span>")[0].split(">")[-1] for t in ticks if "<span" in t]
    assert classes == [
        "GLUCOCORTICOIDS",
        "CALCINEURIN INHIBITORS",
        "IL-6 / IL-1 BLOCKERS",
        "JAK INHIBITORS",
    ]


def test_each_drug_has_its_catalogue_colour_in_every_figure(bundled):
    colours = cat.drugs()["colour"]
    for figure in build_figures(bundled).values():
        for trace in figure.data:
            if trace.type == "bar" and trace.name in ("Ciclosporin", "Ruxolitinib"):
                assert trace.marker.color == colours[trace.name.lower()]


def test_every_treatment_dose_appears_in_its_mark(bundled, timeline):
    lanes = " ".join(text_of(t) for t in traces_on(timeline, "y"))
    for row in bundled.treatments.itertuples():
        assert f"{row.dose:g} {row.dose_unit}" in lanes, row.row


def test_dose_changes_are_separate_segments_with_boundaries(timeline):
    (rux,) = [t for t in timeline.data if t.type == "bar" and t.name == "Ruxolitinib"]
    assert list(rux.base) == [24.0, 27.0]
    assert list(rux.x) == [3.0, 87.0]  # Day 24-26 at 5 mg, Day 27-113 at 10 mg (inclusive)
    assert rux.marker.line.width > 0
    assert "10 mg bid" in rux.text


def test_pulse_days_are_markers_labelled_with_the_dose(timeline):
    (pulses,) = [t for t in timeline.data if t.name == "Pulse day (dose per day)"]
    assert len(pulses.x) == 9  # three rounds of three days
    assert [t for t in pulses.text if t] == ["1 g", "1 g", "1 g"]


def test_single_infusions_are_markers_on_their_day(timeline):
    (tcz,) = [t for t in timeline.data if t.name == "Single dose or infusion"]
    assert list(tcz.x) == [5.5, 19.5]
    assert list(tcz.text) == ["288 mg", "288 mg"]


def test_ongoing_therapy_is_open_ended(bundled, timeline):
    (arrow,) = [t for t in timeline.data if t.name == "Ongoing at the end of the record"]
    assert arrow.marker.symbol == "triangle-right"
    assert arrow.x[0] == timeline.layout.xaxis.range[1]
    assert "ongoing at the end of the record" in arrow.customdata[0]


@pytest.mark.parametrize(
    "test", ["ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "temperature"]
)
def test_lab_values_equal_the_case_values(bundled, timeline, test):
    label = cat.labs().at[test, "label"]
    drawn = sorted(y for _, y in marker_points(timeline, panel_axis(timeline, label)))
    expected = sorted(bundled.labs.loc[bundled.labs["test"] == test, "value"])
    assert drawn == expected


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Ferritin", 684.0),
        ("Platelets", 181.0),
        ("AST", 48.0),
        ("Triglycerides", 156 / 88.57),
        ("Fibrinogen", 3.6),
    ],
)
def test_mas_thresholds_in_the_panels_unit(timeline, label, value):
    y = panel_axis(timeline, label)
    lines = [s for s in timeline.layout.shapes if s.type == "line" and s.yref == y and s.y0 == s.y1]
    assert len(lines) == 1
    assert lines[0].y0 == pytest.approx(value)
    assert lines[0].line.dash == "dash"
    assert (lines[0].xref, lines[0].x0, lines[0].x1) == (f"{y.replace('y', 'x')} domain", 0, 1)
    (name,) = [a for a in timeline.layout.annotations if a.yref == y]
    assert name.text.startswith("MAS 2016 ")
    log = timeline.layout[y.replace("y", "yaxis")].type == "log"
    assert name.y == pytest.approx(np.log10(value) if log else value)  # beside its line


@pytest.mark.parametrize(("label", "low", "high"), [("Ferritin", 10, 140), ("Platelets", 150, 450)])
def test_reference_range_is_a_band_across_its_panel(timeline, label, low, high):
    # the bundled case gives no ranges: the catalogue's defaults (CLINICAL.md §3)
    y = panel_axis(timeline, label)
    (band,) = [s for s in timeline.layout.shapes if s.type == "rect" and s.yref == y]
    assert (band.y0, band.y1) == (low, high)
    assert (band.xref, band.x0, band.x1) == (f"{y.replace('y', 'x')} domain", 0, 1)


def test_every_panel_title_carries_its_unit(timeline):
    titles = [a.text for a in timeline.layout.annotations if a.yref.endswith("domain")]
    assert "<b>Ferritin (ng/mL)</b>" in titles
    assert "<b>Fibrinogen (g/L)</b>" in titles
    assert "<b>Glucocorticoid, prednisone-equivalent (mg/day)</b>" in titles


def test_ferritin_on_a_log_axis(timeline):
    axis = panel_axis(timeline, "Ferritin").replace("y", "yaxis")
    assert timeline.layout[axis].type == "log"


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


def test_day_axis_follows_the_chosen_anchor(bundled):
    events = {}
    for anchor in ("admission", "MAS onset"):
        fig = build_figure(bundled, FigureOptions(anchor=anchor))
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
    fig = build_figure(bundled, FigureOptions(anchor="MAS onset"))
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


def test_user_text_is_escaped_and_never_in_a_template(with_rows):
    note = "<b>bold</b> %{y} <script>x</script>"
    case = load_case(
        with_rows("treatments", f"ruxolitinib,2000-06-01,,5,mg,twice daily,oral,,{note}")
    )
    fig = build_figure(case)
    text = fig.to_json()
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    for trace in fig.data:
        assert "%{y}" not in (trace.hovertemplate or "").replace("%{y:.6~g}", "")


def test_slide_text_is_at_least_14_pt(bundled):
    for figure in build_figures(bundled, FigureOptions(theme="slide")).values():
        layout = figure.layout
        assert (layout.width, layout.height) == (960, 540)
        sizes = [a.font.size for a in layout.annotations] + [
            layout.font.size,
            layout.legend.font.size,
        ]
        sizes += [
            layout[k].tickfont.size
            for k in layout
            if k.startswith(("xaxis", "yaxis")) and layout[k].tickfont.size
        ]
        shared = layout.template.layout
        sizes += [shared.xaxis.tickfont.size, shared.yaxis.tickfont.size]
        sizes += [t.textfont.size for t in figure.data if t.textfont and t.textfont.size]
        assert min(sizes) >= 13, sorted(sizes)[:5]


def test_figure_json_is_compact(bundled):
    total = sum(len(f.to_json()) for f in build_figures(bundled).values())
    assert total < 400_000
    json.loads(build_figure(bundled).to_json())


def test_figure_carries_no_unresolved_template_name(bundled):
    # regression: a bare template name in an unvalidated figure reached plotly.js as a
    # string (ignored there) and broke plotly's own HTML export
    import plotly.io as pio

    fig = build_figure(bundled)
    assert not isinstance(fig.to_dict()["layout"].get("template"), str)
    assert "<div" in pio.to_html(fig, include_plotlyjs=False, full_html=False)


def test_a_slide_with_many_chosen_labs_grows_rather_than_drops_them(bundled):
    labs = ("ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "temperature")
    fig = build_figure(bundled, FigureOptions(theme="slide", labs=labs))
    titles = [a.text for a in fig.layout.annotations if a.yref.endswith("domain")]
    assert sum(t.startswith("<b>") and "(" in t for t in titles) == 8  # 7 labs + steroids
    assert fig.layout.width == 960
    assert fig.layout.height > 540


def test_one_sided_reference_ranges_are_shared_and_read_as_a_limit(bundled):
    # regression: NaN limits never compared equal, so each CRP point carried its own range
    fig = build_figure(bundled, FigureOptions(labs=("crp",)))
    (within,) = [t for t in fig.data if t.name == "within reference range"]
    assert "reference < 5 mg/L (default)" in within.hovertemplate
    assert all("reference" not in str(c) for c in within.customdata)


@pytest.mark.parametrize(
    ("frequency", "allowed"),
    [
        ("daily", {"50 mg daily", "50 mg", "50", ""}),
        ("twice daily", {"50 mg bid", "50 bid", ""}),
        ("weekly", {"50 mg weekly", "50 weekly", ""}),
    ],
)
def test_a_short_bar_never_loses_a_frequency_other_than_daily(frequency, allowed):
    from timeline.figures.lanes import bar_label

    row = {"dose": 50.0, "dose_unit": "mg", "frequency": frequency, "single": False}
    labels = {bar_label(row, days, 10.0, 14) for days in np.linspace(0.5, 20, 80)}
    assert labels <= allowed
    assert len(labels) >= 3  # each shorter form is reached as the bar narrows


def test_reference_band_is_the_range_most_rows_carry():
    from timeline.figures.labs import _reference

    nan = float("nan")
    low, high = np.array([10.0, 10, 12, nan]), np.array([140.0, 140, 150, 5])
    assert _reference(low, high) == (10.0, 140.0)
    # a tie goes to the lowest range, one-sided ranges (no low limit) first
    tie = _reference(np.array([10.0, nan]), np.array([140.0, 5]))
    assert np.isnan(tie[0])
    assert tie[1] == 5


def test_point_text_becomes_a_string_array_only_when_all_text():
    from timeline.figures.arrays import strings

    assert strings(["Day 1", "Day 2"]).tolist() == ["Day 1", "Day 2"]
    assert strings(["Day 1", None]) == ["Day 1", None]  # never the text 'None'
    assert strings([]) == []
