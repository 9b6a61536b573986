"""The summary's text: one function per fact, shared by the page header and the slide."""

from __future__ import annotations

import pytest

from timeline import load_case
from timeline.datasets import bundled_case_path
from timeline.derive.summary import (
    Course,
    CriteriaRuns,
    Dose,
    Response,
    case_summary,
    response_to,
)
from timeline.wording import (
    course_text,
    criteria_line,
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
    # the days the figure shades (tests/derive/test_criteria.py); regression: "Day 3 to
    # Day 34" beside shading to Day 38, neither needing fever
    assert rows["MAS 2016 criteria"] == (
        "met (fever + labs): Day 3 to Day 27; laboratory criteria only: Day 28 to Day 36"
    )


def test_summary_table_of_the_adult_case():
    adult = load_case(bundled_case_path("adult-aosd-mas"))
    rows = dict(summary_table(adult, None))
    assert rows["MAS 2016 criteria"] == (
        "met (fever + labs): Day 7 to Day 11; laboratory criteria only: "
        "Day 12 to Day 16, Day 18 to Day 20, Day 23 to Day 25"
    )


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
    [
        (CriteriaRuns((), (), (), True), "not met on any day with labs"),
        (
            CriteriaRuns(((3, 3), (5, 9)), (), ((3, 3), (5, 9)), True),
            "met (fever + labs): Day 3, Day 5 to Day 9",
        ),
        (
            CriteriaRuns((), ((12, 16),), ((12, 16),), True),
            "met (fever + labs): no day; laboratory criteria only: Day 12 to Day 16",
        ),
        (
            CriteriaRuns(((3, 36),), (), ((3, 36),), False),
            "met by labs (fever not recorded): Day 3 to Day 36",
        ),
    ],
)
def test_criteria_text(runs, text):
    assert criteria_text(runs) == text
    assert criteria_line(runs) == f"MAS 2016 criteria {text}"
