"""The MAS 2016 criteria per calendar day and their periods, against hand-worked examples.

Laboratory rule (Ravelli 2016, CLINICAL.md §2): ferritin > 684 ng/mL and two of platelets
≤ 181 ×10⁹/L, AST > 48 U/L, triglycerides > 156 mg/dL (1.76 mmol/L, the canonical unit),
fibrinogen ≤ 360 mg/dL (3.6 g/L), each the latest value drawn on the day or the two days
before. Fever (CLINICAL.md §3c): ≥ 38.0 °C on the day or the two before, or the day inside
a fever event.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from timeline import load_case
from timeline.datasets import bundled_case_path
from timeline.derive.criteria import (
    criteria_periods,
    mas_2016_days,
    settle,
    status_on,
    status_text,
)

T = pd.Timestamp


@pytest.fixture(scope="module")
def adult():
    return load_case(bundled_case_path("adult-aosd-mas"))


def labs(*rows: tuple) -> pd.DataFrame:
    """A labs table from (time, test, value) or (time, test, value, qualifier) rows."""
    full = [(*row, "")[:4] for row in rows]
    frame = pd.DataFrame(full, columns=["time", "test", "value", "qualifier"])
    return frame.assign(time=pd.to_datetime(frame["time"]), value=frame["value"].astype(float))


def events(*spells: tuple[str, str | None]) -> pd.DataFrame:
    """An events table of fever events (start, end or None)."""
    frame = pd.DataFrame(spells, columns=["start", "end"], dtype=object)
    return pd.DataFrame(
        {
            "start": pd.to_datetime(frame["start"]),
            "end": pd.to_datetime(frame["end"]),
            "type": "fever",
        }
    )


NO_EVENTS = events()

# Day 1 (01-01): ferritin 1000, platelets 150 (≤ 181), AST 60 (> 48): labs met; 38.5 °C.
# Day 5 (01-05): ferritin 900, platelets 100, fibrinogen 3.0 g/L (≤ 3.6): labs met; 37.0 °C.
# Day 7 (01-07): ferritin 500 (not > 684): not met, whatever else.
SMALL = labs(
    ("2000-01-01 07:00", "ferritin", 1000),
    ("2000-01-01 07:00", "platelets", 150),
    ("2000-01-01 07:00", "ast", 60),
    ("2000-01-01 06:00", "temperature", 38.5),
    ("2000-01-05 07:00", "ferritin", 900),
    ("2000-01-05 07:00", "platelets", 100),
    ("2000-01-05 07:00", "fibrinogen", 3.0),
    ("2000-01-05 06:00", "temperature", 37.0),
    ("2000-01-07 07:00", "ferritin", 500),
)


def statuses(status) -> dict[str, str]:
    return {
        f"{d:%m-%d}": s for d, s in zip(status.days["date"], status.days["status"], strict=True)
    }


def test_every_calendar_day_has_a_status():
    status = mas_2016_days(SMALL, NO_EVENTS)
    assert statuses(status) == {
        "01-01": "met",  # labs met, 38.5 °C that day
        "01-02": "met",  # the 01-01 values and fever are in the window (12-31..01-02)
        "01-03": "met",  # window 01-01..01-03: still the 01-01 values and fever
        "01-04": "not assessable",  # window 01-02..01-04: no value at all
        "01-05": "labs only",  # labs met; 37.0 °C, no fever in 01-03..01-05
        "01-06": "labs only",  # the 01-05 values; still no fever
        "01-07": "not met",  # ferritin 500 settles it
    }
    assert status.fever_recorded
    assert status.days["fever"].tolist() == [True, True, True, False, False, False, False]


def test_a_period_ends_on_its_last_day_never_at_the_next_sample():
    # regression: the shading carried "met" from 01-01 to the next sample (01-05)
    status = mas_2016_days(SMALL, NO_EVENTS)
    assert criteria_periods(status, "met") == [(T("2000-01-01"), T("2000-01-03"))]
    assert criteria_periods(status, "labs only") == [(T("2000-01-05"), T("2000-01-06"))]
    assert criteria_periods(status, "labs") == [
        (T("2000-01-01"), T("2000-01-03")),
        (T("2000-01-05"), T("2000-01-06")),
    ]


def test_a_fever_event_makes_its_days_febrile():
    no_temperatures = SMALL[SMALL["test"] != "temperature"]
    status = mas_2016_days(no_temperatures, events(("2000-01-05", "2000-01-06")))
    # the event covers 01-05 and 01-06 (end inclusive), nothing before
    assert list(statuses(status).values())[:6] == [
        "labs only",
        "labs only",
        "labs only",
        "not assessable",
        "met",
        "met",
    ]
    point = mas_2016_days(no_temperatures, events(("2000-01-06 14:00", None)))
    assert statuses(point)["01-05"] == "labs only"  # a fever event without an end: its day
    assert statuses(point)["01-06"] == "met"


def test_without_any_temperature_or_fever_event_the_labs_decide_and_say_so():
    status = mas_2016_days(SMALL[SMALL["test"] != "temperature"], NO_EVENTS)
    assert not status.fever_recorded
    assert criteria_periods(status, "met") == [
        (T("2000-01-01"), T("2000-01-03")),
        (T("2000-01-05"), T("2000-01-06")),
    ]
    assert criteria_periods(status, "labs only") == []
    assert status_text("met", status.fever_recorded) == "met by labs (fever not recorded)"
    assert status_text("met", True) == "met (fever + labs)"


def test_a_value_drawn_at_midnight_two_days_before_still_counts():
    drawn = labs(
        ("2000-01-01 00:00", "ferritin", 1000),
        ("2000-01-01 00:00", "platelets", 100),
        ("2000-01-01 00:00", "ast", 100),
        ("2000-01-01 00:00", "temperature", 39.0),
    )
    status = mas_2016_days(drawn, NO_EVENTS)
    assert status_on(status, T("2000-01-01")) == "met"
    assert status_on(status, T("2000-01-04")) == "not assessable"  # after the last lab day


def test_a_longer_window_keeps_values_longer():
    status = mas_2016_days(SMALL, NO_EVENTS, window_days=5)
    # window 12-31..01-04 on 01-04: the 01-01 values and fever still count
    assert statuses(status)["01-04"] == "met"


# --- censored results (CLINICAL.md §3b) --------------------------------------------------


@pytest.mark.parametrize(
    ("qualifier", "value", "operator", "threshold", "expected"),
    [
        (">", 40000, ">", 684, "meets"),  # ferritin >40000 meets > 684
        ("<", 5, ">", 48, "fails"),  # AST <5 does not meet > 48
        ("<", 20, "<=", 181, "meets"),  # platelets <20 meets ≤ 181
        ("<", 1000, ">", 684, "unknown"),  # ferritin <1000 does not settle > 684
        (">=", 684, ">", 684, "unknown"),  # ≥ 684 may be 684 itself
        (">", 684, ">", 684, "meets"),
        ("<=", 3.6, "<=", 3.6, "meets"),  # fibrinogen ≤ 3.6 g/L
        (">", 181, "<=", 181, "fails"),
        (">=", 181, "<=", 181, "unknown"),
        ("", 181, "<=", 181, "meets"),  # exact values: ≤ and > kept exactly
        ("", 48, ">", 48, "fails"),
        (">", 39.0, ">=", 38.0, "meets"),  # temperature >39 is a fever
        ("<", 38.0, ">=", 38.0, "fails"),
        ("", np.nan, ">", 684, "unknown"),  # no value settles nothing
    ],
)
def test_a_censored_result_counts_only_when_its_comparator_settles(
    qualifier, value, operator, threshold, expected
):
    meets, fails = settle(np.array([qualifier]), np.array([value]), operator, threshold)
    assert {(True, False): "meets", (False, True): "fails", (False, False): "unknown"}[
        (bool(meets[0]), bool(fails[0]))
    ] == expected


ITEMS_MET = (  # two items surely met besides ferritin, on the same day, with fever
    ("2000-01-01 07:00", "platelets", 100),
    ("2000-01-01 07:00", "ast", 100),
    ("2000-01-01 06:00", "temperature", 39.0),
)


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        ([("2000-01-01 07:00", "ferritin", 40000, ">"), *ITEMS_MET], "met"),
        ([("2000-01-01 07:00", "ferritin", 1000, "<"), *ITEMS_MET], "not assessable"),
        # ferritin 1000 with AST <5 and platelets 100: one item, TG and fibrinogen unknown
        (
            [
                ("2000-01-01 07:00", "ferritin", 1000),
                ("2000-01-01 07:00", "ast", 5, "<"),
                ("2000-01-01 07:00", "platelets", 100),
                ("2000-01-01 07:00", "triglycerides", 1.0),
                ("2000-01-01 07:00", "fibrinogen", 4.0),
                ("2000-01-01 06:00", "temperature", 39.0),
            ],
            "not met",  # one item of four: AST <5 settles "not > 48"
        ),
        (
            [
                ("2000-01-01 07:00", "ferritin", 1000),
                ("2000-01-01 07:00", "ast", 100),
                ("2000-01-01 07:00", "platelets", 20, "<"),
                ("2000-01-01 06:00", "temperature", 39.0),
            ],
            "met",  # platelets <20 meets ≤ 181: two items
        ),
    ],
)
def test_the_four_worked_censored_examples_on_a_day(rows, expected):
    assert status_on(mas_2016_days(labs(*rows), NO_EVENTS), T("2000-01-01")) == expected


def test_no_criteria_labs_gives_no_day_and_no_period():
    status = mas_2016_days(SMALL[SMALL["test"] == "temperature"], NO_EVENTS)
    assert status.days.empty
    assert criteria_periods(status, "met") == []
    assert status_on(status, T("2000-01-01")) == "not assessable"


# --- the bundled cases -------------------------------------------------------------------


def day_periods(case, which) -> list[tuple[int, int]]:
    status = mas_2016_days(case.labs, case.events)
    return [
        ((a - case.anchor_time).days, (b - case.anchor_time).days)
        for a, b in criteria_periods(status, which)
    ]


def test_the_sjia_case_by_hand(bundled):
    # data/sjia-mas-ruxolitinib, Day 0 = 2000-01-01; fibrinogen in g/L, TG in mmol/L.
    # Day 0–2: ferritin 1250/1610 > 684 but only AST (52, 68) of the four (PLT 310/270,
    #   TG 1.45 < 1.76, fibrinogen 4.6/4.1 > 3.6): not met.
    # Day 3: ferritin 6850, PLT 142, AST 186, fibrinogen 1.8: met; samples every 1–2 days
    #   keep it met through Day 27 (ferritin 6100, PLT 128, AST 264), Day 29 (3400, PLT 176
    #   ≤ 181, AST 168, fibrinogen 2.5), Day 31 (2100, AST 112, fibrinogen 3.0, TG 2.1).
    # Day 34: ferritin 1280, AST 84, fibrinogen 3.4: met (PLT 256 not); it holds on Day 35
    #   and 36 (window 34..36); Day 37 has no value in 35..37 (not assessable); Day 38:
    #   ferritin 620 ≤ 684, not met, and never met again.
    # Fever: 38.6 °C on Day 25 is the last ≥ 38.0 (37.4 on Day 26); the "High fever" event
    #   runs 2000-01-01..2000-01-26 = Day 0..25. Febrile window: Day 25, 26, 27.
    # So met (fever + labs) Day 3–27; labs only Day 28–36 (the old shading ran to Day 38,
    # the old summary to Day 34, twelve days past defervescence).
    assert day_periods(bundled, "met") == [(3, 27)]
    assert day_periods(bundled, "labs only") == [(28, 36)]
    assert day_periods(bundled, "labs") == [(3, 36)]
    status = mas_2016_days(bundled.labs, bundled.events)
    assert status_on(status, T("2000-02-07")) == "not assessable"  # Day 37
    assert status_on(status, T("2000-02-08")) == "not met"  # Day 38


def test_the_adult_case_by_hand(adult):
    # data/adult-aosd-mas, Day 0 = 2024-12-20; AST entered in µkat/L (×60 → U/L),
    # fibrinogen g/L, TG mmol/L (> 1.76), ferritin µg/L (= ng/mL).
    # Day 0: ferritin 3200, AST 54 (> 48) only; PLT 245, TG 1.6, fibrinogen 5.8: not met.
    # Day 3–6: ferritin alone or with PLT 190, AST 96, fibrinogen 4.1 (one item) and no
    #   TG in the window: not assessable.
    # Day 7 (12-27): ferritin ">40000" meets > 684 (censored, settled), PLT 112, AST 204,
    #   fibrinogen 2.9, TG 3.1: met; Day 8 (12-28) ">40000" again with Day 7's items;
    #   Day 9, 11, 14 full panels, ferritin daily: labs met through Day 16 (window 14..16).
    # Day 17: window 15..17 has ferritin only: not assessable.
    # Day 18: ferritin 5600, PLT 178 ≤ 181, AST 62, fibrinogen 3.1: met; Day 19, 20 too.
    # Day 21, 22: ferritin only: not assessable.
    # Day 23: ferritin 2500, fibrinogen 3.6 (≤ 3.6, kept exactly), TG 2.2: met (PLT 224, AST
    #   42 not); Day 24, 25 too. Day 30: ferritin 1100, TG 1.9 only: not met.
    # Fever: temperatures ≥ 38 until Day 9 (38.6 on 12-29), the fever event 12-20..12-29
    #   (Day 0..9): febrile window to Day 11. The influenza fever (Day 52–54) meets no labs.
    assert day_periods(adult, "met") == [(7, 11)]
    assert day_periods(adult, "labs only") == [(12, 16), (18, 20), (23, 25)]
    assert day_periods(adult, "labs") == [(7, 16), (18, 20), (23, 25)]
    status = mas_2016_days(adult.labs, adult.events)
    assert status_on(status, T("2024-12-27")) == "met"  # the ">40000" ferritin counts
    assert status_on(status, T("2025-01-06")) == "not assessable"  # Day 17
