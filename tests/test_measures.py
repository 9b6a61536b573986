"""Derived measures against hand-worked examples."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.measures import body_surface_area, dose_mg, value_at


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
