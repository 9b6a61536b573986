"""What an export can be asked for: its formats and sizes (no heavy imports).

The command line checks a request against these before it starts Chrome, so a
mistyped option is reported at once and nothing is left running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .figures.options import ThemeName

FORMATS = ("png", "svg", "pdf", "pptx", "html", "json")
RENDERED = frozenset({"png", "svg", "pdf", "pptx"})  # drawn by Chrome (the deck holds PNGs)


@dataclass(frozen=True)
class Size:
    """A page or slide, laid out in points and rendered at ``scale`` (px per pt)."""

    width: int
    height: int
    scale: float
    theme: ThemeName | None = None  # a size that needs its own text sizes (journal)


SIZES = {
    "16:9": Size(960, 540, 2),  # 13.33 × 7.5 in slide: 1920 × 1080 px, text at its pt size
    "4:3": Size(720, 540, 8 / 3),  # 10 × 7.5 in slide: 1920 × 1440 px
    "a4": Size(842, 595, 2.5),  # A4 landscape: 2105 × 1488 px
    "journal": Size(252, 340, 300 / 72, "journal"),  # 89 mm column at 300 dpi: 1050 px wide
}


def request_problem(formats: list[str], size: str) -> str | None:
    """What is wrong with an export request (an unknown format or size), or None."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        return f"unknown format: {', '.join(unknown)} (use {', '.join(FORMATS)})"
    if size not in SIZES:
        return f"unknown size: {size} (use {', '.join(SIZES)})"
    return None
