"""Over the panels: event lines and labels, MAS criteria shading, the user's notes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from timeline.figures import FIGURES, FigureOptions, build_figure, build_figures, stagger

from .conftest import panel_axis

LABELS = st.lists(st.tuples(st.floats(0, 1000), st.floats(1, 200)), max_size=30)


@given(LABELS)
def test_stacked_labels_never_overlap(labels):
    labels = sorted(labels)
    left = [x for x, _ in labels]
    width = [w for _, w in labels]
    rows = stagger(left, width, gap=5)
    for i in range(len(labels)):
        for j in range(i + 1, len(labels)):
            if rows[i] == rows[j]:
                first, second = sorted((i, j), key=lambda k: left[k])
                assert left[first] + width[first] + 5 <= left[second] + 1e-9


def test_events_on_one_day_share_one_line_and_one_label(timeline):
    labels = {a.text: a.x for a in timeline.layout.annotations if a.yref == "paper"}
    lines = {
        s.x0: s.line.dash for s in timeline.layout.shapes if s.yref == "paper" and s.type == "line"
    }
    assert labels["MAS onset · Ciclosporin start"] == 3
    assert sorted(labels.values()) == sorted(lines)  # one line per label
    assert lines[3.0] == "dash"  # a case event on the day: dashed
    assert lines[labels["Tocilizumab start"]] == "dot"  # only a drug start: dotted


def test_criteria_shading_starts_the_day_they_are_met_where_lanes_or_labs_are(bundled):
    for name, figure in build_figures(bundled).items():
        shading = [s for s in figure.layout.shapes if s.type == "rect" and s.yref == "paper"]
        if name == "glucocorticoids":
            assert shading == [], FIGURES[name]
        else:
            assert [(s.x0, s.layer) for s in shading] == [(3.0, "below")], name


def test_notes_point_into_their_panel_the_top_one_otherwise(bundled):
    notes = ((5.0, "in ferritin", "ferritin"), (40.0, "unknown panel", "nonesuch"))
    notes += ((24.0, "", "lanes"), (9999.0, "after the window", ""))
    fig = build_figure(bundled, FigureOptions(annotations=notes))
    arrows = {a.text: (a.x, a.yref) for a in fig.layout.annotations if a.showarrow}
    assert arrows == {
        "in ferritin": (5.0, f"{panel_axis(fig, 'Ferritin')} domain"),
        "unknown panel": (40.0, "y domain"),
    }
