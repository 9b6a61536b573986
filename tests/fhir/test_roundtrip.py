"""The bundled case written as a FHIR Bundle loads as the same Case as its CSV folder."""

from __future__ import annotations

import pandas as pd
from pandas.testing import assert_frame_equal

from tests.conftest import BUNDLED
from tests.fhir.bundles import case_as_bundle
from timeline import load_case, load_case_bytes

# What FHIR R4 has no element for: a treatment's kind (pulse, taper), and an
# Encounter's notes (R4 Encounter has no note).
_NOT_IN_FHIR = {"treatments": ["kind"], "events": ["note"], "labs": []}


def _sorted(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    frame = frame.drop(columns=["row", *_NOT_IN_FHIR[name]])
    return frame.sort_values(list(frame.columns[:4])).reset_index(drop=True)


def test_bundle_of_the_bundled_case_gives_the_same_case():
    csv = load_case(BUNDLED)
    # born 11.0 years before Day 0 (2000-01-01), as the case table says
    imported = load_case_bytes("case.json", case_as_bundle(BUNDLED, birth_date="1989-01-01"))
    for name in ("treatments", "events", "labs"):
        assert_frame_equal(
            _sorted(getattr(imported, name), name), _sorted(getattr(csv, name), name)
        )
    assert imported.anchor_time == csv.anchor_time
    assert (imported.info.sex, imported.info.age_years) == (csv.info.sex, csv.info.age_years)
    assert imported.info.anchor == csv.info.anchor
