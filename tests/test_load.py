"""Loading each container: the bundled case, workbook, zip, uploads, encodings."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pandas as pd
import pytest

from timeline import CaseLoadError, load_case, load_case_bytes
from timeline.datasets import DATA, TEMPLATE
from timeline.errors import ProblemCode as C
from timeline.model import SCHEMAS
from timeline.workbook import case_tables, case_workbook_bytes

from .conftest import BUNDLED, rows_of


def assert_cases_equal(a, b) -> None:
    assert a.info == b.info
    assert a.anchor_time == b.anchor_time
    for table in ("treatments", "events", "labs"):
        pd.testing.assert_frame_equal(getattr(a, table), getattr(b, table))
    assert [(p.row, p.column, p.message) for p in a.warnings] == [
        (p.row, p.column, p.message) for p in b.warnings
    ]


def test_bundled_case_loads_without_problems(bundled):
    assert bundled.warnings == ()
    assert bundled.info.illustrative
    assert bundled.anchor_time == pd.Timestamp("2000-01-01")
    assert (len(bundled.treatments), len(bundled.events), len(bundled.labs)) == (23, 7, 351)


@pytest.mark.parametrize("table", ["treatments", "events", "labs"])
def test_bundled_case_meets_the_declared_model(bundled, table):
    SCHEMAS[table].validate(getattr(bundled, table), lazy=True)


def test_bundled_workbook_equals_the_csv_folder(bundled):
    assert_cases_equal(bundled, load_case(DATA / f"{BUNDLED.name}.xlsx"))


def test_case_round_trips_through_a_workbook(bundled):
    again = load_case_bytes("again.xlsx", case_workbook_bytes(bundled, include_identifiers=False))
    assert_cases_equal(bundled, again)


def test_zip_of_the_folder_loads_like_the_folder(bundled):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in BUNDLED.iterdir():
            archive.write(path, f"{BUNDLED.name}/{path.name}")
    assert_cases_equal(bundled, load_case_bytes("case.zip", buffer.getvalue()))


def test_template_loads_and_flags_its_example_rows():
    case = load_case(TEMPLATE)
    flagged = {p.where.split("'")[1] for p in case.warnings if "example row" in p.message}
    assert flagged == {"treatments", "events", "labs"}


def test_loading_never_modifies_the_users_files():
    before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED.iterdir()}
    load_case(BUNDLED)
    after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in BUNDLED.iterdir()}
    assert before == after


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("cp1252"), id="excel-cp1252"),
        pytest.param(lambda t: t.encode("utf-8-sig"), id="utf8-bom"),
        pytest.param(lambda t: t.replace("\n", "\r\n").encode("utf-8"), id="crlf"),
        pytest.param(lambda t: t.replace(",", ";").encode("utf-8"), id="semicolons"),
    ],
)
def test_spreadsheet_csv_variants_load_the_same_values(case_folder, bundled, encode):
    text = "time,test,value,unit,ref_low,ref_high,note\n2000-01-02 07:00,temperature,38.5,°C,,,µ café\n"
    case = load_case(case_folder(labs=encode(text)))
    row = case.labs.iloc[0]
    assert (row["test"], row["value"], row["unit"], row["note"]) == (
        "temperature",
        38.5,
        "°C",
        "µ café",
    )


def test_identifiers_are_kept_in_memory_but_not_in_the_case_tables(case_folder):
    text = (BUNDLED / "case.csv").read_text(encoding="utf-8")
    text += "name,Jane Doe\nbirth_date,1989-02-03\nrecord_number,MRN-556677\n"
    case = load_case(case_folder(case=text))
    assert case.identifiers.values() == ("Jane Doe", "1989-02-03", "MRN-556677")
    assert "Jane" not in repr(case)
    written = case_tables(case, include_identifiers=False)["case"].to_string()
    assert "Jane" not in written
    assert "MRN" not in written


def test_unknown_drug_and_test_are_kept_as_other_with_a_warning(with_rows):
    folder = with_rows("treatments", "zyxomab,2000-01-05,,100,mg,once,intravenous,,")
    case = load_case(folder)
    kept = case.treatments[case.treatments["drug"] == "zyxomab"]
    assert len(kept) == 1
    assert kept["drug_class"].iloc[0] == "other"
    assert any("not in the drug catalogue" in p.message for p in case.warnings)
    assert [p.code for p in case.warnings] == [C.UNKNOWN_DRUG]


def test_unknown_test_keeps_its_value_and_unit(with_rows):
    case = load_case(with_rows("labs", "2000-01-05 07:00,procalcitonin,2.4,ng/mL,,0.5,"))
    row = case.labs[case.labs["test"] == "procalcitonin"].iloc[0]
    assert (row["value"], row["unit"], row["ref_high"], row["test_known"]) == (
        2.4,
        "ng/mL",
        0.5,
        False,
    )


def test_converted_lab_keeps_original_value_and_unit(with_rows):
    case = load_case(with_rows("labs", "2000-01-05 09:00,triglycerides,265,mg/dL,,,"))
    row = case.labs[case.labs["unit_input"] == "mg/dL"].iloc[0]
    assert row["value"] == pytest.approx(265 / 88.57)
    assert (row["unit"], row["value_input"], row["unit_input"]) == ("mmol/L", 265.0, "mg/dL")


def test_censored_value_keeps_its_qualifier(bundled):
    crp = bundled.labs[(bundled.labs["test"] == "crp") & (bundled.labs["qualifier"] == "<")]
    assert not crp.empty
    assert (crp["value"] == 1.0).all()


def test_missing_file_and_bad_suffix_are_reported(tmp_path):
    with pytest.raises(CaseLoadError, match="does not exist") as caught:
        load_case(tmp_path / "nowhere")
    assert caught.value.errors[0].code is C.PATH_NOT_FOUND
    (tmp_path / "case.txt").write_text("x")
    with pytest.raises(CaseLoadError, match="is not a case") as caught:
        load_case(tmp_path / "case.txt")
    assert caught.value.errors[0].code is C.NOT_A_CASE


def test_damaged_workbook_is_reported():
    with pytest.raises(CaseLoadError, match="cannot be opened as an Excel workbook") as caught:
        load_case_bytes("broken.xlsx", b"PK\x03\x04 not really a zip")
    assert caught.value.errors[0].code is C.UNREADABLE_FILE


@pytest.mark.parametrize(
    ("content", "code", "fragment"),
    [
        (b"", C.EMPTY_TABLE, "is empty"),
        (b"   \n", C.EMPTY_TABLE, "is empty"),
        (b"\x00\x01\x02binary", C.UNREADABLE_FILE, "is not readable text"),
        (b"\ndrug,start\n", C.NO_HEADER, "has no header in row 1"),
    ],
)
def test_unreadable_or_malformed_tables(case_folder, content, code, fragment):
    with pytest.raises(CaseLoadError, match=fragment) as caught:
        load_case(case_folder(treatments=content))
    assert [p.code for p in caught.value.errors] == [code]


def test_stray_cells_beyond_the_header_are_an_error_not_dropped(with_rows):
    with pytest.raises(CaseLoadError, match="more cells than the header") as caught:
        load_case(with_rows("labs", "2000-01-05 07:00,ferritin,900,ng/mL,,,,extra"))
    assert (caught.value.errors[0].row, caught.value.errors[0].code) == (
        rows_of("labs"),
        C.STRAY_CELLS,
    )


def test_missing_table(case_folder):
    folder = case_folder()
    (folder / "events.csv").unlink()
    with pytest.raises(CaseLoadError, match=r"events\.csv: is missing from case") as caught:
        load_case(folder)
    assert [p.code for p in caught.value.errors] == [C.MISSING_TABLE]


def test_unknown_sheet_of_a_workbook_is_a_warning(bundled):
    import openpyxl

    book = openpyxl.load_workbook(
        io.BytesIO(case_workbook_bytes(bundled, include_identifiers=False))
    )
    book.create_sheet("scratch")["A1"] = "anything"
    buffer = io.BytesIO()
    book.save(buffer)
    case = load_case_bytes("c.xlsx", buffer.getvalue())
    assert [(w.where, w.code) for w in case.warnings] == [
        ("c.xlsx, sheet 'scratch'", C.UNKNOWN_SHEET)
    ]


def test_annotations_load_and_round_trip_through_a_workbook(case_folder):
    folder = case_folder()
    (folder / "annotations.csv").write_text(
        "day,text,panel\n24,ruxolitinib started,Ferritin\n3,MAS,\n30,odd place,kidney\n",
        encoding="utf-8",
    )
    case = load_case(folder)
    assert case.annotations.to_dict("list") == {
        "day": [24.0, 3.0, 30.0],
        "text": ["ruxolitinib started", "MAS", "odd place"],
        "panel": ["ferritin", "", ""],
    }
    # 'kidney' is no panel: shown at the top
    assert [(w.column, w.code) for w in case.warnings] == [("panel", C.UNKNOWN_PANEL)]
    again = load_case_bytes("again.xlsx", case_workbook_bytes(case, include_identifiers=False))
    pd.testing.assert_frame_equal(case.annotations, again.annotations)


def test_bad_annotation_is_an_error(case_folder):
    folder = case_folder()
    (folder / "annotations.csv").write_text("day,text,panel\nsoon,x,\n", encoding="utf-8")
    with pytest.raises(CaseLoadError, match="is not a number") as caught:
        load_case(folder)
    assert (caught.value.errors[0].where, caught.value.errors[0].row) == ("annotations.csv", 2)


def test_every_bundled_case_loads_and_draws():
    from timeline.datasets import bundled_cases
    from timeline.figures import build_figures

    cases = bundled_cases()
    assert {"sjia-mas-ruxolitinib", "adult-aosd-mas"} <= set(cases)
    for path in cases.values():
        case = load_case(path)
        # the adult case's CMV PCR (a qualitative result) is a test the catalogue lacks
        expected = {"UNKNOWN_DRUG", "UNKNOWN_TEST"}
        assert all(w.code.name in expected for w in case.warnings), case.warnings
        assert all(w.value == "CMV PCR" for w in case.warnings if w.code.name == "UNKNOWN_TEST")
        assert all(f.data for f in build_figures(case).values())
