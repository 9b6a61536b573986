"""The public FHIR samples in ../shared/fixtures/fhir (or $TIMELINE_FHIR_FIXTURES)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import SHARED_FIXTURES

FHIR_FIXTURES = Path(os.environ.get("TIMELINE_FHIR_FIXTURES", SHARED_FIXTURES / "fhir"))
SYNTHEA = "Rudolf_Weber_a4b93263-c55f-4d39-8c4e-31dfba932181.json"
INFUSION = "MedicationAdministration-medadmin0305.json"
LIPIDS = "Bundle-lipids.json"


@pytest.fixture(scope="session")
def fhir_sample():
    """The path of one public sample; the test skips when the samples are absent."""

    def path(name: str) -> Path:
        found = FHIR_FIXTURES / name
        if not found.exists():
            pytest.skip(
                f"public FHIR samples absent ({found}): they live beside the repository in "
                "../shared/fixtures/fhir, or set TIMELINE_FHIR_FIXTURES"
            )
        return found

    return path
