"""FHIR JSON and NDJSON into a list of resources, and a file that is not FHIR R4 said so."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..errors import Problem, ProblemCode, Severity

_ADVICE = (
    "Export the patient's record as a FHIR R4 Bundle (JSON) or as bulk-data NDJSON files "
    "(one resource a line)."
)
#: Resource types of FHIR DSTU2 and STU3 that R4 renamed or removed.
_OLDER = {
    "MedicationOrder": "DSTU2",
    "DiagnosticOrder": "DSTU2",
    "ProcedureRequest": "STU3",
    "ReferralRequest": "STU3",
    "DeviceUseRequest": "DSTU2",
}


class Decimal(float):
    """A JSON decimal that remembers how it was written: FHIR keeps a result's precision
    ('3.40' is not '3.4'), and so does the labs table's ``value_text``."""

    text: str

    def __new__(cls, text: str) -> Decimal:
        number = super().__new__(cls, text)
        number.text = text
        return number


def _loads(data: bytes | str) -> Any:
    return json.loads(data, parse_float=Decimal)


def _error(where: str, message: str) -> Problem:
    return Problem(Severity.ERROR, ProblemCode.NOT_FHIR_R4, where, message)


def json_resources(name: str, data: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The resources of one JSON file: a Bundle's entries, or one resource."""
    try:
        document = _loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        return [], [_error(name, f"is not JSON ({exc}), so not a FHIR R4 record. {_ADVICE}")]
    return _top(name, document)


def _top(name: str, document: Any) -> tuple[list[dict[str, Any]], list[Problem]]:
    if not isinstance(document, dict) or not isinstance(document.get("resourceType"), str):
        message = f"is JSON but not a FHIR resource (it has no resourceType). {_ADVICE}"
        return [], [_error(name, message)]
    if document["resourceType"] != "Bundle":
        return [document], []
    entries = document.get("entry", [])
    if not isinstance(entries, list):
        return [], [_error(f"{name}: Bundle entry", f"is not a list. {_ADVICE}")]
    found, problems = [], []
    for number, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            problems.append(
                _error(f"{name}: Bundle entry[{number}]", "holds no resource with a resourceType.")
            )
            continue
        if isinstance(entry.get("fullUrl"), str):
            resource = {**resource, "_fullUrl": entry["fullUrl"]}
        found.append(resource)
    return found, problems


def ndjson_resources(name: str, data: bytes) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The resources of one NDJSON file, one a line; a line that is not one is an error."""
    found, problems = [], []
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = _loads(line)
        except (ValueError, UnicodeDecodeError, RecursionError):
            problems.append(_error(f"{name} line {number}", f"is not JSON. {_ADVICE}"))
            continue
        resources, trouble = _top(f"{name} line {number}", document)
        found += resources
        problems += trouble
    return found, problems


def many_ndjson(
    files: Iterable[tuple[str, bytes]],
) -> tuple[list[dict[str, Any]], list[Problem]]:
    """The resources of several NDJSON (or JSON) files, as a bulk-data export writes them."""
    found: list[dict[str, Any]] = []
    problems: list[Problem] = []
    for name, data in files:
        reader = json_resources if name.lower().endswith(".json") else ndjson_resources
        resources, trouble = reader(name, data)
        found += resources
        problems += trouble
    return found, problems


def folder_files(folder: Path) -> list[tuple[str, bytes]]:
    """A bulk-data export folder's NDJSON files, in name order."""
    paths = sorted(p for p in folder.iterdir() if p.is_file() and _is_ndjson(p.name))
    return [(p.name, p.read_bytes()) for p in paths]


def zip_files(data: bytes) -> list[tuple[str, bytes]] | None:
    """A zip's NDJSON files, or None when it holds none (then it is a zipped CSV case)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = sorted(m for m in archive.namelist() if _is_ndjson(m))
        return [(Path(m).name, archive.read(m)) for m in names] or None
    except (zipfile.BadZipFile, OSError, RuntimeError, ValueError):
        return None


def _is_ndjson(name: str) -> bool:
    return name.lower().endswith(".ndjson")


def version_problems(resources: list[dict[str, Any]]) -> list[Problem]:
    """Signs that a record is FHIR DSTU2, STU3 or R5 rather than R4."""
    problems = []
    for resource in resources:
        try:
            problems += _version(resource)
        except (TypeError, AttributeError, ValueError, KeyError, IndexError):
            continue  # malformed: its reader says so
    return problems


def _version(resource: dict[str, Any]) -> list[Problem]:
    kind = resource["resourceType"]
    ref = f"{kind}/{resource.get('id', '?')}"
    if kind in _OLDER:
        return [_error(ref, f"is a FHIR {_OLDER[kind]} resource, not R4: export as FHIR R4.")]
    if kind == "MedicationRequest" and isinstance(resource.get("medication"), dict):
        message = (
            "is written as FHIR R5 (medication.concept): export as FHIR R4 "
            "(medicationCodeableConcept or medicationReference)."
        )
        return [_error(f"{ref} medication", message)]
    return _old_dosages(ref, resource)


def _old_dosages(ref: str, resource: dict[str, Any]) -> list[Problem]:
    """A Dosage with doseQuantity outside doseAndRate is FHIR STU3 or older."""
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or []
    if isinstance(dosages, dict):
        dosages = [dosages]
    found = []
    for number, dosage in enumerate(dosages if isinstance(dosages, list) else []):
        if isinstance(dosage, dict) and ("doseQuantity" in dosage or "doseRange" in dosage):
            element = "dosage" if "dosage" in resource else f"dosageInstruction[{number}]"
            if resource["resourceType"] == "MedicationAdministration":
                continue  # R4 MedicationAdministration.dosage has dose, not doseQuantity
            found.append(
                _error(
                    f"{ref} {element}.doseQuantity",
                    "is FHIR STU3 (R4 puts the dose in doseAndRate): export as FHIR R4.",
                )
            )
    return found
