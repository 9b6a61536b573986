"""What a figure shows: axis, Day 0, window, theme, lanes and labs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd

# Shown when the user has not chosen: the MAS story in a few panels.
DEFAULT_LABS = ("ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "temperature")
# A 16:9 slide is 960×540 pt; text must stay at 14 pt or more. When the user
# has chosen no labs, each slide figure holds what fits legibly (the deck has a
# slide for the timeline, one for the labs and one for the steroid course).
SLIDE_PARTS = {"timeline": ("lanes", "labs")}
SLIDE_LABS = {"timeline": ("ferritin",), "labs": ("ferritin", "ast", "platelets", "fibrinogen")}


ThemeName = Literal["screen", "slide", "projector", "journal"]
CriteriaView = Literal["fever+labs", "labs"]


@dataclass(frozen=True)
class FigureOptions:
    """Options shared by every figure; the defaults suit the page.

    axis
        "days": days from Day 0 (the anchor's midnight); "dates": calendar dates.
    window
        (start, end) timestamps; None on either side means the whole course.
    hide_dates
        De-identified view: Day N only, no calendar date anywhere.
    drugs, labs
        Lanes and lab panels to show (catalogue names); None means all drugs
        and the default labs the case has.
    criteria_window_days
        How far back a lab value still counts for the MAS 2016 criteria.
    criteria
        "fever+labs": shade the days the MAS 2016 criteria are met (fever and labs)
        apart from the days only the laboratory criteria are; "labs": shade every day
        of the laboratory criteria alike, fever aside (tocilizumab blunts fever,
        CLINICAL.md §3c).
    gap_days
        A longer gap between two samples is drawn dotted, not as a solid line.
    annotations
        Notes (day, text, panel) to draw; None draws the case's own.
    course
        Draw the clinical course lane (interval events); an export's further timeline
        sheets leave it, and the notes, to the first.
    """

    axis: Literal["days", "dates"] = "days"
    window: tuple[pd.Timestamp | None, pd.Timestamp | None] = (None, None)
    theme: ThemeName = "screen"
    hide_dates: bool = False
    drugs: tuple[str, ...] | None = None
    labs: tuple[str, ...] | None = None
    steroid_per_kg: bool = False
    criteria_window_days: float = 3
    criteria: CriteriaView = "fever+labs"
    gap_days: float = 7
    annotations: tuple[tuple[float, str, str], ...] | None = None
    course: bool = True
    size: tuple[int, int] | None = None  # (width, height) in points; None: the theme's
    # 200 time buckets per series: about one per marker width on a 1,100-px plot, so
    # thinning below this shows nothing a person could see (out-of-range values always kept)
    max_points_per_lab: int = 400
