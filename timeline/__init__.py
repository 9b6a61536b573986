"""Treatment-timeline dashboard: a validated case model, its figures and exports."""

from .errors import CaseLoadError, Problem, Severity
from .load import load_case, load_case_bytes
from .model import Case, CaseInfo

__all__ = [
    "Case",
    "CaseInfo",
    "CaseLoadError",
    "Problem",
    "Severity",
    "load_case",
    "load_case_bytes",
]
