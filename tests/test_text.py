"""How a dose is written: the same text on the figure, the page and the slides."""

from __future__ import annotations

import math

import pytest

from timeline.text import (
    body_size_text,
    dose_labels,
    dose_text,
    first_fitting,
    mg_text,
    short_frequency,
    significant,
)


@pytest.mark.parametrize(
    ("dose", "unit", "frequency", "single", "text"),
    [
        (10, "mg", None, False, "10 mg"),
        (10, "mg", "twice daily", False, "10 mg bid"),
        (1, "g", "daily", False, "1 g daily"),
        (288, "mg", "once", True, "288 mg"),  # a single administration has no frequency
        (0.5, "mg/kg", "every 2 weeks", False, "0.5 mg/kg q2w"),
        (8, "mg/kg", "every 17 days", False, "8 mg/kg every 17 days"),  # unknown: as entered
    ],
)
def test_dose_text(dose, unit, frequency, single, text):
    assert dose_text(dose, unit, frequency, single) == text


def test_mg_text_switches_to_grams_from_1_g():
    assert [mg_text(mg) for mg in (500, 999.5, 1000, 1500)] == [
        "500 mg",
        "999.5 mg",
        "1 g",
        "1.5 g",
    ]


def test_short_frequency_keeps_what_the_catalogue_does_not_know():
    assert short_frequency("three times daily") == "tid"
    assert short_frequency("at night") == "at night"


@pytest.mark.parametrize(
    ("args", "text"),
    [
        # adult case: 10 mg/m² at √(179 × 82 / 3600) = 2.0192 m² = 20.19 mg (3 figures: 20.2)
        ((10, "mg/m2", "daily", False, 20.192, 2.0192), "10 mg/m² daily (20.2 mg at 2.02 m²)"),
        ((2, "mg/kg", "twice daily", False, 164.0, 82.0), "2 mg/kg bid (164 mg at 82 kg)"),
        ((150, "mg/m2", "once", True, 302.88, 2.0192), "150 mg/m² (303 mg at 2.02 m²)"),
        ((30, "mg/kg", "daily", False, 1080.0, 36.0), "30 mg/kg daily (1.08 g at 36 kg)"),
        ((500, "ug/kg", "daily", False, 19.25, 38.5), "500 mcg/kg daily (19.3 mg at 38.5 kg)"),
        ((2, "IU/kg", "daily", False, math.nan, 82.0), "2 IU/kg daily (164 IU at 82 kg)"),
        ((2, "mg/kg", "daily", False, math.nan, math.nan), "2 mg/kg daily (no weight recorded)"),
        ((10, "mg", "twice daily", False, 10.0, math.nan), "10 mg bid"),  # in mg: nothing added
    ],
)
def test_dose_text_gives_the_mg_of_a_dose_by_weight_or_surface(args, text):
    assert dose_text(*args) == text


def test_dose_labels_always_carry_their_unit():
    assert dose_labels(10, "mg/m2", "daily", False, 20.192, 2.0192) == (
        "10 mg/m² daily (20.2 mg at 2.02 m²)",
        "10 mg/m² daily",
        "10 mg/m²",
    )
    # '50 mg' would read as the daily dose of 50 mg twice daily: never shortened to it
    assert dose_labels(50, "mg", "twice daily", False) == ("50 mg bid",)


def test_body_size_text_names_the_size_and_when_it_was_measured():
    assert body_size_text("kg", 82.0, "Day 0") == "weight 82 kg on Day 0"
    assert body_size_text("m2", 82.0, "Day 0", 179.0, "Day -3", 2.0192) == (
        "BSA 2.02 m² (Mosteller) from 179 cm on Day -3 and 82 kg on Day 0"
    )
    assert body_size_text("", 82.0, "Day 0") == ""


@pytest.mark.parametrize(("value", "rounded"), [(20.192, 20.2), (164.0, 164.0), (1234.5, 1230.0)])
def test_three_significant_figures(value, rounded):
    assert significant(value) == rounded


def test_first_fitting_label_or_none():
    labels = ("10 mg/m² daily", "10 mg/m²")
    # 0.62 em a character at 10 px plus 12 px padding: 14 characters need 98.8 px
    assert first_fitting(labels, 99, 10) == "10 mg/m² daily"
    assert first_fitting(labels, 98, 10) == "10 mg/m²"
    assert first_fitting(labels, 10, 10) == ""


# issue 14: doses per day say into how many doses they are divided; a rate is written as one
@pytest.mark.parametrize(
    ("args", "text"),
    [
        # 8 mg/kg/day in four doses at 82 kg: 656 mg a day
        (
            (8, "mg/kg/day", "every 6 hours", False, 656.0, 82.0),
            "8 mg/kg/day in 4 doses q6h (656 mg/day at 82 kg)",
        ),
        # a daily total given daily needs no 'daily'; 10 mg/m²/day at 2.0192 m² = 20.2 mg/day
        (
            (10, "mg/m2/day", "daily", False, 20.192, 2.0192),
            "10 mg/m²/day (20.2 mg/day at 2.02 m²)",
        ),
        # IVIG 0.5 g/kg daily at 82 kg: 41 g
        ((0.5, "g/kg", "daily", False, 41_000.0, 82.0), "0.5 g/kg daily (41 g at 82 kg)"),
        ((200, "mg/24h", "continuous", False, 200.0, math.nan), "200 mg/24 h continuous"),
        # 1 mg/kg/h at 82 kg: 82 mg an hour
        (
            (1, "mg/kg/h", "continuous", False, 82.0, 82.0),
            "1 mg/kg/h continuous (82 mg/h at 82 kg)",
        ),
        ((400, "mg/day", "twice daily", False, 400.0, math.nan), "400 mg/day in 2 doses bid"),
        ((960, "mg", "three times weekly", False, 960.0, math.nan), "960 mg 3×/week"),
        ((3, "mg/kg", "every 3 days", False, 246.0, 82.0), "3 mg/kg q3d (246 mg at 82 kg)"),
        # a daily total on a less than daily schedule keeps its schedule
        (
            (10, "mg/kg/day", "three times weekly", False, 820.0, 82.0),
            "10 mg/kg/day 3×/week (820 mg/day at 82 kg)",
        ),
        # once: 30 mg/kg/day at 36 kg = 1.08 g on its day
        ((30, "mg/kg/day", "once", True, 1080.0, 36.0), "30 mg/kg/day (1.08 g/day at 36 kg)"),
    ],
)
def test_dose_text_of_doses_per_day_and_rates(args, text):
    assert dose_text(*args) == text


def test_labels_of_a_rate_and_a_daily_total_may_drop_their_schedule():
    # the unit says when: '200 mg/24 h' and '8 mg/kg/day' cannot be read as one dose
    assert dose_labels(200, "mg/24h", "continuous", False, 200.0, math.nan) == (
        "200 mg/24 h continuous",
        "200 mg/24 h",
    )
    assert dose_labels(8, "mg/kg/day", "every 6 hours", False, 656.0, 82.0) == (
        "8 mg/kg/day in 4 doses q6h (656 mg/day at 82 kg)",
        "8 mg/kg/day (656 mg/day at 82 kg)",
        "8 mg/kg/day in 4 doses q6h",
        "8 mg/kg/day",
    )
    # ... but '960 mg' for 960 mg three times weekly would read as a daily dose
    assert dose_labels(960, "mg", "three times weekly", False) == ("960 mg 3×/week",)


@pytest.mark.parametrize(
    ("unit", "text"),
    [("mg/m2/day", "mg/m²/day"), ("mg/24h", "mg/24 h"), ("ug/kg", "mcg/kg"), ("g/kg", "g/kg")],
)
def test_dose_units_are_typeset(unit, text):
    from timeline.text import dose_unit_text

    assert dose_unit_text(unit) == text
