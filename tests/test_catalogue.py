"""Catalogue numbers against their cited sources, and the citations themselves."""

from __future__ import annotations

from importlib import resources

import pytest

from timeline import catalogue as cat

CONVERSIONS = [  # (test, unit, value, canonical value), as cited in lab_units.csv
    ("fibrinogen", "mg/dL", 360, 3.6),
    ("ferritin", "pmol/L", 2247, 1000),
    ("ferritin", "µg/L", 684, 684),
    ("haemoglobin", "g/dL", 9, 90),
    ("albumin", "g/dL", 3.5, 35),
    ("bilirubin", "mg/dL", 1, 17.1),
    ("crp", "mg/dL", 0.5, 5),
    ("platelets", "10^3/µL", 181, 181),
    ("platelets", "×10⁹/L", 181, 181),
    ("platelets", "10*9/L", 181, 181),
    ("wbc", "K/uL", 4.5, 4.5),
    ("temperature", "°F", 100.4, 38.0),
    ("temperature", "Cel", 38.0, 38.0),
    ("haemoglobin", "mmol/L", 7, 112.77),  # g/L = mmol/L × 16.11: 7 × 16.11 = 112.77
    ("haemoglobin", "mmol/l", 5.6, 90.216),  # 5.6 × 16.11 = 90.216 (HLH-2004's Hb < 90 g/L)
    ("esr", "mm/1h", 30, 30),  # millimetres in the first hour: the same unit as mm/h
    ("esr", "mm/1 h", 30, 30),
    ("temperature", "°C tympanic", 38.2, 38.2),  # the site is not a unit: no correction
    ("temperature", "°C axillary", 37.6, 37.6),
    ("temperature", "°C oral", 39.0, 39.0),
    ("temperature", "°C rectal", 38.0, 38.0),
    ("temperature", "°F tympanic", 100.4, 38.0),  # (100.4 − 32) × 5 / 9 = 38.0
]


@pytest.mark.parametrize(("test", "unit", "value", "expected"), CONVERSIONS)
def test_conversion_matches_clinical_reference(test, unit, value, expected):
    assert cat.to_canonical(test, unit, value) == pytest.approx(expected, abs=0.005)


def test_worked_examples_stated_to_two_decimals():
    # Ravelli A et al. Ann Rheum Dis 2016;75:481-9: 156 mg/dL = 1.76 mmol/L and 48 U/L = 0.80 µkat/L, both rounded
    assert round(cat.to_canonical("triglycerides", "mg/dL", 156), 2) == 1.76
    assert round(48 / cat.to_canonical("ast", "ukat/L", 1), 2) == 0.80


def test_unit_spellings_share_one_key():
    assert cat.unit_key("×10⁹/L") == cat.unit_key("10^9/l") == cat.unit_key("x10*9/L")
    assert cat.unit_key("µmol/L") == cat.unit_key("umol/L") == cat.unit_key("μmol/L")


def test_assay_specific_units_are_never_converted():
    # standard clinical knowledge: sCD25 U/mL vs pg/mL is assay-specific; D-dimer FEU vs DDU
    assert ("scd25", cat.unit_key("pg/mL")) not in cat.lab_unit_index()
    assert ("d_dimer", cat.unit_key("mg/L DDU")) not in cat.lab_unit_index()


MAS_2016 = {  # Ravelli A et al. Ann Rheum Dis 2016;75:481-9, in each test's canonical unit
    "ferritin": (">", 684.0),
    "platelets": ("<=", 181.0),
    "ast": (">", 48.0),
    "triglycerides": (">", 156 / 88.57),
    "fibrinogen": ("<=", 3.6),
}


def test_mas_thresholds_in_canonical_units():
    table = cat.thresholds().query("set == 'mas2016'").set_index("test")
    got = {t: (r.operator, r.canonical) for t, r in table.iterrows()}
    assert got.keys() == MAS_2016.keys()
    for test, (operator, value) in MAS_2016.items():
        assert got[test][0] == operator
        assert got[test][1] == pytest.approx(value)


def test_glucocorticoid_factors_match_the_fda_label():
    # 15 mg prednisolone = 12 mg methylprednisolone = 2.25 mg dexamethasone = 60 mg hydrocortisone
    factor = cat.drugs()["prednisone_factor"]
    assert 12 * factor["methylprednisolone"] == pytest.approx(15)
    assert 2.25 * factor["dexamethasone"] == pytest.approx(15, abs=0.01)
    assert 60 * factor["hydrocortisone"] == pytest.approx(15)
    assert factor["prednisolone"] == factor["prednisone"] == 1


def test_every_drug_has_a_known_class_and_a_distinct_colour():
    drugs = cat.drugs()
    assert set(drugs["class"]) <= set(cat.drug_classes().index)
    assert drugs["colour"].is_unique


def test_every_lab_has_its_canonical_unit_in_the_unit_table():
    for name, row in cat.labs().iterrows():
        assert (name, cat.unit_key(row["unit"])) in cat.lab_unit_index(), name


def test_frequencies_per_day():
    per_day = cat.frequencies()["per_day"]
    assert per_day["twice daily"] == 2
    assert per_day["every 2 weeks"] == pytest.approx(1 / 14)
    assert per_day.isna()["once"]


CSVS = sorted(f.name for f in resources.files(cat).iterdir() if f.name.endswith(".csv"))


@pytest.mark.parametrize("name", CSVS)
def test_catalogue_cites_primary_sources_not_internal_notes(name):
    text = resources.files(cat).joinpath(name).read_text(encoding="utf-8")
    assert "CLINICAL.md" not in text


@pytest.mark.parametrize(
    ("table", "column"),
    [
        (cat.drugs, "source"),
        (cat.labs, "ref_source"),
        (cat.thresholds, "source"),
        (cat.lab_units, "source"),
        (cat.lab_plausibility, "source"),
        (cat.lab_ranges, "source"),
        (cat.drug_classes, "source"),
    ],
)
def test_every_catalogue_row_cites_a_source(table, column):
    sources = table()[column]
    assert (sources.str.strip() != "").all(), list(sources.index[sources.str.strip() == ""])


def test_every_dose_warning_limit_cites_its_source():
    drugs = cat.drugs()
    limits = ["warn_above_mg_day", "warn_above_mg_kg_day", "warn_interval_days_iv"]
    limited = drugs[drugs[limits].notna().any(axis=1)]
    assert not limited.empty
    assert (limited["warn_source"] != "").all()
    assert (drugs.loc[~drugs.index.isin(limited.index), "warn_source"] == "").all()


# --- names: every spelling the product prints or a laboratory writes ----------------

LAB_NAMES = list(zip(cat.labs()["label"], cat.labs().index, strict=True))


@pytest.mark.parametrize(("label", "test"), LAB_NAMES)
def test_every_lab_label_the_product_prints_is_accepted(label, test):
    # the panel titles ('IL-18', 'sCD25', 'D-dimer', 'Total bilirubin') read back as the test
    assert cat.lab_index()[cat.name_key(label)] == test
    assert cat.lab_index()[cat.name_key(label.upper())] == test


@pytest.mark.parametrize(
    ("written", "test"),
    [
        ("IL-18", "il18"),
        ("IL18", "il18"),
        ("il 18", "il18"),
        ("IL_18", "il18"),
        ("interleukin-18", "il18"),
        ("Interleukin 18", "il18"),
        ("interleukin18", "il18"),
        ("IL-6", "il6"),
        ("IL6", "il6"),
        ("interleukin-6", "il6"),
        ("sCD25", "scd25"),
        ("soluble IL-2 receptor", "scd25"),
        ("soluble interleukin-2 receptor", "scd25"),
        ("sIL-2R", "scd25"),
        ("sIL2R", "scd25"),
        ("s-IL-2R", "scd25"),
        ("D-dimer", "d_dimer"),
        ("D dimer", "d_dimer"),
        ("d_dimer", "d_dimer"),
        ("C-reactive protein", "crp"),
        ("C reactive protein", "crp"),
        ("Hb", "haemoglobin"),
        ("Total bilirubin", "bilirubin"),
        ("ASAT", "ast"),
        ("ALAT", "alt"),
        ("2276-4", "ferritin"),  # LOINC codes keep their hyphen's place: digits stay apart
    ],
)
def test_common_spellings_of_a_test_are_one_test(written, test):
    assert cat.lab_index()[cat.name_key(written)] == test


def test_a_separator_between_letters_and_digits_does_not_count():
    assert cat.name_key("IL-18") == cat.name_key("IL 18") == cat.name_key("IL18") == "il18"
    assert cat.name_key("D-dimer") == cat.name_key("d_dimer") == "d dimer"
    assert cat.name_key("2276-4") != cat.name_key("22764")  # between digits it still counts


def _aliases(name: str):
    tables = {
        "drugs": lambda: cat.drugs().reset_index(),
        "labs": lambda: cat.labs().reset_index(),
        "frequencies": lambda: cat.frequencies().reset_index(),
        "routes": lambda: cat._read("routes.csv"),
        "event types": lambda: cat._read("event_types.csv"),
    }
    return cat._aliases(tables[name]())


@pytest.mark.parametrize("name", ["drugs", "labs", "frequencies", "routes", "event types"])
def test_no_two_catalogue_entries_share_a_name_key(name):
    # the looser key ('IL18' = 'IL-18') must stay unambiguous for every catalogue name
    owners: dict[str, set[str]] = {}
    for alias, canonical in _aliases(name):
        owners.setdefault(cat.name_key(alias), set()).add(canonical)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}


def test_no_lab_name_is_another_labs_loinc_code():
    labs = cat.labs()
    codes = {
        cat.name_key(c)
        for c in [*labs["loinc"], *";".join(labs["loinc_alternatives"]).split(";")]
        if c
    }
    names = {cat.name_key(alias) for alias, _ in _aliases("labs")}
    assert not codes & names


def test_interleukin_18_keeps_its_log_axis_under_every_spelling():
    for written in ("IL-18", "IL18", "interleukin-18"):
        assert cat.labs().at[cat.lab_index()[cat.name_key(written)], "log_axis"]


def test_a_suggestion_shows_the_name_as_the_catalogue_writes_it():
    assert cat.spellings()["il18"] == "IL-18"
    assert cat.spellings()["ruxolitinib"] == "ruxolitinib"
