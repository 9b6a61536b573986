"""Doses in mg with the body size they used; the time rules of the glucocorticoid course."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from timeline import load_case
from timeline.derive import dose_details, glucocorticoid_days, record_end


def rows_of(case, drug: str) -> pd.DataFrame:
    return case.treatments[case.treatments["drug"] == drug]


def test_dexamethasone_by_body_surface_in_mg(adult):
    # adult case: 179 cm and 82 kg on 2024-12-20; Mosteller √(179 × 82 / 3600) = √4.0772
    # = 2.0192 m²; 10 mg/m² × 2.0192 = 20.19 mg, shown as 20.2 mg
    first = dose_details(rows_of(adult, "dexamethasone"), adult.labs).iloc[0]
    assert first["per"] == "m2"
    assert first["bsa_m2"] == pytest.approx(math.sqrt(179 * 82 / 3600))
    assert first["bsa_m2"] == pytest.approx(2.019, abs=0.001)
    assert first["dose_mg"] == pytest.approx(20.19, abs=0.01)
    assert (first["weight_kg"], first["height_cm"]) == (82.0, 179.0)
    assert first["weight_date"] == first["height_date"] == pd.Timestamp("2024-12-20 07:00")


def test_anakinra_by_weight_in_mg(adult):
    # 2 mg/kg × 82 kg (2024-12-20) = 164 mg; the fixed-dose row needs no weight
    details = dose_details(rows_of(adult, "anakinra"), adult.labs)
    by_kg, fixed = details.iloc[0], details.iloc[1]
    assert (by_kg["per"], by_kg["dose_mg"], by_kg["weight_kg"]) == ("kg", 164.0, 82.0)
    assert by_kg["weight_date"] == pd.Timestamp("2024-12-20 07:00")
    assert math.isnan(by_kg["bsa_m2"])
    assert pd.isna(by_kg["height_date"])
    assert (fixed["per"], fixed["dose_mg"]) == ("", 100.0)
    assert math.isnan(fixed["weight_kg"])
    assert pd.isna(fixed["weight_date"])


def test_the_weight_is_the_latest_at_or_before_the_start(adult):
    # the adult case weighs 79 kg from 2025-01-22 07:00: 2 mg/kg from 2025-01-23 is 158 mg
    row = rows_of(adult, "anakinra").head(1).assign(start=pd.Timestamp("2025-01-23"))
    details = dose_details(row, adult.labs).iloc[0]
    assert (details["dose_mg"], details["weight_kg"]) == (158.0, 79.0)
    assert details["weight_date"] == pd.Timestamp("2025-01-22 07:00")


def adult_steroids(case) -> pd.DataFrame:
    days = glucocorticoid_days(
        case.treatments, case.labs, record_end(case.treatments, case.events, case.labs)
    )
    return days.set_index("date")


def test_hydrocortisone_from_18_00_counts_one_dose_on_its_first_day(adult):
    # 50 mg four times daily (every 6 h) from 2024-12-20 18:00: on the first day only the
    # 18:00 dose, 50 mg × 0.25 (FDA prednisolone label) = 12.5 mg prednisone-equivalent;
    # then four doses a day, 200 mg × 0.25 = 50 mg; the end date (2024-12-26) counts whole
    days = adult_steroids(adult)
    assert days.loc["2024-12-20", "pred_mg"] == pytest.approx(12.5)
    assert days.loc["2024-12-21", "pred_mg"] == pytest.approx(50.0)
    assert days.loc["2024-12-26", "pred_mg"] == pytest.approx(50.0)
    assert days.loc["2024-12-20", "drugs"] == "hydrocortisone"


HEADER = "drug,start,end,dose,dose_unit,frequency,route,kind,note\n"


def prednisone(case_folder, row: str) -> list[float]:
    case = load_case(case_folder(treatments=HEADER + row + "\n"))
    return adult_steroids(case)["pred_mg"].tolist()


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # no time: 00:00, the whole first day; the end date is the last day given
        ("prednisone,2000-01-02,2000-01-03,10,mg,four times daily,oral,,", [40.0, 40.0]),
        # every 6 h from 13:00: 13:00 and 19:00 on the first day
        ("prednisone,2000-01-02 13:00,2000-01-03,10,mg,four times daily,oral,,", [20.0, 40.0]),
        # an end with a time: 00:00 and 06:00 on the last day, not 12:00 or 18:00
        (
            "prednisone,2000-01-02 18:00,2000-01-03 08:00,10,mg,four times daily,oral,,",
            [10.0, 20.0],
        ),
        # twice daily from 20:00: one dose that day (the next is at 08:00)
        ("prednisone,2000-01-02 20:00,2000-01-03,10,mg,twice daily,oral,,", [10.0, 20.0]),
        # once a day or less often: the day of the start counts, whatever the time
        ("prednisone,2000-01-02 18:00,2000-01-04,10,mg,every other day,oral,,", [10.0, 0, 10.0]),
        ("prednisone,2000-01-02 18:00,,10,mg,once,oral,,", [10.0]),
    ],
)
def test_a_time_of_day_is_honoured(case_folder, row, expected):
    assert prednisone(case_folder, row) == expected


# --- issue 14: doses per day, rates and schedules ------------------------------------


@pytest.fixture
def adult_with(tmp_path):
    """The adult case (82 kg and 179 cm on 2024-12-20; 79 kg from 2025-01-22) with its
    treatments replaced by ``rows``."""
    import shutil

    from ..conftest import ADULT

    def make(*rows: str):
        folder = tmp_path / "adult"
        shutil.copytree(ADULT, folder)
        (folder / "treatments.csv").write_text(HEADER + "".join(r + "\n" for r in rows))
        return load_case(folder)

    return make


BSA = math.sqrt(179 * 82 / 3600)  # Mosteller, 2.0192 m²


@pytest.mark.parametrize(
    ("row", "dose_mg", "mg_day", "basis"),
    [
        # 8 mg/kg/day in four doses at 82 kg: 656 mg a day, 164 mg a dose
        ("anakinra,2024-12-27,2024-12-29,8,mg/kg/day,every 6 hours,iv,,", 656.0, 656.0, "day"),
        # 10 mg/m²/day at 2.0192 m²: 20.19 mg a day
        ("dexamethasone,2024-12-30,,10,mg/m2/day,daily,iv,,", 10 * BSA, 10 * BSA, "day"),
        # 0.5 g/kg daily at 82 kg: 41 g a dose, one a day
        ("ivig,2024-12-28,2024-12-29,0.5,g/kg,daily,iv,,", 41_000.0, 41_000.0, "dose"),
        # 200 mg/24h: 200 mg over 24 h, 200 mg a day
        ("hydrocortisone,2025-02-10,,200,mg/24h,continuous,iv,,", 200.0, 200.0, "rate"),
        # 1 mg/kg/h at 82 kg: 82 mg an hour, × 24 = 1,968 mg a day
        ("ciclosporin,2024-12-31,,1,mg/kg/h,continuous,iv,,", 82.0, 1968.0, "rate"),
        # 4 mg/h: 96 mg a day
        ("hydrocortisone,2025-02-10,,4,mg/h,continuous,iv,,", 4.0, 96.0, "rate"),
        # 2 mg/kg every 6 hours: 164 mg a dose, 656 mg a day
        ("anakinra,2024-12-27,,2,mg/kg,every 6 hours,iv,,", 164.0, 656.0, "dose"),
        # 400 mg/day in two doses: 400 mg a day
        ("ciclosporin,2024-12-31,,400,mg/day,twice daily,po,,", 400.0, 400.0, "day"),
        # 960 mg three times weekly: 960 mg on each day it is given
        ("co-trimoxazole,2025-01-06,,960,mg,three times weekly,po,,", 960.0, 960.0, "dose"),
        # once: 150 mg/m² × 2.0192 m² = 302.9 mg on its day
        ("etoposide,2025-01-02,,150,mg/m2,once,iv,,", 150 * BSA, 150 * BSA, "dose"),
    ],
)
def test_the_daily_amount_in_mg_of_every_unit(adult_with, row, dose_mg, mg_day, basis):
    case = adult_with(row)
    details = dose_details(case.treatments, case.labs).iloc[0]
    assert details["dose_mg"] == pytest.approx(dose_mg)
    assert details["mg_day"] == pytest.approx(mg_day)
    assert details["basis"] == basis


def test_a_dose_in_iu_has_no_daily_amount_in_mg(adult_with):
    case = adult_with("anakinra,2024-12-27,,100,IU/kg,daily,sc,,")
    details = dose_details(case.treatments, case.labs).iloc[0]
    assert math.isnan(details["mg_day"])
    assert details["weight_kg"] == 82.0


def test_a_per_day_dose_uses_the_weight_at_its_start(adult_with):
    # 79 kg from 2025-01-22: 8 mg/kg/day from 2025-02-10 is 632 mg a day
    case = adult_with("anakinra,2025-02-10,2025-02-12,8,mg/kg/day,every 6 hours,iv,,")
    details = dose_details(case.treatments, case.labs).iloc[0]
    assert (details["mg_day"], details["weight_kg"]) == (632.0, 79.0)
    assert details["weight_date"] == pd.Timestamp("2025-01-22 07:00")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # three times weekly from Monday 2000-01-03: days 0, 2, 4 of each week (floor(k × 7/3),
        # k = 0, 1, 2): Monday, Wednesday, Friday, two weeks (the course ends with its last dose)
        (
            "prednisone,2000-01-03,2000-01-16,10,mg,three times weekly,oral,,",
            [10.0, 0, 10.0, 0, 10.0, 0, 0, 10.0, 0, 10.0, 0, 10.0],
        ),
        # twice weekly: days 0 and 3 (floor(7/2) = 3) of each week
        (
            "prednisone,2000-01-03,2000-01-13,10,mg,twice weekly,oral,,",
            [10.0, 0, 0, 10.0, 0, 0, 0, 10.0, 0, 0, 10.0],
        ),
        # every 3 days: days 0, 3, 6
        (
            "prednisone,2000-01-03,2000-01-09,10,mg,every 3 days,oral,,",
            [10.0, 0, 0, 10.0, 0, 0, 10.0],
        ),
        # a daily total in four doses (36 kg: 2 mg/kg/day = 72 mg) from 18:00: one dose of 18 mg,
        # then 72 mg a day
        ("prednisone,2000-01-02 18:00,2000-01-03,2,mg/kg/day,every 6 hours,oral,,", [18.0, 72.0]),
        # the same spelled q6h as before: every 6 h from 13:00, 13:00 and 19:00 on the first day
        ("prednisone,2000-01-02 13:00,2000-01-03,10,mg,q6h,oral,,", [20.0, 40.0]),
        # 200 mg/24h of hydrocortisone (× 0.25, FDA prednisolone label) from 18:00 to the end of
        # the next day: 6 h = 50 mg → 12.5; 24 h = 200 mg → 50
        ("hydrocortisone,2000-01-02 18:00,2000-01-03,200,mg/24h,continuous,iv,,", [12.5, 50.0]),
        # ... stopped at 08:00: 8 h = 66.7 mg → 16.7
        (
            "hydrocortisone,2000-01-02 18:00,2000-01-03 08:00,200,mg/24h,continuous,iv,,",
            [12.5, 200 / 24 * 8 * 0.25],
        ),
        # a rate per hour: 10 mg/h of prednisone from 12:00 for one day: 120 mg, then 240 mg
        ("prednisone,2000-01-02 12:00,2000-01-03,10,mg/h,continuous,iv,,", [120.0, 240.0]),
    ],
)
def test_schedules_count_on_their_days(case_folder, row, expected):
    assert prednisone(case_folder, row) == pytest.approx(expected)


def test_an_ongoing_infusion_runs_to_the_end_of_the_record(case_folder):
    # bundled case: its record ends with 2000-05-07 (labs, events); from 2000-05-06 18:00:
    # 6 h (12.5 mg prednisone-equivalent), then the whole last day, 24 h (50 mg)
    case = load_case(
        case_folder(
            treatments=HEADER + "hydrocortisone,2000-05-06 18:00,,200,mg/24h,continuous,iv,,\n"
        )
    )
    days = adult_steroids(case)
    assert days["pred_mg"].tolist()[-2:] == [12.5, 50.0]


def test_the_adult_hydrocortisone_infusion_in_the_glucocorticoid_course(adult):
    # 200 mg/24h from 2025-02-10 18:00 to the end of 2025-02-11 beside prednisolone 20 mg:
    # Feb 10: 20 + 6 h × 200/24 × 0.25 = 20 + 12.5; Feb 11: 20 + 200 × 0.25 = 70
    days = adult_steroids(adult)
    assert days.loc["2025-02-09", "pred_mg"] == pytest.approx(40.0)
    assert days.loc["2025-02-10", "pred_mg"] == pytest.approx(32.5)
    assert days.loc["2025-02-11", "pred_mg"] == pytest.approx(70.0)
    assert days.loc["2025-02-12", "pred_mg"] == pytest.approx(20.0)
    assert days.loc["2025-02-10", "drugs"] == "prednisolone, hydrocortisone"


def test_the_adult_per_day_anakinra_and_ivig_in_mg(adult):
    details = dose_details(adult.treatments, adult.labs)
    by_drug = details.assign(drug=adult.treatments["drug"], unit=adult.treatments["dose_unit"])
    anakinra = by_drug[(by_drug["drug"] == "anakinra") & (by_drug["unit"] == "mg/kg/day")].iloc[0]
    assert anakinra["mg_day"] == 656.0  # 8 mg/kg/day × 82 kg
    ivig = by_drug[by_drug["drug"] == "IVIG"].iloc[0]
    assert ivig["mg_day"] == 41_000.0  # 0.5 g/kg × 82 kg


def test_a_pulse_every_other_day_is_checked_on_its_day(case_folder):
    # methylprednisolone 1.2 g every other day: 1.2 g on each day it is given, over the 1 g/day
    # limit (drugs.csv, UpToDate); it was counted as 600 mg a day, under the limit
    case = load_case(
        case_folder(
            treatments=HEADER
            + "methylprednisolone,2000-01-02,2000-01-06,1.2,g,every other day,iv,pulse,\n"
        )
    )
    assert any(w.code.value == "dose_above_limit" for w in case.warnings)
