"""The whole case: the anchor, and every problem carrying a code beside its message."""

from __future__ import annotations

import pytest

from timeline import CaseLoadError, Problem, Severity, load_case
from timeline.errors import ProblemCode
from timeline.errors import ProblemCode as C

from ..conftest import BUNDLED, rows_of

CASE = (BUNDLED / "case.csv").read_text(encoding="utf-8")


def test_anchor_that_matches_no_event(case_folder):
    text = CASE.replace("anchor,admission", "anchor,surgery")
    with pytest.raises(CaseLoadError, match="matches no event") as caught:
        load_case(case_folder(case=text))
    (problem,) = caught.value.errors
    assert (problem.where, problem.column, problem.value) == ("case.csv", "value", "surgery")
    assert problem.code is C.ANCHOR_NOT_FOUND


# (table, appended row, a code expected among the problems)
BAD_FILES = [
    ("treatments", "ruxolitinib,14/01/2000,,5,mg,daily,oral,,", C.AMBIGUOUS_DATE),
    ("treatments", "ruxolitinib,2000-02-10,2000-02-01,5,mg,daily,oral,,", C.END_BEFORE_START),
    ("treatments", "ruxolitinib,2000-13-01,,0,mg,hourly,oral,bolus,", C.UNKNOWN_KIND),
    ("labs", "2000-01-05 07:00,ferritin,900,ng/mL,300,20,", C.REF_ORDER),
    ("labs", "2000-01-05 07:00,ferritin,900,ng/mL,,,,extra", C.STRAY_CELLS),
    ("labs", "x,zyxomab,z,,,,example", C.BAD_DATE),
    ("events", "2000-01-09,,haircut,Haircut,", None),  # only a warning: loads
]


@pytest.mark.parametrize(("table", "row", "code"), BAD_FILES)
def test_every_problem_carries_a_code(with_rows, table, row, code):
    try:
        problems = load_case(with_rows(table, row)).warnings
    except CaseLoadError as exc:
        problems = exc.problems
    assert problems
    assert all(isinstance(p.code, ProblemCode) for p in problems)
    if code is not None:
        assert code in {p.code for p in problems}


def test_end_before_start_blames_the_end_column(with_rows):
    with pytest.raises(CaseLoadError) as caught:
        load_case(with_rows("treatments", "ruxolitinib,2000-02-10,2000-02-01,5,mg,daily,oral,,"))
    (problem,) = caught.value.errors
    assert (problem.code, problem.column) == (C.END_BEFORE_START, "end")
    assert str(problem) == (
        f"error: treatments.csv, row {rows_of('treatments')}, column 'end': '2000-02-01': "
        "ends before it starts: check both dates (end is the last day, inclusive)."
    )


def test_problem_reads_as_one_line():
    problem = Problem(
        Severity.ERROR, C.BAD_NUMBER, "labs.csv", "is not a number.", 12, "value", "high"
    )
    assert str(problem) == "error: labs.csv, row 12, column 'value': 'high': is not a number."


def test_problem_text_never_shows_its_code():
    problem = Problem(Severity.WARNING, C.UNKNOWN_SHEET, "c.xlsx, sheet 'x'", "is not read.")
    assert str(problem) == "warning: c.xlsx, sheet 'x': is not read."
    assert C.UNKNOWN_SHEET.value == "unknown_sheet"
