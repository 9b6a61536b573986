"""Presentation mode's figure: laid out for one screen, and what it leaves out said."""

from __future__ import annotations

import pytest

from timeline import load_case
from timeline.figures import FigureOptions
from timeline.screen import SCREENS, STEROID_PANEL, chart_size, screen_figure

from .conftest import BUNDLED

ADULT = BUNDLED.parent / "adult-aosd-mas"


@pytest.mark.parametrize("screen", list(SCREENS))
@pytest.mark.parametrize("path", [BUNDLED, ADULT], ids=["sjia", "adult"])
@pytest.mark.parametrize("story_line", [False, True])
def test_the_chart_fits_the_screen_under_its_header(path, screen, story_line):
    width, height = chart_size(screen, story_line)
    figure, _ = screen_figure(load_case(path), FigureOptions(), (width, height))
    assert figure.layout.height <= height
    assert figure.layout.width == width


def test_what_does_not_fit_is_left_out_glucocorticoids_first_and_named(bundled):
    # 1920 × 1080 holds the lanes and the first chosen labs; the glucocorticoid course
    # goes first (the lanes show it), then the last chosen labs
    figure, left_out = screen_figure(bundled, FigureOptions(), chart_size("1920x1080", False))
    assert left_out[0] == STEROID_PANEL
    titles = " ".join(str(a.text) for a in figure.layout.annotations)
    assert "Ferritin" in titles
    assert "Glucocorticoid" not in titles
    for test in left_out[1:]:
        assert test.lower() not in titles.lower()


def test_a_screen_with_room_leaves_nothing_out(bundled):
    options = FigureOptions(labs=("ferritin",))
    figure, left_out = screen_figure(bundled, options, (1888, 2000))
    assert left_out == []
    assert figure.layout.height <= 2000
