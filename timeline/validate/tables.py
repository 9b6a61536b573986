"""One declarative spec per table, and the one builder that turns text into a typed frame.

A spec lists its steps in the order their problems are reported: a required
column, a vocabulary, a date, a number, or a step of the table's own (the labs'
qualifier split and unit conversion). Adding a column is one line in a spec.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

import numpy as np
import pandas as pd
import pandera.pandas as pa

from .. import catalogue as cat
from ..errors import Problem, ProblemCode, Severity
from ..format import TABLES, TREATMENT_KINDS
from ..model import (
    CHECK_PROBLEMS,
    LAB_FLAGS,
    QUALITATIVE_RESULTS,
    RULES,
    CaseInfo,
    drug_class_dtype,
)
from ..sources import RawTable
from ..story import parse_withheld
from .cells import (
    Report,
    columns,
    dates,
    duplicates,
    example_rows,
    lookup,
    map_unique,
    numbers,
    out_of_range,
    read_numbers,
    required_text,
    row_list,
    thousands_assumed,
    why_not_a_number,
)
from .plausibility import conflicting_results, implausible_units

_QUALIFIED = re.compile(r"^\s*(<=|>=|≤|≥|<|>)?\s*(.*?)\s*$", re.DOTALL)
# the laboratory's flag after the number ('12.5 H', '12.5H', '>40000 H*'): longest first
_FLAG_CHOICES = "|".join(re.escape(f) for f in sorted(LAB_FLAGS, key=len, reverse=True))
_FLAGGED = re.compile(rf"^(.*\d\.?)\s*({_FLAG_CHOICES})$", re.DOTALL | re.IGNORECASE)
_RESULT_WORDS = frozenset(QUALITATIVE_RESULTS)
_PANELS = ("lanes", "steroids")

Parsed = dict[str, pd.Series]


@dataclass
class _Parsing:
    """One table on its way from text to a typed frame: what each step has parsed so far."""

    text: pd.DataFrame
    report: Report
    parsed: Parsed = field(default_factory=dict)
    info: CaseInfo | None = None  # the case's age and sex, for default reference ranges


Step = Callable[[_Parsing], None]


# --- the steps a spec is made of ----------------------------------------------


@dataclass(frozen=True)
class Required:
    """A text column every row needs."""

    column: str

    def __call__(self, table: _Parsing) -> None:
        required_text(table.text[self.column], self.column, table.report)


@dataclass(frozen=True)
class Vocabulary:
    """A column looked up in a catalogue index; parsed as the canonical name (None: unknown).

    ``unknown`` says how a value the index lacks is reported: an error or a
    warning on each row, or one warning per distinct value listing its rows.
    """

    column: str
    index: Callable[[], dict[str, str]]
    code: ProblemCode
    message: str
    unknown: Literal["error", "warning", "warning per value"] = "error"
    key: Callable[[str], str] = cat.name_key

    def __call__(self, table: _Parsing) -> None:
        text = table.text[self.column]
        index = self.index()
        found = lookup(text, index, self.key)
        missing = found.isna() & text.ne("")
        if missing.any():
            self._unknown(table.report, text, missing, _Suggestions(index, self.key))
        table.parsed[self.column] = found

    def _unknown(
        self, report: Report, text: pd.Series, missing: pd.Series, hint: _Suggestions
    ) -> None:
        """Report each value the index lacks, with a 'did you mean' when one is close."""
        if self.unknown != "warning per value":
            severity = Severity.ERROR if self.unknown == "error" else Severity.WARNING

            def why(value: str) -> tuple[ProblemCode, str]:
                return self.code, self.message + hint(value)

            report.explain(missing, text, self.column, why, severity)
            return
        # one warning per name, however it is spelt ('viral load', 'Viral-load')
        unknown = text[missing]
        for rows in unknown.groupby(map_unique(unknown, self.key), sort=False).groups.values():
            numbers = [int(r) for r in rows]
            value = str(unknown[rows[0]])
            also = f" (rows {row_list(numbers)})" if len(numbers) > 1 else ""
            message = self.message + hint(value) + also
            report.add(self.code, message, numbers[0], self.column, value, Severity.WARNING)


# A name this close to a catalogue key (difflib's ratio, 2·matches / total length)
# gets a "did you mean". 0.85 takes one dropped, doubled, swapped or wrong letter in
# a name of 7 letters or more ('feritin' 0.93, 'ruxolitnib' 0.95, 'ferirtin' 0.88)
# and refuses different names one letter apart ('ALT'/'AST' 0.67, 'IL-6'/'IL-8' 0.67).
# Names shorter than 4 characters get no guess: 'IL-1' is 0.86 from 'IL-18', and one
# letter of three is a different test more often than a slip.
SUGGESTION_CUTOFF = 0.85
SUGGESTION_MIN_LENGTH = 4


class _Suggestions:
    """' Did you mean 'ferritin'?' for a name close to one the index knows, else ''."""

    def __init__(self, index: dict[str, str], key: Callable[[str], str]) -> None:
        self.keys = list(index)
        self.key = key
        self.memo: dict[str, str] = {}

    def __call__(self, value: str) -> str:
        if value not in self.memo:
            key = self.key(value)
            close = (
                difflib.get_close_matches(key, self.keys, 1, SUGGESTION_CUTOFF)
                if len(key) >= SUGGESTION_MIN_LENGTH
                else []
            )
            written = cat.spellings().get(close[0], close[0]) if close else ""
            self.memo[value] = f" Did you mean '{written}'?" if close else ""
        return self.memo[value]


@dataclass(frozen=True)
class Date:
    """A date column (time optional)."""

    column: str
    required: bool = False

    def __call__(self, table: _Parsing) -> None:
        text = table.text[self.column]
        table.parsed[self.column] = dates(text, self.column, table.report, self.required)


@dataclass(frozen=True)
class Number:
    """A number column."""

    column: str
    required: bool = False

    def __call__(self, table: _Parsing) -> None:
        text = table.text[self.column]
        table.parsed[self.column] = numbers(text, self.column, table.report, self.required)


def _example_rows(table: _Parsing) -> None:
    example_rows(table.text, table.report)


@dataclass(frozen=True)
class TableSpec:
    """How one table is read: its steps, how its frame is assembled, its own checks.

    The columns come from ``format.TABLES[name]`` and the rules across columns
    from ``model.RULES[name]`` (when it has any).
    """

    name: str
    steps: tuple[Step, ...]
    assemble: Callable[[pd.DataFrame, Parsed], pd.DataFrame]
    checks: tuple[Callable[[pd.DataFrame, Report], None], ...] = ()
    unique_rows: bool = True  # a row that repeats another exactly is an error


def build_table(
    spec: TableSpec, raw: RawTable, problems: list[Problem], info: CaseInfo | None = None
) -> pd.DataFrame | None:
    """The table's typed frame, or None after adding every problem found to ``problems``.

    ``info`` (the case's age and sex) chooses the labs' default reference ranges;
    without it they are the defaults for a case of unknown age.
    """
    report = Report(raw.where, problems)
    text = columns(raw, TABLES[spec.name], report)
    if text is None:
        return None
    table = _Parsing(text, report, info=info)
    for step in spec.steps:
        step(table)
    frame = spec.assemble(text, table.parsed)
    if spec.unique_rows:
        duplicates(text, report)
    for check in spec.checks:
        check(frame, report)
    if spec.name in RULES:
        _rule_problems(RULES[spec.name], frame, text, report)
    return None if report.has_errors() else frame.reset_index(drop=True)


def _rule_problems(
    rules: pa.DataFrameSchema, frame: pd.DataFrame, text: pd.DataFrame, report: Report
) -> None:
    """Run the table's declared rules; located problems, one per row and column."""
    mine = [p for p in report.problems if p.where == report.where]
    located = {(p.row, p.column) for p in mine}
    bad_rows = {p.row for p in mine if p.severity is Severity.ERROR}
    try:
        rules.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases[["schema_context", "column", "check_number", "index"]]
        for context, column, number, row in failures.itertuples(index=False):
            if pd.isna(number) or row is None or pd.isna(row):
                continue  # pandera's own checks: an empty cell, already reported by the parser
            name, message = _failed_check(rules, context, column, int(number))
            code, blame = CHECK_PROBLEMS[name]
            column = blame or column
            # a rule across columns says nothing new about a row already refused
            if (int(row), column) in located or (blame and int(row) in bad_rows):
                continue
            located.add((int(row), column))
            shown = str(text.at[row, column]) if column in text.columns else None
            report.add(code, message, int(row), column, shown)


def _failed_check(
    rules: pa.DataFrameSchema, context: str, column: str, number: int
) -> tuple[str, str]:
    """The name and message of the check a failure case points at by its place.

    pandera's failure cases name a check by its message; its place (the table's
    checks, or a column's, and its number there) finds the check itself.
    """
    checks = rules.checks if context == "DataFrameSchema" else rules.columns[column].checks
    check = checks[number]
    return str(check.name), str(check.error)


# --- treatments -----------------------------------------------------------------


def _kinds() -> dict[str, str]:
    return {kind: kind for kind in TREATMENT_KINDS}


def _treatment_frame(text: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    drug, end = parsed["drug"], parsed["end"]
    frequency = parsed["frequency"].fillna("").astype(str)
    single = end.isna() & frequency.eq("once")
    return pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "drug": drug.fillna(text["drug"]).astype(str),
            "drug_input": text["drug"],
            "drug_class": drug.map(cat.drugs()["class"]).fillna("other").astype(drug_class_dtype()),
            "drug_known": drug.notna(),
            "start": parsed["start"],
            "end": end,
            "single": single,
            "ongoing": end.isna() & ~single,
            "dose": parsed["dose"],
            "dose_unit": parsed["dose_unit"].fillna(text["dose_unit"]).astype(str),
            "frequency": frequency,
            "per_day": frequency.map(cat.frequencies()["per_day"]).astype(float),
            "route": parsed["route"].fillna(text["route"]).astype(str),
            "kind": parsed["kind"].fillna("").astype(str),
            "note": text["note"],
        },
        index=text.index,
    )


TREATMENTS = TableSpec(
    "treatments",
    steps=(
        Required("drug"),
        Vocabulary(
            "drug",
            cat.drug_index,
            ProblemCode.UNKNOWN_DRUG,
            "is not in the drug catalogue: it is kept and shown in the 'Other' lane. Check the "
            "spelling if it is a known drug.",
            unknown="warning per value",
        ),
        Vocabulary(
            "dose_unit",
            cat.dose_unit_index,
            ProblemCode.UNKNOWN_DOSE_UNIT,
            "is not a dose unit this file accepts: per administration mg, g, ug, mg/kg, "
            "g/kg, ug/kg, mg/m2, g/m2, IU or IU/kg; per day mg/day, g/day, mg/kg/day, "
            "g/kg/day or mg/m2/day; a continuous infusion's rate mg/h, mg/24h or mg/kg/h.",
            key=cat.unit_key,
        ),
        Required("dose_unit"),
        Vocabulary(
            "frequency",
            cat.frequency_index,
            ProblemCode.UNKNOWN_FREQUENCY,
            "is not a frequency this file accepts: use once, continuous, daily, twice "
            "daily, three times daily, four times daily, every 4, 6, 8 or 12 hours (q6h), "
            "every other day, every 3 or 4 days, twice weekly, three times weekly, weekly, "
            "or every 2, 3 or 4 weeks.",
        ),
        Required("frequency"),
        Vocabulary(
            "route",
            cat.route_index,
            ProblemCode.UNKNOWN_ROUTE,
            "is not a route the catalogue knows (oral, intravenous, subcutaneous, intramuscular, "
            "nasogastric, gastrostomy, intrathecal, inhaled, topical): kept as entered.",
            unknown="warning per value",
        ),
        Vocabulary(
            "kind",
            _kinds,
            ProblemCode.UNKNOWN_KIND,
            "is not a kind this file accepts: leave it blank, or use pulse, infusion or taper.",
            key=str.lower,
        ),
        _example_rows,
        Date("start", required=True),
        Date("end"),
        Number("dose", required=True),
    ),
    assemble=_treatment_frame,
)


# --- events ---------------------------------------------------------------------


def _event_frame(text: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    kind = parsed["type"]
    return pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "start": parsed["start"],
            "end": parsed["end"],
            "type": kind.fillna(text["type"]).astype(str),
            "type_known": kind.notna(),
            "label": text["label"].where(text["label"].ne(""), text["type"]),
            "note": text["note"],
        },
        index=text.index,
    )


EVENTS = TableSpec(
    "events",
    steps=(
        Required("type"),
        Vocabulary(
            "type",
            cat.event_type_index,
            ProblemCode.UNKNOWN_EVENT_TYPE,
            "is not an event type the catalogue knows: kept, and drawn as 'other'.",
            unknown="warning per value",
        ),
        _example_rows,
        Date("start", required=True),
        Date("end"),
    ),
    assemble=_event_frame,
)


# --- labs -----------------------------------------------------------------------


def _result_word(cell: str) -> str:
    """The qualitative result a value cell is ('Not  Detected' is 'not detected'), or ''."""
    word = " ".join(cell.lower().split())
    return word if word in _RESULT_WORDS else ""


def _results(table: _Parsing) -> pd.Series:
    """Each row's qualitative result ('' for anything else), found once per table."""
    if "result_text" not in table.parsed:
        table.parsed["result_text"] = map_unique(table.text["value"], _result_word).astype(str)
    return table.parsed["result_text"]


def _split_value(cell: str) -> tuple[str, str, str]:
    """(qualifier, number as typed, laboratory flag) of a value cell that is not a plain
    number: '>= 40 000 H*' is ('>=', '40 000', 'H*')."""
    found = _QUALIFIED.match(cell)
    qualifier, rest = (found[1] or "", found[2]) if found else ("", cell)
    flagged = _FLAGGED.match(rest)
    flag = ""
    if flagged:
        rest, flag = flagged[1].rstrip(), flagged[2].upper()
    return {"≤": "<=", "≥": ">="}.get(qualifier, qualifier), rest, flag


def _value_parts(value: pd.Series, word: pd.Series) -> pd.DataFrame:
    """Each cell's qualifier, number text and flag; plain numbers (most) are not split."""
    parts = pd.DataFrame({"qualifier": "", "number": value, "flag": ""}, index=value.index)
    parts.loc[word.ne(""), "number"] = ""
    rest = word.eq("") & value.ne("") & pd.to_numeric(value, errors="coerce").isna()
    if rest.any():
        split = map_unique(value[rest], _split_value)
        parts.loc[rest, ["qualifier", "number", "flag"]] = split.tolist()
    return parts


def _why_not_a_value(cell: str) -> tuple[ProblemCode, str]:
    """Why a value cell was refused: a number badly written, or not a number at all."""
    number = _split_value(cell)[1]
    beyond = out_of_range(number)
    if beyond is not None:
        return beyond
    if any(c.isdigit() for c in number):
        return why_not_a_number(number)
    return (  # BAD_NUMBER still: the code a program reads for a value that is no number
        ProblemCode.BAD_NUMBER,
        "is not a number, nor a result this file accepts: enter a number (12.5, <5, "
        ">40000, 40 000, 12.5 H) or one of " + ", ".join(QUALITATIVE_RESULTS) + ".",
    )


def _lab_values(table: _Parsing) -> None:
    """A value cell as a qualifier ('<', '>=', ...), a number and the laboratory's flag
    ('<5' is censored at 5, '12.5 H' is 12.5 flagged high by the laboratory), or as a
    qualitative result ('detected'), kept as its word with no number."""
    value = table.text["value"]
    word = _results(table)
    parts = _value_parts(value, word)
    number, assumed = read_numbers(parts["number"])
    refused = value.ne("") & word.eq("") & number.isna()
    table.report.explain(refused, value, "value", _why_not_a_value)
    thousands_assumed(assumed, parts["number"], "value", table.report, shown=value)
    table.parsed["qualifier"] = parts["qualifier"].astype(str)
    table.parsed["value"] = number
    # as typed: '3.40' keeps its precision; a result keeps its word as written
    table.parsed["value_text"] = parts["number"].where(word.eq(""), value).astype(str)
    table.parsed["lab_flag"] = parts["flag"].astype(str)
    required_text(value, "value", table.report)


def _lab_unit(table: _Parsing) -> None:
    """Every row needs a unit, but a qualitative result ('detected') has none."""
    unit = table.text["unit"]
    table.report.each(
        unit.eq("") & _results(table).eq(""),
        unit,
        "unit",
        ProblemCode.EMPTY_REQUIRED,
        "is empty: every row needs a unit (only a result such as 'detected' may leave it empty).",
    )


def _lab_units(table: _Parsing) -> None:
    """Each row's conversion to its test's canonical unit; an error for a unit the test lacks.

    Rows of an unknown test, or with a refused unit, keep their values as entered.
    """
    test, unit = table.parsed["test"], table.text["unit"]
    conversion = _conversions(test, unit)
    refused = test.notna() & conversion["divide"].isna() & unit.ne("")
    accepted = cat.lab_units().groupby("test")["unit"].agg(", ".join)
    for row in unit.index[refused]:
        label = cat.labs().loc[test[row], "label"]
        table.report.add(
            ProblemCode.UNKNOWN_LAB_UNIT,
            f"is not a unit for {label}: use one of {accepted[test[row]]}.",
            int(row),
            "unit",
            unit[row],
        )
    converted = test.notna() & ~refused
    table.parsed["converted"] = converted
    for name, neutral in (("offset", 0.0), ("multiply", 1.0), ("divide", 1.0)):
        table.parsed[name] = conversion[name].where(converted, neutral)


def _conversions(test: pd.Series, unit: pd.Series) -> pd.DataFrame:
    index = cat.lab_unit_index()
    missing = (np.nan, np.nan, np.nan)
    pairs = zip(test.fillna(""), map_unique(unit, cat.unit_key), strict=True)
    found = np.array([index[p][1:] if p in index else missing for p in pairs], dtype=float)
    found = found.reshape(len(test), 3)
    return pd.DataFrame(found, index=test.index, columns=["offset", "multiply", "divide"])


def _lab_frame(text: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    test = parsed["test"]

    def convert(values: pd.Series) -> pd.Series:
        return cat.convert(values, parsed["offset"], parsed["multiply"], parsed["divide"])

    unit = test.map(cat.labs()["unit"]).where(parsed["converted"], text["unit"])
    return pd.DataFrame(
        {
            "row": text.index.astype("int64"),
            "time": parsed["time"],
            "test": test.fillna(text["test"]).astype(str),
            "test_input": text["test"],
            "test_known": test.notna(),
            "value": convert(parsed["value"]),
            "unit": unit.astype(str),
            "qualifier": parsed["qualifier"].astype(str),
            "value_input": parsed["value"],
            "value_text": parsed["value_text"].astype(str),
            "result_text": parsed["result_text"].astype(str),
            "lab_flag": parsed["lab_flag"].astype(str),
            "unit_input": text["unit"],
            **_reference_range(parsed, convert),
            "note": text["note"],
        },
        index=text.index,
    )


def _reference_range(
    parsed: Parsed, convert: Callable[[pd.Series], pd.Series]
) -> dict[str, pd.Series | np.ndarray]:
    """The row's own limits when it gives either, else the default chosen for the case
    (canonical unit); ``ref_source`` says which ('input', 'catalogue: adult male', ...)."""
    low, high = parsed["ref_low"], parsed["ref_high"]
    from_input = low.notna() | high.notna()
    return {
        "ref_low": convert(low).where(from_input, parsed["default_low"]),
        "ref_high": convert(high).where(from_input, parsed["default_high"]),
        "ref_source": np.where(from_input, "input", parsed["default_source"]),
        "ref_low_input": low,
        "ref_high_input": high,
    }


def _default_ranges(table: _Parsing) -> None:
    """Each row's default reference range, chosen by the case's age and sex."""
    info = table.info
    defaults = default_ranges(
        None if info is None else info.age_years, "" if info is None else info.sex
    )
    test = table.parsed["test"]
    table.parsed["default_low"] = test.map(defaults["ref_low"]).astype(float)
    table.parsed["default_high"] = test.map(defaults["ref_high"]).astype(float)
    table.parsed["default_source"] = test.map(defaults["ref_source"]).fillna("").astype(str)


# Adults are 18 years and over (CLINICAL.md §3, adult table); younger, the children's table.
ADULT_AGE = 18.0


def _sex(text: str) -> str:
    """'female' or 'male' when the case says so; '' when not given, other or unknown."""
    key = str(text).strip().lower()
    return key if key in ("female", "male") else ""


@cache
def default_ranges(age: float | None, sex: str) -> pd.DataFrame:
    """Each catalogue test's default reference range for a case of this age and sex.

    Indexed by test: ref_low, ref_high (canonical unit) and ref_source, which
    names the range used ('catalogue: adult male', 'catalogue: child'; '' when
    there is none). The children's ranges (labs.csv) stay the default for a
    child, and when the age is not given (said so); from 18, a lab_ranges.csv row
    for the age wins: the case's sex's row, else a row for either sex, else
    (sex not given) the range covering both sexes' rows (CLINICAL.md §3: "a case
    without sex uses the wider range"). A test with no row for an adult keeps the
    children's range, and says so.
    """
    labs = cat.labs()
    child = "catalogue: child" if age is not None else "catalogue: child (age not given)"
    frame = pd.DataFrame(
        {"ref_low": labs["ref_low"], "ref_high": labs["ref_high"], "ref_source": child}
    )
    if age is not None and age >= ADULT_AGE:
        frame["ref_source"] = "catalogue: child (no adult range)"
    if age is not None:
        ranges = cat.lab_ranges()
        matching = ranges[(ranges["age_min"] <= age) & (age < ranges["age_max"])]
        group = "adult" if age >= ADULT_AGE else "child"
        for test, rows in matching.groupby("test", sort=False):
            frame.loc[test, ["ref_low", "ref_high", "ref_source"]] = _range_for_sex(
                rows, _sex(sex), group
            )
    frame.loc[frame["ref_low"].isna() & frame["ref_high"].isna(), "ref_source"] = ""
    return frame


def _range_for_sex(rows: pd.DataFrame, sex: str, group: str) -> tuple[float, float, str]:
    """(low, high, source) of one test's rows for the case's age: by sex when they differ."""
    for wanted, label in ((sex, f"{group} {sex}"), ("any", group)):
        found = rows[rows["sex"] == wanted]
        if wanted and len(found):
            return (
                float(found["ref_low"].iloc[0]),
                float(found["ref_high"].iloc[0]),
                (f"catalogue: {label}"),
            )
    # no sex, or one the rows lack: the range covering every row (a missing limit stays open)
    low, high = rows["ref_low"].min(skipna=False), rows["ref_high"].max(skipna=False)
    return float(low), float(high), f"catalogue: {group}, either sex"


def _split_unknown_units(labs: pd.DataFrame, report: Report) -> None:
    """One series per unit for a test the catalogue does not know, never one axis.

    Nothing converts an unknown test's units, so a viral load in IU/mL and in
    log10 IU/mL drawn together would fall to zero. Each unit's rows become the
    test 'viral load (IU/mL)', 'viral load (log10 IU/mL)' (changed in place, the
    name as entered stays in ``test_input``), and one warning says so. Spellings
    of one unknown name ('CMV PCR', 'CMV-PCR') are one test, named as first
    written; units compare by ``unit_key``; a row without a unit (a qualitative
    result) keeps the test's name.
    """
    unknown = labs.index[~labs["test_known"]]
    if unknown.empty:
        return
    names = labs.loc[unknown, "test"]
    keys = map_unique(names, cat.name_key)
    labs.loc[unknown, "test"] = keys.map(names.groupby(keys, sort=False).first())
    units = labs.loc[unknown, "unit"].fillna("").astype(str)
    unit_keys = map_unique(units, cat.unit_key)
    with_unit = units.ne("")
    for _, rows in unit_keys[with_unit].groupby(keys[with_unit], sort=False):
        if rows.nunique() < 2:
            continue
        name = str(labs.at[rows.index[0], "test"])
        shown = units[rows.index].groupby(rows, sort=False).first()  # the unit as first written
        series = name + " (" + rows.map(shown) + ")"
        labs.loc[rows.index, "test"] = series
        each = "; ".join(
            f"{shown[u]} in row{'s' if len(group) > 1 else ''} "
            + row_list([int(r) for r in group.index])
            for u, group in rows.groupby(rows, sort=False)
        )
        report.add(
            ProblemCode.UNKNOWN_TEST_UNITS,
            f"is entered in {len(shown)} units ({each}), and the catalogue does not know "
            f"the test, so cannot convert between them: each unit is drawn as its own "
            f"series ({', '.join(repr(x) for x in series.unique())}). Use one unit for one "
            "test to draw one series.",
            int(rows.index[0]),
            "test",
            name,
            Severity.WARNING,
        )


# The catalogue has no flag for tests that may be negative. Every catalogue test is a
# concentration, a count, an activity, a rate or a body measure, none below zero, except
# temperature (kept as any value: °C and °F, and the figure draws what it is given).
# CLINICAL.md does not list tests that may be negative; an unknown test (a base excess,
# say) is never refused for its sign.
MAY_BE_NEGATIVE = frozenset({"temperature"})


def _negative_results(labs: pd.DataFrame, report: Report) -> None:
    """An error for a negative result of a test that cannot be negative (ferritin -5)."""
    negative = labs["test_known"] & ~labs["test"].isin(MAY_BE_NEGATIVE) & (labs["value_input"] < 0)
    report.explain(
        negative,
        labs["value_text"],
        "value",
        lambda _: (
            ProblemCode.NEGATIVE_VALUE,
            "is negative, and this test cannot be: check the sign (a '-' typed by mistake?).",
        ),
    )


LABS = TableSpec(
    "labs",
    steps=(
        Required("test"),
        _lab_unit,
        Vocabulary(
            "test",
            cat.lab_index,
            ProblemCode.UNKNOWN_TEST,
            "is not in the lab catalogue: kept with its own unit, with no reference range or "
            "threshold unless the row gives one.",
            unknown="warning per value",
        ),
        _example_rows,
        _lab_values,
        Number("ref_low"),
        Number("ref_high"),
        _lab_units,
        _default_ranges,
        Date("time", required=True),
    ),
    assemble=_lab_frame,
    checks=(_negative_results, _split_unknown_units, conflicting_results, implausible_units),
)


# --- annotations ----------------------------------------------------------------


@cache
def _panels() -> dict[str, str]:
    """Where a note may go: a lane panel, or a lab test's panel by any of its names."""
    return {**{panel: panel for panel in _PANELS}, **cat.lab_index()}


def _annotation_frame(text: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    return pd.DataFrame(
        {"day": parsed["day"], "text": text["text"], "panel": parsed["panel"].fillna("")}
    )


ANNOTATIONS = TableSpec(
    "annotations",
    steps=(
        Number("day", required=True),
        Required("text"),
        Vocabulary(
            "panel",
            _panels,
            ProblemCode.UNKNOWN_PANEL,
            "is not a panel: use lanes, steroids or a lab test; the note is shown at the top "
            "instead.",
            unknown="warning",
            # a panel by any name of its test: "IL-18", "IL18" (the lab index is keyed by name_key)
            key=cat.name_key,
        ),
    ),
    assemble=_annotation_frame,
    unique_rows=False,
)

# --- story (the steps of story mode; see timeline.story) -------------------------------


def _withheld_cells(table: _Parsing) -> None:
    """Each withhold/reveal cell names tests (or results at a date) the page can find."""
    for column in ("withhold", "reveal"):
        cells = table.text[column]
        for row, cell in zip(cells.index.tolist(), cells.tolist(), strict=True):
            items, bad = parse_withheld(str(cell))
            for part in bad:
                table.report.add(
                    ProblemCode.BAD_DATE,
                    "is not a test, or a test @ a date (ferritin @ 2000-01-05 08:00): "
                    "separate several with ';'.",
                    int(row),
                    column,
                    part,
                )
            for item in items:
                if cat.name_key(item.test) not in cat.lab_index():
                    table.report.add(
                        ProblemCode.UNKNOWN_TEST,
                        "is not a test the catalogue knows: kept as written, it hides the "
                        "lab rows written the same way.",
                        int(row),
                        column,
                        item.test,
                        Severity.WARNING,
                    )


def _story_frame(text: pd.DataFrame, parsed: Parsed) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": parsed["day"],
            **{c: text[c].fillna("") for c in ("caption", "prompt", "withhold", "reveal")},
        }
    )


STORY = TableSpec(
    "story",
    steps=(Number("day", required=True), Required("caption"), _withheld_cells),
    assemble=_story_frame,
    unique_rows=False,
)


#: Every table's spec, in the order the tables are built (and their problems listed).
SPECS = {spec.name: spec for spec in (TREATMENTS, EVENTS, LABS, ANNOTATIONS, STORY)}
