"""Pure figure builders: (case, options) -> plotly Figure. No Streamlit here.

``compose`` makes the rows of a figure and assembles it, ``layout`` places them
and draws the frame, ``overlays`` draws events, criteria shading and notes over
the panels; ``lanes``, ``steroids`` and ``labs`` make each kind of panel.
"""

from .compose import FIGURES, build_figure, build_figures
from .options import DEFAULT_LABS, FigureOptions
from .overlays import stagger

__all__ = ["DEFAULT_LABS", "FIGURES", "FigureOptions", "build_figure", "build_figures", "stagger"]
