"""Plausibility warnings: values that load, but look wrong (limits cited in the catalogue).

They warn and never reject: a dose above a drug's usual limit, IV doses closer
than its usual interval, a lab value that suggests another unit, and two
different results for one test at one time.
"""

from __future__ import annotations

import re
from collections.abc import Hashable

import pandas as pd

from .. import catalogue as cat
from ..derive import daily_dose_mg, value_at
from ..errors import Problem, ProblemCode, Severity
from ..limits import MAX_SPAN_YEARS
from .cells import Report, map_unique, row_list


def dose_warnings(treatments: pd.DataFrame, labs: pd.DataFrame, report: Report) -> None:
    """Daily doses above a drug's limits, and IV doses closer than its interval."""
    drugs = cat.drugs()
    limited = drugs.index[
        drugs[["warn_above_mg_day", "warn_above_mg_kg_day", "warn_interval_days_iv"]]
        .notna()
        .any(axis=1)
    ]
    treatments = treatments[treatments["drug"].isin(limited)]
    if treatments.empty:
        return
    mg_day = daily_dose_mg(treatments, labs)
    mg_kg_day = mg_day / value_at(labs, "weight", treatments["start"])
    # (catalogue column, daily amount, code, how it is written, what to check)
    limits = (
        ("warn_above_mg_day", mg_day, ProblemCode.DOSE_ABOVE_LIMIT, "{:g} mg/day", "its unit"),
        (
            "warn_above_mg_kg_day",
            mg_kg_day,
            ProblemCode.DOSE_PER_KG_ABOVE_LIMIT,
            "{:.1f} mg/kg/day",
            "the weight",
        ),
    )
    for column, amount, code, written, check in limits:
        unit = written.split(" ", 1)[1]
        for name, limit in drugs[column].dropna().items():
            over = (treatments["drug"] == name) & (amount > limit)
            for i, row in treatments.loc[over, "row"].items():
                _warn(
                    report,
                    code,
                    row,
                    f"{name} at {written.format(amount[i])} is above {limit:g} {unit}: "
                    f"check the dose and {check} ({_limit_source(name)}).",
                )
    _interval_warnings(treatments, drugs["warn_interval_days_iv"].dropna(), report)


def _interval_warnings(treatments: pd.DataFrame, intervals: pd.Series, report: Report) -> None:
    """IV doses of a drug given sooner after the previous one than its usual interval."""
    for name, days in intervals.items():
        given = treatments[(treatments["drug"] == name) & (treatments["route"] == "intravenous")]
        given = given.sort_values("start")
        gaps = given["start"].diff().dt.days
        for i, row in given.loc[gaps < days, "row"].items():
            _warn(
                report,
                ProblemCode.DOSE_INTERVAL,
                row,
                f"{name} IV given {gaps[i]:g} days "
                f"after the previous dose; usually at least {days:g} days "
                f"apart ({_limit_source(name)}).",
            )


def _limit_source(drug: Hashable) -> str:
    """Where a drug's dose-warning limit comes from (drugs.csv warn_source), tag left out."""
    return re.sub(r"\s*\[[SKU/]+\]$", "", str(cat.drugs().at[drug, "warn_source"]))


def _warn(report: Report, code: ProblemCode, row: int, message: str) -> None:
    report.add(code, message, int(row), "dose", severity=Severity.WARNING)


def conflicting_results(labs: pd.DataFrame, report: Report) -> None:
    """One test with different values at the same time: one of them is likely a typo."""
    same = labs.dropna(subset=["time", "value"]).groupby(["time", "test"])["value"].nunique()
    for time, test in same[same > 1].index:
        rows = labs.index[(labs["time"] == time) & (labs["test"] == test)]
        report.add(
            ProblemCode.CONFLICTING_RESULTS,
            f"{test} has different results at the same time in rows "
            f"{row_list([int(r) for r in rows])}: check which is right.",
            int(rows[0]),
            "value",
            severity=Severity.WARNING,
        )


def implausible_units(labs: pd.DataFrame, report: Report) -> None:
    """Values that suggest a unit mix-up (catalogue lab_plausibility.csv, with its sources)."""
    unit_keys = map_unique(labs["unit_input"], cat.unit_key)
    for rule in cat.lab_plausibility().itertuples():
        entered = unit_keys == cat.unit_key(str(rule.unit))
        value = labs["value_input"]
        beyond = value > rule.value if rule.operator == ">" else value < rule.value
        report.each(
            (labs["test"] == rule.test) & entered & beyond,
            labs["value_input"].astype(str),
            "value",
            ProblemCode.IMPLAUSIBLE_LAB_UNIT,
            f"{rule.message} ({rule.source})",
            Severity.WARNING,
        )


# where each table keeps its dates (the record's span is over all of them)
_DATED = {"treatments": ("start", "end"), "events": ("start", "end"), "labs": ("time",)}
_YEAR = pd.Timedelta(days=365.25)


def span_warnings(
    frames: dict[str, pd.DataFrame], wheres: dict[str, str], problems: list[Problem]
) -> None:
    """A warning per table when the record spans more than MAX_SPAN_YEARS, naming the rows
    far from the rest (more than half that span from the median date): one mistyped year
    (2021 in a 2000 case) stretches every figure over two decades."""
    dates: dict[str, pd.Series] = {
        name: pd.concat([frames[name].set_index("row")[c].dropna() for c in columns])
        for name, columns in _DATED.items()
        if name in frames
    }
    every = pd.DatetimeIndex(pd.concat(list(dates.values()))).sort_values()
    if every.empty or every[-1] - every[0] <= MAX_SPAN_YEARS * _YEAR:
        return
    first, last, middle = every[0], every[-1], every[len(every) // 2]
    years = (last - first) / _YEAR
    for name, stamps in dates.items():
        far = ((stamps - middle).abs() > MAX_SPAN_YEARS / 2 * _YEAR).to_numpy()
        rows = sorted({int(r) for r in stamps.index[far]})
        if not rows:
            continue
        Report(wheres[name], problems).add(
            ProblemCode.LONG_SPAN,
            f"the record spans {years:.0f} years ({first:%Y-%m-%d} to {last:%Y-%m-%d}), more "
            f"than {MAX_SPAN_YEARS}: rows {row_list(rows)} are far from the rest (most dates "
            f"are around {middle:%Y}). Check their years.",
            rows[0],
            severity=Severity.WARNING,
        )
