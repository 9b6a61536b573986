"""Treatment swimlanes: one lane per drug, grouped by class, dose-aware."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..derive import DAY, dose_arrays
from ..model import Case
from ..text import body_size_text, dose_labels, dose_text, first_fitting
from .arrays import escape, strings
from .axis import TimeAxis
from .options import FigureOptions
from .overlays import stagger
from .theme import INK, Theme

COURSE_LANE = "Clinical course"
_OTHER_COLOURS = ("#7F7F7F", "#A0A0A0", "#5A5A5A", "#BDBDBD")  # unknown drugs: greys


def lanes(case: Case, options: FigureOptions) -> pd.DataFrame:
    """Lanes top to bottom: drug, label, class label, colour. Class order, then catalogue order."""
    drugs = cat.drugs()
    classes = cat.drug_classes()
    class_of: dict[str, str] = {}  # drugs in order of first appearance
    for drug, klass in zip(case.treatments["drug"], case.treatments["drug_class"], strict=True):
        class_of.setdefault(drug, klass)
    shown = list(class_of) if options.drugs is None else [d for d in options.drugs if d in class_of]
    rows, greys = [], iter(_OTHER_COLOURS * (len(shown) // len(_OTHER_COLOURS) + 1))
    for drug in shown:
        klass, known = class_of[drug], drug in drugs.index
        rows.append(
            (
                (
                    classes.at[klass, "lane_order"],
                    drugs.at[drug, "lane_order"] if known else 99,
                    drug,
                ),
                drug,
                cat.drug_label(drug),
                klass,
                classes.at[klass, "label"],
                drugs.at[drug, "colour"] if known else next(greys),
            )
        )
    rows.sort(key=lambda r: r[0])
    columns = ["drug", "label", "class", "class_label", "colour"]
    return pd.DataFrame([r[1:] for r in rows], columns=columns)


def _dose_of(row: dict, frequency: bool) -> tuple:
    """A record's dose as :mod:`timeline.text` takes it (no frequency for a pulse's daily dose)."""
    often = row["frequency"] if frequency else None
    return row["dose"], row["dose_unit"], often, row["single"], row["dose_mg"], row["size"]


def row_dose_text(row: dict, frequency: bool = True) -> str:
    """'10 mg bid', '10 mg/m² daily (20.2 mg at 2.02 m²)', '288 mg': the dose as every view
    writes it (:func:`timeline.text.dose_text`)."""
    return dose_text(*_dose_of(row, frequency))


def row_labels(row: dict, frequency: bool = True) -> tuple[str, ...]:
    """A mark's labels, longest first, each with its unit (a pulse's dose is per day)."""
    return dose_labels(*_dose_of(row, frequency))


def record_text(row: dict, named: bool = True) -> str:
    """The whole treatment record for the hover, every user string escaped.

    ``row`` carries its start and end already written for the axis (``start_when``,
    ``end_when``) and the body size a dose by weight or surface area used
    (``size_text``); ``named=False`` leaves out the drug when the trace's template
    shows it.
    """
    if row["single"]:
        when = f"given {row['start_when']}"
    elif row["ongoing"]:
        when = f"from {row['start_when']}, ongoing at the end of the record"
    else:
        when = f"{row['start_when']} to {row['end_when']}"
    route = row["route"] or "route not given"
    entered = row["drug_input"]
    head = []
    if named:
        head.append(f"<b>{escape(entered)}</b>")
    elif cat.name_key(entered) != cat.name_key(row["drug"]):
        head.append(f"entered as {escape(entered)}")
    if row["kind"]:
        head.append(escape(row["kind"]))
    lines = [", ".join(head)] if head else []
    lines.append(f"{escape(row_dose_text(row))}, {escape(route)}")
    if row["size_text"]:
        lines.append(escape(row["size_text"]))
    lines.append(when)
    if row["note"]:
        lines.append(f"<i>{escape(row['note'])}</i>")
    return "<br>".join(lines)


def bar_label(row: dict, days: float, px_per_day: float, font_px: float) -> str:
    """The longest label that fits inside the bar, every one with its unit; else ''.

    '10 mg/m² daily (20.2 mg at 2.02 m²)', '10 mg/m² daily', '10 mg/m²'. Only
    'daily' is ever left out: '50 mg' for 50 mg twice daily would be read as the
    daily dose. A bar too short for any of them has its label placed beside it
    (:func:`_place_labels`) or left to the hover.
    """
    return first_fitting(row_labels(row), days * px_per_day, font_px)


def lane_traces(
    case: Case,
    options: FigureOptions,
    axis: TimeAxis,
    theme: Theme,
    table: pd.DataFrame,
    ys: list[float],
    px_per_day: float,
) -> list[dict]:
    """Bars for dosing periods, diamonds for pulse days, dots for single doses, each
    drug's at its lane's ``ys``.

    A continuous infusion is a bar over the hours it ran, labelled with its rate
    ('200 mg/24 h'); a dose per day is labelled as one ('8 mg/kg/day in 4 doses q6h').
    """
    by_drug: dict[str, list[dict]] = {}
    for row in _records(case, axis, table, options.hide_dates):
        by_drug.setdefault(row["drug"], []).append(row)
    traces: list[dict] = []
    for drug, y, colour, label in zip(
        table["drug"], ys, table["colour"], table["label"], strict=True
    ):
        traces += _lane(by_drug.get(drug, []), y, colour, label, axis, theme, px_per_day)
    return traces


@dataclass
class _Mark:
    """One labelled thing in a lane, in days from the window's start: a bar (a dosing
    period) or a marker (a pulse round, a single dose) whose label is centred above it."""

    row: dict
    first: float  # where the mark begins
    last: float  # where it ends (a bar with its label beside it: where the label ends)
    bar: bool
    labels: tuple[str, ...]
    centre: float = 0.0  # a marker's label
    label: str = ""
    outside: bool = False  # a bar's label placed beside it, to its right


def _lane(
    rows: list[dict],
    y: float,
    colour: str,
    label: str,
    axis: TimeAxis,
    theme: Theme,
    px_per_day: float,
) -> list[dict]:
    """One drug's lane: its dosing periods, then its pulse days, then its single doses."""
    periods = [r for r in rows if not r["single"] and r["kind"] != "pulse"]
    pulses = [r for r in rows if r["kind"] == "pulse"]
    singles = [r for r in rows if r["single"] and r["kind"] != "pulse"]
    bars = [_bar_mark(r, axis) for r in periods]
    rounds = [_pulse_mark(r, axis) for r in pulses]
    dots = [_single_mark(r, axis) for r in singles]
    _place_labels(bars, [m for m in (*rounds, *dots) if m.labels], axis, theme, px_per_day)
    traces = _bars(bars, y, colour, label, axis, theme) if bars else []
    traces += _pulses(rounds, y, colour, axis, theme)
    traces += _singles(dots, y, colour, axis, theme)
    return traces


def _days(axis: TimeAxis, time) -> float:
    """A moment in days from the window's start, clipped to the window."""
    days = (pd.Timestamp(time) - axis.start) / DAY
    return min(max(days, 0.0), axis.span_days)


def _bar_mark(row: dict, axis: TimeAxis) -> _Mark:
    first, last = _days(axis, row["start_time"]), _days(axis, row["end_time"])
    return _Mark(row, first, last, True, row_labels(row))


def _round_days(row: dict, axis: TimeAxis) -> np.ndarray:
    """A pulse row's days in the window (their midnights)."""
    days = np.arange(row["day0"], row["end_time"], np.timedelta64(1, "D"))
    first = axis.start.to_datetime64().astype("datetime64[D]")
    return days[(days >= first) & (days < axis.end.to_datetime64())]


def _pulse_mark(row: dict, axis: TimeAxis) -> _Mark:
    """A pulse round: its dose per day (the diamonds count the days), over its middle day."""
    days = _round_days(row, axis)
    if not len(days):
        return _Mark(row, 0.0, 0.0, False, ())
    middle = days[len(days) // 2] + np.timedelta64(12, "h")
    first, last = _days(axis, days[0]), _days(axis, days[-1] + np.timedelta64(1, "D"))
    return _Mark(row, first, last, False, row_labels(row, False), _days(axis, middle))


def _single_mark(row: dict, axis: TimeAxis) -> _Mark:
    first = _days(axis, row["day0"])
    centre = _days(axis, row["day0"] + np.timedelta64(12, "h"))
    return _Mark(
        row,
        first,
        _days(axis, row["day0"] + np.timedelta64(1, "D")),
        False,
        row_labels(row),
        centre,
    )


def _place_labels(
    bars: list[_Mark], markers: list[_Mark], axis: TimeAxis, theme: Theme, px_per_day: float
) -> None:
    """Label each mark with the longest of its labels that has room, the same rule in
    every lane: a bar's inside it, else just right of it when the lane is free up to the
    next mark; a marker's centred above it, no wider than halfway to the next marker or
    up to the nearest bar. A mark without room keeps its dose in the hover only."""
    font = theme.small
    for bar in bars:
        bar.label = first_fitting(bar.labels, (bar.last - bar.first) * px_per_day, font)
        if bar.label:
            continue
        ahead = [m.first for m in (*bars, *markers) if m is not bar and m.first >= bar.last]
        room = min([*ahead, axis.span_days]) - bar.last
        bar.label = first_fitting(bar.labels, room * px_per_day, font, _BESIDE_PAD)
        if bar.label:
            bar.outside = True
            bar.last += _text_px(bar.label, font) / px_per_day
    for marker in markers:
        half = [marker.centre, axis.span_days - marker.centre]  # the plot's edges
        for other in (*bars, *markers):
            if other is marker:
                continue
            if other.bar:
                half.append(max(other.first - marker.centre, marker.centre - other.last))
            else:  # each of two marker labels may take half the distance between them
                half.append(abs(other.centre - marker.centre) / 2)
        room = 2 * max(min(half), 0.0) * px_per_day
        marker.label = first_fitting(marker.labels, room, font, _BESIDE_PAD)


_BESIDE_PAD = 4  # px around a label outside a bar: none of a bar's inner padding


def _text_px(label: str, font_px: float) -> float:
    return len(label) * font_px * 0.62 + _BESIDE_PAD


_RECORD = (
    "drug",
    "drug_input",
    "drug_known",
    "kind",
    "dose",
    "dose_unit",
    "frequency",
    "route",
    "single",
    "ongoing",
    "note",
)


def _end_times(t: pd.DataFrame, day0: np.ndarray, axis: TimeAxis) -> np.ndarray:
    """Where each treatment's marks end: the midnight after its last day (an end date is
    the last day given), its end time when one is given, the end of what is known (within
    the window) while ongoing,
    the midnight after ``day0`` for a single dose."""
    day = np.timedelta64(1, "D")
    end = t["end"].to_numpy(dtype="datetime64[ns]")
    midnight = end.astype("datetime64[D]").astype("datetime64[ns]")
    end_time = np.where(end == midnight, (midnight + day).astype("datetime64[ns]"), end)
    # ongoing: to the end of what is known (a story step's moment), within the window
    known = min(axis.end, axis.record_end).to_datetime64()
    end_time = np.where(t["ongoing"].to_numpy(dtype=bool), known, end_time)
    return np.where(t["single"].to_numpy(dtype=bool), day0 + day, end_time)


def _size_texts(details: dict[str, np.ndarray], axis: TimeAxis, hide_dates: bool) -> list[str]:
    """The body size each dose by weight or surface area used, with when it was measured."""
    if not (details["per"] != "").any():
        return [""] * len(details["per"])
    weighed = axis.whens(details["weight_date"], hide_dates)
    measured = axis.whens(details["height_date"], hide_dates)
    return [
        body_size_text(per, kg, w_when, cm, h_when, bsa)
        for per, kg, w_when, cm, h_when, bsa in zip(
            details["per"].tolist(),
            details["weight_kg"].tolist(),
            weighed,
            details["height_cm"].tolist(),
            measured,
            details["bsa_m2"].tolist(),
            strict=True,
        )
    ]


def _records(case: Case, axis: TimeAxis, table: pd.DataFrame, hide_dates: bool) -> list[dict]:
    """The treatment rows on a lane and in the window, as dicts, with where their marks go.

    ``start_time``: the start, its time of day honoured; ``day0``: the first day's
    midnight; ``end_time``: the midnight after the last day, or the end time when one is
    given (the window's end while ongoing, the next midnight for a single dose);
    ``dose_mg`` and ``size`` (kg or m²) for a dose by weight or surface area.
    """
    t = case.treatments
    start = t["start"].to_numpy(dtype="datetime64[ns]")
    day0 = start.astype("datetime64[D]").astype("datetime64[ns]")
    end_time = _end_times(t, day0, axis)
    shown = np.flatnonzero(
        np.isin(t["drug"].to_numpy(), table["drug"].to_numpy())
        & (end_time > axis.start.to_datetime64())
        & (start < axis.end.to_datetime64())
    )
    columns = {name: t[name].to_numpy()[shown].tolist() for name in _RECORD}
    details = {k: v[shown] for k, v in dose_arrays(t, case.labs).items()}
    columns["dose_mg"] = details["dose_mg"].tolist()
    columns["size"] = details["size"].tolist()
    columns["size_text"] = _size_texts(details, axis, hide_dates)
    columns["start_time"] = start[shown]
    columns["day0"] = day0[shown]
    columns["end_time"] = end_time[shown]
    columns["start_when"] = axis.whens(start[shown], hide_dates)
    columns["end_when"] = axis.whens(t["end"].to_numpy(dtype="datetime64[ns]")[shown], hide_dates)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _bars(
    marks: list[_Mark], y: float, colour: str, label: str, axis: TimeAxis, theme: Theme
) -> list[dict]:
    """A bar per dosing period, its dose written inside (or beside it) when it has room;
    arrows where ongoing."""
    periods = [m.row for m in marks]
    base, length = axis.span([r["start_time"] for r in periods], [r["end_time"] for r in periods])
    known = periods[0]["drug_known"]
    hover = [record_text(r, named=not known) for r in periods]
    # a known drug's catalogue name is safe in the template; user text never is
    template = (f"<b>{escape(label)}</b><br>" if known else "") + "%{customdata}<extra></extra>"
    text = [escape(m.label) for m in marks]
    bar = _lane_bar(base, length, y, label, colour, 1.5, text, "white", hover, template, theme)
    if any(m.outside for m in marks):
        bar["textposition"] = ["outside" if m.outside else "inside" for m in marks]
        # dark text beside the bar: a pale lane colour on white would be hard to read
        bar["outsidetextfont"] = {"color": INK, "size": theme.small}
    traces = [bar]
    open_ended = [(r["end_time"], h) for r, h in zip(periods, hover, strict=True) if r["ongoing"]]
    if open_ended:
        traces.append(_ongoing_arrows(open_ended, y, colour, template, axis, theme))
    return traces


def _ongoing_arrows(
    ends: list[tuple], y: float, colour: str, template: str, axis: TimeAxis, theme: Theme
) -> dict:
    """An arrow where each ongoing period's bar ends: the end of what is known, or the
    window's right edge."""
    hover = [h for _, h in ends]
    x = axis.x(np.array([e for e, _ in ends], dtype="datetime64[ns]"))
    return dict(
        type="scatter",
        x=x.tolist() if isinstance(x, np.ndarray) else x,
        y=[y] * len(hover),
        mode="markers",
        marker={"symbol": "triangle-right", "size": theme.marker + 5, "color": colour},
        name="Ongoing at the end of the record",
        showlegend=False,
        customdata=strings(hover),
        hovertemplate=template,
        cliponaxis=False,
    )


def _pulses(marks: list[_Mark], y: float, colour: str, axis: TimeAxis, theme: Theme) -> list[dict]:
    """A diamond on every pulse day; the round's dose per day written once, above its
    middle day, when it has room."""
    xs, custom, text = [], [], []
    for m in marks:
        days = _round_days(m.row, axis)
        hover = record_text(m.row)
        xs.append(days + np.timedelta64(12, "h"))
        custom += [hover] * len(days)
        text += ["" if i != len(days) // 2 else escape(m.label) for i in range(len(days))]
    if not custom:
        return []
    x = axis.x(np.concatenate(xs))
    return _marks(x, y, text, custom, "diamond", 1, "Pulse day (dose per day)", colour, theme)


def _singles(marks: list[_Mark], y: float, colour: str, axis: TimeAxis, theme: Theme) -> list[dict]:
    """A single administration (an infusion) is a dot on its day, labelled with its dose
    when it has room."""
    if not marks:
        return []
    return _marks(
        axis.x([m.row["day0"] + np.timedelta64(12, "h") for m in marks]),
        y,
        [escape(m.label) for m in marks],
        [record_text(m.row) for m in marks],
        "circle",
        1.5,
        "Single dose or infusion",
        colour,
        theme,
    )


def _marks(
    x,
    y: float,
    text: list[str],
    hover: list[str],
    symbol: str,
    outline: float,
    name: str,
    colour: str,
    theme: Theme,
) -> list[dict]:
    """Markers low in a lane, and each one's dose written above the lane's bars (a
    trace of its own: written above the marker, a label ran into a bar taller than the
    marker, "1 g" half hidden). The markers keep the text for the record."""
    marks = dict(
        type="scatter",
        x=x,
        y=[y] * len(text),
        mode="markers",
        text=strings(text),
        marker={
            "symbol": symbol,
            "size": theme.marker + 4,
            "color": colour,
            "line": {"color": "white", "width": outline},
        },
        name=name,
        showlegend=False,
        customdata=strings(hover),
        hovertemplate="%{customdata}<extra></extra>",
        cliponaxis=False,
    )
    if not any(text):
        return [marks]
    labels = dict(
        type="scatter",
        x=x,
        y=[y - BAR_LANES / 2] * len(text),  # on the bars' top edge: the text stands on it
        mode="text",
        text=strings(text),
        textposition="top center",
        textfont={"size": theme.small, "color": colour},
        name=f"{name}: dose",
        showlegend=False,
        hoverinfo="skip",
        cliponaxis=False,
    )
    return [marks, labels]


def course_traces(
    case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme, px_per_day: float
) -> tuple[list[dict], int]:
    """Interval events (fever, a stay in intensive care) as grey bars in the course lane,
    each named beside its start (or before its end near the right edge). Events whose
    bars or names would overlap go on rows of their own. Returns traces and rows."""
    e = case.events
    shown = (e["end"].notna() & (e["end"] + DAY > axis.start) & (e["start"] < axis.end)).to_numpy()
    if not shown.any():
        return [], 0
    start, end = e["start"].to_numpy()[shown], e["end"].to_numpy()[shown]
    labels, notes = e["label"].to_numpy()[shown].tolist(), e["note"].to_numpy()[shown].tolist()
    day = np.timedelta64(1, "D")
    first, last = start.astype("datetime64[D]"), end.astype("datetime64[D]") + day
    base, length = axis.span(first, last)
    hover = [
        f"<b>{escape(label)}</b><br>{a} to {b}" + (f"<br><i>{escape(note)}</i>" if note else "")
        for label, note, a, b in zip(
            labels,
            notes,
            axis.whens(start, options.hide_dates),
            axis.whens(end, options.hide_dates),
            strict=True,
        )
    ]
    rows, at_end = _course_rows(first, last, labels, axis, theme, px_per_day)
    template = "%{customdata}<extra></extra>"
    bar = _lane_bar(
        base, length, 0, COURSE_LANE, "#BBBBBB", 1, [""] * len(labels), INK, hover, template, theme
    )
    bar["y"] = [r + 0.5 for r in rows]
    x_start, x_end = (
        axis.x(np.maximum(first, axis.start.to_datetime64())),
        axis.x(np.minimum(last, axis.end.to_datetime64())),
    )
    names = dict(
        type="scatter",
        mode="text",
        x=[b if flip else a for a, b, flip in zip(x_start, x_end, at_end, strict=True)],
        y=[r + 0.5 for r in rows],
        text=strings([escape(label) for label in labels]),
        textposition=["middle left" if flip else "middle right" for flip in at_end],
        textfont={"size": theme.small, "color": INK},
        customdata=strings(hover),
        hovertemplate=template,
        showlegend=False,
        name=COURSE_LANE,
        cliponaxis=False,
    )
    return [bar, names], max(rows) + 1


def _course_rows(
    first: np.ndarray,
    last: np.ndarray,
    labels: list[str],
    axis: TimeAxis,
    theme: Theme,
    px_per_day: float,
) -> tuple[list[int], list[bool]]:
    """Each interval event's row in the course lane, so that no two bars and no two names
    overlap, and whether its name ends at its bar's end (near the right edge)."""
    plot_px = axis.span_days * px_per_day
    begin = np.array([_days(axis, t) for t in first]) * px_per_day
    finish = np.array([_days(axis, t) for t in last]) * px_per_day
    width = np.array([_text_px(label, theme.small) for label in labels])
    at_end = (begin + width > plot_px).tolist()
    left = np.where(at_end, np.minimum(begin, finish - width), begin)
    right = np.maximum(finish, left + width)
    order = np.argsort(left, kind="stable")
    rows = np.empty(len(labels), dtype=int)
    rows[order] = stagger(left[order].tolist(), (right - left)[order].tolist(), 4.0)
    return rows.tolist(), at_end


def _lane_bar(
    base,
    length,
    y: float,
    name: str,
    colour: str,
    outline: float,
    text: list[str],
    text_colour: str,
    hover: list[str],
    template: str,
    theme: Theme,
) -> dict:
    """Horizontal bars in one lane, each labelled inside (left empty where it does not fit)."""
    return dict(
        type="bar",
        orientation="h",
        base=base,
        x=length,
        y=[y] * len(text),
        width=BAR_LANES,
        name=name,
        showlegend=False,
        marker={"color": colour, "line": {"color": "white", "width": outline}},
        text=strings(text),
        textposition="inside",
        insidetextanchor="middle",
        constraintext="none",
        textangle=0,
        textfont={"color": text_colour, "size": theme.small},
        customdata=strings(hover),
        hovertemplate=template,
    )


# A bar's height, in lanes; a dose label stands on the bars' top edge (see _marks)
BAR_LANES = 0.62
# A class header's slot above its first lane, in lanes: its small text needs less room,
# but at a lane's least height (compose._LANE_EM) a 0.7 slot let it touch the lane name.
HEADER_LANES = 0.9
# A lane whose markers carry a dose label is twice as tall: the label above the marker,
# the bars and markers in its lower half, so the label stands clear of the lane's bars.
TALL_LANES = 1.8
TALL_DROP = 0.4  # where a tall lane's marks sit below its centre, in lanes


@dataclass(frozen=True)
class LaneLayout:
    """Where each lane sits on the lanes panel's y axis (0 at the top, in lanes)."""

    ys: list[float]  # each drug lane's marks, top to bottom (the table's order)
    ticks: tuple[list[float], list[str]]  # y and text of each lane name and class header
    bands: list[tuple[float, float]]  # (top, bottom) of each class, headers included
    extent: float  # the panel's height, in lanes


def _class_header(label: str, theme: Theme) -> str:
    return (
        f"<span style='font-size:{theme.small - 1}px;color:#666666'>{escape(label.upper())}</span>"
    )


def lane_layout(table: pd.DataFrame, course_rows: int, tall: set[str], theme: Theme) -> LaneLayout:
    """Lanes top to bottom: the clinical course (``course_rows`` rows), then each class's
    header on a slot of its own (never printed over a lane name), then its drugs' lanes,
    ``tall`` ones (drugs with labelled markers) ``TALL_LANES`` tall."""
    tick_y: list[float] = []
    tick_text: list[str] = []
    if course_rows:
        tick_y.append(course_rows / 2)
        tick_text.append(COURSE_LANE)
    top = float(course_rows)
    ys: list[float] = []
    bands: list[tuple[float, float]] = []
    first_of_class = ~table["class_label"].duplicated()
    class_top = top
    for drug, name, klass, first in zip(
        table["drug"], table["label"], table["class_label"], first_of_class, strict=True
    ):
        if first:
            if ys:
                bands.append((class_top, top))
            class_top = top
            tick_y.append(top + HEADER_LANES / 2)
            tick_text.append(_class_header(klass, theme))
            top += HEADER_LANES
        height = TALL_LANES if drug in tall else 1.0
        y = top + height / 2 + (TALL_DROP if drug in tall else 0.0)
        ys.append(y)
        tick_y.append(y)
        tick_text.append(escape(name))
        top += height
    if ys:
        bands.append((class_top, top))
    return LaneLayout(ys, (tick_y, tick_text), bands, top)


def labelled_lanes(traces: list[dict], table: pd.DataFrame, ys: list[float]) -> set[str]:
    """Drugs whose markers (pulse rounds, single doses) carry a label: their lanes are tall."""
    labelled = {
        float(round(t["y"][0]))  # a dose label stands off its lane's line (see _marks)
        for t in traces
        if t.get("mode") == "text" and len(t["y"]) and any(str(x) for x in t["text"])
    }
    return {drug for drug, y in zip(table["drug"], ys, strict=True) if y in labelled}
