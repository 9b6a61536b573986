"""Write cases and the empty template as Excel workbooks (one sheet per table)."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from .format import CASE_KEYS, OPTIONAL_TABLES, TABLE_ORDER, TABLES, Field
from .model import Case

_EXAMPLE_NOTE = "example row: replace it or delete it"


def _number_text(value: float) -> str:
    """A float as the shortest text that reads back as the same float."""
    if pd.isna(value):
        return ""
    return (
        str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))
    )


def _time_text(value: pd.Timestamp) -> str:
    if pd.isna(value):
        return ""
    return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M")


_IDENTIFYING = {f.name: f.identifying for f in CASE_KEYS}


def case_tables(case: Case, *, include_identifiers: bool) -> dict[str, pd.DataFrame]:
    """The case in the file format, values as entered (for a round trip).

    Identifying fields are written only when ``include_identifiers`` is true.
    """
    info = case.info
    keys = {
        "id": info.id,
        "title": info.title,
        "diagnosis": info.diagnosis,
        "sex": info.sex,
        "age_years": "" if info.age_years is None else _number_text(info.age_years),
        "anchor": info.anchor,
        "source": info.source,
        "illustrative": "yes" if info.illustrative else "no",
    }
    ids = case.identifiers
    keys |= {"name": ids.name, "birth_date": ids.birth_date, "record_number": ids.record_number}
    if not include_identifiers:  # the format marks which keys identify the patient
        keys = {k: v for k, v in keys.items() if not _IDENTIFYING[k]}
    t, e, labs = case.treatments, case.events, case.labs
    return {
        "case": pd.DataFrame({"key": list(keys), "value": list(keys.values())}),
        "treatments": pd.DataFrame(
            {
                "drug": t["drug_input"],
                "start": t["start"].map(_time_text),
                "end": t["end"].map(_time_text),
                "dose": t["dose"].map(_number_text),
                "dose_unit": t["dose_unit"],
                "frequency": t["frequency"],
                "route": t["route"],
                "kind": t["kind"],
                "note": t["note"],
            }
        ),
        "events": pd.DataFrame(
            {
                "start": e["start"].map(_time_text),
                "end": e["end"].map(_time_text),
                "type": e["type"],
                "label": e["label"],
                "note": e["note"],
            }
        ),
        "labs": pd.DataFrame(
            {
                "time": labs["time"].map(_time_text),
                "test": labs["test_input"],
                # as typed: '3.40', '40 000' and a word stay; the laboratory's flag after it
                "value": labs["qualifier"]
                + labs["value_text"]
                + labs["lab_flag"].map(lambda flag: f" {flag}" if flag else ""),
                "unit": labs["unit_input"],
                "ref_low": labs["ref_low_input"].map(_number_text),
                "ref_high": labs["ref_high_input"].map(_number_text),
                "note": labs["note"],
            }
        ),
        "annotations": pd.DataFrame(
            {
                "day": case.annotations["day"].map(_number_text),
                "text": case.annotations["text"],
                "panel": case.annotations["panel"],
            }
        ),
        "story": case.story.assign(day=case.story["day"].map(_number_text)),
    }


# Excel's limit on one cell's text; openpyxl would cut a longer one silently.
MAX_CELL_CHARS = 32_767
# What a spreadsheet reads as the start of a formula (OWASP, "CSV injection"); tab and
# carriage return too, as some spreadsheets strip them and read what follows.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CellTooLong(ValueError):
    """A cell's text is longer than a workbook cell holds; nothing is written."""


def too_long_cells(tables: dict[str, pd.DataFrame]) -> list[str]:
    """Where a text is longer than ``MAX_CELL_CHARS``: 'notes, row 3, text (40,000 characters)'.

    Rows are counted as in the spreadsheet (the header is row 1).
    """
    found = []
    for name, frame in tables.items():
        for column in frame.columns:
            lengths = frame[column].astype(str).str.len().to_numpy()
            for position in (lengths > MAX_CELL_CHARS).nonzero()[0]:
                length = int(lengths[position])
                found.append(f"{name}, row {position + 2}, {column} ({length:,} characters)")
    return found


def _fields(table: str) -> tuple[Field, ...]:
    return TABLES.get(table, ())


def _typed(text: str, field: Field | None):
    """Write dates as dates and numbers as numbers so Excel shows them natively."""
    if text == "" or field is None:
        return text or None
    if field.kind == "date":
        return pd.Timestamp(text).to_pydatetime()
    if field.kind == "number":
        try:
            number = float(text)
        except ValueError:
            return text  # a qualified value such as "<5" stays text
        # a number cell would drop a trailing zero ('3.40'), and with it the precision
        # the result was written with: such a value stays text
        return number if _number_text(number) == text else text
    return text


def write_workbook(
    tables: dict[str, pd.DataFrame], target: str | Path | io.BytesIO, *, help_rows: bool = False
) -> None:
    """Write tables (text cells) to an .xlsx with one sheet per table.

    Text is always written as text, never as a formula ('=1+1' stays those characters).
    A text longer than a cell holds is refused with ``CellTooLong`` naming each cell,
    rather than cut: nothing is written then.
    """
    from openpyxl import Workbook

    long = too_long_cells(tables)
    if long:
        msg = f"A workbook cell holds at most {MAX_CELL_CHARS:,} characters; shorten: " + "; ".join(
            long
        )
        raise CellTooLong(msg)

    book = Workbook()
    book.remove(book.active)
    for name in TABLE_ORDER + OPTIONAL_TABLES:
        if name in tables:
            _write_sheet(book.create_sheet(name), name, tables[name], help_rows)
    if help_rows:
        _write_help(book)
    book.save(target)


def _write_sheet(sheet, name: str, frame: pd.DataFrame, help_rows: bool) -> None:
    """One table: bold headers (commented in the template), typed cells, sized columns."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Font

    fields = {f.name: f for f in (CASE_KEYS if name == "case" else _fields(name))}
    typed = {} if name == "case" else fields  # the case table's values are all text
    sheet.append(list(frame.columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        if help_rows and cell.value in fields:
            cell.comment = Comment(fields[cell.value].help, "template")
    width = len(frame.columns)
    for row, values in enumerate(frame.itertuples(index=False), start=2):
        sheet.append(
            [_typed(str(v), typed.get(c)) for c, v in zip(frame.columns, values, strict=True)]
        )
        # cell by cell (``sheet[sheet.max_row]`` scans the whole sheet: 100,000 rows took
        # minutes)
        for column in range(1, width + 1):
            _as_text(sheet.cell(row=row, column=column))
    for column, header in zip(sheet.columns, frame.columns, strict=True):
        field = typed.get(header)
        if field is not None and field.kind == "date":
            for cell in column[1:]:
                if cell.value is not None:
                    cell.number_format = _date_format(cell.value)
        width = max([len(str(header))] + [len(str(c.value or "")) for c in column[1:50]])
        sheet.column_dimensions[column[0].column_letter].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"


def _as_text(cell) -> None:
    """A text cell stays text: openpyxl makes '=...' a formula and '#N/A' an error.

    Text a spreadsheet would read as a formula also gets Excel's quote prefix (the
    hidden apostrophe), so editing the cell later keeps it text.
    """
    if not isinstance(cell.value, str):
        return
    cell.data_type = "s"
    if cell.value.startswith(_FORMULA_START):
        cell.quotePrefix = True


def _date_format(value) -> str:
    return "yyyy-mm-dd hh:mm" if value.hour or value.minute else "yyyy-mm-dd"


def _write_help(book) -> None:
    """The template's help sheet, and its example rows greyed."""
    from openpyxl.styles import Font, PatternFill

    sheet = book.create_sheet("help")
    sheet.append(["table", "column or key", "required", "what to enter"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for name in TABLE_ORDER + OPTIONAL_TABLES:
        for f in CASE_KEYS if name == "case" else TABLES[name]:
            sheet.append([name, f.name, "yes" if f.required else "no", f.help])
    sheet.column_dimensions["D"].width = 110
    sheet.column_dimensions["B"].width = 16
    grey = PatternFill("solid", fgColor="EEEEEE")
    for name in (t for t in TABLES if t not in OPTIONAL_TABLES):
        for cell in book[name][2]:
            cell.fill = grey


def template_tables() -> dict[str, pd.DataFrame]:
    """The empty template: headers and one example row per table."""
    tables = {
        "case": pd.DataFrame(
            {"key": [f.name for f in CASE_KEYS], "value": [f.example for f in CASE_KEYS]}
        )
    }
    for name, fields in TABLES.items():
        if name in OPTIONAL_TABLES:  # no example: it would load as a real note
            tables[name] = pd.DataFrame(columns=[f.name for f in fields])
            continue
        example = {f.name: f.example for f in fields}
        example["note"] = _EXAMPLE_NOTE
        tables[name] = pd.DataFrame([example])
    return tables


def write_template(target: str | Path | io.BytesIO) -> None:
    """The workbook clinicians fill in, with a help sheet and header comments."""
    write_workbook(template_tables(), target, help_rows=True)


def case_workbook_bytes(case: Case, *, include_identifiers: bool) -> bytes:
    buffer = io.BytesIO()
    write_workbook(case_tables(case, include_identifiers=include_identifiers), buffer)
    return buffer.getvalue()
