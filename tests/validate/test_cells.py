"""Cell parsers and the header: each bad cell is located by file, row and column."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import CaseLoadError, Problem, Severity, load_case
from timeline.errors import ProblemCode as C
from timeline.validate.cells import Report, dates, header_key, lookup, numbers, row_list

from ..conftest import BUNDLED, rows_of
from .conftest import only_error

T, L, E = "treatments", "labs", "events"
TR, LR, ER = rows_of(T), rows_of(L), rows_of(E)

# (table, appended row, expected row, column, code, message fragment)
ERRORS = [
    (
        T,
        "ruxolitinib,2000-13-01,,5,mg,twice daily,oral,,",
        TR,
        "start",
        C.BAD_DATE,
        "is not a date",
    ),
    (
        T,
        "ruxolitinib,14/01/2000,,5,mg,twice daily,oral,,",
        TR,
        "start",
        C.AMBIGUOUS_DATE,
        "day/month order is ambiguous",
    ),
    (T, "ruxolitinib,,,5,mg,twice daily,oral,,", TR, "start", C.EMPTY_REQUIRED, "is empty"),
    (
        T,
        "ruxolitinib,2000-02-10,,five,mg,twice daily,oral,,",
        TR,
        "dose",
        C.BAD_NUMBER,
        "is not a number",
    ),
    (
        T,
        'ruxolitinib,2000-02-10,,"2,5",mg,twice daily,oral,,',
        TR,
        "dose",
        C.COMMA_DECIMAL,
        "decimal separator",
    ),
    (T, ",2000-02-10,,5,mg,twice daily,oral,,", TR, "drug", C.EMPTY_REQUIRED, "is empty"),
    (L, "2000-01-05 07:00,ferritin,high,ng/mL,,,", LR, "value", C.BAD_NUMBER, "is not a number"),
    (L, "2000-01-05 07:00,ferritin,,ng/mL,,,", LR, "value", C.EMPTY_REQUIRED, "is empty"),
    (L, "2000-01-05 07:00,ferritin,900,,,,", LR, "unit", C.EMPTY_REQUIRED, "is empty"),
    (L, "2000-01-05 7am,ferritin,900,ng/mL,,,", LR, "time", C.BAD_DATE, "is not a date"),
    (
        L,
        "2000-01-05 07:00,ferritin,inf,ng/mL,,,",
        LR,
        "value",
        C.NUMBER_OUT_OF_RANGE,
        "is not a finite number",
    ),
    (E, "2000-01-09,,,Something,", ER, "type", C.EMPTY_REQUIRED, "is empty"),
]


@pytest.mark.parametrize(("table", "row_text", "row", "column", "code", "fragment"), ERRORS)
def test_each_error_names_file_row_and_column(
    with_rows, table, row_text, row, column, code, fragment
):
    problem = only_error(with_rows(table, row_text))
    assert (problem.where, problem.row, problem.column) == (f"{table}.csv", row, column)
    assert problem.code is code
    assert fragment in problem.message


def test_duplicate_row_names_the_row_it_repeats(with_rows):
    original = (BUNDLED / "labs.csv").read_text(encoding="utf-8").splitlines()[1]
    with pytest.raises(CaseLoadError, match="repeats row 2 exactly") as caught:
        load_case(with_rows(L, original))
    assert (caught.value.errors[0].row, caught.value.errors[0].code) == (LR, C.DUPLICATE_ROW)


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        (
            b"drug,start,dose\nx,2000-01-01,1\n",
            C.MISSING_COLUMN,
            "is missing from the header: add a 'dose_unit'",
        ),
        (
            b"drug,drug,start,end,dose,dose_unit,frequency\n",
            C.DUPLICATE_HEADING,
            "appears twice in the header",
        ),
        (
            b"drug,,start,end,dose,dose_unit,frequency\nx,y,2000-01-01,,1,mg,once\n",
            C.UNNAMED_COLUMN,
            "column 2 has values but no heading",
        ),
    ],
)
def test_malformed_header(case_folder, content, code, fragment):
    with pytest.raises(CaseLoadError, match=fragment) as caught:
        load_case(case_folder(treatments=content))
    assert code in {p.code for p in caught.value.errors}


def test_unknown_column_is_a_warning_not_silently_ignored(case_folder):
    text = "time,test,value,unit,comment\n2000-01-02 07:00,ferritin,900,ng/mL,x\n"
    case = load_case(case_folder(labs=text))
    assert [(p.column, p.code) for p in case.warnings] == [("comment", C.UNKNOWN_COLUMN)]


def test_template_example_rows_are_flagged_with_their_code():
    from timeline.datasets import TEMPLATE

    case = load_case(TEMPLATE)
    assert {p.code for p in case.warnings if "example row" in p.message} == {C.EXAMPLE_ROW}


# --- the parsers on their own ---------------------------------------------------


def _report() -> tuple[Report, list[Problem]]:
    problems: list[Problem] = []
    return Report("t.csv", problems), problems


def test_dates_parse_iso_and_report_the_rest_in_row_order():
    report, problems = _report()
    text = pd.Series(
        ["2000-01-05", "05/01/2000", "", "2000-01-05 07:30", "soon"], index=[2, 3, 4, 5, 6]
    )
    parsed = dates(text, "start", report, required=True)
    assert parsed[2] == pd.Timestamp("2000-01-05")
    assert parsed[5] == pd.Timestamp("2000-01-05 07:30")
    assert parsed[[3, 4, 6]].isna().all()
    assert [(p.row, p.code) for p in problems] == [
        (3, C.AMBIGUOUS_DATE),
        (6, C.BAD_DATE),
        (4, C.EMPTY_REQUIRED),
    ]


def test_numbers_refuse_infinity_and_comma_decimals():
    report, problems = _report()
    parsed = numbers(pd.Series(["2.5", "2,5", "inf", ""]), "dose", report, required=False)
    assert parsed[0] == 2.5
    assert parsed[1:].isna().all()
    assert [(p.row, p.code) for p in problems] == [(1, C.COMMA_DECIMAL), (2, C.NUMBER_OUT_OF_RANGE)]


def test_header_key_and_lookup_normalise_spelling():
    assert header_key(" Dose-Unit ") == "dose_unit"
    found = lookup(pd.Series(["Ferritin", "nothing", ""]), {"ferritin": "ferritin"})
    assert found.tolist() == ["ferritin", None, None]


def test_grouped_warning_lists_its_rows_once():
    report, problems = _report()
    text = pd.Series(["x", "y", "x"], index=[2, 3, 4])
    report.grouped(text.ne("y"), text, "drug", C.UNKNOWN_DRUG, "is unknown.")
    (problem,) = problems
    assert (problem.row, problem.severity, problem.message) == (
        2,
        Severity.WARNING,
        "is unknown. (rows 2, 4)",
    )
    assert row_list(list(range(10))) == "0, 1, 2, 3, 4, 5, 6, 7 and 2 more"
