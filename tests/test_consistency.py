"""One clinical truth: a Day N shown in one place is the same Day N everywhere."""

from __future__ import annotations

import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.datasets import bundled_cases
from timeline.derive import reanchor
from timeline.derive.summary import treatment_courses
from timeline.figures import FigureOptions, build_figure

CASES = {
    "sjia-mas-ruxolitinib": ("admission", "MAS onset"),
    "adult-aosd-mas": ("admission", "MAS onset"),
}


@pytest.fixture(scope="module", params=[(n, a) for n, anchors in CASES.items() for a in anchors])
def anchored(request):
    name, anchor = request.param
    return reanchor(load_case(bundled_cases()[name]), anchor)


def _event_days(figure) -> dict[str, float]:
    """Each label of an event line (same-day labels split) and its x, on a Day N axis."""
    days = {}
    for a in figure.layout.annotations:
        if a.yref == "paper":
            for label in a.text.split(" · "):
                days[label] = a.x
    return days


def test_start_and_stop_lines_fall_on_the_courses_first_and_last_days(anchored):
    lines = _event_days(build_figure(anchored, FigureOptions()))
    for course in treatment_courses(anchored):
        if cat.is_glucocorticoid(course.drug):
            continue  # their lanes and panel show them, without lines
        name = cat.drug_label(course.drug)
        assert lines[f"{name} start"] == course.first_day, name
        if course.last_day is not None and f"{name} stop" in lines:
            assert lines[f"{name} stop"] == course.last_day, name
