"""The summary's numbers: key days, cumulative dose, response, presets, courses, criteria."""

from __future__ import annotations

import pytest

from timeline.derive.summary import (
    case_summary,
    criteria_days,
    default_treatment,
    response_to,
    response_treatments,
    treatment_courses,
    window_presets,
)


def test_summary_of_the_bundled_case(bundled):
    summary = case_summary(bundled, "ruxolitinib")
    assert (summary.age_years, summary.sex) == (11, "female")
    assert summary.diagnosis == "Systemic JIA with macrophage activation syndrome (third episode)"
    assert (summary.admission_day, summary.mas_onset_day, summary.response.start_day) == (
        0,
        3,
        24,
    )
    # hand-worked: MP 24 mg bid = 60 mg/day prednisone-equivalent on 22 days (Days 0-2,
    # 6-9, 13-16, 20-30) = 1,320; pulses 1 g × 1.25 on 9 days = 11,250; prednisone taper
    # 50×7 + 40×7 + 35×7 + 30×7 + 25×7 + 20×14 + 17.5×14 + 15×14 + 12.5×14 + 10×6 = 2,230
    assert summary.cumulative_pred_mg == pytest.approx(14_800)


def test_response_to_ruxolitinib(bundled):
    r = response_to(bundled, "ruxolitinib")
    assert (r.start_day, r.defervescence_days, r.afebrile_at_start) == (24, 2, False)
    assert (r.ferritin_before, r.ferritin_after, r.ferritin_after_day) == (15200.0, 2100.0, 31)
    assert r.ferritin_change_pct == pytest.approx((2100 - 15200) / 15200 * 100)
    assert r.fever_c == 38.0  # CLINICAL.md §3


def test_response_when_afebrile_at_the_start(bundled):
    r = response_to(bundled, "prednisone")  # taper starts Day 31, long after defervescence
    assert r.afebrile_at_start
    assert r.defervescence_days is None


def test_no_treatment_chosen_gives_no_response(bundled):
    assert case_summary(bundled, None).response is None
    assert response_to(bundled, "anakinra") is None


def test_default_treatment_is_one_the_page_offers(bundled):
    assert default_treatment(bundled) == "ruxolitinib"
    assert default_treatment(bundled) in response_treatments(bundled)
    assert not any(d in response_treatments(bundled) for d in ("prednisone", "methylprednisolone"))


def test_window_presets(bundled):
    presets = window_presets(bundled, "ruxolitinib")
    assert list(presets) == ["Whole course", "MAS episode", "Ruxolitinib course"]
    day = lambda t: (t - bundled.anchor_time).days  # noqa: E731
    # onset Day 3 − 3; the last MAS 2016 period (labs only) ends with Day 36: Day 37 + 7
    assert [day(t) for t in presets["MAS episode"]] == [0, 44]
    assert [day(t) for t in presets["Ruxolitinib course"]] == [17, 128]  # start − 7; record end


def test_courses_keep_every_dose_as_entered(bundled):
    courses = {c.drug: c for c in treatment_courses(bundled)}
    assert list(courses) == [
        "methylprednisolone",
        "prednisone",
        "ciclosporin",
        "tocilizumab",
        "ruxolitinib",
    ]  # lane order
    rux = courses["ruxolitinib"]
    assert (rux.first_day, rux.last_day) == (24, 113)
    assert [(d.amount, d.unit, d.frequency) for d in rux.doses] == [
        (5.0, "mg", "twice daily"),
        (10.0, "mg", "twice daily"),
    ]
    assert courses["prednisone"].last_day is None  # ongoing at the end of the record
    assert [d.single for d in courses["tocilizumab"].doses] == [True, True]
    mp = courses["methylprednisolone"]
    assert (mp.pulse_days, {(d.amount, d.unit) for d in mp.pulses}) == (9, {(1.0, "g")})


def test_criteria_runs_are_first_and_last_day(bundled):
    # worked by hand in tests/derive/test_criteria.py
    runs = criteria_days(bundled)
    assert (runs.met, runs.labs_only, runs.labs) == (((3, 27),), ((28, 36),), ((3, 36),))
