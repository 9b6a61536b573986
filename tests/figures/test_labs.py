"""Lab panels: values as in the case, out-of-range points, gaps, reference ranges."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.figures import FigureOptions, build_figure
from timeline.figures.theme import OUT_OF_RANGE

from .conftest import marker_points, panel_axis, text_of, traces_on


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
    # each dotted piece spans more than 7 days (positions travel as float32: to a second)
    assert (gaps[::2] > 7 - 1e-4).all()


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


# --- numbers shown honestly: fever, precision, units, one-sided bands, default ranges ------

ADULT = Path(__file__).resolve().parents[2] / "data" / "adult-aosd-mas"


@pytest.fixture(scope="module")
def adult():
    return load_case(ADULT)


def _marker_traces(fig, label: str) -> list:
    return [t for t in traces_on(fig, panel_axis(fig, label)) if t.mode == "markers"]


@pytest.mark.parametrize("which", ["girl", "adult"])
def test_fever_is_drawn_and_named_like_an_out_of_range_result(bundled, adult, which):
    # regression: 40.1 °C was drawn as an in-range point with no flag in the hover
    case = bundled if which == "girl" else adult
    fig = build_figure(case, FigureOptions(labs=("temperature",)))
    traces = _marker_traces(fig, "Temperature")
    (fever,) = [t for t in traces if t.name == "fever"]
    assert 40.1 in list(fever.y)
    assert all(y >= 38.0 for y in fever.y)  # fever ≥ 38.0 °C
    (within,) = [t for t in traces if t.name == "within reference range"]
    assert all(y < 38.0 for y in within.y)
    # the same marker as an out-of-range result, and the hover says so
    assert (fever.marker.color, fever.marker.size) == (OUT_OF_RANGE, within.marker.size + 2)
    assert "<b>FEVER</b> (≥ 38.0 °C)" in fever.hovertemplate
    assert "FEVER" not in within.hovertemplate


def test_a_converted_value_is_shown_to_its_entered_precision(adult):
    # regression: '61.7876 U/L' from 1.03 µkat/L. 1.03 / 0.01667 = 61.7876 → 3 figures: 61.8
    fig = build_figure(adult, FigureOptions(labs=("ast",)))
    (high,) = [t for t in _marker_traces(fig, "AST") if t.name == "outside reference range (high)"]
    k = [round(y, 4) for y in high.y].index(61.7876)  # the point is drawn at its exact value
    shown = [str(part) for part in high.customdata[k]]
    assert shown[:2] == ["61.8", " (entered 1.03 µkat/L)"]
    assert high.hovertemplate.startswith("<b>AST</b> %{customdata[0]} U/L%{customdata[1]} <b>HIGH")
    assert "61.7876" not in text_of(high)


def test_a_reports_converted_range_is_shown_to_its_entered_precision(tmp_path):
    # regression: '10.2–50.99'. 0.17 and 0.85 µkat/L are 10.198 and 50.99 U/L: 2 figures each
    folder = tmp_path / "adult"
    shutil.copytree(ADULT, folder)
    with (folder / "labs.csv").open("a", encoding="utf-8") as f:
        f.write("2025-01-08 07:00,AST,1.00,µkat/L,0.17,0.85,report range\n")
    fig = build_figure(load_case(folder), FigureOptions(labs=("ast",)))
    hover = " ".join(text_of(t) for t in _marker_traces(fig, "AST"))
    assert "reference 10–51 U/L (report)" in hover
    assert "reference 8–48 U/L (default, adult male)" in hover
    assert "50.99" not in hover


@pytest.mark.parametrize("which", ["girl", "adult"])
def test_units_are_typeset_in_panel_titles_and_hovers(bundled, adult, which):
    # regression: units printed as '10^9/L'
    fig = build_figure(bundled if which == "girl" else adult, FigureOptions(labs=("platelets",)))
    titles = [a.text for a in fig.layout.annotations if a.yref.endswith("domain")]
    assert "<b>Platelets (×10⁹/L)</b>" in titles
    hover = " ".join(text_of(t) for t in _marker_traces(fig, "Platelets"))
    assert "×10⁹/L" in hover
    assert "10^9" not in hover


def test_a_one_sided_band_on_a_log_axis_is_on_the_normal_side(with_rows):
    # regression: IL-18 '< 477 pg/mL' was drawn from half the lowest value (6,000) down to
    # 477: above the limit, on the abnormal side. Values 12,000 and 45,000 pg/mL: the axis
    # runs from 10^(log10 477 − 0.15) = 337.7 to 10^(log10 45000 + 0.15); the band from
    # that bottom up to 477.
    case = load_case(
        with_rows(
            "labs", "2000-01-05 07:00,il18,12000,pg/mL,,,", "2000-01-09 07:00,il18,45000,pg/mL,,,"
        )
    )
    fig = build_figure(case, FigureOptions(labs=("il18",)))
    y = panel_axis(fig, "IL-18")
    assert fig.layout[y.replace("y", "yaxis")].type == "log"
    (band,) = [s for s in fig.layout.shapes if s.type == "rect" and s.yref == y]
    assert band.y1 == 477
    assert band.y0 == pytest.approx(477 / 10**0.15)
    assert band.y0 < band.y1


def test_a_lower_limit_band_runs_up_to_the_top_of_the_axis():
    from timeline.figures.labs import _band

    # log axis from 10^1 to 10^3: '> 35' covers 35 to 1000; '< 5' on a linear 0–20 axis, 0 to 5
    assert _band(35.0, float("nan"), [1.0, 3.0], log=True) == pytest.approx((35.0, 1000.0))
    assert _band(float("nan"), 5.0, [0.0, 20.0], log=False) == (0.0, 5.0)
    assert _band(float("nan"), float("nan"), [0.0, 20.0], log=False) is None


@pytest.mark.parametrize(
    ("which", "label", "band", "origin"),
    [
        # adult men: AST 8–48, ALT 7–55, ferritin 30–400, haemoglobin 130–170 U/L, ng/mL, g/L
        ("adult", "AST", (8, 48), "(default, adult male)"),
        ("adult", "ALT", (7, 55), "(default, adult male)"),
        ("adult", "Ferritin", (30, 400), "(default, adult male)"),
        ("adult", "Haemoglobin", (130, 170), "(default, adult male)"),
        # the girl: the children's table (labs.csv)
        ("girl", "AST", (15, 45), "(default, child)"),
        ("girl", "ALT", (7, 40), "(default, child)"),
        ("girl", "Ferritin", (10, 140), "(default, child)"),
        ("girl", "Haemoglobin", (115, 155), "(default, child)"),
    ],
)
def test_bands_are_the_defaults_for_the_patients_age_and_sex(
    bundled, adult, which, label, band, origin
):
    # regression: an adult man's labs were banded with the adolescent girl's ranges
    case = bundled if which == "girl" else adult
    fig = build_figure(case, FigureOptions(labs=("ferritin", "ast", "alt", "haemoglobin")))
    y = panel_axis(fig, label)
    (rect,) = [s for s in fig.layout.shapes if s.type == "rect" and s.yref == y]
    assert (rect.y0, rect.y1) == band
    hover = " ".join(text_of(t) for t in _marker_traces(fig, label))
    assert f"reference {band[0]}–{band[1]}" in hover
    assert origin in hover


def test_the_adult_mans_alt_is_flagged_against_the_adult_range(adult):
    # 0.85 µkat/L = 50.99 U/L: within 7–55 (adult man), it was HIGH against 7–40 (child)
    fig = build_figure(adult, FigureOptions(labs=("alt",)))
    (within,) = [t for t in _marker_traces(fig, "ALT") if t.name == "within reference range"]
    assert 0.85 / 0.01667 in list(within.y)
