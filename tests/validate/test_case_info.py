"""The case table: required keys, values that must parse, keys given twice or unknown."""

from __future__ import annotations

import pytest

from timeline import CaseLoadError, load_case
from timeline.errors import ProblemCode as C

from ..conftest import BUNDLED

CASE = (BUNDLED / "case.csv").read_text(encoding="utf-8")


def test_missing_required_case_key(case_folder):
    lines = CASE.splitlines()
    text = "\n".join(line for line in lines if not line.startswith("title,")) + "\n"
    with pytest.raises(CaseLoadError, match="the case needs 'title'") as caught:
        load_case(case_folder(case=text))
    assert [p.code for p in caught.value.errors] == [C.MISSING_CASE_KEY]


@pytest.mark.parametrize(
    ("text", "code", "fragment"),
    [
        (CASE + "age_years,eleven\n", C.CASE_KEY_TWICE, "'age_years' is given twice"),
        (CASE.replace("age_years,11", "age_years,eleven"), C.BAD_CASE_VALUE, "age_years must"),
        (CASE.replace("illustrative,yes", "illustrative,maybe"), C.BAD_CASE_VALUE, "yes or no"),
        (CASE + "birth_date,03/02/1989\n", C.BAD_CASE_VALUE, "birth_date must be YYYY-MM-DD"),
        (CASE.replace("key,value", "name,value"), C.BAD_CASE_HEADER, "headed 'key' and 'value'"),
        (CASE.replace("sex,female", "sex,abc"), C.BAD_CASE_VALUE, "sex must be female, male"),
        (CASE.replace("age_years,11", "age_years,-3"), C.BAD_CASE_VALUE, "age_years must"),
    ],
)
def test_bad_case_values_are_errors_with_their_code(case_folder, text, code, fragment):
    with pytest.raises(CaseLoadError, match=fragment) as caught:
        load_case(case_folder(case=text))
    assert [p.code for p in caught.value.errors] == [code]


def test_birth_date_is_not_echoed_in_its_message(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(case=CASE + "birth_date,03/02/1989\n"))
    assert "1989" not in str(caught.value)


def test_unknown_case_key_is_a_warning(case_folder):
    case = load_case(case_folder(case=CASE + "ward,4B\n"))
    assert [(w.column, w.value, w.code) for w in case.warnings] == [
        ("key", "ward", C.UNKNOWN_CASE_KEY)
    ]


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("female", "female"),
        ("Male", "male"),
        ("F", "female"),
        ("m", "male"),
        ("unknown", "unknown"),
    ],
)
def test_sex_is_read_into_one_of_four_words(case_folder, written, read):
    case = load_case(case_folder(case=CASE.replace("sex,female", f"sex,{written}")))
    assert case.info.sex == read


def test_a_refused_sex_names_its_row_and_column(case_folder):
    with pytest.raises(CaseLoadError) as caught:
        load_case(case_folder(case=CASE.replace("sex,female", "sex,abc")))
    (problem,) = caught.value.errors
    row = CASE.splitlines().index("sex,female") + 1  # the header is row 1
    assert (problem.row, problem.column, problem.value) == (row, "value", "abc")
