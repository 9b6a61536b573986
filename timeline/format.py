"""The case file format: its tables and columns, declared once.

The parser, the template workbook and the README's format section all follow
this declaration (a test checks the README against it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["text", "date", "number", "choice", "yes/no"]


@dataclass(frozen=True)
class Field:
    """One column of a table (or one key of the case table)."""

    name: str
    kind: Kind
    required: bool
    help: str
    example: str
    identifying: bool = False


TABLE_ORDER = ("case", "treatments", "events", "labs")

CASE_KEYS: tuple[Field, ...] = (
    Field(
        "id",
        "text",
        True,
        "Pseudonymous case id, e.g. a conference code. Never a record number.",
        "sjia-mas-01",
    ),
    Field(
        "title",
        "text",
        True,
        "Title shown on the page and the slides.",
        "Refractory MAS in sJIA rescued with ruxolitinib",
    ),
    Field(
        "diagnosis",
        "text",
        True,
        "Diagnosis in words.",
        "Systemic JIA with macrophage activation syndrome",
    ),
    Field("sex", "choice", False, "female, male, other or unknown (F and M too).", "female"),
    Field("age_years", "number", False, "Age in years on Day 0 (the anchor event).", "11"),
    Field(
        "anchor",
        "text",
        True,
        "The event that is Day 0: an event type or label from the events table.",
        "admission",
    ),
    Field(
        "source",
        "text",
        False,
        "Where the data come from (citation, or 'local records').",
        "Wu J et al. J Clin Pediatr 2025;43(3):216-219",
    ),
    Field(
        "illustrative",
        "yes/no",
        True,
        "yes when any value is invented for teaching; the page and slides then say so.",
        "yes",
    ),
    Field(
        "name",
        "text",
        False,
        "Patient name. Kept in memory only: never shown or exported.",
        "",
        identifying=True,
    ),
    Field(
        "birth_date",
        "date",
        False,
        "Birth date (YYYY-MM-DD). Kept in memory only: never shown or exported.",
        "",
        identifying=True,
    ),
    Field(
        "record_number",
        "text",
        False,
        "Hospital record number. Kept in memory only: never shown or exported.",
        "",
        identifying=True,
    ),
)

TREATMENTS: tuple[Field, ...] = (
    Field(
        "drug",
        "text",
        True,
        "Drug name (generic or common synonym). Unknown drugs are kept and shown as 'other'.",
        "methylprednisolone",
    ),
    Field(
        "start",
        "date",
        True,
        "First day of this dose: YYYY-MM-DD (time optional: HH:MM).",
        "2000-01-04",
    ),
    Field(
        "end",
        "date",
        False,
        "Last day this dose was given (inclusive). Blank: a single administration when "
        "frequency is 'once', otherwise still ongoing at the end of the record.",
        "2000-01-06",
    ),
    Field(
        "dose",
        "number",
        True,
        "Dose in dose_unit, above 0: per administration, per day (a .../day unit: the daily "
        "total, divided over the frequency's doses) or a continuous infusion's rate.",
        "1",
    ),
    Field(
        "dose_unit",
        "choice",
        True,
        "Per administration: mg, g, ug (mcg), mg/kg, g/kg, ug/kg, mg/m2, g/m2, IU, IU/kg. "
        "Per day: mg/day, g/day, mg/kg/day, g/kg/day, mg/m2/day. A rate (frequency "
        "continuous): mg/h, mg/24h, mg/kg/h.",
        "g",
    ),
    Field(
        "frequency",
        "choice",
        True,
        "once, continuous, daily, twice daily, three times daily, four times daily, every "
        "4/6/8/12 hours (q6h, 6-hourly), every other day, every 3 days, every 4 days, twice "
        "weekly, three times weekly (tiw), weekly, every 2/3/4 weeks (bid, tid, q2w... too).",
        "daily",
    ),
    Field(
        "route",
        "text",
        False,
        "oral, intravenous, subcutaneous, intramuscular, nasogastric, gastrostomy, "
        "intrathecal, inhaled, topical (PO, IV, SC, IM, NG tube, PEG).",
        "intravenous",
    ),
    Field(
        "kind",
        "choice",
        False,
        "Blank for ordinary dosing; pulse, infusion or taper where it matters.",
        "pulse",
    ),
    Field("note", "text", False, "Free text shown in the hover.", "round 1 of 3"),
)

EVENTS: tuple[Field, ...] = (
    Field(
        "start",
        "date",
        True,
        "When it happened or began: YYYY-MM-DD (HH:MM optional).",
        "2000-01-01",
    ),
    Field(
        "end",
        "date",
        False,
        "When an interval event ended (inclusive); blank for a point event.",
        "",
    ),
    Field(
        "type",
        "text",
        True,
        "admission, discharge, MAS onset, fever, defervescence, procedure, relapse, infection, "
        "transfer, follow-up, other. Unknown types are kept and shown as 'other'.",
        "admission",
    ),
    Field(
        "label",
        "text",
        False,
        "Short label for the figure; blank uses the type.",
        "Admitted with active sJIA",
    ),
    Field("note", "text", False, "Free text shown in the hover.", ""),
)

LABS: tuple[Field, ...] = (
    Field(
        "time",
        "date",
        True,
        "When the sample was drawn: YYYY-MM-DD (HH:MM optional).",
        "2000-01-01 08:00",
    ),
    Field(
        "test",
        "text",
        True,
        "Test name as the report writes it (IL-18, IL18, interleukin-18), common "
        "abbreviation or LOINC code. Unknown tests are kept as entered.",
        "ferritin",
    ),
    Field(
        "value",
        "number",
        True,
        "The result: a number (1250; 40 000 or 40,000 for forty thousand; a point for "
        "decimals), with a leading <, ≤, > or ≥ for a result beyond the assay's limit "
        "(<5, >40000) and the laboratory's flag after it if any (12.5 H: H, L, HH, LL, H*, "
        "L*, A, CRIT); or a word: positive, negative, detected, not detected, "
        "indeterminate, equivocal, reactive, non-reactive.",
        "1250",
    ),
    Field(
        "unit",
        "text",
        True,
        "The unit as reported; converted to the test's standard unit, the original kept. "
        "Leave it empty only for a result written as a word.",
        "ng/mL",
    ),
    Field(
        "ref_low", "number", False, "Lower reference limit from the report, in the row's unit.", ""
    ),
    Field(
        "ref_high", "number", False, "Upper reference limit from the report, in the row's unit.", ""
    ),
    Field("note", "text", False, "Free text shown in the hover.", ""),
)

ANNOTATIONS: tuple[Field, ...] = (
    Field("day", "number", True, "Day N (relative to the case's Day 0) the note refers to.", "24"),
    Field("text", "text", True, "The note shown on the figure.", "ruxolitinib started"),
    Field(
        "panel",
        "text",
        False,
        "Where to show it: lanes, steroids, or a lab test (ferritin...); blank: the top.",
        "lanes",
    ),
)

STORY: tuple[Field, ...] = (
    Field(
        "day",
        "number",
        True,
        "Day N (relative to the case's Day 0): the step shows the course to the end of that "
        "day (a fraction for a time of day: 3.5 is Day 3 at 12:00). Steps are told in the "
        "order of their days (rows of one day in their order): change a day to move a step.",
        "24",
    ),
    Field("caption", "text", True, "What the step says, as the slide title.", "Ruxolitinib"),
    Field(
        "prompt",
        "text",
        False,
        "A question for the audience, shown under the caption.",
        "What would you do next?",
    ),
    Field(
        "withhold",
        "text",
        False,
        "Tests kept back from this step on, separated by ';': a test (IL-18) or one "
        "result (ferritin @ 2000-01-05 08:00, or a date for that day's results). The "
        "last step shows everything.",
        "",
    ),
    Field(
        "reveal",
        "text",
        False,
        "Tests or results withheld earlier that this step shows again (same writing).",
        "",
    ),
)

TABLES: dict[str, tuple[Field, ...]] = {
    "treatments": TREATMENTS,
    "events": EVENTS,
    "labs": LABS,
    "annotations": ANNOTATIONS,
    "story": STORY,
}
OPTIONAL_TABLES = ("annotations", "story")  # may be absent from a case; then it has none

TREATMENT_KINDS = ("pulse", "infusion", "taper")
YES = ("yes", "y", "true", "1")
SEXES = {s: s for s in ("female", "male", "other", "unknown")} | {"f": "female", "m": "male"}
NO = ("no", "n", "false", "0")
