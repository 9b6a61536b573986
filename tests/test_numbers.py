"""How lab numbers, reference ranges and units are written (hand-worked examples)."""

from __future__ import annotations

import math

import pytest

from timeline.numbers import (
    figures_text,
    number_text,
    range_text,
    reference_origin,
    shown_value,
    significant_figures,
    unit_text,
)

UKAT = 0.01667  # U/L = µkat/L ÷ 0.01667 (lab_units.csv; 48 U/L = 0.80 µkat/L, Ravelli 2016)


@pytest.mark.parametrize(
    ("number", "figures"),
    [("1.03", 3), ("0.90", 2), ("0.045", 2), ("3200", 4), ("<5", 1), (1.03, 3), (0.9, 1), (0.0, 1)],
)
def test_significant_figures_of_the_number_entered(number, figures):
    assert significant_figures(number) == figures


@pytest.mark.parametrize(
    ("value", "figures", "text"),
    [
        (61.7876, 3, "61.8"),
        (155.97, 2, "160"),  # never '1.6e+02'
        (99.96, 3, "100"),  # rounding carries to the next power: not '100.0'
        (0.012345, 2, "0.012"),
        (37.0, 3, "37.0"),  # a significant trailing zero stays
        (0.0, 3, "0"),
    ],
)
def test_figures_text(value, figures, text):
    assert figures_text(value, figures) == text


def test_a_converted_value_keeps_the_precision_it_was_entered_with():
    # regression: '61.7876 U/L' from 1.03 µkat/L. 1.03 / 0.01667 = 61.7876: 3 figures, 61.8
    assert shown_value(1.03 / UKAT, 1.03) == "61.8"
    # 265 mg/dL triglycerides / 88.57 = 2.99198 mmol/L: 3 figures, 2.99
    assert shown_value(265 / 88.57, 265.0) == "2.99"
    # a value not converted is shown as entered, every figure of it
    assert shown_value(6100.0, 6100.0) == "6100"
    assert shown_value(40.1, 40.1) == "40.1"
    # '0.80' reaches us as 0.8 (1 figure counted): never fewer than 2, 47.99 U/L → '48'
    assert shown_value(0.8 / UKAT, 0.8) == "48"
    assert shown_value(math.nan, 1.0) == ""


def test_a_report_range_converted_keeps_its_precision():
    # regression: '10.2–50.99'. 0.17 / 0.01667 = 10.198, 0.85 / 0.01667 = 50.99: 2 figures each
    low, high = shown_value(0.17 / UKAT, 0.17), shown_value(0.85 / UKAT, 0.85)
    assert range_text(low, high) == "10–51"


@pytest.mark.parametrize(
    ("low", "high", "text"),
    [("10", "50", "10–50"), ("", "5", "< 5"), ("35", "", "> 35"), ("", "", "")],
)
def test_range_text_never_reads_as_a_minus_sign(low, high, text):
    # regression: an upper limit alone read '–5' (minus five)
    assert range_text(low, high) == text


def test_number_text_is_never_in_exponent_form():
    assert number_text(40000.0) == "40000"
    assert number_text(0.0000001) == "0.0000001"
    assert number_text(1.7) == "1.7"


@pytest.mark.parametrize(
    ("unit", "shown"),
    [
        ("10^9/L", "×10⁹/L"),
        ("10^12/L", "×10¹²/L"),
        ("x10^9/L", "×10⁹/L"),
        ("10*9/L", "×10⁹/L"),
        ("10^3/uL", "×10³/µL"),
        ("ug/L", "µg/L"),
        ("ukat/L", "µkat/L"),
        ("umol/L", "µmol/L"),
        ("mg/m2", "mg/m²"),
        ("m2", "m²"),
        ("U/mL", "U/mL"),  # the unit U is not a micro prefix
        ("IU/kg", "IU/kg"),
        ("mg/L FEU", "mg/L FEU"),
        ("°C", "°C"),
        ("×10⁹/L", "×10⁹/L"),  # typeset already: unchanged
    ],
)
def test_units_are_typeset(unit, shown):
    assert unit_text(unit) == shown


@pytest.mark.parametrize(
    ("source", "origin"),
    [
        ("input", "report"),
        ("catalogue: adult male", "default, adult male"),
        ("catalogue: child (age not given)", "default, child (age not given)"),
        ("catalogue", "default"),
    ],
)
def test_reference_origin(source, origin):
    assert reference_origin(source) == origin
