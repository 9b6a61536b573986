"""Issue 16 on the input side: every limit, and every reproduction, as a small generated input.

Each test is named after the reproduction it guards. Nothing large is committed:
the inputs are generated here, and the few large ones compress to a few KB.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from timeline import CaseLoadError, load_case, load_case_bytes
from timeline import limits as lim
from timeline.errors import ProblemCode as C
from timeline.errors import Severity
from timeline.validate.cells import parse_date
from timeline.workbook import case_workbook_bytes

from .conftest import BUNDLED, rows_of

LAB = "time,test,value,unit,ref_low,ref_high,note\n"


def _errors(load) -> list:
    with pytest.raises(CaseLoadError) as caught:
        load()
    return list(caught.value.errors)


def _zip(files: dict[str, bytes | str], **extra: zipfile.ZipInfo) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for content, info in extra.items():
            archive.writestr(info, content)
    return buffer.getvalue()


def _bundled_files(folder: str = "case") -> dict[str, bytes | str]:
    return {f"{folder}/{p.name}": p.read_bytes() for p in BUNDLED.iterdir()}


def _workbook(bundled) -> openpyxl.Workbook:
    return openpyxl.load_workbook(
        io.BytesIO(case_workbook_bytes(bundled, include_identifiers=False))
    )


def _saved(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- item 2: dates ----------------------------------------------------------------


@pytest.mark.parametrize(
    "date", ["0001-01-01", "9999-12-31", "2262-04-12", "1677-09-22", "1899-12-31", "2101-01-01"]
)
def test_year_outside_pandas_or_the_clinical_range_in_csv_is_a_clear_error(with_rows, date):
    (error,) = _errors(lambda: load_case(with_rows("labs", f"{date} 07:00,ferritin,100,ng/mL,,,")))
    assert (error.code, error.where, error.row, error.column) == (
        C.DATE_OUT_OF_RANGE,
        "labs.csv",
        rows_of("labs"),
        "time",
    )
    assert error.value == f"{date} 07:00"
    assert "1900-01-01 to 2100-12-31" in error.message


@pytest.mark.parametrize(
    ("cell", "code"),
    [
        (dt.datetime(2262, 4, 12, 7, 0), C.DATE_OUT_OF_RANGE),
        (dt.datetime(9999, 12, 31), C.DATE_OUT_OF_RANGE),
        (dt.datetime(2101, 1, 1), C.DATE_OUT_OF_RANGE),
        (3_000_000, C.BAD_DATE),  # a serial beyond Excel's last day, formatted as a date
    ],
)
def test_real_excel_date_cells_outside_the_range_are_a_clear_error(bundled, cell, code):
    book = _workbook(bundled)
    sheet = book["labs"]
    sheet.append(["", "ferritin", 100, "ng/mL"])
    sheet.cell(sheet.max_row, 1, cell).number_format = "yyyy-mm-dd hh:mm"
    errors = _errors(lambda: load_case_bytes("late.xlsx", _saved(book)))
    assert [(e.code, e.where, e.row, e.column) for e in errors] == [
        (code, "late.xlsx, sheet 'labs'", sheet.max_row, "time")
    ]


def test_command_line_dates_outside_the_range_are_refused():
    with pytest.raises(ValueError, match="outside the dates a clinical record may hold"):
        parse_date("0001-01-01")
    assert parse_date("2100-12-31").year == 2100


def test_a_mistyped_year_2021_in_a_2000_case_is_a_warning_naming_the_row(with_rows):
    case = load_case(with_rows("labs", "2021-01-05 07:00,ferritin,100,ng/mL,,,"))
    (warning,) = [w for w in case.warnings if w.code is C.LONG_SPAN]
    assert (warning.where, warning.row) == ("labs.csv", rows_of("labs"))
    assert f"rows {rows_of('labs')} are far from the rest" in warning.message
    assert "around 2000" in warning.message


def test_a_record_within_the_span_limit_gets_no_span_warning(with_rows):
    case = load_case(with_rows("labs", "2015-01-05 07:00,ferritin,100,ng/mL,,,"))
    assert not [w for w in case.warnings if w.code is C.LONG_SPAN]


# --- item 3: memory ---------------------------------------------------------------


def test_17kb_zip_of_repetitive_rows_is_refused_at_the_row_limit():
    rows = "2000-01-02 07:00,ferritin,900,ng/mL,,,\n" * (lim.MAX_ROWS + 10)
    files = {**_bundled_files(), "case/labs.csv": LAB + rows}
    data = _zip(files)
    assert len(data) < 40_000  # a small upload that inflates a thousandfold
    (error,) = _errors(lambda: load_case_bytes("bomb.zip", data))
    assert (error.code, error.where) == (C.TOO_LARGE, "bomb.zip: labs.csv")
    assert f"more than {lim.MAX_ROWS:,} rows" in error.message


def _nul_zip(size: int, name: str = "case/labs.csv") -> bytes:
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open(name, "w", force_zip64=True) as member,
    ):
        block = bytes(8 << 20)
        for _ in range(size // len(block)):
            member.write(block)
    return buffer.getvalue()


def test_zip_of_nul_bytes_is_refused_before_anything_is_decompressed(monkeypatch):
    data = _nul_zip(lim.MAX_UNZIPPED_BYTES + (8 << 20))
    assert len(data) < 1_000_000
    opened = []
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **_: opened.append(a))
    (error,) = _errors(lambda: load_case_bytes("nul.zip", data))
    assert (error.code, error.where) == (C.TOO_LARGE, "nul.zip")
    assert "would decompress to" in error.message
    assert opened == []


def test_workbook_declaring_too_much_xml_is_refused_before_openpyxl_reads_it(bundled):
    book = case_workbook_bytes(bundled, include_identifiers=False)
    buffer = io.BytesIO(book)
    with (
        zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("xl/media/padding.bin", "w", force_zip64=True) as member,
    ):
        for _ in range(lim.MAX_UNZIPPED_BYTES // (8 << 20) + 1):
            member.write(bytes(8 << 20))
    (error,) = _errors(lambda: load_case_bytes("big.xlsx", buffer.getvalue()))
    assert (error.code, error.where) == (C.TOO_LARGE, "big.xlsx")


def test_nested_zip_bomb_is_never_opened_only_named():
    inner = _zip({f"{i}.zip": _zip({"x.csv": bytes(1 << 20)}) for i in range(8)})
    case = load_case_bytes("nested.zip", _zip({**_bundled_files(), "case/more.zip": inner}))
    extra = [w for w in case.warnings if w.code is C.EXTRA_FILE]
    assert [w.where for w in extra] == ["nested.zip: case/more.zip"]


def test_zip_with_too_many_files_is_refused():
    files = {**_bundled_files(), **{f"case/x{i}.txt": "" for i in range(lim.MAX_ZIP_MEMBERS)}}
    (error,) = _errors(lambda: load_case_bytes("many.zip", _zip(files)))
    assert error.code is C.TOO_LARGE
    assert f"more than {lim.MAX_ZIP_MEMBERS} files" in error.message


def test_case_file_on_disk_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr("timeline.sources.MAX_FILE_BYTES", 1000)
    path = tmp_path / "big.zip"
    path.write_bytes(_zip(_bundled_files()))
    (error,) = _errors(lambda: load_case(path))
    assert (error.code, error.where) == (C.TOO_LARGE, "big.zip")


def test_table_over_the_size_limit_is_not_read(case_folder, monkeypatch):
    monkeypatch.setattr("timeline.sources.MAX_TABLE_BYTES", 1000)
    errors = _errors(lambda: load_case(case_folder()))
    assert (C.TOO_LARGE, "labs.csv") in [(e.code, e.where) for e in errors]


def test_a_cell_longer_than_excels_limit_is_an_error_naming_row_and_column(with_rows):
    note = "x" * (lim.MAX_CELL_CHARS + 1)
    (error,) = _errors(
        lambda: load_case(with_rows("labs", f"2000-01-05 07:00,crp,5,mg/L,,,{note}"))
    )
    assert (error.code, error.row, error.column) == (C.TOO_LARGE, rows_of("labs"), "note")


def test_too_many_columns_is_refused(case_folder):
    header = LAB.strip() + "".join(f",extra{i}" for i in range(lim.MAX_COLUMNS))
    (error,) = _errors(lambda: load_case(case_folder(labs=header + "\n")))
    assert (error.code, error.row) == (C.TOO_LARGE, 1)


def test_thousands_of_bad_rows_list_the_first_problems_then_count_the_rest(case_folder):
    rows = "".join(f"2000-01-02 07:00,ferritin,bad{i},ng/mL,,,\n" for i in range(1000))
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(labs=LAB + rows))
    problems = caught.value.problems
    assert len(problems) == lim.MAX_PROBLEMS + 1
    last = problems[-1]
    assert (last.code, last.severity) == (C.NOT_LISTED, Severity.ERROR)
    assert "800 more problem(s)" in last.message
    assert "800 more problem(s)" in str(caught.value)


def test_many_warnings_on_a_loaded_case_are_capped_too(case_folder):
    rows = "".join(f"2000-01-02 07:00,unknown test {i},1,U,,,\n" for i in range(300))
    case = load_case(case_folder(labs=LAB + rows))
    assert len(case.warnings) == lim.MAX_PROBLEMS + 1
    assert case.warnings[-1].code is C.NOT_LISTED


# --- item 4: formula cells ----------------------------------------------------------


def _with_formula(bundled, cached: str | None) -> bytes:
    book = _workbook(bundled)
    sheet = book["labs"]
    sheet.append(["2000-01-05 07:00", "ferritin", "=800+100", "ng/mL"])
    data = _saved(book)
    if cached is None:
        return data
    # openpyxl never saves a formula's value; Excel does: write it in the XML
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if b"<f>800+100</f>" in content:
                content = content.replace(
                    b"<f>800+100</f><v></v>", f"<f>800+100</f><v>{cached}</v>".encode()
                )
                content = content.replace(
                    b"<f>800+100</f><v/>", f"<f>800+100</f><v>{cached}</v>".encode()
                )
            target.writestr(info, content)
    return out.getvalue()


def test_formula_cell_with_a_saved_value_is_a_warning_and_its_value_is_used(bundled):
    case = load_case_bytes("f.xlsx", _with_formula(bundled, "900"))
    (warning,) = [w for w in case.warnings if w.code is C.FORMULA_CELL]
    row = len(bundled.labs) + 2
    assert (warning.where, warning.row, warning.column, warning.value) == (
        "f.xlsx, sheet 'labs'",
        row,
        "value",
        "=800+100",
    )
    assert f"C{row}" in warning.message
    assert "'900'" in warning.message
    assert case.labs.loc[case.labs["row"] == row, "value"].tolist() == [900.0]


def test_formula_cell_without_a_saved_value_is_never_silently_blank(bundled):
    errors_and_warnings = []
    try:
        case = load_case_bytes("f.xlsx", _with_formula(bundled, None))
        errors_and_warnings = list(case.warnings)
    except CaseLoadError as exc:
        errors_and_warnings = list(exc.problems)
    (warning,) = [w for w in errors_and_warnings if w.code is C.FORMULA_CELL]
    assert "no saved value" in warning.message
    assert warning.value == "=800+100"


# --- item 6: silent choices -----------------------------------------------------------


def test_very_hidden_duplicate_labs_sheet_does_not_replace_the_visible_one(bundled):
    book = _workbook(bundled)
    hidden = book.create_sheet("Labs ")
    hidden.append(["time", "test", "value", "unit"])
    hidden.append(["2000-01-05 07:00", "ferritin", 1, "ng/mL"])
    hidden.sheet_state = "veryHidden"
    case = load_case_bytes("h.xlsx", _saved(book))
    assert len(case.labs) == len(bundled.labs)
    assert [(w.code, w.where) for w in case.warnings] == [(C.HIDDEN_SHEET, "h.xlsx, sheet 'Labs '")]
    assert "very hidden" in case.warnings[0].message


def test_hidden_sheet_is_not_read_without_a_word(bundled):
    book = _workbook(bundled)
    notes = book.create_sheet("annotations")
    notes.append(["day", "text", "panel"])
    notes.append([3, "secret", ""])
    notes.sheet_state = "hidden"
    case = load_case_bytes("h.xlsx", _saved(book))
    assert case.annotations.empty
    assert [w.code for w in case.warnings] == [C.HIDDEN_SHEET]


def test_two_visible_sheets_for_one_table_are_an_error_naming_both(bundled):
    book = _workbook(bundled)
    book.create_sheet("Labs ").append(["time", "test", "value", "unit"])
    (error,) = _errors(lambda: load_case_bytes("d.xlsx", _saved(book)))
    assert error.code is C.DUPLICATE_SHEET
    assert "'labs'" in str(error)
    assert "'Labs '" in str(error)


def test_two_case_folders_in_one_zip_is_an_error_naming_both():
    data = _zip({**_bundled_files("first"), **_bundled_files("second")})
    (error,) = _errors(lambda: load_case_bytes("two.zip", data))
    assert error.code is C.TWO_CASES
    assert "'first/'" in error.message
    assert "'second/'" in error.message


def test_extra_and_misspelt_files_in_a_zip_are_named():
    files = {**_bundled_files(), "case/lab.csv": LAB, "case/notes.txt": "x", "__MACOSX/._x": "x"}
    case = load_case_bytes("extra.zip", _zip(files))
    extra = {w.where: w.message for w in case.warnings if w.code is C.EXTRA_FILE}
    assert set(extra) == {"extra.zip: case/lab.csv", "extra.zip: case/notes.txt"}
    assert "Did you mean 'labs.csv'?" in extra["extra.zip: case/lab.csv"]
    assert "Did you mean" not in extra["extra.zip: case/notes.txt"]


def test_extra_file_in_a_case_folder_is_named(case_folder):
    folder = case_folder()
    (folder / "treatment.csv").write_text("x")
    case = load_case(folder)
    (warning,) = [w for w in case.warnings if w.code is C.EXTRA_FILE]
    assert warning.where == "treatment.csv"
    assert "Did you mean 'treatments.csv'?" in warning.message


def test_two_spellings_of_one_table_in_a_folder_are_an_error(case_folder):
    folder = case_folder()
    (folder / "LABS.csv").write_bytes((folder / "labs.csv").read_bytes())
    (error,) = _errors(lambda: load_case(folder))
    assert error.code is C.TWO_CASES


def test_1e308_value_is_refused_never_infinity(with_rows):
    (error,) = _errors(
        lambda: load_case(with_rows("labs", "2000-01-05 07:00,fibrinogen,1e308,mg/dL,,,"))
    )
    assert (error.code, error.row, error.value) == (C.NUMBER_OUT_OF_RANGE, rows_of("labs"), "1e308")


@pytest.mark.parametrize("text", ["inf", "-inf", "nan", "NaN", "Infinity"])
def test_inf_or_nan_text_is_a_clear_problem(with_rows, text):
    (error,) = _errors(lambda: load_case(with_rows("labs", f"2000-01-05 07:00,crp,{text},mg/L,,,")))
    assert (error.code, error.column) == (C.NUMBER_OUT_OF_RANGE, "value")
    assert "not a finite number" in error.message


def test_negative_ferritin_is_an_error_naming_the_row(with_rows):
    (error,) = _errors(
        lambda: load_case(with_rows("labs", "2000-01-05 07:00,ferritin,-5,ng/mL,,,"))
    )
    assert (error.code, error.row, error.column, error.value) == (
        C.NEGATIVE_VALUE,
        rows_of("labs"),
        "value",
        "-5",
    )


def test_negative_values_of_temperature_and_unknown_tests_are_kept(with_rows):
    folder = with_rows(
        "labs", "2000-01-05 07:00,base excess,-4,mmol/L,,,", "2000-01-05 08:00,temperature,-1,°C,,,"
    )
    case = load_case(folder)
    assert sorted(case.labs.loc[case.labs["value"] < 0, "value"]) == [-4.0, -1.0]


def test_symlink_in_a_case_folder_is_refused_and_its_target_never_read(case_folder, tmp_path):
    secret = tmp_path / "secret.csv"
    secret.write_text(LAB + "2000-01-05 07:00,ferritin,SECRET-CONTENT,ng/mL,,,\n")
    folder = case_folder()
    (folder / "labs.csv").unlink()
    os.symlink(secret, folder / "labs.csv")
    with pytest.raises(CaseLoadError) as caught:
        load_case(folder)
    assert [e.code for e in caught.value.errors] == [C.SYMLINK, C.MISSING_TABLE]
    shown = str(caught.value) + repr(caught.value.problems)
    assert "SECRET" not in shown
    assert str(tmp_path) not in shown


def test_symlink_in_a_zip_is_refused_and_its_target_never_echoed():
    link = zipfile.ZipInfo("case/labs.csv")
    link.external_attr = 0o120777 << 16  # a symbolic link, as zip -y stores one
    files = {k: v for k, v in _bundled_files().items() if not k.endswith("labs.csv")}
    with pytest.raises(CaseLoadError) as caught:
        load_case_bytes("link.zip", _zip(files, **{"/etc/passwd": link}))
    assert C.SYMLINK in [e.code for e in caught.value.errors]
    assert "passwd" not in str(caught.value)


def test_rows_below_a_wrong_declared_sheet_size_are_still_read(bundled):
    data = case_workbook_bytes(bundled, include_identifiers=False)
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            # a writer that declares a sheet smaller than it is
            content = re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="A1:B3"/>', content)
            target.writestr(info, content)
    case = load_case_bytes("small.xlsx", out.getvalue())
    assert len(case.labs) == len(bundled.labs)


def test_the_limits_are_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Limits") :]
    section = section[: section.index("\n## ", 4)]
    for figure in (f"{lim.MAX_ROWS:,}", f"{lim.MAX_CELL_CHARS:,}", str(lim.MAX_PROBLEMS)):
        assert figure in section
    assert f"{lim.MAX_SPAN_YEARS} years" in section
