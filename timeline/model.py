"""The case model: tidy DataFrames with fixed dtypes, and their declared schemas.

A ``Case`` is built only by :func:`timeline.load_case` (and its byte-stream
sibling), which validates at the boundary; everything after trusts it.

Columns (one row per input row; ``row`` is the spreadsheet row, header = 1):

treatments
    row, drug (canonical name, or as entered when unknown), drug_input,
    drug_class (ordered categorical), drug_known, start, end (datetime64; end
    NaT when single or ongoing), single, ongoing, dose (float, as entered:
    per administration, per day or a rate, as ``dose_unit`` says: its
    ``basis`` in catalogue dose_units.csv), dose_unit (catalogue spelling),
    frequency (catalogue name), per_day (administrations per day, 3/7 for three
    times weekly; NaN for a single dose and a continuous infusion), route, kind,
    note. A rate unit (mg/h, mg/24h) goes with frequency 'continuous', and only it.
events
    row, start, end (NaT for point events), type (catalogue name or as
    entered), type_known, label, note.
labs
    row, time, test (canonical name, or as entered), test_input, test_known,
    value (float, in ``unit``, the test's canonical unit; NaN for a qualitative
    result), unit, qualifier ('', '<', '>', '<=', '>='; a censored result: the truth
    lies beyond ``value``), value_input (the number entered, float; NaN for a
    qualitative result), value_text (the number as typed, without its qualifier or
    flag: '3.40' keeps the precision it was written with, '40 000' its separator; a
    qualitative result's word as typed), result_text (a qualitative result, one of
    ``QUALITATIVE_RESULTS`` in lower case; '' for a number), lab_flag (the
    laboratory's own flag written after the number, one of ``LAB_FLAGS``, or ''; it
    never changes the number), unit_input (as entered; may be empty for a qualitative
    result), ref_low, ref_high (canonical unit), ref_source ('input',
    or 'catalogue: <which default>' such as 'catalogue: adult male' or 'catalogue: child
    (age not given)', or ''), ref_low_input, ref_high_input (as entered), note.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import pandas as pd
import pandera.pandas as pa

from .catalogue import drug_classes, rate_units, schedules
from .errors import Problem, ProblemCode

DATETIME: Final = "datetime64[ns]"

#: The words a lab value may be instead of a number (CLINICAL.md §3b: results, not
#: errors), matched without regard to case or repeated spaces. CLINICAL.md names
#: "positive", "negative" and "detected"; the rest are the words laboratories print
#: beside them (their opposites, and the result that is neither).
QUALITATIVE_RESULTS: Final = (
    "positive",
    "negative",
    "detected",
    "not detected",
    "indeterminate",
    "equivocal",
    "reactive",
    "non-reactive",
)

#: The laboratory's own flags, written in the value cell after the number ("12.5 H",
#: "12.5H", ">40000 HH"): CLINICAL.md §3b lists H, L, HH, LL, H*, A and CRIT; L* is H*'s
#: counterpart. Matched without regard to case, kept in upper case.
LAB_FLAGS: Final = ("H", "L", "HH", "LL", "H*", "L*", "A", "CRIT")


def drug_class_dtype() -> pd.CategoricalDtype:
    order = drug_classes().sort_values("lane_order").index
    return pd.CategoricalDtype(list(order), ordered=True)


@dataclass(frozen=True)
class CaseInfo:
    """The case table: what may be shown about the case."""

    id: str
    title: str
    diagnosis: str
    anchor: str
    illustrative: bool
    sex: str = ""
    age_years: float | None = None
    source: str = ""


@dataclass(frozen=True)
class Identifiers:
    """Identifying fields: held in memory, never displayed or exported."""

    name: str = field(default="", repr=False)
    birth_date: str = field(default="", repr=False)
    record_number: str = field(default="", repr=False)

    def values(self) -> tuple[str, ...]:
        return tuple(v for v in (self.name, self.birth_date, self.record_number) if v)


@dataclass(frozen=True, eq=False)
class Case:
    """One validated case. Build it with ``load_case``, never by hand."""

    info: CaseInfo
    treatments: pd.DataFrame
    events: pd.DataFrame
    labs: pd.DataFrame
    anchor_time: pd.Timestamp
    source: str
    warnings: tuple[Problem, ...] = ()
    identifiers: Identifiers = field(default_factory=Identifiers, repr=False)
    annotations: pd.DataFrame = field(default_factory=lambda: empty_annotations())
    story: pd.DataFrame = field(default_factory=lambda: empty_story())
    # set on a story step's cut of the case (story.as_of): what is known ends here, and
    # ongoing treatments run to here, not to the end of the whole record
    known_until: pd.Timestamp | None = None

    def summary_line(self) -> str:
        """Counts of what was loaded, for the command line and the page."""
        return (
            f"{self.info.id}: {len(self.treatments)} treatments, {len(self.events)} events, "
            f"{len(self.labs)} labs, {len(self.warnings)} warnings"
        )


def empty_annotations() -> pd.DataFrame:
    """Notes drawn on the figure: day (Day N), text, panel ('' = top)."""
    return pd.DataFrame(
        {"day": pd.Series(dtype=float), "text": pd.Series(dtype=str), "panel": pd.Series(dtype=str)}
    )


def empty_story() -> pd.DataFrame:
    """The case's own story steps: day (Day N), caption, prompt, withhold, reveal (text)."""
    columns = ("caption", "prompt", "withhold", "reveal")
    return pd.DataFrame(
        {"day": pd.Series(dtype=float), **{c: pd.Series(dtype=str) for c in columns}}
    )


# --- Schemas of the typed tables --------------------------------------------
# Each check's ``error`` is the message a clinician reads and its ``name`` is
# the key of CHECK_PROBLEMS: the problem's code, and the column to blame for a
# check across columns (None: the column the check belongs to). validate turns
# pandera's failure cases into located problems through it.

END_BEFORE_START = "ends before it starts: check both dates (end is the last day, inclusive)."
ONCE_WITH_END = (
    "frequency is 'once' but the end is after the start: leave end blank for a single "
    "administration, or give the real frequency."
)
REF_ORDER = "ref_low is above ref_high: check the two reference limits."
RATE_NOT_CONTINUOUS = (
    "must be 'continuous' for a dose given as a rate (dose_unit mg/h, mg/24h, mg/kg/h): "
    "set it to continuous, or give the dose per administration (mg, mg/kg) or per day "
    "(mg/day, mg/kg/day)."
)
CONTINUOUS_NOT_RATE = (
    "is not a rate, but the frequency is 'continuous': give the infusion's rate "
    "(mg/h, mg/24h, mg/kg/h), or the frequency it was given at."
)

CHECK_PROBLEMS: dict[str, tuple[ProblemCode, str | None]] = {
    "dose_above_zero": (ProblemCode.DOSE_NOT_POSITIVE, None),
    "end_not_before_start": (ProblemCode.END_BEFORE_START, "end"),
    "once_has_no_span": (ProblemCode.ONCE_WITH_END, "end"),
    # no code of their own yet: the column blamed says which of the two to change
    "rate_is_continuous": (ProblemCode.DOSE_RATE_MISMATCH, "frequency"),
    "continuous_is_rate": (ProblemCode.DOSE_RATE_MISMATCH, "dose_unit"),
    "ref_in_order": (ProblemCode.REF_ORDER, "ref_high"),
}


def _end_not_before_start(df: pd.DataFrame) -> pd.Series:
    return df["end"].isna() | df["start"].isna() | (df["end"] >= df["start"])


def _once_has_no_span(df: pd.DataFrame) -> pd.Series:
    return (df["frequency"] != "once") | df["end"].isna() | (df["end"] <= df["start"])


def _continuous(df: pd.DataFrame) -> pd.Series:
    return df["frequency"].isin([name for name, (*_, c) in schedules().items() if c])


def _rate_is_continuous(df: pd.DataFrame) -> pd.Series:
    return ~df["dose_unit"].isin(rate_units()) | _continuous(df)


def _continuous_is_rate(df: pd.DataFrame) -> pd.Series:
    return ~_continuous(df) | df["dose_unit"].isin(rate_units())


def _ref_in_order(df: pd.DataFrame) -> pd.Series:
    low, high = df["ref_low"], df["ref_high"]
    return low.isna() | high.isna() | (low <= high)


def _required(dtype, *checks: pa.Check) -> pa.Column:
    return pa.Column(dtype, checks=list(checks), nullable=False)


def _optional(dtype, *checks: pa.Check) -> pa.Column:
    return pa.Column(dtype, checks=list(checks), nullable=True)


TREATMENTS_SCHEMA = pa.DataFrameSchema(
    {
        "row": _required(int),
        "drug": _required(str),
        "drug_input": _required(str),
        "drug_class": _required(drug_class_dtype()),
        "drug_known": _required(bool),
        "start": _required(DATETIME),
        "end": _optional(DATETIME),
        "single": _required(bool),
        "ongoing": _required(bool),
        "dose": _required(
            float,
            pa.Check.gt(0, name="dose_above_zero", error="is not above 0: enter the dose given."),
        ),
        "dose_unit": _required(str),
        "frequency": _required(str),
        "per_day": _optional(float),
        "route": _required(str),
        "kind": _required(str),
        "note": _required(str),
    },
    checks=[
        pa.Check(_end_not_before_start, name="end_not_before_start", error=END_BEFORE_START),
        pa.Check(_once_has_no_span, name="once_has_no_span", error=ONCE_WITH_END),
        pa.Check(_rate_is_continuous, name="rate_is_continuous", error=RATE_NOT_CONTINUOUS),
        pa.Check(_continuous_is_rate, name="continuous_is_rate", error=CONTINUOUS_NOT_RATE),
    ],
    strict=True,
    ordered=True,
)

EVENTS_SCHEMA = pa.DataFrameSchema(
    {
        "row": _required(int),
        "start": _required(DATETIME),
        "end": _optional(DATETIME),
        "type": _required(str),
        "type_known": _required(bool),
        "label": _required(str),
        "note": _required(str),
    },
    checks=[pa.Check(_end_not_before_start, name="end_not_before_start", error=END_BEFORE_START)],
    strict=True,
    ordered=True,
)

LABS_SCHEMA = pa.DataFrameSchema(
    {
        "row": _required(int),
        "time": _required(DATETIME),
        "test": _required(str),
        "test_input": _required(str),
        "test_known": _required(bool),
        "value": _optional(float),  # NaN: a qualitative result (result_text)
        "unit": _required(str),
        "qualifier": _required(str),
        "value_input": _optional(float),
        "value_text": _required(str),
        "result_text": _required(str),
        "lab_flag": _required(str),
        "unit_input": _required(str),
        "ref_low": _optional(float),
        "ref_high": _optional(float),
        "ref_source": _required(str),
        "ref_low_input": _optional(float),
        "ref_high_input": _optional(float),
        "note": _required(str),
    },
    checks=[pa.Check(_ref_in_order, name="ref_in_order", error=REF_ORDER)],
    strict=True,
    ordered=True,
)

SCHEMAS = {"treatments": TREATMENTS_SCHEMA, "events": EVENTS_SCHEMA, "labs": LABS_SCHEMA}


def _rules_only(schema: pa.DataFrameSchema) -> pa.DataFrameSchema:
    """The schema's value rules without its dtype contract.

    Loading runs these on every file: they are about the user's data. The
    dtypes are about our code, so the tests check every case against the
    full SCHEMAS instead (pandera's dtype checks cost more than the rest).
    """
    columns = {
        name: pa.Column(None, checks=column.checks, nullable=True)
        for name, column in schema.columns.items()
        if column.checks
    }
    return pa.DataFrameSchema(columns, checks=schema.checks)


RULES = {name: _rules_only(schema) for name, schema in SCHEMAS.items()}
