"""What each figure is made of: its panels, their titles, lines and bands, valid plotly."""

from __future__ import annotations

import json

import numpy as np
import plotly.graph_objects as go
import pytest

from timeline import load_case
from timeline.figures import FIGURES, FigureOptions, build_figure, build_figures

from .conftest import panel_axis


@pytest.mark.parametrize("theme", ["screen", "slide"])
@pytest.mark.parametrize("axis", ["days", "dates"])
def test_every_figure_is_valid_plotly(bundled, theme, axis):
    # the builder skips plotly's validation for speed; here every figure is validated
    for figure in build_figures(bundled, FigureOptions(theme=theme, axis=axis)).values():
        go.Figure(figure.to_dict())


def test_figure_names(bundled):
    assert (
        set(build_figures(bundled))
        == set(FIGURES)
        == {"timeline", "treatments", "glucocorticoids", "labs"}
    )


@pytest.mark.parametrize(
    ("label", "value"),
    [
        ("Ferritin", 684.0),
        ("Platelets", 181.0),
        ("AST", 48.0),
        ("Triglycerides", 156 / 88.57),
        ("Fibrinogen", 3.6),
    ],
)
def test_mas_thresholds_in_the_panels_unit(timeline, label, value):
    y = panel_axis(timeline, label)
    lines = [s for s in timeline.layout.shapes if s.type == "line" and s.yref == y and s.y0 == s.y1]
    assert len(lines) == 1
    assert lines[0].y0 == pytest.approx(value)
    assert lines[0].line.dash == "dash"
    assert (lines[0].xref, lines[0].x0, lines[0].x1) == (f"{y.replace('y', 'x')} domain", 0, 1)
    (name,) = [a for a in timeline.layout.annotations if a.yref == y]
    assert name.text.startswith("MAS 2016 ")
    log = timeline.layout[y.replace("y", "yaxis")].type == "log"
    assert name.y == pytest.approx(np.log10(value) if log else value)  # beside its line


@pytest.mark.parametrize(("label", "low", "high"), [("Ferritin", 10, 140), ("Platelets", 150, 450)])
def test_reference_range_is_a_band_across_its_panel(timeline, label, low, high):
    # the bundled case gives no ranges: the catalogue's defaults (CLINICAL.md §3)
    y = panel_axis(timeline, label)
    (band,) = [s for s in timeline.layout.shapes if s.type == "rect" and s.yref == y]
    assert (band.y0, band.y1) == (low, high)
    assert (band.xref, band.x0, band.x1) == (f"{y.replace('y', 'x')} domain", 0, 1)


def test_every_panel_title_carries_its_unit(timeline):
    titles = [a.text for a in timeline.layout.annotations if a.yref.endswith("domain")]
    assert "<b>Ferritin (ng/mL)</b>" in titles
    assert "<b>Fibrinogen (g/L)</b>" in titles
    assert "<b>Glucocorticoid, prednisone-equivalent (mg/day)</b>" in titles


def test_ferritin_on_a_log_axis(timeline):
    axis = panel_axis(timeline, "Ferritin").replace("y", "yaxis")
    assert timeline.layout[axis].type == "log"


def test_user_text_is_escaped_and_never_in_a_template(with_rows):
    note = "<b>bold</b> %{y} <script>x</script>"
    case = load_case(
        with_rows("treatments", f"ruxolitinib,2000-06-01,,5,mg,twice daily,oral,,{note}")
    )
    fig = build_figure(case)
    text = fig.to_json()
    assert "<script>" not in text
    assert "&lt;script&gt;" in text
    for trace in fig.data:
        assert "%{y}" not in (trace.hovertemplate or "").replace("%{y:.6~g}", "")


def test_figure_json_is_compact(bundled):
    total = sum(len(f.to_json()) for f in build_figures(bundled).values())
    assert total < 400_000
    json.loads(build_figure(bundled).to_json())
