"""Pure figure builders: (case, options) -> plotly Figure. No Streamlit here."""

from .build import FIGURES, build_figure, build_figures, stagger
from .options import DEFAULT_LABS, FigureOptions

__all__ = ["DEFAULT_LABS", "FIGURES", "FigureOptions", "build_figure", "build_figures", "stagger"]
