"""Each table's spec: vocabularies, rules across columns, and the builder they drive."""

from __future__ import annotations

import pytest

from timeline import load_case
from timeline.errors import ProblemCode as C
from timeline.format import TABLES
from timeline.validate.tables import SPECS, Date, Number, Required, Vocabulary

from ..conftest import rows_of
from .conftest import only_error

T, L, E = "treatments", "labs", "events"
TR, LR, ER = rows_of(T), rows_of(L), rows_of(E)

# (table, appended row, expected row, column, code, message fragment)
ERRORS = [
    (
        T,
        "ruxolitinib,2000-02-10,2000-02-01,5,mg,twice daily,oral,,",
        TR,
        "end",
        C.END_BEFORE_START,
        "ends before it starts",
    ),
    (
        T,
        "ruxolitinib,2000-02-10,,0,mg,twice daily,oral,,",
        TR,
        "dose",
        C.DOSE_NOT_POSITIVE,
        "is not above 0",
    ),
    (
        T,
        "ruxolitinib,2000-02-10,,-5,mg,twice daily,oral,,",
        TR,
        "dose",
        C.DOSE_NOT_POSITIVE,
        "is not above 0",
    ),
    (
        T,
        "ruxolitinib,2000-02-10,,5,tablets,twice daily,oral,,",
        TR,
        "dose_unit",
        C.UNKNOWN_DOSE_UNIT,
        "is not a dose unit",
    ),
    (
        T,
        "ruxolitinib,2000-02-10,,5,mg,now and then,oral,,",
        TR,
        "frequency",
        C.UNKNOWN_FREQUENCY,
        "is not a frequency",
    ),
    (
        T,
        "ruxolitinib,2000-02-10,,5,mg,twice daily,oral,bolus,",
        TR,
        "kind",
        C.UNKNOWN_KIND,
        "is not a kind",
    ),
    (
        T,
        "tocilizumab,2000-02-10,2000-02-12,288,mg,once,intravenous,infusion,",
        TR,
        "end",
        C.ONCE_WITH_END,
        "frequency is 'once'",
    ),
    (
        L,
        "2000-01-05 07:00,ferritin,900,mg/dL,,,",
        LR,
        "unit",
        C.UNKNOWN_LAB_UNIT,
        "is not a unit for Ferritin",
    ),
    (
        L,
        "2000-01-05 07:00,platelets,90,g/L,,,",
        LR,
        "unit",
        C.UNKNOWN_LAB_UNIT,
        "is not a unit for Platelets",
    ),
    (
        L,
        "2000-01-05 07:00,ferritin,900,ng/mL,300,20,",
        LR,
        "ref_high",
        C.REF_ORDER,
        "ref_low is above ref_high",
    ),
    (
        E,
        "2000-01-09,2000-01-02,fever,Fever,",
        ER,
        "end",
        C.END_BEFORE_START,
        "ends before it starts",
    ),
]


@pytest.mark.parametrize(("table", "row_text", "row", "column", "code", "fragment"), ERRORS)
def test_each_error_names_file_row_and_column(
    with_rows, table, row_text, row, column, code, fragment
):
    problem = only_error(with_rows(table, row_text))
    assert (problem.where, problem.row, problem.column) == (f"{table}.csv", row, column)
    assert problem.code is code
    assert fragment in problem.message


def test_every_problem_is_reported_at_once(with_rows):
    from timeline import CaseLoadError

    folder = with_rows(T, "ruxolitinib,2000-13-01,,0,mg,hourly,oral,,")
    with pytest.raises(CaseLoadError) as caught:
        load_case(folder)
    assert {(p.column, p.code) for p in caught.value.errors} == {
        ("start", C.BAD_DATE),
        ("dose", C.DOSE_NOT_POSITIVE),
        ("frequency", C.UNKNOWN_FREQUENCY),
    }


# (table, appended row, column, code, message fragment): loaded, with one kind of warning
UNKNOWN = [
    (
        T,
        "ruxolitinib,2000-05-10,,5,mg,twice daily,by nasogastric tube,,",
        "route",
        C.UNKNOWN_ROUTE,
        "not a route",
    ),
    (T, "zyxomab,2000-01-05,,100,mg,once,intravenous,,", "drug", C.UNKNOWN_DRUG, "drug catalogue"),
    (L, "2000-01-05 07:00,procalcitonin,2.4,ng/mL,,0.5,", "test", C.UNKNOWN_TEST, "lab catalogue"),
    (E, "2000-01-09,,haircut,Haircut,", "type", C.UNKNOWN_EVENT_TYPE, "not an event type"),
]


@pytest.mark.parametrize(("table", "row_text", "column", "code", "fragment"), UNKNOWN)
def test_unknown_names_warn_but_load(with_rows, table, row_text, column, code, fragment):
    case = load_case(with_rows(table, row_text))
    assert case.warnings, "expected a warning"
    assert all(w.severity.value == "warning" and w.column == column for w in case.warnings)
    assert {w.code for w in case.warnings} == {code}
    assert any(fragment in w.message for w in case.warnings)


def test_unknown_panel_warns_with_its_code(case_folder):
    folder = case_folder()
    (folder / "annotations.csv").write_text("day,text,panel\n3,MAS,kidney\n", encoding="utf-8")
    case = load_case(folder)
    assert [(w.row, w.column, w.code) for w in case.warnings] == [(2, "panel", C.UNKNOWN_PANEL)]


def test_every_table_of_the_format_has_a_spec_naming_only_its_columns():
    assert set(SPECS) == set(TABLES)
    for name, spec in SPECS.items():
        known = {f.name for f in TABLES[name]}
        named = {
            step.column
            for step in spec.steps
            if isinstance(step, Required | Vocabulary | Date | Number)
        }
        assert named <= known, (name, named - known)
