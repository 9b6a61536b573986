"""``python -m benchmarks.limits``: peak memory and time of the largest accepted and rejected inputs.

Each input is generated in a temporary folder, then loaded by ``timeline.load_case``
in a fresh Python process, which reports its own peak resident memory (before and
after loading) and the time the load took. The accepted inputs sit just within the
limits of ``timeline/limits.py``; the rejected ones are the reproductions of issue 16
(a 17 KB zip of repeated rows, a zip of NUL bytes, a nested zip bomb, a workbook
declaring a gigabyte of XML). The target: under ~1 GB peak for an accepted input,
little for a rejected one.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from timeline import limits
from timeline.datasets import bundled_case_path

from .synthetic import generated_tables, write_case_folder

_CHILD = """
import json, re, sys, time
from pathlib import Path
from timeline import CaseLoadError, load_case
def peak():  # this process's own high-water mark (ru_maxrss would include the parent's)
    status = Path("/proc/self/status").read_text()
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", status)[1]) / 1024
before = peak()
start = time.perf_counter()
try:
    case = load_case(sys.argv[1])
    outcome = f"accepted: {len(case.labs):,} lab rows, {len(case.warnings)} warning(s)"
except CaseLoadError as exc:
    outcome = "rejected: " + exc.errors[0].code.value
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - start,
                  "peak_mb": peak(), "imports_mb": before}))
"""

_NUL_BLOCK = bytes(8 << 20)


@dataclass(frozen=True)
class Result:
    """One input's figures: what happened, time, peak memory of the whole process."""

    name: str
    size_kb: float
    outcome: str
    seconds: float
    peak_mb: float
    imports_mb: float


def _zip_folder(folder: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.iterdir()):
            archive.write(file, f"case/{file.name}")
    return path


def _bundled_members(archive: zipfile.ZipFile, skip: str = "") -> None:
    for file in bundled_case_path().iterdir():
        if file.name != skip:
            archive.write(file, f"case/{file.name}")


def _largest_rows(tmp: Path) -> Path:
    """A zip of a generated case with as many lab rows as a table may have."""
    tables = generated_tables(lab_rows=limits.MAX_ROWS, treatment_rows=2_000)
    return _zip_folder(write_case_folder(tables, tmp / "rows"), tmp / "largest-rows.zip")


def _largest_table(tmp: Path) -> Path:
    """A zip whose labs table is just under the table's byte limit (long notes)."""
    path = tmp / "largest-table.zip"
    header = "time,test,value,unit,ref_low,ref_high,note\n"
    note = "n" * 200
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _bundled_members(archive, skip="labs.csv")
        with archive.open("case/labs.csv", "w") as member:
            member.write(header.encode())
            written, i = len(header), 0
            while i < limits.MAX_ROWS:
                minute = i % 1_000_000
                line = (
                    f"2000-{1 + minute // 40_000 % 12:02d}-{1 + minute // 1440 % 28:02d} "
                    f"{minute // 60 % 24:02d}:{minute % 60:02d},crp,{i % 97 + 1},mg/L,,,"
                    f"{note}{i}\n"
                ).encode()
                if written + len(line) > limits.MAX_TABLE_BYTES:
                    break
                member.write(line)
                written, i = written + len(line), i + 1
    return path


def _largest_workbook(tmp: Path) -> Path:
    """A workbook of the generated case with 100,000 lab rows (the size the page targets)."""
    from timeline import load_case
    from timeline.workbook import case_workbook_bytes

    tables = generated_tables(lab_rows=100_000, treatment_rows=2_000)
    case = load_case(write_case_folder(tables, tmp / "book"))
    path = tmp / "largest-workbook.xlsx"
    path.write_bytes(case_workbook_bytes(case, include_identifiers=False))
    return path


def _repeated_rows(tmp: Path) -> Path:
    """Issue 16's small zip of repeated rows: one lab row 425,000 times (17 MB inflated)."""
    path = tmp / "repeated-rows.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _bundled_members(archive, skip="labs.csv")
        rows = "2000-01-02 07:00,ferritin,900,ng/mL,,,\n" * 425_000
        archive.writestr("case/labs.csv", "time,test,value,unit,ref_low,ref_high,note\n" + rows)
    return path


def _nul_member(archive: zipfile.ZipFile, name: str, size: int) -> None:
    with archive.open(name, "w", force_zip64=True) as member:
        for _ in range(size // len(_NUL_BLOCK)):
            member.write(_NUL_BLOCK)


def _nul_bytes(tmp: Path) -> Path:
    """A zip of NUL bytes: about 1 MB, 1 GB decompressed."""
    path = tmp / "nul-bytes.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _nul_member(archive, "case/labs.csv", 1 << 30)
    return path


def _nested_bomb(tmp: Path) -> Path:
    """A case whose zip also holds a zip of zips, each inflating to 64 MB of NULs."""
    inner = tmp / "inner.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        _nul_member(archive, "x.csv", 64 << 20)
    middle = tmp / "middle.zip"
    with zipfile.ZipFile(middle, "w", zipfile.ZIP_DEFLATED) as archive:
        for i in range(16):
            archive.write(inner, f"{i}.zip")
    path = tmp / "nested-bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        _bundled_members(archive)
        for i in range(16):
            archive.write(middle, f"case/{i}.zip")
    return path


def _workbook_bomb(tmp: Path) -> Path:
    """A workbook (the bundled one) with a 1 GB sheet of NULs added."""
    path = tmp / "workbook-bomb.xlsx"
    path.write_bytes((bundled_case_path().parent / f"{bundled_case_path().name}.xlsx").read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        _nul_member(archive, "xl/worksheets/sheet99.xml", 1 << 30)
    return path


INPUTS: dict[str, Callable[[Path], Path]] = {
    "accepted: zip, 200,000 lab rows": _largest_rows,
    "accepted: zip, labs table at 60 MB": _largest_table,
    "accepted: workbook, 100,000 lab rows": _largest_workbook,
    "rejected: small zip of 425,000 repeated rows": _repeated_rows,
    "rejected: zip of NUL bytes (1 GB)": _nul_bytes,
    "bomb: zips of zips beside a case (named)": _nested_bomb,
    "rejected: workbook with 1 GB of XML": _workbook_bomb,
}


def measure(name: str, path: Path) -> Result:
    """Load ``path`` in a fresh process; its outcome, time and peak memory."""
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, check=True
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return Result(name, path.stat().st_size / 1024, **figures)


def run(only: str = "") -> list[Result]:
    """Generate every input (or those whose name contains ``only``) and measure each."""
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        return [measure(name, make(tmp)) for name, make in INPUTS.items() if only in name]


def format_table(results: list[Result]) -> str:
    """The figures as a plain table."""
    lines = [f"{'input':46} {'file':>10} {'time':>7} {'peak':>8} {'imports':>8}  outcome"]
    for r in results:
        lines.append(
            f"{r.name:46} {r.size_kb:>8.0f}KB {r.seconds:>6.1f}s {r.peak_mb:>6.0f}MB "
            f"{r.imports_mb:>6.0f}MB  {r.outcome}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m benchmarks.limits", description=__doc__)
    parser.add_argument("--only", default="", help="measure the inputs whose name contains this")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args()
    results = run(args.only)
    print(
        json.dumps([r.__dict__ for r in results], indent=1) if args.json else format_table(results)
    )
