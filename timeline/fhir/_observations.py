"""Observations (laboratory results and vital signs) as labs rows."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import ProblemCode
from ..model import QUALITATIVE_RESULTS
from ._codes import codings, concept_text, lab_test, unit_text
from ._context import NOT_DONE, Context, joined, notes, ref_of, text_of
from ._dates import fhir_time

#: HL7 v3 ObservationInterpretation codes to the laboratory flags the labs table
#: reads (H, L, HH, LL, A); AA 'critical abnormal' is written CRIT. Any other code
#: (N, POS, NEG…) adds no flag.
_FLAGS = {"H": "H", "L": "L", "HH": "HH", "LL": "LL", "A": "A", "AA": "CRIT"}
_COMPARATORS = {"<", "<=", ">", ">="}


def report_times(ctx: Context, resources: list[dict[str, Any]]) -> None:
    """Each Observation a DiagnosticReport lists gets the report's effective time."""
    for report in resources:
        if report["resourceType"] != "DiagnosticReport":
            continue
        when, path = _effective(report)
        if not when:
            continue
        for result in report.get("result") or []:
            observation = ctx.resolve(result, report)
            if observation is not None:
                ctx.report_time[id(observation)] = (when, f"({ref_of(report)} {path})")


def _effective(resource: dict[str, Any]) -> tuple[str, str]:
    for key in ("effectiveDateTime", "effectiveInstant"):
        if resource.get(key):
            return fhir_time(resource[key]), key
    period = resource.get("effectivePeriod")
    if isinstance(period, dict) and period.get("start"):
        return fhir_time(period["start"]), "effectivePeriod.start"
    return "", ""


def observation(ctx: Context, resource: dict[str, Any]) -> None:
    """A result (or each component of one) as a labs row; other values as events."""
    ref = ref_of(resource)
    if resource.get("status") in NOT_DONE:
        ctx.warn(ProblemCode.FHIR_NOT_READ, f"{ref} status", "is not a result: not drawn.")
        return
    when, path = _time(ctx, resource)
    if not when:
        ctx.error(
            ProblemCode.FHIR_NO_TIME,
            f"{ref} effective[x]",
            "has no time, and no DiagnosticReport lists it with one: give effectiveDateTime.",
        )
        return
    parts = [(resource, "")]
    if not _has_value(resource) and isinstance(resource.get("component"), list):
        parts = [
            (c, f"component[{i}].")
            for i, c in enumerate(resource["component"])
            if isinstance(c, dict)
        ]
    for part, prefix in parts:
        _result(ctx, resource, part, prefix, (when, path))


def _time(ctx: Context, resource: dict[str, Any]) -> tuple[str, str]:
    when, path = _effective(resource)
    if when:
        return when, path
    if id(resource) in ctx.report_time:
        return ctx.report_time[id(resource)]
    return "", ""


def _has_value(part: dict[str, Any]) -> bool:
    return any(key.startswith("value") for key in part)


def _result(
    ctx: Context,
    resource: dict[str, Any],
    part: dict[str, Any],
    prefix: str,
    when: tuple[str, str],
) -> None:
    ref = ref_of(resource)
    test, _ = lab_test(part.get("code"))
    value, unit, paths = _value(ctx, ref, part, prefix)
    if value is None:
        _not_a_result(ctx, resource, part, prefix, test, when)
        return
    low, high, range_note = _range(ctx, ref, part, unit, prefix)
    row = {"time": when[0], "test": test, "value": value, "unit": unit, "ref_low": low}
    row |= {
        "ref_high": high,
        "note": joined(notes(resource), range_note) if range_note else notes(resource),
    }
    ctx.labs.add(ref, row, _paths(prefix, when[1], paths))


@lru_cache(maxsize=1024)
def _shared(prefix: str, time: str, value: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """One paths dict per shape of result, shared by every row of that shape (read-only)."""
    return dict(value) | {
        "time": time,
        "test": f"{prefix}code",
        "note": "note",
        "ref_low": f"{prefix}referenceRange[0].low",
        "ref_high": f"{prefix}referenceRange[0].high",
    }


def _paths(prefix: str, time: str, value: dict[str, str]) -> dict[str, str]:
    return _shared(prefix, time, tuple(value.items()))


def _value(
    ctx: Context, ref: str, part: dict[str, Any], prefix: str
) -> tuple[str | None, str, dict[str, str]]:
    """(value cell, unit, paths): a number with comparator and flag, or a result word."""
    quantity = part.get("valueQuantity")
    if isinstance(quantity, dict) and quantity.get("value") is not None:
        comparator = quantity.get("comparator", "")
        if comparator and comparator not in _COMPARATORS:
            ctx.warn(
                ProblemCode.FHIR_NOT_READ,
                f"{ref} {prefix}valueQuantity.comparator",
                f"'{comparator}' is not <, <=, > or >=: the value is drawn without it.",
            )
            comparator = ""
        flag = _flag(part)
        cell = f"{comparator}{text_of(quantity['value'])}{' ' + flag if flag else ''}"
        at = f"{prefix}valueQuantity"
        return cell, unit_text(quantity), {"value": f"{at}.value", "unit": f"{at}.code"}
    if isinstance(part.get("valueInteger"), int):
        return str(part["valueInteger"]), "", {"value": f"{prefix}valueInteger"}
    word = _word(part)
    if word:
        return word, "", {"value": f"{prefix}value[x]"}
    return None, "", {}


def _word(part: dict[str, Any]) -> str:
    """A qualitative result (positive, not detected…) written as a string or a concept."""
    texts = []
    if isinstance(part.get("valueString"), str):
        texts.append(part["valueString"])
    if isinstance(part.get("valueCodeableConcept"), dict):
        concept = part["valueCodeableConcept"]
        texts.append(concept_text(concept))
        texts += [str(c.get("display", "")) for c in codings(concept)]
    for text in texts:
        word = " ".join(text.lower().split())
        if word in QUALITATIVE_RESULTS:
            return text.strip()
    return ""


def _flag(part: dict[str, Any]) -> str:
    for concept in part.get("interpretation") or []:
        for coding in codings(concept):
            if str(coding.get("code", "")) in _FLAGS:
                return _FLAGS[str(coding["code"])]
    return ""


def _range(
    ctx: Context, ref: str, part: dict[str, Any], unit: str, prefix: str
) -> tuple[str, str, str]:
    """(ref_low, ref_high, note) from the first referenceRange in the result's unit."""
    ranges = [r for r in part.get("referenceRange") or [] if isinstance(r, dict)]
    if not ranges:
        return "", "", ""
    first = ranges[0]
    limits = []
    for side in ("low", "high"):
        quantity = first.get(side)
        if not isinstance(quantity, dict) or quantity.get("value") is None:
            limits.append("")
        elif unit_text(quantity) not in ("", unit):
            ctx.warn(
                ProblemCode.FHIR_NOT_READ,
                f"{ref} {prefix}referenceRange[0].{side}",
                f"is in '{unit_text(quantity)}', not the result's '{unit}': it was not read.",
            )
            limits.append("")
        else:
            limits.append(text_of(quantity["value"]))
    text = first.get("text") if isinstance(first.get("text"), str) else ""
    return limits[0], limits[1], f"reference range: {text}" if text else ""


def _not_a_result(
    ctx: Context,
    resource: dict[str, Any],
    part: dict[str, Any],
    prefix: str,
    test: str,
    when: tuple[str, str],
) -> None:
    """A value the labs table cannot hold (a word, a choice): kept as an event 'other'."""
    ref = ref_of(resource)
    shown = _shown(part)
    if not shown:
        ctx.warn(
            ProblemCode.FHIR_NOT_READ,
            f"{ref} {prefix}value[x]",
            f"{test} has no value (dataAbsentReason or none given): not drawn.",
        )
        return
    ctx.warn(
        ProblemCode.FHIR_KEPT_AS_OTHER,
        f"{ref} {prefix}value[x]",
        f"{test}: '{shown}' is not a number or a result word (positive, negative, detected…): "
        "kept as an event ('other').",
    )
    ctx.events.add(
        ref,
        {"start": when[0], "type": "other", "label": f"{test}: {shown}", "note": notes(resource)},
        {"start": when[1], "type": "", "label": f"{prefix}value[x]"},
    )


def _shown(part: dict[str, Any]) -> str:
    for key in ("valueString", "valueBoolean", "valueDateTime", "valueTime"):
        if part.get(key) is not None:
            return text_of(part[key])
    if isinstance(part.get("valueCodeableConcept"), dict):
        return concept_text(part["valueCodeableConcept"])
    return ""
