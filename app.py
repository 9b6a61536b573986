"""Treatment-timeline dashboard: a thin Streamlit page over the timeline package.

Widgets in, package calls out: no clinical number is computed here. Each
browser session keeps its own case, notes and story steps in ``st.session_state``
(an upload lives there only, and goes with its session); the bundled cases' cache
is keyed on the path and hands out copies.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import datetime as dt
import functools
import gc
import os

import pandas as pd
import streamlit as st

from timeline import CaseLoadError, load_case, load_case_bytes, story
from timeline.catalogue import drug_label
from timeline.datasets import DEFAULT_CASE, NO_BUNDLED_CASES, TEMPLATE, bundled_cases
from timeline.derive import DAY, reanchor, window_end, window_start
from timeline.derive.summary import case_summary, default_treatment, window_presets
from timeline.export import NO_CHROME, as_on_screen, download, download_name
from timeline.figures import FigureOptions, build_figure
from timeline.figures.labs import default_labs
from timeline.figures.options import ThemeName
from timeline.figures.theme import SLIDE
from timeline.flowsheet import preview, with_pasted_labs
from timeline.handout import chromium_path
from timeline.model import Case
from timeline.screen import SCREENS, STEROID_PANEL, chart_size, screen_figure
from timeline.sizes import RENDERED, SIZES
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

MAX_PASTE_CHARS = 2_000_000  # a pasted flowsheet: thousands of results, never megabytes

# Presentation mode: one screen, nothing but a one-line header and the chart laid out for
# the chosen screen (timeline.screen), no control in sight (Esc leaves, the arrow keys step
# a story; a faint corner button for the mouse). Our own constant CSS, never user text.
_PRESENTATION_CSS = """<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stHeader"], [data-testid="stToolbar"], [data-testid="stDecoration"],
.st-key-story_back, .st-key-story_next {display: none;}
[data-testid="stMainBlockContainer"] {padding: 1rem 1rem 0 1rem; max-width: 100%;}
[data-testid="stMainBlockContainer"] > [data-testid="stVerticalBlock"] {gap: 0;}
.st-key-present_header p {
  font-size: 22px; line-height: 32px; margin: 0;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
}
.st-key-present_header {display: block; padding-bottom: 8px;}
.st-key-present_header * {margin: 0 !important;}
.st-key-leave_present {position: fixed; top: 2px; right: 6px; z-index: 1000; opacity: 0.2;
  width: auto !important;}
.st-key-leave_present button {min-height: 0; padding: 0 0.5rem; font-size: 12px;}
</style>"""


@st.cache_data(show_spinner=False, max_entries=16)
def _bundled(path: str) -> Case:
    return load_case(path)


# not cached across sessions: an upload is read once (``upload_seen``) and lives in its
# session's state only, so its memory goes when the session does
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
    if "case" in st.session_state:
        _paste_labs()
    if "case" not in st.session_state:
        if first is None:  # an installed package has no bundled cases
            _upload_problems()
            st.info("Upload a case workbook (.xlsx) or a zip of its CSV folder in the sidebar.")
            st.stop()
        st.session_state["case"] = _bundled(str(cases[first]))  # upload problems stay shown
        st.session_state["case_key"] = f"bundled:{first}"
    return _case_now()


def _use(case: Case, key: str) -> None:
    st.session_state["case"] = case
    st.session_state["case_key"] = key
    st.session_state["upload_problems"] = None


def _take_upload() -> None:
    """A new upload replaces the case if it loads; else the case stays and its problems show."""
    upload = st.sidebar.file_uploader(
        "Workbook (.xlsx), zip of the CSV folder, or a FHIR R4 record (.json, .ndjson, "
        "zip of NDJSON files)",
        type=["xlsx", "zip", "json", "ndjson"],
        key="upload",
    )
    if upload is None or st.session_state.get("upload_seen") == upload.file_id:
        return
    st.session_state["upload_seen"] = upload.file_id
    try:
        _use(_uploaded(upload.name, upload.getvalue()), f"upload:{upload.file_id}")
    except CaseLoadError as exc:  # keep the case on screen; list every problem
        st.session_state["upload_problems"] = (upload.name, exc.problems)


def _paste_labs() -> None:
    """Results pasted from a laboratory system as a flowsheet: a preview of what was read,
    then added to the case, which is validated again as a whole."""
    with st.sidebar.expander("Paste lab results (a flowsheet)"):
        text = st.text_area(
            "Tests as rows and dates (YYYY-MM-DD) as columns, or the reverse; units in a "
            "column or in the heading (Ferritin (ng/mL))",
            key="flowsheet_text",
            max_chars=MAX_PASTE_CHARS,
        )
        if not text.strip():
            return
        rows, problems = preview(text)
        st.caption(f"Read as {len(rows)} results:")
        st.dataframe(rows, hide_index=True, width="stretch")
        if problems:
            st.dataframe(problem_table(problems), hide_index=True, width="stretch")
        if st.button("Add these results to the case", key="flowsheet_add"):
            pasted = f"pasted:{st.session_state['case_key']}"
            try:  # kept beside the case, so that the next run (which reloads it) keeps them
                st.session_state[pasted] = with_pasted_labs(_case_now(), text)
            except CaseLoadError as exc:
                st.session_state["upload_problems"] = ("The pasted results", exc.problems)


def _case_now() -> Case:
    """The session's case with any lab results pasted into it."""
    return st.session_state.get(f"pasted:{st.session_state['case_key']}", st.session_state["case"])


def _with_edits(case: Case) -> Case:
    """The case with this session's notes and story steps (in days from its own Day 0)."""
    key = st.session_state["case_key"]
    notes = st.session_state.get(f"notes_base:{key}")
    steps = st.session_state.get(f"story_base:{key}")
    if notes is not None:
        case = dataclasses.replace(case, annotations=notes)
    return case if steps is None else dataclasses.replace(case, story=steps)


def _day_zero(case: Case) -> Case:
    """The "Day 0 is" choice: the case with every Day N counted from that event."""
    key = st.session_state["case_key"]
    anchors = anchor_choices(case)  # from the case's own Day 0: the list never changes
    anchor = st.sidebar.selectbox(
        "Day 0 is", anchors, key=f"anchor:{key}", on_change=_keep_edits, args=(case,)
    )
    st.session_state["anchor_shown"] = anchor
    return case if anchor == anchors[0] else reanchor(case, anchor)


def _view_key() -> str:
    """Widgets that hold Day numbers (notes, day slider, custom range) belong to one Day 0."""
    return f"{st.session_state['case_key']}:{st.session_state['anchor_shown']}"


def _keep_edits(case: Case) -> None:
    """Before the editors leave the page (Day 0 changes, presentation mode starts): keep
    their edits in the session, in days from the case's own Day 0.

    A widget's state is dropped on a run that does not draw it: this is what keeps the
    notes and story steps of a session through presentation mode.
    """
    old = st.session_state.get("anchor_shown")
    if old is None:
        return
    key = st.session_state["case_key"]
    shown = reanchor(case, old)
    back = (shown.anchor_time - case.anchor_time) / DAY  # a Day N under ``old`` is N + back
    editor = f"notes:{key}:{old}"
    edited = notes_from_editor(
        apply_editor_changes(shown.annotations, st.session_state.get(editor))
    )
    st.session_state[f"notes_base:{key}"] = pd.DataFrame(
        [(day + back, text, panel) for day, text, panel in edited], columns=["day", "text", "panel"]
    )
    st.session_state.pop(editor, None)  # its edits are in the notes now
    editor = f"story_steps:{key}:{old}"
    if editor in st.session_state:
        table = apply_editor_changes(story.story_table(shown), st.session_state.pop(editor))
        steps = story.story_from_editor(table)
        st.session_state[f"story_base:{key}"] = steps.assign(day=steps["day"] + back)


def _options(case: Case, whole: Case, present: bool) -> tuple[FigureOptions, str | None]:
    """Sidebar controls to figure options; returns them and the summarised treatment.

    ``case`` is what is shown (in a story, the case as known at the step). The choices
    come from the ``whole`` case, so that a choice holds from step to step (a drug's lane
    is drawn once the drug is given) and the time axis never moves; the presenter's
    sidebar is not the audience's view (presentation mode hides it).
    """
    side = st.sidebar
    key = st.session_state["case_key"]
    responses = response_choices(whole)
    preferred = default_treatment(whole)
    treatment = side.selectbox(
        "Response to",
        responses,
        key=f"treatment:{key}",
        index=responses.index(preferred) if preferred else None,
        format_func=drug_label,
    )
    drugs, labs = drug_choices(whole), lab_choices(whole)
    lanes = side.multiselect(
        "Lanes",
        list(drugs),
        default=list(drugs),
        key=f"lanes:{key}",
        format_func=lambda d: drugs[d],
    )
    wanted = [t for t in default_labs(whole) if t in labs]
    panels = side.multiselect(
        "Lab panels", list(labs), default=wanted, key=f"labs:{key}", format_func=lambda t: labs[t]
    )
    presets = window_presets(whole, treatment)
    window_name = side.selectbox("Window", [*presets, "Custom range"], key=f"window:{key}")
    axis = side.radio("Time axis", ["Day N", "Dates"], key="axis", horizontal=True)
    themes: list[ThemeName] = ["screen", "slide"]
    theme = side.radio("Theme", themes, key="theme", horizontal=True)
    hide_dates = side.checkbox("Hide calendar dates (de-identified view)", key="hide_dates")
    labs_only = side.checkbox(
        "MAS 2016 shading by labs alone (fever aside, e.g. under tocilizumab)", key="labs_only"
    )
    if window_name == "Custom range":
        first, last = _day_bounds(whole)
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
    # a response is told once its treatment has begun (in a story: by the step)
    started = treatment is not None and bool((case.treatments["drug"] == treatment).any())
    return options, treatment if started else None


def _day_bounds(case: Case) -> tuple[int, int]:
    days = (
        pd.concat([case.treatments["start"], case.events["start"], case.labs["time"]])
        - case.anchor_time
    ) / pd.Timedelta(days=1)
    return int(days.min()), int(days.max()) + 1


def _one_line_header(case: Case, step: story.Step | None) -> None:
    """Presentation mode's header: the title (and the illustrative mark) on one line; in a
    story, the step's caption and prompt on a second."""
    with st.container(key="present_header"):
        mark = " · Illustrative data" if case.info.illustrative else ""
        st.markdown(f"**{plain(case.info.title)}**{plain(mark)}")
        if step is not None:
            prompt = f" — {step.prompt}" if step.prompt else ""
            st.markdown(plain(f"{step.title()}{prompt}"))


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


_EXPORTS = {  # button label: (format, MIME type)
    "Slides (.pptx)": (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "Handout (.pdf, A4)": ("handout", "application/pdf"),
    "Image (.png)": ("png", "image/png"),
    "Vector image (.svg)": ("svg", "image/svg+xml"),
    "PDF (.pdf)": ("pdf", "application/pdf"),
    "Interactive page (.html)": ("html", "text/html"),
    "Figure data (.json)": ("json", "application/json"),
}
_STORY_DECK = (
    "Story deck (.pptx)",
    ("story", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
)


def _can_render() -> bool:
    """Whether a Chrome or Chromium is here to draw images, decks and handouts."""
    found = chromium_path()
    return bool(found) and os.path.isfile(str(found))


def _exports(
    case: Case,
    options: FigureOptions,
    treatment: str | None,
    told: tuple[Case, FigureOptions] | None = None,
) -> None:
    """Download what is on screen (window, lanes, labs, axis, notes) in every format; in
    story mode (``told``: the whole case and the page's options), the story deck too:
    one slide per step."""
    st.subheader("Export what is on screen", anchor=False)
    size = st.selectbox(
        "Size",
        list(SIZES),
        key="export_size",
        help="16:9 and 4:3 slides, A4 landscape, or a journal column at 300 dpi",
    )
    sized = as_on_screen(case, options)

    def build(fmt: str) -> bytes:
        if fmt == "story" and told is not None:  # every step, from the whole case
            whole, chosen = told
            story_deck = as_on_screen(whole, chosen)
            return download(whole, story_deck, fmt, size, dt.datetime.now(dt.UTC), treatment)[1]
        return download(case, sized, fmt, size, dt.datetime.now(dt.UTC), treatment)[1]

    exports = list(_EXPORTS.items()) + ([_STORY_DECK] if told is not None else [])
    if not _can_render():  # said here: a download that fails shows nothing on the page
        st.info(NO_CHROME)
        drawn = RENDERED | {"story"}  # the story deck is drawn too
        exports = [(label, (fmt, mime)) for label, (fmt, mime) in exports if fmt not in drawn]
    columns = st.columns(len(exports))
    for column, (label, (fmt, mime)) in zip(columns, exports, strict=True):
        column.download_button(
            label,
            data=functools.partial(build, fmt),
            file_name=download_name(case, fmt),
            mime=mime,
            key=f"export_{fmt}",
        )


def _story_step(case: Case, base: Case) -> story.Step | None:
    """Story mode's step: the course up to it only; None outside story mode.

    Back and Next (and the arrow keys) step through; the index is kept per case and Day 0.
    The editors (which list every note and step) are not drawn in a story: their edits
    are kept first (``base``: the case in its own Day 0).
    """
    on = st.sidebar.toggle(
        "Story mode",
        key="story",
        help="Tell the course step by step; edit the steps with story mode off",
        on_change=_keep_edits,
        args=(base,),
    )
    if not on:
        return None
    steps = story.steps(case)
    key = f"step:{_view_key()}"
    index = min(st.session_state.get(key, 0), len(steps) - 1)
    step = steps[index]
    back, where, forward = st.columns([1, 6, 1], vertical_alignment="center")
    back.button(
        "◀ Back",
        key="story_back",
        on_click=_move,
        args=(key, index - 1, len(steps)),
        disabled=index == 0,
        shortcut="Left",
    )
    forward.button(
        "Next ▶",
        key="story_next",
        on_click=_move,
        args=(key, index + 1, len(steps)),
        disabled=index == len(steps) - 1,
        shortcut="Right",
    )
    if not st.session_state["present"]:  # presentation mode writes it in its header
        where.subheader(plain(step.title()), anchor=False)
        if step.prompt:
            where.markdown(f"**{plain(step.prompt)}**")
        where.caption(f"Step {index + 1} of {len(steps)}")
    return step


def _move(key: str, index: int, count: int) -> None:
    st.session_state[key] = max(0, min(index, count - 1))


def _with_story(case: Case) -> Case:
    """The case with this session's edits to its story (steps edited on the page)."""
    editor = st.session_state.get(f"story_steps:{_view_key()}")
    if editor is None:
        return case
    table = apply_editor_changes(story.story_table(case), editor)
    return dataclasses.replace(case, story=story.story_from_editor(table))


def _story_editor(case: Case) -> None:
    """The steps of the story, to add, edit, reorder (by their order here) and delete."""
    st.subheader("Story steps", anchor=False)
    st.caption(
        "One row a step, told in the order of their days (change a day to move a step); "
        "the last step shows the whole course. "
        "Withhold: tests kept back from that step on (IL-18; ferritin @ 2000-01-05), "
        "shown again where a later step reveals them. Saved in the downloaded workbook."
    )
    st.data_editor(
        story.story_table(case),
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        key=f"story_steps:{_view_key()}",
        column_config={
            "day": st.column_config.NumberColumn("Day", required=True),
            "caption": st.column_config.TextColumn("Caption", required=True),
            "prompt": st.column_config.TextColumn("Prompt"),
            "withhold": st.column_config.TextColumn("Withhold"),
            "reveal": st.column_config.TextColumn("Reveal"),
        },
    )


def _figure(case: Case, options: FigureOptions, story_step: bool = False):
    """The figure, rebuilt only when the case, Day 0 or an option changed (moving the day
    slider or paging a table keeps it: a 100,000-row case's figure takes ~0.7 s). A story
    step's figure is always built: each step is another case (timeline.story)."""
    # pasted results change the case under the same key: its labs count says so
    key = (st.session_state["case_key"], st.session_state["anchor_shown"], options, len(case.labs))
    memo = st.session_state.get("figure_memo")
    if story_step:
        return build_figure(case, options)
    if memo is not None and memo[0] == key:
        return memo[1]
    figure = build_figure(case, options)
    st.session_state["figure_memo"] = (key, figure)
    return figure


def _chart(case: Case, options: FigureOptions, story_step: bool, screen: str | None) -> None:
    """The chart: laid out for the presentation ``screen`` (nothing to scroll), else as
    the options say (a slide view taller than a slide says why)."""
    config = {"displaylogo": False, "scrollZoom": False}
    if screen is not None:
        figure, left_out = screen_figure(case, options, chart_size(screen, story_step))
        config |= {"displayModeBar": False}
        # said to the presenter (beside the toggle, not in front of the audience)
        named = {**lab_choices(case), STEROID_PANEL: "the glucocorticoid course"}
        names = ", ".join(named.get(t, t) for t in left_out)
        st.session_state["left_out"] = (screen, names) if left_out else None
    else:
        figure = _figure(case, options, story_step)
        if options.theme == "slide" and figure.layout.height > SLIDE.height:
            st.caption(
                "This slide view is taller than a 16:9 slide so that every chosen panel stays "
                "legible: choose fewer lab panels for a slide."
            )
    st.plotly_chart(figure, theme=None, key="figure", config=config)


def _screen() -> str:
    """The screen presentation mode is laid out for (a link may say: ``screen=1366x768``)."""
    if "present_screen" not in st.session_state:
        asked = st.query_params.get("screen", "")
        st.session_state["present_screen"] = asked if asked in SCREENS else next(iter(SCREENS))
    screen = st.sidebar.selectbox(
        "Presentation screen",
        list(SCREENS),
        key="present_screen",
        format_func=lambda s: s.replace("x", " × "),
        help="Presentation mode lays the chart out for this screen: nothing to scroll",
    )
    left_out = st.session_state.get("left_out")
    if left_out and left_out[0] == screen:
        st.sidebar.caption(
            f"Presentation on this screen left out {plain(left_out[1])} to keep every panel "
            "legible: choose fewer lab panels to show them."
        )
    return screen


def _leave_presentation() -> None:
    st.query_params.clear()
    st.session_state["present"] = False


def _return_freed_memory() -> None:
    """Once a session, hand the memory of sessions that have ended back to the system:
    a 100,000-row case takes about 80 MB, which Python frees when its session goes but
    the C allocator keeps unless asked (glibc's malloc_trim; a no-op elsewhere)."""
    if st.session_state.get("memory_returned"):
        return
    st.session_state["memory_returned"] = True
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def main() -> None:
    _return_freed_memory()
    if "present" not in st.session_state:  # a link with ?present=1 opens straight into it
        st.session_state["present"] = st.query_params.get("present") == "1"
    base = _with_edits(_choose_case())
    case = _day_zero(base)
    present = st.session_state["present"]
    if present:
        st.markdown(_PRESENTATION_CSS, unsafe_allow_html=True)
        st.button(
            "Leave presentation mode (Esc)",
            key="leave_present",
            on_click=_leave_presentation,
            shortcut="Esc",
        )
    _upload_problems()
    full = _with_story(case)
    step = _story_step(full, base)
    # in a story, every view below is built from the case as known at the step
    shown = full if step is None else story.as_of(full, step)
    options, treatment = _options(shown, full, present)
    st.sidebar.toggle("Presentation mode", key="present", on_change=_keep_edits, args=(base,))
    screen = _screen()
    if present:
        _one_line_header(shown, step)
    else:
        _header(shown, treatment)
    # drawn before the editor below, with its pending edits applied, so the chart
    # reaches the browser early and a new note shows in this very run
    notes_key = f"notes:{_view_key()}"
    notes = apply_editor_changes(case.annotations, st.session_state.get(notes_key))
    drawn = dataclasses.replace(options, annotations=notes_from_editor(notes))
    if step is not None:
        drawn = story.story_options(full, drawn, step)
    _chart(shown, drawn, step is not None, screen if present else None)
    if present:
        return
    _day_panel(shown)
    if step is None:
        edited = _notes_editor(case)
        _story_editor(case)
    else:
        edited = case.annotations
    _downloads(full, edited)
    with_notes = dataclasses.replace(options, annotations=notes_from_editor(edited))
    if step is None:
        _exports(shown, with_notes, treatment)
    else:
        on_screen = story.story_options(full, with_notes, step)
        _exports(shown, on_screen, treatment, told=(full, with_notes))
    _tabs(shown, options.hide_dates)


main()
