"""Plain tables and text of a case for the page: no Streamlit here, so they are testable."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd

from . import catalogue as cat
from .derive import DAY, dose_details
from .derive.criteria import mas_2016_days, status_on, status_text
from .derive.doses import given_on_days
from .derive.flags import sample_flags
from .derive.summary import day_of, response_treatments
from .errors import Problem
from .model import Case
from .numbers import range_text, reference_origin, shown_value, unit_text
from .text import body_size_text, dose_text

# Every ASCII punctuation character escaped (CommonMark lets any of them be): no link,
# autolink ('http://', 'www.', 'a@b.org'), entity ('&amp;' shows as typed), emphasis,
# code, LaTeX ('$'), directive (':red[...]', ':smile:') or HTML can form; a line break
# would start a new block (a list, a heading), so it is shown as a space.
_MARKDOWN = str.maketrans({c: f"\\{c}" for c in string.punctuation} | {"\n": " ", "\r": " "})


def plain(text: str) -> str:
    """User text made inert for Streamlit's markdown: shown as typed, never as markup."""
    return str(text).translate(_MARKDOWN)


def _when(case: Case, times: pd.Series, hide_dates: bool) -> list[str]:
    """'Day 3 (2000-01-04 07:00)'; the Day and clock only when dates are hidden; '' if missing."""
    out = []
    for time in times:
        if pd.isna(time):
            out.append("")
            continue
        day = f"Day {day_of(case, time)}"
        clock = "" if time == time.normalize() else f" {time:%H:%M}"
        out.append(f"{day}{clock}" if hide_dates else f"{day} ({time:%Y-%m-%d}{clock})")
    return out


def _dose_columns(case: Case, t: pd.DataFrame, hide_dates: bool = True) -> dict[str, Any]:
    """What was given: dose as entered (with its mg when by weight or surface area), the
    body size that used and when it was measured, how often, how, which kind of course."""
    d = dose_details(t, case.labs)
    size = d["weight_kg"].where(d["per"] == "kg", d["bsa_m2"])
    weighed = _when(case, d["weight_date"], hide_dates)
    measured = _when(case, d["height_date"], hide_dates)
    return {
        "dose": [
            dose_text(dose, unit, mg=mg, size=s)
            for dose, unit, mg, s in zip(t["dose"], t["dose_unit"], d["dose_mg"], size, strict=True)
        ],
        "frequency": t["frequency"],
        "body size": [
            body_size_text(*values)
            for values in zip(
                d["per"],
                d["weight_kg"],
                weighed,
                d["height_cm"],
                measured,
                d["bsa_m2"],
                strict=True,
            )
        ],
        "route": t["route"],
        "kind": t["kind"],
    }


_COMPARATORS = {"": "", "<": "< ", "<=": "≤ ", ">": "> ", ">=": "≥ "}


def _lab_value_columns(labs: pd.DataFrame) -> dict[str, Any]:
    """Each test's name, its value in the canonical unit ('< 5' for a censored one, the
    word for a qualitative result: 'detected'), the unit ('' beside a word), and the
    laboratory's own flag ('H', or '').

    A converted value keeps the precision it was entered with (1.03 µkat/L: 61.8 U/L).
    """
    labels = cat.labs()["label"]
    columns = ("qualifier", "value", "value_input", "value_text", "result_text")
    values = [
        word or _COMPARATORS[q] + shown_value(v, e, w)
        for q, v, e, w, word in zip(*(labs[c].tolist() for c in columns), strict=True)
    ]
    words = labs["result_text"].ne("")
    return {
        "test": [labels.get(t, t) for t in labs["test"]],
        "value": values,
        "unit": labs["unit"].map(unit_text).where(~words, ""),
        "lab flag": labs["lab_flag"],
    }


def _lab_flags(labs: pd.DataFrame) -> np.ndarray:
    """Each row's flag: high, low, fever (temperature ≥ 38.0 °C) or ''."""
    return sample_flags(labs["test"], labs["value"], labs["ref_low"], labs["ref_high"])


def _reference_text(labs: pd.DataFrame) -> list[str]:
    """Each row's range, '10–40', '< 5' or '> 35': a report's converted limits to the
    precision they were entered with."""
    columns = (labs[c].tolist() for c in ("ref_low", "ref_low_input", "ref_high", "ref_high_input"))
    return [
        range_text(shown_value(low, low_in), shown_value(high, high_in))
        for low, low_in, high, high_in in zip(*columns, strict=True)
    ]


def _entered_text(labs: pd.DataFrame) -> list[str]:
    """Each value as entered, with its flag and unit: '<5 mg/L', '12.5 H mg/L', 'detected'."""
    columns = (labs[c].tolist() for c in ("qualifier", "value_text", "lab_flag", "unit_input"))
    return [
        " ".join(part for part in (f"{q}{v}", flag, unit_text(u)) if part)
        for q, v, flag, u in zip(*columns, strict=True)
    ]


def treatments_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    """Every treatment row, its times as Day N (with the date unless hidden)."""
    t = case.treatments
    classes = cat.drug_classes()["label"]
    end = _when(case, t["end"], hide_dates)
    return pd.DataFrame(
        {
            "drug": t["drug_input"],
            "class": t["drug_class"].map(classes).astype(str),
            "start": _when(case, t["start"], hide_dates),
            "end": np.where(t["single"], "single dose", np.where(t["ongoing"], "ongoing", end)),
            **_dose_columns(case, t, hide_dates),
            "note": t["note"],
            "row": t["row"],
        }
    )


def events_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    """Every event row, its times as Day N (with the date unless hidden)."""
    e = case.events
    return pd.DataFrame(
        {
            "start": _when(case, e["start"], hide_dates),
            "end": _when(case, e["end"], hide_dates),
            "type": e["type"],
            "label": e["label"],
            "note": e["note"],
            "row": e["row"],
        }
    )


def labs_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    """Every lab row: value in the canonical unit and as entered, reference and where it
    came from (the report, or which default), flag (high, low or fever)."""
    labs = case.labs
    references = _reference_text(labs)
    return pd.DataFrame(
        {
            "time": _when(case, labs["time"], hide_dates),
            **_lab_value_columns(labs),
            "as entered": _entered_text(labs),
            "reference": references,
            "reference from": [
                reference_origin(source) if text else ""
                for text, source in zip(references, labs["ref_source"], strict=True)
            ],
            "flag": _lab_flags(labs),
            "note": labs["note"],
            "row": labs["row"],
        }
    )


TABLE_PAGE_ROWS = 500  # rows a data tab shows at once: 100,000 lab rows took 6 s to lay out


def table_page(
    case: Case, table: str, hide_dates: bool, page: int = 0, rows: int = TABLE_PAGE_ROWS
) -> tuple[pd.DataFrame, int]:
    """Page ``page`` (from 0) of a data tab ('treatments', 'events' or 'labs'), and how
    many rows the whole table has. Only that page's rows are laid out."""
    cut = slice(page * rows, (page + 1) * rows)
    # body sizes for doses come from every lab row: only the table shown is cut
    if table == "treatments":
        shown = treatments_table(
            dataclasses.replace(case, treatments=case.treatments[cut]), hide_dates
        )
        return shown, len(case.treatments)
    if table == "events":
        return events_table(dataclasses.replace(case, events=case.events[cut]), hide_dates), len(
            case.events
        )
    return labs_table(dataclasses.replace(case, labs=case.labs[cut]), hide_dates), len(case.labs)


def state_on(case: Case, day: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What was given on Day ``day``, and each test's latest value by the end of it."""
    start = case.anchor_time + day * DAY
    end = start + DAY
    t = case.treatments
    # the rows given that day, by their schedules (three times weekly: not every day)
    rows, days, _ = given_on_days(t, end)
    given = t.iloc[np.unique(rows[days == start.to_datetime64().astype("datetime64[D]")])]
    given = pd.DataFrame({"drug": given["drug_input"], **_dose_columns(case, given)})
    labs = case.labs[case.labs["time"] < end].sort_values("time").groupby("test").tail(1)
    labs = pd.DataFrame(
        {
            **_lab_value_columns(labs),
            "drawn": [f"Day {day_of(case, x)}" for x in labs["time"]],
            "flag": _lab_flags(labs),
        }
    )
    return given.reset_index(drop=True), labs.reset_index(drop=True)


def criteria_on(case: Case, day: int, window_days: float = 3) -> str:
    """'MAS 2016 criteria on Day 27: met (fever + labs)': the day's status, as the figure
    shades it and the summary counts it (one definition: timeline.derive.criteria)."""
    status = mas_2016_days(case.labs, case.events, window_days)
    words = status_text(status_on(status, case.anchor_time + day * DAY), status.fever_recorded)
    return f"MAS 2016 criteria on Day {day}: {words}"


def problem_table(problems: Iterable[Problem]) -> pd.DataFrame:
    """Problems as a table a clinician can sort: where, row, column, value, what to do."""
    rows = [
        {
            "severity": p.severity.value,
            "file or sheet": p.where,
            "row": p.row,
            "column": p.column or "",
            "value": p.value or "",
            "problem": p.message,
        }
        for p in problems
    ]
    columns = ["severity", "file or sheet", "row", "column", "value", "problem"]
    return pd.DataFrame(rows, columns=columns).astype({"row": "Int64"})


def lab_choices(case: Case) -> dict[str, str]:
    """Tests the case has, catalogue order, as {test: label}."""
    labels = cat.labs()["label"]
    order = cat.labs()["panel_order"]
    tests = sorted(case.labs["test"].unique(), key=lambda t: (order.get(t, 999), t))
    return {t: labels.get(t, t) for t in tests}


def drug_choices(case: Case) -> dict[str, str]:
    """Drugs the case has, in order of entry, as {drug: display name}."""
    return {d: cat.drug_label(d) for d in case.treatments["drug"].unique()}


def response_choices(case: Case) -> list[str]:
    """Treatments offered for the response line: those the summary can summarise (the
    default treatment is always one of them)."""
    return response_treatments(case)


def anchor_choices(case: Case) -> list[str]:
    """Event labels that can be Day 0, the case's own anchor first."""
    labels = list(dict.fromkeys(case.events.sort_values("start")["label"]))
    anchor = case.info.anchor
    return [anchor, *[label for label in labels if label.lower() != anchor.lower()]]


# A note is a label on the figure: a few lines at most. A megabyte typed or pasted into
# the editor froze the browser tab for minutes, and a workbook cell holds 32,767.
NOTE_MAX_CHARS = 1_000


def notes_from_editor(frame: pd.DataFrame) -> tuple[tuple[float, str, str], ...]:
    """Rows of the page's annotations editor that have a day and a text that fits
    (``NOTE_MAX_CHARS``; ``overlong_notes`` says which do not)."""
    rows = []
    for day, text, panel in frame[["day", "text", "panel"]].itertuples(index=False, name=None):
        if pd.notna(day) and isinstance(text, str) and 0 < len(text.strip()) <= NOTE_MAX_CHARS:
            rows.append((float(day), text.strip(), panel if isinstance(panel, str) else ""))
    return tuple(rows)


def overlong_notes(frame: pd.DataFrame) -> str | None:
    """What to tell the user about notes longer than ``NOTE_MAX_CHARS``, or None."""
    long = [
        f"{f'Day {float(day):g}' if pd.notna(day) else 'no day'} ({len(text.strip()):,} characters)"
        for day, text in frame[["day", "text"]].itertuples(index=False, name=None)
        if isinstance(text, str) and len(text.strip()) > NOTE_MAX_CHARS
    ]
    if not long:
        return None
    return (
        f"A note holds at most {NOTE_MAX_CHARS:,} characters; shorten the note on "
        + ", ".join(long)
        + ". Until then it is neither drawn nor saved."
    )


def apply_editor_changes(frame: pd.DataFrame, changes: dict | None) -> pd.DataFrame:
    """The table as Streamlit's data editor shows it after ``changes``.

    ``changes`` is the editor's state: ``edited_rows`` ({position: {column:
    value}}, positions past the end are added rows), ``added_rows`` and
    ``deleted_rows`` (positions). Lets the page draw edits before the editor.
    """
    if not changes:
        return frame.reset_index(drop=True)
    rows = frame.reset_index(drop=True).to_dict("records")
    rows += [dict(r) for r in changes.get("added_rows", [])]
    for position, edit in changes.get("edited_rows", {}).items():
        if int(position) < len(rows):
            rows[int(position)].update(edit)
    deleted = {int(p) for p in changes.get("deleted_rows", [])}
    kept = [r for i, r in enumerate(rows) if i not in deleted]
    return pd.DataFrame(kept, columns=frame.columns)
