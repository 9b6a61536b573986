"""The summary's text: one function per fact, shared by the page header and the slide."""

from __future__ import annotations

import pytest

from timeline import load_case
from timeline.datasets import bundled_case_path
from timeline.derive.summary import (
    Course,
    CriteriaRuns,
    Dose,
    FerritinValue,
    FeverCourse,
    Response,
    case_summary,
    default_treatment,
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


@pytest.fixture(scope="module")
def adult():
    return load_case(bundled_case_path("adult-aosd-mas"))


def test_response_text_of_ruxolitinib(bundled):
    # Day 24 start; afebrile Jan 27-28 = Day 26; 14,800 (Day 23) → 2,100 (Day 31):
    # (2,100 - 14,800) / 14,800 = -85.8 %
    assert response_text(response_to(bundled, "ruxolitinib")) == (
        "afebrile (< 38.0 °C for 48 h or more) from Day 26, 2 days after the start; "
        "ferritin 14,800 ng/mL on Day 23 → 2,100 ng/mL on Day 31 (-86 %)"
    )


def test_response_text_reports_a_later_fever_as_a_recurrence(adult):
    # regression: "afebrile from 53 days after the start": the influenza fever of Day 52
    # had reset the count; 28,400 (Day 6) → 12,100 (Day 14) = -57.4 %
    assert response_text(response_to(adult, "anakinra")) == (
        "afebrile (< 38.0 °C for 48 h or more) from Day 10, 3 days after the start; "
        "fever (≥ 38.0 °C) again on Day 52 (Influenza A fever); "
        "ferritin 28,400 ng/mL on Day 6 → 12,100 ng/mL on Day 14 (-57 %)"
    )


def test_the_adult_summary_describes_ruxolitinib_not_the_antiviral(adult):
    # regression: the default was valganciclovir, started last (2025-01-18)
    treatment = default_treatment(adult)
    rows = dict(summary_table(adult, treatment))
    assert "Response to Valganciclovir" not in rows
    # ruxolitinib from 2025-01-16 = Day 27, afebrile since Day 10; ferritin 1,600 on Jan 15
    # (Day 26) → 760 on Jan 23 (Day 34): -840 / 1,600 = -52.5 %, a half rounded away from 0
    assert rows["Response to Ruxolitinib"] == (
        "afebrile at the start (< 38.0 °C); fever (≥ 38.0 °C) again on Day 52 "
        "(Influenza A fever); ferritin 1,600 ng/mL on Day 26 → 760 ng/mL on Day 34 (-53 %)"
    )
    lines = summary_lines(case_summary(adult, treatment))
    assert "Ruxolitinib start Day 27" in lines[1]
    assert lines[-1].startswith("After Ruxolitinib (Day 27): afebrile at the start")


def _response(before: FerritinValue | None, after: FerritinValue | None, **fever) -> Response:
    course = {
        "threshold_c": 38.0,
        "recorded": True,
        "afebrile_at_start": False,
        "defervescence_day": None,
        "defervescence_days": None,
        "recurrence_day": None,
        "recurrence_event": None,
    }
    return Response("anakinra", 7, FeverCourse(**{**course, **fever}), 7, "ng/mL", before, after)


def test_a_censored_ferritin_is_written_as_a_bound_never_as_a_change():
    r = _response(FerritinValue(40000.0, ">", 7), FerritinValue(12100.0, "", 14))
    assert r.ferritin_change_pct is None
    assert response_text(r) == (
        "no sustained defervescence recorded; ferritin > 40,000 ng/mL on Day 7 → "
        "12,100 ng/mL on Day 14 (no % change: a value beyond the assay's range)"
    )
    r = _response(FerritinValue(3200.0, "", 0), FerritinValue(40000.0, ">=", 7))
    assert "3,200 ng/mL on Day 0 → ≥ 40,000 ng/mL on Day 7 (no % change" in response_text(r)


def test_response_text_without_defervescence_or_ferritin():
    assert response_text(_response(None, None)) == "no sustained defervescence recorded"
    assert response_text(_response(None, None, recorded=False)) == (
        "no temperature recorded after the start"
    )


def test_response_text_with_one_ferritin_only():
    only_before = _response(FerritinValue(28400.0, "", 6), None)
    assert response_text(only_before).endswith(
        "ferritin 28,400 ng/mL on Day 6; none drawn 7 days or more after the start"
    )
    only_after = _response(None, FerritinValue(12100.0, "", 14))
    assert response_text(only_after).endswith(
        "ferritin 12,100 ng/mL on Day 14; none drawn before the start"
    )


def test_defervescence_on_the_start_day_and_one_day_after():
    same_day = _response(None, None, defervescence_day=7, defervescence_days=0)
    assert response_text(same_day) == (
        "afebrile (< 38.0 °C for 48 h or more) from Day 7, on the start day"
    )
    next_day = _response(None, None, defervescence_day=8, defervescence_days=1)
    assert response_text(next_day).endswith("from Day 8, 1 day after the start")


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


def test_doses_are_written_in_order_with_the_count_of_single_doses_in_a_row():
    doses = [
        Dose(288.0, "mg", "once", True),
        Dose(288.0, "mg", "once", True),
        Dose(5.0, "mg", "twice daily", False),
        Dose(5.0, "mg", "twice daily", False),
        Dose(288.0, "mg", "once", True),
    ]
    # the last infusion comes after the 5 mg course: written where it was given
    assert doses_text(doses) == "288 mg ×2 → 5 mg bid → 288 mg"


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
    # (Day 66 to Day 75, the end of the record) = 7,829.6 mg; and (issue 14) hydrocortisone
    # 200 mg/24h from 2025-02-10 18:00 to the end of 2025-02-11: 6 h + 24 h = 250 mg × 0.25
    # = 62.5 mg: 7,892 mg, from Day 0 to Day 75
    text = dict(summary_table(adult, None))["Cumulative glucocorticoid"]
    assert text.startswith(
        "7,892 mg prednisone-equivalent, Day 0 to Day 75 (taper ongoing at the end of the record)"
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
    # issue 14: the case opens with IV anakinra 8 mg/kg/day q6h at 82 kg (656 mg/day, Dec 27-29)
    assert rows["Anakinra"] == (
        "from Day 7, ongoing: 8 mg/kg/day in 4 doses q6h (656 mg/day at 82 kg) → "
        "2 mg/kg bid (164 mg at 82 kg) → 100 mg daily; weight 82 kg on Day 0"
    )
    assert rows["Etoposide"].startswith("Day 13 to Day 20: 150 mg/m² (303 mg at 2.02 m²) ×2")


def test_no_glucocorticoid_is_said_so():
    from timeline.derive.summary import Cumulative, Summary
    from timeline.wording import glucocorticoid_text

    none = Cumulative(0.0, None, None, None, False, False, ())
    summary = Summary(None, "", "", None, None, none, None)
    assert glucocorticoid_text(summary) == "0 mg prednisone-equivalent (no glucocorticoid recorded)"


def test_a_return_to_an_earlier_dose_is_written_again():
    # regression: '10 → 5 → 10' was written '10 → 5', as if the course ended on 5 mg
    from timeline.wording import doses_text

    def dose(mg: float) -> Dose:
        return Dose(mg, "mg", "daily", False, mg)

    assert doses_text([dose(10), dose(5), dose(10)]) == "10 mg daily → 5 mg daily → 10 mg daily"
