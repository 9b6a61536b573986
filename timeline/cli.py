"""Command line: validate a case, write workbooks, run the benchmark.

Exit codes: 0 success, 1 the case has problems, 2 usage error.
"""

from __future__ import annotations

import argparse
import contextlib
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


def _day_or_date(text: str):
    """A window edge: 'D12' or '12' (a day number) or YYYY-MM-DD."""
    import pandas as pd

    cleaned = text.strip().upper().removeprefix("DAY").removeprefix("D").strip()
    try:
        return ("day", float(cleaned))
    except ValueError:
        pass
    try:
        return ("date", pd.Timestamp(text))
    except ValueError as exc:
        msg = f"'{text}' is neither a day number (12, D12) nor a date (YYYY-MM-DD)"
        raise argparse.ArgumentTypeError(msg) from exc


def _export(args: argparse.Namespace) -> int:
    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    if {"png", "svg", "pdf", "pptx"} & set(formats):
        from . import _renderer

        # Chrome starts in the background while the case loads; if there is none,
        # the first render says clearly how to get it
        with contextlib.suppress(_renderer.ChromeMissing):
            _renderer.start()
    import datetime as dt

    from .export import ExportError, export_files, write_files
    from .figures import FigureOptions
    from .load import load_case
    from .measures import DAY, resolve_anchor
    from .summary import default_treatment

    try:
        case = load_case(args.case)
    except CaseLoadError as exc:
        for problem in exc.errors:
            print(problem)
        return 1
    anchor = case.anchor_time
    if args.anchor:
        anchor = resolve_anchor(case.events, args.anchor)
        if anchor is None:
            print(
                f"no event is called '{args.anchor}': use an event type or label of the case",
                file=sys.stderr,
            )
            return 2
    window = tuple(
        None if edge is None else (anchor + edge[1] * DAY if edge[0] == "day" else edge[1])
        for edge in (args.start, args.end)
    )
    options = FigureOptions(
        axis=args.axis,
        anchor=args.anchor,
        window=window,
        theme=args.theme,
        hide_dates=args.axis == "days",
    )
    treatment = args.response_to or default_treatment(case)
    try:
        files = export_files(case, options, formats, args.size, dt.datetime.now(dt.UTC), treatment)
        written = write_files(files, args.out)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"cannot write to {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    for path in written:
        print(f"wrote {path}")
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

    p = sub.add_parser("export", help="write the figures of a case (json, png, svg, pdf)")
    p.add_argument("case", type=Path, help="case folder, .xlsx or .zip")
    p.add_argument("--out", type=Path, required=True, help="folder to write into")
    p.add_argument(
        "--format",
        default="png,pptx",
        help="comma-separated: png,svg,pdf,pptx,html,json (default png,pptx)",
    )
    p.add_argument("--size", default="16:9", help="16:9 (default), 4:3, a4 or journal")
    p.add_argument(
        "--response-to",
        help="treatment whose response the summary reports "
        "(default: the non-steroid drug started last)",
    )
    p.add_argument("--theme", choices=["slide", "screen"], default="slide")
    p.add_argument(
        "--axis",
        choices=["days", "dates"],
        default="days",
        help="days (default: de-identified, no calendar dates) or dates",
    )
    p.add_argument("--anchor", help="event type or label that is Day 0 (default: the case's)")
    p.add_argument("--start", type=_day_or_date, help="window start: day number or YYYY-MM-DD")
    p.add_argument("--end", type=_day_or_date, help="window end: day number or YYYY-MM-DD")
    p.set_defaults(run=_export)

    p = sub.add_parser("bench", help="time each step (median of several warm runs)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.set_defaults(run=_bench)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
