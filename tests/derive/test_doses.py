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
