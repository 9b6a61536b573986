"""Laboratory flowsheets (wide tables as laboratory systems print them) into the labs table.

A flowsheet has tests as rows and dates as columns, or dates as rows and tests as
columns; units in a column of their own or in the test's heading ("Ferritin
(ng/mL)"); values as the laboratory writes them ("<5", ">40000", "12.5 H"), which
the labs table reads as it is. The shape is recognised from the header; every
value becomes one row of the long labs table, which remembers the flowsheet cell
it came from so a problem names that cell. A heading or date this module cannot
read for certain is a problem, never a guess.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from .errors import Problem, ProblemCode, Severity
from .format import LABS
from .sources import RawCase, RawTable

__all__ = [
    "FlowsheetRawCase",
    "is_flowsheet",
    "preview",
    "read_flowsheet",
    "table_from_text",
    "to_long",
]

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2})?)?$")
# 01/02/2000, 1.2.00, 01-02-2000: day and month order cannot be told
_OTHER_DATE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}(?:\s+\d{1,2}:\d{2})?$")
_UNIT_IN_HEADING = re.compile(r"^(.*?)\s*[(\[]\s*([^()\[\]]+?)\s*[)\]]$")
_TEST_HEADS = {"", "test", "tests", "analyte", "parameter", "investigation", "lab", "labs"}
_TIME_HEADS = {"", "time", "date", "datetime", "date time", "sample time", "collected"}
_UNIT_HEADS = {"unit", "units"}
_REF_HEADS = {"ref_low": "ref_low", "ref low": "ref_low", "ref_high": "ref_high"}
_REF_HEADS |= {"ref high": "ref_high", "low": "ref_low", "high": "ref_high"}


@dataclass
class FlowsheetRawCase(RawCase):
    """A RawCase whose labs table was a flowsheet: each long row knows its flowsheet cell."""

    origins: dict[str, dict[int, tuple[str, dict[str, str]]]] = field(default_factory=dict)


def _key(text: str) -> str:
    return " ".join(str(text).strip().lower().replace("_", " ").split())


def _is_date(text: str) -> bool:
    return bool(_ISO.match(text.strip()))


def _is_other_date(text: str) -> bool:
    return bool(_OTHER_DATE.match(text.strip()))


def is_flowsheet(table: RawTable) -> bool:
    """Whether a labs table is wide: no time/test/value columns, dates across or down."""
    heads = {_key(h) for h in table.frame.columns}
    # a long table's own headings (one may be missing or misspelt): the long table's
    # problems are the right ones to show, not a flowsheet's
    if "value" in heads or {"time", "test"} <= heads:
        return False
    return _shape(table) is not None


def _shape(table: RawTable) -> str | None:
    """'tests as rows', 'dates as rows', or None when it is neither."""
    heads = [str(h) for h in table.frame.columns]
    if not heads:
        return None
    rest = heads[1:]
    if any(_is_date(h) or _is_other_date(h) for h in rest) and _key(heads[0]) in _TEST_HEADS:
        return "tests as rows"
    first = table.frame.iloc[:, 0] if len(table.frame.columns) else pd.Series(dtype=str)
    dated = first.map(lambda c: _is_date(c) or _is_other_date(c))
    if _key(heads[0]) in _TIME_HEADS and len(first) and dated.mean() >= 0.5:
        return "dates as rows"
    return None


def read_flowsheet(raw: RawCase) -> RawCase:
    """The raw case with a flowsheet labs table turned into the long labs table.

    Any other case is returned as it is. The result says, in a warning, that the
    table was read as a flowsheet and how many results it gave.
    """
    table = raw.tables.get("labs")
    if table is None or not is_flowsheet(table):
        return raw
    long, origins, problems = to_long(table)
    shape = _shape(table)
    tests = long["test"].nunique()
    times = long["time"].nunique()
    notice = Problem(
        Severity.WARNING,
        ProblemCode.READ_AS_FLOWSHEET,
        table.where,
        f"was read as a flowsheet ({shape}): {len(long)} results of {tests} tests at "
        f"{times} times, turned into the labs table's rows. Check them in the preview.",
    )
    located = FlowsheetRawCase(
        source=raw.source,
        tables={**raw.tables, "labs": long_table(table.where, long)},
        problems=[*raw.problems, notice, *problems],
    )
    located.origins = {f"{table.where} (as rows)": origins}
    return located


def long_table(where: str, long: pd.DataFrame) -> RawTable:
    """The long rows as the labs RawTable, numbered from 2."""
    frame = long.copy()
    frame.index = pd.Index(range(2, len(frame) + 2), dtype="int64")
    return RawTable(f"{where} (as rows)", frame)


def to_long(
    table: RawTable,
) -> tuple[pd.DataFrame, dict[int, tuple[str, dict[str, str]]], list[Problem]]:
    """The flowsheet's values as long rows, each row's flowsheet cell, and the problems."""
    problems: list[Problem] = []
    if _shape(table) == "tests as rows":
        cells = _tests_as_rows(table, problems)
    else:
        cells = _dates_as_rows(table, problems)
    columns = [f.name for f in LABS]
    rows = [dict.fromkeys(columns, "") | c.values for c in cells]
    long = pd.DataFrame(rows, columns=columns, dtype=str)
    no_paths: dict[str, str] = {}
    origins = {
        number: (f"{table.where}, row {c.row}, column '{c.column}'", no_paths)
        for number, c in enumerate(cells, start=2)
    }
    return long, origins, problems


@dataclass
class _Cell:
    """One value of the flowsheet, with its row and column in the sheet."""

    row: int
    column: str
    values: dict[str, str]


def _split_unit(heading: str) -> tuple[str, str]:
    """'Ferritin (ng/mL)' is ('Ferritin', 'ng/mL'); 'Ferritin' is ('Ferritin', '')."""
    found = _UNIT_IN_HEADING.match(heading.strip())
    return (found[1].strip(), found[2].strip()) if found else (heading.strip(), "")


def _ambiguous(table: RawTable, message: str, row: int | None, column: str, value: str) -> Problem:
    return Problem(
        Severity.ERROR, ProblemCode.FLOWSHEET_AMBIGUOUS, table.where, message, row, column, value
    )


def _date_heading(table: RawTable, heading: str, problems: list[Problem]) -> bool:
    if _is_date(heading):
        return True
    problems.append(
        _ambiguous(
            table,
            "is a date whose day and month order cannot be told: write the flowsheet's dates "
            "as YYYY-MM-DD (time optional: HH:MM)."
            if _is_other_date(heading)
            else "is neither a date (YYYY-MM-DD) nor a test, unit or reference column: "
            "rename it or remove the column.",
            1,
            heading,
            heading,
        )
    )
    return False


def _tests_as_rows(table: RawTable, problems: list[Problem]) -> list[_Cell]:
    frame = table.frame
    heads = [str(h) for h in frame.columns]
    extra = {h: _key(h) for h in heads[1:] if _key(h) in _UNIT_HEADS or _key(h) in _REF_HEADS}
    dates = [h for h in heads[1:] if h not in extra and _date_heading(table, h, problems)]
    cells = []
    for number, record in zip(frame.index, frame.to_dict("records"), strict=True):
        test, unit = _split_unit(record[heads[0]])
        fixed = {"test": test, "unit": unit}
        for heading, key in extra.items():
            name = "unit" if key in _UNIT_HEADS else _REF_HEADS[key]
            fixed[name] = record[heading].strip() or fixed.get(name, "")
        for heading in dates:
            value = record[heading].strip()
            if value:
                cells.append(_Cell(int(number), heading, fixed | {"time": heading, "value": value}))
    return cells


def _dates_as_rows(table: RawTable, problems: list[Problem]) -> list[_Cell]:
    frame = table.frame
    heads = [str(h) for h in frame.columns]
    tests = {h: _split_unit(h) for h in heads[1:]}
    cells = []
    for number, record in zip(frame.index, frame.to_dict("records"), strict=True):
        when = record[heads[0]].strip()
        if not _is_date(when):
            problems.append(
                _ambiguous(
                    table,
                    "is not a date this reader will take: write it as YYYY-MM-DD (time "
                    "optional: HH:MM); day and month order in 01/02/2000 cannot be told.",
                    int(number),
                    heads[0],
                    when,
                )
            )
            continue
        for heading, (test, unit) in tests.items():
            value = record[heading].strip()
            if value:
                row = {"time": when, "test": test, "unit": unit, "value": value}
                cells.append(_Cell(int(number), heading, row))
    return cells


def table_from_text(text: str, where: str = "pasted labs") -> RawTable:
    """Text pasted from a laboratory system or a spreadsheet (tab, ';' or ',' separated)."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0] if lines else ""
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else "\t"
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
    heads = [h.strip() for h in rows[0]] if rows else []
    width = len(heads)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    index = pd.Index(range(2, len(body) + 2), dtype="int64")
    return RawTable(where, pd.DataFrame(body, columns=heads, index=index, dtype=str))


def preview(text: str) -> tuple[pd.DataFrame, list[Problem]]:
    """What pasted flowsheet text reads as: the long labs rows and the problems found.

    Text that is not a flowsheet gives no rows and one problem saying so.
    """
    table = table_from_text(text)
    if not is_flowsheet(table):
        message = (
            "is not a flowsheet: give tests as rows and dates (YYYY-MM-DD) as columns, or "
            "dates as rows and tests as columns, with a header row."
        )
        problem = Problem(Severity.ERROR, ProblemCode.FLOWSHEET_AMBIGUOUS, table.where, message)
        return pd.DataFrame(columns=[f.name for f in LABS]), [problem]
    long, _, problems = to_long(table)
    return long, problems


def with_pasted_labs(case, text: str):
    """The case with the results of a pasted flowsheet added to its labs, the whole case
    validated again as any upload is (timeline.load).

    Raises
    ------
    CaseLoadError
        With the flowsheet's problems, or the case's once the results are added.
    """
    import dataclasses

    from .errors import CaseLoadError
    from .load import load_case_bytes
    from .workbook import case_tables, write_workbook

    rows, problems = preview(text)
    if any(p.severity is Severity.ERROR for p in problems):
        raise CaseLoadError(problems)
    tables = case_tables(case, include_identifiers=True)  # held in memory, as the case was
    labs = tables["labs"]
    pasted = rows.reindex(columns=labs.columns).fillna("")
    tables["labs"] = pd.concat([labs, pasted], ignore_index=True)
    buffer = io.BytesIO()
    write_workbook(tables, buffer)
    added = load_case_bytes("the case with the pasted labs.xlsx", buffer.getvalue())
    return dataclasses.replace(added, source=case.source)
