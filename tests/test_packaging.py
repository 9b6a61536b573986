"""The package installs on its own: its data inside the wheel, the command, no page imports."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from timeline import datasets

ROOT = Path(__file__).resolve().parents[1]
PIP_WHEEL = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*PIP_WHEEL, "--wheel-dir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return zipfile.ZipFile(next(out.glob("timeline-*.whl")))


def test_wheel_carries_the_package_data(wheel):
    names = set(wheel.namelist())
    catalogue = {p.name for p in (ROOT / "timeline" / "catalogue").glob("*.csv")}
    assert {f"timeline/catalogue/{n}" for n in catalogue} <= names
    assert {
        "timeline/template.xlsx",
        "timeline/vendor/plotly-basic.min.js",
        "timeline/vendor/plotly.js-LICENSE",
    } <= names
    # the tools around the package stay out of it
    assert not any(n.startswith(("benchmarks/", "tests/", "data/")) for n in names)


def test_wheel_declares_the_timeline_command(wheel):
    entry_points = next(n for n in wheel.namelist() if n.endswith("entry_points.txt"))
    assert "timeline = timeline.cli:main" in wheel.read(entry_points).decode()


def test_the_command_line_imports_no_page_or_browser_library():
    code = (
        "import sys, timeline.cli; "
        "print(sorted(m for m in ('streamlit', 'playwright', 'pandas', 'plotly') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_without_bundled_cases_the_page_asks_for_an_upload(monkeypatch, tmp_path):
    # an installed package has no data/ folder beside it
    monkeypatch.setattr(datasets, "DATA", tmp_path / "no-data")
    assert datasets.bundled_cases() == {}
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert datasets.NO_BUNDLED_CASES in [i.value for i in at.sidebar.info]
    assert at.sidebar.radio(key="source").options == ["Upload"]
    assert not at.get("plotly_chart")
