"""The 2016 EULAR/ACR/PRINTO MAS classification criteria over time (Ravelli 2016).

One definition, used by the figure's shading, the summary, the window presets
and the day panel: :func:`mas_2016_days` gives each calendar day's status and
:func:`criteria_periods` the runs of days with a status.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from .. import catalogue as cat

MAS_TESTS = ("ferritin", "platelets", "ast", "triglycerides", "fibrinogen")

# A day's status (CLINICAL.md §3c): fever and the laboratory rule; the laboratory rule
# without fever; neither; or missing values that could change the answer.
MET, LABS_ONLY, NOT_MET, NOT_ASSESSABLE = "met", "labs only", "not met", "not assessable"
STATUSES = (MET, LABS_ONLY, NOT_MET, NOT_ASSESSABLE)

# What a period is a run of: "met", "labs only", or "labs" (met or labs only: every
# day the laboratory rule holds, the view for a patient whose fever tocilizumab blunts).
Which = Literal["met", "labs only", "labs"]
_PERIOD_STATUSES: dict[str, tuple[str, ...]] = {
    "met": (MET,),
    "labs only": (LABS_ONLY,),
    "labs": (MET, LABS_ONLY),
}

# The words for each status, written once: the legend, the summary and the day panel.
STATUS_TEXT = {
    MET: "met (fever + labs)",
    LABS_ONLY: "laboratory criteria only",
    NOT_MET: "not met",
    NOT_ASSESSABLE: "not assessable",
}
MET_BY_LABS_TEXT = "met by labs (fever not recorded)"  # CLINICAL.md §3c
LABS_RULE_TEXT = "laboratory criteria met (fever not considered)"


@dataclass(frozen=True, eq=False)
class CriteriaStatus:
    """The MAS 2016 status of every calendar day from the first to the last criteria lab day.

    days
        One row per day: ``date`` (midnight), the value of each of :data:`MAS_TESTS`
        used that day (NaN when none in the window; a censored value at its limit),
        ``items_met`` and ``items_known`` (of the four items beside ferritin, how many
        are met and how many are settled), ``labs`` (the laboratory rule: "met",
        "not met" or "unknown"), ``fever`` (bool) and ``status`` (one of
        :data:`STATUSES`).
    fever_recorded
        Whether the case records any temperature or fever event. Where it records
        neither, a day meeting the laboratory rule has status "met", to be worded
        "met by labs (fever not recorded)" (:func:`status_text`).
    window_days
        How many days (the day and the ones before it) a value still counts.
    """

    days: pd.DataFrame
    fever_recorded: bool
    window_days: float


def status_text(status: str, fever_recorded: bool) -> str:
    """A status in words: 'met (fever + labs)', or 'met by labs (fever not recorded)'."""
    if status == MET and not fever_recorded:
        return MET_BY_LABS_TEXT
    return STATUS_TEXT[status]


# --- censored values ------------------------------------------------------------------


def _bounds(qualifier: np.ndarray, value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(lowest, highest) value the truth can have: '>40000' is above 40000, '<5' below 5.

    An open bound is the next float past the limit, so the comparisons below stay exact.
    """
    above, below = np.nextafter(value, np.inf), np.nextafter(value, -np.inf)
    upper_only, lower_only = np.isin(qualifier, ["<", "<="]), np.isin(qualifier, [">", ">="])
    low = np.select(
        [qualifier == ">", qualifier == ">=", upper_only], [above, value, -np.inf], value
    )
    high = np.select(
        [qualifier == "<", qualifier == "<=", lower_only], [below, value, np.inf], value
    )
    return low, high


_COMPARE = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


def settle(
    qualifier: np.ndarray, value: np.ndarray, operator: str, threshold: float
) -> tuple[np.ndarray, np.ndarray]:
    """(surely meets, surely fails) of each result against ``operator threshold``.

    A censored result counts only when its comparator settles the rule (CLINICAL.md
    §3b): ferritin '>40000' meets > 684; AST '<5' fails > 48; platelets '<20' meets
    ≤ 181; ferritin '<1000' settles nothing about > 684 (neither array is True).
    """
    low, high = _bounds(np.asarray(qualifier, dtype=str), np.asarray(value, dtype=float))
    compare = _COMPARE[operator]
    # an upward rule (> or >=) holds for every possible value when it holds for the
    # lowest, and for none when it fails for the highest; a downward rule the other way
    least, most = (low, high) if operator in (">", ">=") else (high, low)
    known = ~np.isnan(low)  # a missing value settles nothing
    return compare(least, threshold) & known, ~compare(most, threshold) & known


# --- the laboratory rule --------------------------------------------------------------


def _latest_in_window(
    drawn: np.ndarray, days: np.ndarray, window_days: float
) -> tuple[np.ndarray, np.ndarray]:
    """Index of the latest draw by the end of each day, and whether it is in the window
    (drawn on that day or the ``window_days - 1`` days before it)."""
    day_end = days + np.timedelta64(1, "D")
    oldest = day_end - pd.Timedelta(days=window_days).to_timedelta64()
    latest = np.searchsorted(drawn, day_end, side="left") - 1
    safe = np.clip(latest, 0, None)
    fresh = (latest >= 0) & (drawn[safe] >= oldest) if len(drawn) else latest < -1
    return safe, fresh


class _Results(NamedTuple):
    """The labs table as plain arrays in order of time (filtering a DataFrame per test is slow)."""

    test: np.ndarray
    time: np.ndarray  # datetime64[ns]
    value: np.ndarray
    qualifier: np.ndarray  # '' when exact

    @classmethod
    def of(cls, labs: pd.DataFrame) -> _Results:
        order = np.argsort(labs["time"].to_numpy(dtype="datetime64[ns]"), kind="stable")
        # a table without the qualifier column (a hand-made one) is all exact values
        qualifier = labs["qualifier"] if "qualifier" in labs else np.full(len(labs), "")
        return cls(
            labs["test"].to_numpy(dtype=str)[order],
            labs["time"].to_numpy(dtype="datetime64[ns]")[order],
            labs["value"].to_numpy(dtype=float)[order],
            np.asarray(qualifier, dtype=str)[order],
        )

    def of_test(self, test: str) -> _Results:
        chosen = self.test == test
        return _Results(*(column[chosen] for column in self))


def _rule_items(results: _Results, days: np.ndarray, window_days: float) -> dict:
    """Each test's value used on each day, and whether it surely meets or fails its item."""
    rules = cat.mas_2016_rules()
    out: dict = {}
    for test in MAS_TESTS:
        rows = results.of_test(test)
        values = np.append(rows.value, np.nan)  # a last slot: no draw in the window
        meets, fails = settle(np.append(rows.qualifier, ""), values, *rules[test])
        index, fresh = _latest_in_window(rows.time, days, window_days)
        index = np.where(fresh, index, len(rows.value))  # outside the window: the empty slot
        for key, column in ((test, values), (f"{test} meets", meets), (f"{test} fails", fails)):
            out[key] = column[index]
    return out


def _laboratory_rule(results: _Results, days: np.ndarray, window_days: float) -> pd.DataFrame:
    """The laboratory rule on each day: ferritin > 684 ng/mL and two of the four items.

    "met" when ferritin surely meets and two items surely do; "not met" when ferritin
    surely fails or two items can no longer be reached; else "unknown".
    """
    items = _rule_items(results, days, window_days)
    met = np.sum([items[f"{t} meets"] for t in MAS_TESTS[1:]], axis=0)
    failed = np.sum([items[f"{t} fails"] for t in MAS_TESTS[1:]], axis=0)
    rule = np.where(
        items["ferritin meets"] & (met >= 2),
        "met",
        np.where(items["ferritin fails"] | (4 - failed < 2), "not met", "unknown"),
    )
    frame = {"date": days.astype("datetime64[ns]"), **{t: items[t] for t in MAS_TESTS}}
    return pd.DataFrame({**frame, "items_met": met, "items_known": met + failed, "labs": rule})


def _criteria_days(results: _Results) -> np.ndarray:
    """The days with a value of any criteria test, in order, once each."""
    chosen = np.isin(results.test, MAS_TESTS) & ~np.isnan(results.value)
    return np.unique(results.time[chosen].astype("datetime64[D]"))


def mas_2016(labs: pd.DataFrame, window_days: float = 3) -> pd.DataFrame:
    """The laboratory rule of the 2016 EULAR/ACR/PRINTO criteria on each day with a sample.

    For each day, the latest value of each test drawn on that day or the
    ``window_days - 1`` days before it is used (default: the day and the two before
    it): ferritin > 684 ng/mL and at least two of platelets ≤ 181 ×10⁹/L, AST
    > 48 U/L, triglycerides > 156 mg/dL, fibrinogen ≤ 360 mg/dL (Ravelli 2016;
    thresholds from the catalogue, in canonical units). ``status`` is "met", "not
    met" or "unknown" (missing values could change the answer). Fever is in
    :func:`mas_2016_days`, which gives every calendar day.
    """
    results = _Results.of(labs)
    dates = _criteria_days(results)
    columns = ["date", *MAS_TESTS, "items_met", "items_known", "status"]
    if not len(dates):
        return pd.DataFrame(columns=columns)
    rule = _laboratory_rule(results, dates, window_days)
    return rule.rename(columns={"labs": "status"})[columns]


# --- fever ----------------------------------------------------------------------------


def _fever_days(results: _Results, events: pd.DataFrame, days: np.ndarray, window_days: float):
    """Whether each day is febrile: a temperature ≥ 38.0 °C (the catalogue's fever
    threshold, CLINICAL.md §3c) on that day or in the window before it, or the day
    inside a fever event (start to end, both days counted)."""
    (fever,) = (row for row in cat.thresholds_by_test()["temperature"] if row.set == "fever")
    temps = results.of_test("temperature")
    hot, _ = settle(temps.qualifier, temps.value, fever.operator, fever.canonical)
    hot_days = np.unique(temps.time[hot].astype("datetime64[D]"))
    _, febrile = _latest_in_window(hot_days.astype("datetime64[ns]"), days, window_days)
    spells = events["type"].to_numpy(dtype=str) == "fever"
    first = events["start"].to_numpy(dtype="datetime64[ns]")[spells].astype("datetime64[D]")
    last = events["end"].to_numpy(dtype="datetime64[ns]")[spells].astype("datetime64[D]")
    last = np.where(np.isnat(last), first, last)  # a fever event without an end: its day
    for a, b in zip(first, last, strict=True):
        febrile = febrile | ((days >= a) & (days <= b))
    return febrile


def fever_recorded(labs: pd.DataFrame, events: pd.DataFrame) -> bool:
    """Whether the case records any temperature or fever event (CLINICAL.md §3c)."""
    return bool((labs["test"] == "temperature").any() or (events["type"] == "fever").any())


def mas_2016_days(
    labs: pd.DataFrame, events: pd.DataFrame, window_days: float = 3
) -> CriteriaStatus:
    """The MAS 2016 status of every calendar day from the first to the last criteria lab day.

    "met": fever and the laboratory rule (:func:`mas_2016`); "labs only": the
    laboratory rule without fever; "not met"; "not assessable": missing values could
    change the answer. The classification needs a febrile patient (Ravelli 2016,
    CLINICAL.md §3c). A case that records temperatures or fever events and none in a
    day's window is taken as afebrile that day. Where the case records neither, fever
    cannot be judged: a day meeting the laboratory rule is "met", and
    ``fever_recorded`` is False so the words say "met by labs (fever not recorded)".
    The exclusion of other causes is a clinical judgement this does not make.
    """
    results = _Results.of(labs)
    recorded = fever_recorded(labs, events)
    dates = _criteria_days(results)
    calendar = np.arange(dates[0], dates[-1] + np.timedelta64(1, "D")) if len(dates) else dates
    rule = _laboratory_rule(results, calendar, window_days)
    fever = _fever_days(results, events, calendar, window_days) | (not recorded)
    labs_met = rule["labs"].to_numpy() == "met"
    status = np.where(
        labs_met,
        np.where(fever, MET, LABS_ONLY),
        np.where(rule["labs"].to_numpy() == "not met", NOT_MET, NOT_ASSESSABLE),
    )
    days = rule.assign(fever=fever & recorded, status=status)
    return CriteriaStatus(days, recorded, window_days)


# --- periods --------------------------------------------------------------------------


def criteria_periods(
    status: CriteriaStatus, which: Which = "met"
) -> list[tuple[pd.Timestamp, pd.Timestamp]]:
    """Runs of consecutive days with a status: (first day, last day), both midnights.

    ``which`` is "met", "labs only" or "labs" (met or labs only). A period ends on
    the last day with the status: never carried to the next sample.
    """
    days = status.days
    inside = np.isin(days["status"].to_numpy(dtype=str), _PERIOD_STATUSES[which]).astype(int)
    edges = np.flatnonzero(np.diff(np.r_[0, inside, 0])).tolist()
    dates = days["date"].tolist()
    return [(dates[a], dates[b - 1]) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def status_on(status: CriteriaStatus, day: pd.Timestamp) -> str:
    """The status of one calendar day; "not assessable" outside the days with labs."""
    match = status.days["status"][status.days["date"] == day.normalize()]
    return str(match.iloc[0]) if len(match) else NOT_ASSESSABLE
