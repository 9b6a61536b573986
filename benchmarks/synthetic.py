"""Generated cases of any size, for the benchmark and the tests (clearly fake)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from timeline import catalogue as cat

_LAB_TESTS = (
    "ferritin",
    "ast",
    "alt",
    "ldh",
    "platelets",
    "wbc",
    "haemoglobin",
    "fibrinogen",
    "triglycerides",
    "crp",
    "esr",
    "temperature",
)
_DRUGS = (
    "methylprednisolone",
    "prednisone",
    "ciclosporin",
    "tocilizumab",
    "ruxolitinib",
    "anakinra",
)


def generated_tables(lab_rows: int, treatment_rows: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Text tables of a synthetic case: labs hourly, treatments as daily periods.

    Lab values mostly lie in their reference range with a few long episodes
    outside it, as real courses do; every value is plausible for its unit.
    """
    rng = np.random.default_rng(seed)
    day0 = pd.Timestamp("2000-01-01")
    labs_meta = cat.labs()
    tests = np.resize(np.array(_LAB_TESTS), lab_rows)
    times = day0 + pd.to_timedelta(np.arange(lab_rows) // len(_LAB_TESTS), unit="h")
    values = np.empty(lab_rows)
    for test in _LAB_TESTS:
        rows = np.flatnonzero(tests == test)
        values[rows] = _course(
            rng,
            len(rows),
            labs_meta["ref_low"].to_dict()[test],
            labs_meta["ref_high"].to_dict()[test],
        )
    labs = pd.DataFrame(
        {
            "time": times.strftime("%Y-%m-%d %H:%M"),
            "test": tests,
            "value": np.round(values, 2).astype(str),
            "unit": labs_meta.loc[list(tests), "unit"].to_numpy(),
            "ref_low": "",
            "ref_high": "",
            "note": "",
        }
    )
    _as_laboratories_write(labs, rng)
    starts = day0 + pd.to_timedelta(
        rng.integers(0, max(lab_rows // 288, 30), treatment_rows), unit="D"
    )
    ends = starts + pd.to_timedelta(rng.integers(0, 20, treatment_rows), unit="D")
    treatments = pd.DataFrame(
        {
            "drug": np.resize(np.array(_DRUGS), treatment_rows),
            "start": starts.strftime("%Y-%m-%d"),
            "end": ends.strftime("%Y-%m-%d"),
            "dose": rng.integers(1, 40, treatment_rows).astype(str),
            "dose_unit": "mg",
            "frequency": "daily",
            "route": "oral",
            "kind": "",
            "note": np.arange(treatment_rows).astype(str),
        }
    )
    events = pd.DataFrame(
        {
            "start": ["2000-01-01"],
            "end": [""],
            "type": ["admission"],
            "label": ["Admission"],
            "note": [""],
        }
    )
    case = pd.DataFrame(
        {
            "key": ["id", "title", "diagnosis", "anchor", "illustrative"],
            "value": ["generated", "Generated case", "none (generated data)", "admission", "yes"],
        }
    )
    return {"case": case, "treatments": treatments, "events": events, "labs": labs}


def _as_laboratories_write(labs: pd.DataFrame, rng: np.random.Generator) -> None:
    """Some results as reports write them: a CRP below the assay's limit ('<5'), and a
    PCR as a word ('detected'): one CRP in ten, one row in a thousand."""
    crp = labs.index[labs["test"] == "crp"]
    low = rng.choice(crp, size=len(crp) // 10, replace=False)
    labs.loc[low, "value"] = "<5"
    hourly = labs.index[:: len(_LAB_TESTS)]  # one PCR an hour at most: never a repeated row
    pcr = rng.choice(hourly, size=min(len(labs) // 1000, len(hourly)), replace=False)
    labs.loc[pcr, ["test", "unit"]] = ["CMV PCR", ""]
    labs.loc[pcr, "value"] = rng.choice(["detected", "not detected"], size=len(pcr))


def _course(rng: np.random.Generator, n: int, low: float, high: float) -> np.ndarray:
    """A lab course shaped like a real one: noise around mid-range, with a few
    episodes (about a tenth of the time) well outside the reference range."""
    low = 1.0 if np.isnan(low) else low
    high = 40.0 if np.isnan(high) else high
    middle, spread = (low + high) / 2, (high - low) / 2
    values = middle + rng.normal(0, spread * 0.25, n)
    for start in rng.integers(0, max(n - n // 30, 1), 3):
        length = n // 30
        values[start : start + length] = high * rng.uniform(1.5, 4) + rng.normal(
            0, spread * 0.2, length
        )
    return np.abs(values) + 0.01


def write_case_folder(tables: dict[str, pd.DataFrame], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(folder / f"{name}.csv", index=False)
    return folder
