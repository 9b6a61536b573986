"""Shared fixtures: the bundled case, and copies of it with one table edited."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from timeline import Case, load_case
from timeline.datasets import bundled_case_path

BUNDLED = bundled_case_path()
SHARED_FIXTURES = Path(__file__).resolve().parents[2] / "shared" / "fixtures"


@pytest.fixture(scope="session")
def bundled() -> Case:
    return load_case(BUNDLED)


@pytest.fixture
def case_folder(tmp_path: Path) -> Callable[..., Path]:
    """Copy the bundled case; replace tables by text (``labs="time,test..."``)."""

    def make(**tables: str | bytes) -> Path:
        folder = tmp_path / "case"
        shutil.copytree(BUNDLED, folder)
        for name, content in tables.items():
            data = content.encode() if isinstance(content, str) else content
            (folder / f"{name}.csv").write_bytes(data)
        return folder

    return make


@pytest.fixture
def with_rows(case_folder) -> Callable[..., Path]:
    """The bundled case with rows appended to one table (header from the file)."""

    def make(table: str, *rows: str) -> Path:
        text = (BUNDLED / f"{table}.csv").read_text(encoding="utf-8")
        return case_folder(**{table: text + "".join(r + "\n" for r in rows)})

    return make


def rows_of(table: str) -> int:
    """The spreadsheet row number the next appended row will have."""
    lines = (BUNDLED / f"{table}.csv").read_text(encoding="utf-8").splitlines()
    return len(lines) + 1


ADULT = bundled_case_path("adult-aosd-mas")


@pytest.fixture(scope="session")
def adult() -> Case:
    """The second bundled case: an adult man, SI units, doses by weight and body surface."""
    return load_case(ADULT)


@pytest.fixture(scope="module")
def chromium_browser():
    """The system Chromium driven by playwright, one per test module that asks for it
    (closed with its module, so no other module runs beside a live playwright loop)."""
    import os

    from benchmarks.browser import CHROMIUM, CHROMIUM_ARGS

    if not os.path.exists(CHROMIUM):
        pytest.skip("Chromium is not installed: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
