"""Benchmark: median time of each step in one warm process, with its target."""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    step: str
    median_ms: float
    runs: int
    target_ms: float | None

    @property
    def ok(self) -> bool | None:
        return None if self.target_ms is None else self.median_ms <= self.target_ms


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm: imports, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _steps(workdir: Path) -> list[tuple[str, Callable[[], object], int, float | None]]:
    from .datasets import DATA, bundled_case_path
    from .load import load_case
    from .synthetic import generated_tables, write_case_folder

    bundled = bundled_case_path()
    large = write_case_folder(generated_tables(100_000, 2_000), workdir / "large")
    return [
        ("load bundled case (CSV folder)", lambda: load_case(bundled), 20, 100),
        (
            "load bundled case (workbook)",
            lambda: load_case(DATA / f"{bundled.name}.xlsx"),
            10,
            None,
        ),
        ("load generated case, 100,000 labs + 2,000 treatments", lambda: load_case(large), 5, 2000),
    ]


def run() -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        return [
            Result(name, round(_median_ms(fn, runs), 1), runs, target)
            for name, fn, runs, target in _steps(Path(tmp))
        ]


def format_table(results: list[Result]) -> str:
    width = max(len(r.step) for r in results)
    lines = [f"{'step':<{width}}  {'median ms':>10}  {'runs':>4}  {'target ms':>9}  ok"]
    for r in results:
        target = "-" if r.target_ms is None else f"{r.target_ms:g}"
        ok = "-" if r.ok is None else ("yes" if r.ok else "NO")
        lines.append(f"{r.step:<{width}}  {r.median_ms:>10.1f}  {r.runs:>4}  {target:>9}  {ok}")
    return "\n".join(lines)


def to_json(results: list[Result]) -> str:
    return json.dumps([asdict(r) | {"ok": r.ok} for r in results], indent=2)
