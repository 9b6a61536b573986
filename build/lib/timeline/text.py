"""How a dose is written, the same on the figure, the page and the slides."""

from __future__ import annotations

from . import catalogue as cat


def short_frequency(frequency: str) -> str:
    """'bid' for 'twice daily'; a frequency the catalogue does not know as entered."""
    return cat.short_frequencies().get(frequency, frequency)


def dose_text(dose: float, unit: str, frequency: str | None = None, single: bool = False) -> str:
    """'10 mg', or with its frequency '10 mg bid': the dose per administration as entered.

    A single administration is written without a frequency ('288 mg').
    """
    text = f"{dose:g} {unit}"
    return text if frequency is None or single else f"{text} {short_frequency(frequency)}"


def mg_text(mg: float) -> str:
    """A dose in mg, in grams from 1 g up ('1 g', '500 mg')."""
    return f"{mg / 1000:g} g" if mg >= 1000 else f"{mg:g} mg"
