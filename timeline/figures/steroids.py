"""The glucocorticoid course: daily prednisone-equivalent, pulses at their real dose."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..derive import glucocorticoid_days
from ..model import Case
from ..numbers import significant
from ..text import mg_text
from .arrays import strings
from .axis import TimeAxis
from .layout import plot_width_px
from .options import FigureOptions
from .theme import Theme

STEROID_COLOUR = "#0072B2"  # the glucocorticoid class hue
_DAY = np.timedelta64(1, "D")


def steroid_unit(options: FigureOptions, days: pd.DataFrame) -> tuple[str, str]:
    """Column and unit shown: mg/kg/day only when asked and a weight is known."""
    if options.steroid_per_kg and days["pred_mg_kg"].notna().any():
        return "pred_mg_kg", "mg/kg/day"
    return "pred_mg", "mg/day"


def _hover(days: pd.DataFrame, axis: TimeAxis, hide_dates: bool) -> list[str]:
    """Per day: the dose, per kg at the weight used (and when it was measured), the
    cumulative dose, a pulse, the drugs."""
    weighed = axis.whens(days["weight_date"].to_numpy(), hide_dates)
    return [
        f"{when}<br><b>{significant(mg):,g} mg/day</b> prednisone-equivalent"
        + (f" ({mg_kg:.2f} mg/kg/day at {kg:g} kg, {at})" if not np.isnan(mg_kg) else "")
        + f"<br>cumulative {total:,.0f} mg"
        + (f"<br>methylprednisolone pulse {mg_text(significant(pulse))}" if pulse else "")
        + (f"<br>from {drugs}" if drugs else "")
        for when, mg, mg_kg, kg, at, total, pulse, drugs in zip(
            axis.whens(days["date"].to_numpy(), hide_dates),
            days["pred_mg"].to_numpy().tolist(),
            days["pred_mg_kg"].to_numpy().tolist(),
            days["weight_kg"].to_numpy().tolist(),
            weighed,
            *(days[c].to_numpy().tolist() for c in ("pred_mg_total", "pulse_mp_mg", "drugs")),
            strict=True,
        )
    ]


def _course_trace(
    date: np.ndarray, per_day: np.ndarray, hover: list[str], axis: TimeAxis, theme: Theme
) -> dict:
    """The daily dose as a filled step curve."""
    return dict(
        type="scatter",
        # steps: each value holds for its whole day; the last one ends at midnight
        x=axis.x(np.append(date, date[-1] + _DAY)),
        y=np.append(per_day, per_day[-1]),
        mode="lines",
        line={"shape": "hv", "color": STEROID_COLOUR, "width": theme.line},
        fill="tozeroy",
        fillcolor="rgba(0, 114, 178, 0.12)",
        name="Prednisone-equivalent",
        showlegend=False,
        customdata=strings([*hover, hover[-1]]),
        hovertemplate="%{customdata}<extra></extra>",
    )


def _pulse_trace(
    date: np.ndarray,
    mg: np.ndarray,
    y: float,
    hover: list[str],
    axis: TimeAxis,
    theme: Theme,
    px_per_day: float,
) -> dict:
    """Pulse days as triangles at height ``y``, labelled with the methylprednisolone dose."""
    rounds = np.cumsum(np.diff(date, prepend=date[:1] - 2 * _DAY) != _DAY)  # consecutive days
    since = np.asarray(date, dtype="datetime64[ns]") - axis.start.to_datetime64()
    x_px = (since + np.timedelta64(12, "h")) / _DAY * px_per_day
    text, position = _pulse_labels(mg, rounds, x_px, theme.small)
    return dict(
        type="scatter",
        x=axis.x(date + np.timedelta64(12, "h")),
        y=[y] * len(date),
        mode="markers+text",
        text=strings(text),
        textposition=position,
        textfont={"size": theme.small, "color": STEROID_COLOUR},
        marker={"symbol": "triangle-up", "size": theme.marker + 3, "color": STEROID_COLOUR},
        name="Pulse day, off scale (actual dose)",
        showlegend=False,
        customdata=strings(hover),
        hovertemplate="%{customdata}<extra></extra>",
        cliponaxis=False,
    )


def steroid_traces(
    case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme
) -> tuple[list[dict], list[float] | None, str]:
    """Step curve of the daily dose; pulse days as markers at the top, labelled.

    Pulse days would dwarf the taper, so the panel's range stops above the
    highest non-pulse day; pulse days are marked at the top with the actual
    methylprednisolone dose. Returns traces, y range and the unit.
    """
    # the course runs to the end of the record; the window only cuts what is shown
    days = glucocorticoid_days(case.treatments, case.labs, axis.record_end)
    if days.empty:
        return [], None, "mg/day"
    column, unit = steroid_unit(options, days)
    date = days["date"].to_numpy()
    shown = (date + _DAY > axis.start.to_datetime64()) & (date < axis.end.to_datetime64())
    if not shown.any():
        return [], None, unit
    days = days[shown]
    date, per_day = days["date"].to_numpy(), days[column].to_numpy()
    pulse_mg = days["pulse_mp_mg"].to_numpy()
    hover = _hover(days, axis, options.hide_dates)
    traces = [_course_trace(date, per_day, hover, axis, theme)]
    pulse = pulse_mg > 0
    top = _highest(per_day[~pulse]) * 1.6 if pulse.any() else _highest(per_day) * 1.15
    if pulse.any():
        pulse_hover = [hover[i] for i in np.flatnonzero(pulse)]
        traces.append(
            _pulse_trace(
                date[pulse],
                pulse_mg[pulse],
                top * 0.8,
                pulse_hover,
                axis,
                theme,
                plot_width_px(theme) / axis.span_days,
            )
        )
    return traces, [0, top], unit


def _highest(values: np.ndarray) -> float:
    """The largest value, missing ones left out; NaN when none is known."""
    known = values[~np.isnan(values)]
    return float(known.max()) if len(known) else np.nan


def _pulse_labels(
    mg: np.ndarray, run: np.ndarray, x_px: np.ndarray, font: float
) -> tuple[list[str], str]:
    """Labels for pulse days: one 'MP 1 g/day, off scale' after the last round when every
    pulse day had one dose (rounds are often days apart: labels per round would collide),
    else each round's dose under its middle day (``x_px`` across the panel) where it
    has room: a label that would run into the one before it or off the panel's left
    edge is left to the hover."""
    if (mg == mg[0]).all():
        text = [""] * len(mg)
        text[-1] = f"MP {mg_text(significant(mg[0]))}/day, off scale"
        return text, "middle right"
    text = [""] * len(mg)
    free_from = 0.0  # px: where the next label may begin
    for r in np.unique(run):
        days = np.flatnonzero(run == r)
        middle = days[len(days) // 2]
        label = f"MP {mg_text(significant(mg[middle]))}"
        half = (len(label) * font * 0.6 + 6) / 2
        if x_px[middle] - half >= free_from:
            text[middle] = label
            free_from = x_px[middle] + half + 4
    return text, "bottom center"
