"""The page's plain tables: one day's state, the data tabs, the editors' rows."""

from __future__ import annotations

import pandas as pd
import pytest

from timeline import load_case
from timeline.derive.summary import default_treatment
from timeline.view import (
    NOTE_MAX_CHARS,
    apply_editor_changes,
    criteria_on,
    labs_table,
    notes_from_editor,
    overlong_notes,
    plain,
    response_choices,
    state_on,
    table_page,
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
        "\\*\\*bold\\*\\* \\[x\\]\\(http\\:\\/\\/a\\) \\<b\\> \\:smile\\:"
    )


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("a&amp;b", "a\\&amp\\;b"),  # an entity shows as typed, not as '&'
        ("www.x.org", "www\\.x\\.org"),  # no autolink
        ("a@b.org", "a\\@b\\.org"),  # no mail link
        ("line\n- item", "line \\- item"),  # no list, no new block
    ],
)
def test_plain_text_leaves_no_link_entity_or_block(typed, shown):
    assert plain(typed) == shown


@pytest.fixture
def edge_case(case_folder):
    """The bundled case with one table emptied, or its labs only after Day 0."""

    def make(table: str, rows: str = "") -> object:
        from .conftest import BUNDLED

        header = (BUNDLED / f"{table}.csv").read_text(encoding="utf-8").splitlines()[0]
        return load_case(case_folder(**{table: f"{header}\n{rows}"}))

    return make


@pytest.mark.parametrize("table", ["labs", "treatments"])
def test_state_on_a_case_with_a_table_of_only_its_header(edge_case, table):
    case = edge_case(table)
    for day in (-2, 0, 30):
        given, labs = state_on(case, day)
        assert list(labs.columns) == ["test", "value", "unit", "lab flag", "drawn", "flag"]
        assert "dose" in given.columns
        assert (labs if table == "labs" else given).empty
    assert criteria_on(case, 0).startswith("MAS 2016 criteria on Day 0")
    assert labs_table(case, hide_dates=True).shape[0] == len(case.labs)
    assert treatments_table(case, hide_dates=True).shape[0] == len(case.treatments)


def test_state_on_day_0_before_any_lab(edge_case):
    case = edge_case("labs", "2000-01-05 07:00,ferritin,900,ng/mL,,,\n")
    _, labs = state_on(case, 0)
    assert labs.empty
    _, labs = state_on(case, 4)
    assert labs[["test", "value", "drawn"]].values.tolist() == [["Ferritin", "900", "Day 4"]]


def test_tables_hide_dates_when_asked(bundled):
    shown = treatments_table(bundled, hide_dates=True).to_csv()
    assert "2000-" not in shown
    assert "Day 24" in shown
    assert "2000-01-25" in treatments_table(bundled, hide_dates=False).to_csv()


def test_tables_carry_values_as_entered(with_rows):
    case = load_case(with_rows("labs", "2000-01-05 09:00,triglycerides,265,mg/dL,,,"))

    row = labs_table(case, hide_dates=False).query("`as entered` == '265 mg/dL'")
    # 265 / 88.57 = 2.99198...: shown to the 3 figures it was entered with
    assert row["value"].tolist() == ["2.99"]
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
    # regression: an upper limit alone read "–40" (minus forty)
    assert table.loc["upper only", "reference"] == "< 40"
    assert table.loc["upper only", "reference from"] == "report"
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


# --- lab columns: fever, precision, units, where a reference range comes from -----------


@pytest.mark.parametrize(
    ("which", "time", "day"),
    [("girl", "Day 3 (2000-01-04)", 3), ("adult", "Day 1 (2024-12-21 14:00)", 1)],
)
def test_fever_is_flagged_in_the_labs_tab_and_the_day_panel(bundled, adult, which, time, day):
    # regression: 40.1 °C had no flag. Girl: 2000-01-04 is Day 3 from admission 2000-01-01;
    # adult: 2024-12-21 14:00 is Day 1 from admission 2024-12-20 16:00.
    case = bundled if which == "girl" else adult
    table = labs_table(case, hide_dates=False)
    row = table[(table["test"] == "Temperature") & (table["time"] == time)]
    assert row[["value", "unit", "flag"]].values.tolist() == [["40.1", "°C", "fever"]]
    assert set(table.loc[table["test"] == "Temperature", "flag"]) == {"fever", ""}
    _, labs = state_on(case, day)
    temperature = labs.set_index("test").loc["Temperature"]
    assert (temperature["value"], temperature["drawn"], temperature["flag"]) == (
        "40.1",
        f"Day {day}",
        "fever",
    )


def test_a_converted_value_in_the_tables_keeps_its_entered_precision(adult):
    # 1.03 µkat/L AST = 61.7876 U/L: 3 figures, '61.8'; high against the adult man's 8–48
    table = labs_table(adult, hide_dates=True)
    (row,) = table[table["as entered"] == "1.03 µkat/L"].to_dict("records")
    assert (row["test"], row["value"], row["unit"], row["flag"]) == ("AST", "61.8", "U/L", "high")
    assert (row["reference"], row["reference from"]) == ("8–48", "default, adult male")
    _, labs = state_on(adult, 18)  # 2025-01-07 is Day 18 from 2024-12-20
    assert labs.set_index("test").loc["AST", "value"] == "61.8"


@pytest.mark.parametrize("which", ["girl", "adult"])
def test_units_and_one_sided_ranges_in_the_tables(bundled, adult, which):
    case = bundled if which == "girl" else adult
    table = labs_table(case, hide_dates=True)
    platelets = table[table["test"] == "Platelets"]
    assert set(platelets["unit"]) == {"×10⁹/L"}
    assert all(entered.endswith(" ×10⁹/L") for entered in platelets["as entered"])
    assert set(table.loc[table["test"] == "CRP", "reference"]) == {"< 5"}  # never '–5'
    _, labs = state_on(case, 5)
    assert labs.set_index("test").loc["Platelets", "unit"] == "×10⁹/L"


def test_the_girls_default_ranges_are_named_the_childrens(bundled):
    table = labs_table(bundled, hide_dates=True)
    ast = table[table["test"] == "AST"]
    assert set(zip(ast["reference"], ast["reference from"], strict=True)) == {
        ("15–45", "default, child")
    }
    # a test with no range names no origin
    assert set(table.loc[table["test"] == "Temperature", "reference from"]) == {""}


def test_dose_columns_give_mg_and_the_body_size_used(adult):
    # 10 mg/m² at √(179 × 82 / 3600) = 2.019 m² = 20.2 mg; 2 mg/kg at 82 kg = 164 mg
    table = treatments_table(adult, hide_dates=False).set_index("row")
    dex = table[table["drug"] == "dexamethasone"].iloc[0]
    assert dex["dose"] == "10 mg/m² (20.2 mg at 2.02 m²)"
    assert dex["body size"] == (
        "BSA 2.02 m² (Mosteller) from 179 cm on Day 0 (2024-12-20 07:00) "
        "and 82 kg on Day 0 (2024-12-20 07:00)"
    )
    given, _ = state_on(adult, 10)  # the day panel: Day N only
    anakinra = given.set_index("drug").loc["anakinra"]
    assert (anakinra["dose"], anakinra["body size"]) == (
        "2 mg/kg (164 mg at 82 kg)",
        "weight 82 kg on Day 0 07:00",
    )


def test_a_trailing_zero_keeps_the_precision_it_was_written_with(adult):
    # 3.40 µkat/L AST (Day 7) = 3.40 / 0.01667 = 203.96 U/L: three figures as written, '204'
    table = labs_table(adult, hide_dates=True)
    (row,) = table[table["as entered"] == "3.40 µkat/L"].to_dict("records")
    assert (row["value"], row["unit"]) == ("204", "U/L")


def test_the_day_panel_lists_a_drug_only_on_the_days_its_schedule_gives_it(adult):
    # co-trimoxazole three times weekly from 2025-01-06 (Day 17): week days 0, 2 and 4 of
    # the schedule, so Days 17, 19 and 21, and not Day 18 or 20
    given = {d: set(state_on(adult, d)[0]["drug"]) for d in (17, 18, 19, 20, 21)}
    assert [d for d, drugs in given.items() if "co-trimoxazole" in drugs] == [17, 19, 21]
    assert "ruxolitinib" not in given[18]  # from Day 27
    assert "anakinra" in given[18]  # daily


def test_a_note_too_long_is_refused_with_a_message_not_cut():
    frame = pd.DataFrame(
        {
            "day": [3.0, 4.0, None],
            "text": ["x" * NOTE_MAX_CHARS, "y" * (NOTE_MAX_CHARS + 1), "z" * 1_000_000],
            "panel": ["", "", ""],
        }
    )
    assert notes_from_editor(frame) == ((3.0, "x" * NOTE_MAX_CHARS, ""),)
    message = overlong_notes(frame)
    assert message is not None
    assert "Day 4 (1,001 characters)" in message
    assert "no day (1,000,000 characters)" in message
    assert overlong_notes(frame.iloc[:1]) is None


def test_a_data_tab_is_laid_out_a_page_at_a_time(bundled):
    whole = labs_table(bundled, hide_dates=True)
    first, total = table_page(bundled, "labs", hide_dates=True, page=0, rows=100)
    third, _ = table_page(bundled, "labs", hide_dates=True, page=3, rows=100)
    assert total == len(bundled.labs) == len(whole)
    assert first.reset_index(drop=True).equals(whole.iloc[:100].reset_index(drop=True))
    assert third["row"].tolist() == whole["row"].iloc[300:400].tolist()
    treatments, count = table_page(bundled, "treatments", hide_dates=True, page=1, rows=5)
    # doses by weight still find the weight among all the lab rows
    assert treatments["dose"].tolist() == treatments_table(bundled, True)["dose"][5:10].tolist()
    assert count == len(bundled.treatments)
