"""How a dose is written: the same text on the figure, the page and the slides."""

from __future__ import annotations

import pytest

from timeline.text import dose_text, mg_text, short_frequency


@pytest.mark.parametrize(
    ("dose", "unit", "frequency", "single", "text"),
    [
        (10, "mg", None, False, "10 mg"),
        (10, "mg", "twice daily", False, "10 mg bid"),
        (1, "g", "daily", False, "1 g daily"),
        (288, "mg", "once", True, "288 mg"),  # a single administration has no frequency
        (0.5, "mg/kg", "every 2 weeks", False, "0.5 mg/kg q2w"),
        (8, "mg/kg", "every 17 days", False, "8 mg/kg every 17 days"),  # unknown: as entered
    ],
)
def test_dose_text(dose, unit, frequency, single, text):
    assert dose_text(dose, unit, frequency, single) == text


def test_mg_text_switches_to_grams_from_1_g():
    assert [mg_text(mg) for mg in (500, 999.5, 1000, 1500)] == [
        "500 mg",
        "999.5 mg",
        "1 g",
        "1.5 g",
    ]


def test_short_frequency_keeps_what_the_catalogue_does_not_know():
    assert short_frequency("three times daily") == "tid"
    assert short_frequency("at night") == "at night"
