"""The story exported: a figure per step, in order, and a deck of one slide per step."""

from __future__ import annotations

import datetime as dt
import io
import json
import struct

import pytest
from pptx import Presentation

from timeline import load_case, story
from timeline.cli import main
from timeline.errors import ExportError
from timeline.export import export_files
from timeline.figures import FigureOptions

from .conftest import BUNDLED
from .test_story import STORY_CSV, _days_named, _texts, _x_ends

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_story_json_is_one_figure_per_step_in_order(tmp_path, bundled):
    assert (
        main(["export", str(BUNDLED), "--out", str(tmp_path), "--story", "--format", "json"]) == 0
    )
    steps = story.steps(bundled)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"story-{k:02d}.json" for k in range(1, len(steps) + 1)]
    ranges, margins = set(), set()
    for step, name in zip(steps, names, strict=True):
        fig = json.loads((tmp_path / name).read_text(encoding="utf-8"))
        layout = fig["layout"]
        ranges.add(tuple(layout["xaxis"]["range"]))
        margins.add((layout["margin"]["l"], layout["margin"]["r"]))
        if step.day is not None:  # nothing after the step's day, in marks or in words
            assert max(_x_ends(fig), default=0) <= step.day + 1 + 1e-9, name
            assert max(_days_named(_texts(fig)), default=0) <= step.day, name
    # one axis and one plot area on every step: flipping through them animates the course
    assert len(ranges) == 1
    assert len(margins) == 1


def test_a_withheld_test_is_in_no_step_figure_until_revealed(case_folder, tmp_path):
    told = load_case(case_folder(story=STORY_CSV))
    files = export_files(
        told, FigureOptions(labs=("triglycerides",)), ["json"], "16:9", WHEN, story=True
    )
    steps = story.steps(told)
    assert len(files) == len(steps)
    for step, (name, data) in zip(steps, files.items(), strict=True):
        shown = " ".join(_texts(json.loads(data))).lower()
        hidden = {w.test for w in step.withheld if w.when is None}
        for test in hidden:
            assert test not in shown, (name, test)
    last = json.loads(files[f"story-{len(steps):02d}.json"])
    assert "triglycerides" in " ".join(_texts(last)).lower()  # the whole course, at the end


@pytest.fixture(scope="module")
def deck(bundled):
    try:
        files = export_files(bundled, FigureOptions(), ["pptx"], "16:9", WHEN, story=True)
    except ExportError as exc:
        pytest.skip(str(exc))
    ((name, data),) = files.items()
    assert name == "sjia-mas-ruxolitinib-story.pptx"
    return Presentation(io.BytesIO(data))


def test_the_story_deck_has_a_slide_per_step_then_the_summary(deck, bundled):
    steps = story.steps(bundled)
    titles = [s.shapes.title.text_frame.paragraphs for s in deck.slides]
    assert titles[0][0].text == bundled.info.title
    assert [t[0].text for t in titles[1 : 1 + len(steps)]] == [s.title() for s in steps]
    assert all(t[0].text.startswith("Summary") for t in titles[1 + len(steps) :])
    # the prompt stands on its own line, under the caption, on its step's slide
    for lines, step in zip(titles[1:], steps, strict=False):
        assert [p.text for p in lines[1:]] == ([step.prompt] if step.prompt else [])


def test_every_story_picture_has_one_size_and_keeps_its_proportions(deck, bundled):
    sizes, placed = set(), set()
    for slide in list(deck.slides)[1 : 1 + len(story.steps(bundled))]:
        (picture,) = [sh for sh in slide.shapes if sh.shape_type == 13]
        width, height = struct.unpack(">II", picture.image.blob[16:24])
        sizes.add((width, height))
        placed.add((picture.left, picture.top, picture.width, picture.height))
        assert abs(picture.width / picture.height - width / height) < 0.01
    assert len(sizes) == 1
    assert len(placed) == 1  # the same place on every slide


def test_a_story_is_not_an_html_or_a_handout(tmp_path, capsys):
    args = ["export", str(BUNDLED), "--out", str(tmp_path), "--story", "--format", "html"]
    assert main(args) == 2
    assert "a story is exported as a deck" in capsys.readouterr().err
