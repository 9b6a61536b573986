"""Invariants for any input: a Case or a list of problems, never a crash."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import CaseLoadError, load_case
from timeline.derive import daily_dose_mg
from timeline.errors import ProblemCode

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
