"""Every kind of problem the validator knows, located by file, row and column."""

from __future__ import annotations

import pytest

from timeline import CaseLoadError, Severity, load_case

from .conftest import BUNDLED, rows_of

T, L, E = "treatments", "labs", "events"
TR = rows_of(T)
LR = rows_of(L)
ER = rows_of(E)

# (table, appended row, expected row, column, message fragment)
ERRORS = [
    (T, "ruxolitinib,2000-13-01,,5,mg,twice daily,oral,,", TR, "start", "is not a date"),
    (
        T,
        "ruxolitinib,14/01/2000,,5,mg,twice daily,oral,,",
        TR,
        "start",
        "day/month order is ambiguous",
    ),
    (T, "ruxolitinib,,,5,mg,twice daily,oral,,", TR, "start", "is empty"),
    (
        T,
        "ruxolitinib,2000-02-10,2000-02-01,5,mg,twice daily,oral,,",
        TR,
        "end",
        "ends before it starts",
    ),
    (T, "ruxolitinib,2000-02-10,,0,mg,twice daily,oral,,", TR, "dose", "is not above 0"),
    (T, "ruxolitinib,2000-02-10,,-5,mg,twice daily,oral,,", TR, "dose", "is not above 0"),
    (T, "ruxolitinib,2000-02-10,,five,mg,twice daily,oral,,", TR, "dose", "is not a number"),
    (T, 'ruxolitinib,2000-02-10,,"2,5",mg,twice daily,oral,,', TR, "dose", "decimal separator"),
    (
        T,
        "ruxolitinib,2000-02-10,,5,tablets,twice daily,oral,,",
        TR,
        "dose_unit",
        "is not a dose unit",
    ),
    (T, "ruxolitinib,2000-02-10,,5,mg,now and then,oral,,", TR, "frequency", "is not a frequency"),
    (T, "ruxolitinib,2000-02-10,,5,mg,twice daily,oral,bolus,", TR, "kind", "is not a kind"),
    (
        T,
        "tocilizumab,2000-02-10,2000-02-12,288,mg,once,intravenous,infusion,",
        TR,
        "end",
        "frequency is 'once'",
    ),
    (T, ",2000-02-10,,5,mg,twice daily,oral,,", TR, "drug", "is empty"),
    (L, "2000-01-05 07:00,ferritin,high,ng/mL,,,", LR, "value", "is not a number"),
    (L, "2000-01-05 07:00,ferritin,,ng/mL,,,", LR, "value", "is empty"),
    (L, "2000-01-05 07:00,ferritin,900,mg/dL,,,", LR, "unit", "is not a unit for Ferritin"),
    (L, "2000-01-05 07:00,platelets,90,g/L,,,", LR, "unit", "is not a unit for Platelets"),
    (L, "2000-01-05 07:00,ferritin,900,,,,", LR, "unit", "is empty"),
    (L, "2000-01-05 07:00,ferritin,900,ng/mL,300,20,", LR, "ref_high", "ref_low is above ref_high"),
    (L, "2000-01-05 7am,ferritin,900,ng/mL,,,", LR, "time", "is not a date"),
    (L, "2000-01-05 07:00,ferritin,inf,ng/mL,,,", LR, "value", "is not a number"),
    (E, "2000-01-09,2000-01-02,fever,Fever,", ER, "end", "ends before it starts"),
    (E, "2000-01-09,,,Something,", ER, "type", "is empty"),
]


@pytest.mark.parametrize(("table", "row_text", "row", "column", "fragment"), ERRORS)
def test_each_error_names_file_row_and_column(with_rows, table, row_text, row, column, fragment):
    with pytest.raises(CaseLoadError) as caught:
        load_case(with_rows(table, row_text))
    errors = caught.value.errors
    assert len(errors) == 1, [str(e) for e in errors]
    (problem,) = errors
    assert (problem.where, problem.row, problem.column) == (f"{table}.csv", row, column)
    assert fragment in problem.message


def test_duplicate_row_names_the_row_it_repeats(with_rows):
    original = (BUNDLED / "labs.csv").read_text(encoding="utf-8").splitlines()[1]
    with pytest.raises(CaseLoadError, match="repeats row 2 exactly") as caught:
        load_case(with_rows(L, original))
    assert caught.value.errors[0].row == LR


def test_every_problem_is_reported_at_once(with_rows):
    folder = with_rows(T, "ruxolitinib,2000-13-01,,0,mg,hourly,oral,,")
    with pytest.raises(CaseLoadError) as caught:
        load_case(folder)
    assert {p.column for p in caught.value.errors} == {"start", "dose", "frequency"}


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"\x00\x01\x02binary", "is not readable text"),
        (b"drug,start,dose\nx,2000-01-01,1\n", "is missing from the header: add a 'dose_unit'"),
        (b"drug,drug,start,end,dose,dose_unit,frequency\n", "appears twice in the header"),
        (b"\ndrug,start\n", "has no header in row 1"),
    ],
)
def test_unreadable_or_malformed_tables(case_folder, content, fragment):
    with pytest.raises(CaseLoadError, match=fragment):
        load_case(case_folder(treatments=content))


def test_stray_cells_beyond_the_header_are_an_error_not_dropped(with_rows):
    with pytest.raises(CaseLoadError, match="more cells than the header") as caught:
        load_case(with_rows(L, "2000-01-05 07:00,ferritin,900,ng/mL,,,,extra"))
    assert caught.value.errors[0].row == LR


def test_missing_table(case_folder):
    folder = case_folder()
    (folder / "events.csv").unlink()
    with pytest.raises(CaseLoadError, match=r"events\.csv: is missing from case"):
        load_case(folder)


def test_anchor_that_matches_no_event(case_folder):
    text = (
        (BUNDLED / "case.csv")
        .read_text(encoding="utf-8")
        .replace("anchor,admission", "anchor,surgery")
    )
    with pytest.raises(CaseLoadError, match="matches no event"):
        load_case(case_folder(case=text))


def test_missing_required_case_key(case_folder):
    lines = (BUNDLED / "case.csv").read_text(encoding="utf-8").splitlines()
    text = "\n".join(line for line in lines if not line.startswith("title,")) + "\n"
    with pytest.raises(CaseLoadError, match="the case needs 'title'"):
        load_case(case_folder(case=text))


# (table, appended row, column, message fragment): loaded, with a warning
WARNINGS = [
    (
        T,
        "methylprednisolone,2000-02-10,2000-02-11,1050,mg,daily,intravenous,pulse,",
        "dose",
        "above 1000 mg/day",
    ),
    (
        T,
        "methylprednisolone,2000-02-10,2000-02-11,40,mg/kg,daily,intravenous,pulse,",
        "dose",
        "above 30 mg/kg/day",
    ),
    (
        T,
        "tocilizumab,2000-01-30,,288,mg,once,intravenous,infusion,",
        "dose",
        "10 days after the previous dose",
    ),
    (T, "ruxolitinib,2000-05-10,,5,mg,twice daily,by nasogastric tube,,", "route", "not a route"),
    (L, "2000-01-05 09:00,fibrinogen,250,g/L,,,", "value", "entered in mg/dL"),
    (L, "2000-01-05 09:00,triglycerides,2.1,mg/dL,,,", "value", "entered in mmol/L"),
    (L, "2000-01-05 09:00,ferritin,99999,ng/mL,,,", None, None),
    (E, "2000-01-09,,haircut,Haircut,", "type", "not an event type"),
]


@pytest.mark.parametrize(("table", "row_text", "column", "fragment"), WARNINGS)
def test_plausibility_and_unknowns_warn_but_load(with_rows, table, row_text, column, fragment):
    case = load_case(with_rows(table, row_text))
    if fragment is None:  # a plausible value: no warning at all
        assert case.warnings == ()
        return
    assert case.warnings, "expected a warning"
    assert all(w.severity is Severity.WARNING and w.column == column for w in case.warnings)
    assert any(fragment in w.message for w in case.warnings)


def test_conflicting_results_at_one_time_warn(with_rows):
    case = load_case(with_rows(L, "2000-01-01 07:00,ferritin,1300,ng/mL,,,"))
    (warning,) = case.warnings
    assert "different results at the same time" in warning.message


def test_unknown_column_is_a_warning_not_silently_ignored(case_folder):
    text = "time,test,value,unit,comment\n2000-01-02 07:00,ferritin,900,ng/mL,x\n"
    case = load_case(case_folder(labs=text))
    assert [p.column for p in case.warnings] == ["comment"]


def test_problem_reads_as_one_line():
    from timeline import Problem

    problem = Problem(Severity.ERROR, "labs.csv", "is not a number.", 12, "value", "high")
    assert str(problem) == "error: labs.csv, row 12, column 'value': 'high': is not a number."
