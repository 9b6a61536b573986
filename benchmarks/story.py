"""Story mode: a step on the page (AppTest rerun) and the story deck of the bundled case."""

from __future__ import annotations

from benchmarks.bench import Result, _median_ms


def story_results() -> list[Result]:
    from streamlit.testing.v1 import AppTest

    from benchmarks.browser import ROOT

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.toggle(key="story").set_value(True).run()
    moves = iter(["story_next", "story_back"] * 20)
    step = _median_ms(lambda: app.button(key=next(moves)).click().run(), 10)
    return [Result("page: one story step (AppTest rerun)", round(step, 1), "ms", 10, 250)]


def story_deck_results() -> list[Result]:
    """The story deck command's wall time on the bundled case (one slide per step)."""
    import subprocess
    import sys
    import tempfile

    from timeline.datasets import bundled_case_path

    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "timeline", "export", str(bundled_case_path())]
        command += ["--out", tmp, "--story", "--format", "pptx"]

        def deck() -> None:
            subprocess.run(command, check=True, capture_output=True)

        wall = _median_ms(deck, 3)
    return [
        Result(
            "export: story deck command, wall, bundled case (--story --format pptx)",
            round(wall, 1),
            "ms",
            3,
            6000,
        )
    ]
