"""Story mode: steps, the case as known at each step, and nothing shown ahead of it."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from timeline import Case, load_case, story, view
from timeline.derive.summary import case_summary, default_treatment
from timeline.errors import CaseLoadError, ProblemCode
from timeline.figures import build_figures
from timeline.figures.options import FigureOptions
from timeline.wording import summary_lines, summary_table

from .conftest import BUNDLED

ADULT = BUNDLED.parent / "adult-aosd-mas"
DAY_NUMBER = re.compile(r"Day (-?\d+)")


@pytest.fixture(scope="module")
def adult() -> Case:
    return load_case(ADULT)


# --- the default story ----------------------------------------------------------------


def test_the_bundled_case_tells_its_story_in_nine_steps(bundled):
    # Day 0 = admission (2000-01-01). Pulses 2000-01-04, -11, -18 (Days 3, 10, 17);
    # ruxolitinib from 2000-01-25 (Day 24); the response is judged on Day 31: the first
    # ferritin 7 days after the start (2000-02-01); discharge 2000-02-15 (Day 45);
    # follow-up 2000-05-07 (Day 127), the end of the record: the whole course.
    told = story.steps(bundled)
    assert [s.day for s in told] == [0, 3, 5, 10, 17, 24, 31, 45, 127]
    assert told[0].title() == "Day 0 · Admission; Methylprednisolone started"
    assert "MAS onset" in told[1].caption
    assert "pulses (round 1 of 3)" in told[1].caption
    assert told[4].prompt == story.NEXT_STEP_PROMPT  # the step before ruxolitinib
    assert told[5].caption == "Ruxolitinib started"
    assert told[6].caption == "Response to Ruxolitinib"
    # the last step is the whole course: nothing is cut from it
    last = story.as_of(bundled, told[-1])
    assert len(last.labs) == len(bundled.labs)
    assert len(last.treatments) == len(bundled.treatments)


def test_a_later_glucocorticoid_is_no_new_step(adult):
    # hydrocortisone starts the course on Day 0; dexamethasone (Day 10) and prednisolone
    # (Day 38) continue it: no step of their own
    captions = " ".join(s.caption for s in story.steps(adult))
    assert "Hydrocortisone started" in captions
    assert "Dexamethasone" not in captions
    assert "Prednisolone" not in captions
    assert 6 <= len(story.steps(adult)) <= 10


# --- the case as known at a step --------------------------------------------------------


def test_a_course_still_running_at_the_step_is_drawn_ongoing(bundled):
    # ciclosporin 50 mg bid 2000-01-04 to 2000-01-17, then 75 mg bid to 2000-02-15:
    # at Day 10 the first row is running and the second has not begun
    cut = story.as_of(bundled, story.Step(10.0, "Day 10"))
    rows = cut.treatments[cut.treatments["drug"] == "ciclosporin"]
    assert len(rows) == 1
    assert bool(rows["ongoing"].iloc[0])
    assert pd.isna(rows["end"].iloc[0])
    assert cut.known_until == pd.Timestamp("2000-01-12")  # the end of Day 10


def test_a_period_still_running_is_cut_at_the_steps_last_day(bundled):
    cut = story.as_of(bundled, story.Step(10.0, "Day 10"))
    fever = cut.events[cut.events["type"] == "fever"]
    assert fever["end"].iloc[0] == pd.Timestamp("2000-01-11")


def test_the_axis_keeps_the_whole_course_at_every_step(bundled):
    options = FigureOptions()
    ranges = {
        tuple(
            build_figures(story.as_of(bundled, s), story.story_options(bundled, options, s))[
                "timeline"
            ].layout.xaxis.range
        )
        for s in story.steps(bundled)
    }
    assert ranges == {(0.0, 128.0)}


# --- nothing leaks ahead -------------------------------------------------------------------


def _x_ends(fig: dict) -> list[float]:
    """Every x a trace, a note or a data shape reaches (bars: base + length)."""
    xs: list[float] = []
    for trace in fig["data"]:
        x = [v for v in (trace.get("x") or []) if isinstance(v, int | float)]
        base = trace.get("base")
        if base is not None and trace.get("orientation") == "h":
            bases = base if isinstance(base, list | tuple) else [base] * len(x)
            x = [b + v for b, v in zip(bases, x, strict=False) if v is not None]
        xs += x
    axis = fig["layout"]["xaxis"]["range"]
    for shape in fig["layout"].get("shapes", []):
        # a band across the whole axis (a reference range, a lane's background) is no data
        xref = str(shape.get("xref", "x"))
        on_axis = xref.startswith("x") and " " not in xref
        if on_axis and [shape.get("x0"), shape.get("x1")] != list(axis):
            xs += [shape["x0"], shape["x1"]]
    for note in fig["layout"].get("annotations", []):
        if str(note.get("xref", "")) == "x" and isinstance(note.get("x"), int | float):
            xs.append(note["x"])
    return xs


def _texts(fig: dict) -> list[str]:
    """Every string a viewer can read: names, texts, hovers, notes."""
    found: list[str] = []

    def walk(value):
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list | tuple):
            for v in value:
                walk(v)
        elif isinstance(value, np.ndarray):
            walk(value.tolist())

    for trace in fig["data"]:
        walk([trace.get(k) for k in ("name", "text", "hovertext", "customdata", "hovertemplate")])
    walk([a.get("text") for a in fig["layout"].get("annotations", [])])
    return found


def _days_named(texts) -> list[int]:
    return [int(d) for text in texts for d in DAY_NUMBER.findall(text)]


def _check_step(case: Case, step: story.Step) -> None:
    cut = story.as_of(case, step)
    options = story.story_options(case, FigureOptions(hide_dates=True), step)
    figures = build_figures(cut, options)
    last_x = None if step.day is None else step.day + 1  # the end of the step's day
    for name, figure in figures.items():
        fig = figure.to_plotly_json()
        texts = _texts(fig)
        if last_x is not None:
            assert max(_x_ends(fig), default=0) <= last_x + 1e-9, (name, step.caption)
            assert max(_days_named(texts), default=0) <= step.day, (name, step.caption)
        for item in step.withheld:
            shown = " ".join(texts).lower()
            if item.when is None:
                assert item.test.lower() not in shown, (name, item)
    lines = summary_lines(case_summary(cut, default_treatment(cut)))
    rows = [f"{k}: {v}" for k, v in summary_table(cut, default_treatment(cut))]
    tables = [view.labs_table(cut, True), view.treatments_table(cut, True)]
    table_text = [str(v) for t in tables for v in t.to_numpy().ravel()]
    if step.day is not None:
        assert max(_days_named(lines + rows + table_text), default=0) <= step.day, step.caption
    for item in step.withheld:
        assert not (cut.labs["test"] == item.test).any() or item.when is not None


@pytest.mark.parametrize("which", range(9))
def test_no_step_of_the_default_story_shows_what_came_later(bundled, which):
    _check_step(bundled, story.steps(bundled)[which])


def test_no_step_of_the_adult_story_shows_what_came_later(adult):
    for step in story.steps(adult):
        _check_step(adult, step)


STORY_CSV = (
    "day,caption,prompt,withhold,reveal\n"
    "3,MAS onset,What would you do next?,triglycerides; ferritin @ 2000-01-04,\n"
    "10,Second round of pulses,,,\n"
    "24,Ruxolitinib,,,triglycerides\n"
    "45,Discharge,,,\n"
)


@pytest.fixture
def told(case_folder) -> Case:
    return load_case(case_folder(story=STORY_CSV))


def test_a_case_carries_its_own_story(told):
    steps = story.steps(told)
    assert [s.caption for s in steps] == [
        "MAS onset",
        "Second round of pulses",
        "Ruxolitinib",
        "Discharge",
        "The whole course",  # the last step of the table ends before the record does
    ]
    assert steps[0].prompt == "What would you do next?"


def test_a_withheld_test_stays_hidden_until_revealed(told):
    steps = story.steps(told)
    hidden = [{w.test for w in s.withheld} for s in steps]
    assert hidden == [
        {"triglycerides", "ferritin"},
        {"triglycerides", "ferritin"},
        {"ferritin"},
        {"ferritin"},
        set(),
    ]
    first = story.as_of(told, steps[0])
    assert "triglycerides" not in set(first.labs["test"])
    # only the ferritin drawn on 2000-01-04 is kept back; the others of Days 0-3 are shown
    ferritin = first.labs[first.labs["test"] == "ferritin"]
    assert len(ferritin)
    assert (ferritin["time"].dt.normalize() != pd.Timestamp("2000-01-04")).all()
    assert "triglycerides" in set(story.as_of(told, steps[2]).labs["test"])


def test_no_step_of_a_story_with_withheld_results_shows_them(told):
    for step in story.steps(told):
        _check_step(told, step)


def test_a_withheld_panel_is_not_drawn_at_all(told):
    step = story.steps(told)[0]
    options = story.story_options(told, FigureOptions(labs=("ferritin", "triglycerides")), step)
    assert options.labs == ("ferritin",)


def test_a_story_date_that_is_no_date_is_an_error(case_folder):
    bad = "day,caption,withhold\n3,MAS onset,ferritin @ yesterday\n"
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(story=bad))
    problem = next(p for p in caught.value.problems if p.code is ProblemCode.BAD_DATE)
    assert (problem.row, problem.column) == (2, "withhold")


def test_a_story_step_without_a_caption_is_an_error(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(story="day,caption\n3,\n"))
    assert any(p.column == "caption" for p in caught.value.problems)


def test_the_story_table_is_optional(bundled):
    assert bundled.story.empty
    assert Path(BUNDLED / "story.csv").exists() is False


def test_a_story_is_saved_in_the_workbook_and_comes_back(told):
    from timeline import load_case_bytes
    from timeline.workbook import case_workbook_bytes

    again = load_case_bytes("told.xlsx", case_workbook_bytes(told, include_identifiers=False))
    pd.testing.assert_frame_equal(again.story, told.story)
    assert [s.withheld for s in story.steps(again)] == [s.withheld for s in story.steps(told)]


def test_the_steps_move_with_day_0(told):
    # MAS onset is 2000-01-04, Day 3 from admission: a step on Day 10 is Day 7 from there
    from timeline.derive import reanchor

    moved = reanchor(told, "MAS onset")
    assert moved.story["day"].tolist() == [0.0, 7.0, 21.0, 42.0]
    assert (
        story.as_of(moved, story.steps(moved)[1]).known_until
        == story.as_of(told, story.steps(told)[1]).known_until
    )


def test_day_0_is_not_named_before_its_event(bundled):
    from timeline.derive import reanchor

    moved = reanchor(bundled, "MAS onset")  # Day 0 = 2000-01-04
    before, after = story.steps(moved)[0], story.steps(moved)[1]  # Day -3, Day 0
    figure = build_figures(
        story.as_of(moved, before), story.story_options(moved, FigureOptions(), before)
    )
    layout = figure["timeline"].to_plotly_json()["layout"]
    title = " ".join(
        str(v.get("title", {}).get("text", "")) for k, v in layout.items() if k.startswith("xaxis")
    )
    assert "MAS" not in title
    assert story.LATER_DAY_0 in title
    assert story.as_of(moved, after).info.anchor == "MAS onset"


def test_a_dose_change_after_the_step_is_no_stop(bundled):
    # ciclosporin 50 mg bid to 2000-01-17 (Day 16), 75 mg bid from 2000-01-18 (Day 17):
    # at the end of Day 16 the course goes on the next day, so it is drawn ongoing
    cut = story.as_of(bundled, story.Step(16.0, "Day 16"))
    rows = cut.treatments[cut.treatments["drug"] == "ciclosporin"]
    assert rows["ongoing"].tolist() == [True]
    figure = build_figures(cut, story.story_options(bundled, FigureOptions(), story.Step(16.0, "")))
    labels = [a.text for a in figure["timeline"].layout.annotations]
    assert not any("Ciclosporin stop" in str(t) for t in labels)


def test_steps_are_told_in_the_order_of_their_days(case_folder):
    # a step moved on the page by changing its day: rows of one day keep their order
    table = "day,caption\n24,Rux\n3,Onset\n3,Onset (labs)\n10,Pulses\n"
    told = story.steps(load_case(case_folder(story=table)))
    assert [s.caption for s in told] == [
        "Onset",
        "Onset (labs)",
        "Pulses",
        "Rux",
        "The whole course",
    ]
