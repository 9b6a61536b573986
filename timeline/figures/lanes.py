"""Treatment swimlanes: one lane per drug, grouped by class, dose-aware."""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..derive import DAY
from ..model import Case
from ..text import dose_text, short_frequency
from .arrays import strings
from .axis import TimeAxis
from .options import FigureOptions
from .theme import INK, Theme

COURSE_LANE = "Clinical course"
_MARK_DROP = 0.2  # markers sit low in their lane so the dose written above stays inside it
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


def row_dose_text(row: dict) -> str:
    """'10 mg bid', '1 g daily', '288 mg' — the dose as entered, unit and frequency."""
    return dose_text(row["dose"], row["dose_unit"], row["frequency"], row["single"])


def record_text(row: dict, named: bool = True) -> str:
    """The whole treatment record for the hover, every user string escaped.

    ``row`` carries its start and end already written for the axis (``start_when``,
    ``end_when``); ``named=False`` leaves out the drug when the trace's template shows it.
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
    dose = dose_text(row["dose"], row["dose_unit"])
    lines += [f"{escape(dose)} {escape(row['frequency'])}, {escape(route)}", when]
    if row["note"]:
        lines.append(f"<i>{escape(row['note'])}</i>")
    return "<br>".join(lines)


def fits(label: str, days: float, px_per_day: float, font_px: float) -> bool:
    """Whether a label fits inside a bar of ``days`` at this font size."""
    return len(label) * font_px * 0.62 + 12 <= days * px_per_day


def bar_label(row: dict, days: float, px_per_day: float, font_px: float) -> str:
    """The longest label that fits the bar: '50 mg daily', '50 mg', '50'; else nothing.

    Only 'daily' is ever left out: '50 mg' for 50 mg twice daily or '15 mg' for 15 mg
    weekly would be read as the daily dose. Those shorten to '50 bid', then to nothing
    (the hover and the summary keep the whole record).
    """
    dose = f"{row['dose']:g}"
    labels: tuple[str, ...]
    if row["single"] or row["frequency"] == "daily":
        labels = (row_dose_text(row), dose_text(row["dose"], row["dose_unit"]), dose)
    else:
        labels = (row_dose_text(row), f"{dose} {short_frequency(row['frequency'])}")
    for label in labels:
        if fits(label, days, px_per_day, font_px):
            return label
    return ""


def lane_traces(
    case: Case,
    options: FigureOptions,
    axis: TimeAxis,
    theme: Theme,
    table: pd.DataFrame,
    px_per_day: float,
) -> list[dict]:
    """Bars for dosing periods, diamonds for pulse days, dots for single doses."""
    by_drug: dict[str, list[dict]] = {}
    for row in _records(case.treatments, axis, table, options.hide_dates):
        by_drug.setdefault(row["drug"], []).append(row)
    traces: list[dict] = []
    for drug, y, colour, label in zip(
        table["drug"], table.index, table["colour"], table["label"], strict=True
    ):
        traces += _lane(by_drug.get(drug, []), y, colour, label, axis, theme, px_per_day)
    return traces


def _lane(
    rows: list[dict],
    y: int,
    colour: str,
    label: str,
    axis: TimeAxis,
    theme: Theme,
    px_per_day: float,
) -> list[dict]:
    """One drug's lane: its dosing periods, then its pulse days, then its single doses."""
    periods = [r for r in rows if not r["single"] and r["kind"] != "pulse"]
    traces = _bars(periods, y, colour, label, axis, theme, px_per_day) if periods else []
    pulses = [r for r in rows if r["kind"] == "pulse"]
    singles = [r for r in rows if r["single"] and r["kind"] != "pulse"]
    traces += _pulses(pulses, y, colour, axis, theme)
    traces += _singles(singles, y, colour, axis, theme)
    return traces


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
    """Where each treatment's marks end: the midnight after its last day, the window's
    end while ongoing, the midnight after ``day0`` for a single dose."""
    day = np.timedelta64(1, "D")
    end_time = t["end"].to_numpy(dtype="datetime64[ns]").astype("datetime64[D]") + day
    end_time = end_time.astype("datetime64[ns]")
    end_time = np.where(t["ongoing"].to_numpy(dtype=bool), axis.end.to_datetime64(), end_time)
    return np.where(t["single"].to_numpy(dtype=bool), day0 + day, end_time)


def _records(t: pd.DataFrame, axis: TimeAxis, table: pd.DataFrame, hide_dates: bool) -> list[dict]:
    """The treatment rows on a lane and in the window, as dicts, with where their marks go.

    ``day0``: the first day's midnight; ``end_time``: the midnight after the last
    day (the window's end while ongoing, the next midnight for a single dose).
    """
    start = t["start"].to_numpy(dtype="datetime64[ns]")
    day0 = start.astype("datetime64[D]")
    end_time = _end_times(t, day0, axis)
    shown = np.flatnonzero(
        np.isin(t["drug"].to_numpy(), table["drug"].to_numpy())
        & (end_time > axis.start.to_datetime64())
        & (start < axis.end.to_datetime64())
    )
    columns = {name: t[name].to_numpy()[shown].tolist() for name in _RECORD}
    columns["day0"] = day0[shown].astype("datetime64[ns]")
    columns["end_time"] = end_time[shown]
    columns["start_when"] = axis.whens(start[shown], hide_dates)
    columns["end_when"] = axis.whens(t["end"].to_numpy(dtype="datetime64[ns]")[shown], hide_dates)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def _bars(
    periods: list[dict],
    y: int,
    colour: str,
    label: str,
    axis: TimeAxis,
    theme: Theme,
    px_per_day: float,
) -> list[dict]:
    """A bar per dosing period, its dose written inside when it fits; arrows where ongoing."""
    starts = [r["day0"] for r in periods]
    ends = [r["end_time"] for r in periods]
    base, length = axis.span(starts, ends)
    visible_days = length if axis.days else length / 86_400_000
    known = periods[0]["drug_known"]
    hover = [record_text(r, named=not known) for r in periods]
    # a known drug's catalogue name is safe in the template; user text never is
    template = (f"<b>{escape(label)}</b><br>" if known else "") + "%{customdata}<extra></extra>"
    text = [
        escape(bar_label(r, d, px_per_day, theme.small))
        for r, d in zip(periods, visible_days, strict=True)
    ]
    traces = [_lane_bar(base, length, y, label, colour, 1.5, text, "white", hover, template, theme)]
    open_ended = [
        h
        for r, h in zip(periods, hover, strict=True)
        if r["ongoing"] and r["end_time"] >= axis.end.to_datetime64()
    ]
    if open_ended:
        traces.append(_ongoing_arrows(open_ended, y, colour, template, axis, theme))
    return traces


def _ongoing_arrows(
    hover: list[str], y: int, colour: str, template: str, axis: TimeAxis, theme: Theme
) -> dict:
    """An arrow at the window's right edge for each period still ongoing there."""
    return dict(
        type="scatter",
        x=[axis.x(axis.end)] * len(hover),
        y=[y] * len(hover),
        mode="markers",
        marker={"symbol": "triangle-right", "size": theme.marker + 5, "color": colour},
        name="Ongoing at the end of the record",
        showlegend=False,
        customdata=strings(hover),
        hovertemplate=template,
        cliponaxis=False,
    )


def _pulses(rows: list[dict], y: int, colour: str, axis: TimeAxis, theme: Theme) -> list[dict]:
    """A diamond on every pulse day; the round's dose written once, above it."""
    first, last = axis.start.to_datetime64().astype("datetime64[D]"), axis.end.to_datetime64()
    xs, custom, text = [], [], []
    for r in rows:
        days = np.arange(r["day0"], r["end_time"], np.timedelta64(1, "D"))
        days = days[(days >= first) & (days < last)]
        hover = record_text(r)
        label = escape(dose_text(r["dose"], r["dose_unit"]))  # per day; the diamonds count the days
        xs.append(days + np.timedelta64(12, "h"))
        custom += [hover] * len(days)
        text += ["" if i != len(days) // 2 else label for i in range(len(days))]
    if not custom:
        return []
    x = axis.x(np.concatenate(xs))
    return [_marks(x, y, text, custom, "diamond", 1, "Pulse day (dose per day)", colour, theme)]


def _singles(rows: list[dict], y: int, colour: str, axis: TimeAxis, theme: Theme) -> list[dict]:
    """A single administration (an infusion) is a dot on its day, labelled with its dose."""
    if not rows:
        return []
    return [
        _marks(
            axis.x([r["day0"] + np.timedelta64(12, "h") for r in rows]),
            y,
            [escape(row_dose_text(r)) for r in rows],
            [record_text(r) for r in rows],
            "circle",
            1.5,
            "Single dose or infusion",
            colour,
            theme,
        )
    ]


def _marks(
    x,
    y: int,
    text: list[str],
    hover: list[str],
    symbol: str,
    outline: float,
    name: str,
    colour: str,
    theme: Theme,
) -> dict:
    """Markers low in a lane, each with its dose written above it."""
    return dict(
        type="scatter",
        x=x,
        y=[y + _MARK_DROP] * len(text),
        mode="markers+text",
        text=strings(text),
        textposition="top center",
        textfont={"size": theme.small, "color": colour},
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


def course_traces(
    case: Case, options: FigureOptions, axis: TimeAxis, theme: Theme, y: int
) -> list[dict]:
    """Interval events (fever, a stay in intensive care) as grey bars in their own lane."""
    e = case.events
    shown = (e["end"].notna() & (e["end"] + DAY > axis.start) & (e["start"] < axis.end)).to_numpy()
    if not shown.any():
        return []
    start, end = e["start"].to_numpy()[shown], e["end"].to_numpy()[shown]
    labels, notes = e["label"].to_numpy()[shown].tolist(), e["note"].to_numpy()[shown].tolist()
    day = np.timedelta64(1, "D")
    base, length = axis.span(start.astype("datetime64[D]"), end.astype("datetime64[D]") + day)
    hover = [
        f"<b>{escape(label)}</b><br>{first} to {last}"
        + (f"<br><i>{escape(note)}</i>" if note else "")
        for label, note, first, last in zip(
            labels,
            notes,
            axis.whens(start, options.hide_dates),
            axis.whens(end, options.hide_dates),
            strict=True,
        )
    ]
    text = [escape(label) for label in labels]
    template = "%{customdata}<extra></extra>"
    return [
        _lane_bar(base, length, y, COURSE_LANE, "#BBBBBB", 1, text, INK, hover, template, theme)
    ]


def _lane_bar(
    base,
    length,
    y: int,
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
        width=0.62,
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


def class_bands(table: pd.DataFrame) -> list[tuple[int, int]]:
    """(first lane, last lane) of each class present, in lane order."""
    groups = table.groupby("class_label", sort=False)
    return [(int(g.index.min()), int(g.index.max())) for _, g in groups]


def lane_ticks(table: pd.DataFrame, has_course: bool, theme: Theme) -> tuple[list[int], list[str]]:
    """Lane names; the first lane of each class also names its class, small, above."""
    first = ~table["class_label"].duplicated()
    labels = [
        (
            f"<span style='font-size:{theme.small - 1}px;color:#666666'>{escape(c.upper())}</span><br>"
            if is_first
            else ""
        )
        + escape(name)
        for name, c, is_first in zip(table["label"], table["class_label"], first, strict=True)
    ]
    labels = ([COURSE_LANE] if has_course else []) + labels
    return list(range(len(labels))), labels
