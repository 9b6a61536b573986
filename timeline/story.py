"""Story mode: the course told step by step, each step showing only what was known by then.

A story is an ordered list of steps. Each step shows the case up to the end of a
day (or up to a moment, for a day with a fraction), with a caption and an optional
prompt for the audience; it may keep named tests, or single results, back until a
later step reveals them. The last step always shows the whole course.

:func:`as_of` cuts the case itself, so every view built from the cut case (figure,
hover, summary, day panel, tables) shows nothing later and nothing withheld: there
is no second place to forget to hide a result. :func:`story_options` keeps the time
axis of the whole course, so nothing moves between steps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import catalogue as cat
from .derive import DAY, case_end, day_number, resolve_anchor
from .derive.summary import default_treatment, response_to
from .model import Case

if TYPE_CHECKING:  # the loader reads stories: it must not import the figures
    from .figures.options import FigureOptions

#: The prompt the default story puts before each new treatment: the teaching question.
NEXT_STEP_PROMPT = "What would you do next?"

#: What Day 0 is called at a step before its event: naming it would tell what is to come.
LATER_DAY_0 = "a later event"

#: Withheld results are written "test" (every result of the test) or
#: "test @ YYYY-MM-DD[ HH:MM]" (the results drawn at that moment, or on that day).
RESULT_SEPARATOR = "@"


@dataclass(frozen=True)
class Withheld:
    """A test kept back, or one of its results: ``when`` None means every result."""

    test: str  # canonical name, or as written when the catalogue does not know it
    when: pd.Timestamp | None = None

    def text(self) -> str:
        if self.when is None:
            return self.test
        shown = self.when.strftime(
            "%Y-%m-%d" if self.when == self.when.normalize() else "%Y-%m-%d %H:%M"
        )
        return f"{self.test} {RESULT_SEPARATOR} {shown}"


@dataclass(frozen=True)
class Step:
    """One step: the course through Day ``day`` (None: the whole course)."""

    day: float | None
    caption: str
    prompt: str = ""
    withheld: frozenset[Withheld] = frozenset()

    def title(self) -> str:
        """'Day 24 · Ruxolitinib started': the caption with its day, for a slide or the page."""
        if self.day is None:
            return self.caption
        day = int(self.day) if float(self.day).is_integer() else self.day
        return f"Day {day} · {self.caption}"


def parse_withheld(text: str) -> tuple[list[Withheld], list[str]]:
    """The tests or results a ``withhold``/``reveal`` cell names, and the parts not understood.

    Items are separated by ';'. A test goes by any name the catalogue knows
    (IL-18, IL18, its LOINC code); an unknown name is kept as written.
    """
    items, bad = [], []
    for part in (p.strip() for p in str(text).split(";")):
        if not part:
            continue
        name, _, when_text = (s.strip() for s in part.partition(RESULT_SEPARATOR))
        when = None
        if when_text:
            try:
                when = pd.Timestamp(when_text)
            except ValueError:
                bad.append(part)
                continue
        if not name:
            bad.append(part)
            continue
        items.append(Withheld(cat.lab_index().get(cat.name_key(name), name), when))
    return items, bad


def _until(case: Case, day: float) -> pd.Timestamp:
    """The first moment a step no longer shows: the next midnight for a whole day."""
    if float(day).is_integer():
        return case.anchor_time + (day + 1) * DAY
    return case.anchor_time + day * DAY + pd.Timedelta(1, "ns")


def _hidden(labs: pd.DataFrame, withheld: Iterable[Withheld]) -> np.ndarray:
    """Which lab rows a step keeps back."""
    hide = np.zeros(len(labs), dtype=bool)
    keys = labs["test"].map(cat.name_key)
    for item in withheld:
        same_test = (keys == cat.name_key(item.test)).to_numpy()
        if item.when is None:
            hide |= same_test
        elif item.when == item.when.normalize():  # a date: that day's results
            hide |= same_test & (labs["time"].dt.normalize() == item.when).to_numpy()
        else:
            hide |= same_test & (labs["time"] == item.when).to_numpy()
    return hide


def _treatments_until(treatments: pd.DataFrame, until: pd.Timestamp) -> pd.DataFrame:
    """Rows started before ``until``; a row still running then is drawn as ongoing, and so
    is a drug's last row when its course goes on after ``until`` (a new dose from the next
    day is no stop)."""
    t = treatments[treatments["start"] < until].copy()
    running = ~t["single"] & (t["ongoing"] | t["end"].isna() | (t["end"] >= until))
    running |= ~t["single"] & t.index.isin(_continued(treatments, t, until))
    # an ongoing row has no end (model.py): it runs to the end of what is known
    t.loc[running, "ongoing"] = True
    t.loc[running, "end"] = pd.NaT
    return t


def _continued(treatments: pd.DataFrame, shown: pd.DataFrame, until: pd.Timestamp) -> list:
    """The index of each drug's last shown row whose course goes on after ``until``: the
    drug's next row starts by the day after that row's last day."""
    later = treatments[treatments["start"] >= until].groupby("drug", observed=True)["start"].min()
    ends = shown.loc[~shown["single"]].dropna(subset=["end"])
    found = []
    for drug, rows in ends.groupby("drug", observed=True):
        if drug in later.index:
            last = rows["end"].idxmax()
            last_day = pd.Timestamp(rows["end"].max()).normalize()
            if pd.Timestamp(later[drug]).normalize() <= last_day + DAY:
                found.append(last)
    return found


def _events_until(events: pd.DataFrame, until: pd.Timestamp) -> pd.DataFrame:
    """Events started before ``until``; a period still running is cut at the last day known."""
    e = events[events["start"] < until].copy()
    last_day = (until - pd.Timedelta(1, "ns")).normalize()
    e.loc[e["end"] >= until, "end"] = last_day
    return e


def as_of(case: Case, step: Step) -> Case:
    """The case as known at ``step``: nothing after its day, none of its withheld results.

    Warnings about rows not shown are dropped with them (they would name what is to come).
    """
    labs = case.labs[~_hidden(case.labs, step.withheld)]
    if step.day is None:
        return dataclasses.replace(case, labs=labs)
    until = _until(case, step.day)
    labs = labs[labs["time"] < until]
    shown_rows = {
        "treatments": set(case.treatments.loc[case.treatments["start"] < until, "row"]),
        "events": set(case.events.loc[case.events["start"] < until, "row"]),
        "labs": set(labs["row"]),
    }
    info = case.info
    if case.anchor_time >= until:  # Day 0's event has not happened yet: not named
        info = dataclasses.replace(info, anchor=LATER_DAY_0)
    return dataclasses.replace(
        case,
        info=info,
        treatments=_treatments_until(case.treatments, until),
        events=_events_until(case.events, until),
        labs=labs,
        annotations=case.annotations[case.annotations["day"] < day_number(until, case.anchor_time)],
        warnings=tuple(w for w in case.warnings if _still_shown(w.where, w.row, shown_rows)),
        known_until=until,
    )


def _still_shown(where: str, row: int | None, shown_rows: dict[str, set[int]]) -> bool:
    """Whether a warning's row is still in the cut case (a warning about a table stays)."""
    table = next((name for name in shown_rows if name in where.lower()), None)
    return table is None or row is None or row in shown_rows[table]


def story_options(case: Case, options: FigureOptions, step: Step) -> FigureOptions:
    """The figure options of a step: the whole course's time axis, whatever the step.

    The user's window is kept when they chose one; otherwise the axis spans the
    whole record, so the axis never moves between steps. A test withheld whole
    loses its panel, and notes after the step are left out, like the rest.
    """
    first = min(
        x.min()
        for x in (case.treatments["start"], case.events["start"], case.labs["time"])
        if len(x)
    )
    start = options.window[0] if options.window[0] is not None else first.normalize()
    end = options.window[1] if options.window[1] is not None else case_end(case)
    hidden_tests = {cat.name_key(w.test) for w in step.withheld if w.when is None}
    labs = options.labs
    if labs is not None:
        labs = tuple(t for t in labs if cat.name_key(t) not in hidden_tests)
    notes = options.annotations
    if notes is not None and step.day is not None:
        last = day_number(_until(case, step.day), case.anchor_time)
        notes = tuple(n for n in notes if n[0] < last)
    return dataclasses.replace(options, window=(start, end), labs=labs, annotations=notes)


# --- the case's own story, or the default one ---------------------------------------


def steps(case: Case) -> list[Step]:
    """The case's story: its own steps, else the default; the last shows the whole course."""
    told = case_steps(case) if len(case.story) else default_steps(case)
    if not told or not _whole(case, told[-1]):
        told.append(Step(None, "The whole course"))
    return told


def _whole(case: Case, step: Step) -> bool:
    """Whether a step shows the whole course: to the end of the record, nothing withheld."""
    if step.withheld:
        return False
    return step.day is None or _until(case, step.day) >= case_end(case)


def case_steps(case: Case) -> list[Step]:
    """The steps of the case's story table in the order of their days; withheld results
    carried forward.

    What a step withholds stays hidden at every later step until a step reveals it.
    """
    told: list[Step] = []
    hidden: frozenset[Withheld] = frozenset()
    # in the order of their days, rows of one day as written: a step moves with its day
    table = case.story.sort_values("day", kind="stable")
    for day, caption, prompt, withhold_text, reveal_text in zip(
        table["day"].tolist(),
        table["caption"].tolist(),
        table["prompt"].tolist(),
        table["withhold"].tolist(),
        table["reveal"].tolist(),
        strict=True,
    ):
        withhold, _ = parse_withheld(str(withhold_text))
        reveal, _ = parse_withheld(str(reveal_text))
        hidden = (hidden | frozenset(withhold)) - _revealed(hidden, reveal)
        told.append(Step(None if pd.isna(day) else float(day), str(caption), str(prompt), hidden))
    return told


def _revealed(hidden: frozenset[Withheld], reveal: list[Withheld]) -> frozenset[Withheld]:
    """What a reveal list uncovers: a test reveals each of its withheld results too."""
    tests = {cat.name_key(r.test) for r in reveal if r.when is None}
    return frozenset(h for h in hidden if h in reveal or cat.name_key(h.test) in tests)


def default_steps(case: Case) -> list[Step]:
    """Admission, MAS onset, each start of a disease-directed drug, the response,
    discharge and follow-up: the key days of the case, one step a day.

    A new treatment's step is preceded by the prompt "What would you do next?".
    """
    moments = _key_moments(case)
    by_day: dict[int, list[str]] = {}
    starts: set[int] = set()
    for day, caption, is_start in sorted(moments, key=lambda m: m[0]):
        by_day.setdefault(day, [])
        if caption not in by_day[day]:
            by_day[day].append(caption)
        if is_start:
            starts.add(day)
    days = sorted(by_day)
    return [
        Step(
            float(day),
            "; ".join(by_day[day]),
            NEXT_STEP_PROMPT if i + 1 < len(days) and days[i + 1] in starts else "",
        )
        for i, day in enumerate(days)
    ]


def _day(case: Case, time: pd.Timestamp) -> int:
    return int(np.floor(day_number(time, case.anchor_time)))


def _key_moments(case: Case) -> list[tuple[int, str, bool]]:
    """(Day N, caption, a treatment starts) of each key moment of the case."""
    found: list[tuple[int, str, bool]] = []
    for kind, caption in (("admission", "Admission"), ("mas onset", "MAS onset")):
        when = resolve_anchor(case.events, kind)
        if when is not None:
            found.append((_day(case, when), caption, False))
    firsts = case.treatments.groupby("drug", observed=True)["start"].min().sort_values()
    # the first glucocorticoid starts the course; a later one (prednisone after the
    # pulses, a switch to oral) continues it and is no new decision to teach
    glucocorticoids = [d for d in firsts.index if cat.is_glucocorticoid(str(d))]
    for drug, start in firsts.items():
        if cat.is_disease_directed(str(drug)) and drug not in glucocorticoids[1:]:
            found.append((_day(case, start), f"{cat.drug_label(str(drug))} started", True))
    found += _pulse_rounds(case)
    found += _response_moment(case)
    for kind, caption, last in (
        ("discharge", "Discharge", False),
        ("follow-up", "Follow-up", True),
    ):
        times = _event_times(case, kind)
        if len(times):
            found.append((_day(case, times.max() if last else times.min()), caption, False))
    return found


def _event_times(case: Case, kind: str) -> pd.Series:
    key = cat.name_key(kind)
    events = case.events
    return events.loc[events["type"].map(cat.name_key) == key, "start"]


def _response_moment(case: Case) -> list[tuple[int, str, bool]]:
    """The day the response to the rescue treatment can be judged: the later of sustained
    defervescence and the week-later ferritin (derive.summary.response_to)."""
    treatment = default_treatment(case)
    response = response_to(case, treatment) if treatment else None
    if response is None:
        return []
    days = [d for d in (response.fever.defervescence_day,) if d is not None]
    if response.ferritin_after is not None:
        days.append(response.ferritin_after.day)
    if not days:
        return []
    return [(max(days), f"Response to {cat.drug_label(response.treatment)}", False)]


def _pulse_rounds(case: Case) -> list[tuple[int, str, bool]]:
    """The first day of each round of pulses: rows of kind 'pulse' a day or more apart."""
    pulses = case.treatments[case.treatments["kind"] == "pulse"].sort_values("start")
    found = []
    for drug, rows in pulses.groupby("drug", observed=True, sort=False):
        last_day = rows["end"].fillna(rows["start"]).dt.normalize()
        new_round = rows["start"].dt.normalize() > last_day.shift() + DAY
        new_round.iloc[0] = True
        starts = rows.loc[new_round, "start"]
        name = cat.drug_label(str(drug))
        for number, start in enumerate(starts, 1):
            which = f" (round {number} of {len(starts)})" if len(starts) > 1 else ""
            found.append((_day(case, start), f"{name} pulses{which}", True))
    return found


# --- the page's story editor -------------------------------------------------------------


def story_table(case: Case) -> pd.DataFrame:
    """The story as a table to edit: the case's own, else the default steps written out."""
    if len(case.story):
        return case.story.reset_index(drop=True)
    rows = [(s.day, s.caption, s.prompt, "", "") for s in default_steps(case)]
    return pd.DataFrame(rows, columns=list(case.story.columns)).astype(case.story.dtypes)


def story_from_editor(frame: pd.DataFrame) -> pd.DataFrame:
    """The editor's rows that are steps (a day and a caption), in order, blanks as ''."""
    table = frame.reset_index(drop=True)
    text = ["caption", "prompt", "withhold", "reveal"]
    table[text] = table[text].fillna("").astype(str).apply(lambda c: c.str.strip())
    complete = table["day"].notna() & (table["caption"] != "")
    return table[complete].astype({"day": float}).reset_index(drop=True)
