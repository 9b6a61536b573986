"""Time: Day 0, Day N, the end of the record (never "today")."""

from __future__ import annotations

import pandas as pd

from .. import catalogue as cat

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


def day_number(times, anchor: pd.Timestamp):
    """Days since the anchor's midnight as a float: Day 0 is the anchor's day."""
    return (times - anchor) / DAY
