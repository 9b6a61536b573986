"""The summary's numbers: key days, cumulative dose, response, presets, courses, criteria."""

from __future__ import annotations

import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.datasets import bundled_case_path
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
    assert summary.cumulative.pred_mg == pytest.approx(14_800)


@pytest.fixture(scope="module")
def adult():
    return load_case(bundled_case_path("adult-aosd-mas"))


def test_response_to_ruxolitinib(bundled):
    r = response_to(bundled, "ruxolitinib")
    # start 2000-01-25 = Day 24; 39.7 (Jan 25), 38.6 (Jan 26), then 37.4 and 37.1 on
    # Jan 27-28: the 48 h from Jan 27 00:00 are afebrile, Day 26 = 2 days after the start
    assert (r.start_day, r.fever.afebrile_at_start) == (24, False)
    assert (r.fever.defervescence_day, r.fever.defervescence_days) == (26, 2)
    assert r.fever.recurrence_day is None  # no fever recorded after it
    # the last ferritin before the start: 14,800 on Jan 24 (Day 23; the 15,200 drawn on
    # the start day is not before a start given without a time of day); the first on or
    # after Jan 25 + 7 = Feb 1: 2,100 (Day 31)
    assert (r.ferritin_before.value, r.ferritin_before.day) == (14800.0, 23)
    assert (r.ferritin_after.value, r.ferritin_after.day) == (2100.0, 31)
    assert r.ferritin_change_pct == pytest.approx((2100 - 14800) / 14800 * 100)
    assert r.fever.threshold_c == 38.0  # standard clinical knowledge: fever ≥ 38.0 °C
    assert (r.ferritin_unit, r.horizon_days) == ("ng/mL", 7)


def test_a_later_unrelated_fever_is_a_recurrence_not_a_later_defervescence(adult):
    # regression: "afebrile from 53 days after the start" for a patient afebrile from
    # day 3 after it; the influenza fever seven weeks later reset the count
    r = response_to(adult, "anakinra")
    # Day 0 = 2024-12-20; anakinra from 2024-12-27 = Day 7; 39.8, 39.1, 38.6 on Dec 27-29;
    # 37.9 (Dec 30) and 37.4 (Dec 31): Dec 30 begins 48 h below 38.0 = Day 10, 3 days after
    assert (r.start_day, r.fever.afebrile_at_start) == (7, False)
    assert (r.fever.defervescence_day, r.fever.defervescence_days) == (10, 3)
    # influenza A 39.2 °C on 2025-02-10: 11 days to Dec 31 + 31 in January + 10 = Day 52
    assert (r.fever.recurrence_day, r.fever.recurrence_event) == (52, "Influenza A fever")
    # ferritin: 28,400 on Dec 26 (Day 6; the '> 40000' of Dec 27 07:00 is on the start
    # day, not before it) → first on or after Jan 3: 12,100 (Day 14), -57.4 %
    assert (r.ferritin_before.value, r.ferritin_before.day) == (28400.0, 6)
    assert (r.ferritin_after.value, r.ferritin_after.day) == (12100.0, 14)
    assert r.ferritin_change_pct == pytest.approx((12100 - 28400) / 28400 * 100)
    assert r.ferritin_unit == "ng/mL"  # entered in µg/L: written in the panel's unit


def test_an_evening_start_counts_from_the_next_day_and_a_censored_ferritin_has_no_change(adult):
    r = response_to(adult, "hydrocortisone")  # from 2024-12-20 18:00, Day 0
    # the first day to begin after 18:00 is Dec 21; daily maxima stay ≥ 38.0 to Dec 29,
    # and Dec 30-31 are below: Day 10, 10 days after the start day
    assert (r.fever.defervescence_day, r.fever.defervescence_days) == (10, 10)
    # 3,200 at 07:00 on the start day was drawn before 18:00; Dec 20 + 7 = Dec 27:
    # '> 40000', a value beyond the assay's range, kept with its comparator
    assert (r.ferritin_before.value, r.ferritin_before.qualifier) == (3200.0, "")
    after = r.ferritin_after
    assert (after.value, after.qualifier, after.day, after.censored) == (40000.0, ">", 7, True)
    assert r.ferritin_change_pct is None  # never an exact change from a censored value


def test_afebrile_at_the_start_still_reports_a_recurrence(adult):
    r = response_to(adult, "ruxolitinib")  # 2025-01-16 = Day 27; last reading Jan 12 36.7
    assert r.fever.afebrile_at_start
    assert (r.fever.defervescence_day, r.fever.defervescence_days) == (None, None)
    assert r.fever.recurrence_day == 52
    # Jan 15 1,600 (Day 26) → first on or after Jan 23: 760 (Day 34)
    assert (r.ferritin_before.day, r.ferritin_after.day) == (26, 34)


def _without(text: str, line: str) -> str:
    assert line in text
    return text.replace(line + "\n", "")


def test_defervescence_needs_a_reading_on_each_of_its_two_days(bundled, case_folder):
    labs = (bundled_case_path() / "labs.csv").read_text(encoding="utf-8")
    folder = case_folder(labs=_without(labs, "2000-01-28,temperature,37.1,°C,,,daily maximum"))
    r = response_to(load_case(folder), "ruxolitinib")
    # no reading on Jan 28: Jan 27 no longer qualifies; Jan 29 (36.9) and Jan 30 (36.8) do
    # = Day 28, 4 days after the Day 24 start
    assert (r.fever.defervescence_day, r.fever.defervescence_days) == (28, 4)


def test_the_48_hours_end_at_midnight_two_days_later(bundled, with_rows):
    folder = with_rows("labs", "2000-01-29 00:00,temperature,38.5,°C,,,")
    r = response_to(load_case(folder), "ruxolitinib")
    # Jan 27 00:00 to Jan 29 00:00 stays below 38.0: still Day 26; the 38.5 at Jan 29
    # 00:00 falls outside those 48 h and is a recurrence on Day 28
    assert (r.fever.defervescence_day, r.fever.recurrence_day) == (26, 28)


def test_without_temperatures_nothing_is_claimed(case_folder):
    labs = (bundled_case_path() / "labs.csv").read_text(encoding="utf-8").splitlines()
    kept = [line for line in labs if ",temperature," not in line]
    r = response_to(load_case(case_folder(labs="\n".join(kept) + "\n")), "ruxolitinib")
    assert not r.fever.recorded
    assert (r.fever.afebrile_at_start, r.fever.defervescence_day) == (False, None)


def test_response_when_afebrile_at_the_start(bundled):
    r = response_to(bundled, "prednisone")  # taper starts Day 31, long after defervescence
    assert r.fever.afebrile_at_start
    assert r.fever.defervescence_day is None


def test_no_treatment_chosen_gives_no_response(bundled):
    assert case_summary(bundled, None).response is None
    assert response_to(bundled, "anakinra") is None


def test_default_treatment_is_one_the_page_offers(bundled):
    assert default_treatment(bundled) == "ruxolitinib"
    # by first start: ciclosporin Day 3, tocilizumab Day 5, ruxolitinib Day 24
    assert response_treatments(bundled) == ["ciclosporin", "tocilizumab", "ruxolitinib"]
    assert not any(d in response_treatments(bundled) for d in ("prednisone", "methylprednisolone"))


def test_the_default_treatment_is_never_an_anti_infective(adult):
    # regression: the default was the last-started non-steroid drug, valganciclovir
    # (2025-01-18), so the header described the response to an antiviral
    assert default_treatment(adult) == "ruxolitinib"  # 2025-01-16, the last disease-directed
    # first starts: anakinra Dec 27, ciclosporin Dec 31, etoposide Jan 2, emapalumab Jan 6,
    # ruxolitinib Jan 16; never valganciclovir or omeprazole (unknown to the catalogue),
    # nor a glucocorticoid
    assert response_treatments(adult) == [
        "anakinra",
        "ciclosporin",
        "etoposide",
        "emapalumab",
        "ruxolitinib",
    ]


def test_disease_directed_by_catalogue_class():
    classes = cat.drugs()["class"]
    assert (classes["emapalumab"], classes["etoposide"]) == ("anti_ifn_gamma", "cytotoxic")
    assert cat.is_disease_directed("emapalumab")
    assert cat.is_disease_directed("etoposide")
    assert not cat.drug_classes().at["other", "disease_directed"]  # unknown drugs' class
    assert not cat.is_disease_directed("valganciclovir")  # not in the catalogue
    lanes = cat.drug_classes().sort_values("lane_order").index
    assert lanes[-1] == "other"


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


def test_cumulative_glucocorticoid_states_what_it_sums(bundled, adult):
    c = case_summary(bundled, None).cumulative
    # MP from Day 0; the prednisone taper's last step is still given on Day 127, the
    # record's last day
    assert (c.first_day, c.last_day, c.ongoing, c.taper) == (0, 127, True, True)
    assert c.weights == ((36.0, 0), (38.5, 59))
    assert c.pred_mg_kg == pytest.approx(13_680 / 36 + 1_120 / 38.5)
    a = case_summary(adult, None).cumulative
    assert (a.first_day, a.last_day, a.ongoing) == (0, 75, True)
    assert a.weights == ((82.0, 0), (79.0, 33))
