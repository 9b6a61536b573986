"""Codes of a FHIR record (LOINC, ATC, RxNorm, SNOMED CT routes, UCUM) to catalogue names.

The catalogue's own columns come first (labs.csv ``loinc``, drugs.csv ``atc``,
routes.csv ``snomed``); ``catalogue/fhir_codes.csv`` adds the codes they do not
carry, each with its source. A code that maps to nothing is returned as None and
the caller keeps the record's own words.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from .. import catalogue as cat

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
SNOMED = "http://snomed.info/sct"
ATC = "http://www.whocc.no/atc"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


@cache
def _extra() -> pd.DataFrame:
    with resources.files(cat).joinpath("fhir_codes.csv").open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype=str, keep_default_na=False)


@cache
def code_index() -> dict[tuple[str, str, str], str]:
    """(kind, system, code) to a catalogue name: lab, drug, route or unit."""
    index: dict[tuple[str, str, str], str] = {}
    for kind, system, code, name in _extra()[["kind", "system", "code", "name"]].itertuples(
        index=False
    ):
        index[(kind, system, code)] = name
    for name, row in cat.labs().iterrows():
        for code in [row["loinc"], *row["loinc_alternatives"].split(";")]:
            if code:
                index[("lab", LOINC, code)] = str(name)
    for name, row in cat.drugs().iterrows():
        if row["atc"]:
            index[("drug", ATC, row["atc"])] = str(name)
    routes = pd.read_csv(
        resources.files(cat).joinpath("routes.csv").open(encoding="utf-8"),
        dtype=str,
        keep_default_na=False,
    )
    for name, snomed in zip(routes["name"], routes["snomed"], strict=True):
        if snomed:
            index[("route", SNOMED, snomed)] = name
    return index


def codings(concept: Any) -> list[dict[str, Any]]:
    """A CodeableConcept's codings that are objects (anything else is ignored)."""
    if not isinstance(concept, dict) or not isinstance(concept.get("coding"), list):
        return []
    return [c for c in concept["coding"] if isinstance(c, dict)]


def concept_text(concept: Any) -> str:
    """What a CodeableConcept says in words: its text, else its first display, else a code."""
    if not isinstance(concept, dict):
        return ""
    text = concept.get("text")
    if isinstance(text, str) and text.strip():
        return _clean(text)
    for coding in codings(concept):
        if isinstance(coding.get("display"), str) and coding["display"].strip():
            return _clean(coding["display"])
    for coding in codings(concept):
        if coding.get("code") is not None:
            return str(coding["code"])
    return ""


def _clean(text: str) -> str:
    """Words without zero-width characters (some published records carry them)."""
    return " ".join(text.replace("\u200b", "").split())


def mapped(kind: str, concept: Any) -> str | None:
    """The catalogue name a CodeableConcept's codes map to, or None."""
    index = code_index()
    for coding in codings(concept):
        name = index.get((kind, str(coding.get("system", "")), str(coding.get("code", ""))))
        if name is not None:
            return name
    return None


def by_words(index: dict[str, str], *texts: str) -> str | None:
    """A catalogue name matched by a whole text, else by exactly one of its words.

    'Methylprednisolone 4 MG Oral Tablet' finds methylprednisolone; a text naming
    two catalogue drugs ('Acetaminophen / oxyCODONE') or none finds nothing.
    """
    for text in texts:
        if text and cat.name_key(text) in index:
            return index[cat.name_key(text)]
    for text in texts:
        found = {index[k] for k in map(cat.name_key, text.replace("/", " ").split()) if k in index}
        if len(found) == 1:
            return found.pop()
    return None


def lab_test(concept: Any) -> tuple[str, bool]:
    """(test as the labs table writes it, whether the catalogue knows it)."""
    name, text = mapped("lab", concept), concept_text(concept)
    if name is not None:
        # the record's own words when they name the same test ('Ferritin' kept as written)
        return (text if by_words_exact(cat.lab_index(), text) == name else name), True
    found = by_words_exact(cat.lab_index(), text)
    return (found, True) if found else (text, False)


def by_words_exact(index: dict[str, str], text: str) -> str | None:
    """A catalogue name matched by the whole text only (a test's words are too generic)."""
    return index.get(cat.name_key(text)) if text else None


def drug_name(concept: Any) -> tuple[str, bool]:
    """(drug as the treatments table writes it, whether the catalogue knows it)."""
    name = mapped("drug", concept)
    if name is not None:
        text = concept_text(concept)
        return (text if by_words_exact(cat.drug_index(), text) == name else name), True
    texts = [concept_text(concept)] + [
        str(c["display"]) for c in codings(concept) if isinstance(c.get("display"), str)
    ]
    found = by_words(cat.drug_index(), *texts)
    return (found, True) if found else (texts[0], False)


def route_name(concept: Any) -> str:
    """A route as the treatments table writes it: the catalogue's name, else the record's words."""
    return mapped("route", concept) or concept_text(concept)


def unit_text(quantity: dict[str, Any]) -> str:
    """A Quantity's unit as the format writes it: its UCUM code translated, else its words."""
    code = quantity.get("code")
    if isinstance(code, str) and code:
        return code_index().get(("unit", UCUM, code), code)
    unit = quantity.get("unit")
    return unit if isinstance(unit, str) else ""
