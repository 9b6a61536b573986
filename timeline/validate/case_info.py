"""The case table (key, value rows) into what may be shown and what identifies."""

from __future__ import annotations

import pandas as pd

from ..errors import Problem, ProblemCode, Severity
from ..format import CASE_KEYS, NO, SEXES, YES
from ..model import CaseInfo, Identifiers
from ..sources import RawTable
from .cells import DATE, Report, header_key

_KNOWN = {f.name: f for f in CASE_KEYS}


def case_info(
    table: RawTable | None, problems: list[Problem]
) -> tuple[CaseInfo, Identifiers] | None:
    """The case's information and identifiers; None when a value is missing or refused."""
    if table is None:
        return None
    report = Report(table.where, problems)
    if [header_key(c) for c in table.frame.columns[:2]] != ["key", "value"]:
        report.add(
            ProblemCode.BAD_CASE_HEADER, "needs two columns headed 'key' and 'value' in row 1.", 1
        )
        return None
    values, rows = _read_keys(table.frame, report)
    before = len(problems)  # every problem from here on refuses a value
    _check_required(values, rows, report)
    illustrative = values.get("illustrative", "").lower()
    if illustrative and illustrative not in YES + NO:
        report.add(
            ProblemCode.BAD_CASE_VALUE,
            "illustrative must be yes or no.",
            rows["illustrative"],
            "value",
            illustrative,
        )
    age = _age(values, rows, report)
    sex = _sex(values, rows, report)
    if values.get("birth_date") and not DATE.match(values["birth_date"]):
        # the value is identifying: the message does not echo it
        report.add(
            ProblemCode.BAD_CASE_VALUE,
            "birth_date must be YYYY-MM-DD.",
            rows["birth_date"],
            "value",
        )
    if len(problems) > before:
        return None
    return _info(values, illustrative in YES, age, sex), Identifiers(
        values.get("name", ""), values.get("birth_date", ""), values.get("record_number", "")
    )


def _read_keys(frame: pd.DataFrame, report: Report) -> tuple[dict[str, str], dict[str, int]]:
    """Each known key's value (stripped) and the row it is on; a key given twice keeps the first."""
    values: dict[str, str] = {}
    rows: dict[str, int] = {}
    for row, key_text, value in zip(frame.index, frame.iloc[:, 0], frame.iloc[:, 1], strict=True):
        key = header_key(key_text)
        if key in values:
            report.add(
                ProblemCode.CASE_KEY_TWICE,
                f"'{key}' is given twice (also row {rows[key]}): keep one.",
                int(row),
                "key",
            )
        elif key not in _KNOWN:
            report.add(
                ProblemCode.UNKNOWN_CASE_KEY,
                "is not a case key and was not read (see the README).",
                int(row),
                "key",
                key_text,
                Severity.WARNING,
            )
        else:
            values[key], rows[key] = value.strip(), int(row)
    return values, rows


def _check_required(values: dict[str, str], rows: dict[str, int], report: Report) -> None:
    for f in CASE_KEYS:
        if f.required and not values.get(f.name):
            report.add(
                ProblemCode.MISSING_CASE_KEY,
                f"the case needs '{f.name}': {f.help}",
                rows.get(f.name),
                "value",
            )


def _age(values: dict[str, str], rows: dict[str, int], report: Report) -> float | None:
    """Age in years when given; an error unless it is a number from 0 to under 130."""
    text = values.get("age_years")
    if not text:
        return None
    try:
        age = float(text)
    except ValueError:
        age = float("nan")
    if not 0 <= age < 130:
        report.add(
            ProblemCode.BAD_CASE_VALUE,
            "age_years must be a number of years (e.g. 11 or 11.5).",
            rows["age_years"],
            "value",
            text,
        )
        return None
    return age


def _sex(values: dict[str, str], rows: dict[str, int], report: Report) -> str:
    """female, male, other or unknown ('F' and 'M' read as female and male); blank when not given.

    It chooses the default reference ranges, so a value it cannot read is an error.
    """
    text = values.get("sex", "")
    sex = SEXES.get(text.lower(), "")
    if text and not sex:
        report.add(
            ProblemCode.BAD_CASE_VALUE,
            "sex must be female, male, other or unknown.",
            rows["sex"],
            "value",
            text,
        )
    return sex


def _info(values: dict[str, str], illustrative: bool, age: float | None, sex: str) -> CaseInfo:
    return CaseInfo(
        id=values["id"],
        title=values["title"],
        diagnosis=values["diagnosis"],
        anchor=values["anchor"],
        illustrative=illustrative,
        sex=sex,
        age_years=age,
        source=values.get("source", ""),
    )
