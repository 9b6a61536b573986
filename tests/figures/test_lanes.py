"""Treatment lanes: order, colours, doses on bars, pulses, single doses, ongoing therapy."""

from __future__ import annotations

import numpy as np
import pytest

from timeline import catalogue as cat
from timeline.figures import build_figures

from .conftest import text_of, traces_on


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


def test_ongoing_therapy_is_open_ended(timeline):
    (arrow,) = [t for t in timeline.data if t.name == "Ongoing at the end of the record"]
    assert arrow.marker.symbol == "triangle-right"
    assert arrow.x[0] == timeline.layout.xaxis.range[1]
    assert "ongoing at the end of the record" in arrow.customdata[0]


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
