"""The frame of a figure: where the rows sit, margins, legend, axes and their ticks.

Sizes are estimates in px (points on a slide): plotly.js measures text only in
the browser, so room for labels is reserved in proportion to the font size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .axis import TimeAxis
from .theme import (
    CRITERIA_BAND,
    FONT,
    GRID,
    INK,
    LAB_LINE,
    LABS_ONLY_BAND,
    MUTED,
    OUT_OF_RANGE,
    REFERENCE_BAND,
    Theme,
)

PAGE_WIDTH = 1000  # px assumed for the page's figure (a 1366-px laptop with the sidebar open)


# --- axis names --------------------------------------------------------------


def axis_ref(letter: str, i: int) -> str:
    """How a trace or shape names row i's axis: 'x', 'y2', ..."""
    return letter if i == 1 else f"{letter}{i}"


def axis_key(letter: str, i: int) -> str:
    """The layout key of row i's axis: 'xaxis', 'yaxis2', ..."""
    return f"{letter}axis" if i == 1 else f"{letter}axis{i}"


def across_panel(i: int, kind: str, y0: float, y1: float, **style) -> dict:
    """A rect or line across row i's whole width, y0 to y1 in its data units; under the
    data unless ``style`` says otherwise."""
    where = {"xref": f"{axis_ref('x', i)} domain", "yref": axis_ref("y", i), "x0": 0, "x1": 1}
    return {
        "type": kind,
        **where,
        "y0": y0,
        "y1": y1,
        "layer": "below",
        "line": {"width": 0},
    } | style


# --- margins -----------------------------------------------------------------


def _left_px(theme: Theme) -> int:
    """Room the lane names take (estimate: plotly sizes the margin itself)."""
    return theme.font_size * 10


def right_px(theme: Theme) -> int:
    """Room for threshold labels and the ongoing arrow, in proportion to the text."""
    return theme.small * 8


def tick_standoff(theme: Theme) -> int:
    """Between a y axis and its tick labels (see ``_axis_styles``)."""
    return round(theme.small * 0.35)


def plot_width_px(theme: Theme) -> int:
    """Width of the panels themselves: the figure less the margins."""
    return (theme.width or PAGE_WIDTH) - _left_px(theme) - right_px(theme)


# --- rows, top to bottom -------------------------------------------------------


@dataclass(frozen=True)
class Frame:
    """The figure's height and its top and bottom margins, in px."""

    height: int
    top: int
    bottom: int


def line_px(font: float) -> float:
    """The height one line of text takes (Open Sans: ascent and descent, 1.36 em), and a
    little air."""
    return font * 1.4 + 1


def _fit(wanted: list[float], least: list[float], room: float) -> list[float]:
    """Row heights filling ``room`` in proportion to ``wanted``, none below its ``least``;
    the least of each when even they do not fit (the figure then grows)."""
    fixed = [False] * len(wanted)
    while True:
        free = sum(w for w, f in zip(wanted, fixed, strict=True) if not f)
        spare = room - sum(m for m, f in zip(least, fixed, strict=True) if f)
        if free <= 0 or spare <= 0:
            return list(least)
        scale = spare / free
        short = [
            i
            for i, (w, m) in enumerate(zip(wanted, least, strict=True))
            if not fixed[i] and w * scale < m
        ]
        if not short:
            return [m if f else w * scale for w, m, f in zip(wanted, least, fixed, strict=True)]
        for i in short:
            fixed[i] = True


def place_rows(
    heights: list[float],
    least: list[float],
    gaps: list[float],
    theme: Theme,
    axis: TimeAxis,
    top: int,
    bottom: int,
) -> tuple[dict[str, dict], Frame, list[float]]:
    """Each row's x and y axes, the frame and each row's height in px.

    ``heights`` are what each row wants, ``least`` what it needs to show what it must
    (lane names apart, a doubling on a log panel), ``gaps`` the room above each row (its
    title and notes). A slide fills its height, growing taller only when the rows'
    needs do not fit it (never squeezing them); the screen takes what the rows want.
    """
    if theme.height:
        # never below the rows' needs: a figure taller than its slide grows, and the
        # export splits it across sheets (export.py) rather than squeeze its rows
        px = _fit(heights, least, theme.height - top - bottom - sum(gaps[1:]))
    else:
        px = [max(w, m) for w, m in zip(heights, least, strict=True)]
    height = int(sum(px) + sum(gaps[1:]) + top + bottom + 0.999)
    if theme.height:
        height = max(height, theme.height)
    frame = Frame(height, top, bottom)
    plot = frame.height - top - bottom
    axes: dict[str, dict] = {}
    y = 1.0
    for i, h in enumerate(px, start=1):
        if i > 1:
            y -= gaps[i - 1] / plot
        axes[axis_key("y", i)] = {"domain": [max(y - h / plot, 0.0), y], "anchor": axis_ref("x", i)}
        axes[axis_key("x", i)] = _x_axis(i, len(px), axis, theme)
        y -= h / plot
    return axes, frame, px


def _standoff(theme: Theme) -> int:
    """Between the Day tick labels and the axis title (plotly.js measures the labels a
    little short on small text: 6 px let a journal's title touch them)."""
    return 6 + (theme.small if theme.small < 10 else 0)


def bottom_px(
    theme: Theme, legend_entries: int, key_lines: int, left_px: float = 0, entry_px: int = 0
) -> int:
    """Room under the bottom panel: tick labels and the axis title, the events' key
    (``key_lines`` lines), the legend (``entry_px`` wide entries, wrapped within the
    panels' width: the figure less ``left_px`` for the y tick labels and the right
    margin)."""
    axis = 2 * line_px(theme.small) + _standoff(theme) + 4
    key = key_lines * line_px(theme.small) + (6 if key_lines else 0)
    # plotly.js gives a legend row at least 19 px, whatever its text's size
    rows = _legend_rows(legend_entries, theme, left_px, entry_px)
    legend = rows * max(line_px(theme.small) + 4, 19)
    return int(axis + key + legend + 6)


def _x_axis(i: int, rows: int, axis: TimeAxis, theme: Theme) -> dict:
    """Row i's time axis: every row shares the first's; only the bottom one is labelled."""
    x = {"anchor": axis_ref("y", i), "showticklabels": i == rows}
    if i > 1:
        x["matches"] = "x"
    x |= {"range": axis.range(), "type": "linear" if axis.days else "date", **_day_ticks(axis)}
    if i == rows:
        x["title"] = {
            "text": axis.title,
            "font": {"size": theme.small},
            "standoff": _standoff(theme),
        }
    return x


# Round steps between Day ticks: days, weeks, months, then whole years (365 days each).
_DAY_STEPS = (1, 2, 7, 14, 28, 56, 91, 182, 365)


def day_step(span_days: float) -> int:
    """A round step between Day ticks giving 20 ticks at most, for any span: a week to a
    year, then a round number of years (1, 2, 5, 10, 20, 50 ... times 365 days)."""
    for step in _DAY_STEPS:
        if span_days / step <= 20:
            return step
    years = span_days / 365 / 20  # a record of two centuries is still drawn
    magnitude = 10 ** max(int(np.floor(np.log10(years))), 0)
    for factor in (1, 2, 5, 10):
        if years <= factor * magnitude:
            return 365 * factor * magnitude
    return 365 * 10 * magnitude  # unreachable: years <= 10 * magnitude


def _day_ticks(axis: TimeAxis) -> dict:
    """A round step between Day ticks (see ``day_step``), 20 ticks at most."""
    if not axis.days:
        return {}
    return {"tick0": 0, "dtick": day_step(axis.span_days)}


# --- legend --------------------------------------------------------------------


def legend_entry_px(theme: Theme, names: Sequence[str] = ()) -> int:
    """A legend entry's width, the symbol not included: room for the longest name at
    0.56 em a character (measured in Chromium: 0.52), or for 21 characters ("MAS 2016
    fever + labs") at 0.6 em when the names are not known."""
    if not names:
        return int(theme.small * 12.6)
    return int(max(len(name) for name in names) * 0.56 * theme.small) + 2


_LEGEND_SYMBOL_PX = 46  # plotly.js: the symbol's 40 px and the gap between entries


def _legend_rows(entries: int, theme: Theme, left_px: float = 0, entry_px: int = 0) -> int:
    """How many rows the horizontal legend takes: plotly.js wraps it at the panels'
    width (the figure less its margins, the left one as wide as the y tick labels:
    measured in Chromium, a legend of 176-px entries took floor(panels / 222) a row)."""
    width = (theme.width or PAGE_WIDTH) - 10 - left_px - right_px(theme)
    entry_px = entry_px or legend_entry_px(theme)
    per_row = max(int(width // (entry_px + _LEGEND_SYMBOL_PX)), 1)
    return -(-entries // per_row)


def _legend_markers(
    parts: tuple[str, ...], theme: Theme, symbols: frozenset[str] | None
) -> list[tuple[str, dict]]:
    """(name, marker) of each mark the legend explains (drugs are named on their lanes);
    of the lanes' marks, those whose symbol is in ``symbols`` (None: all three)."""
    m = theme.marker
    entries = []
    if "lanes" in parts:
        entries += [
            (name, {"symbol": symbol, "color": MUTED, "size": m + 2})
            for name, symbol in _LANE_MARKS
            if symbols is None or symbol in symbols
        ]
    if "labs" in parts:
        reference = REFERENCE_BAND.replace("0.10", "0.35")
        entries += [
            ("Out of range", {"symbol": "circle", "color": OUT_OF_RANGE, "size": m + 1}),
            ("Reference range", {"symbol": "square", "color": reference, "size": m + 5}),
        ]
    return entries


# The legend's name of each kind of MAS 2016 shading (figures.overlays), which says
# which rule it is (short: one legend entry's width), and its colour
CRITERIA_NAMES = {
    "met": "MAS 2016 fever + labs",  # criteria met: fever and the laboratory rule
    "labs only": "MAS 2016 labs only",  # the laboratory rule without fever
    "labs": "MAS 2016 by labs",  # the labs-only view, fever aside: tocilizumab blunts fever
    "met by labs": "MAS 2016 met by labs",  # the case records no fever (CLINICAL.md §3c)
}
CRITERIA_COLOURS = {
    "met": CRITERIA_BAND,
    "labs only": LABS_ONLY_BAND,
    "labs": CRITERIA_BAND,
    "met by labs": CRITERIA_BAND,
}


def _criteria_markers(criteria: Sequence[dict] | None, theme: Theme) -> list[tuple[str, dict]]:
    """(name, swatch) of each kind of criteria shading drawn, in the order first drawn.

    ``criteria`` are the shapes (None: the default view's two kinds, met and labs only).
    """
    if criteria is None:
        kinds = [(CRITERIA_NAMES[k], CRITERIA_COLOURS[k]) for k in ("met", "labs only")]
    else:
        kinds = list(dict.fromkeys((shape["name"], shape["fillcolor"]) for shape in criteria))
    # the same colour as the band, stronger: a legend swatch is too small to read faint
    marker = {"symbol": "square", "size": theme.marker + 5}
    return [(name, {**marker, "color": fill.replace("0.16)", "0.5)")}) for name, fill in kinds]


# A censored result's mark (figures.labs.CENSORED_SYMBOLS): drawn at its limit, pointing
# the way the truth lies (CLINICAL.md §3b). Named short: one legend entry's width.
_CENSORED_ENTRIES = {
    "below": ("Censored: below (<)", "triangle-down"),
    "above": ("Censored: above (>)", "triangle-up"),
}


def _censored_markers(censored: Sequence[str], theme: Theme) -> list[tuple[str, dict]]:
    """(name, marker) of each censored mark drawn ('below', 'above'), in that order."""
    return [
        (name, {"symbol": symbol, "color": MUTED, "size": theme.marker + 3})
        for direction, (name, symbol) in _CENSORED_ENTRIES.items()
        if direction in censored
    ]


_LEGEND_LINES = (  # the lines of the lab panels
    ("MAS 2016 threshold", {"color": MUTED, "dash": "dash", "width": 1.5}),
    ("Sampling gap", {"color": LAB_LINE, "dash": "dot", "width": 1.5}),
)


_LANE_MARKS = (
    ("Pulse day", "diamond"),
    ("Single dose", "circle"),
    ("Ongoing at end", "triangle-right"),
)


def legend_traces(
    parts: tuple[str, ...],
    theme: Theme,
    last: int,
    criteria: Sequence[dict] | None = None,
    censored: Sequence[str] = (),
    symbols: frozenset[str] | None = None,
) -> list[dict]:
    """Empty traces on the bottom row whose legend entries explain the marks.

    ``criteria``: the MAS 2016 shading drawn, each kind named once (None: both kinds
    of the default view, wherever lanes or labs are). ``censored``: the censored marks
    the lab panels draw ('below', 'above'; see ``figures.labs.censored_marks``), each
    explained only when drawn. ``symbols``: the marker symbols the lanes draw, whose
    entries alone are shown (None: every lane mark's).
    """
    where = {
        "xaxis": axis_ref("x", last),
        "yaxis": axis_ref("y", last),
        "hoverinfo": "skip",
        "x": [None],
        "y": [None],
        "type": "scatter",
    }
    markers = _legend_markers(parts, theme, symbols)
    if "labs" in parts:
        markers += _censored_markers(censored, theme)
    if "labs" in parts or "lanes" in parts:
        markers += _criteria_markers(criteria, theme)
    entries = [
        {**where, "mode": "markers", "marker": marker, "name": name} for name, marker in markers
    ]
    if "labs" in parts:
        entries += [
            {**where, "mode": "lines", "name": name, "line": line} for name, line in _LEGEND_LINES
        ]
    return entries


def _legend_style(theme: Theme, entry_px: int) -> dict:
    return {
        "orientation": "h",
        "xref": "container",  # across the whole figure, not only the panels
        "x": 0,
        "xanchor": "left",
        # at the foot of the figure, below the axis title whatever plotly.js places it
        "yref": "container",
        "y": 0,
        "yanchor": "bottom",
        "font": {"size": theme.small},
        "traceorder": "normal",
        "entrywidth": entry_px or legend_entry_px(theme),
        "entrywidthmode": "pixels",
    }


# --- the whole figure ----------------------------------------------------------


def _axis_styles(theme: Theme) -> dict:
    """The style every x axis and every y axis shares (a panel overrides what differs)."""
    shared = {
        "showgrid": theme.grid,
        "gridcolor": GRID,
        "zeroline": False,
        "tickfont": {"size": theme.small},
    }
    xaxis = {
        **shared,
        "showspikes": True,
        "spikemode": "across",
        "spikesnap": "cursor",
        "spikethickness": 1,
        "spikecolor": MUTED,
        "spikedash": "solid",
        "showline": True,
        "linecolor": "#999999",
        "ticks": "outside",
    }
    # a y tick label stands off the axis: a bottom panel's "0" otherwise ran into the
    # Day axis's first tick label under the corner
    yaxis = {**shared, "automargin": True, "ticklabelstandoff": tick_standoff(theme)}
    return {"xaxis": xaxis, "yaxis": yaxis}


def frame_layout(theme: Theme, frame: Frame, entry_px: int = 0) -> dict:
    """Layout beside the axes: size, margins, fonts, the legend (``entry_px`` wide
    entries), hover and the theme."""
    return {
        # no named template: an unvalidated figure would carry the bare name, which plotly.js
        # does not resolve. Our own holds what every axis shares, set once instead of per axis.
        "template": {"layout": _axis_styles(theme)},
        "height": frame.height,
        "width": theme.width,
        "font": {"family": FONT, "size": theme.font_size, "color": INK},
        "margin": {"l": 10, "r": right_px(theme), "t": frame.top, "b": frame.bottom},
        "barmode": "overlay",
        "bargap": 0,
        "hovermode": "closest",
        "plot_bgcolor": "white",
        "showlegend": True,
        "legend": _legend_style(theme, entry_px),
        "hoverlabel": {"font": {"family": FONT, "size": theme.small}, "align": "left"},
    }
