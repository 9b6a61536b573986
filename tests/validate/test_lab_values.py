"""Lab values as laboratories write them: censored, qualitative, flagged, with separators."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline.errors import Problem, Severity
from timeline.errors import ProblemCode as C
from timeline.model import LAB_FLAGS, LABS_SCHEMA, QUALITATIVE_RESULTS
from timeline.sources import RawTable
from timeline.validate.tables import LABS, build_table

HEADER = ["time", "test", "value", "unit", "ref_low", "ref_high", "note"]


def _labs(*rows: tuple[str, str, str]) -> tuple[pd.DataFrame | None, list[Problem]]:
    """The labs table built from (test, value, unit) rows, one a day; and its problems."""
    frame = pd.DataFrame(
        [
            [f"2025-01-{k + 1:02d} 07:00", test, value, unit, "", "", ""]
            for k, (test, value, unit) in enumerate(rows)
        ],
        columns=HEADER,
        dtype=str,
        index=range(2, len(rows) + 2),  # spreadsheet rows: the header is row 1
    )
    problems: list[Problem] = []
    return build_table(LABS, RawTable("labs.csv", frame), problems), problems


# (test, cell, unit) -> (value, qualifier, value_text, result_text, lab_flag), no error.
# The cells first: '>40000', '<5', '31 000', 'detected', 'not detected' (unit empty).
LOADS = [
    ("ferritin", ">40000", "µg/L", (40000.0, ">", "40000", "", "")),
    ("CRP", "<5", "mg/L", (5.0, "<", "5", "", "")),
    ("ferritin", "31 000", "µg/L", (31000.0, "", "31 000", "", "")),
    ("CMV PCR", "detected", "", (math.nan, "", "detected", "detected", "")),
    ("CMV PCR", "not detected", "", (math.nan, "", "not detected", "not detected", "")),
    # the same words, however capitalised or spaced; kept as typed in value_text
    ("CMV PCR", "Not  Detected", "", (math.nan, "", "Not  Detected", "not detected", "")),
    ("EBV PCR", "NEGATIVE", "", (math.nan, "", "NEGATIVE", "negative", "")),
    ("HBsAg", "non-reactive", "", (math.nan, "", "non-reactive", "non-reactive", "")),
    # a word may still carry a unit when the sheet gives one
    ("blood culture", "positive", "none", (math.nan, "", "positive", "positive", "")),
    # comparators, with or without a space, typed or typeset
    ("platelets", "≤ 20", "10^9/L", (20.0, "<=", "20", "", "")),
    ("ferritin", ">= 1000", "µg/L", (1000.0, ">=", "1000", "", "")),
    # thousands separators: space, no-break space, narrow no-break space, comma
    ("ferritin", "40\u00a0000", "µg/L", (40000.0, "", "40\u00a0000", "", "")),
    ("ferritin", "40\u202f000", "µg/L", (40000.0, "", "40\u202f000", "", "")),
    ("ferritin", "1,234,567", "µg/L", (1234567.0, "", "1,234,567", "", "")),
    ("ferritin", "1,234.5", "µg/L", (1234.5, "", "1,234.5", "", "")),
    ("ferritin", ">40 000", "µg/L", (40000.0, ">", "40 000", "", "")),
    # the laboratory's flag after the number: kept, never part of it
    ("CRP", "12.5 H", "mg/L", (12.5, "", "12.5", "", "H")),
    ("CRP", "12.5H", "mg/L", (12.5, "", "12.5", "", "H")),
    ("ferritin", "38200 H*", "µg/L", (38200.0, "", "38200", "", "H*")),
    ("platelets", "8 LL", "10^9/L", (8.0, "", "8", "", "LL")),
    ("fibrinogen", "0.6 l", "g/L", (0.6, "", "0.6", "", "L")),
    ("AST", "2150 HH", "U/L", (2150.0, "", "2150", "", "HH")),
    ("sodium", "118 CRIT", "mmol/L", (118.0, "", "118", "", "CRIT")),
    ("CRP", "30 A", "mg/L", (30.0, "", "30", "", "A")),
    ("ferritin", ">40000 H", "µg/L", (40000.0, ">", "40000", "", "H")),
    ("ferritin", "40 000 H", "µg/L", (40000.0, "", "40 000", "", "H")),
    # a trailing zero keeps the precision it was written with
    ("CRP", "3.40", "mg/L", (3.4, "", "3.40", "", "")),
]


@pytest.mark.parametrize(("test", "cell", "unit", "expected"), LOADS)
def test_each_value_form_loads_as_written(test, cell, unit, expected):
    labs, problems = _labs((test, cell, unit))
    assert labs is not None, [str(p) for p in problems]
    row = labs.iloc[0]
    value, qualifier, text, word, flag = expected
    # the number in the canonical unit: ferritin µg/L = ng/mL, CRP mg/L, platelets 10^9/L,
    # fibrinogen g/L, AST U/L are the catalogue's own units (a factor of 1)
    if math.isnan(value):
        assert math.isnan(row["value"])
        assert math.isnan(row["value_input"])
    else:
        assert row["value_input"] == value
    assert (row["qualifier"], row["value_text"], row["result_text"], row["lab_flag"]) == (
        qualifier,
        text,
        word,
        flag,
    )
    LABS_SCHEMA.validate(labs)


def test_a_lone_comma_before_three_digits_is_forty_thousand_and_says_so():
    labs, problems = _labs(("ferritin", "40,000", "µg/L"))
    assert labs is not None
    assert labs.loc[0, "value_input"] == 40000.0  # 40,000: forty thousand
    (warning,) = problems
    assert (warning.severity, warning.code, warning.row, warning.column, warning.value) == (
        Severity.WARNING,
        C.THOUSANDS_ASSUMED,
        2,
        "value",
        "40,000",
    )
    assert "read as 40000" in warning.message
    assert "a decimal comma would be 40.000" in warning.message


def test_the_assumption_names_the_whole_cell():
    labs, problems = _labs(("ferritin", ">40,000 H", "µg/L"))
    assert labs is not None
    assert (labs.loc[0, "qualifier"], labs.loc[0, "value_input"], labs.loc[0, "lab_flag"]) == (
        ">",
        40000.0,
        "H",
    )
    assert [(p.code, p.value) for p in problems] == [(C.THOUSANDS_ASSUMED, ">40,000 H")]


# (cell, code, message fragment): refused, naming the cell
REFUSED = [
    ("2,5", C.COMMA_DECIMAL, "use a point as the decimal separator"),
    ("0,500", C.COMMA_DECIMAL, "use a point as the decimal separator"),
    ("4,0000", C.COMMA_DECIMAL, "use a point as the decimal separator"),
    ("<2,5", C.COMMA_DECIMAL, "use a point as the decimal separator"),
    ("1.234,5", C.AMBIGUOUS_NUMBER, "without guessing"),
    ("40 00", C.AMBIGUOUS_NUMBER, "without guessing"),
    ("1,23,456", C.AMBIGUOUS_NUMBER, "without guessing"),
    ("40 000,5", C.AMBIGUOUS_NUMBER, "without guessing"),
    ("high", C.BAD_NUMBER, "nor a result this file accepts"),
    ("<negative", C.BAD_NUMBER, "nor a result this file accepts"),
    ("pos", C.BAD_NUMBER, "nor a result this file accepts"),
    ("12.5 HIGH", C.BAD_NUMBER, "is not a number"),
    ("12 mg/L", C.BAD_NUMBER, "is not a number"),
    ("inf", C.NUMBER_OUT_OF_RANGE, "is not a finite number"),
]


@pytest.mark.parametrize(("cell", "code", "fragment"), REFUSED)
def test_an_ambiguous_or_unknown_value_is_an_error_naming_cell_and_value(cell, code, fragment):
    labs, problems = _labs(("CRP", cell, "mg/L"))
    assert labs is None
    (error,) = [p for p in problems if p.severity is Severity.ERROR]
    assert (error.code, error.row, error.column, error.value) == (code, 2, "value", cell)
    assert fragment in error.message


def test_a_number_still_needs_its_unit_but_a_word_does_not():
    labs, problems = _labs(("CRP", "12", ""))
    assert labs is None
    assert [(p.code, p.column) for p in problems] == [(C.EMPTY_REQUIRED, "unit")]
    labs, problems = _labs(("CMV PCR", "detected", ""))
    assert labs is not None


def test_the_accepted_words_and_flags_are_documented_in_the_model():
    import timeline.model

    doc = timeline.model.__doc__ or ""
    assert "result_text" in doc
    assert "lab_flag" in doc
    assert "not detected" in QUALITATIVE_RESULTS
    assert {"H", "L", "HH", "LL", "H*", "A", "CRIT"} <= set(LAB_FLAGS)  # CLINICAL.md §3b


# --- any text at all ------------------------------------------------------------

VALUE_CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            "40 000",
            "40,000",
            "2,5",
            ">40000",
            "< 5 H",
            "detected",
            "NOT DETECTED",
            "≥",
            "<",
            "H",
            "12.5 H*",
            "1.234,5",
            "\u202f",
            "nan",
            "-0",
            "1e400",
            ">=-3 LL",
        ]
    ),
    st.text(max_size=16),
    st.text(alphabet="0123456789 ,.<>=≤≥HLA*-\u00a0\u202f", max_size=12),
)


@settings(max_examples=120, deadline=None)
@given(cell=VALUE_CELLS)
def test_any_value_text_is_a_number_a_censored_number_a_result_or_a_problem(cell):
    labs, problems = _labs(("CRP", cell, "mg/L"))
    if labs is None:
        errors = [p for p in problems if p.severity is Severity.ERROR]
        assert errors
        assert all(p.row == 2 and p.column in ("value", "unit") for p in errors)
        return
    row = labs.iloc[0]
    if row["result_text"]:  # a qualitative result: no number
        assert row["result_text"] in QUALITATIVE_RESULTS
        assert math.isnan(row["value"])
        assert row["qualifier"] == ""
    else:  # a number, censored or not, finite
        assert math.isfinite(row["value"])
        assert row["qualifier"] in ("", "<", ">", "<=", ">=")
        assert row["lab_flag"] in ("", *LAB_FLAGS)
    LABS_SCHEMA.validate(labs)
