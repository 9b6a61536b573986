"""The summary's text: one function per fact, shared by the page header and the slide."""

from __future__ import annotations

import pytest

from timeline.derive.summary import Course, Dose, Response, case_summary, response_to
from timeline.wording import (
    course_text,
    criteria_text,
    doses_text,
    patient_text,
    response_text,
    summary_lines,
    summary_table,
)


def test_summary_lines_of_the_bundled_case(bundled):
    summary = case_summary(bundled, "ruxolitinib")
    assert patient_text(summary) == (
        "11-year-old, female: Systemic JIA with macrophage activation syndrome (third episode)"
    )
    lines = summary_lines(summary)
    assert lines[0] == patient_text(summary)
    assert lines[1] == "Admission Day 0 · MAS onset Day 3 · Ruxolitinib start Day 24"
    assert "14,800 mg prednisone-equivalent" in lines[2]


def test_response_line_when_afebrile_at_the_start(bundled):
    assert "afebrile at the start" in summary_lines(case_summary(bundled, "prednisone"))[-1]


def test_no_treatment_chosen_gives_no_response_line(bundled):
    lines = summary_lines(case_summary(bundled, None))
    assert not any(line.startswith("After ") for line in lines)
    assert not any(what.startswith("Response to") for what, _ in summary_table(bundled, None))


@pytest.mark.parametrize("treatment", ["ruxolitinib", "ciclosporin", "prednisone"])
def test_slide_and_page_write_the_response_with_the_same_text(bundled, treatment):
    response = case_summary(bundled, treatment).response
    assert response == response_to(bundled, treatment)
    text = response_text(response)
    label = treatment.capitalize()
    assert summary_table(bundled, treatment)[-1] == (f"Response to {label}", text)
    day = response.start_day
    assert (
        summary_lines(case_summary(bundled, treatment))[-1] == f"After {label} (Day {day}): {text}"
    )


def test_response_text_of_ruxolitinib(bundled):
    assert response_text(response_to(bundled, "ruxolitinib")) == (
        "afebrile (< 38.0 °C) from 2 days after the start; "
        "ferritin 15,200 → 2,100 ng/mL (-86 %) by Day 31"
    )


def test_response_text_without_defervescence_or_ferritin():
    r = Response("anakinra", 3, 38.0, None, False, None, None, None, None)
    assert response_text(r) == "no sustained defervescence recorded"


def test_summary_table_of_the_bundled_case(bundled):
    rows = dict(summary_table(bundled, "ruxolitinib"))
    assert rows["Day 0"] == "admission"
    assert rows["MAS onset"] == "Day 3"
    assert rows["Ruxolitinib"] == "Day 24 to Day 113: 5 mg bid → 10 mg bid"
    assert rows["Methylprednisolone"] == "Day 0 to Day 30: 24 mg bid; pulses 1 g on 9 days"
    assert rows["Tocilizumab"] == "Day 5 to Day 19: 288 mg ×2"
    assert rows["Cumulative glucocorticoid"].startswith("14,800 mg prednisone-equivalent")
    assert rows["MAS 2016 criteria met by labs"] == "Day 3 to Day 34"


def test_doses_are_written_once_in_order_with_the_count_of_single_doses():
    doses = [
        Dose(288.0, "mg", "once", True),
        Dose(5.0, "mg", "twice daily", False),
        Dose(5.0, "mg", "twice daily", False),
        Dose(288.0, "mg", "once", True),
    ]
    assert doses_text(doses) == "288 mg ×2 → 5 mg bid"


def test_course_text_of_an_ongoing_course_of_pulses_only():
    pulse = Dose(1.0, "g", "daily", False)
    course = Course("methylprednisolone", 2, None, (), (pulse, pulse), 3)
    assert course_text(course) == "from Day 2, ongoing: pulses 1 g on 3 days"


@pytest.mark.parametrize(
    ("runs", "text"),
    [([], "not met on any lab day"), ([(3, 3), (5, 9)], "Day 3, Day 5 to Day 9")],
)
def test_criteria_text(runs, text):
    assert criteria_text(runs) == text


def test_cumulative_glucocorticoid_names_its_days_the_taper_and_the_weights(bundled):
    # issue 13: "Cumulative glucocorticoid 14,800 mg" said neither over which days nor that
    # the taper was still going nor which weights. Hand-worked per kg: 13,680 mg to Day 59
    # (2000-02-29) at 36 kg = 380.0 mg/kg; from Day 60, weighed 38.5 kg on Day 59: prednisone
    # 25×6 + 20×14 + 17.5×14 + 15×14 + 12.5×14 + 10×6 = 1,120 mg / 38.5 = 29.1; total 409
    text = dict(summary_table(bundled, None))["Cumulative glucocorticoid"]
    assert text == (
        "14,800 mg prednisone-equivalent, Day 0 to Day 127 "
        "(taper ongoing at the end of the record); "
        "409 mg/kg by each day's weight: 36 kg (Day 0), 38.5 kg (Day 59)"
    )
    assert summary_lines(case_summary(bundled, None))[2] == f"Cumulative glucocorticoid {text}"


def test_cumulative_glucocorticoid_of_the_adult_case(adult):
    # hydrocortisone 12.5 (one dose from 18:00) + 50 × 6; MP pulses 1,250 × 3; dexamethasone
    # 20.19 mg × 6.667 × 14 + 10.10 mg × 6.667 × 14; prednisolone 40 × 14 + 20 × 14 + 10 × 10
    # (Day 66 to Day 75, the end of the record) = 7,830 mg, from Day 0 to Day 75
    text = dict(summary_table(adult, None))["Cumulative glucocorticoid"]
    assert text.startswith(
        "7,830 mg prednisone-equivalent, Day 0 to Day 75 (taper ongoing at the end of the record)"
    )
    assert text.endswith("by each day's weight: 82 kg (Day 0), 79 kg (Day 33)")  # 2025-01-22


def test_courses_by_surface_and_weight_give_mg_and_the_body_size_used(adult):
    rows = dict(summary_table(adult, None))
    # 10 mg/m² and 5 mg/m² at √(179 × 82 / 3600) = 2.019 m²: 20.2 and 10.1 mg
    assert rows["Dexamethasone"] == (
        "Day 10 to Day 37: 10 mg/m² daily (20.2 mg at 2.02 m²) → "
        "5 mg/m² daily (10.1 mg at 2.02 m²); "
        "BSA 2.02 m² (Mosteller) from 179 cm on Day 0 and 82 kg on Day 0"
    )
    assert rows["Anakinra"] == (
        "from Day 7, ongoing: 2 mg/kg bid (164 mg at 82 kg) → 100 mg daily; weight 82 kg on Day 0"
    )
    assert rows["Etoposide"].startswith("Day 13 to Day 20: 150 mg/m² (303 mg at 2.02 m²) ×2")


def test_no_glucocorticoid_is_said_so():
    from timeline.derive.summary import Cumulative, Summary
    from timeline.wording import glucocorticoid_text

    none = Cumulative(0.0, None, None, None, False, False, ())
    summary = Summary(None, "", "", None, None, none, None)
    assert glucocorticoid_text(summary) == "0 mg prednisone-equivalent (no glucocorticoid recorded)"
