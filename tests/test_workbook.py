"""Case workbooks: identifiers are written only when asked; the round trip keeps every value."""

from __future__ import annotations

import dataclasses
import io

import openpyxl
import pandas as pd
import pytest

from timeline import load_case, load_case_bytes
from timeline.cli import main
from timeline.workbook import MAX_CELL_CHARS, CellTooLong, case_workbook_bytes

from .conftest import BUNDLED

IDENTIFIERS = ("Jane Doe", "1989-02-03", "MRN-556677")


@pytest.fixture
def identified(case_folder):
    text = (BUNDLED / "case.csv").read_text(encoding="utf-8")
    text += "name,Jane Doe\nbirth_date,1989-02-03\nrecord_number,MRN-556677\n"
    return load_case(case_folder(case=text))


@pytest.mark.parametrize("asked", [True, False])
def test_identifiers_reach_the_workbook_only_when_asked(identified, asked):
    again = load_case_bytes(
        "again.xlsx", case_workbook_bytes(identified, include_identifiers=asked)
    )
    assert again.identifiers.values() == (IDENTIFIERS if asked else ())
    assert again.info == identified.info


@pytest.mark.parametrize(("flag", "expected"), [([], ()), (["--with-identifiers"], IDENTIFIERS)])
def test_workbook_command_writes_identifiers_only_with_its_flag(
    case_folder, tmp_path, flag, expected
):
    folder = case_folder(
        case=(BUNDLED / "case.csv").read_text(encoding="utf-8")
        + "name,Jane Doe\nbirth_date,1989-02-03\nrecord_number,MRN-556677\n"
    )
    out = tmp_path / "case.xlsx"
    assert main(["workbook", str(folder), str(out), *flag]) == 0
    assert load_case(out).identifiers.values() == expected


FORMULA_LIKE = [
    "=1+1",
    "+44 20 7946 0000",
    "-rash on the arms",
    "@SUM(A1)",
    '=HYPERLINK("http://x")',
    "#N/A",
]


@pytest.fixture
def formula_case(bundled):
    """The bundled case with formula-like text in every kind of free-text cell."""
    info = dataclasses.replace(bundled.info, title="=1+1 title", source="@cite", diagnosis="+dx")
    events = bundled.events.copy()
    events.loc[events.index[1], "label"] = "-flare"
    events["note"] = [FORMULA_LIKE[i % len(FORMULA_LIKE)] for i in range(len(events))]
    treatments = bundled.treatments.assign(
        note=[FORMULA_LIKE[i % len(FORMULA_LIKE)] for i in range(len(bundled.treatments))]
    )
    notes = pd.DataFrame(
        {"day": [-5.0, 3.0], "text": ["=cmd|' /C calc'!A0", "-worse"], "panel": ["", "lanes"]}
    )
    return dataclasses.replace(
        bundled, info=info, events=events, treatments=treatments, annotations=notes
    )


def test_formula_like_text_is_written_as_text_and_comes_back_unchanged(formula_case):
    data = case_workbook_bytes(formula_case, include_identifiers=False)
    book = openpyxl.load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type in ("f", "e")]
    eq = next(c for c in cells if c.value == "=1+1 title")
    assert eq.data_type == "s"
    assert eq.quotePrefix
    day = book["annotations"]["A2"]
    assert (day.value, day.data_type) == (-5, "n")  # a negative number stays a number
    again = load_case_bytes("again.xlsx", data)
    assert again.info.title == "=1+1 title"
    assert (again.info.source, again.info.diagnosis) == ("@cite", "+dx")
    assert again.events["label"].tolist() == formula_case.events["label"].tolist()
    assert again.events["note"].tolist() == formula_case.events["note"].tolist()
    assert again.treatments["note"].tolist() == formula_case.treatments["note"].tolist()
    assert again.annotations["text"].tolist() == ["=cmd|' /C calc'!A0", "-worse"]
    assert again.annotations["day"].tolist() == [-5.0, 3.0]


def test_a_note_longer_than_a_cell_is_refused_not_cut(bundled):
    notes = pd.DataFrame({"day": [1.0], "text": ["x" * (MAX_CELL_CHARS + 1)], "panel": [""]})
    case = dataclasses.replace(bundled, annotations=notes)
    with pytest.raises(CellTooLong, match=r"annotations, row 2, text \(32,768 characters\)"):
        case_workbook_bytes(case, include_identifiers=False)
    fits = dataclasses.replace(case, annotations=notes.assign(text="x" * MAX_CELL_CHARS))
    again = load_case_bytes("again.xlsx", case_workbook_bytes(fits, include_identifiers=False))
    assert len(again.annotations["text"][0]) == MAX_CELL_CHARS
