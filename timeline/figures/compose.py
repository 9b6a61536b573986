"""What each figure is made of: rows computed once from the case, assembled into one Figure.

Traces, shapes and annotations are plain dicts assembled into one figure at
the end: plotly validates every ``add_*`` call against everything added
before, which made a build take seconds. The tests validate every figure.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..model import Case
from .arrays import escape
from .axis import TimeAxis, time_axis
from .labs import Panel, censored_marks, chosen_labs, lab_panel, split_by_test
from .lanes import (
    BAR_LANES,
    TALL_DROP,
    TALL_LANES,
    course_traces,
    labelled_lanes,
    lane_layout,
    lane_traces,
    lanes,
)
from .layout import (
    across_panel,
    axis_key,
    axis_ref,
    bottom_px,
    frame_layout,
    legend_entry_px,
    legend_traces,
    line_px,
    place_rows,
    plot_width_px,
    right_px,
    tick_standoff,
)
from .options import SLIDE_LABS, SLIDE_PARTS, FigureOptions
from .overlays import (
    EventMark,
    criteria_shapes,
    event_key,
    event_label_rows,
    event_labels,
    event_lines,
    event_marks,
    events_in_window,
    notes_in_window,
    place_notes,
    title_px,
)
from .steroids import steroid_traces
from .theme import INK, MUTED, REFERENCE_BAND, THEMES, Theme

PARTS = ("lanes", "steroids", "labs")
FIGURES: dict[str, tuple[str, ...]] = {
    "timeline": PARTS,
    "treatments": ("lanes", "steroids"),
    "glucocorticoids": ("steroids",),
    "labs": ("labs",),
}


@dataclass
class _Row:
    """One panel of a figure, before it is placed."""

    part: str  # the part it belongs to ("lanes", "steroids", "labs"), or "empty"
    name: str  # what a note names to point into it: "lanes", "steroids" or the lab test
    height: float  # px wanted; a slide scales every row alike
    least: float  # px it needs to show what it must (see ``_least_px``)
    title: str = ""
    traces: list = field(default_factory=list)
    panel: Panel | None = None
    lane_ticks: tuple[list[float], list[str]] = field(default_factory=lambda: ([], []))
    class_bands: list[tuple[float, float]] = field(default_factory=list)  # (top, bottom)
    extent: float = 0.0  # the lanes panel's height, in lanes


@dataclass
class _Prepared:
    """Everything computed from the case once, shared by the figures of one call."""

    axis: TimeAxis
    theme: Theme
    rows: list[_Row]
    events: list[EventMark]
    criteria: list[dict]
    default_labs: bool
    notes: tuple[tuple[float, str, str], ...]
    panels: frozenset[str]  # every panel the case could show ('lanes', 'steroids', its tests)


def build_figure(
    case: Case,
    options: FigureOptions | None = None,
    parts: tuple[str, ...] = PARTS,
    name: str = "timeline",
) -> go.Figure:
    """The case as stacked panels (lanes, glucocorticoid course, labs) on one time axis."""
    return _assemble(_prepare(case, options or FigureOptions(), parts), parts, name)


def build_figures(case: Case, options: FigureOptions | None = None) -> dict[str, go.Figure]:
    """Every named figure (timeline, treatments, glucocorticoids, labs) from one computation."""
    prepared = _prepare(case, options or FigureOptions(), PARTS)
    return {name: _assemble(prepared, parts, name) for name, parts in FIGURES.items()}


# --- computed once per case ------------------------------------------------------


def _theme(options: FigureOptions) -> Theme:
    """The chosen theme, at the export's size when one is given."""
    theme = THEMES[options.theme]
    if options.size is not None:  # an export laid out at its real size in points
        theme = dataclasses.replace(theme, width=options.size[0], height=options.size[1])
    return theme


def _notes(case: Case, options: FigureOptions) -> tuple[tuple[float, str, str], ...]:
    """The notes chosen in the options, else the case's own."""
    if options.annotations is not None:
        return options.annotations
    return tuple(case.annotations[["day", "text", "panel"]].itertuples(index=False, name=None))


def _prepare(case: Case, options: FigureOptions, parts: tuple[str, ...]) -> _Prepared:
    """Rows, event marks, criteria shading and notes of the case, for any of its figures."""
    theme = _theme(options)
    axis = time_axis(case, options)
    plot_px = plot_width_px(theme)
    table = lanes(case, options)
    rows = _rows(case, options, axis, theme, table, parts, plot_px / axis.span_days)
    criteria = criteria_shapes(case, options, axis) if {"lanes", "labs"} & set(parts) else []
    return _Prepared(
        axis,
        theme,
        rows,
        event_marks(events_in_window(case, axis, table), axis, theme, plot_px, right_px(theme)),
        criteria,
        options.labs is None,
        _notes(case, options),
        frozenset({"lanes", "steroids", *case.labs["test"]}),
    )


# --- rows ------------------------------------------------------------------------


def _rows(
    case: Case,
    options: FigureOptions,
    axis: TimeAxis,
    theme: Theme,
    table: pd.DataFrame,
    parts: tuple[str, ...],
    px_per_day: float,
) -> list[_Row]:
    """Every row of the parts asked for, top to bottom."""
    rows: list[_Row] = []
    if "lanes" in parts:
        rows += _lanes_row(case, options, axis, theme, table, px_per_day)
    if "steroids" in parts:
        rows += _steroids_row(case, options, axis, theme)
    if "labs" in parts:
        rows += _lab_rows(case, options, axis, theme)
    return rows


# The least room each kind of row needs, in em of the theme's text:
# - a lane: its name (one line, 1.36 em) and air, so no two names touch;
_LANE_EM = 1.45
# - a decade on a log panel: a doubling (0.3 decade) at least 0.66 em, about 11 px on a
#   slide, so a ferritin doubling under pulses (the "refractory" message) shows;
DECADE_EM = 2.2
# - a linear panel or the glucocorticoid course: three tick labels apart.
_LINEAR_EM = 4.5


_FIRST_LANE = 10_000  # lanes numbered from here while their places are not yet known


def _lanes_row(
    case: Case,
    options: FigureOptions,
    axis: TimeAxis,
    theme: Theme,
    table: pd.DataFrame,
    px_per_day: float,
) -> list[_Row]:
    """The swimlanes, the clinical course on top when the case has one; none if empty."""
    course, course_rows = (
        course_traces(case, options, axis, theme, px_per_day) if options.course else ([], 0)
    )
    if not (len(table) or course_rows):
        return []
    # drawn first on numbered lanes, then moved: only lanes whose markers got a label
    # need to be tall (see lanes.TALL_LANES)
    numbered = [float(_FIRST_LANE + k) for k in range(len(table))]
    drawn = lane_traces(case, options, axis, theme, table, numbered, px_per_day)
    tall = labelled_lanes(drawn, table, numbered)
    place = lane_layout(table, course_rows, tall, theme)
    moved = dict(zip(numbered, place.ys, strict=True))
    # a trace drawn off its lane's line (a dose label over the bars) keeps its offset
    traces = course + [
        {**t, "y": [moved[float(round(y))] + y - round(y) for y in t["y"]]} for t in drawn
    ]
    least = place.extent * _lane_least_px(theme, bool(tall))
    row = _Row("lanes", "lanes", theme.lane_px * place.extent, least, "", traces)
    row.lane_ticks, row.class_bands, row.extent = place.ticks, place.bands, place.extent
    return [row]


def _lane_least_px(theme: Theme, tall: bool) -> float:
    """The least height of one lane: its name's line and air; with ``tall`` lanes, also
    room over a tall lane's bars for its dose label's line, so the label stays inside
    its own lane (at a journal's size the name alone let a
    label run into the bar text of the lane above)."""
    name = _LANE_EM * (theme.font_size - 1)
    if not tall:
        return name
    # from a tall lane's top to its bars' top edge, where the label stands, in lanes
    over_bars = TALL_LANES / 2 + TALL_DROP - BAR_LANES / 2
    return max(name, (line_px(theme.small) + 2) / over_bars)


def _steroids_row(case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme) -> list[_Row]:
    """The glucocorticoid course; none when no glucocorticoid is given in the window."""
    traces, y_range, unit = steroid_traces(case, options, axis, theme)
    if not traces:
        return []
    title = f"Glucocorticoid, prednisone-equivalent ({unit})"
    panel = Panel("steroids", title, False, traces, [], y_range)
    least = _LINEAR_EM * theme.small
    return [_Row("steroids", "steroids", theme.steroid_px, least, title, traces, panel)]


def _lab_rows(case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme) -> list[_Row]:
    """A panel for each chosen test the case has."""
    by_test = split_by_test(case.labs)
    rows = []
    for test in chosen_labs(case, options):
        panel = lab_panel(by_test[test], test, options, axis, theme)
        least = _least_px(panel, theme)
        rows.append(_Row("labs", test, theme.lab_px, least, panel.title, panel.traces, panel))
    return rows


def _least_px(panel: Panel, theme: Theme) -> float:
    """The least height a lab panel needs: ``DECADE_EM`` per decade on a log axis, three
    tick labels apart on a linear one, one line for a row of word results."""
    if panel.ticks is not None:  # word results: a row of marks, no scale
        return 2 * line_px(theme.small)
    if panel.log and panel.y_range is not None:
        return (panel.y_range[1] - panel.y_range[0]) * DECADE_EM * theme.font_size
    return _LINEAR_EM * theme.small


def _rows_shown(
    rows: list[_Row], parts: tuple[str, ...], labs: tuple[str, ...] | None, theme: Theme
) -> list[_Row]:
    """The rows of these parts (of the lab panels, only ``labs`` unless None); a row
    saying so when nothing is left."""
    shown = [r for r in rows if r.part in parts]
    if labs is not None:
        shown = [r for r in shown if r.part != "labs" or r.name in labs]
    return shown or [_Row("empty", "", theme.lab_px, 0, "Nothing to show in this window")]


# --- each row's own axis, lines and title ----------------------------------------------


def _style_lanes(yaxis: dict, i: int, row: _Row, theme: Theme) -> list[dict]:
    """Lane names as y ticks; every other class on a faint band. Returns the bands."""
    ticks, labels = row.lane_ticks
    yaxis.update(
        tickvals=ticks,
        ticktext=labels,
        range=[row.extent, 0],
        showgrid=False,
        tickfont={"size": theme.font_size - 1, "color": INK},
    )
    return [
        across_panel(i, "rect", top, bottom, fillcolor="rgba(0,0,0,0.04)")
        for top, bottom in row.class_bands[::2]
    ]


def _threshold_label(i: int, value: float, label: str, log: bool, theme: Theme) -> dict:
    """A threshold's name in the right margin, beside its line."""
    return {
        "text": escape(label),
        "xref": f"{axis_ref('x', i)} domain",
        "yref": axis_ref("y", i),
        "x": 1,
        "xanchor": "left",
        "xshift": 4,
        "y": float(np.log10(value)) if log else value,
        "yanchor": "middle",
        "showarrow": False,
        "font": {"size": theme.small - 1, "color": MUTED},
    }


def _style_panel(
    yaxis: dict, i: int, panel: Panel, theme: Theme, px: float
) -> tuple[list[dict], list[dict]]:
    """A panel's y axis (ticks no closer than their text allows on its ``px`` height),
    reference band and threshold lines. Returns shapes, annotations."""
    yaxis.update(type="log" if panel.log else "linear", range=panel.y_range)
    if panel.log:
        yaxis.update(dtick=1)  # one tick per power of ten
    else:
        yaxis.update(nticks=max(int(px / (2 * line_px(theme.small))), 2))
    if panel.ticks is not None:  # a row of word results: no scale to read them against
        yaxis.update(tickvals=panel.ticks[0], ticktext=panel.ticks[1], showgrid=False)
    shapes = []
    if panel.band is not None:  # after the criteria shading, so it shows through it
        shapes.append(across_panel(i, "rect", *panel.band, fillcolor=REFERENCE_BAND))
    for value, _, dash in panel.lines:
        line = {"color": MUTED, "width": 1.2, "dash": dash}
        shapes.append(across_panel(i, "line", value, value, layer="above", line=line))
    labels = [
        _threshold_label(i, value, label, panel.log, theme) for value, label, _ in panel.lines
    ]
    return shapes, labels


def _title(i: int, title: str, theme: Theme) -> dict:
    """A panel's title, above its top left corner."""
    return {
        "text": f"<b>{title}</b>",
        "xref": f"{axis_ref('x', i)} domain",
        "yref": f"{axis_ref('y', i)} domain",
        "x": 0,
        "y": 1,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": theme.small, "color": INK},
    }


def _style_row(
    yaxis: dict, i: int, row: _Row, theme: Theme, px: float
) -> tuple[list[dict], list[dict]]:
    """Row i's y axis (updated in place), and its shapes and annotations."""
    if row.part == "lanes":
        return _style_lanes(yaxis, i, row, theme), []
    shapes: list[dict] = []
    annotations: list[dict] = []
    if row.panel is not None:
        shapes, annotations = _style_panel(yaxis, i, row.panel, theme, px)
    return shapes, [*annotations, _title(i, row.title, theme)]


# --- one figure ------------------------------------------------------------------


_TOP_PX = 4  # above the highest text


def _assemble(prepared: _Prepared, parts: tuple[str, ...], name: str) -> go.Figure:
    """One named figure of these parts: rows placed, each styled, overlays and frame."""
    theme, marks = prepared.theme, prepared.events
    slide_defaults = theme.height is not None and prepared.default_labs
    if slide_defaults:  # a slide holds only what stays legible (see options.SLIDE_PARTS)
        parts = SLIDE_PARTS.get(name, parts)
    slide_labs = SLIDE_LABS.get(name) if slide_defaults else None
    rows = _rows_shown(prepared.rows, parts, slide_labs, theme)
    row_of = {row.name: i for i, row in enumerate(rows, start=1)}
    plot_px = plot_width_px(theme)
    titled = {i for i, row in enumerate(rows, start=1) if row.title}
    # a note on a panel another figure shows is drawn there (an exported lab sheet), not
    # on this one's top panel; one naming no panel of the case stays on the top one
    shown_notes = [
        (x, text, panel)
        for x, text, panel in notes_in_window(prepared.notes, prepared.axis)
        if panel in row_of or panel not in prepared.panels
    ]
    notes, above = place_notes(shown_notes, row_of, prepared.axis, theme, plot_px, titled)
    gaps = [above.get(i, title_px(theme) if i in titled else 0) for i in range(1, len(rows) + 1)]
    gaps = [g + (6 if i else 0) for i, g in enumerate(gaps)]  # air between panels
    lift = int(gaps[0] + 0.999)  # event labels sit above the top panel's title and notes
    criteria = prepared.criteria if "labs" in parts or "lanes" in parts else []
    censored = censored_marks([t for row in rows for t in row.traces])
    # explain only the marks of parts this figure draws (no lab marks on a lanes sheet)
    drawn = tuple(part for part in parts if any(row.part == part for row in rows))
    legend = legend_traces(drawn, theme, len(rows), criteria, censored, _symbols(rows))
    left = _tick_labels_px(rows, theme)
    # the key starts at the panels' left edge and, on an image, may run on over the right
    # margin (the page's width is not known: there, within the panels)
    key_px = theme.width - 18 - left if theme.width else plot_px * 0.95
    key = event_key(marks, key_px, theme.small)
    labels_px = lift + event_label_rows(marks) * line_px(theme.small)
    top = int(_TOP_PX + labels_px + len(key) * line_px(theme.small) + (6 if key else 0))
    entry_px = legend_entry_px(theme, [entry["name"] for entry in legend])
    bottom = bottom_px(theme, len(legend), 0, left, entry_px)
    axes, frame, px = place_rows(
        [r.height for r in rows],
        [r.least for r in rows],
        gaps,
        theme,
        prepared.axis,
        top,
        bottom,
    )
    data: list[dict] = []
    shapes, annotations = [*criteria, *event_lines(marks)], event_labels(marks, theme, lift)
    annotations += _key_annotation(key, theme, labels_px + 4)
    for i, row in enumerate(rows, start=1):
        data += [{**t, "xaxis": axis_ref("x", i), "yaxis": axis_ref("y", i)} for t in row.traces]
        row_shapes, row_annotations = _style_row(axes[axis_key("y", i)], i, row, theme, px[i - 1])
        shapes += row_shapes
        annotations += row_annotations
    annotations += notes
    layout = {
        **axes,
        **frame_layout(theme, frame, entry_px),
        "shapes": shapes,
        "annotations": annotations,
    }
    # Built from our own dicts: validation is the tests' job (see module docstring).
    return go.Figure({"data": data + legend, "layout": layout}, _validate=False)


def _symbols(rows: list[_Row]) -> frozenset[str]:
    """The marker symbols the lanes draw (the legend explains only those)."""
    return frozenset(
        str(t["marker"]["symbol"])
        for row in rows
        if row.part == "lanes"
        for t in row.traces
        if isinstance(t.get("marker"), dict) and "symbol" in t["marker"] and len(t.get("x", ()))
    )


def _tick_labels_px(rows: list[_Row], theme: Theme) -> float:
    """A generous width of the widest y tick label (plotly.js widens the left margin to
    it): a lane's name or class header, else a lab panel's number (six characters)."""
    widest = 6 * 0.6 * theme.small
    for row in rows:
        for text in row.lane_ticks[1]:
            plain = html.unescape(re.sub(r"<[^>]+>", "", text))
            # a class header: capitals in small text (lanes._class_header); a lane's name
            # (measured in Chromium: 0.55 and 0.52 em a character)
            font = (0.6, theme.small - 1) if plain.isupper() else (0.56, theme.font_size - 1)
            widest = max(widest, len(plain) * font[0] * font[1])
    return widest + tick_standoff(theme) + 4


def _key_annotation(lines: list[str], theme: Theme, lift: float) -> list[dict]:
    """The numbered events' names over their numbers, ``lift`` px above the panels."""
    if not lines:
        return []
    return [
        {
            "text": "<br>".join(lines),
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 1,
            "xanchor": "left",
            "yanchor": "bottom",
            "align": "left",
            "yshift": lift,
            "showarrow": False,
            "font": {"size": theme.small, "color": INK},
        }
    ]
