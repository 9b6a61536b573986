"""User text appears as typed; a record of any span between 1900 and 2100 is drawn."""

from __future__ import annotations

import json

import pytest

from timeline import load_case
from timeline.figures import FigureOptions, build_figures
from timeline.figures.layout import day_step

TYPED = 'Ferritin "rising" <b>not bold</b> & more'


def test_quotes_and_tags_reach_the_figure_as_typed_regression(with_rows):
    """Issue 16 item 8: double quotes showed as &quot; on the figure and in SVG/PDF."""
    case = load_case(
        with_rows("events", f'2000-01-09,,other,"{TYPED.replace(chr(34), 2 * chr(34))}",')
    )
    options = FigureOptions(annotations=((5.0, TYPED, "ferritin"),))
    figure = build_figures(case, options)["timeline"]
    texts = [a.text for a in figure.layout.annotations]
    typed = TYPED.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # only what plotly would read as markup is escaped: the note as typed, the event's
    # label as typed, on the figure or in the key of numbered events (maybe wrapped)
    assert typed in texts
    everything = " ".join(t or "" for t in texts).replace("<br>", " ")
    assert everything.count(typed) == 2
    assert "&quot;" not in json.dumps(figure.to_plotly_json(), default=str)


@pytest.mark.parametrize(
    ("start", "end"),
    [("2000-01-01", "2021-01-01"), ("1900-01-01", "2100-12-31"), ("1999-12-25", "2000-03-01")],
)
def test_a_record_of_any_span_is_drawn_regression(case_folder, start, end):
    """Issue 16 item 2: a mistyped year (2021 in a 2000 case) made the builder raise
    StopIteration; any span between 1900 and 2100 must draw, with at most 20 Day ticks."""
    events = f"start,end,type,label,note\n{start},,admission,Admission,\n{end},,follow-up,Late,\n"
    case = load_case(case_folder(events=events))
    figures = build_figures(case, FigureOptions())
    xaxis = figures["timeline"].layout.xaxis
    span = xaxis.range[1] - xaxis.range[0]
    assert span / xaxis.dtick <= 20


@pytest.mark.parametrize("span", [1, 10, 100, 1000, 7300, 7400, 36500, 73049])
def test_day_ticks_are_round_and_at_most_twenty(span):
    step = day_step(span)
    assert span / step <= 20
    assert step in (1, 2, 7, 14, 28, 56, 91, 182) or step % 365 == 0


def test_a_log_panel_gets_its_decades_room_to_show_a_doubling(adult):
    """Item 5: each decade of a log panel takes at least DECADE_EM of the theme's text
    (a doubling, 0.3 decade, about 0.66 em), however many panels share the figure."""
    from timeline.figures.compose import DECADE_EM
    from timeline.figures.theme import SCREEN

    labs = ("ferritin", "platelets", "ast", "alt", "fibrinogen", "triglycerides", "ldh", "crp")
    figure = build_figures(adult, FigureOptions(labs=labs))["timeline"]
    layout = figure.layout
    plot = layout.height - layout.margin.t - layout.margin.b
    for key in layout:
        axis = layout[key]
        if key.startswith("yaxis") and axis.type == "log":
            px = (axis.domain[1] - axis.domain[0]) * plot
            decades = axis.range[1] - axis.range[0]
            assert px / decades >= DECADE_EM * SCREEN.font_size - 0.5, key
