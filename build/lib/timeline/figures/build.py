"""One builder for every figure: stacked panels on one time axis, themed.

Traces, shapes and annotations are plain dicts assembled into one figure at
the end: plotly validates every ``add_*`` call against everything added
before, which made a build take seconds. The tests validate every figure.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from html import escape

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from .. import catalogue as cat
from ..measures import DAY, mas_2016
from ..model import Case
from .axis import TimeAxis, time_axis
from .labs import Panel, chosen_labs, lab_panel, split_by_test
from .lanes import class_bands, course_traces, lane_ticks, lane_traces, lanes
from .options import SLIDE_LABS, SLIDE_PARTS, FigureOptions
from .steroids import steroid_traces
from .theme import (
    CRITERIA_BAND,
    EVENT_LINE,
    FONT,
    GRID,
    INK,
    LAB_LINE,
    MUTED,
    OUT_OF_RANGE,
    REFERENCE_BAND,
    THEMES,
    Theme,
)

PARTS = ("lanes", "steroids", "labs")
FIGURES: dict[str, tuple[str, ...]] = {
    "timeline": PARTS,
    "treatments": ("lanes", "steroids"),
    "glucocorticoids": ("steroids",),
    "labs": ("labs",),
}
PAGE_WIDTH = 1000  # px assumed for the page's figure (a 1366-px laptop with the sidebar open)
_GAP_PX = 30  # between panels: room for each panel's title


def _left_px(theme: Theme) -> int:
    """Room the lane names take (estimate: plotly sizes the margin itself)."""
    return theme.font_size * 10


def _right_px(theme: Theme) -> int:
    """Room for threshold labels and the ongoing arrow, in proportion to the text."""
    return theme.small * 8


@dataclass
class _Row:
    kind: str
    height: float
    title: str = ""
    traces: list = field(default_factory=list)
    panel: Panel | None = None
    lane_ticks: tuple[list[int], list[str]] | None = None  # (positions, names) on a lanes row
    class_bands: list[tuple[int, int, str]] = field(default_factory=list)


@dataclass
class _Parts:
    """What the figure is made of before it becomes one plotly Figure."""

    data: list = field(default_factory=list)
    shapes: list = field(default_factory=list)
    annotations: list = field(default_factory=list)
    layout: dict = field(default_factory=dict)


@dataclass
class _Shared:
    """Everything computed from the case once, shared by the figures of one call."""

    axis: TimeAxis
    theme: Theme
    plot_px: float
    rows: list[_Row]
    events: list[tuple]  # (x, label, kind, label row, label ends at its line)
    criteria: list[dict]
    default_labs: bool
    notes: tuple[tuple[float, str, str], ...]


def _shared(case: Case, options: FigureOptions, parts: tuple[str, ...]) -> _Shared:
    theme = THEMES[options.theme]
    if options.size is not None:  # an export laid out at its real size in points
        theme = dataclasses.replace(theme, width=options.size[0], height=options.size[1])
    axis = time_axis(case, options)
    plot_px = (theme.width or PAGE_WIDTH) - _left_px(theme) - _right_px(theme)
    rows, table = _rows(case, options, axis, theme, parts, plot_px / axis.span_days)
    criteria = _criteria_shapes(case, options, axis) if {"lanes", "labs"} & set(parts) else []
    notes = options.annotations
    if notes is None:
        notes = tuple(case.annotations[["day", "text", "panel"]].itertuples(index=False, name=None))
    return _Shared(
        axis,
        theme,
        plot_px,
        rows,
        _event_marks(_events(case, axis, table), axis, theme, plot_px),
        criteria,
        options.labs is None,
        notes,
    )


def build_figure(
    case: Case,
    options: FigureOptions | None = None,
    parts: tuple[str, ...] = PARTS,
    name: str = "timeline",
) -> go.Figure:
    """The case as stacked panels (lanes, glucocorticoid course, labs) on one time axis."""
    return _assemble(_shared(case, options or FigureOptions(), parts), parts, name)


def build_figures(case: Case, options: FigureOptions | None = None) -> dict[str, go.Figure]:
    """Every named figure (timeline, treatments, glucocorticoids, labs) from one computation."""
    shared = _shared(case, options or FigureOptions(), PARTS)
    return {name: _assemble(shared, parts, name) for name, parts in FIGURES.items()}


def _assemble(shared: _Shared, parts: tuple[str, ...], name: str) -> go.Figure:
    theme, axis = shared.theme, shared.axis
    slide_defaults = theme.height is not None and shared.default_labs
    if slide_defaults:  # a slide holds only what stays legible (see options.SLIDE_PARTS)
        parts = SLIDE_PARTS.get(name, parts)
    kinds = {"lanes": ("lanes",), "steroids": ("steroids",), "labs": ("lab",)}
    wanted = {k for part in parts for k in kinds[part]}
    rows = [r for r in shared.rows if r.kind in wanted]
    if slide_defaults and name in SLIDE_LABS:
        rows = [r for r in rows if r.kind != "lab" or r.panel.test in SLIDE_LABS[name]]
    if not rows:
        rows = [_Row("empty", theme.lab_px, "Nothing to show in this window")]
    out = _Parts()
    # event labels sit above the top panel's own title when it has one
    lift = theme.small + 8 if rows[0].title else 0
    label_rows = _event_labels(out, shared.events, theme, lift)
    legend = _legend(parts, theme, len(rows))
    heights = _place_rows(out, rows, theme, axis, label_rows, len(legend), lift)
    for i, row in enumerate(rows, start=1):
        for trace in row.traces:
            out.data.append({**trace, "xaxis": _ref("x", i), "yaxis": _ref("y", i)})
        _style_row(out, i, row, theme)
    if "labs" in parts or "lanes" in parts:
        out.shapes[:0] = shared.criteria
    _notes(out, shared.notes, rows, axis, theme)
    out.data += legend
    _finish(out, theme, axis, heights)
    # Built from our own dicts: validation is the tests' job (see module docstring).
    return go.Figure({"data": out.data, "layout": out.layout}, _validate=False)


def _ref(letter: str, i: int) -> str:
    return letter if i == 1 else f"{letter}{i}"


def _axis_key(letter: str, i: int) -> str:
    return f"{letter}axis" if i == 1 else f"{letter}axis{i}"


# --- rows -------------------------------------------------------------------


def _rows(case, options, axis, theme, parts, px_per_day):
    rows: list[_Row] = []
    table = lanes(case, options)
    has_course = bool(case.events["end"].notna().any())
    if "lanes" in parts and (len(table) or has_course):
        offset = 1 if has_course else 0
        table.index = table.index + offset
        traces = course_traces(case, options, axis, theme, 0) if has_course else []
        traces += lane_traces(case, options, axis, theme, table, px_per_day)
        height = theme.lane_px * (len(table) + offset)
        ticks = lane_ticks(table, has_course, theme)
        rows.append(_Row("lanes", height, "", traces, None, ticks, class_bands(table)))
    if "steroids" in parts:
        traces, y_range, unit = steroid_traces(case, options, axis, theme)
        if traces:
            title = f"Glucocorticoid, prednisone-equivalent ({unit})"
            rows.append(
                _Row(
                    "steroids",
                    theme.steroid_px,
                    title,
                    traces,
                    Panel("steroids", title, False, traces, [], y_range),
                )
            )
    if "labs" in parts:
        by_test = split_by_test(case.labs)
        for test in chosen_labs(case, options):
            panel = lab_panel(by_test[test], test, options, axis, theme)
            rows.append(_Row("lab", theme.lab_px, panel.title, panel.traces, panel))
    return rows, table


def _legend_rows(entries: int, theme: Theme) -> int:
    """How many rows the horizontal legend takes (each entry: symbol + fixed width)."""
    plot_width = (theme.width or PAGE_WIDTH) - 10 - _right_px(theme)
    per_row = max(int(plot_width // (_legend_entry_px(theme) + 60)), 1)  # symbol and gaps too
    return -(-entries // per_row)


def _legend_entry_px(theme: Theme) -> int:
    return theme.small * 12


# Below this a slide's panels get too thin to read; a figure with more panels than
# fit grows taller than the slide instead of dropping any the user chose.
_MIN_SLIDE_SCALE = 0.55  # lab panels stay at least 52 pt tall
_AXIS_TITLE_PX = 52  # tick labels and the axis title under the bottom panel


def _place_rows(
    out: _Parts,
    rows: list[_Row],
    theme: Theme,
    axis: TimeAxis,
    label_rows: int,
    legend_entries: int,
    lift: int,
) -> dict:
    """Vertical domains in px: screen grows with the rows, a slide fits its fixed height."""
    top = 16 + lift + label_rows * (theme.small + 7)
    bottom = _AXIS_TITLE_PX + _legend_rows(legend_entries, theme) * (theme.small + 11) + 6
    gaps = _GAP_PX * (len(rows) - 1)
    wanted = sum(r.height for r in rows)
    if theme.height:
        scale = (theme.height - top - bottom - gaps) / wanted
        height = theme.height
        if scale < _MIN_SLIDE_SCALE:  # more panels than a slide holds: taller, never illegible
            scale = _MIN_SLIDE_SCALE
            height = int(wanted * scale + gaps + top + bottom)
    else:
        scale = 1.0
        height = int(wanted + gaps + top + bottom)
    plot = height - top - bottom
    y = 1.0
    for i, row in enumerate(rows, start=1):
        h = row.height * scale / plot
        out.layout[_axis_key("y", i)] = {"domain": [max(y - h, 0.0), y], "anchor": _ref("x", i)}
        out.layout[_axis_key("x", i)] = {"anchor": _ref("y", i), "showticklabels": i == len(rows)}
        if i > 1:
            out.layout[_axis_key("x", i)]["matches"] = "x"
        y -= h + _GAP_PX / plot
    return {"height": height, "top": top, "bottom": bottom, "plot": plot}


def _across(i: int, kind: str, y0: float, y1: float, **style) -> dict:
    """A rect or line across row i's whole width, y0 to y1 in its data units; under the
    data unless ``style`` says otherwise."""
    where = {"xref": f"{_ref('x', i)} domain", "yref": _ref("y", i), "x0": 0, "x1": 1}
    return {
        "type": kind,
        **where,
        "y0": y0,
        "y1": y1,
        "layer": "below",
        "line": {"width": 0},
    } | style


def _style_row(out: _Parts, i: int, row: _Row, theme: Theme) -> None:
    yaxis = out.layout[_axis_key("y", i)]
    xd, yd, y = f"{_ref('x', i)} domain", f"{_ref('y', i)} domain", _ref("y", i)
    if row.kind == "lanes":
        ticks, labels = row.lane_ticks
        yaxis.update(
            tickvals=ticks,
            ticktext=labels,
            range=[len(ticks) - 0.5, -0.5],
            showgrid=False,
            tickfont={"size": theme.font_size - 1, "color": INK},
        )
        for n, (first, last, _) in enumerate(row.class_bands):
            if n % 2 == 0:
                out.shapes.append(
                    _across(i, "rect", first - 0.5, last + 0.5, fillcolor="rgba(0,0,0,0.04)")
                )
        return
    panel = row.panel
    if panel is not None:
        yaxis.update(type="log" if panel.log else "linear", range=panel.y_range)
        if panel.log:
            yaxis.update(dtick=1)  # one tick per power of ten
        if panel.band is not None:  # after the criteria shading, so it shows through it
            out.shapes.append(_across(i, "rect", *panel.band, fillcolor=REFERENCE_BAND))
        for value, label, dash in panel.lines:
            line = {"color": MUTED, "width": 1.2, "dash": dash}
            out.shapes.append(_across(i, "line", value, value, layer="above", line=line))
            out.annotations.append(
                {
                    "text": escape(label),
                    "xref": xd,
                    "yref": y,
                    "x": 1,
                    "xanchor": "left",
                    "xshift": 4,
                    "y": float(np.log10(value)) if panel.log else value,
                    "yanchor": "middle",
                    "showarrow": False,
                    "font": {"size": theme.small - 1, "color": MUTED},
                }
            )
    out.annotations.append(
        {
            "text": f"<b>{row.title}</b>",
            "xref": xd,
            "yref": yd,
            "x": 0,
            "y": 1,
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": theme.small, "color": INK},
        }
    )


# --- events -----------------------------------------------------------------


def _events(case: Case, axis: TimeAxis, table: pd.DataFrame) -> pd.DataFrame:
    """Point events of the case, and the start and stop of each non-steroid drug."""
    e = case.events
    rows = [
        (start, label, "event")
        for start, end, label in zip(e["start"], e["end"], e["label"], strict=True)
        if pd.isna(end)
    ]
    courses: dict[str, list] = {}
    t = case.treatments
    on_lanes = set(table["drug"])
    for drug, start, end, single, ongoing in zip(
        t["drug"], t["start"], t["end"], t["single"], t["ongoing"], strict=True
    ):
        if drug in on_lanes and not cat.is_glucocorticoid(drug):
            courses.setdefault(drug, []).append((start, start if single else end, single, ongoing))
    for drug, periods in courses.items():  # glucocorticoids: their lanes and panel show them
        name = cat.drug_label(drug)
        rows.append((min(p[0] for p in periods).normalize(), f"{name} start", "drug"))
        if not any(p[3] for p in periods) and not all(p[2] for p in periods):
            rows.append((max(p[1] for p in periods).normalize() + DAY, f"{name} stop", "drug"))
    rows = [r for r in sorted(rows, key=lambda r: r[0]) if axis.start <= r[0] <= axis.end]
    return _merge_same_day(pd.DataFrame(rows, columns=["time", "label", "kind"]))


def _merge_same_day(events: pd.DataFrame) -> pd.DataFrame:
    """Events on one day share one line and one label ('MAS onset · Ciclosporin start')."""
    merged: dict[pd.Timestamp, list] = {}
    for time, label, kind in zip(events["time"], events["label"], events["kind"], strict=True):
        day = time.normalize()
        if day in merged:
            first = merged[day]
            merged[day] = [
                min(first[0], time),
                f"{first[1]} · {label}",
                "event" if "event" in (first[2], kind) else "drug",
            ]
        else:
            merged[day] = [time, label, kind]
    return pd.DataFrame(list(merged.values()), columns=["time", "label", "kind"])


def stagger(left: list[float], widths: list[float], gap: float) -> list[int]:
    """Row for each label (given left to right) so labels in one row never overlap."""
    row_ends: list[float] = []
    rows = []
    for x, width in zip(left, widths, strict=True):
        for r, end in enumerate(row_ends):
            if x >= end + gap:
                row_ends[r] = x + width
                rows.append(r)
                break
        else:
            row_ends.append(x + width)
            rows.append(len(row_ends) - 1)
    return rows


def _event_marks(events: pd.DataFrame, axis: TimeAxis, theme: Theme, plot_px: float) -> list:
    """Each event's x, label, kind and label row: rows stacked so no two labels overlap."""
    if events.empty:
        return []
    px = ((events["time"] - axis.start) / (axis.end - axis.start) * plot_px).to_numpy()
    widths = np.array([len(label) * theme.small * 0.6 + 4 for label in events["label"]])
    flip = px + widths > plot_px  # near the right edge, the label ends at its line
    left = np.where(flip, px - widths, px)
    order = np.argsort(left, kind="stable")
    rows = np.empty(len(events), dtype=int)
    rows[order] = stagger(left[order].tolist(), widths[order].tolist(), gap=8)
    xs = axis.x(events["time"])
    xs = xs.tolist() if axis.days else xs
    return list(zip(xs, events["label"], events["kind"], rows.tolist(), flip.tolist(), strict=True))


def _event_labels(out: _Parts, events: list, theme: Theme, lift: int = 0) -> int:
    """A line per event across every panel; labels above, stacked so none overlap."""
    line_height = theme.small + 7
    for x, label, kind, row, right in events:
        out.shapes.append(
            {
                "type": "line",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "xref": "x",
                "yref": "paper",
                "layer": "below",
                "line": {
                    "color": EVENT_LINE,
                    "width": 1,
                    "dash": "dash" if kind == "event" else "dot",
                },
            }
        )
        out.annotations.append(
            {
                "text": escape(label),
                "x": x,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "xanchor": "right" if right else "left",
                "yshift": 4 + lift + row * line_height,
                "showarrow": False,
                "font": {"size": theme.small, "color": INK if kind == "event" else MUTED},
            }
        )
    return max((e[3] for e in events), default=-1) + 1


def _criteria_shapes(case: Case, options: FigureOptions, axis: TimeAxis) -> list[dict]:
    """Shade, across every panel, the days the 2016 MAS criteria are met by labs."""
    status = mas_2016(case.labs, options.criteria_window_days)
    shapes: list[dict] = []
    if status.empty:
        return shapes
    met = status["status"].eq("met").to_numpy(dtype=int)
    dates = list(status["date"])
    # a status holds from its lab date until the next lab date
    until = [*dates[1:], dates[-1] + DAY]
    edges = np.flatnonzero(np.diff(np.r_[0, met, 0])).tolist()  # where runs of "met" start, stop
    for first, stop in zip(edges[::2], edges[1::2], strict=True):
        start = max(dates[first], axis.start)
        end = min(until[stop - 1], axis.end)
        if end > start:
            shapes.append(
                {
                    "type": "rect",
                    "xref": "x",
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "x0": axis.x(start),
                    "x1": axis.x(end),
                    "layer": "below",
                    "line": {"width": 0},
                    "fillcolor": CRITERIA_BAND,
                }
            )
    return shapes


def _notes(out: _Parts, notes, rows: list[_Row], axis: TimeAxis, theme: Theme) -> None:
    """The user's annotations: an arrow into the chosen panel (the top one by default)."""
    where = {"lanes": 1, "steroids": None}
    for i, row in enumerate(rows, start=1):
        if row.kind == "lanes":
            where["lanes"] = i
        elif row.kind == "steroids":
            where["steroids"] = i
        elif row.panel is not None:
            where[row.panel.test] = i
    lo, hi = axis.range()
    for day, text, panel in notes:
        if not text or pd.isna(day):
            continue
        x = axis.x(axis.anchor + float(day) * DAY)
        if (not axis.days and not (str(lo) <= x <= str(hi))) or (axis.days and not lo <= x <= hi):
            continue
        i = where.get(panel) or 1
        out.annotations.append(
            {
                "text": escape(str(text)),
                "x": x,
                "xref": _ref("x", i),
                "y": 1,
                "yref": f"{_ref('y', i)} domain",
                "showarrow": True,
                "arrowhead": 2,
                "ax": 0,
                "ay": -22,
                "font": {"size": theme.small, "color": INK},
                "bgcolor": "rgba(255, 243, 176, 0.95)",
                "bordercolor": "#B59B00",
                "borderwidth": 1,
                "yanchor": "bottom",
            }
        )


# --- layout -----------------------------------------------------------------


def _legend(parts: tuple[str, ...], theme: Theme, last: int) -> list[dict]:
    """Entries explaining the marks (drugs are named on their lanes)."""
    m = theme.marker
    entries = []
    if "lanes" in parts:
        entries += [
            ("Pulse day", {"symbol": "diamond", "color": MUTED, "size": m + 2}),
            ("Single dose", {"symbol": "circle", "color": MUTED, "size": m + 2}),
            ("Ongoing at end", {"symbol": "triangle-right", "color": MUTED, "size": m + 2}),
        ]
    if "labs" in parts:
        entries += [
            ("Out of range", {"symbol": "circle", "color": OUT_OF_RANGE, "size": m + 1}),
            (
                "Reference range",
                {
                    "symbol": "square",
                    "color": REFERENCE_BAND.replace("0.10", "0.35"),
                    "size": m + 5,
                },
            ),
        ]
    if "labs" in parts or "lanes" in parts:
        entries.append(
            (
                "MAS 2016 met by labs",
                {"symbol": "square", "color": CRITERIA_BAND.replace("0.16", "0.5"), "size": m + 5},
            )
        )
    where = {
        "xaxis": _ref("x", last),
        "yaxis": _ref("y", last),
        "hoverinfo": "skip",
        "x": [None],
        "y": [None],
        "type": "scatter",
    }
    legend = [
        {**where, "mode": "markers", "marker": marker, "name": name} for name, marker in entries
    ]
    if "labs" in parts:
        legend += [
            {
                **where,
                "mode": "lines",
                "name": "MAS 2016 threshold",
                "line": {"color": MUTED, "dash": "dash", "width": 1.5},
            },
            {
                **where,
                "mode": "lines",
                "name": "Sampling gap",
                "line": {"color": LAB_LINE, "dash": "dot", "width": 1.5},
            },
        ]
    return legend


def _day_ticks(axis: TimeAxis) -> dict:
    if not axis.days:
        return {}
    step = next(s for s in (1, 2, 7, 14, 28, 56, 91, 182, 365) if axis.span_days / s <= 20)
    return {"tick0": 0, "dtick": step}


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
    return {"xaxis": xaxis, "yaxis": {**shared, "automargin": True}}


def _finish(out: _Parts, theme: Theme, axis: TimeAxis, heights: dict) -> None:
    n = sum(1 for key in out.layout if key.startswith("xaxis"))
    shared = {"range": axis.range(), "type": "linear" if axis.days else "date", **_day_ticks(axis)}
    for i in range(1, n + 1):
        out.layout[_axis_key("x", i)].update(shared)
    out.layout[_axis_key("x", n)]["title"] = {
        "text": axis.title,
        "font": {"size": theme.small},
        "standoff": 6,
    }
    out.layout.update(
        # no named template: an unvalidated figure would carry the bare name, which plotly.js
        # does not resolve. Our own holds what every axis shares, set once instead of per axis.
        template={"layout": _axis_styles(theme)},
        height=heights["height"],
        width=theme.width,
        font={"family": FONT, "size": theme.font_size, "color": INK},
        margin={"l": 10, "r": _right_px(theme), "t": heights["top"], "b": heights["bottom"]},
        barmode="overlay",
        bargap=0,
        hovermode="closest",
        plot_bgcolor="white",
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "xanchor": "left",
            # at the foot of the figure, below the axis title whatever plotly.js places it
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "font": {"size": theme.small},
            "traceorder": "normal",
            "entrywidth": _legend_entry_px(theme),
            "entrywidthmode": "pixels",
        },
        hoverlabel={"font": {"family": FONT, "size": theme.small}, "align": "left"},
        shapes=out.shapes,
        annotations=out.annotations,
    )
