"""Turn raw text tables into a validated Case, or a list of every problem.

Errors stop loading; warnings never do. Nothing is dropped or changed
silently: unknown drugs and tests are kept (and warned about), converted lab
values keep their original value and unit beside them.

``cells`` parses one column, ``tables`` builds each table from its spec,
``case_info`` reads the case table and ``plausibility`` warns about values
that load but look wrong.
"""

from __future__ import annotations

from dataclasses import replace  # issue 18
from typing import TypeVar

import pandas as pd

from ..derive import resolve_anchor
from ..errors import CaseLoadError, ProblemCode, ProblemLog, Severity
from ..fhir import relocate  # issue 18
from ..flowsheet import read_flowsheet  # issue 18
from ..model import Case, CaseInfo, empty_annotations, empty_story
from ..sources import RawCase
from .case_info import case_info
from .cells import Report
from .plausibility import dose_warnings, span_warnings
from .tables import SPECS, build_table

__all__ = ["build_case"]

T = TypeVar("T")


def build_case(raw: RawCase) -> Case:
    """Validate raw tables into a Case; raise CaseLoadError listing every problem.

    A flowsheet labs table becomes the long table first; problems in rows imported from
    FHIR name their resource and element (timeline.fhir).
    """
    raw = read_flowsheet(raw)
    try:
        case = _build_case(raw)
    except CaseLoadError as exc:
        raise CaseLoadError(relocate(raw, exc.problems)) from None
    return replace(case, warnings=tuple(relocate(raw, case.warnings)))


def _build_case(raw: RawCase) -> Case:
    problems = ProblemLog(raw.problems)  # the first MAX_PROBLEMS kept, the rest counted
    info = case_info(raw.tables.get("case"), problems)
    # the case's age and sex choose the labs' default reference ranges
    about = None if info is None else info[0]
    frames = {
        name: build_table(spec, raw.tables[name], problems, about)
        for name, spec in SPECS.items()
        if name in raw.tables
    }
    events = frames.get("events")
    anchor = None
    if info is not None and events is not None:
        anchor = _anchor_time(info[0], events, Report(raw.tables["case"].where, problems))
    if any(p.severity is Severity.ERROR for p in problems):
        raise CaseLoadError(problems)
    shown, identifiers = _reported(info)
    treatments, labs = _reported(frames.get("treatments")), _reported(frames.get("labs"))
    dose_warnings(treatments, labs, Report(raw.tables["treatments"].where, problems))
    dated = {"treatments": treatments, "events": _reported(events), "labs": labs}
    span_warnings(dated, {name: raw.tables[name].where for name in dated}, problems)
    return Case(
        info=shown,
        identifiers=identifiers,
        treatments=treatments,
        events=_reported(events),
        labs=labs,
        anchor_time=_reported(anchor),
        source=raw.source,
        warnings=tuple(p for p in problems.listed() if p.severity is Severity.WARNING),
        annotations=_reported(frames.get("annotations", empty_annotations())),
        story=_reported(frames.get("story", empty_story())),
    )


def _reported(part: T | None) -> T:
    """A part of the case: missing only after an error, which stopped loading already."""
    if part is None:
        msg = "a part of the case is missing but no error was reported: a bug in timeline.validate"
        raise RuntimeError(msg)
    return part


def _anchor_time(info: CaseInfo, events: pd.DataFrame, report: Report) -> pd.Timestamp | None:
    """Day 0 is the first event whose type or label matches the case's anchor."""
    anchor = resolve_anchor(events, info.anchor)
    if anchor is None:
        report.add(
            ProblemCode.ANCHOR_NOT_FOUND,
            "matches no event: give the type or label of the event "
            "that is Day 0 (e.g. admission), and make sure that event is in the events table.",
            column="value",
            value=info.anchor,
        )
    return anchor
