"""Time: Day 0, Day N, the end of the record (never "today")."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import pandas as pd

from .. import catalogue as cat

if TYPE_CHECKING:
    from ..model import Case

DAY = pd.Timedelta(days=1)


def resolve_anchor(events: pd.DataFrame, anchor: str) -> pd.Timestamp | None:
    """Midnight of the first event whose type or label is ``anchor`` (Day 0)."""
    key = cat.name_key(anchor)
    match = events[
        (events["type"].map(cat.name_key) == key) | (events["label"].map(cat.name_key) == key)
    ]
    return None if match.empty else match["start"].min().normalize()


def record_end(treatments: pd.DataFrame, events: pd.DataFrame, labs: pd.DataFrame) -> pd.Timestamp:
    """The last moment the record covers: end of the day of its last date.

    Ongoing treatments are drawn up to here; it is never "today".
    """
    columns = (treatments["start"], treatments["end"], events["start"], events["end"])
    latest = [column.max() for column in (*columns, labs["time"])]
    known = [t for t in latest if not pd.isna(t)]  # a case has events: its anchor at least
    return pd.Timestamp(max(known)).normalize() + DAY


def case_end(case: Case) -> pd.Timestamp:
    """The end of what a case knows: a story step's moment (``known_until``), else the end
    of the record. Ongoing treatments run to here."""
    if case.known_until is not None:
        return case.known_until
    return record_end(case.treatments, case.events, case.labs)


def window_start(anchor: pd.Timestamp, day: float) -> pd.Timestamp:
    """A window that starts on Day ``day`` starts at that day's midnight."""
    return anchor + day * DAY


def window_end(anchor: pd.Timestamp, day: float) -> pd.Timestamp:
    """A window that ends on Day ``day`` includes that whole day: it ends at the next midnight."""
    return anchor + (day + 1) * DAY


def day_number(times, anchor: pd.Timestamp):
    """Days since the anchor's midnight as a float: Day 0 is the anchor's day."""
    return (times - anchor) / DAY


def reanchor(case: Case, anchor: str) -> Case:
    """The case with Day 0 at another event: every Day N counts from there.

    ``anchor`` is an event type or label of the case (the first match in time).
    The days of the notes and of the story's steps move with Day 0, so each stays on the
    day it was written for.

    Raises
    ------
    ValueError
        When no event of the case is called ``anchor``.
    """
    when = resolve_anchor(case.events, anchor)
    if when is None:
        msg = f"no event is called '{anchor}': choose an event type or label of the case"
        raise ValueError(msg)
    if when == case.anchor_time and cat.name_key(anchor) == cat.name_key(case.info.anchor):
        return case
    shift = (case.anchor_time - when) / DAY
    return dataclasses.replace(
        case,
        info=dataclasses.replace(case.info, anchor=anchor),
        anchor_time=when,
        annotations=case.annotations.assign(day=case.annotations["day"] + shift),
        story=case.story.assign(day=case.story["day"] + shift),
    )
