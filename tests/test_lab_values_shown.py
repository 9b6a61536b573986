"""Censored, qualitative and flagged results in the tables and the workbook, as written."""

from __future__ import annotations

import pandas as pd

from timeline import load_case, load_case_bytes
from timeline.derive.flags import sample_flags
from timeline.view import labs_table, state_on
from timeline.workbook import case_tables, case_workbook_bytes

ROWS = (
    '2000-01-20 07:00,ferritin,">40,000 H",ng/mL,,,censored and flagged',
    "2000-01-21 07:00,ferritin,40 000,ng/mL,,,spaced",
    "2000-01-22 07:00,CMV PCR,Not Detected,,,,word",
    "2000-01-23 07:00,CRP,3.40 L,mg/L,,,flagged low",
)


def test_the_tables_show_the_comparator_the_word_and_the_laboratorys_flag(with_rows):
    case = load_case(with_rows("labs", *ROWS))
    table = labs_table(case, hide_dates=False).set_index("note")
    shown = table.loc[
        ["censored and flagged", "spaced", "word", "flagged low"],
        ["value", "unit", "lab flag", "as entered", "flag"],
    ]
    assert shown.values.tolist() == [
        # ferritin > 40,000 ng/mL is above the child's default range, 10–140 ng/mL: high;
        # unconverted, the number is shown as it was written
        ["> 40,000", "ng/mL", "H", ">40,000 H ng/mL", "high"],
        ["40 000", "ng/mL", "", "40 000 ng/mL", "high"],
        ["not detected", "", "", "Not Detected", ""],  # a word: no number, no unit, no flag
        ["3.40", "mg/L", "L", "3.40 L mg/L", ""],  # the lab's L, not ours: 3.4 < 5 mg/L
    ]


def test_the_day_panel_shows_the_adults_cmv_pcr_as_its_word(adult):
    # Day 26 is 2025-01-15 (Day 0 = 2024-12-20): the 07:00 CMV PCR is 'detected'
    _, labs = state_on(adult, 26)
    row = labs.set_index("test").loc["CMV PCR"]
    assert (row["value"], row["unit"], row["flag"]) == ("detected", "", "")
    _, labs = state_on(adult, 47)  # 2025-02-05
    assert labs.set_index("test").at["CMV PCR", "value"] == "not detected"


def test_numbers_only_code_ignores_words(adult):
    words = adult.labs[adult.labs["result_text"] != ""]
    assert len(words) == 2
    flags = sample_flags(words["test"], words["value"], words["ref_low"], words["ref_high"])
    assert flags.tolist() == ["", ""]


def test_the_workbook_writes_back_what_was_entered(with_rows):
    case = load_case(with_rows("labs", *ROWS))
    written = case_tables(case, include_identifiers=False)["labs"].set_index("note")
    assert written.loc[
        ["censored and flagged", "spaced", "word", "flagged low"], "value"
    ].tolist() == [
        ">40,000 H",
        "40 000",
        "Not Detected",
        "3.40 L",
    ]
    again = load_case_bytes("again.xlsx", case_workbook_bytes(case, include_identifiers=False))
    columns = ["qualifier", "value", "value_text", "result_text", "lab_flag", "unit_input"]
    pd.testing.assert_frame_equal(
        again.labs[columns].reset_index(drop=True), case.labs[columns].reset_index(drop=True)
    )
