"""What each figure is made of: rows computed once from the case, assembled into one Figure.

Traces, shapes and annotations are plain dicts assembled into one figure at
the end: plotly validates every ``add_*`` call against everything added
before, which made a build take seconds. The tests validate every figure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ..model import Case
from .arrays import escape
from .axis import TimeAxis, time_axis
from .labs import Panel, censored_marks, chosen_labs, lab_panel, split_by_test
from .lanes import class_bands, course_traces, lane_ticks, lane_traces, lanes
from .layout import (
    across_panel,
    axis_key,
    axis_ref,
    frame_layout,
    legend_traces,
    place_rows,
    plot_width_px,
)
from .options import SLIDE_LABS, SLIDE_PARTS, FigureOptions
from .overlays import (
    EventMark,
    criteria_shapes,
    event_label_rows,
    event_labels,
    event_lines,
    event_marks,
    events_in_window,
    note_arrows,
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
    title: str = ""
    traces: list = field(default_factory=list)
    panel: Panel | None = None
    lane_ticks: tuple[list[int], list[str]] = field(default_factory=lambda: ([], []))
    class_bands: list[tuple[int, int]] = field(default_factory=list)  # (first, last) lane


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
        event_marks(events_in_window(case, axis, table), axis, theme, plot_px),
        criteria,
        options.labs is None,
        _notes(case, options),
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


def _lanes_row(
    case: Case,
    options: FigureOptions,
    axis: TimeAxis,
    theme: Theme,
    table: pd.DataFrame,
    px_per_day: float,
) -> list[_Row]:
    """The swimlanes, the clinical course on top when the case has one; none if empty."""
    has_course = bool(case.events["end"].notna().any())
    if not (len(table) or has_course):
        return []
    offset = 1 if has_course else 0
    table = table.set_axis(table.index + offset)  # lane 0 holds the clinical course
    traces = course_traces(case, options, axis, theme, 0) if has_course else []
    traces += lane_traces(case, options, axis, theme, table, px_per_day)
    height = theme.lane_px * (len(table) + offset)
    ticks = lane_ticks(table, has_course, theme)
    return [_Row("lanes", "lanes", height, "", traces, None, ticks, class_bands(table))]


def _steroids_row(case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme) -> list[_Row]:
    """The glucocorticoid course; none when no glucocorticoid is given in the window."""
    traces, y_range, unit = steroid_traces(case, options, axis, theme)
    if not traces:
        return []
    title = f"Glucocorticoid, prednisone-equivalent ({unit})"
    panel = Panel("steroids", title, False, traces, [], y_range)
    return [_Row("steroids", "steroids", theme.steroid_px, title, traces, panel)]


def _lab_rows(case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme) -> list[_Row]:
    """A panel for each chosen test the case has."""
    by_test = split_by_test(case.labs)
    rows = []
    for test in chosen_labs(case, options):
        panel = lab_panel(by_test[test], test, options, axis, theme)
        rows.append(_Row("labs", test, theme.lab_px, panel.title, panel.traces, panel))
    return rows


def _rows_shown(
    rows: list[_Row], parts: tuple[str, ...], labs: tuple[str, ...] | None, theme: Theme
) -> list[_Row]:
    """The rows of these parts (of the lab panels, only ``labs`` unless None); a row
    saying so when nothing is left."""
    shown = [r for r in rows if r.part in parts]
    if labs is not None:
        shown = [r for r in shown if r.part != "labs" or r.name in labs]
    return shown or [_Row("empty", "", theme.lab_px, "Nothing to show in this window")]


# --- each row's own axis, lines and title ----------------------------------------------


def _style_lanes(yaxis: dict, i: int, row: _Row, theme: Theme) -> list[dict]:
    """Lane names as y ticks; every other class on a faint band. Returns the bands."""
    ticks, labels = row.lane_ticks
    yaxis.update(
        tickvals=ticks,
        ticktext=labels,
        range=[len(ticks) - 0.5, -0.5],
        showgrid=False,
        tickfont={"size": theme.font_size - 1, "color": INK},
    )
    return [
        across_panel(i, "rect", first - 0.5, last + 0.5, fillcolor="rgba(0,0,0,0.04)")
        for first, last in row.class_bands[::2]
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


def _style_panel(yaxis: dict, i: int, panel: Panel, theme: Theme) -> tuple[list[dict], list[dict]]:
    """A panel's y axis, reference band and threshold lines. Returns shapes, annotations."""
    yaxis.update(type="log" if panel.log else "linear", range=panel.y_range)
    if panel.log:
        yaxis.update(dtick=1)  # one tick per power of ten
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


def _style_row(yaxis: dict, i: int, row: _Row, theme: Theme) -> tuple[list[dict], list[dict]]:
    """Row i's y axis (updated in place), and its shapes and annotations."""
    if row.part == "lanes":
        return _style_lanes(yaxis, i, row, theme), []
    shapes: list[dict] = []
    annotations: list[dict] = []
    if row.panel is not None:
        shapes, annotations = _style_panel(yaxis, i, row.panel, theme)
    return shapes, [*annotations, _title(i, row.title, theme)]


# --- one figure ------------------------------------------------------------------


def _assemble(prepared: _Prepared, parts: tuple[str, ...], name: str) -> go.Figure:
    """One named figure of these parts: rows placed, each styled, overlays and frame."""
    theme, marks = prepared.theme, prepared.events
    slide_defaults = theme.height is not None and prepared.default_labs
    if slide_defaults:  # a slide holds only what stays legible (see options.SLIDE_PARTS)
        parts = SLIDE_PARTS.get(name, parts)
    slide_labs = SLIDE_LABS.get(name) if slide_defaults else None
    rows = _rows_shown(prepared.rows, parts, slide_labs, theme)
    # event labels sit above the top panel's own title when it has one
    lift = theme.small + 8 if rows[0].title else 0
    criteria = prepared.criteria if "labs" in parts or "lanes" in parts else []
    censored = censored_marks([t for row in rows for t in row.traces])
    legend = legend_traces(parts, theme, len(rows), criteria, censored)
    heights = [r.height for r in rows]
    axes, frame = place_rows(
        heights, theme, prepared.axis, event_label_rows(marks), len(legend), lift
    )
    data: list[dict] = []
    shapes, annotations = [*criteria, *event_lines(marks)], event_labels(marks, theme, lift)
    for i, row in enumerate(rows, start=1):
        data += [{**t, "xaxis": axis_ref("x", i), "yaxis": axis_ref("y", i)} for t in row.traces]
        row_shapes, row_annotations = _style_row(axes[axis_key("y", i)], i, row, theme)
        shapes += row_shapes
        annotations += row_annotations
    row_of = {row.name: i for i, row in enumerate(rows, start=1)}
    annotations += note_arrows(prepared.notes, row_of, prepared.axis, theme)
    layout = {**axes, **frame_layout(theme, frame), "shapes": shapes, "annotations": annotations}
    # Built from our own dicts: validation is the tests' job (see module docstring).
    return go.Figure({"data": data + legend, "layout": layout}, _validate=False)
