"""The page's facts, computed by the package: summary, presets, one day's state, views."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.summary import case_summary, response_to, state_on, summary_lines, window_presets
from timeline.view import notes_from_editor, plain, treatments_table


def test_summary_of_the_bundled_case(bundled):
    summary = case_summary(bundled, "ruxolitinib")
    assert summary.who == (
        "11-year-old, female: Systemic JIA with macrophage activation syndrome (third episode)"
    )
    assert summary.key_days == (("Admission", 0), ("MAS onset", 3), ("Ruxolitinib start", 24))
    # hand-worked: MP 24 mg bid = 60 mg/day prednisone-equivalent on 22 days (Days 0-2,
    # 6-9, 13-16, 20-30) = 1,320; pulses 1 g × 1.25 on 9 days = 11,250; prednisone taper
    # 50×7 + 40×7 + 35×7 + 30×7 + 25×7 + 20×14 + 17.5×14 + 15×14 + 12.5×14 + 10×6 = 2,230
    assert summary.cumulative_pred_mg == pytest.approx(14_800)
    lines = summary_lines(summary)
    assert lines[1] == "Admission Day 0 · MAS onset Day 3 · Ruxolitinib start Day 24"
    assert "14,800 mg prednisone-equivalent" in lines[2]


def test_response_to_ruxolitinib(bundled):
    r = response_to(bundled, "ruxolitinib")
    assert (r.start_day, r.defervescence_days, r.afebrile_at_start) == (24, 2, False)
    assert (r.ferritin_before, r.ferritin_after, r.ferritin_after_day) == (15200.0, 2100.0, 31)
    assert r.ferritin_change_pct == pytest.approx((2100 - 15200) / 15200 * 100)


def test_response_when_afebrile_at_the_start(bundled):
    r = response_to(bundled, "prednisone")  # taper starts Day 31, long after defervescence
    assert r.afebrile_at_start
    assert r.defervescence_days is None
    assert "afebrile at the start" in summary_lines(case_summary(bundled, "prednisone"))[-1]


def test_no_treatment_chosen_gives_no_response_line(bundled):
    assert case_summary(bundled, None).response is None
    assert response_to(bundled, "anakinra") is None


def test_window_presets(bundled):
    presets = window_presets(bundled, "ruxolitinib")
    assert list(presets) == ["Whole course", "MAS episode", "Ruxolitinib course"]
    day = lambda t: (t - bundled.anchor_time).days  # noqa: E731
    assert [day(t) for t in presets["MAS episode"]] == [
        0,
        45,
    ]  # onset Day 3 − 3; not met Day 38 + 7
    assert [day(t) for t in presets["Ruxolitinib course"]] == [17, 128]  # start − 7; record end


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
    from timeline.view import labs_table

    row = labs_table(case, hide_dates=False).query("`as entered` == '265 mg/dL'")
    assert row["value"].tolist() == [f"{265 / 88.57:.6g}"]
    assert row["unit"].tolist() == ["mmol/L"]


def test_editor_changes_are_applied_like_the_editor_shows_them():
    from timeline.view import apply_editor_changes

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
