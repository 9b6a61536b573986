"""Helpers for the validation tests: load a case that must fail, and its one error."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline import CaseLoadError, Problem, load_case


def only_error(folder: Path) -> Problem:
    """The single error that stops ``folder`` from loading."""
    with pytest.raises(CaseLoadError) as caught:
        load_case(folder)
    errors = caught.value.errors
    assert len(errors) == 1, [str(e) for e in errors]
    return errors[0]
