"""Invariants for any input: a Case or a list of problems, never a crash."""

from __future__ import annotations

import datetime as dt
import functools
import io
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from timeline import Case, CaseLoadError, load_case, load_case_bytes
from timeline.derive import daily_dose_mg
from timeline.errors import ProblemCode
from timeline.limits import MAX_CELL_CHARS, MAX_PROBLEMS

from .conftest import BUNDLED

TRICKY = st.sampled_from(
    [
        "",
        " ",
        "2000-01-05",
        "2000-02-30",
        "2000-01-05 07:00",
        "05/01/2000",
        "1",
        "0",
        "-3",
        "2.5",
        "2,5",
        "<5",
        ">=10",
        "nan",
        "inf",
        "1e400",
        "ferritin",
        "mg",
        "g/L",
        "10^9/L",
        "twice daily",
        "once",
        "pulse",
        "µ",
        "\u00a0",
        '"',
        ",",
        "\r",
        "\x00",
        "=1+1",
    ]
)
CELL = st.one_of(TRICKY, st.text(max_size=12))


def _load_with(table: str, text: str | bytes):
    folder = Path(tempfile.mkdtemp()) / "case"
    try:
        shutil.copytree(BUNDLED, folder)
        data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
        (folder / f"{table}.csv").write_bytes(data)
        try:
            return load_case(folder)
        except CaseLoadError as exc:
            assert exc.errors, "a CaseLoadError always carries at least one error"  # noqa: PT017
            assert all(isinstance(p.code, ProblemCode) for p in exc.problems)  # noqa: PT017
            return exc
    finally:
        shutil.rmtree(folder.parent)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    table=st.sampled_from(["case", "treatments", "events", "labs"]), data=st.binary(max_size=300)
)
def test_any_bytes_give_a_case_or_problems(table, data):
    _load_with(table, data)


def _rows(columns: int):
    return st.lists(st.lists(CELL, min_size=columns, max_size=columns + 1), max_size=5)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_rows(9))
def test_any_treatment_cells_give_a_case_or_problems(rows):
    header = "drug,start,end,dose,dose_unit,frequency,route,kind,note"
    text = header + "\n" + "\n".join(",".join(_quote(c) for c in r) for r in rows)
    result = _load_with("treatments", text)
    if not isinstance(result, CaseLoadError):
        t = result.treatments
        assert ((t["end"] >= t["start"]) | t["end"].isna()).all()
        assert (t["dose"] > 0).all()
        assert (daily_dose_mg(t, result.labs).dropna() >= 0).all()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=_rows(7))
def test_any_lab_cells_give_a_case_or_problems(rows):
    header = "time,test,value,unit,ref_low,ref_high,note"
    text = header + "\n" + "\n".join(",".join(_quote(c) for c in r) for r in rows)
    result = _load_with("labs", text)
    if not isinstance(result, CaseLoadError):
        assert result.labs["value"].notna().all()
        assert pd.api.types.is_datetime64_dtype(result.labs["time"])


def _quote(cell: str) -> str:
    return '"' + cell.replace('"', '""') + '"'


# --- containers: zips and workbooks (issue 16) -------------------------------------------

_LONG = "x" * (MAX_CELL_CHARS + 1)
ODD = st.one_of(
    TRICKY,
    st.sampled_from(
        [
            "0001-01-01",
            "9999-12-31 23:59",
            "2262-04-12",
            "1677-09-22",
            "2021-01-05",
            "1e308",
            "-1e308",
            "-5",
            "=SUM(A1:A2)",
            "@cmd",
            _LONG,
        ]
    ),
    st.floats(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
)
_TABLES = ["case", "treatments", "events", "labs", "annotations"]


def _outcome(load: Callable[[], Case]) -> Case | CaseLoadError:
    """A Case, or a CaseLoadError carrying errors; any other exception fails the test."""
    try:
        return load()
    except CaseLoadError as exc:
        assert exc.errors, "a CaseLoadError always carries at least one error"  # noqa: PT017
        assert len(exc.problems) <= MAX_PROBLEMS + len(_TABLES) + 1  # noqa: PT017
        return exc


@st.composite
def _zips(draw: st.DrawFn) -> bytes:
    folders = draw(
        st.lists(
            st.sampled_from(["", "case/", "a/b/", "other/"]), min_size=1, max_size=2, unique=True
        )
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for folder in folders:
            for table in draw(st.lists(st.sampled_from(_TABLES), unique=True, max_size=5)):
                text = (
                    (BUNDLED / f"{table}.csv").read_text(encoding="utf-8")
                    if table != "annotations"
                    else "day,text,panel\n"
                )
                extra = draw(
                    st.lists(
                        st.one_of(TRICKY, ODD.filter(lambda v: isinstance(v, str))), max_size=8
                    )
                )
                text += ",".join(_quote(c) for c in extra) + "\n"
                archive.writestr(f"{folder}{table}.csv", text)
            for junk in draw(
                st.lists(
                    st.sampled_from(["lab.csv", "x.zip", "notes.txt", ".DS_Store"]),
                    max_size=2,
                    unique=True,
                )
            ):
                archive.writestr(f"{folder}{junk}", draw(st.binary(max_size=50)))
        if draw(st.booleans()):
            link = zipfile.ZipInfo(f"{folders[0]}labs.csv")
            link.external_attr = 0o120777 << 16
            archive.writestr(link, "/etc/passwd")
    return buffer.getvalue()


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_zips())
def test_any_zip_gives_a_case_or_problems(data):
    result = _outcome(lambda: load_case_bytes("case.zip", data))
    assert "passwd" not in str(result)


@functools.cache
def _bundled_workbook() -> bytes:
    from timeline.workbook import case_workbook_bytes

    return case_workbook_bytes(load_case(BUNDLED), include_identifiers=False)


def _append(sheet: Any, row: list) -> None:
    try:
        sheet.append(row)
    except openpyxl.utils.exceptions.IllegalCharacterError:
        # control characters openpyxl will not write: the rest of the row still goes in
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", c) if isinstance(c, str) else c for c in row])


@st.composite
def _workbooks(draw: st.DrawFn) -> bytes | None:
    book = openpyxl.load_workbook(io.BytesIO(_bundled_workbook()))
    for _ in range(draw(st.integers(0, 3))):
        _append(book[draw(st.sampled_from(book.sheetnames))], draw(st.lists(ODD, max_size=9)))
    for title, state in draw(
        st.lists(
            st.tuples(
                st.sampled_from(["labs", "Labs ", "treatments", "annotations", "scratch"]),
                st.sampled_from(["visible", "hidden", "veryHidden"]),
            ),
            max_size=2,
        )
    ):
        extra = book.create_sheet(title)
        extra.append(["time", "test", "value", "unit"])
        _append(extra, draw(st.lists(ODD, max_size=4)))
        extra.sheet_state = state
    if draw(st.booleans()) and len(book.sheetnames) > 1:
        del book[draw(st.sampled_from(book.sheetnames[1:]))]
    buffer = io.BytesIO()
    try:
        book.save(buffer)
    except (ValueError, TypeError, OverflowError):
        return None  # openpyxl itself refused to write the cell: nothing to load
    return buffer.getvalue()


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=_workbooks())
def test_any_workbook_gives_a_case_or_problems(data):
    if data is not None:
        _outcome(lambda: load_case_bytes("case.xlsx", data))
