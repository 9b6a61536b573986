"""The Patient and the record as a whole into the case table (key, value rows)."""

from __future__ import annotations

import hashlib
from typing import Any

from ..errors import ProblemCode
from ._context import Context, ref_of
from ._dates import parsed
from ._tables import Rows

#: HL7 v2 identifier type of a medical record number.
_RECORD_NUMBER = "MR"
_SEXES = {"female": "female", "male": "male", "other": "other", "unknown": "unknown"}


def patient_of(ctx: Context, resources: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The record's one Patient; an error when it holds more than one."""
    patients = [r for r in resources if r["resourceType"] == "Patient"]
    if len(patients) > 1:
        ctx.error(
            ProblemCode.NOT_A_CASE,
            ", ".join(ref_of(p) for p in patients[:4]),
            f"the record holds {len(patients)} patients: a case is one patient. Export one "
            "patient's record.",
        )
    return patients[0] if patients else None


def anchor(ctx: Context) -> tuple[str, str]:
    """(anchor text, Day 0 as written): the first admission, else the first event.

    A record with no event at all gets one, 'First record', at its earliest time,
    and a warning: the case format needs an event to be Day 0.
    """
    dated = [(when, r) for r in ctx.events.records if (when := parsed(r[0])) is not None]
    admissions = [(when, r) for when, r in dated if r[2] == "admission"]
    chosen = min(admissions or dated, key=lambda pair: pair[0], default=None)
    if chosen is not None:
        # the earliest event of that type: Day 0 is the first event whose type matches
        return chosen[1][2], chosen[1][0]
    times = [r[1] for r in ctx.treatments.records] + [r[0] for r in ctx.labs.records]
    known = [(when, t) for t in times if (when := parsed(t)) is not None]
    earliest = min(known, key=lambda pair: pair[0])[1] if known else ""
    if earliest:
        ctx.events.add("record", {"start": earliest, "type": "other", "label": "First record"}, {})
        ctx.warn(
            ProblemCode.FHIR_INFERRED,
            "record",
            "has no Encounter, Condition or Procedure with a date: Day 0 is its earliest "
            "result or treatment, shown as the event 'First record'.",
        )
    return "First record", earliest


def case_rows(ctx: Context, patient: dict[str, Any] | None, conditions: list[str]) -> Rows:
    """The case table of an imported record; identifiers go only to identifying keys."""
    rows = Rows("case")
    ref = ref_of(patient) if patient else "record"
    anchor_text, day0 = anchor(ctx)
    # a pseudonym from the Patient's id; a record without one is named after its resources
    key = str(patient.get("id", "")) if patient else " ".join(sorted(ctx.by_ref))
    values = {
        "id": "fhir-" + hashlib.sha256(key.encode()).hexdigest()[:8],
        "title": "Record imported from FHIR",
        "diagnosis": "; ".join(dict.fromkeys(conditions)) or "not stated in the record",
        "anchor": anchor_text,
        "source": "FHIR R4 record (hospital export)",
        "illustrative": "no",
    }
    for name, value in values.items():
        rows.add(ref, {"key": name, "value": value}, {"value": name})
    if patient is not None:
        _patient(rows, patient, day0)
    return rows


def _patient(rows: Rows, patient: dict[str, Any], day0: str) -> None:
    ref = ref_of(patient)
    sex = _SEXES.get(str(patient.get("gender", "")), "")
    if sex:
        rows.add(ref, {"key": "sex", "value": sex}, {"value": "gender"})
    birth = patient.get("birthDate")
    born, start = parsed(str(birth)) if birth else None, parsed(day0)
    if born is not None and start is not None and start >= born:
        age = (start - born).days / 365.25
        rows.add(ref, {"key": "age_years", "value": f"{age:.1f}"}, {"value": "birthDate"})
    if born is not None:
        rows.add(ref, {"key": "birth_date", "value": str(birth)}, {"value": "birthDate"})
    name = _name(patient)
    if name:
        rows.add(ref, {"key": "name", "value": name}, {"value": "name"})
    number = _record_number(patient)
    if number:
        rows.add(ref, {"key": "record_number", "value": number}, {"value": "identifier"})


def _name(patient: dict[str, Any]) -> str:
    names = [n for n in patient.get("name") or [] if isinstance(n, dict)]
    names.sort(key=lambda n: n.get("use") != "official")
    for name in names:
        words = [*(name.get("given") or []), name.get("family") or ""]
        text = name.get("text") or " ".join(str(w) for w in words if w)
        if text:
            return str(text)
    return ""


def _record_number(patient: dict[str, Any]) -> str:
    """The medical record number (identifier type MR), else the first identifier."""
    identifiers = [i for i in patient.get("identifier") or [] if isinstance(i, dict)]
    for identifier in identifiers:
        types = identifier.get("type", {}).get("coding") or []
        if any(isinstance(c, dict) and c.get("code") == _RECORD_NUMBER for c in types):
            return str(identifier.get("value", ""))
    return str(identifiers[0].get("value", "")) if identifiers else ""
