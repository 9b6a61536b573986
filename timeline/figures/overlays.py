"""What is drawn over the panels: events, MAS criteria shading and the user's notes."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .. import catalogue as cat
from ..derive import DAY
from ..derive.criteria import Which, criteria_periods, mas_2016_days
from ..model import Case
from .arrays import escape
from .axis import TimeAxis
from .layout import CRITERIA_COLOURS, CRITERIA_NAMES, axis_ref, line_px
from .options import FigureOptions
from .theme import EVENT_LINE, INK, MUTED, Theme

# --- events ------------------------------------------------------------------


class EventMark(NamedTuple):
    """An event's line and label: where, what, and how its label sits."""

    x: float | str
    label: str
    kind: str  # "event" (the case's own) or "drug" (a start or stop)
    row: int  # label row above the panels, 0 the lowest
    flip: bool  # near the right edge: the label ends at its line
    number: str = ""  # its number in the key, when the events are numbered


def _point_events(events: pd.DataFrame) -> list[tuple]:
    """(time, label, 'event') of each event without an end."""
    return [
        (start, label, "event")
        for start, end, label in zip(events["start"], events["end"], events["label"], strict=True)
        if pd.isna(end)
    ]


def _drug_starts_stops(treatments: pd.DataFrame, on_lanes: set[str]) -> list[tuple]:
    """(day, label, 'drug') of the first and the last day each drug on a lane was given.

    Glucocorticoids are left out: their lanes and panel show them. A drug still
    given at the end of the record, or only ever as single doses, has no stop.
    """
    courses: dict[str, list] = {}
    t = treatments
    for drug, start, end, single, ongoing in zip(
        t["drug"], t["start"], t["end"], t["single"], t["ongoing"], strict=True
    ):
        if drug in on_lanes and not cat.is_glucocorticoid(drug):
            courses.setdefault(drug, []).append((start, start if single else end, single, ongoing))
    marks = []
    for drug, periods in courses.items():
        name = cat.drug_label(drug)
        marks.append((min(p[0] for p in periods).normalize(), f"{name} start", "drug"))
        if not any(p[3] for p in periods) and not all(p[2] for p in periods):
            # on the last day given, as the tables and the summary write it (an end is inclusive)
            marks.append((max(p[1] for p in periods).normalize(), f"{name} stop", "drug"))
    return marks


def events_in_window(case: Case, axis: TimeAxis, lane_table: pd.DataFrame) -> pd.DataFrame:
    """Point events of the case, and the start and stop of each non-steroid drug on a lane,
    in the window, one per day."""
    found = _point_events(case.events) + _drug_starts_stops(
        case.treatments, set(lane_table["drug"])
    )
    found = [r for r in sorted(found, key=lambda r: r[0]) if axis.start <= r[0] <= axis.end]
    return _merge_same_day(pd.DataFrame(found, columns=["time", "label", "kind"]))


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


# Event names above the panels take at most this many rows; more would push the panels
# down (eight rows took a fifth of a slide), so the events are numbered and named in a key.
MAX_LABEL_ROWS = 3


def _text_px(text: str, font: float) -> float:
    """A text's width estimate: 0.6 em a character (Open Sans averages 0.55), and air."""
    return len(text) * font * 0.6 + 6


def _label_rows(
    px: np.ndarray, texts: list[str], font: float, plot_px: float, right_px: float
) -> tuple[list[int], list[bool]] | None:
    """Each text's row above the panels and whether it ends at its line (near the right
    edge); None when one fits neither way inside the figure."""
    widths = np.array([_text_px(t, font) for t in texts])
    flip = px + widths > plot_px + right_px
    if (flip & (px - widths < 0)).any():  # would be cut at the left edge either way
        return None
    left = np.where(flip, px - widths, px)
    order = np.argsort(left, kind="stable")
    rows = np.empty(len(texts), dtype=int)
    rows[order] = stagger(left[order].tolist(), widths[order].tolist(), gap=8)
    return rows.tolist(), flip.tolist()


def event_marks(
    events: pd.DataFrame, axis: TimeAxis, theme: Theme, plot_px: float, right_px: float = 0
) -> list[EventMark]:
    """Each event's x, label, kind and label row: rows stacked so no two labels overlap.

    When the names would take more than ``MAX_LABEL_ROWS`` rows (or one would be cut at
    an edge), each event is numbered in time order and the numbers stand in their rows;
    ``event_key`` names them.
    """
    if events.empty:
        return []
    px = ((events["time"] - axis.start) / (axis.end - axis.start) * plot_px).to_numpy()
    labels = events["label"].tolist()
    placed = _label_rows(px, labels, theme.small, plot_px, right_px)
    numbers = [""] * len(labels)
    if placed is None or max(placed[0]) + 1 > MAX_LABEL_ROWS:
        numbers = [str(i) for i in range(1, len(labels) + 1)]
        placed = _label_rows(px, numbers, theme.small, plot_px, right_px + plot_px)
        assert placed is not None, "a number flips to the left only past the right margin"
    rows, flip = placed
    xs = axis.x(events["time"])
    xs = xs.tolist() if axis.days else xs
    marks = zip(xs, labels, events["kind"], rows, flip, numbers, strict=True)
    return [EventMark(*mark) for mark in marks]


# The key's text width a character (Open Sans averages 0.55 em; measured in Chromium,
# a key line of mixed case took 0.50 em a character at 14 pt)
_KEY_EM = 0.55


def event_key(marks: list[EventMark], width_px: float, font: float) -> list[str]:
    """The numbered events' names, as lines of text no wider than ``width_px`` (wrapped
    between words, a number kept with its name's first word): '1 Admission   2 MAS
    onset · Ciclosporin start ...'. Empty when the events are named on the figure itself."""
    words: list[tuple[str, str]] = [("Events", "Events")]  # (as measured, as written)
    for m in marks:
        if m.number:
            first, *rest = m.label.split() or [""]
            words.append((f"   {m.number} {first}", f"   <b>{m.number}</b> {escape(first)}"))
            words += [(f" {w}", f" {escape(w)}") for w in rest]
    if len(words) == 1:
        return []
    lines: list[str] = []
    shown = width_px  # the width of the line so far: the first word starts a line
    for measured, written in words:
        width = len(measured) * font * _KEY_EM
        if shown + width > width_px:
            lines.append(written.lstrip())
            shown = len(measured.lstrip()) * font * _KEY_EM
        else:
            lines[-1] += written
            shown += width
    return lines


def event_label_rows(marks: list[EventMark]) -> int:
    """How many rows the event labels take above the panels."""
    return max((mark.row for mark in marks), default=-1) + 1


def event_lines(marks: list[EventMark]) -> list[dict]:
    """A line per event across every panel: dashed for the case's events, dotted for drugs."""
    return [
        {
            "type": "line",
            "x0": mark.x,
            "x1": mark.x,
            "y0": 0,
            "y1": 1,
            "xref": "x",
            "yref": "paper",
            "layer": "below",
            "line": {
                "color": EVENT_LINE,
                "width": 1,
                "dash": "dash" if mark.kind == "event" else "dot",
            },
        }
        for mark in marks
    ]


def event_labels(marks: list[EventMark], theme: Theme, lift: int) -> list[dict]:
    """Each event's label (or number) above the panels, in its row, ``lift`` px higher."""
    line_height = line_px(theme.small)
    return [
        {
            "text": mark.number or escape(mark.label),
            # a number's event is named in the key and in its hover
            **({"hovertext": escape(mark.label)} if mark.number else {}),
            "x": mark.x,
            "xref": "x",
            "y": 1,
            "yref": "paper",
            "yanchor": "bottom",
            "xanchor": "right" if mark.flip else "left",
            "yshift": 4 + lift + mark.row * line_height,
            "showarrow": False,
            "font": {
                "size": theme.small,
                "color": INK if mark.kind == "event" else MUTED,
                "weight": "bold" if mark.number else "normal",
            },
        }
        for mark in marks
    ]


# --- criteria ------------------------------------------------------------------


def _shade(x0: float | str, x1: float | str, kind: str) -> dict:
    """A faint band from x0 to x1 across every panel, under the data, named for the legend."""
    return {
        "type": "rect",
        "name": CRITERIA_NAMES[kind],
        "xref": "x",
        "yref": "paper",
        "y0": 0,
        "y1": 1,
        "x0": x0,
        "x1": x1,
        "layer": "below",
        "line": {"width": 0},
        "fillcolor": CRITERIA_COLOURS[kind],
    }


def _kinds(options: FigureOptions, fever_recorded: bool) -> dict[str, Which]:
    """Each kind of shading and the periods it covers, for the chosen view."""
    if options.criteria == "labs":
        return {"labs": "labs"}
    if not fever_recorded:  # "met" here means met by labs: nothing says whether febrile
        return {"met by labs": "met"}
    return {"met": "met", "labs only": "labs only"}


def criteria_shapes(case: Case, options: FigureOptions, axis: TimeAxis) -> list[dict]:
    """Shade, across every panel, the days of each MAS 2016 period (met; labs only).

    A period from its first day to its last covers [first, last + 1 day) on the axis,
    clipped to the window: exactly its days, never carried to the next sample.
    """
    status = mas_2016_days(case.labs, case.events, options.criteria_window_days)
    shapes = []
    for kind, which in _kinds(options, status.fever_recorded).items():
        for first, last in criteria_periods(status, which):
            start, end = max(first, axis.start), min(last + DAY, axis.end)
            if end > start:
                shapes.append(_shade(axis.x(start), axis.x(end), kind))
    return shapes


# --- notes ---------------------------------------------------------------------


def _in_window(x: float | str, axis: TimeAxis) -> bool:
    lo, hi = axis.range()
    if isinstance(x, str):  # a date axis: ISO dates compare as text
        return str(lo) <= x <= str(hi)
    return lo <= x <= hi


_NOTE_ARROW_PX = 12  # from a note's box down to the top of its panel
_NOTE_PAD_PX = 4  # the box's padding and border, each side


def _note(text: str, x: float | str, i: int, above: float, shift: float, theme: Theme) -> dict:
    """A note in a yellow box ``above`` px over row i, its arrow pointing down into the
    top of the panel; ``shift`` px sideways keeps the box inside the panel's width."""
    return {
        "text": escape(text),
        "x": x,
        "xref": axis_ref("x", i),
        "y": 1,
        "yref": f"{axis_ref('y', i)} domain",
        "showarrow": True,
        "arrowhead": 2,
        "ax": shift,
        "ay": -above,
        "font": {"size": theme.small, "color": INK},
        "bgcolor": "rgba(255, 243, 176, 0.95)",
        "bordercolor": "#B59B00",
        "borderwidth": 1,
        "borderpad": 2,
        "yanchor": "bottom",
    }


def title_px(theme: Theme) -> float:
    """The height a panel's title takes above it."""
    return line_px(theme.small) + 4


def note_line_px(theme: Theme) -> float:
    """The height of one row of notes: the text and its box."""
    return line_px(theme.small) + 2 * _NOTE_PAD_PX


def notes_in_window(notes: tuple, axis: TimeAxis) -> list[tuple[float | str, str, str]]:
    """(x, text, panel) of each note with text, in the window."""
    shown = []
    for day, text, panel in notes:
        if not text or pd.isna(day):
            continue
        x = axis.x(axis.anchor + float(day) * DAY)
        if _in_window(x, axis):
            shown.append((x, str(text), panel))
    return shown


def _x_px(x: float | str, axis: TimeAxis, plot_px: float) -> float:
    when = axis.anchor + float(x) * DAY if axis.days else pd.Timestamp(x)
    return (when - axis.start) / (axis.end - axis.start) * plot_px


def place_notes(
    notes: list[tuple[float | str, str, str]],
    row_of: dict[str, int],
    axis: TimeAxis,
    theme: Theme,
    plot_px: float,
    titled: set[int],
) -> tuple[list[dict], dict[int, float]]:
    """The notes' boxes, each over the panel it names (the top one when that is not shown),
    above its title (rows in ``titled`` have one), stacked in rows so that no two overlap;
    and how much room the notes take above each panel (the figure makes room for them)."""
    by_panel: dict[int, list[tuple[float, float, str, float | str, float]]] = {}
    for x, text, panel in notes:
        width = _text_px(text, theme.small) + 2 * _NOTE_PAD_PX
        centre = _x_px(x, axis, plot_px)
        left = min(max(centre - width / 2, 0.0), max(plot_px - width, 0.0))  # inside the panel
        by_panel.setdefault(row_of.get(panel) or 1, []).append((left, width, text, x, centre))
    boxes: list[dict] = []
    rows_above: dict[int, float] = {}
    for i, placed in by_panel.items():
        placed.sort(key=lambda n: n[0])
        rows = stagger([n[0] for n in placed], [n[1] for n in placed], gap=6)
        base = _NOTE_ARROW_PX + (title_px(theme) if i in titled else 0)
        rows_above[i] = base + (max(rows) + 1) * note_line_px(theme)
        for (left, width, text, x, centre), row in zip(placed, rows, strict=True):
            shift = left + width / 2 - centre
            boxes.append(_note(text, x, i, base + row * note_line_px(theme), shift, theme))
    return boxes, rows_above
