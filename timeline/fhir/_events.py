"""Encounters, Conditions and Procedures as events rows."""

from __future__ import annotations

from typing import Any

from .. import catalogue as cat
from ..errors import ProblemCode
from ._codes import codings, concept_text
from ._context import NOT_DONE, Context, as_dict, notes, ref_of
from ._dates import fhir_time

#: Encounter classes (HL7 v3 ActCode) that are a stay in hospital: an admission and
#: a discharge. Any other class (AMB, VR, HH…) is a visit: one 'follow-up' event.
_STAYS = frozenset({"IMP", "ACUTE", "NONAC", "EMER", "OBSENC", "SS", "PRENC"})


def _period(resource: dict[str, Any], key: str) -> tuple[str, str]:
    period = resource.get(key)
    if not isinstance(period, dict):
        return "", ""
    start = fhir_time(period["start"]) if period.get("start") else ""
    return start, fhir_time(period["end"]) if period.get("end") else ""


def _skipped(ctx: Context, resource: dict[str, Any]) -> bool:
    if resource.get("status") in NOT_DONE:
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            f"{ref_of(resource)} status",
            f"is '{resource['status']}': not drawn.",
        )
        return True
    return False


def _undated(ctx: Context, resource: dict[str, Any], element: str) -> None:
    ctx.warn(
        ProblemCode.FHIR_NOT_READ,
        f"{ref_of(resource)} {element}",
        "is missing: the resource has no date to place it on the timeline and is not drawn.",
    )


def encounter(ctx: Context, resource: dict[str, Any]) -> None:
    """A stay: admission and discharge events; a visit: one follow-up event."""
    if _skipped(ctx, resource):
        return
    ref = ref_of(resource)
    start, end = _period(resource, "period")
    if not start:
        _undated(ctx, resource, "period.start")
        return
    kind = as_dict(resource.get("class"))
    named = next((concept_text(t) for t in resource.get("type") or [] if concept_text(t)), "")
    if str(kind.get("code", "")) not in _STAYS:
        row = {"start": start, "end": end, "type": "follow-up", "label": named or "Visit"}
        ctx.events.add(ref, row, {"start": "period.start", "end": "period.end", "label": "type"})
        return
    ctx.events.add(
        ref,
        {"start": start, "type": "admission", "label": named or "Admission"},
        {"start": "period.start", "label": "type"},
    )
    if end and resource.get("status") != "in-progress":
        ctx.events.add(
            ref, {"start": end, "type": "discharge", "label": "Discharge"}, {"start": "period.end"}
        )


def condition(ctx: Context, resource: dict[str, Any]) -> None:
    """A condition's onset (to its abatement, when given) as an event."""
    if _skipped(ctx, resource):
        return
    start, _, path = _when(resource, "onset")
    if not start:
        _undated(ctx, resource, "onset[x]")
        return
    end = fhir_time(resource["abatementDateTime"]) if resource.get("abatementDateTime") else ""
    typed = _typed(resource.get("code"))
    if typed["type"] == "other":
        ctx.warn(
            ProblemCode.FHIR_KEPT_AS_OTHER,
            f"{ref_of(resource)} code",
            f"'{typed['label']}' is not an event type the catalogue knows: its onset is kept "
            "as an event 'other'.",
        )
    ctx.events.add(
        ref_of(resource),
        {"start": start, "end": end} | typed | {"note": notes(resource)},
        {"start": path, "end": "abatementDateTime", "type": "code", "label": "code.text"},
    )


def _when(resource: dict[str, Any], element: str) -> tuple[str, str, str]:
    """(start, end, element path) of ``<element>DateTime`` or, failing it, ``<element>Period``
    ('' when the resource gives neither)."""
    moment = resource.get(f"{element}DateTime")
    if moment:
        return fhir_time(moment), "", f"{element}DateTime"
    start, end = _period(resource, f"{element}Period")
    return start, end, f"{element}Period.start"


def _typed(concept: Any) -> dict[str, str]:
    """An event type the catalogue knows from the code's words (MAS, fever…), else 'other'.

    The label is the condition as the record words it.
    """
    label = concept_text(concept)
    index = cat.event_type_index()
    words = [label] + [str(c.get("display", "")) for c in codings(concept)]
    found = next((index[cat.name_key(w)] for w in words if cat.name_key(w) in index), None)
    return {"type": found or "other", "label": label}


def procedure(ctx: Context, resource: dict[str, Any]) -> None:
    """A procedure as an event: at its time, or over its period."""
    if _skipped(ctx, resource):
        return
    start, end, path = _when(resource, "performed")
    if not start:
        _undated(ctx, resource, "performed[x]")
        return
    row = {"start": start, "end": end, "type": "procedure"}
    row |= {"label": concept_text(resource.get("code")), "note": notes(resource)}
    ctx.events.add(
        ref_of(resource), row, {"start": path, "end": "performedPeriod.end", "label": "code"}
    )
