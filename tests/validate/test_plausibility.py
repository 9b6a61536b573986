"""Plausibility warnings: doses above limits, IV intervals, lab units, conflicting results."""

from __future__ import annotations

import pytest

from timeline import Severity, load_case
from timeline.errors import ProblemCode as C

T, L = "treatments", "labs"

# (table, appended row, column, code, message fragment): loaded, with a warning
WARNINGS = [
    (
        T,
        "methylprednisolone,2000-02-10,2000-02-11,1050,mg,daily,intravenous,pulse,",
        "dose",
        C.DOSE_ABOVE_LIMIT,
        "above 1000 mg/day",
    ),
    (
        T,
        "methylprednisolone,2000-02-10,2000-02-11,40,mg/kg,daily,intravenous,pulse,",
        "dose",
        C.DOSE_PER_KG_ABOVE_LIMIT,
        "above 30 mg/kg/day",
    ),
    (
        T,
        "tocilizumab,2000-01-30,,288,mg,once,intravenous,infusion,",
        "dose",
        C.DOSE_INTERVAL,
        "10 days after the previous dose",
    ),
    (
        L,
        "2000-01-05 09:00,fibrinogen,250,g/L,,,",
        "value",
        C.IMPLAUSIBLE_LAB_UNIT,
        "entered in mg/dL",
    ),
    (
        L,
        "2000-01-05 09:00,triglycerides,2.1,mg/dL,,,",
        "value",
        C.IMPLAUSIBLE_LAB_UNIT,
        "entered in mmol/L",
    ),
    (L, "2000-01-05 09:00,ferritin,99999,ng/mL,,,", None, None, None),
]


@pytest.mark.parametrize(("table", "row_text", "column", "code", "fragment"), WARNINGS)
def test_plausibility_warns_but_loads(with_rows, table, row_text, column, code, fragment):
    case = load_case(with_rows(table, row_text))
    if fragment is None:  # a plausible value: no warning at all
        assert case.warnings == ()
        return
    assert case.warnings, "expected a warning"
    assert all(w.severity is Severity.WARNING and w.column == column for w in case.warnings)
    assert code in {w.code for w in case.warnings}
    assert any(fragment in w.message for w in case.warnings)


def test_conflicting_results_at_one_time_warn(with_rows):
    case = load_case(with_rows(L, "2000-01-01 07:00,ferritin,1300,ng/mL,,,"))
    (warning,) = case.warnings
    assert "different results at the same time" in warning.message
    assert warning.code is C.CONFLICTING_RESULTS


@pytest.mark.parametrize(
    ("row_text", "source"),
    [
        (
            "methylprednisolone,2000-02-10,2000-02-11,1050,mg,daily,intravenous,pulse,",
            "(UpToDate table: methylprednisolone pulse 30 mg/kg/day IV, max 1 g/day)",
        ),
        (
            "tocilizumab,2000-01-30,,288,mg,once,intravenous,infusion,",
            "(FDA tocilizumab label: sJIA IV dose every 2 weeks)",
        ),
    ],
)
def test_dose_warnings_cite_the_primary_source_of_their_limit(with_rows, row_text, source):
    (warning,) = load_case(with_rows(T, row_text)).warnings
    assert warning.message.endswith(source + ".")
    assert "CLINICAL.md" not in warning.message
