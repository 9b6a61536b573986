"""The public FHIR R4 samples load, through the same validation as the CSV format."""

from __future__ import annotations

import pandas as pd
import pytest

from tests.fhir.conftest import INFUSION, LIPIDS, SYNTHEA
from timeline import load_case
from timeline.errors import ProblemCode


@pytest.fixture(scope="module")
def synthea(fhir_sample):
    return load_case(fhir_sample(SYNTHEA))


def test_synthea_labs_load_in_the_catalogue_units(synthea):
    labs = synthea.labs.set_index("test")
    # haemoglobin 718-7 in g/dL converted to g/L (× 10), the original kept beside it
    hb = labs.loc[["haemoglobin"]]
    assert set(hb["unit"]) == {"g/L"}
    assert set(hb["unit_input"]) == {"g/dL"}
    assert hb["value"].tolist() == pytest.approx((hb["value_input"] * 10).tolist())
    # WBC 10*3/uL (UCUM) is 10^9/L, the same number
    wbc = labs.loc[["wbc"]]
    assert set(wbc["unit"]) == {"10^9/L"}
    assert set(wbc["unit_input"]) == {"10*3/uL"}
    assert {"height", "weight", "platelets", "triglycerides"} <= set(labs.index)
    assert len(synthea.labs) >= 79  # every Observation kept; blood pressure as two rows


def test_synthea_tests_outside_the_catalogue_are_kept_with_a_warning(synthea):
    assert "Glucose" in set(synthea.labs["test"])
    assert not synthea.labs.set_index("test").loc["Glucose", "test_known"].any()
    unknown = [w for w in synthea.warnings if w.code is ProblemCode.UNKNOWN_TEST]
    assert any(w.where.startswith("Observation/") and w.where.endswith(" code") for w in unknown)


def test_synthea_medications_without_a_dose_are_kept_as_events(synthea):
    kept = synthea.events[synthea.events["label"].str.contains("Acetaminophen")]
    assert len(kept) == 4  # the record's 4 MedicationRequests, none dropped
    warned = [w for w in synthea.warnings if w.code is ProblemCode.FHIR_KEPT_AS_OTHER]
    assert sum(w.where.startswith("MedicationRequest/") for w in warned) == 4


def test_synthea_patient_identifiers_stay_in_memory(synthea):
    assert synthea.identifiers.name == "Rudolf Weber"
    assert synthea.identifiers.birth_date == "1987-10-07"
    assert synthea.identifiers.record_number == "a4b93263-c55f-4d39-8c4e-31dfba932181"
    shown = " ".join(str(v) for v in vars(synthea.info).values())
    assert "Weber" not in shown
    assert "1987" not in shown
    assert "a4b93263" not in shown
    assert synthea.info.sex == "male"
    assert synthea.info.age_years == pytest.approx(26.0, abs=0.1)  # first stay 2013-10-04


def test_hl7_infusion_is_1_8_mg_per_kg_over_its_period(fhir_sample):
    case = load_case(fhir_sample(INFUSION))
    (row,) = case.treatments.itertuples()
    assert (row.dose, row.dose_unit, row.frequency, row.kind) == (1.8, "mg/kg", "once", "infusion")
    assert row.start == pd.Timestamp("2015-01-15 04:30")  # the record's local time
    assert "2015-01-15 04:30 to 2015-01-15 14:30" in row.note
    assert row.route == "intravenous"  # SNOMED CT 255560000
    assert row.drug == "Adcetris"
    assert not row.drug_known
    rate = [w for w in case.warnings if w.where.endswith("dosage.rate[x]")]
    assert rate
    assert "20 min" in rate[0].message


def test_lipid_bundle_takes_its_reports_time_and_one_sided_ranges(fhir_sample):
    case = load_case(fhir_sample(LIPIDS))
    labs = case.labs.set_index("test_input")
    assert set(case.labs["time"]) == {pd.Timestamp("2011-03-04 08:30")}
    assert labs.loc["Cholesterol", "ref_high"] == 4.5
    assert pd.isna(labs.loc["Cholesterol", "ref_low"])
    assert labs.loc["Cholesterol in HDL", "ref_low"] == 1.5
    assert pd.isna(labs.loc["Cholesterol in HDL", "ref_high"])
    tg = case.labs.set_index("test").loc["triglycerides"]  # LOINC 35217-9, in mmol/L
    assert (tg["value"], tg["ref_high"], tg["ref_source"]) == (1.3, 2.0, "input")
    # the zero-width space in the display is gone from the test's name
    assert not any("\u200b" in t for t in case.labs["test"])
