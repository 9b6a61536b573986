"""MedicationRequest, MedicationAdministration and MedicationStatement as treatments rows."""

from __future__ import annotations

from typing import Any

from ..errors import ProblemCode
from ._codes import drug_name
from ._context import NOT_DONE, Context, as_dict, joined, notes, ref_of
from ._dates import fhir_time
from ._dosage import Step, chain, is_rate, quantity, ratio_unit, read_dose, read_route, read_timing


def drug(ctx: Context, resource: dict[str, Any]) -> tuple[str, str]:
    """(drug as written, the element it came from): a code, or a referenced Medication's code."""
    if isinstance(resource.get("medicationCodeableConcept"), dict):
        name, _ = drug_name(resource["medicationCodeableConcept"])
        return name, "medicationCodeableConcept"
    medication = ctx.resolve(resource.get("medicationReference"), resource)
    if medication is not None and isinstance(medication.get("code"), dict):
        name, _ = drug_name(medication["code"])
        return name, f"medicationReference ({ref_of(medication)} code)"
    shown = resource.get("medicationReference", {})
    name = shown.get("display", "") if isinstance(shown, dict) else ""
    return str(name), "medicationReference"


def _skipped(ctx: Context, resource: dict[str, Any]) -> bool:
    status = resource.get("status")
    if status in NOT_DONE:
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            f"{ref_of(resource)} status",
            f"is '{status}': the medication was not given and is not drawn.",
        )
        return True
    return False


def medication_request(ctx: Context, resource: dict[str, Any]) -> None:
    """Every dosageInstruction step of an order as a treatments row."""
    if _skipped(ctx, resource):
        return
    dosages = resource.get("dosageInstruction")
    dosages = [d for d in dosages if isinstance(d, dict)] if isinstance(dosages, list) else []
    authored = fhir_time(resource["authoredOn"]) if resource.get("authoredOn") else ""
    steps = [_step(d, f"dosageInstruction[{i}]", i) for i, d in enumerate(dosages)]
    _write_steps(ctx, resource, steps, authored, "authoredOn")


def medication_statement(ctx: Context, resource: dict[str, Any]) -> None:
    """Every dosage of a statement as a treatments row, within its effective period."""
    if _skipped(ctx, resource):
        return
    dosages = resource.get("dosage")
    dosages = [d for d in dosages if isinstance(d, dict)] if isinstance(dosages, list) else []
    start, end, path = _effective(resource)
    steps = [_step(d, f"dosage[{i}]", i) for i, d in enumerate(dosages)]
    for step in steps:
        if not step.end and end:
            step.end, step.paths["end"] = end, f"{path}.end"
    _write_steps(ctx, resource, steps, start, path)


def _effective(resource: dict[str, Any]) -> tuple[str, str, str]:
    """(start, end, element) of effectiveDateTime or effectivePeriod."""
    if resource.get("effectiveDateTime"):
        return fhir_time(resource["effectiveDateTime"]), "", "effectiveDateTime"
    period = resource.get("effectivePeriod")
    if isinstance(period, dict):
        start = fhir_time(period["start"]) if period.get("start") else ""
        end = fhir_time(period["end"]) if period.get("end") else ""
        return start, end, "effectivePeriod"
    return "", "", "effective[x]"


def _step(dosage: dict[str, Any], path: str, place: int) -> Step:
    sequence = dosage.get("sequence")
    # no sequence: each instruction in its place, after any numbered one
    order = float(sequence) if isinstance(sequence, int | float) else 1e9 + place
    step = Step(path, (order, place))
    read_dose(step, dosage)
    read_timing(step, dosage)
    read_route(step, dosage)
    if isinstance(dosage.get("text"), str) and not step.dose:
        step.notes.append(dosage["text"])
    return step


def _write_steps(
    ctx: Context, resource: dict[str, Any], steps: list[Step], start: str, start_path: str
) -> None:
    ref = ref_of(resource)
    name, drug_path = drug(ctx, resource)
    usable = [s for s in steps if s.dose and s.unit and s.frequency]
    for step in steps:
        if step not in usable:
            _as_event(ctx, resource, name, step.start or start, _missing(step))
    if not steps:
        _as_event(ctx, resource, name, start, "no dosage instruction")
    for path in chain(usable, start, start_path):
        ctx.warn(
            ProblemCode.FHIR_OPEN_ENDED,
            f"{ref} {path}",
            f"{name} has no end date: it is drawn as ongoing to the end of the record. "
            "If it was stopped, give the step's timing.repeat.boundsPeriod.end.",
        )
    for step in usable:
        _write(ctx, resource, name, drug_path, step)


def _missing(step: Step) -> str:
    lacks = [w for w, ok in (("a dose with its unit", step.dose and step.unit),) if not ok]
    lacks += [] if step.frequency else ["a timing"]
    return f"{step.path} has no " + " and no ".join(lacks)


def _write(ctx: Context, resource: dict[str, Any], name: str, drug_path: str, step: Step) -> None:
    ref = ref_of(resource)
    if step.inferred:
        ctx.warn(
            ProblemCode.FHIR_INFERRED,
            f"{ref} {step.path}",
            "the record does not state every date of this step: "
            + "; ".join(step.inferred)
            + ". The note says so; check the dates against the chart.",
        )
    inferred = f"inferred: {', '.join(step.inferred)}" if step.inferred else ""
    ctx.treatments.add(
        ref,
        step.values() | {"drug": name, "note": joined(notes(resource), *step.notes, inferred)},
        step.paths | {"drug": drug_path, "note": "note"},
    )


def _as_event(ctx: Context, resource: dict[str, Any], name: str, start: str, why: str) -> None:
    """A medication the timeline cannot draw as a treatment, kept as an event."""
    ref = ref_of(resource)
    if not start:
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            ref,
            f"{name}: {why}, and no date: it cannot be placed on the timeline and is not drawn.",
        )
        return
    ctx.warn(
        ProblemCode.FHIR_KEPT_AS_OTHER,
        ref,
        f"{name}: {why}, so it is kept as an event ('other'), not drawn as a treatment. "
        "Give the dose with its UCUM unit and a timing to draw it.",
    )
    ctx.events.add(
        ref,
        {"start": start, "type": "other", "label": name, "note": joined(why, notes(resource))},
        {"start": "authoredOn", "type": "", "label": "medication"},
    )


def medication_administration(ctx: Context, resource: dict[str, Any]) -> None:
    """One administration: a dose at a time, an infusion over a period, or a rate."""
    if _skipped(ctx, resource):
        return
    dosage = as_dict(resource.get("dosage"))
    start, end, path = _effective(resource)
    step = Step("dosage", (0.0, 0), start=start, frequency="once")
    step.paths |= {"start": f"{path}.start" if end else path, "frequency": path}
    read_route(step, dosage)
    kind = _administered(ctx, resource, dosage, step, end)
    name, drug_path = drug(ctx, resource)
    if not (step.dose and step.unit):
        _as_event(ctx, resource, name, start, "dosage has no dose with its unit")
        return
    ctx.treatments.add(
        ref_of(resource),
        step.values() | {"drug": name, "kind": kind, "note": joined(notes(resource), *step.notes)},
        step.paths | {"drug": drug_path, "note": "note", "kind": path},
    )


def _administered(
    ctx: Context, resource: dict[str, Any], dosage: dict[str, Any], step: Step, end: str
) -> str:
    """Dose (or rate) of an administration; its kind: 'infusion' for a period."""
    rate, rate_unit = _rate(dosage)
    if rate and is_rate(rate_unit) and end:
        step.dose, step.unit, step.frequency, step.end = rate, rate_unit, "continuous", end
        step.paths |= {"dose": "dosage.rate[x]", "dose_unit": "dosage.rate[x]", "end": "end"}
        return "infusion"
    if rate:
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            f"{ref_of(resource)} dosage.rate[x]",
            f"'{rate} {rate_unit}' is not a rate in mass per time (mg/h, mg/24h, mg/kg/h) "
            "and was not read; the dose is drawn.",
        )
    step.dose, step.unit = quantity(dosage.get("dose"))
    step.paths |= {"dose": "dosage.dose.value", "dose_unit": "dosage.dose"}
    if end:
        # one dose given over a period: the period is kept in the note (a single dose
        # has no end in the format)
        step.notes.append(f"given over {step.start} to {end}")
        return "infusion"
    return ""


def _rate(dosage: dict[str, Any]) -> tuple[str, str]:
    if isinstance(dosage.get("rateQuantity"), dict):
        return quantity(dosage["rateQuantity"])
    if isinstance(dosage.get("rateRatio"), dict):
        return ratio_unit(dosage["rateRatio"])
    return "", ""
