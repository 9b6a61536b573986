"""Presentation mode's figure: laid out for one screen, so the audience never scrolls.

The page cannot know the projector's size, so the presenter chooses it (or a link
says it: ``?present=1&screen=1366x768``). The figure is then laid out at that size
with the projector theme, like a slide at its size; lab panels that do not fit
legibly are left out, the last first, and said so to the presenter (never silently).
"""

from __future__ import annotations

import dataclasses

import plotly.graph_objects as go

from .figures import FigureOptions, build_figure
from .figures.compose import PARTS
from .figures.labs import chosen_labs
from .figures.options import ThemeName
from .model import Case

#: The themes a presentation tries, in order: the projector's text, the slide's, the page's.
THEMES_TRIED: tuple[ThemeName, ...] = ("projector", "slide", "screen")

#: What ``screen_figure`` calls the glucocorticoid panel among what it left out.
STEROID_PANEL = "steroids"

#: Screens a presentation is laid out for (CSS pixels): Full HD, the common laptop
#: panel, and HD-ready projectors.
SCREENS = {"1920x1080": (1920, 1080), "1366x768": (1366, 768), "1280x720": (1280, 720)}

#: What the page puts around the chart in presentation mode (app.py's CSS): the one-line
#: header, a story's line, the page's padding and the gaps between them.
HEADER_PX = 40
STORY_LINE_PX = 32
PAGE_PAD_PX = 16  # each side (1 rem)


def chart_size(screen: str, story_line: bool) -> tuple[int, int]:
    """The chart's width and height on ``screen`` under the header (and a story's line)."""
    width, height = SCREENS[screen]
    used = HEADER_PX + (STORY_LINE_PX if story_line else 0) + 2 * PAGE_PAD_PX
    return width - 2 * PAGE_PAD_PX, height - used


def screen_figure(
    case: Case, options: FigureOptions, size: tuple[int, int]
) -> tuple[go.Figure, list[str]]:
    """The figure laid out at ``size`` with the projector theme, and what was left out
    because it did not fit legibly: first the glucocorticoid panel (the lanes show the
    course), then lab panels, the last chosen first (the response is in the labs). Lanes
    too many for the projector's text are drawn in the slide's (16 pt), then the page's (12)."""
    for theme in THEMES_TRIED:
        figure, left_out = _fitted(case, dataclasses.replace(options, theme=theme), size)
        if figure.layout.height <= size[1]:
            break
    return figure, left_out


def _fitted(
    case: Case, options: FigureOptions, size: tuple[int, int]
) -> tuple[go.Figure, list[str]]:
    width, height = size
    fitted = dataclasses.replace(options, size=(width, height))
    labs = chosen_labs(case, fitted)
    parts: tuple[str, ...] = PARTS
    left_out: list[str] = []
    while True:
        figure = build_figure(case, dataclasses.replace(fitted, labs=tuple(labs)), parts)
        if figure.layout.height <= height or not labs:
            steroids = [] if "steroids" in parts else [STEROID_PANEL]
            return figure, steroids + left_out
        if "steroids" in parts:
            parts = tuple(p for p in parts if p != "steroids")
        else:
            left_out.insert(0, labs.pop())
