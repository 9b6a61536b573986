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
