"""Treatment-timeline dashboard: a thin Streamlit page over the timeline package.

Widgets in, package calls out: no clinical number is computed here. Each
browser session keeps its own case and notes in ``st.session_state``; the
caches are keyed on file content and hand out copies.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools

import pandas as pd
import streamlit as st

from timeline import CaseLoadError, load_case, load_case_bytes
from timeline.catalogue import drug_label
from timeline.datasets import DEFAULT_CASE, NO_BUNDLED_CASES, TEMPLATE, bundled_cases
from timeline.derive import DAY, reanchor, window_end, window_start
from timeline.derive.summary import case_summary, default_treatment, window_presets
from timeline.export import as_on_screen, export_files
from timeline.figures import FigureOptions, build_figure
from timeline.figures.labs import default_labs
from timeline.figures.options import ThemeName
from timeline.figures.theme import SLIDE
from timeline.model import Case
from timeline.sizes import SIZES
from timeline.view import (
    NOTE_MAX_CHARS,
    TABLE_PAGE_ROWS,
    anchor_choices,
    apply_editor_changes,
    criteria_on,
    drug_choices,
    lab_choices,
    notes_from_editor,
    overlong_notes,
    plain,
    problem_table,
    response_choices,
    state_on,
    table_page,
)
from timeline.wording import summary_lines
from timeline.workbook import case_workbook_bytes

st.set_page_config(page_title="Treatment timeline", layout="wide")


def _no_public_ip_lookup() -> None:
    """Stop Streamlit asking checkip.amazonaws.com for this machine's public IP.

    It asks when a connection comes with a foreign Origin, to see whether that origin is
    this machine (streamlit/web/server/server_util.py), and no option turns it off. The
    server listens on 127.0.0.1 only (.streamlit/config.toml), so no public address is
    ever this page's origin: "none" is the right answer, and such a connection is refused
    as before. This takes effect in the server process once a page has been opened.
    """
    from streamlit import net_util

    net_util.get_external_ip = lambda: None


_no_public_ip_lookup()

# Presentation mode: no sidebar, larger text. Our own constant CSS, never user text.
_PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
.block-container {padding-top: 1.5rem; max-width: 100%;}
html, body, [data-testid="stAppViewContainer"] {font-size: 20px;}
</style>"""


@st.cache_data(show_spinner=False, max_entries=16)
def _bundled(path: str) -> Case:
    return load_case(path)


@st.cache_data(show_spinner=False, max_entries=16)
def _uploaded(name: str, data: bytes) -> Case:
    return load_case_bytes(name, data)


def _choose_case() -> Case:
    """The session's case: a bundled one, or the last upload that loaded."""
    cases = bundled_cases()
    first = DEFAULT_CASE if DEFAULT_CASE in cases else next(iter(cases), None)
    sources = ["Bundled case", "Upload"] if cases else ["Upload"]
    source = st.sidebar.radio("Case source", sources, key="source", horizontal=True)
    if not cases:
        st.sidebar.info(NO_BUNDLED_CASES)
    if source == "Bundled case":
        names = list(cases)
        name = st.sidebar.selectbox(
            "Bundled case", names, key="bundled", index=names.index(first) if first else 0
        )
        _use(_bundled(str(cases[name])), f"bundled:{name}")
    else:
        _take_upload()
    st.sidebar.download_button(
        "Download the empty template",
        TEMPLATE.read_bytes,  # read only when clicked
        file_name="case-template.xlsx",
        key="template",
    )
    if "case" not in st.session_state:
        if first is None:  # an installed package has no bundled cases
            _upload_problems()
            st.info("Upload a case workbook (.xlsx) or a zip of its CSV folder in the sidebar.")
            st.stop()
        st.session_state["case"] = _bundled(str(cases[first]))  # upload problems stay shown
        st.session_state["case_key"] = f"bundled:{first}"
    return st.session_state["case"]


def _use(case: Case, key: str) -> None:
    st.session_state["case"] = case
    st.session_state["case_key"] = key
    st.session_state["upload_problems"] = None


def _take_upload() -> None:
    """A new upload replaces the case if it loads; else the case stays and its problems show."""
    upload = st.sidebar.file_uploader(
        "Workbook (.xlsx) or zip of the CSV folder", type=["xlsx", "zip"], key="upload"
    )
    if upload is None or st.session_state.get("upload_seen") == upload.file_id:
        return
    st.session_state["upload_seen"] = upload.file_id
    try:
        _use(_uploaded(upload.name, upload.getvalue()), f"upload:{upload.file_id}")
    except CaseLoadError as exc:  # keep the case on screen; list every problem
        st.session_state["upload_problems"] = (upload.name, exc.problems)


def _with_notes(case: Case) -> Case:
    """The case with this session's notes (kept in days from the case's own Day 0)."""
    notes = st.session_state.get(f"notes_base:{st.session_state['case_key']}")
    return case if notes is None else dataclasses.replace(case, annotations=notes)


def _day_zero(case: Case) -> Case:
    """The "Day 0 is" choice: the case with every Day N counted from that event."""
    key = st.session_state["case_key"]
    anchors = anchor_choices(case)  # from the case's own Day 0: the list never changes
    anchor = st.sidebar.selectbox(
        "Day 0 is", anchors, key=f"anchor:{key}", on_change=_keep_notes, args=(case,)
    )
    st.session_state["anchor_shown"] = anchor
    return case if anchor == anchors[0] else reanchor(case, anchor)


def _view_key() -> str:
    """Widgets that hold Day numbers (notes, day slider, custom range) belong to one Day 0."""
    return f"{st.session_state['case_key']}:{st.session_state['anchor_shown']}"


def _keep_notes(case: Case) -> None:
    """Before Day 0 changes: keep the notes as edited, in days from the case's own Day 0."""
    old = st.session_state.get("anchor_shown")
    if old is None:
        return
    editor = f"notes:{st.session_state['case_key']}:{old}"
    shown = reanchor(case, old)
    edited = notes_from_editor(
        apply_editor_changes(shown.annotations, st.session_state.get(editor))
    )
    back = (shown.anchor_time - case.anchor_time) / DAY  # a Day N under ``old`` is N + back
    st.session_state[f"notes_base:{st.session_state['case_key']}"] = pd.DataFrame(
        [(day + back, text, panel) for day, text, panel in edited], columns=["day", "text", "panel"]
    )
    st.session_state.pop(editor, None)  # its edits are in the notes now


def _options(case: Case, present: bool) -> tuple[FigureOptions, str | None]:
    """Sidebar controls to figure options; returns them and the summarised treatment."""
    side = st.sidebar
    key = st.session_state["case_key"]
    responses = response_choices(case)
    preferred = default_treatment(case)
    treatment = side.selectbox(
        "Response to",
        responses,
        key=f"treatment:{key}",
        index=responses.index(preferred) if preferred else None,
        format_func=drug_label,
    )
    drugs, labs = drug_choices(case), lab_choices(case)
    lanes = side.multiselect(
        "Lanes",
        list(drugs),
        default=list(drugs),
        key=f"lanes:{key}",
        format_func=lambda d: drugs[d],
    )
    wanted = [t for t in default_labs(case) if t in labs]
    panels = side.multiselect(
        "Lab panels", list(labs), default=wanted, key=f"labs:{key}", format_func=lambda t: labs[t]
    )
    presets = window_presets(case, treatment)
    window_name = side.selectbox("Window", [*presets, "Custom range"], key=f"window:{key}")
    axis = side.radio("Time axis", ["Day N", "Dates"], key="axis", horizontal=True)
    themes: list[ThemeName] = ["screen", "slide"]
    theme = side.radio("Theme", themes, key="theme", horizontal=True)
    hide_dates = side.checkbox("Hide calendar dates (de-identified view)", key="hide_dates")
    labs_only = side.checkbox(
        "MAS 2016 shading by labs alone (fever aside, e.g. under tocilizumab)", key="labs_only"
    )
    if window_name == "Custom range":
        first, last = _day_bounds(case)
        low, high = side.slider("Days", first, last, (first, last), key=f"custom:{_view_key()}")
        # Day N counts from the chosen Day 0; the last day chosen is included whole
        window: tuple[pd.Timestamp | None, pd.Timestamp | None] = (
            window_start(case.anchor_time, low),
            window_end(case.anchor_time, high),
        )
    else:
        window = presets[window_name]
    options = FigureOptions(
        axis="days" if axis == "Day N" else "dates",
        window=window,
        theme="projector" if present else theme,
        hide_dates=hide_dates,
        criteria="labs" if labs_only else "fever+labs",
        drugs=tuple(lanes),
        # the untouched default lets each theme choose what fits (a slide holds fewer panels)
        labs=None if panels == wanted else tuple(panels),
    )
    return options, treatment


def _day_bounds(case: Case) -> tuple[int, int]:
    days = (
        pd.concat([case.treatments["start"], case.events["start"], case.labs["time"]])
        - case.anchor_time
    ) / pd.Timedelta(days=1)
    return int(days.min()), int(days.max()) + 1


def _header(case: Case, treatment: str | None) -> None:
    st.title(plain(case.info.title), anchor=False)
    if case.info.illustrative:
        st.warning("Illustrative data: values not stated in the source are invented for teaching.")
    for line in summary_lines(case_summary(case, treatment)):
        st.markdown(plain(line))


def _upload_problems() -> None:
    problems = st.session_state.get("upload_problems")
    if problems:
        name, found = problems
        st.error(
            f"{plain(name)} could not be loaded: the case below is unchanged. "
            "Every problem is listed; fix them in the file and upload it again."
        )
        st.dataframe(problem_table(found), hide_index=True, width="stretch")


def _day_panel(case: Case) -> None:
    first, last = _day_bounds(case)
    day = st.slider(
        "What was given, and the latest labs, on Day",
        first,
        last,
        0,
        key=f"day:{_view_key()}",
    )
    given, labs = state_on(case, day)
    st.caption(criteria_on(case, day))
    left, right = st.columns(2)
    left.caption(f"Given on Day {day}")
    left.dataframe(given, hide_index=True, width="stretch")
    right.caption(f"Latest value of each test by the end of Day {day}")
    right.dataframe(labs, hide_index=True, width="stretch")


def _tabs(case: Case, hide_dates: bool) -> None:
    """The data, one tab drawn at a time (a hidden grid still costs the browser time)."""
    names = ["Treatments", "Events", "Labs", f"Problems ({len(case.warnings)})"]
    tabs = st.tabs(names, key="data_tabs", on_change="rerun")
    for tab, table in zip(tabs[:3], ("treatments", "events", "labs"), strict=True):
        if tab.open:
            _table_pages(tab, case, table, hide_dates)
    if tabs[3].open:
        if case.warnings:
            tabs[3].dataframe(problem_table(case.warnings), hide_index=True, width="stretch")
        else:
            tabs[3].write("No problems: every row loaded without a warning.")


def _table_pages(tab, case: Case, table: str, hide_dates: bool) -> None:
    """A data tab a page at a time: a long table is laid out only where it is looked at."""
    rows = {"treatments": case.treatments, "events": case.events, "labs": case.labs}[table]
    pages = max(1, -(-len(rows) // TABLE_PAGE_ROWS))
    page = 1
    if pages > 1:
        page = tab.number_input(
            f"Page (of {pages:,})", 1, pages, 1, key=f"page:{table}:{_view_key()}"
        )
    frame, total = table_page(case, table, hide_dates, page - 1)
    if pages > 1:
        first = (page - 1) * TABLE_PAGE_ROWS
        tab.caption(f"Rows {first + 1:,}–{first + len(frame):,} of {total:,}")
    tab.dataframe(frame, hide_index=True, width="stretch")


def _notes_editor(case: Case) -> pd.DataFrame:
    """The annotations table; returns it as edited."""
    panels = ["", "lanes", "steroids", *lab_choices(case)]
    st.subheader("Notes on the figure", anchor=False)
    st.caption(
        "Each note appears on the figure at once and is saved in the downloaded workbook "
        f"(up to {NOTE_MAX_CHARS:,} characters a note)."
    )
    edited = st.data_editor(
        case.annotations,
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"notes:{_view_key()}",
        column_config={
            "day": st.column_config.NumberColumn("Day", required=True, step=1),
            "text": st.column_config.TextColumn("Note", required=True, max_chars=NOTE_MAX_CHARS),
            "panel": st.column_config.SelectboxColumn("Panel", options=panels),
        },
    )
    refused = overlong_notes(edited)
    if refused:
        st.error(refused)
    return edited


def _downloads(case: Case, notes: pd.DataFrame) -> None:
    # only complete notes (a day and a text) are saved, as only those are drawn
    complete = pd.DataFrame(notes_from_editor(notes), columns=["day", "text", "panel"])
    edited = dataclasses.replace(case, annotations=complete)
    with_ids = st.checkbox(
        "Include name, birth date and record number in the download",
        key="with_ids",
        disabled=not case.identifiers.values(),
    )
    st.download_button(
        "Download the case as it now stands (.xlsx)",
        data=lambda: case_workbook_bytes(edited, include_identifiers=with_ids),
        file_name=f"{case.info.id}.xlsx",
        key="download_case",
    )


_EXPORTS = {  # button label: (format, file name of what is on screen, MIME type)
    "Slides (.pptx)": (
        "pptx",
        None,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "Image (.png)": ("png", "timeline.png", "image/png"),
    "Vector image (.svg)": ("svg", "timeline.svg", "image/svg+xml"),
    "PDF (.pdf)": ("pdf", "timeline.pdf", "application/pdf"),
    "Interactive page (.html)": ("html", "timeline.html", "text/html"),
    "Figure data (.json)": ("json", "timeline.json", "application/json"),
}


def _exports(case: Case, options: FigureOptions, treatment: str | None) -> None:
    """Download what is on screen (window, lanes, labs, axis, notes) in every format."""
    st.subheader("Export what is on screen", anchor=False)
    size = st.selectbox(
        "Size",
        list(SIZES),
        key="export_size",
        help="16:9 and 4:3 slides, A4 landscape, or a journal column at 300 dpi",
    )
    sized = as_on_screen(case, options)

    def build(fmt: str, name: str | None) -> bytes:
        files = export_files(case, sized, [fmt], size, dt.datetime.now(dt.UTC), treatment)
        return files[name] if name else next(iter(files.values()))

    columns = st.columns(len(_EXPORTS))
    for column, (label, (fmt, name, mime)) in zip(columns, _EXPORTS.items(), strict=True):
        file_name = name or f"{case.info.id}.pptx"
        column.download_button(
            label,
            data=functools.partial(build, fmt, name),
            file_name=file_name,
            mime=mime,
            key=f"export_{fmt}",
        )


def _figure(case: Case, options: FigureOptions):
    """The figure, rebuilt only when the case, Day 0 or an option changed (moving the day
    slider or paging a table keeps it: a 100,000-row case's figure takes ~0.7 s)."""
    key = (st.session_state["case_key"], st.session_state["anchor_shown"], options)
    memo = st.session_state.get("figure_memo")
    if memo is not None and memo[0] == key:
        return memo[1]
    figure = build_figure(case, options)
    st.session_state["figure_memo"] = (key, figure)
    return figure


def _leave_presentation() -> None:
    st.query_params.clear()
    st.session_state["present"] = False


def main() -> None:
    if "present" not in st.session_state:  # a link with ?present=1 opens straight into it
        st.session_state["present"] = st.query_params.get("present") == "1"
    case = _day_zero(_with_notes(_choose_case()))
    options, treatment = _options(case, st.session_state["present"])
    present = st.sidebar.toggle("Presentation mode", key="present")
    if present:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)
        st.button("Leave presentation mode", key="leave_present", on_click=_leave_presentation)
    _upload_problems()
    _header(case, treatment)
    # drawn before the editor below, with its pending edits applied, so the chart
    # reaches the browser early and a new note shows in this very run
    notes_key = f"notes:{_view_key()}"
    notes = apply_editor_changes(case.annotations, st.session_state.get(notes_key))
    figure = _figure(case, dataclasses.replace(options, annotations=notes_from_editor(notes)))
    if options.theme == "slide" and figure.layout.height > SLIDE.height:
        st.caption(
            "This slide view is taller than a 16:9 slide so that every chosen panel stays "
            "legible: choose fewer lab panels for a slide."
        )
    st.plotly_chart(
        figure, theme=None, key="figure", config={"displaylogo": False, "scrollZoom": False}
    )
    if not present:
        _day_panel(case)
        edited = _notes_editor(case)
        _downloads(case, edited)
        notes_now = notes_from_editor(edited)
        _exports(case, dataclasses.replace(options, annotations=notes_now), treatment)
        _tabs(case, options.hide_dates)


main()
