"""The shared time axis: Day N from an anchor, or calendar dates, in a window."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..derive import DAY, case_end
from ..model import Case
from .options import FigureOptions

_DAY_NS = 86_400_000_000_000


@dataclass(frozen=True)
class TimeAxis:
    """Converts timestamps to x values and knows the visible window."""

    anchor: pd.Timestamp
    anchor_label: str
    days: bool
    start: pd.Timestamp
    end: pd.Timestamp
    record_end: pd.Timestamp  # ongoing therapy runs to here, whatever the window

    def x(self, times):
        """x values for timestamps: float days since Day 0, or ISO date strings.

        Dates go out as text, never as datetime64 arrays, which JSON would
        turn into integers (plotly would read those as epoch milliseconds).
        """
        if isinstance(times, pd.Timestamp):
            return (times - self.anchor) / DAY if self.days else times.isoformat()
        moments = np.asarray(times, dtype="datetime64[ns]")
        if self.days:
            return (moments - self.anchor.to_datetime64()) / np.timedelta64(1, "D")
        return np.datetime_as_string(moments, unit="s").tolist()

    def span(self, start, end):
        """(base, length) of bars clipped to the window, length in x units."""
        start = np.maximum(np.asarray(start, dtype="datetime64[ns]"), self.start.to_datetime64())
        end = np.minimum(np.asarray(end, dtype="datetime64[ns]"), self.end.to_datetime64())
        unit = np.timedelta64(1, "D") if self.days else np.timedelta64(1, "ms")
        # a date axis measures bar lengths in milliseconds (as px.timeline does)
        return self.x(start), (end - start) / unit

    def range(self) -> list:
        return [self.x(self.start), self.x(self.end)]

    @property
    def span_days(self) -> float:
        return (self.end - self.start) / DAY

    @property
    def title(self) -> str:
        return f"Day (Day 0 = {self.anchor_label})" if self.days else "Date"

    def when(self, time: pd.Timestamp, hide_dates: bool) -> str:
        """'Day 3 (2000-01-04 07:00)' for hover text; Day only when dates are hidden."""
        return self.whens([time], hide_dates)[0]

    def whens(self, times, hide_dates: bool) -> list[str]:
        """``when`` for many times at once (hover text of long series); '' where missing."""
        moments = np.asarray(times, dtype="datetime64[ns]")
        ns = moments.astype("int64")
        days = ((ns - self.anchor.value) // _DAY_NS).tolist()  # floor: 07:00 of Day -1 is -1
        midnight = (ns % _DAY_NS == 0).tolist()
        stamps = np.datetime_as_string(moments, unit="m").tolist()  # 2000-01-04T07:00
        missing = np.isnat(moments).tolist()
        out = []
        for day, at_midnight, stamp, gone in zip(days, midnight, stamps, missing, strict=True):
            if gone:
                out.append("")
            elif hide_dates:
                out.append(f"Day {day}" if at_midnight else f"Day {day} {stamp[11:]}")
            else:
                shown = stamp[:10] if at_midnight else f"{stamp[:10]} {stamp[11:]}"
                out.append(f"Day {day} ({shown})")
        return out


def time_axis(case: Case, options: FigureOptions) -> TimeAxis:
    """Resolve Day 0 and the window; the window defaults to the whole record."""
    label, anchor = case.info.anchor, case.anchor_time  # Day 0: see derive.reanchor
    first = min(
        x.min()
        for x in (case.treatments["start"], case.events["start"], case.labs["time"])
        if len(x)
    )
    start = options.window[0] if options.window[0] is not None else first.normalize()
    last = case_end(case)
    end = options.window[1] if options.window[1] is not None else last
    if end <= start:
        msg = "the window ends before it starts: choose an end after the start"
        raise ValueError(msg)
    days = options.axis == "days" or options.hide_dates
    return TimeAxis(anchor, label, days, pd.Timestamp(start), pd.Timestamp(end), last)
