"""Treatment lanes: order, colours, doses on bars, pulses, single doses, ongoing therapy."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from timeline import catalogue as cat
from timeline.figures import FigureOptions, build_figure, build_figures
from timeline.figures.theme import INK

from .conftest import text_of, traces_on


def test_lanes_grouped_and_ordered_by_class(timeline):
    ticks = timeline.layout.yaxis.ticktext
    # a class header is a tick of its own, above its first lane (never over a lane name)
    names = [t for t in ticks if "<span" not in t]
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


def test_pulse_days_are_markers_labelled_with_the_dose(bundled, timeline):
    (pulses,) = [t for t in timeline.data if t.name == "Pulse day (dose per day)"]
    assert len(pulses.x) == 9  # three rounds of three days
    # the whole course: 6.2 px a day, a round has 3 days between two bars (19 px), too few
    # for '1 g' (24 px): the dose stays in the hover rather than spill over the bars
    assert not any(pulses.text)
    assert all("1 g daily" in h for h in pulses.customdata)
    # Days 0-30: 26 px a day, room for it above each round's middle day
    zoomed = build_figure(
        bundled,
        FigureOptions(window=(bundled.anchor_time, bundled.anchor_time + pd.Timedelta(days=30))),
    )
    (pulses,) = [t for t in zoomed.data if t.name == "Pulse day (dose per day)"]
    assert [t for t in pulses.text if t] == ["1 g", "1 g", "1 g"]


def test_single_infusions_are_markers_on_their_day(timeline):
    (tcz,) = [t for t in timeline.data if t.name == "Single dose or infusion"]
    assert list(tcz.x) == [5.5, 19.5]
    assert list(tcz.text) == ["288 mg", "288 mg"]


def test_ongoing_therapy_is_open_ended(timeline):
    (arrow,) = [t for t in timeline.data if t.name == "Ongoing at the end of the record"]
    assert arrow.marker.symbol == "triangle-right"
    assert arrow.x[0] == timeline.layout.xaxis.range[1]
    assert "ongoing at the end of the record" in arrow.customdata[0]


@pytest.mark.parametrize(
    ("frequency", "allowed"),
    [
        ("daily", {"50 mg daily", "50 mg", ""}),
        ("twice daily", {"50 mg bid", ""}),
        ("weekly", {"50 mg weekly", ""}),
    ],
)
def test_a_short_bar_never_loses_a_frequency_other_than_daily_nor_its_unit(frequency, allowed):
    # issue 13: narrow bars showed '2 qid', '500', '1.25'; '50 bid' beside '75 mg bid'
    from timeline.figures.lanes import bar_label

    row = {"dose": 50.0, "dose_unit": "mg", "frequency": frequency, "single": False}
    row |= {"dose_mg": 50.0, "size": float("nan")}
    labels = {bar_label(row, days, 10.0, 14) for days in np.linspace(0.5, 20, 80)}
    assert labels <= allowed
    assert len(labels) == len(allowed)  # each shorter form is reached as the bar narrows


# a number in a label is followed by its unit (mg, g, mcg, IU, mg/kg, mg/m², kg, m²), or is a
# time in one ('mg/24 h', '3×/week', issue 14)
_BARE_NUMBER = re.compile(r"\d(?![\d.,]|\s?(?:mg|g\b|mcg|IU|kg|m²|h\b|×/week))")


@pytest.mark.parametrize("theme", ["screen", "slide"])
@pytest.mark.parametrize("case_name", ["bundled", "adult"])
def test_no_label_on_a_lane_is_a_number_without_its_unit(request, case_name, theme):
    case = request.getfixturevalue(case_name)
    for name, figure in build_figures(case, FigureOptions(theme=theme)).items():
        labels = [
            str(text)
            for trace in json.loads(figure.to_json())["data"]
            if trace.get("yaxis", "y") == "y" and trace.get("name") != "Clinical course"
            for text in trace.get("text") or []
            if text
        ]
        bare = [label for label in labels if _BARE_NUMBER.search(label)]
        assert not bare, (name, bare)


def test_doses_by_surface_and_weight_show_their_mg_and_body_size(adult):
    figure = build_figure(adult)
    bars = {t.name: t for t in figure.data if t.type == "bar"}
    dex, anakinra = bars["Dexamethasone"], bars["Anakinra"]
    # 10 mg/m² at √(179 × 82 / 3600) = 2.019 m²: 20.2 mg; 2 mg/kg at 82 kg: 164 mg
    assert "10 mg/m² daily (20.2 mg at 2.02 m²)" in dex.customdata[0]
    assert (
        "BSA 2.02 m² (Mosteller) from 179 cm on Day 0 (2024-12-20 07:00) and 82 kg"
        in (dex.customdata[0])
    )
    assert "2 mg/kg bid (164 mg at 82 kg)" in anakinra.customdata[0]
    assert "weight 82 kg on Day 0 (2024-12-20 07:00)" in anakinra.customdata[0]
    assert anakinra.text[0] == "2 mg/kg bid (164 mg at 82 kg)"  # it fits: 35 days


def test_a_bar_starts_at_its_time_of_day_and_a_short_one_is_labelled_beside_it(adult):
    slide = build_figure(adult, FigureOptions(theme="slide"))
    (hydrocortisone,) = [t for t in slide.data if t.type == "bar" and t.name == "Hydrocortisone"]
    # from 2024-12-20 18:00 (Day 0.75) to the end of 2024-12-26 (Day 7)
    assert (hydrocortisone.base[0], hydrocortisone.x[0]) == (0.75, 6.25)
    # 6.25 days at 9 px a day is too short for '50 mg qid' at 14 px: written to its right
    assert hydrocortisone.text[0] == "50 mg qid"
    assert hydrocortisone.textposition[0] == "outside"
    assert hydrocortisone.outsidetextfont.color == INK  # legible beside a pale bar


def test_a_continuous_infusion_is_a_bar_labelled_with_its_rate(adult):
    # issue 14: hydrocortisone 200 mg/24h from 2025-02-10 18:00 (Day 52.75 from 2024-12-20)
    # to the end of 2025-02-11 (Day 54): a bar of 1.25 days, its rate written beside it
    figure = build_figure(adult)
    (bar,) = [t for t in figure.data if t.type == "bar" and t.name == "Hydrocortisone"]
    assert (bar.base[1], bar.x[1]) == (52.75, 1.25)
    assert bar.text[1].startswith("200 mg/24 h")
    assert "200 mg/24 h continuous, intravenous" in bar.customdata[1]
    assert "Day 52 (2025-02-10 18:00) to Day 53 (2025-02-11)" in bar.customdata[1]


def test_a_long_infusion_carries_its_rate_inside_its_bar(with_rows):
    from timeline import load_case

    case = load_case(
        with_rows("treatments", "hydrocortisone,2000-01-10,2000-02-08,200,mg/24h,continuous,iv,,")
    )
    (bar,) = [t for t in build_figure(case).data if t.type == "bar" and t.name == "Hydrocortisone"]
    assert list(bar.text) == ["200 mg/24 h continuous"]
    assert bar.textposition == "inside"


def test_a_dose_per_day_shows_its_mg_per_day_and_its_divided_doses(adult):
    # anakinra 8 mg/kg/day every 6 hours at 82 kg (2024-12-27 to 2024-12-29): 656 mg a day
    figure = build_figure(adult)
    (bar,) = [t for t in figure.data if t.type == "bar" and t.name == "Anakinra"]
    (hover,) = [h for h in bar.customdata if "mg/kg/day" in h]
    assert "8 mg/kg/day in 4 doses q6h (656 mg/day at 82 kg), intravenous" in hover
    assert "weight 82 kg on Day 0" in hover


def _lane_px(fig) -> float:
    """Pixels per lane on the lanes panel (y axis 'y': its range runs [extent, 0])."""
    layout = fig.layout
    plot = layout.height - layout.margin.t - layout.margin.b
    low, high = layout.yaxis.domain
    return (high - low) * plot / layout.yaxis.range[0]


def _labels_and_bars(fig):
    """(y its text stands on, label) of each dose label on the lanes (a pulse round's, a
    single dose's), and (y, height) of each bar there, in lanes (0 at the top)."""
    lane_px = _lane_px(fig)
    labelled = []
    for t in fig.data:
        if t.yaxis != "y" or t.type != "scatter" or t.text is None or "text" not in t.mode:
            continue
        if t.name == "Clinical course":  # the course lane's names are written on its bars
            continue
        # a text on its marker stands on the marker's top; a text alone on its point
        lift = t.marker.size / 2 / lane_px if "markers" in t.mode else 0
        labelled += [(y - lift, str(text)) for y, text in zip(t.y, t.text, strict=True) if text]
    bars = [(y, t.width) for t in fig.data if t.yaxis == "y" and t.type == "bar" for y in t.y]
    return labelled, bars


@pytest.mark.parametrize(
    ("name", "theme", "size", "days"),
    [
        ("bundled", "screen", None, 30),
        ("bundled", "slide", (960, 492), 30),
        ("adult", "journal", (252, 342), None),
    ],
)
def test_a_dose_label_stands_clear_of_the_bars_in_its_lane(request, name, theme, size, days):
    """Issue 15 item 5: a pulse's "1 g" was half hidden by the bar it stood over (its
    text stood on the marker, and the bar is taller). The label's foot must be above
    every bar of its lane."""
    case = request.getfixturevalue(name)
    window = (case.anchor_time, case.anchor_time + pd.Timedelta(days=days)) if days else None
    options = FigureOptions(window=window or (None, None), theme=theme, size=size)
    fig = build_figure(case, options)
    labelled, bars = _labels_and_bars(fig)
    assert any(text == "1 g" for _, text in labelled), "the pulse rounds are labelled"
    for foot, text in labelled:
        for bar_y, height in [(b, h) for b, h in bars if abs(b - foot) < 1]:  # its lane's
            assert foot <= bar_y - height / 2 + 1e-9, (text, foot, bar_y - height / 2)
