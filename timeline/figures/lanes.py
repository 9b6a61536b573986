"""Treatment swimlanes: one lane per drug, grouped by class, dose-aware."""

from __future__ import annotations

from functools import cache
from html import escape

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..measures import DAY
from ..model import Case
from .arrays import strings
from .axis import TimeAxis
from .options import FigureOptions
from .theme import Theme

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
                drug[:1].upper() + drug[1:],
                klass,
                classes.at[klass, "label"],
                drugs.at[drug, "colour"] if known else next(greys),
            )
        )
    rows.sort(key=lambda r: r[0])
    columns = ["drug", "label", "class", "class_label", "colour"]
    return pd.DataFrame([r[1:] for r in rows], columns=columns)


def dose_text(row: dict) -> str:
    """'10 mg bid', '1 g daily', '288 mg' — the dose as entered, unit and frequency."""
    short = _short_frequency().get(row["frequency"], row["frequency"])
    frequency = "" if row["single"] else f" {short}"
    return f"{row['dose']:g} {row['dose_unit']}{frequency}"


@cache
def _short_frequency() -> dict[str, str]:
    return cat.frequencies()["short"].to_dict()


def dose_and_unit(row: dict) -> str:
    return f"{row['dose']:g} {row['dose_unit']}"


def record_text(row: dict, axis: TimeAxis, hide_dates: bool, named: bool = True) -> str:
    """The whole treatment record for the hover, every user string escaped.

    ``named=False`` leaves out the drug when the trace's template shows it.
    """
    if row["single"]:
        when = f"given {axis.when(row['start'], hide_dates)}"
    elif row["ongoing"]:
        when = f"from {axis.when(row['start'], hide_dates)}, ongoing at the end of the record"
    else:
        when = f"{axis.when(row['start'], hide_dates)} to {axis.when(row['end'], hide_dates)}"
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
    lines += [f"{escape(dose_and_unit(row))} {escape(row['frequency'])}, {escape(route)}", when]
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
    if row["single"] or row["frequency"] == "daily":
        labels = (dose_text(row), f"{dose} {row['dose_unit']}", dose)
    else:
        short = _short_frequency().get(row["frequency"], row["frequency"])
        labels = (dose_text(row), f"{dose} {short}")
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
    t = case.treatments
    end_time = (t["end"].dt.normalize() + DAY).where(~t["ongoing"], axis.end)
    end_time = end_time.where(~t["single"], t["start"].dt.normalize() + DAY)
    shown = t["drug"].isin(table["drug"]) & (end_time > axis.start) & (t["start"] < axis.end)
    records = t[shown].assign(end_time=end_time[shown], day0=t["start"].dt.normalize()[shown])
    by_drug: dict[str, list[dict]] = {}
    for row in records.to_dict("records"):
        by_drug.setdefault(row["drug"], []).append(row)
    traces: list[dict] = []
    for drug, y, colour, label in zip(
        table["drug"], table.index, table["colour"], table["label"], strict=True
    ):
        rows = by_drug.get(drug, [])
        periods = [r for r in rows if not r["single"] and r["kind"] != "pulse"]
        if periods:
            traces += _bars(periods, y, colour, label, axis, options, theme, px_per_day)
        pulses = [r for r in rows if r["kind"] == "pulse"]
        singles = [r for r in rows if r["single"] and r["kind"] != "pulse"]
        traces += _pulses(pulses, y, colour, axis, options, theme)
        traces += _singles(singles, y, colour, axis, options, theme)
    return traces


def _bars(periods, y, colour, label, axis, options, theme, px_per_day) -> list[dict]:
    starts = [r["day0"] for r in periods]
    ends = [r["end_time"] for r in periods]
    base, length = axis.span(starts, ends)
    visible_days = length if axis.days else length / 86_400_000
    known = periods[0]["drug_known"]
    hover = [record_text(r, axis, options.hide_dates, named=not known) for r in periods]
    # a known drug's catalogue name is safe in the template; user text never is
    template = (f"<b>{escape(label)}</b><br>" if known else "") + "%{customdata}<extra></extra>"
    traces = [
        dict(
            type="bar",
            orientation="h",
            base=base,
            x=length,
            y=[y] * len(periods),
            width=0.62,
            name=label,
            showlegend=False,
            marker={"color": colour, "line": {"color": "white", "width": 1.5}},
            text=[
                escape(bar_label(r, d, px_per_day, theme.small))
                for r, d in zip(periods, visible_days, strict=True)
            ],
            textposition="inside",
            insidetextanchor="middle",
            constraintext="none",
            textangle=0,
            textfont={"color": "white", "size": theme.small},
            customdata=strings(hover),
            hovertemplate=template,
        )
    ]
    open_ended = [
        h for r, h in zip(periods, hover, strict=True) if r["ongoing"] and r["end_time"] >= axis.end
    ]
    if open_ended:
        traces.append(
            dict(
                type="scatter",
                x=[axis.x(axis.end)] * len(open_ended),
                y=[y] * len(open_ended),
                mode="markers",
                marker={"symbol": "triangle-right", "size": theme.marker + 5, "color": colour},
                name="Ongoing at the end of the record",
                showlegend=False,
                customdata=strings(open_ended),
                hovertemplate=template,
                cliponaxis=False,
            )
        )
    return traces


def _pulses(rows, y, colour, axis, options, theme) -> list[dict]:
    """A diamond on every pulse day; the round's dose written once, above it."""
    xs, custom, text = [], [], []
    for r in rows:
        days = pd.date_range(r["day0"], r["end_time"] - DAY, freq="D")
        days = days[(days >= axis.start.normalize()) & (days < axis.end)]
        hover = record_text(r, axis, options.hide_dates)
        label = f"{r['dose']:g} {r['dose_unit']}"  # per day; the diamonds count the days
        for i, day in enumerate(days):
            xs.append(day + DAY / 2)
            custom.append(hover)
            text.append(escape(label) if i == len(days) // 2 else "")
    if not xs:
        return []
    return [
        _marks(axis.x(xs), y, text, custom, "diamond", 1, "Pulse day (dose per day)", colour, theme)
    ]


def _singles(rows, y, colour, axis, options, theme) -> list[dict]:
    """A single administration (an infusion) is a dot on its day, labelled with its dose."""
    if not rows:
        return []
    return [
        _marks(
            axis.x([r["day0"] + DAY / 2 for r in rows]),
            y,
            [escape(dose_text(r)) for r in rows],
            [record_text(r, axis, options.hide_dates) for r in rows],
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
    return [
        dict(
            type="bar",
            orientation="h",
            base=base,
            x=length,
            y=[y] * len(labels),
            width=0.62,
            name=COURSE_LANE,
            showlegend=False,
            marker={"color": "#BBBBBB", "line": {"color": "white", "width": 1}},
            text=strings([escape(label) for label in labels]),
            textposition="inside",
            insidetextanchor="middle",
            constraintext="none",
            textfont={"color": "#222222", "size": theme.small},
            customdata=strings(hover),
            hovertemplate="%{customdata}<extra></extra>",
        )
    ]


def class_bands(table: pd.DataFrame) -> list[tuple[int, int, str]]:
    """(first lane, last lane, class label) for each class present, in lane order."""
    groups = table.groupby("class_label", sort=False)
    return [(int(g.index.min()), int(g.index.max()), label) for label, g in groups]


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
