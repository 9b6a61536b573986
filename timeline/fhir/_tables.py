"""Rows of the raw text tables an import writes, each remembering the resource it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from ..errors import Problem, ProblemCode, Severity
from ..format import TABLES
from ..sources import RawCase, RawTable

#: Where a row came from: the resource ("Observation/abc") and, per column, the
#: element path inside it ("valueQuantity.value").
Origin = tuple[str, dict[str, str]]


@dataclass
class FhirRawCase(RawCase):
    """A RawCase read from FHIR resources: each table row knows its resource and element.

    ``origins`` maps a table's ``where`` to its rows (spreadsheet numbering, the
    header is row 1) and their origin, so validation problems can name the resource.
    """

    origins: dict[str, dict[int, Origin]] = field(default_factory=dict)

    def note(self, severity: Severity, code: ProblemCode, where: str, message: str) -> None:
        """A problem of the import itself, located at a resource and element."""
        self.problems.append(Problem(severity, code, where, message))


@dataclass
class Rows:
    """One table's rows as text, in the format's column order."""

    table: str
    records: list[list[str]] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    #: the table's columns, as the CSV format declares them ('key', 'value' for the case)
    columns: list[str] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = (
            ["key", "value"] if self.table == "case" else [f.name for f in TABLES[self.table]]
        )

    def add(self, origin: str, values: dict[str, str], paths: dict[str, str]) -> None:
        """A row: ``values`` by column (absent ones blank), ``paths`` the element of each."""
        self.records.append([values.get(c, "") for c in self.columns])
        self.origins.append((origin, paths))


def store(raw: FhirRawCase, rows: Rows) -> None:
    """Put a table into the raw case, its rows numbered from 2 as in a spreadsheet."""
    import pandas as pd

    where = f"{raw.source} (FHIR), {rows.table}"
    index = pd.Index(range(2, len(rows.records) + 2), dtype="int64")
    frame = pd.DataFrame(rows.records, columns=rows.columns, index=index, dtype=str)
    raw.tables[rows.table] = RawTable(where, frame)
    raw.origins[where] = dict(zip(index.tolist(), rows.origins, strict=True))


def relocate(raw: RawCase, problems: tuple[Problem, ...] | list[Problem]) -> list[Problem]:
    """Problems found in imported rows, renamed to the resource and element they came from.

    Any other problem (and every problem of a case not imported) is returned unchanged.
    """
    origins = getattr(raw, "origins", None)
    if not origins:
        return list(problems)
    return [_relocated(p, origins) for p in problems]


def _relocated(problem: Problem, origins: dict[str, dict[int, Origin]]) -> Problem:
    rows = origins.get(problem.where)
    if rows is None or problem.row not in rows:
        return problem
    resource, paths = rows[problem.row]
    path = paths.get(problem.column or "", "")
    message = _ROWS.sub(lambda found: _named_rows(found, rows), problem.message)
    message = _ROW.sub(lambda found: _named_row(found, rows), message)
    where = f"{resource} {path}".strip()
    return replace(problem, where=where, message=message, row=None, column=None)


# 'repeats row 5 exactly', '(rows 3, 20, 22 and 4 more)': rows of a table the user never saw
_ROW = re.compile(r"\brow (\d+)\b")
_ROWS = re.compile(r"\(rows ([\d, ]+)(?: and (\d+) more)?\)")


def _named_row(found: re.Match[str], rows: dict[int, Origin]) -> str:
    origin = rows.get(int(found[1]))
    return origin[0] if origin else found[0]


def _named_rows(found: re.Match[str], rows: dict[int, Origin]) -> str:
    numbers = [int(n) for n in found[1].replace(" ", "").split(",") if n]
    more = len(numbers) - 1 + int(found[2] or 0)
    named = [rows[n][0] for n in numbers[1:3] if n in rows]
    if not more:
        return ""
    listed = ", ".join(named) + (" …" if more > len(named) else "")
    return f"(and {more} more: {listed})"
