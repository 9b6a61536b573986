"""Turn raw text tables into a validated Case, or a list of every problem.

Errors stop loading; warnings never do. Nothing is dropped or changed
silently: unknown drugs and tests are kept (and warned about), converted lab
values keep their original value and unit beside them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pandas as pd
import pandera.pandas as pa

from . import catalogue as cat
from .errors import CaseLoadError, Problem, Severity
from .format import CASE_KEYS, NO, TABLES, TREATMENT_KINDS, YES, Field
from .measures import resolve_anchor
from .model import (
    DATETIME,
    RULES,
    WIDE_CHECK_COLUMN,
    Case,
    CaseInfo,
    Identifiers,
    drug_class_dtype,
    empty_annotations,
)
from .sources import RawCase, RawTable

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_SLASH_DATE = re.compile(r"^\d{1,2}[./]\d{1,2}[./]\d{2,4}")
_QUALIFIED = re.compile(r"^\s*(<=|>=|≤|≥|<|>)?\s*(.*?)\s*$")
_EXAMPLE_MARK = "example"


class _Report:
    """Collects problems for one table, each located at row and column."""

    def __init__(self, where: str, problems: list[Problem]) -> None:
        self.where = where
        self.problems = problems

    def add(
        self,
        message: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        self.problems.append(Problem(severity, self.where, message, row, column, value))

    def each(
        self,
        mask: pd.Series,
        text: pd.Series,
        column: str,
        message: str | Callable,
        severity: Severity = Severity.ERROR,
    ) -> None:
        if not mask.any():
            return
        for row, value in text[mask].items():
            shown = message(value) if callable(message) else message
            self.add(shown, int(row), column, value, severity)

    def grouped(
        self, mask: pd.Series, text: pd.Series, column: str, message: Callable[[str], str]
    ) -> None:
        """One warning per distinct value, listing the rows it appears in."""
        if not mask.any():
            return
        for value, rows in text[mask].groupby(text[mask], sort=False).groups.items():
            rows = [int(r) for r in rows]
            also = f" (rows {_row_list(rows)})" if len(rows) > 1 else ""
            self.add(message(value) + also, rows[0], column, value, Severity.WARNING)


def _row_list(rows: list[int]) -> str:
    return ", ".join(map(str, rows[:8])) + (f" and {len(rows) - 8} more" if len(rows) > 8 else "")


# --- cells ------------------------------------------------------------------


def _header_key(text: str) -> str:
    return "_".join(text.strip().lower().replace("-", " ").split())


def _columns(table: RawTable, fields: tuple[Field, ...], report: _Report) -> pd.DataFrame | None:
    """Map the user's headers onto the format; None when a required one is missing."""
    frame = table.frame
    wanted = {f.name for f in fields}
    seen: dict[str, str] = {}
    ok = True
    for position, header in enumerate(frame.columns, start=1):
        key = _header_key(header)
        if key in seen:
            report.add(f"appears twice in the header (also as '{seen[key]}'): keep one.", 1, header)
            ok = False
        elif key in wanted:
            seen[key] = header
        elif header == "":
            if frame.iloc[:, position - 1].str.strip().ne("").any():
                report.add(f"column {position} has values but no heading: add the heading.", 1)
                ok = False
        else:
            report.add(
                "is not part of the format and was not read (see the README for the columns).",
                1,
                header,
                severity=Severity.WARNING,
            )
    for f in fields:
        if f.required and f.name not in seen:
            report.add(f"is missing from the header: add a '{f.name}' column ({f.help})", 1, f.name)
            ok = False
    if not ok:
        return None
    out = pd.DataFrame(index=frame.index)
    for f in fields:
        out[f.name] = frame[seen[f.name]].str.strip() if f.name in seen else ""
    return out


def _dates(text: pd.Series, column: str, report: _Report, required: bool) -> pd.Series:
    empty = text.eq("")
    shaped = text.str.match(_DATE)
    parsed = pd.to_datetime(text.where(shaped & ~empty), format="ISO8601", errors="coerce")
    parsed = parsed.astype(DATETIME)
    bad = ~empty & parsed.isna()

    def why(value: str) -> str:
        if _SLASH_DATE.match(value):
            return (
                "is not a date this file accepts: day/month order is ambiguous. "
                "Write it as YYYY-MM-DD, e.g. 2000-01-14."
            )
        return "is not a date: write it as YYYY-MM-DD, e.g. 2000-01-14 (time optional, 08:30)."

    report.each(bad, text, column, why)
    if required:
        report.each(empty, text, column, f"is empty: every row needs a {column}.")
    return parsed


def _numbers(text: pd.Series, column: str, report: _Report, required: bool) -> pd.Series:
    empty = text.eq("")
    parsed = pd.to_numeric(text.where(~empty), errors="coerce").astype(float)
    parsed = parsed.where(np.isfinite(parsed))
    bad = ~empty & parsed.isna()

    def why(value: str) -> str:
        if re.fullmatch(r"-?\d+,\d+", value):
            return "is not a number: use a point as the decimal separator (2.5, not 2,5)."
        return "is not a number: enter digits only (e.g. 12.5), with the unit in its own column."

    report.each(bad, text, column, why)
    if required:
        report.each(empty, text, column, f"is empty: every row needs a {column}.")
    return parsed


def _map_unique(values: pd.Series, fn: Callable) -> pd.Series:
    """``values.map(fn)``, calling ``fn`` once per distinct value (columns repeat a lot)."""
    codes, uniques = pd.factorize(values)
    found = np.array([fn(u) for u in uniques] + [None], dtype=object)
    return pd.Series(found[codes], index=values.index, dtype=object)


def _lookup(text: pd.Series, index: dict[str, str], key=cat.name_key) -> pd.Series:
    """Canonical names for the entered text; missing where unknown or blank."""
    return _map_unique(text, lambda u: index.get(key(u)))


def _required_text(text: pd.Series, column: str, report: _Report) -> None:
    report.each(text.eq(""), text, column, f"is empty: every row needs a {column}.")


def _duplicates(frame: pd.DataFrame, report: _Report) -> None:
    dup = frame.duplicated(keep=False)
    if not dup.any():
        return
    groups = frame[dup].groupby(list(frame.columns), sort=False, dropna=False).groups
    for rows in groups.values():
        rows = sorted(int(r) for r in rows)
        for row in rows[1:]:
            report.add(f"repeats row {rows[0]} exactly: delete one of them.", row)


# --- tables -----------------------------------------------------------------


def _case_info(
    table: RawTable | None, problems: list[Problem]
) -> tuple[CaseInfo, Identifiers] | None:
    if table is None:
        return None
    report = _Report(table.where, problems)
    frame = table.frame
    if [_header_key(c) for c in frame.columns[:2]] != ["key", "value"]:
        report.add("needs two columns headed 'key' and 'value' in row 1.", 1)
        return None
    known = {f.name: f for f in CASE_KEYS}
    values: dict[str, str] = {}
    rows: dict[str, int] = {}
    for row, key_text, value in zip(frame.index, frame.iloc[:, 0], frame.iloc[:, 1], strict=True):
        key = _header_key(key_text)
        if key in values:
            report.add(f"'{key}' is given twice (also row {rows[key]}): keep one.", int(row), "key")
        elif key not in known:
            report.add(
                "is not a case key and was not read (see the README).",
                int(row),
                "key",
                key_text,
                Severity.WARNING,
            )
        else:
            values[key], rows[key] = value.strip(), int(row)
    ok = True
    for f in CASE_KEYS:
        if f.required and not values.get(f.name):
            report.add(f"the case needs '{f.name}': {f.help}", rows.get(f.name), "value")
            ok = False
    illustrative = values.get("illustrative", "").lower()
    if illustrative and illustrative not in YES + NO:
        report.add("illustrative must be yes or no.", rows["illustrative"], "value", illustrative)
        ok = False
    age = None
    if values.get("age_years"):
        try:
            age = float(values["age_years"])
            if not 0 <= age < 130:
                raise ValueError
        except ValueError:
            report.add(
                "age_years must be a number of years (e.g. 11 or 11.5).",
                rows["age_years"],
                "value",
                values["age_years"],
            )
            ok = False
    if values.get("birth_date") and not _DATE.match(values["birth_date"]):
        report.add(
            "birth_date must be YYYY-MM-DD.", rows["birth_date"], "value"
        )  # value not echoed
        ok = False
    if not ok:
        return None
    info = CaseInfo(
        id=values["id"],
        title=values["title"],
        diagnosis=values["diagnosis"],
        anchor=values["anchor"],
        illustrative=illustrative in YES,
        sex=values.get("sex", ""),
        age_years=age,
        source=values.get("source", ""),
    )
    ids = Identifiers(
        values.get("name", ""), values.get("birth_date", ""), values.get("record_number", "")
    )
    return info, ids


def _warn_example_row(text: pd.DataFrame, report: _Report) -> None:
    """The template ships one example row per sheet; say so if it is still there."""
    mask = text["note"].str.lower().str.startswith(_EXAMPLE_MARK)
    report.each(
        mask,
        text["note"],
        "note",
        "looks like the template's example row: delete it unless it is real data.",
        Severity.WARNING,
    )


def _treatments(table: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    report = _Report(table.where, problems)
    text = _columns(table, TABLES["treatments"], report)
    if text is None:
        return None
    _required_text(text["drug"], "drug", report)
    drug = _lookup(text["drug"], cat.drug_index())
    report.grouped(
        drug.isna() & text["drug"].ne(""),
        text["drug"],
        "drug",
        lambda v: (
            "is not in the drug catalogue: it is kept and shown in the 'Other' lane. Check the "
            "spelling if it is a known drug."
        ),
    )
    classes = drug.map(cat.drugs()["class"]).fillna("other")

    dose_unit = _lookup(text["dose_unit"], cat.dose_unit_index(), key=cat.unit_key)
    report.each(
        dose_unit.isna() & text["dose_unit"].ne(""),
        text["dose_unit"],
        "dose_unit",
        "is not a dose unit this file accepts: use mg, g, ug, mg/kg, ug/kg, mg/m2, "
        "g/m2, IU or IU/kg.",
    )
    _required_text(text["dose_unit"], "dose_unit", report)
    frequency = _lookup(text["frequency"], cat.frequency_index())
    report.each(
        frequency.isna() & text["frequency"].ne(""),
        text["frequency"],
        "frequency",
        "is not a frequency this file accepts: use once, daily, twice daily, three "
        "times daily, four times daily, every other day, weekly, every 2 weeks, every "
        "3 weeks or every 4 weeks.",
    )
    _required_text(text["frequency"], "frequency", report)
    route = _lookup(text["route"], cat.route_index())
    report.grouped(
        route.isna() & text["route"].ne(""),
        text["route"],
        "route",
        lambda v: (
            "is not a route the catalogue knows (oral, intravenous, subcutaneous, intramuscular): "
            "kept as entered."
        ),
    )
    kind = text["kind"].str.lower()
    report.each(
        ~kind.isin(("", *TREATMENT_KINDS)),
        text["kind"],
        "kind",
        "is not a kind this file accepts: leave it blank, or use pulse, infusion or taper.",
    )
    _warn_example_row(text, report)

    start = _dates(text["start"], "start", report, required=True)
    end = _dates(text["end"], "end", report, required=False)
    frequency = frequency.fillna("").astype(str)
    single = end.isna() & frequency.eq("once")
    frame = pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "drug": drug.fillna(text["drug"]).astype(str),
            "drug_input": text["drug"],
            "drug_class": classes.astype(drug_class_dtype()),
            "drug_known": drug.notna(),
            "start": start,
            "end": end,
            "single": single,
            "ongoing": end.isna() & ~single,
            "dose": _numbers(text["dose"], "dose", report, required=True),
            "dose_unit": dose_unit.fillna(text["dose_unit"]).astype(str),
            "frequency": frequency,
            "per_day": frequency.map(cat.frequencies()["per_day"]).astype(float),
            "route": route.fillna(text["route"]).astype(str),
            "kind": kind.astype(str),
            "note": text["note"],
        },
        index=text.index,
    )
    _duplicates(text, report)
    return _check_schema("treatments", frame, text, report)


def _events(table: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    report = _Report(table.where, problems)
    text = _columns(table, TABLES["events"], report)
    if text is None:
        return None
    _required_text(text["type"], "type", report)
    kind = _lookup(text["type"], cat.event_type_index())
    report.grouped(
        kind.isna() & text["type"].ne(""),
        text["type"],
        "type",
        lambda v: "is not an event type the catalogue knows: kept, and drawn as 'other'.",
    )
    _warn_example_row(text, report)
    frame = pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "start": _dates(text["start"], "start", report, required=True),
            "end": _dates(text["end"], "end", report, required=False),
            "type": kind.fillna(text["type"]).astype(str),
            "type_known": kind.notna(),
            "label": text["label"].where(text["label"].ne(""), text["type"]),
            "note": text["note"],
        },
        index=text.index,
    )
    _duplicates(text, report)
    return _check_schema("events", frame, text, report)


def _labs(table: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    report = _Report(table.where, problems)
    text = _columns(table, TABLES["labs"], report)
    if text is None:
        return None
    _required_text(text["test"], "test", report)
    _required_text(text["unit"], "unit", report)
    test = _lookup(text["test"], cat.lab_index())
    report.grouped(
        test.isna() & text["test"].ne(""),
        text["test"],
        "test",
        lambda v: (
            "is not in the lab catalogue: kept with its own unit, with no reference range or "
            "threshold unless the row gives one."
        ),
    )
    _warn_example_row(text, report)

    parts = text["value"].str.extract(_QUALIFIED)
    qualifier = parts[0].fillna("").replace({"≤": "<=", "≥": ">="})
    value_input = _numbers(parts[1].fillna(""), "value", report, required=False)
    report.each(text["value"].eq(""), text["value"], "value", "is empty: every row needs a value.")
    ref_low = _numbers(text["ref_low"], "ref_low", report, required=False)
    ref_high = _numbers(text["ref_high"], "ref_high", report, required=False)

    conversion = _conversions(test, text["unit"])
    unknown_unit = test.notna() & conversion["divide"].isna() & text["unit"].ne("")
    accepted = cat.lab_units().groupby("test")["unit"].agg(", ".join)
    for row in text.index[unknown_unit]:
        label = cat.labs().loc[test[row], "label"]
        report.add(
            f"is not a unit for {label}: use one of {accepted[test[row]]}.",
            int(row),
            "unit",
            text.at[row, "unit"],
        )

    catalogue = cat.labs()
    known = test.notna() & ~unknown_unit
    offset = conversion["offset"].where(known, 0.0)
    multiply = conversion["multiply"].where(known, 1.0)
    divide = conversion["divide"].where(known, 1.0)

    def convert(values: pd.Series) -> pd.Series:
        return cat.convert(values, offset, multiply, divide)

    from_input = ref_low.notna() | ref_high.notna()
    default_low = test.map(catalogue["ref_low"]).astype(float)
    default_high = test.map(catalogue["ref_high"]).astype(float)
    has_default = default_low.notna() | default_high.notna()
    frame = pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "time": _dates(text["time"], "time", report, required=True),
            "test": test.fillna(text["test"]).astype(str),
            "test_input": text["test"],
            "test_known": test.notna(),
            "value": convert(value_input),
            "unit": test.map(catalogue["unit"]).where(known, text["unit"]).astype(str),
            "qualifier": qualifier.astype(str),
            "value_input": value_input,
            "unit_input": text["unit"],
            "ref_low": convert(ref_low).where(from_input, default_low),
            "ref_high": convert(ref_high).where(from_input, default_high),
            "ref_source": np.where(from_input, "input", np.where(has_default, "catalogue", "")),
            "ref_low_input": ref_low,
            "ref_high_input": ref_high,
            "note": text["note"],
        },
        index=text.index,
    )
    _duplicates(text, report)
    _conflicting_results(frame, report)
    _implausible_units(frame, report)
    return _check_schema("labs", frame, text, report)


PANELS = ("lanes", "steroids")


def _annotations(table: RawTable, problems: list[Problem]) -> pd.DataFrame | None:
    report = _Report(table.where, problems)
    text = _columns(table, TABLES["annotations"], report)
    if text is None:
        return None
    day = _numbers(text["day"], "day", report, required=True)
    _required_text(text["text"], "text", report)
    panel = text["panel"].str.lower()
    known = panel.isin(("", *PANELS)) | panel.map(lambda p: p in cat.lab_index()).astype(bool)
    report.each(
        ~known,
        text["panel"],
        "panel",
        "is not a panel: use lanes, steroids or a lab test; the note is shown at the top instead.",
        Severity.WARNING,
    )
    panel = panel.map(lambda p: cat.lab_index().get(p, p)).where(known, "")
    if any(p.severity is Severity.ERROR and p.where == report.where for p in report.problems):
        return None
    return pd.DataFrame({"day": day, "text": text["text"], "panel": panel}).reset_index(drop=True)


def _conversions(test: pd.Series, unit: pd.Series) -> pd.DataFrame:
    index = cat.lab_unit_index()
    missing = (np.nan, np.nan, np.nan)
    pairs = zip(test.fillna(""), _map_unique(unit, cat.unit_key), strict=True)
    found = np.array([index[p][1:] if p in index else missing for p in pairs], dtype=float)
    found = found.reshape(len(test), 3)
    return pd.DataFrame(found, index=test.index, columns=["offset", "multiply", "divide"])


def _conflicting_results(frame: pd.DataFrame, report: _Report) -> None:
    same = frame.dropna(subset=["time", "value"]).groupby(["time", "test"])["value"].nunique()
    for time, test in same[same > 1].index:
        rows = frame.index[(frame["time"] == time) & (frame["test"] == test)]
        report.add(
            f"{test} has different results at the same time in rows "
            f"{_row_list([int(r) for r in rows])}: check which is right.",
            int(rows[0]),
            "value",
            severity=Severity.WARNING,
        )


def _implausible_units(frame: pd.DataFrame, report: _Report) -> None:
    unit_keys = _map_unique(frame["unit_input"], cat.unit_key)
    for rule in cat.lab_plausibility().itertuples():
        entered = unit_keys == cat.unit_key(rule.unit)
        value = frame["value_input"]
        beyond = value > rule.value if rule.operator == ">" else value < rule.value
        mask = (frame["test"] == rule.test) & entered & beyond
        report.each(
            mask,
            frame["value_input"].astype(str),
            "value",
            f"{rule.message} ({rule.source})",
            Severity.WARNING,
        )


def _check_schema(
    name: str, frame: pd.DataFrame, text: pd.DataFrame, report: _Report
) -> pd.DataFrame | None:
    """Run the table's declared rules; located problems, one per row and column."""
    located = {(p.row, p.column) for p in report.problems if p.where == report.where}
    bad_rows = {
        p.row for p in report.problems if p.where == report.where and p.severity is Severity.ERROR
    }
    try:
        RULES[name].validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        for check, column, row in cases[["check", "column", "index"]].itertuples(index=False):
            if check == "not_nullable" or row is None or pd.isna(row):
                continue  # an empty or unparseable cell, already reported by the parser
            column = WIDE_CHECK_COLUMN.get(check, column)
            if (int(row), column) in located or (
                check in WIDE_CHECK_COLUMN and int(row) in bad_rows
            ):
                continue
            located.add((int(row), column))
            shown = text.at[row, column] if column in text.columns else None
            report.add(check, int(row), column, shown)
    if any(p.severity is Severity.ERROR and p.where == report.where for p in report.problems):
        return None
    return frame.reset_index(drop=True)


# --- the case -------------------------------------------------------------------


def _anchor_time(
    info: CaseInfo, events: pd.DataFrame, where: str, problems: list[Problem]
) -> pd.Timestamp | None:
    """Day 0 is the first event whose type or label matches the case's anchor."""
    anchor = resolve_anchor(events, info.anchor)
    if anchor is None:
        problems.append(
            Problem(
                Severity.ERROR,
                where,
                "matches no event: give the type or label of the event "
                "that is Day 0 (e.g. admission), and make sure that event is in the events table.",
                column="value",
                value=info.anchor,
            )
        )
    return anchor


def build_case(raw: RawCase) -> Case:
    """Validate raw tables into a Case; raise CaseLoadError listing every problem."""
    problems = list(raw.problems)
    info = _case_info(raw.tables.get("case"), problems)
    frames = {}
    for name, build in (("treatments", _treatments), ("events", _events), ("labs", _labs)):
        if name in raw.tables:
            frames[name] = build(raw.tables[name], problems)
    annotations = (
        _annotations(raw.tables["annotations"], problems)
        if "annotations" in raw.tables
        else empty_annotations()
    )
    anchor = None
    if info is not None and frames.get("events") is not None:
        anchor = _anchor_time(info[0], frames["events"], raw.tables["case"].where, problems)
    if any(p.severity is Severity.ERROR for p in problems):
        raise CaseLoadError(problems)
    from .plausibility import dose_warnings  # needs the model's derived measures

    treatments = frames["treatments"]
    problems += dose_warnings(treatments, frames["labs"], raw.tables["treatments"].where)
    return Case(
        info=info[0],
        identifiers=info[1],
        treatments=treatments,
        events=frames["events"],
        labs=frames["labs"],
        anchor_time=anchor,
        source=raw.source,
        warnings=tuple(p for p in problems if p.severity is Severity.WARNING),
        annotations=annotations,
    )
