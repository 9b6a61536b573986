"""Command line: validate a case, write workbooks, run the benchmark.

Exit codes: 0 success, 1 the case has problems, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import CaseLoadError, Severity


def _validate(args: argparse.Namespace) -> int:
    from .load import load_case

    try:
        case = load_case(args.path)
    except CaseLoadError as exc:
        for problem in exc.problems:
            print(problem)
        errors = sum(p.severity is Severity.ERROR for p in exc.problems)
        print(f"{args.path}: not loaded, {errors} error(s).", file=sys.stderr)
        return 1
    print(f"OK {case.summary_line()}")
    for warning in case.warnings:
        print(warning)
    return 0


def _template(args: argparse.Namespace) -> int:
    from .workbook import write_template

    return _write(args.out, write_template)


def _workbook(args: argparse.Namespace) -> int:
    from .load import load_case
    from .workbook import case_tables, write_workbook

    try:
        case = load_case(args.path)
    except CaseLoadError as exc:
        for problem in exc.errors:
            print(problem)
        return 1
    tables = case_tables(case, include_identifiers=args.with_identifiers)
    return _write(args.out, lambda out: write_workbook(tables, out))


def _write(out: Path, write) -> int:
    try:
        write(out)
    except OSError as exc:
        print(f"cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(f"wrote {out}")
    return 0


def _bench(args: argparse.Namespace) -> int:
    from . import bench

    results = bench.run()
    print(bench.to_json(results) if args.json else bench.format_table(results))
    return 0 if all(r.ok is not False for r in results) else 1


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m timeline", description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)

    p = sub.add_parser("validate", help="check a case folder, .xlsx or .zip and summarise it")
    p.add_argument("path", type=Path)
    p.set_defaults(run=_validate)

    p = sub.add_parser("template", help="write the empty case workbook to fill in")
    p.add_argument("out", type=Path)
    p.set_defaults(run=_template)

    p = sub.add_parser("workbook", help="write a case (folder or .zip) as one .xlsx workbook")
    p.add_argument("path", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument(
        "--with-identifiers",
        action="store_true",
        help="also write name, birth date and record number (off by default)",
    )
    p.set_defaults(run=_workbook)

    p = sub.add_parser("bench", help="time each step (median of several warm runs)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=_bench)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
