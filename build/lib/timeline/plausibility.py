"""Dose plausibility warnings of CLINICAL.md §4: warn, never reject."""

from __future__ import annotations

import pandas as pd

from . import catalogue as cat
from .errors import Problem, Severity
from .measures import daily_dose_mg, value_at


def dose_warnings(treatments: pd.DataFrame, labs: pd.DataFrame, where: str) -> list[Problem]:
    """Daily doses above a drug's limits, and IV doses closer than its interval."""
    drugs = cat.drugs()
    problems: list[Problem] = []
    limited = drugs.index[
        drugs[["warn_above_mg_day", "warn_above_mg_kg_day", "warn_interval_days_iv"]]
        .notna()
        .any(axis=1)
    ]
    treatments = treatments[treatments["drug"].isin(limited)]
    if treatments.empty:
        return problems
    mg_day = daily_dose_mg(treatments, labs)
    mg_kg_day = mg_day / value_at(labs, "weight", treatments["start"])
    for name, limit in drugs["warn_above_mg_day"].dropna().items():
        over = (treatments["drug"] == name) & (mg_day > limit)
        problems += [
            _warn(
                where,
                r,
                f"{name} at {mg_day[i]:g} mg/day is above {limit:g} mg/day: "
                "check the dose and its unit (CLINICAL.md §4).",
            )
            for i, r in treatments.loc[over, "row"].items()
        ]
    for name, limit in drugs["warn_above_mg_kg_day"].dropna().items():
        over = (treatments["drug"] == name) & (mg_kg_day > limit)
        problems += [
            _warn(
                where,
                r,
                f"{name} at {mg_kg_day[i]:.1f} mg/kg/day is above "
                f"{limit:g} mg/kg/day: check the dose and the weight (CLINICAL.md §4).",
            )
            for i, r in treatments.loc[over, "row"].items()
        ]
    for name, days in drugs["warn_interval_days_iv"].dropna().items():
        given = treatments[(treatments["drug"] == name) & (treatments["route"] == "intravenous")]
        given = given.sort_values("start")
        gaps = given["start"].diff().dt.days
        for i in gaps[gaps < days].index:
            problems.append(
                _warn(
                    where,
                    given.at[i, "row"],
                    f"{name} IV given {gaps[i]:g} days "
                    f"after the previous dose; usually at least {days:g} days "
                    "apart (CLINICAL.md §4).",
                )
            )
    return problems


def _warn(where: str, row: int, message: str) -> Problem:
    return Problem(Severity.WARNING, where, message, int(row), "dose")
