"""Treatment-timeline dashboard: a thin Streamlit page over the timeline package."""

from __future__ import annotations

import streamlit as st

from timeline import CaseLoadError, load_case
from timeline.datasets import DEFAULT_CASE, bundled_cases
from timeline.figures import build_figure
from timeline.view import problem_table, summary_facts

st.set_page_config(page_title="Treatment timeline", layout="wide")


@st.cache_data(show_spinner=False)
def _load(path: str):
    return load_case(path)


cases = bundled_cases()
name = st.sidebar.selectbox("Case", list(cases), index=list(cases).index(DEFAULT_CASE))
try:
    case = _load(str(cases[name]))
except CaseLoadError as exc:
    st.error("This case could not be loaded. Every problem is listed below.")
    st.dataframe(problem_table(exc.problems), hide_index=True, width="stretch")
    st.stop()

st.title(case.info.title, anchor=False)
if case.info.illustrative:
    st.warning("Illustrative data: values not stated in the source are invented for teaching.")
st.text(" · ".join(summary_facts(case)))

st.plotly_chart(build_figure(case), theme=None, config={"displaylogo": False})

tabs = st.tabs(["Treatments", "Events", "Labs", f"Problems ({len(case.warnings)})"])
views = (case.treatments, case.events, case.labs)
for tab, frame in zip(tabs[:3], views, strict=True):
    tab.dataframe(frame, hide_index=True, width="stretch")
tabs[3].dataframe(problem_table(case.warnings), hide_index=True, width="stretch")
