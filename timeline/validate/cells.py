"""Cell parsers and small table helpers shared by every table's builder.

Each parser reads one column of text and reports every bad cell to a
``Report``, located at its spreadsheet row and column; none stops at the first.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..errors import Problem, ProblemCode, Severity
from ..format import Field
from ..limits import MAX_ABS_NUMBER, MAX_DATE, MIN_DATE
from ..model import DATETIME
from ..sources import RawTable

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SLASH_DATE = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_COMMA_DECIMAL = re.compile(r"-?\d+,\d+")
# Thousands separators as English-language reports write them (CLINICAL.md §3b): groups
# of three after a first group of one to three digits that does not start with 0 ('0,500'
# is a decimal comma). A space, a no-break space or a narrow no-break space ('40 000'),
# or a comma ('40,000', '1,234,567', '1,234.5'); a point only for decimals.
_SPACES = " \u00a0\u202f"
_GROUPED = re.compile(rf"[-+]?[1-9]\d{{0,2}}(?:(?:[{_SPACES}]\d{{3}})+|(?:,\d{{3}})+)(?:\.\d+)?")
# one comma and three digits, nothing else: forty thousand, or 40.000 with a decimal comma
_ONE_COMMA = re.compile(r"[-+]?[1-9]\d{0,2},\d{3}")
# digits and separators only, refused: a number written with separators this file will
# not guess at ('1.234,5', '40 00', '1,23,456')
_SEPARATED = re.compile(rf"[-+]?\d[\d{_SPACES},.]*\d")
_EXAMPLE_MARK = "example"

#: Why a cell's text was refused: the problem's code and its message.
Why = Callable[[str], tuple[ProblemCode, str]]


class Report:
    """Collects problems for one table, each located at row and column."""

    def __init__(self, where: str, problems: list[Problem]) -> None:
        self.where = where
        self.problems = problems

    def add(
        self,
        code: ProblemCode,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """One problem in this table."""
        self.problems.append(Problem(severity, code, self.where, message, row, column, value))

    def each(
        self,
        mask: pd.Series,
        text: pd.Series,
        column: str,
        code: ProblemCode,
        message: str,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """One problem per masked row, showing the cell's text."""
        self.explain(mask, text, column, lambda _: (code, message), severity)

    def explain(
        self,
        mask: pd.Series,
        text: pd.Series,
        column: str,
        why: Why,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """One problem per masked row, its code and message chosen by the cell's text."""
        if not mask.any():
            return
        for row, value in zip(text.index[mask].tolist(), text[mask].tolist(), strict=True):
            code, message = why(value)
            self.add(code, message, int(row), column, value, severity)

    def grouped(
        self, mask: pd.Series, text: pd.Series, column: str, code: ProblemCode, message: str
    ) -> None:
        """One warning per distinct value, listing the rows it appears in."""
        if not mask.any():
            return
        for value, rows in text[mask].groupby(text[mask], sort=False).groups.items():
            numbers = [int(r) for r in rows]
            also = f" (rows {row_list(numbers)})" if len(numbers) > 1 else ""
            self.add(code, message + also, numbers[0], column, str(value), Severity.WARNING)

    def has_errors(self) -> bool:
        """Whether any error so far is in this table (earlier tables' do not count)."""
        return any(p.severity is Severity.ERROR and p.where == self.where for p in self.problems)


def row_list(rows: list[int]) -> str:
    """Rows for a message: the first eight, then how many more."""
    return ", ".join(map(str, rows[:8])) + (f" and {len(rows) - 8} more" if len(rows) > 8 else "")


# --- the header -------------------------------------------------------------


def header_key(text: str) -> str:
    """A heading or case key as the format spells it: 'Dose-Unit ' is 'dose_unit'."""
    return "_".join(text.strip().lower().replace("-", " ").split())


def columns(table: RawTable, fields: tuple[Field, ...], report: Report) -> pd.DataFrame | None:
    """Map the user's headers onto the format; None when a required one is missing."""
    frame = table.frame
    seen, ok = _read_header(frame, {f.name for f in fields}, report)
    for f in fields:
        if f.required and f.name not in seen:
            report.add(
                ProblemCode.MISSING_COLUMN,
                f"is missing from the header: add a '{f.name}' column ({f.help})",
                1,
                f.name,
            )
            ok = False
    if not ok:
        return None
    out = pd.DataFrame(index=frame.index)
    for f in fields:
        out[f.name] = frame[seen[f.name]].str.strip() if f.name in seen else ""
    return out


def _read_header(
    frame: pd.DataFrame, wanted: set[str], report: Report
) -> tuple[dict[str, str], bool]:
    """Format name → the user's heading, and whether every heading could be used."""
    seen: dict[str, str] = {}
    ok = True
    for position, header in enumerate(frame.columns, start=1):
        key = header_key(header)
        if key in seen:
            report.add(
                ProblemCode.DUPLICATE_HEADING,
                f"appears twice in the header (also as '{seen[key]}'): keep one.",
                1,
                header,
            )
            ok = False
        elif key in wanted:
            seen[key] = header
        elif header == "":
            if frame.iloc[:, position - 1].str.strip().ne("").any():
                report.add(
                    ProblemCode.UNNAMED_COLUMN,
                    f"column {position} has values but no heading: add the heading.",
                    1,
                )
                ok = False
        else:
            report.add(
                ProblemCode.UNKNOWN_COLUMN,
                "is not part of the format and was not read (see the README for the columns).",
                1,
                header,
                severity=Severity.WARNING,
            )
    return seen, ok


# --- cells ------------------------------------------------------------------


def parse_date(text: str) -> pd.Timestamp:
    """One date as the case files accept it (YYYY-MM-DD, time optional), for the command line.

    Raises
    ------
    ValueError
        With the message a case file's cell would get (day/month order refused as ambiguous).
    """
    value = text.strip()
    if DATE.match(value) and _in_range(value):
        return pd.Timestamp(value)
    why = _not_a_date(value) if not DATE.match(value) else _DATE_OUT_OF_RANGE
    msg = f"'{value}' {why[1]}"
    raise ValueError(msg)


_FIRST, _LAST = MIN_DATE.isoformat(), MAX_DATE.isoformat()
_DATE_OUT_OF_RANGE = (
    ProblemCode.DATE_OUT_OF_RANGE,
    f"is outside the dates a clinical record may hold ({_FIRST} to {_LAST}): check the year.",
)


def _in_range(value: str) -> bool:
    """Whether an ISO date (time optional) is within the record's range: ISO text sorts
    as its dates do, so the text is compared before pandas (which cannot hold year 1
    or 9999 at all) ever sees it."""
    return _FIRST <= value[:10] <= _LAST


def _not_a_date(value: str) -> tuple[ProblemCode, str]:
    if _SLASH_DATE.match(value):
        return ProblemCode.AMBIGUOUS_DATE, (
            "is not a date this file accepts: day/month order is ambiguous. "
            "Write it as YYYY-MM-DD, e.g. 2000-01-14."
        )
    return (
        ProblemCode.BAD_DATE,
        "is not a date: write it as YYYY-MM-DD, e.g. 2000-01-14 (time optional, 08:30).",
    )


def out_of_range(value: str) -> tuple[ProblemCode, str] | None:
    """Why a cell that reads as a float is still refused: infinite, not a number, or too
    large for any clinical value (it would overflow once converted); None when it is not."""
    try:
        number = float(value)
    except ValueError:
        return None
    if not np.isfinite(number):
        return (
            ProblemCode.NUMBER_OUT_OF_RANGE,
            "is not a finite number: enter the result in digits (e.g. 12.5).",
        )
    if abs(number) > MAX_ABS_NUMBER:
        return (
            ProblemCode.NUMBER_OUT_OF_RANGE,
            f"is larger than any clinical value (the limit is {MAX_ABS_NUMBER:g}): check "
            "the number and its unit.",
        )
    return None


def why_not_a_number(value: str) -> tuple[ProblemCode, str]:
    beyond = out_of_range(value)
    if beyond is not None:
        return beyond
    if _COMMA_DECIMAL.fullmatch(value):
        return (
            ProblemCode.COMMA_DECIMAL,
            "is not a number: use a point as the decimal separator (2.5, not 2,5).",
        )
    if _SEPARATED.fullmatch(value):
        return (
            ProblemCode.AMBIGUOUS_NUMBER,
            "is not a number this file reads without guessing: write it with a point as the "
            "decimal separator, and either no thousands separator or groups of three "
            "(40000, 40 000 or 40,000; 2.5).",
        )
    return (
        ProblemCode.BAD_NUMBER,
        "is not a number: enter digits only (e.g. 12.5), with the unit in its own column.",
    )


def dates(text: pd.Series, column: str, report: Report, required: bool) -> pd.Series:
    """ISO dates (time optional) as datetime64; NaT where empty or refused."""
    empty = text.eq("")
    shaped = text.str.match(DATE).astype(bool)
    day = text.str.slice(0, 10)
    outside = shaped & ((day < _FIRST) | (day > _LAST))
    parsed = pd.to_datetime(
        text.where(shaped & ~outside & ~empty), format="ISO8601", errors="coerce"
    )
    parsed = parsed.astype(DATETIME)
    report.each(outside, text, column, *_DATE_OUT_OF_RANGE)
    report.explain(~empty & ~outside & parsed.isna(), text, column, _not_a_date)
    if required:
        required_text(text, column, report)
    return parsed


def _grouped_number(text: str) -> float:
    """A number written with thousands separators ('40 000', '40,000'), else NaN."""
    if not _GROUPED.fullmatch(text):
        return np.nan
    return float(re.sub(rf"[{_SPACES},]", "", text))


def read_numbers(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Finite numbers as written, as float (NaN where empty or not a number), and where a
    lone comma was read as a thousands separator ('40,000': an assumption to report).

    Plain numbers are read at once; only the rest (few) are matched one by one.
    """
    empty = text.eq("")
    parsed = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
    rest = ~empty & parsed.isna()
    if rest.any():
        parsed = parsed.fillna(map_unique(text[rest], _grouped_number).astype(float))
    # inf, nan and numbers beyond any clinical value are refused, never drawn as infinity
    parsed = parsed.where(np.isfinite(parsed) & (parsed.abs() <= MAX_ABS_NUMBER))
    assumed = pd.Series(False, index=text.index)
    if rest.any():
        lone = text[rest].map(lambda t: _ONE_COMMA.fullmatch(t) is not None).astype(bool)
        assumed[rest] = lone & parsed[rest].notna()
    return parsed, assumed


def thousands_assumed(
    assumed: pd.Series,
    text: pd.Series,
    column: str,
    report: Report,
    shown: pd.Series | None = None,
) -> None:
    """A warning for each number whose lone comma was read as a thousands separator.

    ``text`` is the number as read ('40,000'); ``shown``, the whole cell when the
    number is only part of it ('>40,000 H').
    """
    shown = text if shown is None else shown
    for row in text.index[assumed].tolist():
        number = text[row]
        report.add(
            ProblemCode.THOUSANDS_ASSUMED,
            f"{number} read as {_grouped_number(number):.0f} (the comma as a thousands "
            f"separator, as English-language reports write it): a decimal comma would be "
            f"{number.replace(',', '.')}, which this file writes with a point.",
            int(row),
            column,
            shown[row],
            Severity.WARNING,
        )


def numbers(text: pd.Series, column: str, report: Report, required: bool) -> pd.Series:
    """Finite numbers as float; NaN where empty or refused. '40 000' and '40,000' are
    forty thousand (the comma's reading reported as an assumption); '2,5' is refused."""
    empty = text.eq("")
    parsed, assumed = read_numbers(text)
    report.explain(~empty & parsed.isna(), text, column, why_not_a_number)
    thousands_assumed(assumed, text, column, report)
    if required:
        required_text(text, column, report)
    return parsed


def required_text(text: pd.Series, column: str, report: Report) -> None:
    """An error for each empty cell of a column every row needs."""
    report.each(
        text.eq(""),
        text,
        column,
        ProblemCode.EMPTY_REQUIRED,
        f"is empty: every row needs a {column}.",
    )


def map_unique(values: pd.Series, fn: Callable) -> pd.Series:
    """``values.map(fn)``, calling ``fn`` once per distinct value (columns repeat a lot)."""
    codes, uniques = pd.factorize(values)
    found = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(found[codes], index=values.index, dtype=object)


def lookup(
    text: pd.Series, index: dict[str, str], key: Callable[[str], str] = cat.name_key
) -> pd.Series:
    """Canonical names for the entered text; missing where unknown or blank."""
    return map_unique(text, lambda u: index.get(key(u)))


def example_rows(text: pd.DataFrame, report: Report) -> None:
    """The template ships one example row per sheet; say so if it is still there."""
    report.each(
        text["note"].str.lower().str.startswith(_EXAMPLE_MARK),
        text["note"],
        "note",
        ProblemCode.EXAMPLE_ROW,
        "looks like the template's example row: delete it unless it is real data.",
        Severity.WARNING,
    )


def duplicates(text: pd.DataFrame, report: Report) -> None:
    """An error for every row that repeats an earlier one exactly."""
    dup = text.duplicated(keep=False)
    if not dup.any():
        return
    groups = text[dup].groupby(list(text.columns), sort=False, dropna=False).groups
    for rows in groups.values():
        ordered = sorted(int(r) for r in rows)
        for row in ordered[1:]:
            report.add(
                ProblemCode.DUPLICATE_ROW,
                f"repeats row {ordered[0]} exactly: delete one of them.",
                row,
            )
