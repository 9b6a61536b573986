"""Bundled cases, read from the repository's data/ folder (never the network).

sjia-mas-ruxolitinib
    The seed case (Wu, Shen, Lu, J Clin Pediatr 2025): sJIA with refractory MAS,
    ruxolitinib salvage. Stated facts exact, the rest illustrative and marked so.
    Day 0 is the admission, on the synthetic date 2000-01-01. Columns and units
    are those of the case format (README, "The case format").
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_CASE = "sjia-mas-ruxolitinib"
TEMPLATE = DATA / "template.xlsx"


def bundled_cases() -> dict[str, Path]:
    """Name to folder of every bundled case."""
    return {p.name: p for p in sorted(DATA.iterdir()) if (p / "case.csv").is_file()}


def bundled_case_path(name: str = DEFAULT_CASE) -> Path:
    return bundled_cases()[name]
