"""Read a case container (CSV folder, workbook, zip) into raw text tables.

Every cell becomes text exactly as the user sees it; parsing happens in
the validate package. A frame's index is the spreadsheet row (header = row 1), so
every later message can point at the row the user sees.

Nothing is read beyond the limits of ``timeline.limits``: a zip's or workbook's
directory is checked before anything is decompressed, and a table stops at its row
limit. Nothing is chosen silently: a symbolic link is refused (never followed), a
file or sheet that is not read is named in a warning, and two candidates for one
table are an error.
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
import stat
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from .errors import Problem, ProblemCode, ProblemLog, Severity
from .format import OPTIONAL_TABLES, TABLE_ORDER
from .limits import (
    EXCEL_MAX_ROW,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
)

_IGNORED_SHEETS = ("help", "readme")
_TABLE_FILES = tuple(f"{t}.csv" for t in TABLE_ORDER + OPTIONAL_TABLES)
# files an operating system or spreadsheet adds beside the user's own: not the user's
# data, so skipped without a word (macOS zips add __MACOSX/ and ._ copies; Excel an
# ~$ lock file while a workbook is open)
_SYSTEM_FILES = re.compile(r"^(?:\._.*|\.DS_Store|Thumbs\.db|desktop\.ini|~\$.*)$", re.IGNORECASE)
_SYSTEM_FOLDERS = ("__MACOSX",)
# a formula element in a worksheet's XML (<f>, <f t="shared" ...>, or with a prefix)
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:,.0f} MB"


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
    problems: list[Problem] = field(default_factory=ProblemLog)

    def error(
        self,
        code: ProblemCode,
        where: str,
        message: str,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.problems.append(Problem(Severity.ERROR, code, where, message, row, column))

    def warn(
        self,
        code: ProblemCode,
        where: str,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.problems.append(Problem(Severity.WARNING, code, where, message, row, column, value))


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
        if _too_large(path.name, path.stat().st_size, MAX_FILE_BYTES, "a case file", raw):
            return raw
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
    if _too_large(name, len(data), MAX_FILE_BYTES, "a case file", raw):
        return raw
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


def _too_large(where: str, size: int, limit: int, what: str, raw: RawCase) -> bool:
    """An error when ``size`` bytes is above ``limit`` for ``what``; whether it was."""
    if size <= limit:
        return False
    raw.error(
        ProblemCode.TOO_LARGE,
        where,
        f"is {_mb(size)}, more than the {_mb(limit)} allowed for {what}: it was not read. "
        "A case of this size is not a case conference's record; remove what is not needed.",
    )
    return True


# --- the files of a folder or zip --------------------------------------------


@dataclass(frozen=True)
class _File:
    """One file of a folder or zip: where it sits, its size, and how to read it."""

    path: str  # inside the container: 'labs.csv' or 'case/labs.csv'
    size: int  # bytes (a zip member's declared, decompressed size)
    read: Callable[[], bytes]

    @property
    def folder(self) -> str:
        return str(PurePosixPath(self.path).parent)

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


def _read_folder(folder: Path, raw: RawCase) -> None:
    entries = sorted(islice(folder.iterdir(), MAX_ZIP_MEMBERS + 1))
    if len(entries) > MAX_ZIP_MEMBERS:
        _too_many_files(folder.name, raw)
        return
    files = []
    for entry in entries:
        if _SYSTEM_FILES.match(entry.name):
            continue
        if entry.is_symlink():
            _symlink(entry.name, raw)
        elif entry.is_dir():
            raw.warn(
                ProblemCode.EXTRA_FILE,
                entry.name,
                f"is a folder inside the case folder {folder.name} and was not read: "
                "a case folder holds its CSV files directly.",
            )
        elif entry.is_file():
            files.append(_File(entry.name, entry.stat().st_size, entry.read_bytes))
    _read_tables(folder.name, "", files, raw)


def _read_zip(name: str, data: bytes, raw: RawCase) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        if not _zip_within_limits(name, archive, raw):
            return
        files = []
        for info in archive.infolist():
            parts = PurePosixPath(info.filename).parts or ("",)
            if info.is_dir() or _SYSTEM_FILES.match(parts[-1]) or parts[0] in _SYSTEM_FOLDERS:
                continue
            if stat.S_ISLNK(info.external_attr >> 16):
                _symlink(f"{name}: {info.filename}", raw)
                continue
            files.append(_File(info.filename, info.file_size, _member_reader(archive, info)))
        _read_tables(name, f"{name}: ", files, raw)
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError) as exc:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            name,
            f"cannot be read as a zip file ({exc}). Zip the case folder again.",
        )


def _member_reader(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], bytes]:
    """Read one member, never more than its declared size (checked against the limits)."""

    def read() -> bytes:
        with archive.open(info) as member:
            return member.read(MAX_TABLE_BYTES + 1)

    return read


def _zip_within_limits(name: str, archive: zipfile.ZipFile, raw: RawCase) -> bool:
    """Files and decompressed bytes as the zip's directory declares them, before reading any."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        _too_many_files(name, raw)
        return False
    unzipped = sum(m.file_size for m in members)
    if unzipped > MAX_UNZIPPED_BYTES:
        raw.error(
            ProblemCode.TOO_LARGE,
            name,
            f"would decompress to {_mb(unzipped)}, more than the {_mb(MAX_UNZIPPED_BYTES)} "
            "allowed: it was not read. Zip only the case's CSV files (or save the "
            "workbook without what the case does not need).",
        )
        return False
    return True


def _too_many_files(where: str, raw: RawCase) -> None:
    raw.error(
        ProblemCode.TOO_LARGE,
        where,
        f"holds more than {MAX_ZIP_MEMBERS} files, the most a case may have: it was not read. "
        "A case is four or five CSV files.",
    )


def _symlink(where: str, raw: RawCase) -> None:
    # the link's target is neither followed nor named: it could point anywhere
    raw.error(
        ProblemCode.SYMLINK,
        where,
        "is a symbolic link, which is never followed: put the file itself in the case.",
    )


def _read_tables(container: str, prefix: str, files: list[_File], raw: RawCase) -> None:
    """The tables of one case folder among ``files``; every other file is named in a warning."""
    folders = list(dict.fromkeys(f.folder for f in files if f.name.lower() in _TABLE_FILES))
    if len(folders) > 1:
        shown = " and ".join(f"'{f}/'" if f != "." else "its top level" for f in folders)
        raw.error(
            ProblemCode.TWO_CASES,
            container,
            f"holds the tables of more than one case, in {shown}: "
            "load one case at a time (one folder per zip).",
        )
        return
    home = folders[0] if folders else "."
    tables: dict[str, _File] = {}
    for file in files:
        key = file.name.lower()
        if file.folder != home or key not in _TABLE_FILES:
            _extra_file(prefix, file, raw)
        elif key in tables:
            raw.error(
                ProblemCode.TWO_CASES,
                f"{prefix}{file.name}",
                f"and '{tables[key].name}' are two files for one table: keep one.",
            )
        else:
            tables[key] = file
    _read_table_files(container, prefix, tables, raw)


def _extra_file(prefix: str, file: _File, raw: RawCase) -> None:
    close = difflib.get_close_matches(file.name.lower(), _TABLE_FILES, 1, 0.8)
    hint = f" Did you mean '{close[0]}'?" if close else ""
    raw.warn(
        ProblemCode.EXTRA_FILE,
        f"{prefix}{file.path}",
        f"is not one of the case's tables ({', '.join(_TABLE_FILES)}) and was not read.{hint}",
    )


def _read_table_files(container: str, prefix: str, tables: dict[str, _File], raw: RawCase) -> None:
    total = sum(f.size for f in tables.values())
    if _too_large(container, total, MAX_UNZIPPED_BYTES, "a case's tables together", raw):
        return
    for table in TABLE_ORDER + OPTIONAL_TABLES:
        file = tables.get(f"{table}.csv")
        where = f"{prefix}{table}.csv"
        if file is None:
            if table in TABLE_ORDER:
                raw.error(ProblemCode.MISSING_TABLE, where, _missing_table_message(container))
        elif not _too_large(where, file.size, MAX_TABLE_BYTES, "one table", raw):
            _add_csv(where, file.read(), table, raw)


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
    header = text[: text.find("\n")] if "\n" in text else text
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
    text = _decode(data) if b"\x00" not in data else None
    del data  # the text is all that is needed from here on
    if text is None:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            where,
            "is not readable text: save it from your spreadsheet as 'CSV UTF-8'.",
        )
        return
    csv.field_size_limit(MAX_TABLE_BYTES)  # a cell's length is checked in _add_rows
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
        _add_rows(where, rows, table, raw)
    except csv.Error as exc:
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            where,
            f"is not valid CSV ({exc}): save it again from your spreadsheet.",
        )


# --- workbooks --------------------------------------------------------------------


def _read_workbook(name: str, data: bytes, raw: RawCase) -> None:
    import openpyxl  # imported here: only workbook users pay for it

    formulas = _has_formulas(name, data, raw)
    if formulas is None:
        return
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it ignores and dates out of Excel's range
            # (read as '#VALUE!', then refused as not a date): the messages are ours
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            # the formulas themselves, read again only when the workbook has any
            source = (
                openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
                if formulas
                else None
            )
            try:
                _read_sheets(name, book, source, raw)
            finally:
                book.close()
                if source is not None:
                    source.close()
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raw.error(
            ProblemCode.UNREADABLE_FILE,
            name,
            f"cannot be opened as an Excel workbook ({type(exc).__name__}). "
            "Save it again as .xlsx (Excel Workbook).",
        )


def _has_formulas(name: str, data: bytes, raw: RawCase) -> bool | None:
    """Whether any worksheet holds a formula; None when the workbook is beyond the limits.

    The worksheets' XML is scanned in pieces (bounded by the limits checked first),
    so the formulas are read a second time only from a workbook that has some.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        return False  # openpyxl says why it cannot open it
    if not _zip_within_limits(name, archive, raw):
        return None
    for info in archive.infolist():
        if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
            try:
                if _scan(archive, info):
                    return True
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError, EOFError):
                return False  # a damaged part: openpyxl says so
    return False


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    tail = b""
    with archive.open(info) as part:
        while chunk := part.read(1 << 20):
            if _FORMULA_TAG.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _read_sheets(name: str, book: Any, source: Any, raw: RawCase) -> None:
    """Each table's sheet: hidden sheets are not read, two sheets for one table refused."""
    visible: dict[str, list[str]] = {}
    for sheet in book.worksheets:
        key = sheet.title.lower().strip()
        if sheet.sheet_state != "visible":
            if key not in _IGNORED_SHEETS:
                raw.warn(
                    ProblemCode.HIDDEN_SHEET,
                    f"{name}, sheet '{sheet.title}'",
                    f"is {'very ' if sheet.sheet_state == 'veryHidden' else ''}hidden and was "
                    "not read: if it belongs to the case, unhide it (or copy its rows into the "
                    "visible sheet) and load again.",
                )
            continue
        visible.setdefault(key, []).append(sheet.title)
    for table in TABLE_ORDER + OPTIONAL_TABLES:
        titles = visible.get(table, [])
        if len(titles) > 1:
            raw.error(
                ProblemCode.DUPLICATE_SHEET,
                f"{name}, sheet '{titles[0]}'",
                f"and {', '.join(repr(t) for t in titles[1:])} are sheets for one table: keep one.",
            )
        elif titles:
            _read_sheet(name, book[titles[0]], source, table, raw)
        elif table in TABLE_ORDER:
            raw.error(
                ProblemCode.MISSING_TABLE,
                f"{name}, sheet '{table}'",
                "is missing: the workbook needs the sheets case, treatments, "
                "events and labs (copy them from the template).",
            )
    for key, titles in visible.items():
        if key not in TABLE_ORDER + OPTIONAL_TABLES and key not in _IGNORED_SHEETS:
            raw.warn(
                ProblemCode.UNKNOWN_SHEET,
                f"{name}, sheet '{titles[0]}'",
                "is not part of the case format and was not read.",
            )


def _read_sheet(name: str, sheet: Any, source: Any, table: str, raw: RawCase) -> None:
    where = f"{name}, sheet '{sheet.title}'"
    _add_rows(where, _sheet_rows(sheet), table, raw)
    if source is not None and table in raw.tables:
        _formula_warnings(where, source[sheet.title], raw.tables[table].frame, raw)


def _rows_of(sheet: Any, values_only: bool) -> Iterator[tuple]:
    """Rows as stored, to Excel's last row: the declared size is dropped, so no row is
    lost below a wrong declared height (openpyxl would stop there) and none is padded
    to a declared width."""
    sheet.reset_dimensions()
    return islice(sheet.iter_rows(values_only=values_only), EXCEL_MAX_ROW)


def _sheet_rows(sheet: Any) -> Iterator[list[str]]:
    for row in _rows_of(sheet, values_only=True):
        yield [_cell_text(c) for c in _within_columns(row)]


def _within_columns(row: tuple) -> list:
    """A row cut after one column past the limit; a value further right marks that column,
    so the row's stray cells are still reported (a far cell never costs a wide row)."""
    kept = list(row[: MAX_COLUMNS + 1])
    if len(row) > len(kept) and row[len(kept) :].count(None) < len(row) - len(kept):
        kept[-1] = kept[-1] if kept[-1] is not None else "(cells further right)"
    return kept


def _formula_warnings(
    where: str,
    sheet: Any,  # openpyxl's read-only worksheet, formulas not evaluated
    frame: pd.DataFrame,
    raw: RawCase,
) -> None:
    """A warning for every formula cell: its value as the spreadsheet last saved it is used."""
    header = list(frame.columns)
    for cells in _rows_of(sheet, values_only=False):
        for cell in cells[: MAX_COLUMNS + 1]:
            if getattr(cell, "data_type", None) != "f":
                continue
            column = cell.column - 1
            heading = header[column] if column < len(header) else None
            saved = ""
            if heading is not None and cell.row in frame.index:
                saved = str(frame.at[cell.row, heading])
            raw.warn(
                ProblemCode.FORMULA_CELL,
                where,
                _formula_message(cell.coordinate, saved),
                cell.row,
                heading or cell.column_letter,
                str(cell.value),
            )


def _formula_message(cell: str, saved: str) -> str:
    if saved.strip():
        return (
            f"cell {cell} is a formula: the value the spreadsheet last saved for it, "
            f"'{saved[:40]}', was read (formulas are never calculated here). Type the value "
            "instead of the formula to be sure."
        )
    return (
        f"cell {cell} is a formula with no saved value, so it was read as empty "
        "(formulas are never calculated here): type the value, or open and save the "
        "workbook in Excel and load it again."
    )


def _cell_text(value: object) -> str:
    """A workbook cell as the text the user sees (dates as ISO, 10.0 as 10)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        # written out, not strftime: year 1 must read '0001', not '1', to be refused by range
        day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        if value.time() == dt.time(0):
            return day
        clock = f"{value.hour:02d}:{value.minute:02d}"
        return f"{day} {clock}" if value.second == 0 else f"{day} {clock}:{value.second:02d}"
    if isinstance(value, dt.date):
        return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


# --- rows into a table ------------------------------------------------------------


def _header(where: str, rows: Iterator[list[str]], raw: RawCase) -> list[str] | None:
    """Row 1's headings (trailing blanks dropped), or None after an error."""
    first = next(rows, None)
    if first is None or not any(str(c).strip() for c in first):
        raw.error(
            ProblemCode.NO_HEADER,
            where,
            "has no header in row 1: copy the header row from the template.",
            row=1,
        )
        return None
    header = [str(c).strip() for c in first]
    while header and header[-1] == "":
        header.pop()
    if len(header) > MAX_COLUMNS:
        raw.error(
            ProblemCode.TOO_LARGE,
            where,
            f"has {len(header)} headings, more than the {MAX_COLUMNS} a table may have: "
            "keep the table's own columns.",
            row=1,
        )
        return None
    return header


def _add_rows(where: str, rows: Iterable[list[str]], table: str, raw: RawCase) -> None:
    """Header from row 1; data rows keep their spreadsheet row number."""
    rows = iter(rows)
    header = _header(where, rows, raw)
    if header is None:
        return
    width = len(header)
    index: list[int] = []
    records: list[list[str]] = []
    for number, cells in enumerate(rows, start=2):
        cells = [str(c) for c in cells]
        if not any(c.strip() for c in cells):
            continue  # a blank spreadsheet row holds no data
        if len(records) == MAX_ROWS:
            raw.error(
                ProblemCode.TOO_LARGE,
                where,
                f"has more than {MAX_ROWS:,} rows of data, the most a table may have: it "
                "was not read further. Keep the part of the record the case needs.",
                row=number,
            )
            return
        if any(c.strip() for c in cells[width:]):
            raw.error(
                ProblemCode.STRAY_CELLS,
                where,
                f"has more cells than the header's {width} columns: give every "
                "value a column heading, or remove the stray cells.",
                row=number,
            )
        records.append(_cells(where, number, cells[:width], header, raw))
        index.append(number)
    frame = pd.DataFrame(
        records, columns=range(width), index=pd.Index(index, dtype="int64"), dtype=str
    )
    frame.columns = header
    raw.tables[table] = RawTable(where, frame)


def _cells(where: str, number: int, cells: list[str], header: list[str], raw: RawCase) -> list[str]:
    """One row's cells padded to the header; a cell beyond the length limit is refused."""
    width = len(header)
    if max(map(len, cells), default=0) > MAX_CELL_CHARS:
        for position, cell in enumerate(cells):
            if len(cell) > MAX_CELL_CHARS:
                raw.error(
                    ProblemCode.TOO_LARGE,
                    where,
                    f"holds {len(cell):,} characters, more than the {MAX_CELL_CHARS:,} a cell "
                    "may have (Excel's own limit): shorten it.",
                    row=number,
                    column=header[position] or f"column {position + 1}",
                )
                cells[position] = ""  # not kept: the error stops loading anyway
    return cells + [""] * (width - len(cells))
