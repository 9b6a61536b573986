"""Over the panels: event lines and labels, MAS criteria shading, the user's notes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeline.derive import DAY
from timeline.figures import FIGURES, FigureOptions, build_figure, build_figures, stagger
from timeline.figures.layout import CRITERIA_NAMES, legend_traces
from timeline.figures.theme import CRITERIA_BAND, LABS_ONLY_BAND, SCREEN

from ..conftest import BUNDLED
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


def criteria_shading(figure) -> list[tuple]:
    """(x0, x1, name, colour) of each criteria band, left to right."""
    bands = [s for s in figure.layout.shapes if s.type == "rect" and s.yref == "paper"]
    return sorted((s.x0, s.x1, s.name, s.fillcolor) for s in bands)


def test_criteria_shading_where_lanes_or_labs_are(bundled):
    for name, figure in build_figures(bundled).items():
        shading = [s for s in figure.layout.shapes if s.type == "rect" and s.yref == "paper"]
        if name == "glucocorticoids":
            assert shading == [], FIGURES[name]
        else:
            assert [(s.x0, s.layer) for s in shading] == [(3.0, "below"), (28.0, "below")], name


def test_met_and_labs_only_days_are_shaded_apart_each_over_exactly_its_days(bundled):
    # met (fever + labs) Day 3–27, labs only Day 28–36 (tests/derive/test_criteria.py):
    # a day N covers [N, N + 1) on the axis. Regression: the shading ran to Day 38, the
    # next sample, twelve days past defervescence (Day 26).
    assert criteria_shading(build_figure(bundled)) == [
        (3.0, 28.0, "MAS 2016 fever + labs", CRITERIA_BAND),
        (28.0, 37.0, "MAS 2016 labs only", LABS_ONLY_BAND),
    ]
    assert CRITERIA_BAND != LABS_ONLY_BAND


def test_criteria_shading_is_clipped_to_the_window(bundled):
    window = (bundled.anchor_time + 10 * DAY, bundled.anchor_time + 30 * DAY)
    shading = criteria_shading(build_figure(bundled, FigureOptions(window=window)))
    assert [(x0, x1) for x0, x1, *_ in shading] == [(10.0, 28.0), (28.0, 30.0)]
    dates = criteria_shading(build_figure(bundled, FigureOptions(axis="dates")))
    assert [(x0, x1) for x0, x1, *_ in dates] == [
        ("2000-01-04T00:00:00", "2000-01-29T00:00:00"),
        ("2000-01-29T00:00:00", "2000-02-07T00:00:00"),
    ]


def test_the_labs_only_view_shades_every_laboratory_day_alike(bundled):
    # tocilizumab blunts fever (CLINICAL.md §3c): the laboratory rule alone, Day 3–36
    shading = criteria_shading(build_figure(bundled, FigureOptions(criteria="labs")))
    assert shading == [(3.0, 37.0, "MAS 2016 by labs", CRITERIA_BAND)]


def test_without_any_fever_record_the_shading_says_met_by_labs(case_folder):
    from timeline import load_case

    labs = (BUNDLED / "labs.csv").read_text(encoding="utf-8").splitlines()
    events = (BUNDLED / "events.csv").read_text(encoding="utf-8").splitlines()
    case = load_case(
        case_folder(
            labs="\n".join(line for line in labs if ",temperature," not in line) + "\n",
            events="\n".join(line for line in events if ",fever," not in line) + "\n",
        )
    )
    shading = criteria_shading(build_figure(case))
    assert shading == [(3.0, 37.0, "MAS 2016 met by labs", CRITERIA_BAND)]


def test_the_legend_names_each_rule_shaded(bundled):
    names = [t.name for t in build_figure(bundled).data if t.hoverinfo == "skip" and t.name]
    assert {"MAS 2016 fever + labs", "MAS 2016 labs only"} <= set(names)
    shapes = [{"name": "MAS 2016 by labs", "fillcolor": CRITERIA_BAND}] * 2
    entries = legend_traces(("labs",), SCREEN, 3, shapes)
    criteria = [e for e in entries if e["name"] in CRITERIA_NAMES.values()]
    assert [(e["name"], e["marker"]["color"]) for e in criteria] == [
        ("MAS 2016 by labs", "rgba(204, 121, 167, 0.5)")
    ]
    nothing_shaded = legend_traces(("labs",), SCREEN, 3, [])
    assert not set(CRITERIA_NAMES.values()) & {e["name"] for e in nothing_shaded}


@pytest.mark.parametrize("name", ["sjia-mas-ruxolitinib", "adult-aosd-mas"])
@pytest.mark.parametrize("view", ["fever+labs", "labs"])
def test_the_shading_covers_the_days_the_summary_names(name, view):
    from timeline import load_case
    from timeline.datasets import bundled_case_path
    from timeline.derive.summary import criteria_days

    case = load_case(bundled_case_path(name))
    shading = criteria_shading(build_figure(case, FigureOptions(criteria=view)))
    runs = criteria_days(case)
    if view == "labs":
        expected = [(a, b + 1, "MAS 2016 by labs") for a, b in runs.labs]
    else:
        expected = sorted(
            [(a, b + 1, "MAS 2016 fever + labs") for a, b in runs.met]
            + [(a, b + 1, "MAS 2016 labs only") for a, b in runs.labs_only]
        )
    assert [(x0, x1, n) for x0, x1, n, _ in shading] == expected
    assert expected  # both cases have criteria days


def test_notes_point_into_their_panel_the_top_one_otherwise(bundled):
    notes = ((5.0, "in ferritin", "ferritin"), (40.0, "unknown panel", "nonesuch"))
    notes += ((24.0, "", "lanes"), (9999.0, "after the window", ""))
    fig = build_figure(bundled, FigureOptions(annotations=notes))
    arrows = {a.text: (a.x, a.yref) for a in fig.layout.annotations if a.showarrow}
    assert arrows == {
        "in ferritin": (5.0, f"{panel_axis(fig, 'Ferritin')} domain"),
        "unknown panel": (40.0, "y domain"),
    }
