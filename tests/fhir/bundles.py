"""Small FHIR R4 records written by tests, and the bundled case written as one Bundle."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from timeline import catalogue as cat
from timeline import load_case

PATIENT = {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1989-01-01"}
STAY = {
    "resourceType": "Encounter",
    "id": "stay",
    "status": "finished",
    "class": {"code": "IMP"},
    "type": [{"text": "Admission"}],
    "period": {"start": "2000-01-01T08:00:00+01:00", "end": "2000-01-20T12:00:00+01:00"},
}
_NUMBER = re.compile(r'"#number:([^"]+)"')


def bundle(*resources: dict[str, Any], kind: str = "collection") -> dict[str, Any]:
    """A Bundle of the resources (a Patient and a stay are added unless given)."""
    given = {r["resourceType"] for r in resources}
    extra = [r for r in (PATIENT, STAY) if r["resourceType"] not in given]
    return {
        "resourceType": "Bundle",
        "type": kind,
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in [*extra, *resources]],
    }


def dumps(document: Any) -> bytes:
    """JSON text, with '#number:3.40' strings written as the decimal 3.40 itself."""
    return _NUMBER.sub(r"\1", json.dumps(document)).encode()


def request(rid: str, *dosages: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A MedicationRequest for prednisolone (ATC H02AB06) unless ``fields`` say otherwise."""
    return {
        "resourceType": "MedicationRequest",
        "id": rid,
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.whocc.no/atc", "code": "H02AB06"}],
            "text": "Prednisolone",
        },
        "authoredOn": "2000-01-02",
        "dosageInstruction": list(dosages),
    } | fields


def dosage(dose: float, unit: str = "mg", **repeat: Any) -> dict[str, Any]:
    """A Dosage: dose in a UCUM unit, timing.repeat as given (default: daily)."""
    return {
        "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"} | repeat},
        "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006"}]},
        "doseAndRate": [{"doseQuantity": {"value": dose, "unit": unit, "code": unit}}],
    }


def observation(oid: str, loinc: str, value: Any, unit: str, **fields: Any) -> dict[str, Any]:
    """A final Observation with a LOINC code and a valueQuantity."""
    return {
        "resourceType": "Observation",
        "id": oid,
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": loinc}]},
        "effectiveDateTime": "2000-01-03T07:00:00+01:00",
        "valueQuantity": {
            "value": value,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
    } | fields


# --- the bundled case as a Bundle --------------------------------------------------


def _iso(when: pd.Timestamp) -> str:
    return (
        when.strftime("%Y-%m-%d")
        if when == when.normalize()
        else when.strftime("%Y-%m-%dT%H:%M:00")
    )


def _timing(frequency: str) -> dict[str, Any]:
    """A catalogue frequency as timing.repeat (every N hours in hours, others in days)."""
    if frequency == "once":
        return {"count": 1}
    hours = re.fullmatch(r"every (\d+) hours", frequency)
    if hours:
        return {"frequency": 1, "period": int(hours[1]), "periodUnit": "h"}
    times, every, _ = cat.schedules()[frequency]
    return {"frequency": int(times), "period": int(every), "periodUnit": "d"}


def _route(route: str) -> dict[str, Any]:
    snomed = dict(zip(*(cat._read("routes.csv")[c] for c in ("name", "snomed")), strict=True))
    coding = (
        [{"system": "http://snomed.info/sct", "code": snomed[route]}] if snomed.get(route) else []
    )
    return {"coding": coding, "text": route}


def _treatment(number: int, row: pd.Series) -> dict[str, Any]:
    repeat = _timing(row["frequency"])
    bounds = {"start": _iso(row["start"])}
    if not pd.isna(row["end"]):
        bounds["end"] = _iso(row["end"])
    repeat["boundsPeriod"] = bounds
    atc = cat.drugs()["atc"].get(row["drug"], "")
    coding = [{"system": "http://www.whocc.no/atc", "code": atc}] if atc else []
    resource = request(
        f"t{number}",
        {
            "timing": {"repeat": repeat},
            "route": _route(row["route"]),
            "doseAndRate": [
                {"doseQuantity": {"value": f"#number:{row['dose']:g}", "code": row["dose_unit"]}}
            ],
        },
        medicationCodeableConcept={"coding": coding, "text": row["drug_input"]},
    )
    if row["note"]:
        resource["note"] = [{"text": row["note"]}]
    return resource


def _lab(number: int, row: pd.Series) -> dict[str, Any]:
    loinc = cat.labs()["loinc"].get(row["test"], "")
    code = {
        "coding": [{"system": "http://loinc.org", "code": loinc}] if loinc else [],
        "text": row["test_input"],
    }
    resource: dict[str, Any] = {
        "resourceType": "Observation",
        "id": f"l{number}",
        "status": "final",
        "code": code,
        "effectiveDateTime": _iso(row["time"]),
    }
    if row["result_text"]:
        resource["valueString"] = row["value_text"]
    else:
        quantity = {
            "value": f"#number:{row['value_text']}",
            "unit": row["unit_input"],
            "code": row["unit_input"],
        }
        if row["qualifier"]:
            quantity["comparator"] = row["qualifier"]
        resource["valueQuantity"] = quantity
    if row["lab_flag"]:
        resource["interpretation"] = [{"coding": [{"code": row["lab_flag"]}]}]
    limits = {
        side: {"value": f"#number:{row[f'ref_{side}_input']:g}", "code": row["unit_input"]}
        for side in ("low", "high")
        if not pd.isna(row[f"ref_{side}_input"])
    }
    if limits:
        resource["referenceRange"] = [limits]
    if row["note"]:
        resource["note"] = [{"text": row["note"]}]
    return resource


def _event(number: int, row: pd.Series) -> dict[str, Any]:
    """An admission as an Encounter stay, a follow-up as a visit, anything else a Condition."""
    kind = row["type"]
    if kind == "follow-up":
        return {
            "resourceType": "Encounter",
            "id": f"e{number}",
            "status": "finished",
            "class": {"code": "AMB"},
            "type": [{"text": row["label"]}],
            "period": {"start": _iso(row["start"])},
        }
    resource = {
        "resourceType": "Condition",
        "id": f"e{number}",
        "code": {"coding": [{"display": kind}], "text": row["label"]},
        "onsetDateTime": _iso(row["start"]),
    }
    if not pd.isna(row["end"]):
        resource["abatementDateTime"] = _iso(row["end"])
    if row["note"]:
        resource["note"] = [{"text": row["note"]}]
    return resource


def case_as_bundle(folder: Path, birth_date: str) -> bytes:
    """The CSV case as a FHIR Bundle: the same treatments, labs and events, and the
    Patient born on ``birth_date``. Admission and discharge become one Encounter."""
    case = load_case(folder)
    events = case.events
    admission = events[events["type"] == "admission"].iloc[0]
    discharge = events[events["type"] == "discharge"].iloc[0]
    stay = STAY | {
        "type": [{"text": admission["label"]}],
        "period": {"start": _iso(admission["start"]), "end": _iso(discharge["start"])},
    }
    others = events[~events["type"].isin(["admission", "discharge"])]
    resources = [PATIENT | {"gender": case.info.sex, "birthDate": birth_date}, stay]
    resources += [_event(n, r) for n, (_, r) in enumerate(others.iterrows())]
    resources += [_treatment(n, r) for n, (_, r) in enumerate(case.treatments.iterrows())]
    resources += [_lab(n, r) for n, (_, r) in enumerate(case.labs.iterrows())]
    return dumps(bundle(*resources))
