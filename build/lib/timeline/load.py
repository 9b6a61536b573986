"""Load a case from disk or from an upload: the only way to build a Case."""

from __future__ import annotations

from pathlib import Path

from .model import Case
from .sources import read_bytes, read_path
from .validate import build_case


def load_case(path: str | Path) -> Case:
    """Load a case folder of CSV files, a workbook (.xlsx) or a zip of the folder.

    Raises
    ------
    CaseLoadError
        With every problem found (errors and warnings), each located by file
        or sheet, row and column.
    """
    return build_case(read_path(path))


def load_case_bytes(name: str, data: bytes) -> Case:
    """Load an uploaded workbook or zip held in memory (``name`` gives its type)."""
    return build_case(read_bytes(name, data))
