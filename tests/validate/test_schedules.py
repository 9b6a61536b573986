"""Doses and schedules as orders write them (issue 14): each cell loads as written."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.errors import ProblemCode as C

from ..conftest import rows_of
from .conftest import only_error

TR = rows_of("treatments")


def loaded_row(with_rows, row: str) -> pd.Series:
    case = load_case(with_rows("treatments", row))
    return case.treatments.iloc[-1]


# (dose, dose_unit, frequency, route, start) as written; the canonical unit and frequency,
# administrations a day, route
CELLS = [
    # the cells: 8 mg/kg per day in four doses
    (("8", "mg/kg/day", "every 6 hours", "iv", "2000-01-05"), ("mg/kg/day", "every 6 hours", 4)),
    (("10", "mg/m2/day", "daily", "iv", "2000-01-05"), ("mg/m2/day", "daily", 1)),
    (("0.5", "g/kg", "daily", "iv", "2000-01-05"), ("g/kg", "daily", 1)),
    (("200", "mg/24h", "continuous", "iv", "2000-01-05"), ("mg/24h", "continuous", math.nan)),
    (("960", "mg", "three times weekly", "po", "2000-01-05"), ("mg", "three times weekly", 3 / 7)),
    (("5", "mg", "twice daily", "nasogastric", "2000-01-05"), ("mg", "twice daily", 2)),
    (("50", "mg", "four times daily", "iv", "2025-02-27 18:00"), ("mg", "four times daily", 4)),
    # the same, as charts also write them
    (("8", "mg/kg/d", "q6h", "iv", "2000-01-05"), ("mg/kg/day", "every 6 hours", 4)),
    (("8", "mg/kg/day", "6-hourly", "iv", "2000-01-05"), ("mg/kg/day", "every 6 hours", 4)),
    (("10", "mg/m²/day", "daily", "iv", "2000-01-05"), ("mg/m2/day", "daily", 1)),
    (
        ("200", "mg/24 h", "continuous infusion", "iv", "2000-01-05"),
        ("mg/24h", "continuous", math.nan),
    ),
    (("1", "mg/kg/h", "continuous", "iv", "2000-01-05"), ("mg/kg/h", "continuous", math.nan)),
    (("4", "mg/h", "continuous", "iv", "2000-01-05"), ("mg/h", "continuous", math.nan)),
    (("400", "mg/day", "bid", "po", "2000-01-05"), ("mg/day", "twice daily", 2)),
    (("960", "mg", "tiw", "po", "2000-01-05"), ("mg", "three times weekly", 3 / 7)),
    (("100", "mg", "twice weekly", "po", "2000-01-05"), ("mg", "twice weekly", 2 / 7)),
    (("3", "mg/kg", "every 3 days", "iv", "2000-01-05"), ("mg/kg", "every 3 days", 1 / 3)),
    (("5", "mg", "every 4 hours", "po", "2000-01-05"), ("mg", "every 4 hours", 6)),
    (("5", "mg", "q8h", "po", "2000-01-05"), ("mg", "every 8 hours", 3)),
    (("5", "mg", "12-hourly", "po", "2000-01-05"), ("mg", "every 12 hours", 2)),
    (("5", "mg", "every 24 hours", "po", "2000-01-05"), ("mg", "daily", 1)),
]


@pytest.mark.parametrize(("cells", "expected"), CELLS, ids=[c[0][1] + " " + c[0][2] for c in CELLS])
def test_each_dose_and_schedule_loads_as_written(with_rows, cells, expected):
    dose, unit, frequency, route, start = cells
    row = loaded_row(with_rows, f"anakinra,{start},,{dose},{unit},{frequency},{route},,")
    assert (row["dose"], row["dose_unit"], row["frequency"]) == (float(dose), *expected[:2])
    assert row["per_day"] == pytest.approx(expected[2], nan_ok=True)
    assert row["start"] == pd.Timestamp(start)  # a time of day is kept


@pytest.mark.parametrize(
    ("written", "route"),
    [
        ("nasogastric", "nasogastric"),
        ("NG tube", "nasogastric"),
        ("NG", "nasogastric"),
        ("PEG", "gastrostomy"),
        ("intrathecal", "intrathecal"),
        ("IT", "intrathecal"),
        ("IM", "intramuscular"),
        ("inhaled", "inhaled"),
        ("nebulised", "inhaled"),
        ("topical", "topical"),
    ],
)
def test_more_routes_load_without_a_warning(with_rows, written, route):
    case = load_case(with_rows("treatments", f"ruxolitinib,2000-05-10,,5,mg,bid,{written},,"))
    assert case.treatments.iloc[-1]["route"] == route
    assert not [w for w in case.warnings if w.code is C.UNKNOWN_ROUTE]


@pytest.mark.parametrize(
    ("row", "column", "code", "fragment"),
    [
        # a rate is a continuous infusion's: any other frequency is refused, naming it
        (
            "hydrocortisone,2000-01-05,,200,mg/24h,daily,iv,,",
            "frequency",
            C.DOSE_RATE_MISMATCH,
            "must be 'continuous' for a dose given as a rate",
        ),
        (
            "hydrocortisone,2000-01-05,,200,mg/24h,once,iv,,",
            "frequency",
            C.DOSE_RATE_MISMATCH,
            "must be 'continuous' for a dose given as a rate",
        ),
        # and a continuous infusion needs a rate
        (
            "hydrocortisone,2000-01-05,2000-01-06,200,mg,continuous,iv,,",
            "dose_unit",
            C.DOSE_RATE_MISMATCH,
            "is not a rate, but the frequency is 'continuous'",
        ),
        (
            "anakinra,2000-01-05,2000-01-06,8,mg/kg/day,continuous,iv,,",
            "dose_unit",
            C.DOSE_RATE_MISMATCH,
            "is not a rate, but the frequency is 'continuous'",
        ),
        # still refused: a frequency nobody can count
        (
            "anakinra,2000-01-05,,8,mg/kg/day,every so often,iv,,",
            "frequency",
            C.UNKNOWN_FREQUENCY,
            "q6h",
        ),
        (
            "anakinra,2000-01-05,,8,mg/kg/week,daily,iv,,",
            "dose_unit",
            C.UNKNOWN_DOSE_UNIT,
            "mg/kg/day",
        ),
    ],
)
def test_a_rate_and_continuous_go_together_or_the_row_is_refused(
    with_rows, row, column, code, fragment
):
    problem = only_error(with_rows("treatments", row))
    assert (problem.where, problem.row, problem.column) == ("treatments.csv", TR, column)
    assert problem.code is code
    assert fragment in problem.message


def test_a_continuous_infusion_without_an_end_is_ongoing(with_rows):
    row = loaded_row(with_rows, "hydrocortisone,2000-01-05 18:00,,200,mg/24h,continuous,iv,,")
    assert (row["single"], row["ongoing"]) == (False, True)


# every spelling the catalogue accepted before issue 14, and what it meant: still the same
OLD_FREQUENCIES = {
    "once": math.nan,
    "single": math.nan,
    "stat": math.nan,
    "daily": 1,
    "od": 1,
    "qd": 1,
    "q24h": 1,
    "bid": 2,
    "bd": 2,
    "q12h": 2,
    "tid": 3,
    "tds": 3,
    "q8h": 3,
    "qid": 4,
    "qds": 4,
    "q6h": 4,
    "every other day": 1 / 2,
    "qod": 1 / 2,
    "every 2 days": 1 / 2,
    "q48h": 1 / 2,
    "weekly": 1 / 7,
    "qw": 1 / 7,
    "every 2 weeks": 1 / 14,
    "fortnightly": 1 / 14,
    "q3w": 1 / 21,
    "q4w": 1 / 28,
}
OLD_UNITS = {
    "mg": ("", 1.0),
    "g": ("", 1000.0),
    "ug": ("", 0.001),
    "mcg": ("", 0.001),
    "mg/kg": ("kg", 1.0),
    "ug/kg": ("kg", 0.001),
    "mg/m2": ("m2", 1.0),
    "mg/m²": ("m2", 1.0),
    "g/m2": ("m2", 1000.0),
}


@pytest.mark.parametrize(("written", "per_day"), OLD_FREQUENCIES.items())
def test_old_frequencies_keep_their_meaning(written, per_day):
    name = cat.frequency_index()[cat.name_key(written)]
    assert cat.frequencies().at[name, "per_day"] == pytest.approx(per_day, nan_ok=True)


@pytest.mark.parametrize(("written", "factor"), OLD_UNITS.items())
def test_old_dose_units_keep_their_meaning_per_administration(written, factor):
    unit = cat.dose_unit_index()[cat.unit_key(written)]
    assert cat.dose_unit_factors()[unit] == factor
    assert cat.dose_unit_bases()[unit][0] == "dose"


@pytest.mark.parametrize("table", ["frequencies.csv", "dose_units.csv", "routes.csv"])
def test_no_spelling_means_two_things(table):
    column = "unit" if table == "dose_units.csv" else "name"
    key = cat.unit_key if table == "dose_units.csv" else cat.name_key
    seen: dict[str, str] = {}
    for name, synonyms in zip(cat._read(table)[column], cat._read(table)["synonyms"], strict=True):
        for alias in [name, *filter(None, synonyms.split(";"))]:
            assert seen.setdefault(key(alias), name) == name, (alias, seen[key(alias)], name)


def test_every_rate_unit_says_its_hours_and_no_other_does():
    for unit, (basis, hours) in cat.dose_unit_bases().items():
        assert basis in ("dose", "day", "rate"), unit
        assert (basis == "rate") == (not math.isnan(hours)), unit
