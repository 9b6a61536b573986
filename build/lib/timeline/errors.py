"""Problems found in a case file, and the error that carries them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    """Whether a problem stops loading."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user sees it.

    ``row`` is the spreadsheet row (the header is row 1); ``where`` names the
    file, or the workbook and its sheet.
    """

    severity: Severity
    where: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        place = [self.where]
        if self.row is not None:
            place.append(f"row {self.row}")
        if self.column is not None:
            place.append(f"column '{self.column}'")
        shown = f" {_quote(self.value)}:" if self.value not in (None, "") else ""
        return f"{self.severity.value}: {', '.join(place)}:{shown} {self.message}"


def _quote(value: str | None) -> str:
    text = str(value)
    return repr(text[:60] + "…") if len(text) > 60 else repr(text)


class CaseLoadError(Exception):
    """A case could not be loaded; ``problems`` lists every error and warning."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.severity is Severity.ERROR]
        msg = f"{len(errors)} problem(s) stop this case from loading:\n" + "\n".join(
            str(p) for p in errors
        )
        super().__init__(msg)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class UsageError(Exception):
    """The command line was given an option or argument it cannot use (exit code 2)."""
