"""Plain-text views of a case for the page: no Streamlit here, so they are testable."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .errors import Problem
from .model import Case


def summary_facts(case: Case) -> list[str]:
    """Short facts for the header: who, what, how much data."""
    info = case.info
    who = ", ".join(
        x
        for x in (f"{info.age_years:g}-year-old" if info.age_years is not None else "", info.sex)
        if x
    )
    return [
        f"{who}: {info.diagnosis}" if who else info.diagnosis,
        f"Day 0 = {info.anchor}",
        f"{len(case.treatments)} treatment rows, {len(case.events)} events, {len(case.labs)} lab results",
    ]


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table a clinician can sort: where, row, column, value, what to do."""
    rows = [
        {
            "severity": p.severity.value,
            "file or sheet": p.where,
            "row": p.row,
            "column": p.column or "",
            "value": p.value or "",
            "problem": p.message,
        }
        for p in problems
    ]
    columns = ["severity", "file or sheet", "row", "column", "value", "problem"]
    return pd.DataFrame(rows, columns=columns).astype({"row": "Int64"})
