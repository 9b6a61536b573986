"""Read a case container (CSV folder, workbook, zip) into raw text tables.

Every cell becomes text exactly as the user sees it; parsing happens in
the validate package. A frame's index is the spreadsheet row (header = row 1), so
every later message can point at the row the user sees.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .errors import Problem, ProblemCode, Severity
from .format import OPTIONAL_TABLES, TABLE_ORDER

_IGNORED_SHEETS = ("help", "readme")


@dataclass(frozen=True)
class RawTable:
    """One table as text: ``where`` names the file or sheet for messages."""

    where: str
    frame: pd.DataFrame


@dataclass
class RawCase:
    """The tables found in one container, and what went wrong reading it."""

    source: str
    tables: dict[str, RawTable] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def error(self, code: ProblemCode, where: str, message: str, row: int | None = None) -> None:
        self.problems.append(Problem(Severity.ERROR, code, where, message, row))

    def warn(self, code: ProblemCode, where: str, message: str) -> None:
        self.problems.append(Problem(Severity.WARNING, code, where, message))


def read_path(path: str | Path) -> RawCase:
    """Read a case folder of CSV files, a workbook (.xlsx) or a zip of the folder."""
    path = Path(path)
    raw = RawCase(source=path.name)
    # --- issue 18: FHIR R4 records (a .json/.ndjson file, a folder of NDJSON) ---
    from .fhir import is_fhir_path, read_fhir_path

    if is_fhir_path(path):
        return read_fhir_path(path)
    # --- end of issue 18 ---
    if path.is_dir():
        _read_folder(path, raw)
    elif not path.exists():
        raw.error(
            ProblemCode.PATH_NOT_FOUND,
            str(path),
            "does not exist: give a case folder, an .xlsx workbook or a .zip.",
        )
    elif path.suffix.lower() in (".xlsx", ".zip"):
        return read_bytes(path.name, path.read_bytes())
    else:
        raw.error(
            ProblemCode.NOT_A_CASE,
            path.name,
            "is not a case: give a case folder, an .xlsx workbook or a .zip.",
        )
    return raw


def read_bytes(name: str, data: bytes) -> RawCase:
    """Read an uploaded workbook or zip of CSV files held in memory."""
    # --- issue 18: FHIR R4 uploads (.json, .ndjson, a zip of NDJSON) ---
    from .fhir import is_fhir_upload, read_fhir_bytes

    if is_fhir_upload(name, data):
        return read_fhir_bytes(name, data)
    # --- end of issue 18 ---
    raw = RawCase(source=name)
    suffix = Path(name).suffix.lower()
    if suffix == ".xlsx":
        _read_workbook(name, data, raw)
    elif suffix == ".zip":
        _read_zip(name, data, raw)
    else:
        raw.error(
            ProblemCode.NOT_A_CASE,
            name,
            "is not a case: upload an .xlsx workbook or a .zip of the CSV folder.",
        )
    return raw


def _read_folder(folder: Path, raw: RawCase) -> None:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    for table in TABLE_ORDER:
        name = f"{table}.csv"
        if name not in files:
            raw.error(ProblemCode.MISSING_TABLE, name, _missing_table_message(folder.name))
            continue
        _add_csv(name, files[name].read_bytes(), table, raw)
    for table in OPTIONAL_TABLES:
        if f"{table}.csv" in files:
            _add_csv(f"{table}.csv", files[f"{table}.csv"].read_bytes(), table, raw)


def _read_zip(name: str, data: bytes, raw: RawCase) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = {Path(m).name.lower(): m for m in archive.namelist() if not m.endswith("/")}
        for table in TABLE_ORDER:
            file = f"{table}.csv"
            if file not in members:
                raw.error(
                    ProblemCode.MISSING_TABLE, f"{name}: {file}", _missing_table_message(name)
                )
                continue
            _add_csv(f"{name}: {file}", archive.read(members[file]), table, raw)
        for table in OPTIONAL_TABLES:
            if f"{table}.csv" in members:
                file = f"{table}.csv"
                _add_csv(f"{name}: {file}", archive.read(members[file]), table, raw)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            name,
            f"cannot be read as a zip file ({exc}). Zip the case folder again.",
        )


def _missing_table_message(container: str) -> str:
    return (
        f"is missing from {container}. A case needs case.csv, treatments.csv, events.csv and "
        "labs.csv; a table with nothing to record keeps just its header row."
    )


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) first, then Excel's Windows-1252 CSV export."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _delimiter(text: str) -> str:
    """Excel in many locales writes ';'-separated CSV; a header line tells which."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _add_csv(where: str, data: bytes, table: str, raw: RawCase) -> None:
    if not data.strip():
        raw.error(
            ProblemCode.EMPTY_TABLE,
            where,
            "is empty: it needs at least its header row (see the template).",
        )
        return
    text = _decode(data)
    if text is None or "\x00" in text:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            where,
            "is not readable text: save it from your spreadsheet as 'CSV UTF-8'.",
        )
        return
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text)))
    except csv.Error as exc:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            where,
            f"is not valid CSV ({exc}): save it again from your spreadsheet.",
        )
        return
    _add_rows(where, rows, table, raw)


def _read_workbook(name: str, data: bytes, raw: RawCase) -> None:
    import openpyxl  # imported here: only workbook users pay for it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            name,
            f"cannot be opened as an Excel workbook ({type(exc).__name__}). "
            "Save it again as .xlsx (Excel Workbook).",
        )
        return
    try:
        sheets = {s.lower().strip(): s for s in book.sheetnames}
        for table in TABLE_ORDER:
            where = f"{name}, sheet '{table}'"
            if table not in sheets:
                raw.error(
                    ProblemCode.MISSING_TABLE,
                    where,
                    "is missing: the workbook needs the sheets case, treatments, "
                    "events and labs (copy them from the template).",
                )
                continue
            rows = (
                [_cell_text(c) for c in r] for r in book[sheets[table]].iter_rows(values_only=True)
            )
            _add_rows(f"{name}, sheet '{sheets[table]}'", rows, table, raw)
        for table in OPTIONAL_TABLES:
            if table in sheets:
                rows = (
                    [_cell_text(c) for c in r]
                    for r in book[sheets[table]].iter_rows(values_only=True)
                )
                _add_rows(f"{name}, sheet '{sheets[table]}'", rows, table, raw)
        for key, sheet in sheets.items():
            if key not in TABLE_ORDER + OPTIONAL_TABLES and key not in _IGNORED_SHEETS:
                raw.warn(
                    ProblemCode.UNKNOWN_SHEET,
                    f"{name}, sheet '{sheet}'",
                    "is not part of the case format and was not read.",
                )
    finally:
        book.close()


def _cell_text(value: object) -> str:
    """A workbook cell as the text the user sees (dates as ISO, 10.0 as 10)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.strftime("%Y-%m-%d")
        return value.strftime("%Y-%m-%d %H:%M" if value.second == 0 else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def _add_rows(where: str, rows: Iterable[list[str]], table: str, raw: RawCase) -> None:
    """Header from row 1; data rows keep their spreadsheet row number."""
    rows = iter(rows)
    header = next(rows, None)
    if header is None or not any(str(c).strip() for c in header):
        raw.error(
            ProblemCode.NO_HEADER,
            where,
            "has no header in row 1: copy the header row from the template.",
            row=1,
        )
        return
    header = [str(c).strip() for c in header]
    while header and header[-1] == "":
        header.pop()
    width = len(header)
    index, records = [], []
    for number, cells in enumerate(rows, start=2):
        cells = [str(c) for c in cells]
        if not any(c.strip() for c in cells):
            continue  # a blank spreadsheet row holds no data
        if any(c.strip() for c in cells[width:]):
            raw.error(
                ProblemCode.STRAY_CELLS,
                where,
                f"has more cells than the header's {width} columns: give every "
                "value a column heading, or remove the stray cells.",
                row=number,
            )
            cells = cells[:width]
        records.append(cells[:width] + [""] * (width - len(cells)))
        index.append(number)
    frame = pd.DataFrame(
        records, columns=range(width), index=pd.Index(index, dtype="int64"), dtype=str
    )
    frame.columns = header
    raw.tables[table] = RawTable(where, frame)
