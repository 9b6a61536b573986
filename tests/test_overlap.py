"""Nothing on an exported figure overlaps or is cut, at any size, on any case.

Every sheet the export writes (``export.sheets``: the deck's pictures and the image
files, slide theme and provenance band included) is rendered to SVG by the project's
renderer, loaded in the system Chromium and measured there (tests/figures/overlap.py):
every pair of texts is compared, and every text against the legend's box, the image's
edge and the panel it is clipped to. Runs on both bundled cases and on a generated busy
case at every size, and on the bundled case's story at 16:9.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ADULT, BUNDLED
from tests.figures.busy_case import write_busy_case
from tests.figures.overlap import cut, measure, measure_many, overlapping
from timeline import load_case
from timeline.errors import ExportError
from timeline.export import Sheet, export_options, image_bytes, sheets, story_sheets
from timeline.figures import FigureOptions, build_figures
from timeline.sizes import SIZES

CASES = ("sjia", "adult", "busy")
SLIDE = FigureOptions(theme="slide")  # what `timeline export` and the page export


@pytest.fixture(scope="module")
def page(chromium_browser):
    tab = chromium_browser.new_page()
    yield tab
    tab.close()


@pytest.fixture(scope="module")
def cases(tmp_path_factory):
    busy = write_busy_case(Path(tmp_path_factory.mktemp("busy")) / "busy")
    return {"sjia": load_case(BUNDLED), "adult": load_case(ADULT), "busy": load_case(busy)}


def _svg(figure) -> bytes:
    try:
        return image_bytes(figure, "svg", figure.layout.width, figure.layout.height, 1)
    except ExportError as exc:
        pytest.skip(str(exc))


def _problems(page, made: list[Sheet]) -> list[str]:
    """Every overlap and cut on these sheets, each named after its sheet."""
    measured = measure_many(page, [_svg(sheet.figure) for sheet in made])
    return [
        f"{sheet.name}: {problem}"
        for sheet, m in zip(made, measured, strict=True)
        for problem in overlapping(m) + cut(m)
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", CASES)
def test_no_text_overlaps_or_is_cut_on_any_exported_sheet(page, cases, name, size):
    made = sheets(cases[name], SLIDE, size)
    assert made, "an export holds at least the timeline"
    problems = _problems(page, made)
    assert not problems, "\n".join(problems)


def test_no_text_overlaps_or_is_cut_on_the_story_sheets(page, cases):
    made = story_sheets(cases["sjia"], SLIDE, "16:9")
    assert len(made) > 1, "the bundled case tells its course in several steps"
    problems = _problems(page, made)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("screen", ["1920x1080", "1366x768"])
def test_no_text_overlaps_or_is_cut_in_the_presentation_view(page, cases, screen):
    """Presentation mode's chart (timeline.screen) at both screens, for every case."""
    from timeline.screen import chart_size, screen_figure

    made = [
        Sheet(name, name, screen_figure(case, FigureOptions(), chart_size(screen, False))[0])
        for name, case in cases.items()
    ]
    problems = _problems(page, made)
    assert not problems, "\n".join(problems)


def test_quotes_and_tags_are_drawn_as_typed_in_the_svg(page, cases):
    """Issue 16 item 8: the SVG (and so the PDF) showed &quot; for a typed double quote."""
    typed = 'Second "pulse" round <b>planned</b> & more'
    options = FigureOptions(annotations=((4.0, typed, "lanes"),))
    figure = build_figures(cases["sjia"], export_options(options, "16:9"))["timeline"]
    texts = [t.text for t in measure(page, _svg(figure)).texts]
    assert typed in texts
