"""The page's plain tables: one day's state, the data tabs, the editors' rows."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.derive.summary import default_treatment
from timeline.view import (
    apply_editor_changes,
    criteria_on,
    labs_table,
    notes_from_editor,
    plain,
    response_choices,
    state_on,
    treatments_table,
)


def test_state_on_a_day(bundled):
    given, labs = state_on(bundled, 27)
    assert given.set_index("drug")["dose"].to_dict() == {
        "ciclosporin": "75 mg",
        "methylprednisolone": "24 mg",
        "ruxolitinib": "10 mg",
    }
    ferritin = labs.set_index("test").loc["Ferritin"]
    assert (ferritin["value"], ferritin["drawn"], ferritin["flag"]) == ("6100", "Day 27", "high")


def test_state_on_a_day_shows_ongoing_and_single_doses(bundled):
    given, _ = state_on(bundled, 125)
    assert given["drug"].tolist() == ["prednisone"]
    given, _ = state_on(bundled, 5)
    assert "tocilizumab" in given["drug"].tolist()


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (3, "met (fever + labs)"),  # tests/derive/test_criteria.py: met Day 3–27
        (27, "met (fever + labs)"),  # 38.6 °C on Day 25 is still in the window
        (28, "laboratory criteria only"),  # labs only Day 28–36
        (37, "not assessable"),  # no value in Day 35–37
        (38, "not met"),  # ferritin 620
        (-5, "not assessable"),  # before any lab
    ],
)
def test_the_day_panel_shows_the_criteria_status_the_figure_shades(bundled, day, text):
    assert criteria_on(bundled, day) == f"MAS 2016 criteria on Day {day}: {text}"


def test_the_default_treatment_is_offered(bundled):
    assert default_treatment(bundled) in response_choices(bundled)


def test_notes_from_the_editor_keep_only_complete_rows():
    frame = pd.DataFrame(
        {"day": [24, None, 3.0], "text": ["rux", "no day", " "], "panel": ["ferritin", None, None]}
    )
    assert notes_from_editor(frame) == ((24.0, "rux", "ferritin"),)


def test_plain_text_is_inert_markdown():
    assert plain("**bold** [x](http://a) <b> :smile:") == (
        "\\*\\*bold\\*\\* \\[x\\]\\(http\\://a\\) \\<b\\> \\:smile\\:"
    )


def test_tables_hide_dates_when_asked(bundled):
    shown = treatments_table(bundled, hide_dates=True).to_csv()
    assert "2000-" not in shown
    assert "Day 24" in shown
    assert "2000-01-25" in treatments_table(bundled, hide_dates=False).to_csv()


def test_tables_carry_values_as_entered(with_rows):
    case = load_case(with_rows("labs", "2000-01-05 09:00,triglycerides,265,mg/dL,,,"))

    row = labs_table(case, hide_dates=False).query("`as entered` == '265 mg/dL'")
    assert row["value"].tolist() == [f"{265 / 88.57:.6g}"]
    assert row["unit"].tolist() == ["mmol/L"]


def test_lab_reference_shows_each_known_limit(with_rows):
    case = load_case(
        with_rows(
            "labs",
            "2000-01-05 09:00,ALT,50,U/L,,40,upper only",
            "2000-01-05 09:00,ALT,50,U/L,10,40,both",
        )
    )
    table = labs_table(case, hide_dates=False).set_index("note")
    assert table.loc["upper only", "reference"] == "–40"
    assert table.loc["both", "reference"] == "10–40"
    assert table.loc["both", "flag"] == "high"


def test_editor_changes_are_applied_like_the_editor_shows_them():
    frame = pd.DataFrame({"day": [1.0, 2.0, 3.0], "text": ["a", "b", "c"], "panel": ["", "", ""]})
    changes = {
        "edited_rows": {"1": {"text": "B"}, "3": {"panel": "lanes"}},
        "added_rows": [{"day": 9, "text": "new"}],
        "deleted_rows": [0],
    }
    result = apply_editor_changes(frame, changes)
    assert result["text"].tolist() == ["B", "c", "new"]
    assert result["panel"].tolist()[-1] == "lanes"
    assert apply_editor_changes(frame, None).equals(frame)
