"""Bundled cases, read from the checkout's data/ folder (never the network), and the template.

sjia-mas-ruxolitinib
    The seed case (Wu, Shen, Lu, J Clin Pediatr 2025): sJIA with refractory MAS,
    ruxolitinib salvage. Stated facts exact, the rest illustrative and marked so.
    Day 0 is the admission, on the synthetic date 2000-01-01. Columns and units
    are those of the case format (README, "The case format").

The cases live beside the package in a checkout, not inside it: a package
installed with ``pip install .`` has none, and ``bundled_cases()`` is then empty.
The empty template is package data and is always there.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
DEFAULT_CASE = "sjia-mas-ruxolitinib"
TEMPLATE = Path(__file__).resolve().parent / "template.xlsx"
NO_BUNDLED_CASES = (
    "No bundled cases here: they ship in the data/ folder of the repository, not with "
    "an installed package. Upload a case, or run the page from a clone of the repository."
)


def bundled_cases() -> dict[str, Path]:
    """Name to folder of every bundled case; empty when there is no data/ folder."""
    if not DATA.is_dir():
        return {}
    return {p.name: p for p in sorted(DATA.iterdir()) if (p / "case.csv").is_file()}


def bundled_case_path(name: str = DEFAULT_CASE) -> Path:
    return bundled_cases()[name]
