"""FHIR dates and times as the case format writes them."""

from __future__ import annotations

import datetime as dt
import re

_DATETIME = re.compile(
    r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2})(:\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?)?$"
)


def fhir_time(text: object) -> str:
    """A FHIR date or dateTime as 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM[:SS]'.

    The clock time is kept as the record wrote it and its UTC offset dropped: a
    timeline shows the local time of the ward, and one record is written in one
    place. A partial date ('2015', '2015-01') or anything else is returned as
    written, so validation reports it as a date it cannot read.
    """
    text = str(text) if text is not None else ""
    found = _DATETIME.match(text)
    if not found:
        return text
    day, clock, seconds = found.groups()
    if clock is None:
        return day
    return f"{day} {clock}{seconds if seconds and seconds != ':00' else ''}"


def parsed(text: str) -> dt.datetime | None:
    """A time written by ``fhir_time`` as a datetime, or None when it is not one."""
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None


def day_text(when: dt.datetime) -> str:
    """A date as the format writes a whole day."""
    return when.strftime("%Y-%m-%d")


#: Days in a FHIR duration unit (UCUM): months and years as their usual lengths.
UNIT_DAYS = {
    "s": 1 / 86400,
    "min": 1 / 1440,
    "h": 1 / 24,
    "d": 1.0,
    "wk": 7.0,
    "mo": 30.0,
    "a": 365.0,
}
