"""The README documents the format as declared, and the test command CI runs."""

from __future__ import annotations

import re
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


def test_the_layout_section_lists_every_module():
    layout = README[README.index("## Layout") :]
    modules = sorted(
        str(p.relative_to(ROOT / "timeline")) for p in (ROOT / "timeline").rglob("*.py")
    )
    missing = [m for m in modules if m not in layout]
    assert not missing, f"README's layout does not list {missing}"
    for tool in sorted((ROOT / "benchmarks").glob("*.py")):
        assert tool.name in layout
    # and names nothing that is gone
    listed = set(re.findall(r"[\w/]+\.py", layout))
    exists = set(modules) | {p.name for p in (ROOT / "benchmarks").glob("*.py")}
    gone = [
        m
        for m in listed
        if m not in exists and not (ROOT / m).exists() and not m.startswith("test")
    ]
    assert not gone, f"README's layout lists {gone}, which is not in the tree"
