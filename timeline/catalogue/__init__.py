"""Clinical catalogues kept as data: drugs, labs, units, thresholds, vocabularies.

Each CSV beside this file gives every clinical number its tag ([S] seen in a
source, [K] standard knowledge, [U] uncertain) and cites its primary source beside
it: a paper, a drug label or a standard such as WHO ATC or UCUM. A [K] number with
no named source says "standard clinical knowledge"; where no source was checked,
the cell says so. The citation is in ``source`` (``ref_source`` in labs.csv);
drugs.csv cites its dose-warning limits in ``warn_source``. Edit the CSVs, not
this module.

Default reference ranges: labs.csv holds the children's ranges (for a girl of
about 11), used for a child and when the case gives no age; lab_ranges.csv holds
ranges by age and sex (adults, by sex where they differ), which win where they
match the case. A range given in the input always wins over both.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import pandas as pd

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


# Hyphens, dashes and underscores separate words as a space does ('D-dimer', 'd_dimer').
_SEPARATORS = re.compile(r"[\s_\-\u2010-\u2015]+")
# A separator between letters and digits joins them: 'IL-18', 'IL 18' and 'IL18' are one name.
_LETTER_DIGIT = re.compile(r"(?<=[^\W\d_]) (?=\d)|(?<=\d) (?=[^\W\d_])")


def name_key(text: str) -> str:
    """Normalise a drug, test or vocabulary name for matching.

    Case, spaces, hyphens and underscores do not count, nor does a separator
    between a letter and a digit: 'IL-18', 'il 18' and 'IL18' share the key
    'il18'; 'D-dimer' and 'd dimer' share 'd dimer'. The tests check that no two
    catalogue entries share a key.
    """
    key = str(text).replace("μ", "µ").replace("µ", "u").lower()
    key = " ".join(_SEPARATORS.sub(" ", key).split())
    return _LETTER_DIGIT.sub("", key)


def unit_key(text: str) -> str:
    """Normalise a unit for matching: '×10⁹/L', '10^9/l' and 'x10*9/L' are one key."""
    key = str(text).translate(_SUPERSCRIPTS).replace("μ", "u").replace("µ", "u")
    key = key.replace("mcg", "ug").replace("deg", "°").replace("×", "x")
    key = re.sub(r"\s+", "", key.lower())
    key = re.sub(r"^x(?=10)", "", key)
    return key.replace("^", "").replace("*", "")


@cache
def _read(name: str) -> pd.DataFrame:
    with resources.files(__name__).joinpath(name).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


def _aliases(table: pd.DataFrame, column: str = "name") -> list[tuple[str, str]]:
    """(alias as the catalogue writes it, canonical name) for every name and synonym.

    A lab's ``label`` (the name the product prints: 'IL-18', 'D-dimer') comes
    first, so it is the spelling a suggestion shows.
    """
    labels = table["label"] if "label" in table.columns else table[column]
    pairs = []
    for name, label, synonyms in zip(table[column], labels, table["synonyms"], strict=True):
        for alias in [label, name, *filter(None, synonyms.split(";"))]:
            pairs.append((alias, name))
    return pairs


def _synonym_index(table: pd.DataFrame, key=name_key, column: str = "name") -> dict[str, str]:
    return {key(alias): name for alias, name in _aliases(table, column)}


def _number(text: str) -> float:
    return float(text) if text != "" else float("nan")


@cache
def drug_classes() -> pd.DataFrame:
    """Drug classes in lane order, with their display labels and whether disease-directed."""
    table = _read("drug_classes.csv")
    return table.assign(
        lane_order=table["lane_order"].astype(int),
        disease_directed=table["disease_directed"] == "yes",
    ).set_index("class")


@cache
def drugs() -> pd.DataFrame:
    """The drug catalogue, indexed by canonical name."""
    table = _read("drugs.csv").set_index("name")
    for column in (
        "prednisone_factor",
        "warn_above_mg_day",
        "warn_above_mg_kg_day",
        "warn_interval_days_iv",
    ):
        table[column] = table[column].map(_number)
    table["lane_order"] = table["lane_order"].astype(int)
    return table


@cache
def glucocorticoids() -> frozenset[str]:
    """Canonical names of the drugs whose catalogue class is glucocorticoid."""
    table = drugs()
    return frozenset(table.index[table["class"] == "glucocorticoid"])


def is_glucocorticoid(drug: str) -> bool:
    """Whether a drug (canonical name) is a glucocorticoid, by its catalogue class."""
    return drug in glucocorticoids()


@cache
def disease_directed() -> frozenset[str]:
    """Canonical names of the drugs whose catalogue class acts on the disease itself.

    Immunomodulators, JAK inhibitors, cytotoxics and glucocorticoids; never an
    anti-infective, a supportive drug or a drug the catalogue does not know.
    """
    table = drugs()
    directed = drug_classes()["disease_directed"]
    return frozenset(table.index[table["class"].map(directed)])


def is_disease_directed(drug: str) -> bool:
    """Whether a drug (canonical name) is disease-directed by its catalogue class."""
    return drug in disease_directed()


def drug_label(drug: str) -> str:
    """A drug's display name: the canonical name capitalised ('Ruxolitinib')."""
    return drug[:1].upper() + drug[1:]


@cache
def prednisone_factors() -> dict[str, float]:
    """Prednisone-equivalent factor of each glucocorticoid (drugs without one are absent)."""
    factor = drugs()["prednisone_factor"]
    return {str(k): float(v) for k, v in factor[factor.notna()].items()}


@cache
def dose_unit_factors() -> dict[str, tuple[str, float]]:
    """Each dose unit's (per: 'kg', 'm2' or '', factor to mg: NaN when it has no mass)."""
    table = dose_units()
    per = table["per"].fillna("")
    return {u: (p, f) for u, p, f in zip(table.index, per, table["to_mg"], strict=True)}


@cache
def dose_unit_bases() -> dict[str, tuple[str, float]]:
    """Each dose unit's (basis, hours): what one dose of it covers.

    basis 'dose': an amount per administration (mg, mg/kg); 'day': a daily total,
    divided over the frequency's administrations (mg/kg/day); 'rate': a continuous
    infusion's amount over ``hours`` hours (mg/h: 1, mg/24h: 24). ``hours`` is NaN
    for the other two.
    """
    table = dose_units()
    columns = zip(table.index, table["basis"], table["hours"], strict=True)
    return {unit: (basis, hours) for unit, basis, hours in columns}


@cache
def rate_units() -> frozenset[str]:
    """The dose units that are rates (mg/h, mg/24h, mg/kg/h): a continuous infusion's."""
    return frozenset(u for u, (basis, _) in dose_unit_bases().items() if basis == "rate")


@cache
def drug_index() -> dict[str, str]:
    """Every accepted spelling of a drug, normalised, to its canonical name."""
    return _synonym_index(drugs().reset_index())


@cache
def labs() -> pd.DataFrame:
    """The lab catalogue, indexed by canonical test name."""
    table = _read("labs.csv").set_index("name")
    table["ref_low"] = table["ref_low"].map(_number)
    table["ref_high"] = table["ref_high"].map(_number)
    table["panel_order"] = table["panel_order"].astype(int)
    table["log_axis"] = table["log_axis"] == "yes"
    return table


@cache
def lab_index() -> dict[str, str]:
    """Every accepted spelling or LOINC code of a test to its canonical name."""
    table = labs().reset_index()
    index = _synonym_index(table)
    columns = (table[c].tolist() for c in ("name", "loinc", "loinc_alternatives"))
    for name, loinc, alternatives in zip(*columns, strict=True):
        for code in [loinc, *alternatives.split(";")]:
            if code:
                index[name_key(code)] = name
    return index


@cache
def spellings() -> dict[str, str]:
    """Each name key of the drug, lab, frequency, route and event catalogues to one
    way the catalogue writes it ('il18': 'IL-18'), for a "did you mean" hint."""
    tables = [drugs().reset_index(), labs().reset_index(), frequencies().reset_index()]
    tables += [_read("routes.csv"), _read("event_types.csv")]
    written: dict[str, str] = {}
    for table in tables:
        for alias, _ in _aliases(table):
            written.setdefault(name_key(alias), alias)
    return written


@cache
def lab_ranges() -> pd.DataFrame:
    """Default reference ranges by age and sex, converted to each test's canonical unit.

    Columns: test, sex ('female', 'male' or 'any'), age_min, age_max (years, the
    row applies from age_min up to but not including age_max; blank: no upper
    age), ref_low, ref_high (NaN: no limit; both NaN: no default for that age),
    unit (as catalogued), tag, source.
    """
    table = _read("lab_ranges.csv")
    for column in ("age_min", "age_max", "ref_low", "ref_high"):
        table[column] = table[column].map(_number)
    table["age_max"] = table["age_max"].fillna(float("inf"))
    columns = (table[c].tolist() for c in ("test", "unit", "ref_low", "ref_high"))
    canonical = [
        (to_canonical(test, unit, low), to_canonical(test, unit, high))
        for test, unit, low, high in zip(*columns, strict=True)
    ]
    table["ref_low"] = [low for low, _ in canonical]
    table["ref_high"] = [high for _, high in canonical]
    return table


@cache
def lab_units() -> pd.DataFrame:
    """Accepted units per test and the conversion to the test's canonical unit."""
    table = _read("lab_units.csv")
    for column in ("offset", "multiply", "divide"):
        table[column] = table[column].astype(float)
    return table


@cache
def lab_unit_index() -> dict[tuple[str, str], tuple[str, float, float, float]]:
    """(test, unit key) to (unit as catalogued, offset, multiply, divide)."""
    table = lab_units()
    columns = (table[c].tolist() for c in ("test", "unit", "offset", "multiply", "divide"))
    return {
        (test, unit_key(unit)): (unit, offset, multiply, divide)
        for test, unit, offset, multiply, divide in zip(*columns, strict=True)
    }


def convert(values, offset, multiply, divide):
    """A lab unit conversion (a lab_units.csv row): ``(values + offset) × multiply ÷ divide``.

    Works on numbers and on aligned Series or arrays alike.
    """
    return (values + offset) * multiply / divide


def to_canonical(test: str, unit: str, value: float) -> float:
    """Convert one value of ``test`` in ``unit`` to the test's canonical unit."""
    _, offset, multiply, divide = lab_unit_index()[(test, unit_key(unit))]
    return convert(value, offset, multiply, divide)


@cache
def thresholds() -> pd.DataFrame:
    """Decision thresholds (MAS 2016, fever) converted to each test's canonical unit."""
    table = _read("thresholds.csv")
    table["value"] = table["value"].astype(float)
    columns = (table[c].tolist() for c in ("test", "unit", "value"))
    table["canonical"] = [to_canonical(*row) for row in zip(*columns, strict=True)]
    return table


@cache
def lab_plausibility() -> pd.DataFrame:
    """Values that suggest a unit mix-up (warnings, never errors)."""
    table = _read("lab_plausibility.csv")
    table["value"] = table["value"].astype(float)
    return table


@cache
def frequencies() -> pd.DataFrame:
    """Dosing frequencies, indexed by name.

    ``times`` administrations every ``every_days`` days (three times weekly: 3 every
    7); ``per_day`` is their ratio (NaN for a single dose and for a continuous
    infusion); ``continuous`` marks the one frequency a rate (mg/h) goes with.
    """
    table = _read("frequencies.csv").set_index("name")
    table["times"] = table["times"].map(_number)
    table["every_days"] = table["every_days"].map(_number)
    table["per_day"] = table["times"] / table["every_days"]
    table["continuous"] = table["continuous"] == "yes"
    return table


@cache
def schedules() -> dict[str, tuple[float, float, bool]]:
    """Each frequency's (times, every_days, continuous); NaN times for once and continuous."""
    table = frequencies()
    columns = zip(
        table.index, table["times"], table["every_days"], table["continuous"], strict=True
    )
    return {str(name): (float(n), float(every), bool(c)) for name, n, every, c in columns}


@cache
def short_frequencies() -> dict[str, str]:
    """Each frequency's short form for labels ('twice daily': 'bid')."""
    return {str(k): str(v) for k, v in frequencies()["short"].items()}


@cache
def frequency_index() -> dict[str, str]:
    return _synonym_index(frequencies().reset_index())


@cache
def dose_units() -> pd.DataFrame:
    """Dose units: what they are per (kg, m2 or nothing), their factor to mg, and their
    basis (per administration, per day or a rate over ``hours``: :func:`dose_unit_bases`)."""
    table = _read("dose_units.csv").set_index("unit")
    table["to_mg"] = table["to_mg"].map(_number)
    table["hours"] = table["hours"].map(_number)
    return table


@cache
def dose_unit_index() -> dict[str, str]:
    return _synonym_index(dose_units().reset_index(), key=unit_key, column="unit")


@cache
def route_index() -> dict[str, str]:
    return _synonym_index(_read("routes.csv"))


@cache
def event_type_index() -> dict[str, str]:
    return _synonym_index(_read("event_types.csv"))


@cache
def thresholds_by_test() -> dict[str, tuple]:
    """Each test's threshold rows (named tuples), for drawing without a query per panel."""
    by_test: dict[str, list] = {}
    for row in thresholds().itertuples():
        by_test.setdefault(str(row.test), []).append(row)
    return {test: tuple(rows) for test, rows in by_test.items()}


@cache
def mas_2016_rules() -> dict[str, tuple[str, float]]:
    """Test to (operator, threshold in the test's canonical unit), Ravelli 2016."""
    rules = thresholds().query("set == 'mas2016'")
    columns = (rules[c].tolist() for c in ("test", "operator", "canonical"))
    return {test: (operator, canonical) for test, operator, canonical in zip(*columns, strict=True)}
