"""Every clinical fact the page, the figures and the deck show, computed here once.

days             Day 0 and Day N, the end of the record
doses            doses in mg from per-kg and per-m² doses (weight, Mosteller BSA)
flags            each result against its range: high, low, fever
glucocorticoids  the daily prednisone-equivalent course (time of day honoured)
criteria         the MAS 2016 status of every day (fever and labs) and its periods
summary          key days, courses, cumulative dose, response to a treatment
"""

from .criteria import MAS_TESTS, criteria_periods, mas_2016, mas_2016_days, status_on
from .days import (
    DAY,
    case_end,
    day_number,
    reanchor,
    record_end,
    resolve_anchor,
    window_end,
    window_start,
)
from .doses import (
    DOSE_COLUMNS,
    body_surface_area,
    daily_dose_mg,
    dose_arrays,
    dose_details,
    dose_mg,
    doses_mg,
    latest_measured,
    latest_values,
    value_at,
)
from .flags import lab_flags, sample_flags
from .glucocorticoids import glucocorticoid_days

__all__ = [
    "DAY",
    "DOSE_COLUMNS",
    "MAS_TESTS",
    "body_surface_area",
    "case_end",
    "criteria_periods",
    "daily_dose_mg",
    "day_number",
    "dose_arrays",
    "dose_details",
    "dose_mg",
    "doses_mg",
    "glucocorticoid_days",
    "lab_flags",
    "latest_measured",
    "latest_values",
    "mas_2016",
    "mas_2016_days",
    "reanchor",
    "record_end",
    "resolve_anchor",
    "sample_flags",
    "status_on",
    "value_at",
    "window_end",
    "window_start",
]
