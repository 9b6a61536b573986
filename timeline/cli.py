"""Command line: validate a case, write workbooks, export figures and slides.

Exit codes: 0 success; 1 the case has problems, or a file could not be written
or rendered; 2 a usage error (a wrong option or argument). Anything else is a
bug and ends with its traceback, never as the user's mistake.

Importing this module imports neither pandas nor plotly (nor streamlit or
playwright): ``export`` starts Chrome first, while the heavy imports load.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CaseLoadError, ChromeMissing, ExportError, Severity, UsageError

if TYPE_CHECKING:
    import pandas as pd

    from .figures import FigureOptions
    from .model import Case


def _load_or_report(path: Path) -> Case | None:
    """The case at ``path``; or None, once every problem is printed (one line each)."""
    from .load import load_case

    try:
        return load_case(path)
    except CaseLoadError as exc:
        for problem in exc.problems:
            print(problem)
        errors = sum(p.severity is Severity.ERROR for p in exc.problems)
        print(f"{path}: not loaded, {errors} error(s).", file=sys.stderr)
        return None


def _validate(args: argparse.Namespace) -> int:
    case = _load_or_report(args.path)
    if case is None:
        return 1
    print(f"OK {case.summary_line()}")
    for warning in case.warnings:
        print(warning)
    return 0


def _template(args: argparse.Namespace) -> int:
    from .workbook import write_template

    return _write(args.out, write_template)


def _workbook(args: argparse.Namespace) -> int:
    from .workbook import case_tables, write_workbook

    case = _load_or_report(args.path)
    if case is None:
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


def _day_or_date(text: str) -> tuple[str, float | pd.Timestamp, bool]:
    """A window edge: a day number ('12', 'D12', 'Day 12', from the chosen Day 0) or a date
    as the case files write it (YYYY-MM-DD, time optional); and whether a time was given."""
    from .validate.cells import parse_date

    cleaned = text.strip().upper().removeprefix("DAY").removeprefix("D").strip()
    try:
        return ("day", float(cleaned), False)
    except ValueError:
        pass
    try:
        when = parse_date(text)
    except ValueError as exc:
        msg = f"{exc} Or give a day number (12, D12)."
        raise argparse.ArgumentTypeError(msg) from exc
    return ("date", when, when != when.normalize())


def _formats(text: str) -> list[str]:
    return [f.strip().lower() for f in text.split(",") if f.strip()]


def _export(args: argparse.Namespace) -> int:
    from .sizes import RENDERED, request_problem

    formats = _formats(args.format)
    wrong = request_problem(formats, args.size)
    if not wrong and args.story:
        from .export import story_problem

        wrong = story_problem(formats)
    if wrong:
        print(f"timeline: {wrong}", file=sys.stderr)
        return 2
    renders = bool(RENDERED & set(formats))
    if renders:
        from . import _renderer

        # Chrome starts in the background while the case loads; if there is none,
        # the first render says clearly how to get it
        with contextlib.suppress(ChromeMissing):
            _renderer.start()
    planned = _plan_export(args)
    if isinstance(planned, int):
        if renders:  # closed now: a Chrome still starting at exit would print a traceback
            _renderer.stop()
        return planned
    return _write_export(args, *planned, formats)


def _plan_export(args: argparse.Namespace) -> tuple[Case, FigureOptions, str | None] | int:
    """The case (under the chosen Day 0), the options and the response treatment; else the
    exit code, once the problem is reported."""
    from .derive import reanchor

    try:
        case = _load_or_report(args.case)
        if case is None:
            return 1
        if args.anchor:
            try:
                case = reanchor(case, args.anchor)
            except ValueError as exc:
                raise UsageError(str(exc)) from exc
        return case, _export_options(args, case), _response_treatment(args, case)
    except UsageError as exc:
        print(f"timeline: {exc}", file=sys.stderr)
        return 2


def _write_export(
    args: argparse.Namespace,
    case: Case,
    options: FigureOptions,
    treatment: str | None,
    formats: list[str],
) -> int:
    """Write each file as soon as it is made; say which were written and which failed."""
    import datetime as dt

    from .export import export_jobs

    try:
        jobs = export_jobs(
            case, options, formats, args.size, dt.datetime.now(dt.UTC), treatment, args.story
        )
    except ExportError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    written, failed = [], []
    for k, (name, make) in enumerate(jobs):
        problem = _write_one(args.out, name, make)
        if problem is None:
            written.append(name)
            continue
        failed.append(name)
        print(f"{args.out / name}: not written: {problem}", file=sys.stderr)
        if problem == _NO_CHROME_SEEN:  # every later render would fail the same way
            failed += [later for later, _ in jobs[k + 1 :]]
            break
    if failed:
        print(
            f"timeline: {len(written)} file(s) written, {len(failed)} not: {', '.join(failed)}",
            file=sys.stderr,
        )
        return 1
    return 0


_NO_CHROME_SEEN = "no Chrome or Chromium (see above)"


def _write_one(out: Path, name: str, make) -> str | None:
    """Make one file and write it into ``out``; None when written, else why not."""
    from .export import NO_CHROME, write_file

    try:
        path = write_file(out, name, make())
    except ExportError as exc:
        if str(exc) == NO_CHROME:
            print(NO_CHROME, file=sys.stderr)
            return _NO_CHROME_SEEN
        return str(exc)
    except TimeoutError as exc:  # an OSError too: not the folder's fault
        return f"rendering timed out ({exc or 'no answer from Chrome'})"
    except OSError as exc:
        return f"cannot write to {out}: {exc.strerror or exc}"
    print(f"wrote {path}")
    return None


def _response_treatment(args: argparse.Namespace, case: Case) -> str | None:
    """The treatment whose response the summary reports: ``--response-to`` by any
    catalogue spelling ('rux', 'CsA'), else the case's default; a name that is not one
    of the case's choices (those the page offers) is a usage error naming them."""
    from . import catalogue as cat
    from .derive.summary import default_treatment, response_treatments

    if args.response_to is None:
        return default_treatment(case)
    key = cat.name_key(args.response_to)
    drug = cat.drug_index().get(key, key)
    choices = response_treatments(case)
    if drug not in choices:
        offered = ", ".join(choices) or "none (the case has no disease-directed drug)"
        msg = (
            f"--response-to '{args.response_to}': the response is summarised for a "
            f"disease-directed drug of the case (not a glucocorticoid); choose one of: {offered}"
        )
        raise UsageError(msg)
    return drug


def _export_options(args: argparse.Namespace, case: Case) -> FigureOptions:
    """The figure options the arguments ask for, checked against the case."""
    from . import catalogue as cat
    from .figures import FigureOptions
    from .figures.axis import time_axis

    options = FigureOptions(
        axis=args.axis,
        labs=_chosen(args.labs, case.labs["test"], cat.lab_index(), "--labs", "tests"),
        drugs=_chosen(args.lanes, case.treatments["drug"], cat.drug_index(), "--lanes", "drugs"),
        window=(_edge(args.start, case, end=False), _edge(args.end, case, end=True)),
        theme=args.theme,
        hide_dates=args.axis == "days",
        steroid_per_kg=args.per_kg,
        criteria=args.criteria,
    )
    try:  # the window's edges against the record (an edge left open is the record's)
        time_axis(case, options)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return options


def _chosen(
    text: str | None, present: pd.Series, index: dict[str, str], option: str, what: str
) -> tuple[str, ...] | None:
    """Names given to ``option`` (comma-separated, any catalogue spelling) as the case's
    own names; None when not given. A name the case does not have is a usage error that
    lists what it has."""
    from . import catalogue as cat

    if text is None:
        return None
    have = list(dict.fromkeys(present))
    own = {cat.name_key(name): name for name in have}
    chosen = []
    for name in (n.strip() for n in text.split(",") if n.strip()):
        key = cat.name_key(name)
        found = own.get(key) or own.get(cat.name_key(index.get(key, "")))
        if found is None:
            msg = f"{option} '{name}': the case has no such {what}; choose from: {', '.join(have)}"
            raise UsageError(msg)
        chosen.append(found)
    return tuple(chosen)


def _edge(edge, case: Case, *, end: bool) -> pd.Timestamp | None:
    """A window edge as a moment: days count from the case's Day 0, and an end given as a
    day or a date without a time includes that whole day."""
    from .derive import DAY, window_end, window_start

    if edge is None:
        return None
    kind, value, timed = edge
    if kind == "day":
        return (window_end if end else window_start)(case.anchor_time, value)
    return value + DAY if end and not timed else value


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="timeline", description=__doc__.splitlines()[0])
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

    p = sub.add_parser(
        "export", help="write the figures of a case, its deck and its handout, file by file"
    )
    p.add_argument("case", type=Path, help="case folder, .xlsx or .zip")
    p.add_argument("--out", type=Path, required=True, help="folder to write into")
    p.add_argument(
        "--format",
        default="png,pptx",
        help="comma-separated: png,svg,pdf,pptx,html,json,handout (default png,pptx); "
        "handout: a one-page A4 PDF",
    )
    p.add_argument("--size", default="16:9", help="16:9 (default), 4:3, a4 or journal")
    p.add_argument(
        "--response-to",
        help="treatment whose response the summary reports, by name or synonym "
        "(default: the disease-directed drug started last)",
    )
    p.add_argument("--theme", choices=["slide", "screen"], default="slide")
    p.add_argument(
        "--axis",
        choices=["days", "dates"],
        default="days",
        help="days (default: de-identified, no calendar dates) or dates",
    )
    p.add_argument("--anchor", help="event type or label that is Day 0 (default: the case's)")
    p.add_argument(
        "--start", type=_day_or_date, help="window start: day number (from Day 0) or YYYY-MM-DD"
    )
    p.add_argument(
        "--end",
        type=_day_or_date,
        help="window end, that whole day included: day number (from Day 0) or YYYY-MM-DD",
    )
    p.add_argument(
        "--labs",
        help="lab panels, comma-separated, any catalogue spelling (ferritin,ESR,IL-18); "
        "default: the standard MAS panels the case has",
    )
    p.add_argument(
        "--lanes",
        help="drug lanes, comma-separated, any catalogue spelling (rux,CsA); default: every drug",
    )
    p.add_argument(
        "--criteria",
        choices=["fever+labs", "labs"],
        default="fever+labs",
        help="MAS 2016 shading: fever+labs (default: met and labs-only days apart) or labs "
        "(every day the laboratory criteria hold, fever aside: e.g. under tocilizumab)",
    )
    p.add_argument(
        "--per-kg",
        action="store_true",
        help="glucocorticoid course in mg/kg/day (prednisone-equivalent) when a weight is recorded",
    )
    p.add_argument(
        "--story",
        action="store_true",
        help="the case's story, step by step (its story table, or the default one): a deck "
        "of one slide per step (ID-story.pptx) and a figure per step (story-01.json, ...)",
    )
    p.set_defaults(run=_export)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)
