"""What an export can be asked for: its formats and sizes (no heavy imports).

The command line checks a request against these before it starts Chrome, so a
mistyped option is reported at once and nothing is left running.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .figures.options import ThemeName

FORMATS = ("png", "svg", "pdf", "pptx", "html", "json", "handout")
# drawn by Chrome (the deck holds PNGs, the handout is printed by Chromium)
RENDERED = frozenset({"png", "svg", "pdf", "pptx", "handout"})


@dataclass(frozen=True)
class Size:
    """A slide or page, laid out in points and rendered at ``scale`` (px per pt).

    A slide's pictures sit under its title band (``title_pt``), so each figure is the
    slide less that band, and its PNG has exactly the pixels of that part of the slide
    (``pixels``). A size without a title band (journal) makes no deck of its own.
    """

    width: int
    height: int
    scale: float
    theme: ThemeName | None = None  # a size that needs its own text sizes (journal)
    title_pt: int = 0  # the slide title's band above each picture
    panels: int = 4  # lab panels on one picture at most (see SIZES)
    fixed_height: bool = True  # False: a journal column, as tall as its panels need

    @property
    def figure_pt(self) -> tuple[int, int]:
        """The figure's size in points: the slide or page less its title band."""
        return self.width, self.height - self.title_pt

    @property
    def pixels(self) -> tuple[int, int]:
        """A PNG's size at this size (the README's table; a test renders each); a journal
        figure's height is as laid out, this its height when its panels fit 342 pt."""
        width, height = self.figure_pt
        return round(width * self.scale), round(height * self.scale)

    @property
    def is_slide(self) -> bool:
        """Whether a deck can be laid out at this size (else it is made at 16:9)."""
        return self.title_pt > 0


# Lab panels per picture: a panel must keep room for three labelled ticks at the
# theme's tick size and its title (about 5 lines of text: 70 pt at 14 pt). On a
# 16:9 or 4:3 slide (540 pt tall, less the title, the legend and the axis) three
# panels get 85-100 pt each and four only 55-65 pt, so three; A4 landscape (595 pt)
# takes three as well; a journal column (7 pt text) holds four, as tall as they need.
# Whatever the number, a picture that would still be taller than its slide is split
# again (export._fitted), never shrunk.
SIZES = {
    "16:9": Size(960, 540, 2, title_pt=48, panels=3),  # 13.33 × 7.5 in slide
    "4:3": Size(720, 540, 8 / 3, title_pt=48, panels=3),  # 10 × 7.5 in slide
    "a4": Size(842, 595, 2.5, title_pt=45, panels=3),  # A4 landscape, 297 × 210 mm
    # an 89 mm column at 300 dpi; 342 pt (12.1 cm) tall, a whole number of pixels
    "journal": Size(252, 342, 300 / 72, "journal", panels=4, fixed_height=False),
}
DECK_SIZE = "16:9"  # a deck asked for at a size that is no slide (journal)


def deck_size(size: str) -> str:
    """The size a deck is laid out at for an export at ``size``."""
    return size if SIZES[size].is_slide else DECK_SIZE


def request_problem(formats: list[str], size: str) -> str | None:
    """What is wrong with an export request (an unknown format or size), or None."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown:
        return f"unknown format: {', '.join(unknown)} (use {', '.join(FORMATS)})"
    if size not in SIZES:
        return f"unknown size: {size} (use {', '.join(SIZES)})"
    return None
