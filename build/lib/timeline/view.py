"""Plain tables and text of a case for the page: no Streamlit here, so they are testable."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import catalogue as cat
from .errors import Problem
from .measures import DAY, lab_flags
from .model import Case
from .text import dose_text

_MARKDOWN = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()#+-.!|<>~$:"})


def plain(text: str) -> str:
    """User text made inert for Streamlit's markdown: shown as typed, never as markup."""
    return str(text).translate(_MARKDOWN)


def _when(times: pd.Series, anchor: pd.Timestamp, hide_dates: bool) -> list[str]:
    out = []
    for time in times:
        if pd.isna(time):
            out.append("")
            continue
        day = f"Day {(time.normalize() - anchor) // DAY}"
        clock = "" if time == time.normalize() else f" {time:%H:%M}"
        out.append(f"{day}{clock}" if hide_dates else f"{day} ({time:%Y-%m-%d}{clock})")
    return out


def treatments_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    t = case.treatments
    classes = cat.drug_classes()["label"]
    return pd.DataFrame(
        {
            "drug": t["drug_input"],
            "class": t["drug_class"].map(classes).astype(str),
            "start": _when(t["start"], case.anchor_time, hide_dates),
            "end": np.where(
                t["single"],
                "single dose",
                np.where(t["ongoing"], "ongoing", _when(t["end"], case.anchor_time, hide_dates)),
            ),
            "dose": [dose_text(d, u) for d, u in zip(t["dose"], t["dose_unit"], strict=True)],
            "frequency": t["frequency"],
            "route": t["route"],
            "kind": t["kind"],
            "note": t["note"],
            "row": t["row"],
        }
    )


def events_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    e = case.events
    return pd.DataFrame(
        {
            "start": _when(e["start"], case.anchor_time, hide_dates),
            "end": _when(e["end"], case.anchor_time, hide_dates),
            "type": e["type"],
            "label": e["label"],
            "note": e["note"],
            "row": e["row"],
        }
    )


def labs_table(case: Case, hide_dates: bool) -> pd.DataFrame:
    labs = case.labs
    labels = cat.labs()["label"]
    flag = lab_flags(labs["value"], labs["ref_low"], labs["ref_high"])
    return pd.DataFrame(
        {
            "time": _when(labs["time"], case.anchor_time, hide_dates),
            "test": [labels.get(t, t) for t in labs["test"]],
            "value": labs["qualifier"] + labs["value"].map("{:.6g}".format),
            "unit": labs["unit"],
            "as entered": labs["qualifier"]
            + labs["value_input"].map("{:g}".format)
            + " "
            + labs["unit_input"],
            "reference": [
                ""
                if np.isnan(lo) and np.isnan(hi)
                else f"{'' if np.isnan(lo) else f'{lo:.4g}'}–{'' if np.isnan(hi) else f'{hi:.4g}'}"
                for lo, hi in zip(labs["ref_low"], labs["ref_high"], strict=True)
            ],
            "flag": flag,
            "note": labs["note"],
            "row": labs["row"],
        }
    )


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
    return {d: cat.drug_label(d) for d in case.treatments["drug"].unique()}


def response_choices(case: Case) -> list[str]:
    """Treatments whose response is worth summarising: every non-glucocorticoid drug."""
    return [d for d in case.treatments["drug"].unique() if not cat.is_glucocorticoid(d)]


def anchor_choices(case: Case) -> list[str]:
    """Event labels that can be Day 0, the case's own anchor first."""
    labels = list(dict.fromkeys(case.events.sort_values("start")["label"]))
    anchor = case.info.anchor
    return [anchor, *[label for label in labels if label.lower() != anchor.lower()]]


def notes_from_editor(frame: pd.DataFrame) -> tuple[tuple[float, str, str], ...]:
    """Rows of the page's annotations editor that have a day and a text."""
    rows = []
    for day, text, panel in frame[["day", "text", "panel"]].itertuples(index=False, name=None):
        if pd.notna(day) and isinstance(text, str) and text.strip():
            rows.append((float(day), text.strip(), panel if isinstance(panel, str) else ""))
    return tuple(rows)


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
