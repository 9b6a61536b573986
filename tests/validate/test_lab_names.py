"""Lab names and units as laboratories write them, and a hint for a misspelt name."""

from __future__ import annotations

import pytest

from timeline import catalogue as cat
from timeline import load_case
from timeline.errors import ProblemCode as C
from timeline.figures import FigureOptions, build_figure

from ..conftest import ADULT, rows_of
from ..figures.conftest import marker_points, panel_axis

LR = rows_of("labs")


def _appended(case, count: int):
    return case.labs.sort_values("row").tail(count)


def test_il18_written_three_ways_is_one_panel_on_its_log_axis(with_rows):
    # regression: 'IL18' next to 'IL-18' made two panels, and 'interleukin-18' lost the log axis
    case = load_case(
        with_rows(
            "labs",
            "2000-01-05 07:00,IL-18,12000,pg/mL,,,",
            "2000-01-07 07:00,IL18,30000,pg/mL,,,",
            "2000-01-09 07:00,interleukin-18,45000,pg/mL,,,",
        )
    )
    rows = _appended(case, 3)
    assert rows["test"].tolist() == ["il18"] * 3
    assert rows["test_input"].tolist() == ["IL-18", "IL18", "interleukin-18"]
    assert not [w for w in case.warnings if w.code is C.UNKNOWN_TEST]
    fig = build_figure(case, FigureOptions(labs=("il18",)))
    titles = [a.text for a in fig.layout.annotations if (a.text or "").startswith("<b>IL")]
    assert len(titles) == 1
    y = panel_axis(fig, "IL-18")
    assert fig.layout[y.replace("y", "yaxis")].type == "log"
    assert sorted(v for _, v in marker_points(fig, y)) == [12000, 30000, 45000]


@pytest.mark.parametrize("label", cat.labs()["label"].tolist())
def test_every_panel_title_loads_as_a_test_name(with_rows, label):
    test = cat.lab_index()[cat.name_key(label)]
    unit = cat.labs().at[test, "unit"]
    case = load_case(with_rows("labs", f"2000-01-05 07:00,{label},1,{unit},,,"))
    row = _appended(case, 1).iloc[0]
    assert (row["test"], row["test_known"], row["test_input"]) == (test, True, label)


def test_an_annotation_names_its_panel_by_the_panel_title(case_folder):
    case = load_case(case_folder(annotations="day,text,panel\n3,peak,IL-18\n4,low,Il18\n"))
    assert case.annotations["panel"].tolist() == ["il18", "il18"]
    assert not [w for w in case.warnings if w.code is C.UNKNOWN_PANEL]


@pytest.mark.parametrize(
    ("table", "row_text", "column", "code", "hint"),
    [
        ("labs", "2000-01-05 07:00,feritin,900,ng/mL,,,", "test", C.UNKNOWN_TEST, "'Ferritin'"),
        ("labs", "2000-01-05 07:00,fibrinogene,2,g/L,,,", "test", C.UNKNOWN_TEST, "'Fibrinogen'"),
        (
            "treatments",
            "ruxolitnib,2000-01-05,,5,mg,twice daily,oral,,",
            "drug",
            C.UNKNOWN_DRUG,
            "'ruxolitinib'",
        ),
        (
            "treatments",
            "tocilizumb,2000-01-05,,8,mg/kg,once,intravenous,,",
            "drug",
            C.UNKNOWN_DRUG,
            "'tocilizumab'",
        ),
    ],
)
def test_a_close_misspelling_gets_did_you_mean(with_rows, table, row_text, column, code, hint):
    case = load_case(with_rows(table, row_text))
    (warning,) = [w for w in case.warnings if w.code is code and w.row == rows_of(table)]
    assert warning.column == column
    assert warning.message.endswith(f"Did you mean {hint}?")
    # the existing warning is kept, the hint only added to it
    assert "catalogue" in warning.message


def test_a_hint_comes_before_the_rows_a_misspelling_repeats_in(with_rows):
    case = load_case(
        with_rows(
            "labs", "2000-01-05 07:00,feritin,900,ng/mL,,,", "2000-01-06 07:00,feritin,800,ng/mL,,,"
        )
    )
    (warning,) = [w for w in case.warnings if w.code is C.UNKNOWN_TEST]
    assert warning.message.endswith(f"Did you mean 'Ferritin'? (rows {LR}, {LR + 1})")


@pytest.mark.parametrize(
    "name",
    [
        "procalcitonin",  # 0.87 from 'calcitonin' is not in the catalogue: no key is close
        "IL-1",  # 'il1' is 0.86 from 'il18', but three characters get no guess
        "IL-10",  # 0.75 from 'il18'
        "CMV PCR",
    ],
)
def test_a_different_test_gets_no_guess(with_rows, name):
    case = load_case(with_rows("labs", f"2000-01-05 07:00,{name},2,ng/mL,,,"))
    (warning,) = [w for w in case.warnings if w.code is C.UNKNOWN_TEST]
    assert "Did you mean" not in warning.message


def test_an_unknown_drug_far_from_any_gets_no_guess(adult):
    # the adult case's omeprazole and valganciclovir: no catalogue drug is close
    unknown = [w for w in adult.warnings if w.code is C.UNKNOWN_DRUG]
    assert {w.value for w in unknown} >= {"omeprazole", "valganciclovir"}
    assert not [w for w in unknown if "Did you mean" in w.message]


def test_a_refused_frequency_error_gets_a_hint_too(with_rows):
    from timeline import CaseLoadError

    with pytest.raises(CaseLoadError) as caught:
        load_case(with_rows("treatments", "ruxolitinib,2000-01-05,,5,mg,twice dialy,oral,,"))
    (error,) = caught.value.errors
    assert error.code is C.UNKNOWN_FREQUENCY
    assert error.message.endswith("Did you mean 'twice daily'?")


# --- units as laboratories send them -------------------------------------------------


@pytest.mark.parametrize(
    ("row_text", "test", "value", "unit"),
    [
        # haemoglobin g/L = mmol/L × 16.11: 7.0 × 16.11 = 112.77 g/L
        ("2000-01-05 07:00,haemoglobin,7.0,mmol/L,,,", "haemoglobin", 112.77, "g/L"),
        # 5.5 × 16.11 = 88.605 g/L: below HLH-2004's 90 g/L, as 5.5 mmol/L is
        ("2000-01-05 07:00,Hb,5.5,mmol/l,,,", "haemoglobin", 88.605, "g/L"),
        ("2000-01-05 07:00,ESR,42,mm/1h,,,", "esr", 42.0, "mm/h"),
        ("2000-01-05 07:00,temperature,38.6,°C tympanic,,,", "temperature", 38.6, "°C"),
        ("2000-01-05 07:00,temperature,37.2,°C axillary,,,", "temperature", 37.2, "°C"),
        ("2000-01-05 07:00,temperature,101.3,°F oral,,,", "temperature", 38.5, "°C"),
    ],
)
def test_units_as_laboratories_write_them_are_converted(with_rows, row_text, test, value, unit):
    case = load_case(with_rows("labs", row_text))
    row = _appended(case, 1).iloc[0]
    assert row["test"] == test
    assert row["value"] == pytest.approx(value)
    assert row["unit"] == unit
    # the unit as entered (the temperature's site) is kept beside the converted value
    assert row["unit_input"] == row_text.split(",")[3]


def test_haemoglobin_in_mmol_per_litre_in_the_adult_case(case_folder):
    # the adult case's haemoglobin rows rewritten in mmol/L (÷ 16.11), read back in g/L
    text = (ADULT / "labs.csv").read_text(encoding="utf-8").splitlines()
    header, rows = text[0], text[1:]
    rewritten = []
    for line in rows:
        cells = line.split(",")
        if cells[1] == "haemoglobin":
            cells[2], cells[3] = f"{float(cells[2]) / 16.11:.4f}", "mmol/L"
        rewritten.append(",".join(cells))
    original = load_case(ADULT).labs.query("test == 'haemoglobin'")["value"].to_numpy()
    folder = case_folder(labs="\n".join([header, *rewritten]) + "\n")
    for name in ("case", "treatments", "events"):
        (folder / f"{name}.csv").write_bytes((ADULT / f"{name}.csv").read_bytes())
    converted = load_case(folder).labs.query("test == 'haemoglobin'")["value"].to_numpy()
    assert converted == pytest.approx(original, abs=0.001)


# --- a test the catalogue does not know, in two units ---------------------------------

VIRAL_LOADS = (
    "2000-01-05 07:00,viral load,12000,IU/mL,,,",
    "2000-01-06 07:00,viral load,4.1,log10 IU/mL,,,",
    "2000-01-08 07:00,Viral load,900,iu/ml,,,",
    "2000-01-09 07:00,viral-load,2.9,log10 IU/mL,,,",
)


def test_an_unknown_test_in_two_units_is_two_series_never_one_axis(with_rows):
    # regression: 12,000 IU/mL then 4.1 log10 IU/mL was drawn on one axis, a false fall to zero
    case = load_case(with_rows("labs", *VIRAL_LOADS))
    rows = _appended(case, 4)
    assert rows["test"].tolist() == [
        "viral load (IU/mL)",
        "viral load (log10 IU/mL)",
        "viral load (IU/mL)",  # 'iu/ml' is IU/mL, named as first written
        "viral load (log10 IU/mL)",
    ]
    assert rows["test_input"].tolist() == ["viral load", "viral load", "Viral load", "viral-load"]
    assert rows["value"].tolist() == [12000, 4.1, 900, 2.9]  # nothing converted
    (split,) = [w for w in case.warnings if w.code is C.UNKNOWN_TEST_UNITS]
    assert (split.row, split.column, split.value) == (LR, "test", "viral load")
    assert f"IU/mL in rows {LR}, {LR + 2}; log10 IU/mL in rows {LR + 1}, {LR + 3}" in split.message
    assert "'viral load (IU/mL)', 'viral load (log10 IU/mL)'" in split.message
    # one 'not in the lab catalogue' warning for the name, however it is spelt
    (unknown,) = [w for w in case.warnings if "lab catalogue" in w.message]
    assert unknown.message.endswith(f"(rows {LR}, {LR + 1}, {LR + 2}, {LR + 3})")


def test_each_unit_of_an_unknown_test_is_its_own_panel(with_rows):
    case = load_case(with_rows("labs", *VIRAL_LOADS))
    series = ("viral load (IU/mL)", "viral load (log10 IU/mL)")
    fig = build_figure(case, FigureOptions(labs=series))
    drawn = {
        name: sorted(v for _, v in marker_points(fig, panel_axis(fig, name))) for name in series
    }
    assert drawn == {series[0]: [900, 12000], series[1]: [2.9, 4.1]}
    assert panel_axis(fig, series[0]) != panel_axis(fig, series[1])


def test_an_unknown_test_in_one_unit_is_one_series_whatever_its_spelling(with_rows):
    case = load_case(
        with_rows(
            "labs",
            "2000-01-05 07:00,CMV PCR,5200,copies/mL,,,",
            "2000-01-07 07:00,CMV-PCR,800,Copies/mL,,,",
        )
    )
    assert _appended(case, 2)["test"].tolist() == ["CMV PCR", "CMV PCR"]
    assert not [w for w in case.warnings if "units" in w.message]


def test_a_known_test_in_two_units_stays_one_series(with_rows):
    # the bundled ferritin is in ng/mL; a row in pmol/L converts: 2247 ÷ 2.247 = 1000 ng/mL
    case = load_case(with_rows("labs", "2000-01-05 07:00,ferritin,2247,pmol/L,,,"))
    row = _appended(case, 1).iloc[0]
    assert (row["test"], row["value"]) == ("ferritin", pytest.approx(1000))
    assert not [w for w in case.warnings if "series" in w.message]
