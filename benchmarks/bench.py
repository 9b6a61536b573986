"""Benchmark: median time of each step in one warm process, with its target."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    """A timed step (median over ``runs``) or a measured size (``unit`` kB, runs 0)."""

    step: str
    value: float
    unit: str
    runs: int
    target: float | None

    @property
    def ok(self) -> bool | None:
        return None if self.target is None else self.value <= self.target


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _interleaved_ms(fns: list[Callable[[], object]], runs: int) -> list[float]:
    """Medians of several steps timed in turn (A B A B ...), so each sees the same machine."""
    for fn in fns:
        fn()
    times: list[list[float]] = [[] for _ in fns]
    for _ in range(runs):
        for fn, spent in zip(fns, times, strict=True):
            start = time.perf_counter()
            fn()
            spent.append((time.perf_counter() - start) * 1000)
    return [statistics.median(spent) for spent in times]


def naive_figures(case) -> list:
    """The obvious plotly express build of the same data, for comparison only."""
    import plotly.express as px

    t = case.treatments.assign(finish=case.treatments["end"].fillna(case.treatments["start"]))
    lanes = px.timeline(
        t,
        x_start="start",
        x_end="finish",
        y="drug",
        color="drug",
        hover_data=["dose", "dose_unit", "frequency", "route", "note"],
    )
    labs = px.line(
        case.labs,
        x="time",
        y="value",
        facet_row="test",
        markers=True,
        hover_data=["value_input", "unit_input", "ref_low", "ref_high"],
    )
    labs.update_yaxes(matches=None)
    return [lanes, labs]


def _json_kb(figures) -> float:
    return sum(len(f.to_json()) for f in figures) / 1000


def run() -> list[Result]:
    from benchmarks.synthetic import generated_tables, write_case_folder
    from timeline.datasets import bundled_case_path

    bundled = bundled_case_path()
    with tempfile.TemporaryDirectory() as tmp:
        large = write_case_folder(generated_tables(100_000, 2_000), Path(tmp) / "large")
        before = _machine("before")
        from benchmarks.story import story_deck_results, story_results

        results = _measure(bundled, large) + export_results(bundled) + page_results()
        results += story_results() + story_deck_results()
        return [before, *results, _machine("after")]


def _machine(when: str) -> Result:
    """A fixed pure-Python loop: how fast the machine was, since shared hosts vary."""
    spent = _median_ms(lambda: sum(i * i for i in range(3_000_000)), 3)
    return Result(f"machine: reference loop, {when} (3M squares)", round(spent, 1), "ms", 3, None)


def _measure(bundled: Path, large_path: Path) -> list[Result]:
    from timeline.datasets import DATA
    from timeline.figures import build_figure, build_figures
    from timeline.load import load_case

    case, large = load_case(bundled), load_case(large_path)
    timed: list[tuple[str, Callable[[], object], int, int | None]] = [
        ("load bundled case (CSV folder)", lambda: load_case(bundled), 20, 100),
        (
            "load bundled case (workbook)",
            lambda: load_case(DATA / f"{bundled.name}.xlsx"),
            10,
            None,
        ),
        (
            "load generated case: 100,000 labs (some censored, some words), 2,000 treatments",
            lambda: load_case(large_path),
            5,
            2000,
        ),
    ]
    timed += [
        ("figures, generated case: all 4", lambda: build_figures(large), 3, 1500),
        ("figures, generated case: naive px (comparison)", lambda: naive_figures(large), 3, None),
    ]
    results = [
        Result(name, round(_median_ms(fn, runs), 1), "ms", runs, target)
        for name, fn, runs, target in timed
    ]
    # ours and the naive build in turn, so a busy machine weighs on both alike
    ours, timeline, naive = _interleaved_ms(
        [lambda: build_figures(case), lambda: build_figure(case), lambda: naive_figures(case)], 20
    )
    results[3:3] = [
        Result("figures, bundled case: all 4", round(ours, 1), "ms", 20, 50),
        Result("figures, bundled case: timeline only", round(timeline, 1), "ms", 20, None),
        Result("figures, bundled case: naive px (comparison)", round(naive, 1), "ms", 20, None),
        Result("figures, bundled case: all 4 / naive px", round(ours / naive, 2), "x", 20, None),
    ]
    # the naive build shows everything once, as our timeline figure does: compare those
    results += [
        Result(
            "figure JSON, bundled case: all 4",
            round(_json_kb(build_figures(case).values()), 1),
            "kB",
            0,
            None,
        ),
        Result(
            "figure JSON, generated case: timeline",
            round(_json_kb([build_figure(large)]), 1),
            "kB",
            0,
            1000,
        ),
        Result(
            "figure JSON, generated case: all 4",
            round(_json_kb(build_figures(large).values()), 1),
            "kB",
            0,
            None,
        ),
        Result(
            "figure JSON, generated case: naive px",
            round(_json_kb(naive_figures(large)), 1),
            "kB",
            0,
            None,
        ),
    ]
    return results


_NAIVE_IMAGE = """
import sys, time
import plotly.io as pio
figure = pio.read_json(sys.argv[1])
start = time.perf_counter()
figure.write_image(sys.argv[2], width=960, height=540, scale=2)  # Chrome started for this image
print(time.perf_counter() - start)
"""


def export_results(bundled: Path) -> list[Result]:
    """The deck command's wall time (every test of the case on a slide), one more PNG
    of the deck's figures on the running Chrome, and the naive path."""
    import subprocess
    import sys

    from timeline._renderer import RELOAD_EVERY
    from timeline.errors import ExportError
    from timeline.export import image_bytes, sheets
    from timeline.figures import FigureOptions
    from timeline.load import load_case
    from timeline.sizes import SIZES

    case = load_case(bundled)
    figures = [s.figure for s in sheets(case, FigureOptions(theme="slide"), "16:9")]
    size = SIZES["16:9"]
    width, height = size.figure_pt
    try:
        image_bytes(figures[0], "png", width, height, size.scale)  # Chrome up and warm
    except ExportError:
        return []  # no Chrome: nothing to measure
    # the mean over one reload period, so the tab's periodic reload is paid for
    start = time.perf_counter()
    for i in range(RELOAD_EVERY):
        image_bytes(figures[i % len(figures)], "png", width, height, size.scale)
    extra = (time.perf_counter() - start) * 1000 / RELOAD_EVERY
    with tempfile.TemporaryDirectory() as tmp:

        def deck() -> None:
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "timeline",
                    "export",
                    str(bundled),
                    "--out",
                    tmp,
                    "--format",
                    "pptx",
                ],
                check=True,
                capture_output=True,
            )

        wall = _median_ms(deck, 3)
        (Path(tmp) / "figure.json").write_text(figures[0].to_json(), encoding="utf-8")
        naive = subprocess.run(
            [
                sys.executable,
                "-c",
                _NAIVE_IMAGE,
                str(Path(tmp) / "figure.json"),
                str(Path(tmp) / "naive.png"),
            ],
            check=True,
            capture_output=True,
            text=True,
        )
    return [
        Result(
            f"export: deck command, wall, all {len(figures)} figures, every test "
            "(python -m timeline export --format pptx)",
            round(wall, 1),
            "ms",
            3,
            5000,
        ),
        Result(
            f"export: one more PNG, {' x '.join(map(str, size.pixels))}, running Chrome "
            f"(mean, the deck's {len(figures)} figures)",
            round(extra, 1),
            "ms",
            RELOAD_EVERY,
            300,
        ),
        Result(
            "export: naive write_image, Chrome started per image (comparison)",
            round(float(naive.stdout.strip().splitlines()[-1]) * 1000, 1),
            "ms",
            1,
            None,
        ),
    ]


# The least any Streamlit page with a plotly chart costs on this machine: the
# browser loads Streamlit's 4.7 MB plotly.js chunk for any chart at all.
_ONE_CHART_PAGE = """
import plotly.graph_objects as go
import streamlit as st

st.title("One chart")
st.plotly_chart(go.Figure(go.Scatter(x=[1, 2, 3], y=[1, 3, 2])), theme=None)
"""


def page_results() -> list[Result]:
    """The page: rerun after a control change (AppTest), and navigation to drawn charts."""
    import os

    from streamlit.testing.v1 import AppTest

    from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS, ROOT, goto_and_wait, running_page

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    choices = iter(["Dates", "Day N"] * 20)
    rerun = _median_ms(lambda: app.radio(key="axis").set_value(next(choices)).run(), 10)
    results = [
        Result("page: rerun after changing the time axis (AppTest)", round(rerun, 1), "ms", 10, 250)
    ]
    if not os.path.exists(CHROMIUM):
        return results
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        floor_script = Path(tmp) / "one_chart.py"
        floor_script.write_text(_ONE_CHART_PAGE, encoding="utf-8")
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

        def navigate(url: str) -> float:
            """ms from navigation to a drawn chart, in a new browser context (nothing cached)."""
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            start = time.perf_counter()
            goto_and_wait(page, url)
            spent = (time.perf_counter() - start) * 1000
            page.close()
            return spent

        def median_navigation(url: str) -> float:
            navigate(url)  # the server's first run of the script: not a warm server yet
            return statistics.median(navigate(url) for _ in range(5))

        with running_page() as url:
            drawn = median_navigation(url)
            present = median_navigation(url + "/?present=1")
        with running_page(script=floor_script) as url:
            floor = median_navigation(url)
        browser.close()
    results += [
        Result(
            "page: navigation to charts drawn (Chromium, warm server)",
            round(drawn, 1),
            "ms",
            5,
            3000,
        ),
        Result(
            "page: the same, presentation mode (the chart alone)", round(present, 1), "ms", 5, None
        ),
        Result(
            "page: a Streamlit page with one 3-point plotly chart (floor, comparison)",
            round(floor, 1),
            "ms",
            5,
            None,
        ),
    ]
    return results


def format_table(results: list[Result]) -> str:
    width = max(len(r.step) for r in results)
    lines = [f"{'step':<{width}}  {'median':>9}  {'unit':<4}  {'runs':>4}  {'target':>7}  ok"]
    for r in results:
        target = "-" if r.target is None else f"{r.target:g}"
        ok = "-" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append(
            f"{r.step:<{width}}  {r.value:>9.{2 if r.unit == 'x' else 1}f}  {r.unit:<4}  "
            f"{r.runs:>4}  {target:>7}  {ok}"
        )
    return "\n".join(lines)


def to_json(results: list[Result]) -> str:
    return json.dumps([asdict(r) | {"ok": r.ok} for r in results], indent=2)
