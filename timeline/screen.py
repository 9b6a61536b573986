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
from .figures.labs import chosen_labs
from .model import Case

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
    """The figure laid out at ``size`` with the projector theme, and the lab panels left
    out because they did not fit legibly (the last chosen first)."""
    width, height = size
    fitted = dataclasses.replace(options, theme="projector", size=(width, height))
    labs = chosen_labs(case, fitted)
    dropped: list[str] = []
    while True:
        figure = build_figure(case, dataclasses.replace(fitted, labs=tuple(labs)))
        if figure.layout.height <= height or not labs:
            return figure, dropped
        dropped.insert(0, labs.pop())
