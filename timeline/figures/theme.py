"""Screen and slide themes: one place for fonts, sizes and colours."""

from __future__ import annotations

from dataclasses import dataclass

FONT = (
    "Open Sans, DejaVu Sans, Arial, sans-serif"  # Debian fonts-open-sans; same on page and export
)
INK = "#222222"
MUTED = "#666666"
GRID = "#E6E6E6"
OUT_OF_RANGE = "#D55E00"  # Okabe–Ito vermillion: out-of-range points
LAB_LINE = "#3B3B3B"
REFERENCE_BAND = "rgba(0, 158, 115, 0.10)"  # Okabe–Ito bluish green, faint
CRITERIA_BAND = "rgba(204, 121, 167, 0.16)"  # Okabe–Ito reddish purple, faint: MAS 2016 met
# Okabe–Ito orange, faint: laboratory criteria only. Orange against reddish purple differs
# on the blue–yellow axis, which red–green colour blindness keeps.
LABS_ONLY_BAND = "rgba(230, 159, 0, 0.16)"
EVENT_LINE = "#555555"


@dataclass(frozen=True)
class Theme:
    name: str
    font_size: int
    small: int
    line: float
    marker: int
    lane_px: int
    steroid_px: int
    lab_px: int
    width: int | None  # None: the page decides
    height: int | None  # None: from the rows
    grid: bool


SCREEN = Theme("screen", 12, 11, 1.6, 7, 34, 130, 105, None, None, True)
# Laid out at slide size in points (960×540 = 13.33×7.5 in); exported at scale 2
# this gives 1920×1080 px with fonts at their intended size.
SLIDE = Theme("slide", 16, 14, 2.6, 9, 34, 120, 95, 960, 540, False)
# Presentation mode on the page: larger text for the back of the room, width from the page.
PROJECTOR = Theme("projector", 18, 16, 2.8, 10, 44, 150, 125, None, None, False)
# A journal column (89 mm = 252 pt) printed at 300 dpi: journal-sized text (7 pt).
JOURNAL = Theme("journal", 7, 6, 0.9, 4, 16, 60, 48, 252, 340, False)
THEMES = {"screen": SCREEN, "slide": SLIDE, "projector": PROJECTOR, "journal": JOURNAL}
