"""Laboratory flowsheets (wide tables) are read into the long labs table before validation."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.conftest import BUNDLED
from timeline import load_case
from timeline.errors import CaseLoadError, ProblemCode
from timeline.flowsheet import is_flowsheet, table_from_text, to_long
from timeline.sources import read_path

TESTS_AS_ROWS = (
    "Test,Unit,2000-01-02 07:00,2000-01-05 07:00\n"
    "Ferritin,ng/mL,>40000 H,12 000\n"
    "Platelets (10^9/L),,85 L,\n"
    "CRP,mg/L,<5,36\n"
)
DATES_AS_ROWS = "Date;Ferritin (ng/mL);ALT [U/L];Fibrinogen (g/L)\n2000-01-02;1200;45;1.1 L\n2000-01-04 08:00;800;;\n"


def test_tests_as_rows_with_units_in_a_column_or_the_heading(case_folder):
    case = load_case(case_folder(labs=TESTS_AS_ROWS))
    labs = case.labs.set_index(["test", "time"])
    ferritin = labs.loc[("ferritin", pd.Timestamp("2000-01-02 07:00"))]
    assert (ferritin["value"], ferritin["qualifier"], ferritin["lab_flag"]) == (40000, ">", "H")
    assert labs.loc[("ferritin", pd.Timestamp("2000-01-05 07:00")), "value"] == 12000
    assert labs.loc[("platelets", pd.Timestamp("2000-01-02 07:00")), "lab_flag"] == "L"
    assert labs.loc[("crp", pd.Timestamp("2000-01-02 07:00")), "qualifier"] == "<"
    assert len(case.labs) == 5  # the empty cell is no result
    (notice,) = [w for w in case.warnings if w.code is ProblemCode.READ_AS_FLOWSHEET]
    assert "tests as rows" in notice.message
    assert "5 results of 3 tests at 2 times" in notice.message


def test_dates_as_rows_with_units_in_the_headings(case_folder):
    case = load_case(case_folder(labs=DATES_AS_ROWS))
    labs = case.labs.set_index(["test", "time"])
    assert labs.loc[("ferritin", pd.Timestamp("2000-01-04 08:00")), "value"] == 800
    assert labs.loc[("alt", pd.Timestamp("2000-01-02")), "unit"] == "U/L"
    assert labs.loc[("fibrinogen", pd.Timestamp("2000-01-02")), "lab_flag"] == "L"
    assert any("dates as rows" in w.message for w in case.warnings)


def test_a_workbook_sheet_can_be_a_flowsheet(tmp_path, case_folder):
    import csv

    import openpyxl

    folder = case_folder()
    book = openpyxl.Workbook()
    for name in ("case", "treatments", "events"):
        sheet = book.create_sheet(name)
        with (folder / f"{name}.csv").open(encoding="utf-8") as f:
            for row in csv.reader(f):
                sheet.append(row)
    labs = book.create_sheet("labs")
    labs.append(["Test", "Unit", pd.Timestamp("2000-01-02").to_pydatetime(), "2000-01-03"])
    labs.append(["Ferritin", "ng/mL", 1500, 900])
    del book["Sheet"]
    path = tmp_path / "case.xlsx"
    book.save(path)
    case = load_case(path)
    assert case.labs.set_index("time").loc[pd.Timestamp("2000-01-02"), "value"] == 1500
    assert len(case.labs) == 2


def test_ambiguous_date_heading_is_a_problem_naming_the_cell(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs="Test,Unit,01/02/2000,2000-01-03\nFerritin,ng/mL,100,200\n"))
    (found,) = [p for p in caught.value.errors if p.code is ProblemCode.FLOWSHEET_AMBIGUOUS]
    assert (found.row, found.column, found.value) == (1, "01/02/2000", "01/02/2000")
    assert "YYYY-MM-DD" in found.message


def test_unknown_heading_beside_dates_is_a_problem_not_a_guess(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs="Test,Unit,Comment,2000-01-03\nFerritin,ng/mL,x,200\n"))
    assert any(
        p.code is ProblemCode.FLOWSHEET_AMBIGUOUS and p.column == "Comment"
        for p in caught.value.errors
    )


def test_ambiguous_date_row_is_a_problem(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs="Date,Ferritin (ng/mL)\n2000-01-02,100\n03/01/2000,200\n"))
    (found,) = [p for p in caught.value.errors if p.code is ProblemCode.FLOWSHEET_AMBIGUOUS]
    assert (found.row, found.value) == (3, "03/01/2000")


def test_a_bad_value_names_its_flowsheet_cell(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs="Test,Unit,2000-01-02,2000-01-03\nFerritin,ng/mL,100,lots\n"))
    (found,) = [p for p in caught.value.errors if p.code is ProblemCode.BAD_NUMBER]
    assert found.where == "labs.csv, row 2, column '2000-01-03'"
    assert found.value == "lots"


def test_the_long_labs_table_is_not_a_flowsheet():
    assert not is_flowsheet(read_path(BUNDLED).tables["labs"])


def test_pasted_text_is_read_as_a_flowsheet_preview():
    table = table_from_text("Test\tUnit\t2000-01-02\t2000-01-03\nCRP\tmg/L\t<5\t12\n")
    long, origins, problems = to_long(table)
    assert long[["time", "test", "value", "unit"]].values.tolist() == [
        ["2000-01-02", "CRP", "<5", "mg/L"],
        ["2000-01-03", "CRP", "12", "mg/L"],
    ]
    assert origins[3][0] == "pasted labs, row 2, column '2000-01-03'"
    assert not problems


def test_preview_of_pasted_text_and_of_text_that_is_no_flowsheet():
    from timeline.flowsheet import preview

    rows, problems = preview("Date\tFerritin (ng/mL)\n2000-01-02\t1200\n")
    assert rows[["test", "value", "unit"]].values.tolist() == [["Ferritin", "1200", "ng/mL"]]
    assert not problems
    rows, problems = preview("just some words\nmore words")
    assert rows.empty
    assert problems[0].code is ProblemCode.FLOWSHEET_AMBIGUOUS


def test_a_long_table_missing_its_value_column_is_not_taken_for_a_flowsheet(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs="time,test,result,unit\n2000-01-02,ferritin,100,ng/mL\n"))
    assert any(p.code is ProblemCode.MISSING_COLUMN for p in caught.value.errors)
    assert not any(p.code is ProblemCode.READ_AS_FLOWSHEET for p in caught.value.problems)
