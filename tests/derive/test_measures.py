"""Derived measures against hand-worked examples."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.derive import (
    body_surface_area,
    dose_mg,
    glucocorticoid_days,
    mas_2016,
    record_end,
    value_at,
)


def test_pulse_dose_in_mg(bundled):
    pulses = bundled.treatments[bundled.treatments["kind"] == "pulse"]
    assert (dose_mg(pulses, bundled.labs) == 1000).all()  # 1 g


def test_per_kg_dose_uses_the_latest_weight(with_rows):
    # weight 36 kg on Day 0, 38.5 kg on Day 59 (bundled case)
    case = load_case(
        with_rows(
            "treatments",
            "anakinra,2000-01-10,2000-01-11,5,mg/kg,daily,subcutaneous,,",
            "anakinra,2000-03-10,2000-03-11,5,mg/kg,daily,subcutaneous,,",
        )
    )
    rows = case.treatments[case.treatments["drug"] == "anakinra"]
    assert dose_mg(rows, case.labs).tolist() == [180.0, 192.5]


def test_dose_units_to_mg(with_rows):
    # bundled case: 146 cm and 36 kg on Day 0 (BSA sqrt(146 × 36 / 3600) = sqrt(1.46) m²),
    # 38.5 kg from Day 59
    case = load_case(
        with_rows(
            "treatments",
            "etoposide,2000-01-10,2000-01-10,10,mg/m2,once,intravenous,,",
            "etoposide,2000-01-11,2000-01-11,0.1,g,once,intravenous,,",
            "anakinra,2000-03-10,2000-03-11,500,ug/kg,daily,subcutaneous,,",
            "emapalumab,2000-03-12,2000-03-12,100,IU,once,intravenous,,",
        )
    )
    rows = case.treatments.tail(4)
    mg = dose_mg(rows, case.labs).tolist()
    assert mg[:3] == pytest.approx([10 * 1.46**0.5, 100.0, 0.5 * 38.5])
    assert pd.isna(mg[3])  # an IU dose has no mass


def test_value_before_the_first_measurement_uses_the_first(bundled):
    times = pd.Series(pd.to_datetime(["1999-12-30", "2000-03-01", "2000-06-01"]))
    assert value_at(bundled.labs, "weight", times).tolist() == [36.0, 38.5, 37.5]


def test_mosteller_bsa():
    # CLINICAL.md §4: about 36 kg and 146 cm gives about 1.2 m²
    assert body_surface_area(pd.Series([36.0]), pd.Series([146.0]))[0] == pytest.approx(
        1.21, abs=0.01
    )


HEADER = "drug,start,end,dose,dose_unit,frequency,route,kind,note\n"


def steroid_days(case_folder, rows: str) -> pd.DataFrame:
    case = load_case(case_folder(treatments=HEADER + rows))
    days = glucocorticoid_days(
        case.treatments, case.labs, record_end(case.treatments, case.events, case.labs)
    )
    return days.set_index("date")


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # FDA prednisolone label: 15 mg prednisolone = 12 mg MP = 2.25 mg dexamethasone = 60 mg HC
        ("methylprednisolone,2000-01-02,,12,mg,once,intravenous,,", 15.0),
        ("dexamethasone,2000-01-02,,2.25,mg,once,oral,,", 15.0),
        ("hydrocortisone,2000-01-02,,60,mg,once,intravenous,,", 15.0),
        ("prednisolone,2000-01-02,,15,mg,once,oral,,", 15.0),
    ],
)
def test_prednisone_equivalent_of_one_dose(case_folder, row, expected):
    days = steroid_days(case_folder, row + "\n")
    assert days.loc["2000-01-02", "pred_mg"] == pytest.approx(expected, abs=0.01)


def test_doses_of_two_steroids_on_one_day_add_up(case_folder):
    days = steroid_days(
        case_folder,
        "prednisolone,2000-01-02,2000-01-03,10,mg,daily,oral,,\n"
        "methylprednisolone,2000-01-03,,8,mg,once,intravenous,,\n",
    )
    assert days["pred_mg"].tolist() == [10.0, 20.0]  # 10 + 8 × 1.25
    assert days["pred_mg_total"].tolist() == [10.0, 30.0]


def test_per_kg_twice_daily_and_per_kg_per_day(case_folder):
    # weight 36 kg on Day 0 of the bundled case: 1 mg/kg twice daily = 72 mg/day = 2 mg/kg/day
    days = steroid_days(
        case_folder, "prednisone,2000-01-02,2000-01-02,1,mg/kg,twice daily,oral,,\n"
    )
    assert days.loc["2000-01-02", ["pred_mg", "pred_mg_kg"]].tolist() == [72.0, 2.0]


def test_every_other_day_counts_on_its_days_only(case_folder):
    days = steroid_days(
        case_folder, "prednisone,2000-01-02,2000-01-06,20,mg,every other day,oral,,\n"
    )
    assert days["pred_mg"].tolist() == [20.0, 0.0, 20.0, 0.0, 20.0]


def test_pulse_days_keep_the_actual_methylprednisolone_dose(bundled):
    days = glucocorticoid_days(
        bundled.treatments,
        bundled.labs,
        record_end(bundled.treatments, bundled.events, bundled.labs),
    )
    days = days.set_index("date")
    assert days.loc["2000-01-04", ["pred_mg", "pulse_mp_mg"]].tolist() == [1250.0, 1000.0]
    assert days.loc["2000-01-03", ["pred_mg", "pred_mg_total"]].tolist() == [60.0, 180.0]
    assert (days["pulse_mp_mg"] > 0).sum() == 9


def labs(*rows: tuple[str, str, float]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["time", "test", "value"]).assign(
        time=lambda d: pd.to_datetime(d["time"])
    )


TG = 156 / 88.57  # 156 mg/dL in mmol/L, the canonical unit


@pytest.mark.parametrize(
    ("values", "status", "items"),
    [
        # ferritin > 684 and two of: PLT ≤ 181, AST > 48, TG > 156 mg/dL, fibrinogen ≤ 360 mg/dL
        (
            {"ferritin": 685, "platelets": 181, "ast": 48, "triglycerides": TG, "fibrinogen": 3.6},
            "met",
            2,
        ),
        (
            {"ferritin": 684, "platelets": 181, "ast": 48, "triglycerides": TG, "fibrinogen": 3.6},
            "not met",
            2,
        ),
        (
            {
                "ferritin": 700,
                "platelets": 182,
                "ast": 49,
                "triglycerides": 157 / 88.57,
                "fibrinogen": 3.61,
            },
            "met",
            2,
        ),
        (
            {"ferritin": 700, "platelets": 182, "ast": 48, "triglycerides": TG, "fibrinogen": 3.7},
            "not met",
            0,
        ),
        ({"ferritin": 800, "platelets": 150}, "unknown", 1),
        ({"ferritin": 800, "platelets": 150, "ast": 20, "fibrinogen": 4.0}, "unknown", 1),
        ({"ferritin": 800, "platelets": 250, "ast": 20, "fibrinogen": 4.0}, "not met", 0),
        ({"platelets": 100, "ast": 300}, "unknown", 2),
    ],
)
def test_mas_2016_on_one_day(values, status, items):
    result = mas_2016(labs(*[("2000-01-05 07:00", t, v) for t, v in values.items()]))
    assert result[["status", "items_met"]].iloc[0].tolist() == [status, items]


def test_values_older_than_the_window_do_not_count():
    drawn = labs(
        ("2000-01-01 07:00", "ferritin", 5000),
        ("2000-01-01 07:00", "platelets", 90),
        ("2000-01-01 07:00", "ast", 300),
        ("2000-01-03 07:00", "fibrinogen", 1.0),
        ("2000-01-04 07:00", "fibrinogen", 1.0),
    )
    result = mas_2016(drawn, window_days=3).set_index("date")["status"]
    # a 3-day window is the day and the two before it: Day 2 still sees Day 0, Day 3 does not
    assert result.tolist() == ["met", "met", "unknown"]
    wider = mas_2016(drawn, window_days=5).set_index("date")["status"]
    assert wider.iloc[-1] == "met"


def test_bundled_case_meets_criteria_early_and_stops_after_ruxolitinib(bundled):
    result = mas_2016(bundled.labs).set_index("date")["status"]
    assert result["2000-01-01"] == "not met"  # admission: active sJIA, not yet MAS
    assert (result["2000-01-04":"2000-01-25"] == "met").all()  # through the three pulse rounds
    assert (result["2000-02-08":] == "not met").all()  # improvement after ruxolitinib (Day 24)


def test_no_criteria_labs_gives_an_empty_table(bundled):
    assert mas_2016(bundled.labs[bundled.labs["test"] == "crp"]).empty
