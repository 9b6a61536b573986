"""FHIR R4 records (a Bundle, or bulk-data NDJSON) as the case format's raw text tables.

An import writes the same tables a CSV case holds (case, treatments, events,
labs), one row per resource or dosing step, and hands them to the same
validation; each row remembers its resource and element, so every problem names
them (``MedicationRequest/abc dosageInstruction[1].timing.repeat.periodUnit``).
Parsing is plain ``json``: ``fhir.resources`` took 12.5 s to parse the benchmark's
52,000 resources, above the 5 s target (see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..errors import Problem, ProblemCode, Severity
from . import _read
from ._case import case_rows, patient_of
from ._codes import concept_text
from ._context import Context, ref_of
from ._events import condition, encounter, procedure
from ._medications import medication_administration, medication_request, medication_statement
from ._observations import observation, report_times
from ._tables import FhirRawCase, relocate, store

__all__ = [
    "FhirRawCase",
    "is_fhir_path",
    "is_fhir_upload",
    "read_fhir_bytes",
    "read_fhir_path",
    "relocate",
]

_READERS: dict[str, Callable[[Context, dict[str, Any]], None]] = {
    "Encounter": encounter,
    "Condition": condition,
    "Procedure": procedure,
    "MedicationRequest": medication_request,
    "MedicationAdministration": medication_administration,
    "MedicationStatement": medication_statement,
    "Observation": observation,
}
#: Read for what they hold, never drawn themselves.
_USED = frozenset({"Patient", "Medication", "DiagnosticReport", "Bundle"})
FHIR_SUFFIXES = (".json", ".ndjson")


def is_fhir_path(path: Path) -> bool:
    """A .json or .ndjson file, or a folder of NDJSON files (a bulk-data export) with no
    case.csv."""
    if path.is_file():
        return path.suffix.lower() in FHIR_SUFFIXES
    if not path.is_dir():
        return False
    names = [p.name.lower() for p in path.iterdir() if p.is_file()]
    return "case.csv" not in names and any(n.endswith(".ndjson") for n in names)


def is_fhir_upload(name: str, data: bytes) -> bool:
    """An uploaded .json or .ndjson file, or a zip holding NDJSON files."""
    suffix = Path(name).suffix.lower()
    return suffix in FHIR_SUFFIXES or (suffix == ".zip" and _read.zip_files(data) is not None)


def read_fhir_path(path: Path) -> FhirRawCase:
    """A .json Bundle or resource, an .ndjson file, or a folder of NDJSON files."""
    if path.is_dir():
        resources, problems = _read.many_ndjson(_read.folder_files(path))
        return _build(path.name, resources, problems)
    return read_fhir_bytes(path.name, path.read_bytes())


def read_fhir_bytes(name: str, data: bytes) -> FhirRawCase:
    """An uploaded .json, .ndjson, or .zip of NDJSON files held in memory."""
    lower = name.lower()
    if lower.endswith(".zip"):
        files = _read.zip_files(data) or []
        resources, problems = _read.many_ndjson(files)
    elif lower.endswith(".ndjson"):
        resources, problems = _read.ndjson_resources(name, data)
    else:
        resources, problems = _read.json_resources(name, data)
    return _build(name, resources, problems)


def _build(name: str, resources: list[dict[str, Any]], problems: list[Problem]) -> FhirRawCase:
    raw = FhirRawCase(source=name, problems=list(problems))
    problems = _read.version_problems(resources)
    raw.problems += problems
    if not resources and not raw.problems:
        raw.error(ProblemCode.NOT_FHIR_R4, name, "holds no FHIR resources.")
    if any(p.severity is Severity.ERROR for p in raw.problems):
        return raw
    ctx = Context(raw)
    ctx.index(resources)
    try:
        report_times(ctx, resources)
    except _MALFORMED as exc:
        ctx.error(ProblemCode.NOT_FHIR_R4, "DiagnosticReport", f"is not valid FHIR R4 ({exc}).")
    _read_all(ctx, resources)
    conditions = [
        concept_text(r.get("code")) for r in resources if r["resourceType"] == "Condition"
    ]
    patient = patient_of(ctx, resources)
    try:
        rows = case_rows(ctx, patient, [c for c in conditions if c])
    except _MALFORMED as exc:
        _malformed(ctx, patient or {"resourceType": "Patient"}, exc)
        return raw
    for table in (rows, ctx.treatments, ctx.events, ctx.labs):
        store(raw, table)
    return raw


#: What a resource that breaks FHIR R4's types raises while it is read (a list where
#: the specification has a text, a text where it has an object...).
_MALFORMED = (TypeError, AttributeError, ValueError, KeyError, IndexError, OverflowError)


def _malformed(ctx: Context, resource: dict[str, Any], exc: Exception) -> None:
    ctx.error(
        ProblemCode.NOT_FHIR_R4,
        ref_of(resource),
        f"is not valid FHIR R4: an element has the wrong type ({type(exc).__name__}: {exc}). "
        "Check the resource against the FHIR R4 specification, or export it again.",
    )


def _read_all(ctx: Context, resources: list[dict[str, Any]]) -> None:
    skipped: dict[str, int] = {}
    for resource in resources:
        kind = resource["resourceType"]
        reader = _READERS.get(kind)
        if reader is not None:
            try:
                reader(ctx, resource)
            except _MALFORMED as exc:
                _malformed(ctx, resource, exc)
        elif kind not in _USED:
            skipped[kind] = skipped.get(kind, 0) + 1
    if skipped:
        listed = ", ".join(f"{n} {k}" for k, n in sorted(skipped.items()))
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            "record",
            f"holds resources a case does not draw, not read: {listed}.",
        )
