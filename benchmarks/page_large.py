"""``python -m benchmarks.page_large``: the page on a generated case of 100,000 lab rows.

Times each control change as AppTest reruns the page (target 2 s each, issue 16), and
the package calls a rerun makes, so a slow step can be found without a profiler.
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAB_ROWS, TREATMENT_ROWS = 100_000, 2_000
TARGET_S = 2.0


def _zipped(tables) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, frame in tables.items():
            archive.writestr(f"{name}.csv", frame.to_csv(index=False))
    return buffer.getvalue()


def _seconds(fn: Callable[[], object], runs: int = 1) -> float:
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        spent.append(time.perf_counter() - start)
    return statistics.median(spent)


def page_changes(data: bytes) -> list[tuple[str, float]]:
    """Seconds for the upload's first run and each control change after it."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300).run()
    at.radio(key="source").set_value("Upload").run()
    uploaded = _seconds(lambda: at.file_uploader(key="upload").upload("big.zip", data).run())
    key = f"{at.session_state['case_key']}:admission"
    days = iter(range(1, 1000))
    axes = iter(["Dates", "Day N"] * 10)

    def tab(name: str) -> Callable[[], object]:
        def open_it() -> object:
            at.session_state["data_tabs"] = name
            return at.run()

        return open_it

    steps: list[tuple[str, Callable[[], object]]] = [
        ("time axis changed", lambda: at.radio(key="axis").set_value(next(axes)).run()),
        ("day slider moved", lambda: at.slider(key=f"day:{key}").set_value(next(days)).run()),
        ("calendar dates hidden", lambda: at.checkbox(key="hide_dates").check().run()),
        ("labs tab opened", tab("Labs")),
        (
            "labs tab: page 100 of 200",
            lambda: at.number_input(key=f"page:labs:{key}").set_value(100).run(),
        ),
        (
            "time axis changed, labs tab open",
            lambda: at.radio(key="axis").set_value(next(axes)).run(),
        ),
    ]
    results = [("upload: load and first run", uploaded)]
    for name, step in steps:
        results.append((name, _seconds(step)))
        if at.exception:
            msg = f"{name}: {at.exception[0].value}"
            raise RuntimeError(msg)
    return results


def package_calls(folder: Path) -> list[tuple[str, float]]:
    """Seconds for each package call a rerun makes on the large case (median of 3)."""
    from timeline import load_case, view
    from timeline.derive.summary import case_summary, default_treatment, window_presets
    from timeline.figures import FigureOptions, build_figure
    from timeline.wording import summary_lines

    case = load_case(folder)
    treatment = default_treatment(case)
    calls: list[tuple[str, Callable[[], object]]] = [
        ("build_figure (timeline/figures)", lambda: build_figure(case, FigureOptions())),
        ("summary lines", lambda: summary_lines(case_summary(case, treatment))),
        ("window presets", lambda: window_presets(case, treatment)),
        (
            "day panel (state_on + criteria_on)",
            lambda: (view.state_on(case, 10), view.criteria_on(case, 10)),
        ),
        ("labs tab, one page", lambda: view.table_page(case, "labs", False, 100)),
        ("treatments tab, one page", lambda: view.table_page(case, "treatments", False, 0)),
    ]
    return [(name, _seconds(call, 3)) for name, call in calls]


def main() -> int:
    from benchmarks.synthetic import generated_tables, write_case_folder

    tables = generated_tables(LAB_ROWS, TREATMENT_ROWS)
    data = _zipped(tables)
    print(
        f"case: {LAB_ROWS:,} lab rows, {TREATMENT_ROWS:,} treatments; zip {len(data) / 1e6:.2f} MB"
    )
    changes = page_changes(data)
    print(f"\npage (AppTest rerun, target {TARGET_S} s per control change)")
    for name, seconds in changes:
        mark = "" if name.startswith("upload") else ("  ok" if seconds <= TARGET_S else "  SLOW")
        print(f"  {name:40s} {seconds:6.2f} s{mark}")
    with tempfile.TemporaryDirectory() as tmp:
        calls = package_calls(write_case_folder(tables, Path(tmp) / "large"))
    print("\npackage calls in a rerun (median of 3)")
    for name, seconds in calls:
        print(f"  {name:40s} {seconds * 1000:6.0f} ms")
    slow = [n for n, s in changes if not n.startswith("upload") and s > TARGET_S]
    return 1 if slow else 0


if __name__ == "__main__":
    sys.exit(main())
