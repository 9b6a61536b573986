"""Helpers to read figures as data: traces by panel, marks by kind."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from timeline.figures import build_figure


def panel_axis(fig: go.Figure, title_start: str) -> str:
    """The y-axis ('y3') of the panel whose title begins with ``title_start``."""
    for annotation in fig.layout.annotations:
        text = annotation.text or ""
        if text.startswith(f"<b>{title_start}") and annotation.yref.endswith(" domain"):
            return annotation.yref.split()[0]
    msg = f"no panel titled {title_start!r}"
    raise AssertionError(msg)


def traces_on(fig: go.Figure, yaxis: str) -> list:
    return [t for t in fig.data if t.yaxis == yaxis]


def marker_points(fig: go.Figure, yaxis: str) -> list[tuple[float, float]]:
    """(x, y) of every lab value drawn as a marker in one panel."""
    points = []
    for t in traces_on(fig, yaxis):
        if t.mode == "markers" and t.x is not None and t.x[0] is not None:
            points += list(zip(t.x, t.y, strict=True))
    return points


def text_of(trace) -> str:
    text = () if trace.text is None else trace.text
    parts = [text] if isinstance(text, str) else [str(x) for x in text]
    custom = trace.customdata if trace.customdata is not None else ()
    parts += [str(c) for c in custom]
    return " ".join([*parts, trace.hovertemplate or ""])


@pytest.fixture(scope="module")
def timeline(bundled) -> go.Figure:
    """The bundled case's timeline figure with the default options."""
    return build_figure(bundled)
