"""Any JSON yields a Case or a CaseLoadError with problems, never another exception."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.fhir.bundles import PATIENT, STAY, dosage, observation, request
from timeline import load_case_bytes
from timeline.errors import CaseLoadError

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-10, 10**6)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = st.sampled_from(
    [
        "resourceType",
        "id",
        "status",
        "effectiveDateTime",
        "valueQuantity",
        "dosageInstruction",
        "timing",
        "repeat",
        "doseAndRate",
        "code",
        "period",
        "entry",
        "resource",
        "authoredOn",
        "medicationReference",
        "referenceRange",
        "component",
        "dosage",
        "effectivePeriod",
    ]
)
_RESOURCE = st.fixed_dictionaries(
    {
        "resourceType": st.sampled_from(
            [
                "Observation",
                "MedicationRequest",
                "MedicationAdministration",
                "MedicationStatement",
                "Encounter",
                "Condition",
                "Procedure",
                "Patient",
                "Medication",
                "DiagnosticReport",
                "Claim",
            ]
        )
    },
    optional={"id": st.text(max_size=4)},
).flatmap(
    lambda base: st.dictionaries(_KEYS, _JSON, max_size=5).map(lambda extra: {**extra, **base})
)
# a real resource with one element replaced by anything
_MUTATED = st.tuples(
    st.sampled_from(
        [request("m", dosage(5)), observation("o", "2276-4", 1, "ng/mL"), STAY, PATIENT]
    ),
    _KEYS,
    _JSON,
).map(lambda t: {**t[0], t[1]: t[2]} if t[1] not in ("resourceType",) else t[0])


def _loads_or_reports(document) -> None:
    problems = ()
    try:
        load_case_bytes("any.json", json.dumps(document).encode())
    except CaseLoadError as exc:
        problems = exc.problems
        assert problems, "a CaseLoadError always lists its problems"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_JSON)
def test_any_json_is_a_case_or_problems(document):
    _loads_or_reports(document)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(_RESOURCE | _MUTATED, max_size=5), st.sampled_from(["collection", "transaction", None])
)
def test_any_bundle_of_odd_resources_is_a_case_or_problems(resources, kind):
    _loads_or_reports(
        {"resourceType": "Bundle", "type": kind, "entry": [{"resource": r} for r in resources]}
    )
