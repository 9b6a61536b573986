"""What every resource reader shares: the record's index, the tables, the problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import ProblemCode, Severity
from ._tables import FhirRawCase, Rows

#: Statuses that mean a resource did not happen or was recorded by mistake (FHIR R4
#: value sets of each resource's status): such a resource is not drawn.
NOT_DONE = frozenset({"entered-in-error", "cancelled", "not-done", "revoked", "draft"})


def ref_of(resource: dict[str, Any]) -> str:
    """'Type/id' naming a resource in messages."""
    return f"{resource.get('resourceType', '?')}/{resource.get('id', '?')}"


@dataclass
class Context:
    """One import: the record's resources by reference, the rows written, the problems."""

    raw: FhirRawCase
    by_ref: dict[str, dict[str, Any]] = field(default_factory=dict)
    report_time: dict[int, tuple[str, str]] = field(default_factory=dict)
    treatments: Rows = field(default_factory=lambda: Rows("treatments"))
    events: Rows = field(default_factory=lambda: Rows("events"))
    labs: Rows = field(default_factory=lambda: Rows("labs"))

    def warn(self, code: ProblemCode, where: str, message: str) -> None:
        """A warning of the import, at a resource and element."""
        self.raw.note(Severity.WARNING, code, where, message)

    def error(self, code: ProblemCode, where: str, message: str) -> None:
        """An error of the import, at a resource and element."""
        self.raw.note(Severity.ERROR, code, where, message)

    def index(self, resources: list[dict[str, Any]]) -> None:
        """Every resource by 'Type/id' and by its Bundle fullUrl."""
        for resource in resources:
            self.by_ref[ref_of(resource)] = resource
            if isinstance(resource.get("_fullUrl"), str):
                self.by_ref[resource["_fullUrl"]] = resource

    def resolve(self, reference: Any, within: dict[str, Any]) -> dict[str, Any] | None:
        """A Reference's target: contained ('#id'), in the record, or None."""
        text = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(text, str):
            return None
        if text.startswith("#"):
            for contained in within.get("contained") or []:
                if isinstance(contained, dict) and contained.get("id") == text[1:]:
                    return contained
            return None
        if text in self.by_ref:
            return self.by_ref[text]
        tail = "/".join(text.rstrip("/").split("/")[-2:])  # an absolute URL's Type/id
        return self.by_ref.get(tail)


def as_dict(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def text_of(value: Any) -> str:
    """A JSON scalar as text: 10.0 as '10', 1e-05 as written by repr, None as ''."""
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(getattr(value, "text", None), str):
        return str(value.text)  # a decimal as the record wrote it ('3.40')
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


def notes(resource: dict[str, Any]) -> str:
    """The texts of a resource's Annotation notes, joined."""
    found = resource.get("note")
    if not isinstance(found, list):
        return ""
    return "; ".join(
        n["text"] for n in found if isinstance(n, dict) and isinstance(n.get("text"), str)
    )


def joined(*parts: str) -> str:
    """Non-empty parts of a note joined by '; '."""
    return "; ".join(p for p in parts if p)
