"""The README documents the format as declared, and the test command CI runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.format import CASE_KEYS, TABLES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "name"),
    [("case", f.name) for f in CASE_KEYS]
    + [(table, f.name) for table, fields in TABLES.items() for f in fields],
)
def test_every_column_is_documented_in_its_section(section, name):
    start = README.index(f"### {section} ")
    end = README.index("###", start + 4)
    assert f"| `{name}` |" in README[start:end]


def test_ci_runs_the_readme_test_command():
    assert "\nmake test\n" in README
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
