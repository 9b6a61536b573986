"""Story mode on the page: stepping, nothing shown ahead, editing, nothing lost."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from timeline import load_case, story

from .conftest import BUNDLED
from .test_story import STORY_CSV, _days_named, _texts, _x_ends

APP = str(Path(__file__).resolve().parents[1] / "app.py")
KEY = "bundled:sjia-mas-ruxolitinib"
VKEY = f"{KEY}:admission"


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.toggle(key="story").set_value(True).run()
    assert not at.exception
    return at


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def notes(at: AppTest) -> list[tuple[str, float]]:
    return [(a["text"], a["x"]) for a in figure(at)["layout"]["annotations"] if a.get("showarrow")]


def page_texts(at: AppTest) -> list[str]:
    """Every text the page shows outside the figure: header, captions, tables."""
    texts = [
        e.value for kind in ("markdown", "caption", "subheader", "title") for e in at.get(kind)
    ]
    for frame in at.dataframe:
        texts += [str(v) for v in np.asarray(frame.value).ravel()]
        texts += [str(c) for c in frame.value.columns]
    return [t.replace("\\", "") for t in texts]  # the page escapes markdown


def test_back_and_next_step_through_the_story(app, bundled):
    steps = story.steps(bundled)
    assert app.subheader[0].value.replace("\\", "") == steps[0].title()
    app.button(key="story_next").click().run()
    app.button(key="story_next").click().run()
    assert app.subheader[0].value.replace("\\", "") == steps[2].title()
    app.button(key="story_back").click().run()
    assert app.subheader[0].value.replace("\\", "") == steps[1].title()
    assert "Step 2 of 9" in [c.value for c in app.caption]


def _check_page(at: AppTest, step: story.Step, hidden_tests: set[str]) -> None:
    spec = figure(at)
    shown = page_texts(at) + _texts(spec)
    if step.day is not None:
        assert max(_x_ends(spec), default=0) <= step.day + 1 + 1e-9, step.caption
        assert not at.data_editor  # the editors list every note and step: not in a story
        assert max(_days_named(shown), default=0) <= step.day
    for test in hidden_tests:
        assert not any(test in t.lower() for t in _texts(spec)), (step.caption, test)
        for frame in at.dataframe:
            assert test not in " ".join(map(str, np.asarray(frame.value).ravel())).lower()


def test_no_step_on_the_page_shows_what_came_later(app, bundled):
    for index, step in enumerate(story.steps(bundled)):
        assert not app.exception
        _check_page(app, step, set())
        if index + 1 < len(story.steps(bundled)):
            app.button(key="story_next").click().run()


def _zip(folder: Path) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"case/{f.name}")
    return out.getvalue()


def test_a_withheld_test_is_nowhere_on_the_page_until_revealed(case_folder):
    folder = case_folder(story=STORY_CSV)
    told = story.steps(load_case(folder))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="source").set_value("Upload").run()
    at.file_uploader(key="upload").upload("told.zip", _zip(folder)).run()
    at.toggle(key="story").set_value(True).run()
    assert not at.exception
    for index, step in enumerate(told):
        hidden = {w.test for w in step.withheld if w.when is None}
        _check_page(at, step, hidden)
        assert at.subheader[0].value.replace("\\", "") == step.title()
        if index + 1 < len(told):
            at.button(key="story_next").click().run()


def test_leaving_the_story_shows_the_whole_case_again(app, bundled):
    app.toggle(key="story").set_value(False).run()
    axis = figure(app)["layout"]["xaxis"]["range"]
    assert max(_x_ends(figure(app))) > 100  # follow-up, Day 127
    assert axis == [0, 128]
    assert "Ruxolitinib" in " ".join(page_texts(app))
    assert len(load_case(BUNDLED).labs) == len(bundled.labs)


def test_steps_edited_on_the_page_are_told_and_kept_through_presentation(app):
    app.session_state[f"story_steps:{VKEY}"] = {
        "edited_rows": {0: {"caption": "First look"}},
        "deleted_rows": [1],
        "added_rows": [],
    }
    app.session_state[f"notes:{VKEY}"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"day": 4, "text": "pulses", "panel": "lanes"}],
    }
    app.run()
    assert app.subheader[0].value == "Day 0 · First look"
    assert notes(app) == []  # the note is on Day 4: after this step
    app.toggle(key="present").set_value(True).run()
    app.run()  # a run without the editors: their edits must survive it
    app.button(key="story_next").click().run()
    # presentation mode writes the step in its one-line header; Day 3 was deleted
    header = [m.value.replace("\\", "") for m in app.markdown]
    assert "Day 5 · Tocilizumab started — What would you do next?" in header
    assert not app.subheader  # no other heading
    assert notes(app) == [("pulses", 4.0)]
    app.button(key="leave_present").click().run()
    assert app.subheader[0].value == "Day 5 · Tocilizumab started"
    assert notes(app) == [("pulses", 4.0)]
    app.toggle(key="story").set_value(False).run()
    assert notes(app) == [("pulses", 4.0)]
    steps = app.data_editor(key=f"story_steps:{VKEY}").value
    assert steps["caption"].iloc[0] == "First look"
    assert len(steps) == 8  # nine default steps, one deleted


def test_a_drug_started_at_a_later_step_gets_its_lane_then(app):
    def lanes() -> str:
        layout = figure(app)["layout"]
        return " ".join(str(v.get("ticktext", "")) for k, v in layout.items() if k[:5] == "yaxis")

    assert "Ciclosporin" not in lanes()  # Day 0: not yet given
    app.button(key="story_next").click().run()  # Day 3: ciclosporin starts
    assert "Ciclosporin" in lanes()
    assert "Ruxolitinib" not in lanes()


def test_story_mode_offers_the_story_deck(app):
    keys = [b.proto.id for b in app.get("download_button")]
    assert any("export_story" in k for k in keys)
    app.toggle(key="story").set_value(False).run()
    assert not any("export_story" in b.proto.id for b in app.get("download_button"))
