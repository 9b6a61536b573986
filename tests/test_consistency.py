"""One clinical truth: a Day N shown in one place is the same Day N everywhere."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from pptx import Presentation
from streamlit.testing.v1 import AppTest

from timeline import catalogue as cat
from timeline import load_case
from timeline.datasets import bundled_cases
from timeline.derive import reanchor
from timeline.derive.summary import criteria_days, treatment_courses
from timeline.errors import ExportError
from timeline.export import export_files
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
        if a.yref == "paper" and a.xref == "x":  # numbered events carry their name in hover
            for label in (a.hovertext or a.text).split(" · "):
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


# --- the same days on the page, in the figure and on the slides ----------------------

APP = str(Path(__file__).resolve().parents[1] / "app.py")
DAY_RANGE = re.compile(r"Day (-?\d+)(?: to Day (-?\d+))?")


def _runs(text: str) -> list[tuple[int, int]]:
    """'Day 3 to Day 27; … Day 30' → [(3, 27), (30, 30)]."""
    return [(int(a), int(b or a)) for a, b in DAY_RANGE.findall(text)]


def _shaded(figure) -> list[tuple[float, float]]:
    """The MAS 2016 shading across the figure, as [first day, last day + 1) on the axis."""
    return sorted(
        (s.x0, s.x1) for s in figure.layout.shapes if s.type == "rect" and s.yref == "paper"
    )


@pytest.fixture(scope="module", params=[(n, a) for n, anchors in CASES.items() for a in anchors])
def views(request):
    """One case under one Day 0, as the page shows it, the figure draws it, the deck says it."""
    name, anchor = request.param
    case = reanchor(load_case(bundled_cases()[name]), anchor)
    page = AppTest.from_file(APP, default_timeout=60).run()
    page.selectbox(key="bundled").set_value(name).run()
    page.selectbox(key=f"anchor:bundled:{name}").set_value(anchor).run()
    assert not page.exception
    try:
        files = export_files(
            case, FigureOptions(theme="slide"), ["pptx"], "16:9", dt.datetime(2026, 1, 1), None
        )
    except ExportError as exc:
        pytest.skip(str(exc))
    deck = Presentation(io.BytesIO(files[f"{name}.pptx"]))
    # the summary table, over every slide it takes (a long one continues on the next)
    tables = [s.table for page in deck.slides for s in page.shapes if s.has_table]
    slide = {t.cell(r, 0).text: t.cell(r, 1).text for t in tables for r in range(len(t.rows))}
    header = " ".join(m.value.replace("\\", "") for m in page.markdown)
    figure = json.loads(page.get("plotly_chart")[0].proto.spec)
    return case, header, figure, slide


def test_criteria_periods_are_the_same_everywhere(views):
    case, header, page_figure, slide = views
    runs = criteria_days(case)
    derived = sorted((*runs.met, *runs.labs_only))
    shaded = sorted(
        (s["x0"], s["x1"])
        for s in page_figure["layout"]["shapes"]
        if s["type"] == "rect" and s.get("yref") == "paper"
    )
    # the page's figure shades [first, last + 1): each period covers its last day whole
    assert shaded == [(float(a), float(b + 1)) for a, b in derived]
    assert _shaded(build_figure(case, FigureOptions())) == shaded
    assert sorted(_runs(slide["MAS 2016 criteria"])) == derived
    criteria_line = header[header.index("MAS 2016 criteria") :].split("After")[0]
    assert sorted(_runs(criteria_line)) == derived


def test_key_days_and_courses_are_the_same_everywhere(views):
    case, header, page_figure, slide = views
    assert f"Admission Day {slide['Admission'].removeprefix('Day ')}" in header
    assert f"MAS onset Day {slide['MAS onset'].removeprefix('Day ')}" in header
    lines = _event_days(build_figure(case, FigureOptions()))
    for course in treatment_courses(case):
        text = slide[cat.drug_label(course.drug)]
        first = int(DAY_RANGE.search(text).group(1))
        assert first == course.first_day
        name = cat.drug_label(course.drug)
        if f"{name} stop" in lines:  # drawn on the last day, as the slide writes it
            assert f"to Day {int(lines[f'{name} stop'])}:" in text
    page_lines = {
        label: a["x"]
        for a in page_figure["layout"]["annotations"]
        if a.get("yref") == "paper" and a.get("xref") == "x"
        for label in a.get("hovertext", a["text"]).split(" · ")
    }
    assert page_lines == lines
