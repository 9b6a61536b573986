"""Default reference ranges chosen by the case's age and sex, and said which."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.validate.tables import default_ranges

ADULT = Path(__file__).resolve().parents[2] / "data" / "adult-aosd-mas"
GIRL = Path(__file__).resolve().parents[2] / "data" / "sjia-mas-ruxolitinib"


def _ranges(case, test: str) -> set[tuple[float, float, str]]:
    rows = case.labs[case.labs["test"] == test]
    return set(zip(rows["ref_low"], rows["ref_high"], rows["ref_source"], strict=True))


def _copy(folder: Path, tmp_path: Path, **replace: str) -> Path:
    """A copy of a case folder, case.csv lines replaced ('sex,male' → 'sex,female')."""
    copy = tmp_path / folder.name
    shutil.copytree(folder, copy)
    text = (copy / "case.csv").read_text(encoding="utf-8")
    for old, new in replace.items():
        text = text.replace(old, new)
    (copy / "case.csv").write_text(text, encoding="utf-8")
    return copy


@pytest.fixture(scope="module")
def adult():
    return load_case(ADULT)


@pytest.mark.parametrize(
    ("test", "low", "high"),
    [
        # adult men (18 and over), standard clinical knowledge [K] (lab_ranges.csv)
        ("ast", 8, 48),
        ("alt", 7, 55),
        ("ferritin", 30, 400),
        ("haemoglobin", 130, 170),
    ],
)
def test_the_adult_man_is_banded_with_adult_male_ranges(adult, test, low, high):
    # regression: a 46-year-old man was banded with the children's (adolescent girl) ranges
    assert _ranges(adult, test) == {(low, high, "catalogue: adult male")}


@pytest.mark.parametrize(
    ("test", "low", "high"),
    [
        # the children's table (a girl of about 11): labs.csv
        ("ast", 15, 45),
        ("alt", 7, 40),
        ("ferritin", 10, 140),
        ("haemoglobin", 115, 155),
    ],
)
def test_the_girl_keeps_the_childrens_ranges(bundled, test, low, high):
    assert _ranges(bundled, test) == {(low, high, "catalogue: child")}


def test_an_adult_woman_gets_the_womens_ranges(tmp_path):
    case = load_case(_copy(ADULT, tmp_path, **{"sex,male": "sex,female"}))
    assert _ranges(case, "ast") == {(8, 43, "catalogue: adult female")}
    assert _ranges(case, "haemoglobin") == {(120, 150, "catalogue: adult female")}
    # the same for either sex: platelets 150–400
    assert _ranges(case, "platelets") == {(150, 400, "catalogue: adult")}


def test_an_adult_without_sex_gets_the_range_covering_both(tmp_path):
    case = load_case(_copy(ADULT, tmp_path, **{"sex,male\n": ""}))
    # ferritin: men 30–400, women 15–150: 15–400; haemoglobin men 130–170, women 120–150: 120–170
    assert _ranges(case, "ferritin") == {(15, 400, "catalogue: adult, either sex")}
    assert _ranges(case, "haemoglobin") == {(120, 170, "catalogue: adult, either sex")}


def test_without_an_age_the_childrens_ranges_stay_and_say_so(tmp_path):
    case = load_case(_copy(ADULT, tmp_path, **{"age_years,46\n": ""}))
    assert _ranges(case, "ast") == {(15, 45, "catalogue: child (age not given)")}


def test_a_range_the_report_gives_wins(tmp_path):
    folder = _copy(ADULT, tmp_path)
    with (folder / "labs.csv").open("a", encoding="utf-8") as f:
        f.write("2025-01-08 07:00,AST,1.00,µkat/L,0.17,0.85,report range\n")
    labs = load_case(folder).labs
    row = labs[labs["note"] == "report range"].iloc[0]
    # 0.17 / 0.01667 = 10.198 U/L, 0.85 / 0.01667 = 50.99 U/L
    assert row["ref_source"] == "input"
    assert (row["ref_low"], row["ref_high"]) == pytest.approx((10.198, 50.990), abs=1e-3)


def test_a_test_without_an_adult_default_says_so():
    ranges = default_ranges(46.0, "male")
    # sCD25 is assay-specific: no adult default, only a report's own range
    assert np.isnan(ranges.at["scd25", "ref_low"])
    assert np.isnan(ranges.at["scd25", "ref_high"])
    assert ranges.at["scd25", "ref_source"] == ""
    # IL-18: no adult row; the children's range (≤ 477 pg/mL) stays, named as such
    assert ranges.at["il18", "ref_high"] == 477
    assert ranges.at["il18", "ref_source"] == "catalogue: child (no adult range)"


def test_adults_are_18_and_over():
    assert default_ranges(17.9, "male").at["ast", "ref_source"] == "catalogue: child"
    assert default_ranges(18.0, "male").at["ast", "ref_source"] == "catalogue: adult male"
    assert default_ranges(18.0, "Male").at["ast", "ref_high"] == 48


def test_every_range_row_cites_a_source_and_a_known_test():
    ranges = cat.lab_ranges()
    assert (ranges["source"].str.strip() != "").all()
    assert set(ranges["test"]) <= set(cat.labs().index)
    assert set(ranges["sex"]) <= {"female", "male", "any"}
    assert (ranges["tag"].isin(["S", "K", "U"])).all()
