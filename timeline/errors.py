"""Problems found in a case file, and every exception the package raises."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum, auto

from .limits import MAX_PROBLEMS


class Severity(StrEnum):
    """Whether a problem stops loading."""

    ERROR = "error"
    WARNING = "warning"


class ProblemCode(StrEnum):
    """What kind of problem it is: a program reads this, a person reads the message.

    The value is the member's name in lower case (``bad_date``); it never changes
    when a message is reworded.
    """

    # the container and its files (sources.py)
    PATH_NOT_FOUND = auto()  # the path given does not exist
    NOT_A_CASE = auto()  # neither a folder, a workbook nor a zip
    UNREADABLE_FILE = auto()  # a damaged zip or workbook, text that is not text or not CSV
    MISSING_TABLE = auto()  # a required table (file or sheet) is absent
    EMPTY_TABLE = auto()  # a file without even a header row
    NO_HEADER = auto()  # row 1 is blank
    STRAY_CELLS = auto()  # cells to the right of the header's last column
    UNKNOWN_SHEET = auto()  # a workbook sheet that is not part of the format
    # the header of a table
    MISSING_COLUMN = auto()
    DUPLICATE_HEADING = auto()
    UNNAMED_COLUMN = auto()  # values under an empty heading
    UNKNOWN_COLUMN = auto()  # a heading that is not part of the format (not read)
    # one cell
    EMPTY_REQUIRED = auto()
    BAD_DATE = auto()
    AMBIGUOUS_DATE = auto()  # 01/02/2000: day/month order unknown
    BAD_NUMBER = auto()
    COMMA_DECIMAL = auto()  # 2,5 for 2.5
    UNKNOWN_DRUG = auto()
    UNKNOWN_DOSE_UNIT = auto()
    UNKNOWN_FREQUENCY = auto()
    UNKNOWN_ROUTE = auto()
    UNKNOWN_KIND = auto()
    UNKNOWN_EVENT_TYPE = auto()
    UNKNOWN_TEST = auto()
    UNKNOWN_TEST_UNITS = auto()  # an unknown test in two units: one series per unit
    UNKNOWN_LAB_UNIT = auto()
    UNKNOWN_PANEL = auto()
    EXAMPLE_ROW = auto()  # the template's example row is still there
    # one row, or rows together
    DUPLICATE_ROW = auto()
    DOSE_NOT_POSITIVE = auto()
    END_BEFORE_START = auto()
    ONCE_WITH_END = auto()  # frequency 'once' with an end after the start
    DOSE_RATE_MISMATCH = auto()  # a rate without 'continuous', or 'continuous' without a rate
    REF_ORDER = auto()  # ref_low above ref_high
    # the case table
    BAD_CASE_HEADER = auto()
    UNKNOWN_CASE_KEY = auto()
    CASE_KEY_TWICE = auto()
    MISSING_CASE_KEY = auto()
    BAD_CASE_VALUE = auto()
    ANCHOR_NOT_FOUND = auto()
    # plausibility: warnings, never errors
    CONFLICTING_RESULTS = auto()  # one test, one time, different values
    IMPLAUSIBLE_LAB_UNIT = auto()  # a value that suggests another unit
    DOSE_ABOVE_LIMIT = auto()  # mg/day above the drug's limit
    DOSE_PER_KG_ABOVE_LIMIT = auto()  # mg/kg/day above the drug's limit
    DOSE_INTERVAL = auto()  # IV doses closer than the drug's usual interval
    # numbers and lab results as written (issue 14)
    THOUSANDS_ASSUMED = auto()  # warning: '40,000' read as forty thousand, not 40.000
    AMBIGUOUS_NUMBER = auto()  # separators that could mean more than one number: '1.234,5'
    # limits and silent choices (issue 16): see timeline/limits.py
    TOO_LARGE = auto()  # a file, zip, table, row count, column count or cell beyond its limit
    SYMLINK = auto()  # a symbolic link in a case folder or zip: refused, never followed
    TWO_CASES = auto()  # one zip holding the tables of two case folders
    EXTRA_FILE = auto()  # warning: a file in a case folder or zip that is not a table
    DUPLICATE_SHEET = auto()  # two sheets whose names differ only in case or spaces
    HIDDEN_SHEET = auto()  # warning: a hidden or very hidden sheet, not read
    FORMULA_CELL = auto()  # warning: a formula in an uploaded workbook (its saved value used)
    DATE_OUT_OF_RANGE = auto()  # a date before 1900 or after 2100
    LONG_SPAN = auto()  # warning: a record spanning more than MAX_SPAN_YEARS
    NUMBER_OUT_OF_RANGE = auto()  # a number beyond MAX_ABS_NUMBER, or inf / nan written out
    NEGATIVE_VALUE = auto()  # a negative result for a test that cannot be negative
    NOT_LISTED = auto()  # the one line counting the problems beyond MAX_PROBLEMS
    # records from hospital systems (issue 18: timeline.fhir, timeline.flowsheet)
    NOT_FHIR_R4 = auto()  # a .json/.ndjson file that is not a FHIR R4 resource or Bundle
    FHIR_NOT_READ = auto()  # warning: a resource or element the import does not read
    FHIR_KEPT_AS_OTHER = auto()  # warning: a code that maps to nothing, kept as written
    FHIR_OPEN_ENDED = auto()  # warning: a medication with no end date, drawn as ongoing
    FHIR_INFERRED = auto()  # warning: a date the record does not state, inferred and marked
    FHIR_NO_TIME = auto()  # a resource with no date or time to place it on the timeline
    READ_AS_FLOWSHEET = auto()  # warning: the labs table was a flowsheet, turned into rows
    FLOWSHEET_AMBIGUOUS = auto()  # a flowsheet heading or date the reader will not guess at


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as the user sees it.

    ``row`` is the spreadsheet row (the header is row 1); ``where`` names the
    file, or the workbook and its sheet. ``code`` says what kind of problem it
    is, so no program needs to read ``message``.
    """

    severity: Severity
    code: ProblemCode
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
        # at most MAX_PROBLEMS listed, then one line counting the rest (a list that has
        # its count line already, one relocated by timeline.fhir, is kept as it is)
        counted = any(p.code is ProblemCode.NOT_LISTED for p in problems)
        self.problems = tuple(problems) if counted else ProblemLog(problems).listed()
        msg = f"{len(self.errors)} problem(s) stop this case from loading:\n" + "\n".join(
            str(p) for p in self.errors
        )
        super().__init__(msg)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop loading, in the order they were found."""
        return tuple(p for p in self.problems if p.severity is Severity.ERROR)


class ExportError(Exception):
    """An export could not be written; the message says what to do."""


class ChromeMissing(ExportError):
    """No Chrome or Chromium to render images with."""


class UsageError(Exception):
    """The command line was given an option or argument it cannot use (exit code 2)."""


class ProblemLog(list[Problem]):
    """Problems in the order found, holding the first ``MAX_PROBLEMS``; the rest are counted.

    Past the limit a problem is still kept when it is the first error of its file
    or sheet, so whether a table has errors can always be read from the list; a
    table of 200,000 bad rows then costs a count, not 200,000 messages.
    """

    def __init__(self, problems: Iterable[Problem] = (), limit: int = MAX_PROBLEMS) -> None:
        super().__init__()
        self.limit = limit
        self.unlisted = {Severity.ERROR: 0, Severity.WARNING: 0}
        self._with_errors: set[str] = set()
        for problem in problems:
            self.append(problem)
        if isinstance(problems, ProblemLog):
            for severity, count in problems.unlisted.items():
                self.unlisted[severity] += count

    def append(self, problem: Problem) -> None:
        """Keep ``problem`` while there is room (or it is its table's first error), else count it."""
        first_error = problem.severity is Severity.ERROR and problem.where not in self._with_errors
        if problem.code is ProblemCode.NOT_LISTED:
            return  # a count line from an earlier list: counted again by ``listed``
        if len(self) < self.limit or first_error:
            super().append(problem)
            if problem.severity is Severity.ERROR:
                self._with_errors.add(problem.where)
        else:
            self.unlisted[problem.severity] += 1

    def listed(self) -> tuple[Problem, ...]:
        """The problems kept, and one line counting those that were not (when any were)."""
        errors, warnings = self.unlisted[Severity.ERROR], self.unlisted[Severity.WARNING]
        if not errors + warnings:
            return tuple(self)
        message = (
            f"and {errors + warnings:,} more problem(s) not listed ({errors:,} error(s), "
            f"{warnings:,} warning(s)): only the first {self.limit} are shown. Correct "
            "those and load the case again to see the rest."
        )
        severity = Severity.ERROR if errors else Severity.WARNING
        return (*self, Problem(severity, ProblemCode.NOT_LISTED, "this case", message))
