"""Case workbooks: identifiers are written only when asked; the round trip keeps every value."""

from __future__ import annotations

import pytest

from timeline import load_case, load_case_bytes
from timeline.cli import main
from timeline.workbook import case_workbook_bytes

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
