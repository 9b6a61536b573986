"""Treatment-timeline dashboard: a validated case model, its figures and exports.

The public names load on first use, so ``python -m timeline export`` can start
Chrome before pandas and plotly are imported.
"""

from importlib import import_module

__all__ = [
    "Case",
    "CaseInfo",
    "CaseLoadError",
    "Problem",
    "ProblemCode",
    "Severity",
    "load_case",
    "load_case_bytes",
]

_HOME = {
    "Case": ".model",
    "CaseInfo": ".model",
    "CaseLoadError": ".errors",
    "Problem": ".errors",
    "ProblemCode": ".errors",
    "Severity": ".errors",
    "load_case": ".load",
    "load_case_bytes": ".load",
}


def __getattr__(name: str):
    if name in _HOME:
        return getattr(import_module(_HOME[name], __name__), name)
    msg = f"module 'timeline' has no attribute {name!r}"
    raise AttributeError(msg)
