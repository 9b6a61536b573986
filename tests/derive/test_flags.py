"""Per-sample flags: high, low against the row's range; fever for a temperature."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from timeline import load_case
from timeline.derive.flags import fever_thresholds, sample_flags

NAN = float("nan")
DATA = Path(__file__).resolve().parents[2] / "data"


def test_fever_is_temperature_at_or_above_38():
    # fever ≥ 38.0 °C (thresholds.csv, standard clinical knowledge); temperature has no range
    assert fever_thresholds() == {"temperature": 38.0}
    flags = sample_flags(["temperature"] * 4, [40.1, 38.0, 37.9, NAN], [NAN] * 4, [NAN] * 4)
    assert flags.tolist() == ["fever", "fever", "", ""]


def test_other_results_are_flagged_against_their_own_range():
    # ALT 50 U/L against 7–40: high; platelets 120 against 150–450: low; CRP 3 against < 5: ''
    flags = sample_flags(
        ["alt", "platelets", "crp", "ferritin"],
        [50.0, 120.0, 3.0, 38.5],
        [7.0, 150.0, NAN, 10.0],
        [40.0, 450.0, 5.0, 140.0],
    )
    assert flags.tolist() == ["high", "low", "", ""]  # 38.5 ng/mL ferritin is no fever


def test_a_fever_wins_over_a_range_the_row_gives():
    assert sample_flags(["temperature"], [38.5], [36.0], [39.0]).tolist() == ["fever"]


@pytest.mark.parametrize(
    ("folder", "day"),
    [("sjia-mas-ruxolitinib", "2000-01-04"), ("adult-aosd-mas", "2024-12-21 14:00")],
)
def test_40_1_is_flagged_fever_in_both_cases(folder, day):
    # regression: 40.1 °C was an in-range point. Each case records 40.1 °C on that day.
    labs = load_case(DATA / folder).labs
    flags = sample_flags(labs["test"], labs["value"], labs["ref_low"], labs["ref_high"])
    row = (labs["time"] == day) & (labs["test"] == "temperature")
    assert labs.loc[row, "value"].tolist() == [40.1]
    assert flags[row.to_numpy()].tolist() == ["fever"]
    afebrile = (labs["test"] == "temperature") & (labs["value"] < 38.0)
    assert afebrile.any()
    assert set(np.asarray(flags)[afebrile.to_numpy()]) == {""}
