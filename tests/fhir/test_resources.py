"""Each FHIR resource type and element the import reads, and the problems it names."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from tests.fhir.bundles import PATIENT, STAY, bundle, dosage, dumps, observation, request
from timeline import load_case, load_case_bytes
from timeline.errors import CaseLoadError, ProblemCode


def load(*resources, name: str = "record.json"):
    return load_case_bytes(name, dumps(bundle(*resources)))


def problems(*resources) -> list:
    with pytest.raises(CaseLoadError) as caught:
        load(*resources)
    return list(caught.value.problems)


# --- MedicationRequest ----------------------------------------------------------------


def test_taper_written_as_bounded_instructions_gives_one_row_per_step():
    steps = [
        dosage(40, boundsPeriod={"start": "2000-01-02", "end": "2000-01-08"}),
        dosage(30, boundsPeriod={"start": "2000-01-09", "end": "2000-01-15"}),
        dosage(20, boundsPeriod={"start": "2000-01-16"}),
    ]
    case = load(request("taper", *steps))
    rows = case.treatments.sort_values("start")
    assert rows["dose"].tolist() == [40, 30, 20]
    assert rows["drug"].unique().tolist() == ["prednisolone"]  # ATC H02AB06
    assert rows["route"].unique().tolist() == ["oral"]  # SNOMED CT 26643006
    assert rows["end"].iloc[1] == pd.Timestamp("2000-01-15")
    assert rows["ongoing"].tolist() == [False, False, True]
    (open_ended,) = [w for w in case.warnings if w.code is ProblemCode.FHIR_OPEN_ENDED]
    assert open_ended.where == "MedicationRequest/taper dosageInstruction[2]"
    assert "ongoing" in open_ended.message


def test_taper_by_sequence_and_duration_infers_its_dates_and_says_so():
    first = dosage(40, boundsDuration={"value": 5, "unit": "d", "code": "d"}) | {"sequence": 1}
    second = dosage(20, boundsDuration={"value": 3, "unit": "d", "code": "d"}) | {"sequence": 2}
    case = load(request("seq", second, first))  # written out of order: sequence decides
    rows = case.treatments.sort_values("start")
    assert rows["start"].tolist() == [pd.Timestamp("2000-01-02"), pd.Timestamp("2000-01-07")]
    assert rows["end"].tolist() == [pd.Timestamp("2000-01-06"), pd.Timestamp("2000-01-09")]
    assert rows["note"].str.contains("inferred").all()
    inferred = [w for w in case.warnings if w.code is ProblemCode.FHIR_INFERRED]
    assert {w.where for w in inferred} == {
        "MedicationRequest/seq dosageInstruction[0]",
        "MedicationRequest/seq dosageInstruction[1]",
    }


def test_step_without_end_ends_the_day_before_the_next_and_is_marked_inferred():
    steps = [
        dosage(40, boundsPeriod={"start": "2000-01-02"}),
        dosage(20, boundsPeriod={"start": "2000-01-10", "end": "2000-01-12"}),
    ]
    rows = load(request("gap", *steps)).treatments.sort_values("start")
    assert rows["end"].iloc[0] == pd.Timestamp("2000-01-09")
    assert "the day before the next step starts" in rows["note"].iloc[0]


@pytest.mark.parametrize(
    ("repeat", "frequency"),
    [
        ({"frequency": 2, "period": 1, "periodUnit": "d"}, "twice daily"),
        ({"frequency": 1, "period": 12, "periodUnit": "h"}, "every 12 hours"),
        ({"frequency": 3, "period": 1, "periodUnit": "wk"}, "three times weekly"),
        ({"frequency": 1, "period": 2, "periodUnit": "wk"}, "every 2 weeks"),
        ({"frequency": 1, "period": 2, "periodUnit": "d"}, "every other day"),
    ],
)
def test_timing_repeat_maps_to_the_catalogue_frequency(repeat, frequency):
    step = dosage(10, boundsPeriod={"start": "2000-01-02", "end": "2000-01-30"}) | {
        "timing": {
            "repeat": repeat | {"boundsPeriod": {"start": "2000-01-02", "end": "2000-01-30"}}
        }
    }
    assert load(request("r", step)).treatments["frequency"].tolist() == [frequency]


def test_timing_code_bid_is_twice_daily():
    step = dosage(10) | {"timing": {"code": {"coding": [{"code": "BID"}]}}}
    assert load(request("bid", step)).treatments["frequency"].tolist() == ["twice daily"]


def test_unknown_period_unit_is_a_problem_naming_the_element_and_value():
    steps = [dosage(40), dosage(20, frequency=1, period=1, periodUnit="fortnight")]
    (found,) = [
        p for p in problems(request("abc", *steps)) if p.code is ProblemCode.UNKNOWN_FREQUENCY
    ]
    assert found.where == "MedicationRequest/abc dosageInstruction[1].timing.repeat.periodUnit"
    assert found.value == "1 times every 1 fortnight"
    assert "use once, continuous, daily" in found.message  # what to do
    assert str(found).startswith("error: MedicationRequest/abc dosageInstruction[1]")


def test_dose_range_draws_its_upper_limit_and_keeps_the_range():
    step = dosage(0) | {
        "doseAndRate": [
            {"doseRange": {"low": {"value": 5, "code": "mg"}, "high": {"value": 10, "code": "mg"}}}
        ]
    }
    row = load(request("range", step)).treatments.iloc[0]
    assert (row["dose"], row["dose_unit"]) == (10, "mg")
    assert "dose range 5–10 mg" in row["note"]


def test_rate_is_a_continuous_infusion():
    step = {
        "timing": {
            "repeat": {"boundsPeriod": {"start": "2000-01-02T10:00:00Z", "end": "2000-01-03"}}
        },
        "doseAndRate": [
            {
                "rateRatio": {
                    "numerator": {"value": 2, "code": "mg"},
                    "denominator": {"value": 1, "code": "h"},
                }
            }
        ],
    }
    row = load(request("rate", step)).treatments.iloc[0]
    assert (row["dose"], row["dose_unit"], row["frequency"]) == (2, "mg/h", "continuous")


def test_medication_reference_to_a_bundled_medication_is_resolved():
    medication = {
        "resourceType": "Medication",
        "id": "rux",
        "code": {
            "coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "1193326"}]
        },
    }
    order = request("r1", dosage(10, frequency=2)) | {
        "medicationReference": {"reference": "Medication/rux"}
    }
    del order["medicationCodeableConcept"]
    row = load(medication, order).treatments.iloc[0]
    assert row["drug"] == "ruxolitinib"
    assert row["drug_class"] == "jak_inhibitor"


def test_product_name_finds_its_one_catalogue_drug():
    order = request("p", dosage(4)) | {
        "medicationCodeableConcept": {"text": "Methylprednisolone 4 MG Oral Tablet"}
    }
    assert load(order).treatments["drug"].tolist() == ["methylprednisolone"]


def test_unknown_drug_is_kept_as_other_with_a_warning_at_its_resource():
    order = request("x", dosage(5)) | {"medicationCodeableConcept": {"text": "Zorbital"}}
    case = load(order)
    assert case.treatments["drug"].tolist() == ["Zorbital"]
    assert case.treatments["drug_class"].tolist() == ["other"]
    (warned,) = [w for w in case.warnings if w.code is ProblemCode.UNKNOWN_DRUG]
    assert warned.where == "MedicationRequest/x medicationCodeableConcept"


def test_entered_in_error_is_not_drawn_and_said_so():
    case = load(request("oops", dosage(5), status="entered-in-error"))
    assert case.treatments.empty
    assert any(w.where == "MedicationRequest/oops status" for w in case.warnings)


# --- MedicationAdministration and MedicationStatement -----------------------------------


def test_administration_at_a_time_is_one_dose():
    given = {
        "resourceType": "MedicationAdministration",
        "id": "a1",
        "status": "completed",
        "medicationCodeableConcept": {"text": "methylprednisolone"},
        "effectiveDateTime": "2000-01-03T09:15:00+01:00",
        "dosage": {"dose": {"value": 1, "code": "g"}, "route": {"text": "IV"}},
    }
    row = load(given).treatments.iloc[0]
    assert (row["dose"], row["dose_unit"], row["frequency"]) == (1, "g", "once")
    assert row["start"] == pd.Timestamp("2000-01-03 09:15")
    assert row["route"] == "intravenous"


def test_administration_at_a_rate_over_a_period_is_continuous():
    given = {
        "resourceType": "MedicationAdministration",
        "id": "a2",
        "status": "completed",
        "medicationCodeableConcept": {"text": "ciclosporin"},
        "effectivePeriod": {"start": "2000-01-03T08:00:00Z", "end": "2000-01-05T08:00:00Z"},
        "dosage": {"rateQuantity": {"value": 3, "code": "mg/h"}},
    }
    row = load(given).treatments.iloc[0]
    assert (row["dose"], row["frequency"], row["kind"]) == (3, "continuous", "infusion")
    assert row["end"] == pd.Timestamp("2000-01-05 08:00")


def test_statement_dosage_within_its_effective_period():
    statement = {
        "resourceType": "MedicationStatement",
        "id": "s1",
        "status": "completed",
        "medicationCodeableConcept": {"text": "anakinra"},
        "effectivePeriod": {"start": "2000-01-04", "end": "2000-01-10"},
        "dosage": [
            {
                "timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}},
                "doseAndRate": [{"doseQuantity": {"value": 100, "code": "mg"}}],
            }
        ],
    }
    row = load(statement).treatments.iloc[0]
    assert (row["drug"], row["start"], row["end"]) == (
        "anakinra",
        pd.Timestamp("2000-01-04"),
        pd.Timestamp("2000-01-10"),
    )


# --- Observation ------------------------------------------------------------------------


def test_comparator_interpretation_and_range_are_read():
    result = observation("f", "2276-4", 40000, "ng/mL") | {
        "interpretation": [{"coding": [{"code": "HH"}]}],
        "referenceRange": [
            {"low": {"value": 10, "code": "ng/mL"}, "high": {"value": 140, "code": "ng/mL"}}
        ],
    }
    result["valueQuantity"]["comparator"] = ">"
    row = load(result).labs.iloc[0]
    assert (row["test"], row["value"], row["qualifier"], row["lab_flag"]) == (
        "ferritin",
        40000,
        ">",
        "HH",
    )
    assert (row["ref_low"], row["ref_high"]) == (10, 140)


def test_decimal_keeps_its_written_precision():
    case = load_case_bytes(
        "r.json", dumps(bundle(observation("h", "718-7", "#number:3.40", "g/dL")))
    )
    assert case.labs["value_text"].tolist() == ["3.40"]


def test_word_results_are_qualitative_and_other_words_become_events():
    positive = observation("p", "26881-3", 0, "pg/mL") | {"valueString": "Positive"}
    del positive["valueQuantity"]
    smoker = observation("s", "72166-2", 0, "") | {"valueCodeableConcept": {"text": "Never smoker"}}
    del smoker["valueQuantity"]
    case = load(positive, smoker)
    assert case.labs["result_text"].tolist() == ["positive"]
    assert "Never smoker" in " ".join(case.events["label"])
    assert any(w.where == "Observation/s value[x]" for w in case.warnings)


def test_vital_signs_temperature_weight_height():
    vitals = [
        observation("t", "8310-5", 39.5, "Cel"),
        observation("w", "29463-7", 36, "kg"),
        observation("h", "8302-2", 1.45, "m"),
    ]
    labs = load(*vitals).labs.set_index("test")
    assert labs.loc["temperature", "value"] == 39.5
    assert labs.loc["weight", "value"] == 36
    assert labs.loc["height", "value"] == pytest.approx(145)  # converted to cm


def test_observation_without_time_is_an_error_naming_it():
    result = observation("nt", "2276-4", 100, "ng/mL")
    del result["effectiveDateTime"]
    (found,) = [p for p in problems(result) if p.code is ProblemCode.FHIR_NO_TIME]
    assert found.where == "Observation/nt effective[x]"


def test_bad_unit_names_the_observation_element():
    wrong = observation("u", "2276-4", 100, "furlongs")
    (found,) = [p for p in problems(wrong) if p.code is ProblemCode.UNKNOWN_LAB_UNIT]
    assert found.where == "Observation/u valueQuantity.code"
    assert found.value == "furlongs"


# --- Encounter, Condition, Procedure, Patient ------------------------------------------


def test_encounter_condition_procedure_become_events_and_day0_is_admission():
    mas = {
        "resourceType": "Condition",
        "id": "mas",
        "code": {"text": "Macrophage activation syndrome"},
        "onsetDateTime": "2000-01-04",
    }
    bma = {
        "resourceType": "Procedure",
        "id": "bma",
        "status": "completed",
        "code": {"text": "Bone marrow aspirate"},
        "performedDateTime": "2000-01-05T10:00:00Z",
    }
    case = load(mas, bma)
    types = dict(zip(case.events["type"], case.events["start"], strict=True))
    assert types["admission"] == pd.Timestamp("2000-01-01 08:00")
    assert types["discharge"] == pd.Timestamp("2000-01-20 12:00")
    assert types["mas onset"] == pd.Timestamp("2000-01-04")
    assert types["procedure"] == pd.Timestamp("2000-01-05 10:00")
    assert case.anchor_time == pd.Timestamp("2000-01-01")
    assert case.info.age_years == 11.0
    assert case.info.sex == "female"
    assert case.info.diagnosis == "Macrophage activation syndrome"


def test_record_without_any_event_gets_day0_at_its_first_result():
    document = {"resourceType": "Bundle", "type": "searchset"}
    document["entry"] = [{"resource": observation("o", "2276-4", 100, "ng/mL")}]
    case = load_case_bytes("r.json", dumps(document))
    assert case.events["label"].tolist() == ["First record"]
    assert any(w.code is ProblemCode.FHIR_INFERRED and w.where == "record" for w in case.warnings)


def test_two_patients_are_refused():
    other = PATIENT | {"id": "p2"}
    assert any(p.code is ProblemCode.NOT_A_CASE for p in problems(PATIENT, other, STAY))


# --- containers and versions ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"not json at all", "is not JSON"),
        (b'{"hello": 1}', "no resourceType"),
        (b"[1, 2]", "no resourceType"),
    ],
)
def test_a_file_that_is_not_fhir_says_so(data, says):
    with pytest.raises(CaseLoadError) as caught:
        load_case_bytes("export.json", data)
    (found,) = caught.value.errors
    assert found.code is ProblemCode.NOT_FHIR_R4
    assert says in found.message
    assert "FHIR R4 Bundle" in found.message  # what to do


def test_stu3_dosage_is_refused_as_not_r4():
    old = request("old", {"doseQuantity": {"value": 5, "code": "mg"}})
    (found,) = [p for p in problems(old) if p.code is ProblemCode.NOT_FHIR_R4]
    assert found.where == "MedicationRequest/old dosageInstruction[0].doseQuantity"
    assert "STU3" in found.message


def test_ndjson_folder_zip_and_file_load_alike(tmp_path):
    resources = [PATIENT, STAY, observation("o", "2276-4", 100, "ng/mL"), request("m", dosage(5))]
    by_type: dict[str, list] = {}
    for r in resources:
        by_type.setdefault(r["resourceType"], []).append(json.dumps(r))
    folder = tmp_path / "export"
    folder.mkdir()
    for kind, lines in by_type.items():
        (folder / f"{kind}.ndjson").write_text("\n".join(lines) + "\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for path in folder.iterdir():
            z.write(path, f"export/{path.name}")
    single = "\n".join(json.dumps(r) for r in resources).encode()
    cases = [
        load_case(folder),
        load_case_bytes("export.zip", archive.getvalue()),
        load_case_bytes("all.ndjson", single),
    ]
    for case in cases:
        assert (len(case.treatments), len(case.labs), case.info.sex) == (1, 1, "female")


def test_the_cli_validates_exports_and_writes_a_workbook_from_a_bundle(tmp_path):
    from timeline.cli import main

    path = tmp_path / "record.json"
    path.write_bytes(
        dumps(bundle(observation("o", "2276-4", 100, "ng/mL"), request("m", dosage(5))))
    )
    assert main(["validate", str(path)]) == 0
    out = tmp_path / "case.xlsx"
    assert main(["workbook", str(path), str(out)]) == 0
    figures = tmp_path / "figures"
    assert main(["export", "--out", str(figures), "--format", "json", str(path)]) == 0
    assert (figures / "timeline.json").exists()
    again = load_case(out)  # an imported case, edited by hand from here on
    assert (len(again.treatments), len(again.labs)) == (1, 1)
    assert again.identifiers.birth_date == ""  # identifiers only on request


def test_row_numbers_in_messages_become_the_resources_they_came_from():
    twins = [observation(i, "2276-4", 100, "ng/mL") for i in ("a", "b")]
    (found,) = [p for p in problems(*twins) if p.code is ProblemCode.DUPLICATE_ROW]
    assert found.where == "Observation/b"
    assert found.message == "repeats Observation/a exactly: delete one of them."
