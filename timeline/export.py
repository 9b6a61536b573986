"""Write figures to files: Plotly JSON, images, one offline HTML, a deck, a handout.

The deck and the image files hold the same figures ("sheets"): the timeline (lanes
and the key labs), the glucocorticoid course, and the lab panels grouped clinically
(``catalogue/lab_groups.csv``), as many to a picture as stay legible at the size; a
picture that would be taller than its slide is split, never shrunk. Each sheet carries
the case's source and, when the case is illustrative, an "Illustrative data" mark.

Images come from one Chrome driven by kaleido (see ``_renderer``), started once
(``mathjax=False``, so nothing is fetched from a CDN) and used under one lock: it
is not thread-safe and the page runs sessions in threads. Exports are de-identified by
default (Day N, no calendar dates); identifying fields never reach any file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import io
import math
import re
import struct
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources
from itertools import pairwise
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from . import _renderer
from . import catalogue as cat
from .errors import ChromeMissing, ExportError
from .figures import FigureOptions, build_figure
from .figures.axis import time_axis
from .figures.compose import PARTS
from .figures.lanes import lanes
from .figures.options import SLIDE_LABS, SLIDE_PARTS, ThemeName
from .figures.theme import INK, MUTED, THEMES, Theme
from .model import Case, CaseInfo
from .sizes import SIZES, Size, deck_size, request_problem

NO_CHROME = (
    "Image export needs Chrome or Chromium and none was found. On Debian or Ubuntu: "
    "sudo apt-get install chromium (make run and make test do this). Elsewhere, with "
    "internet access: .venv/bin/plotly_get_chrome. Or set BROWSER_PATH to a Chrome binary."
)
MARK = "Illustrative data"


def as_on_screen(case: Case, options: FigureOptions) -> FigureOptions:
    """The page's options for an export of what it shows, as a slide: its panels named,
    since a slide left to choose would draw its own fewer ones."""
    from .figures.labs import chosen_labs

    shown = options.labs if options.labs is not None else tuple(chosen_labs(case, options))
    return dataclasses.replace(options, theme="slide", labs=shown)


def export_options(options: FigureOptions, size: str) -> FigureOptions:
    """The page's or the command line's options, laid out at an export size."""
    chosen = SIZES[size]
    theme: ThemeName = chosen.theme or (
        "slide" if options.theme in ("slide", "projector") else options.theme
    )
    return dataclasses.replace(options, theme=theme, size=(chosen.width, chosen.height))


# --- file names ----------------------------------------------------------------------

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_LONGEST_STEM = 80


def safe_stem(text: str) -> str:
    """A file name stem from user text (a case id): letters, digits, '.', '_' and '-'
    only, no leading dot, at most 80 characters; 'case' when nothing is left."""
    stem = _UNSAFE.sub("-", text).strip("._-")[:_LONGEST_STEM].strip("._-")
    return stem or "case"


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write one file into ``folder`` (made if missing); a name that would land anywhere
    else is refused."""
    base = folder.resolve()
    path = (base / name).resolve()
    if path.parent != base:
        msg = f"refused to write {name!r}: outside {folder}"
        raise ExportError(msg)
    base.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def write_files(files: Mapping[str, bytes], folder: Path) -> list[Path]:
    """Write every file into ``folder``."""
    return [write_file(folder, name, data) for name, data in files.items()]


# --- images ------------------------------------------------------------------------


def image_bytes(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """Render one figure (png, svg, pdf) with the shared Chrome, under its lock."""
    try:
        return _renderer.render(figure, fmt, width, height, scale)
    except ChromeMissing as exc:
        raise ExportError(NO_CHROME) from exc


def _render(figure: go.Figure, fmt: str, size: Size) -> bytes:
    # vector formats keep points; raster formats are rendered at the size's scale
    scale = size.scale if fmt == "png" else 1
    return image_bytes(figure, fmt, figure.layout.width, figure.layout.height, scale)


def html_bytes(figure: go.Figure, title: str) -> bytes:
    """One self-contained page: plotly.js embedded, nothing loaded from elsewhere.

    It embeds the basic bundle the images use (1.2 MB, where plotly.py's own is 4.8 MB).
    """
    _renderer.check_basic(figure, "HTML export")
    # the page fills the browser window and follows it when it is resized: no fixed size
    filling = go.Figure(figure).update_layout(width=None, height=None, autosize=True)
    text = pio.to_html(
        filling,
        include_plotlyjs=False,
        full_html=True,
        include_mathjax=False,
        config={"displaylogo": False, "responsive": True},
        default_width="100%",
        default_height="100vh",
    )
    plotly_js = _renderer.PLOTLY_BASIC.read_text(encoding="utf-8")
    head = (
        f"<head><title>{escape(title)}</title><style>{_FILL_WINDOW}</style>"
        f"<script>{plotly_js}</script>"
    )
    return text.replace("<head>", head, 1).encode()


_FILL_WINDOW = "html, body {margin: 0; height: 100%; overflow: hidden;}"


# --- provenance: the source and the illustrative mark on every figure --------------------


def _provenance_font(theme: Theme) -> int:
    """The mark's and the source line's text size: small, as a footnote is."""
    return max(theme.small - 2, 5)


def provenance_pt(theme: Theme) -> int:
    """The band a figure's top gives to its source line and mark."""
    return round(_provenance_font(theme) * 1.9)


def source_line(info: CaseInfo, room_pt: float, font_pt: float) -> str:
    """'Source: …' cut at a word to fit ``room_pt`` at ``font_pt`` (the whole source is
    in the speaker notes and the handout); '' when the case names none."""
    if not info.source:
        return ""
    text = f"Source: {' '.join(info.source.split())}"
    most = int(room_pt / (font_pt * 0.55))  # a generous average character width
    if len(text) <= most:
        return text
    cut = text[: most - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


def with_provenance(figure: go.Figure, info: CaseInfo, theme: Theme) -> go.Figure:
    """The figure, taller by a top band holding its source line and, for an
    illustrative case, the mark (the plot itself keeps its size and place)."""
    band, font = provenance_pt(theme), _provenance_font(theme)
    layout = figure.layout
    top = layout.margin.t + band
    width = layout.width or 960
    mark_pt = font * 0.62 * len(MARK) + 16 if info.illustrative else 0
    figure.update_layout(
        height=layout.height + band if layout.height else None,
        margin_t=top,
        # the title, the one text plotly places from the figure's own edge
        title={
            "text": escape(source_line(info, width - mark_pt - 24, font), quote=False),
            "x": 0,
            "xref": "container",
            "xanchor": "left",
            "y": 1,
            "yref": "container",
            "yanchor": "top",
            "pad": {"l": 8, "t": 4},
            "font": {"size": font, "color": MUTED},
        },
    )
    if info.illustrative:  # at the top right: from the plot's corner by the known margins
        mark = {
            "text": MARK,
            "xref": "paper",
            "yref": "paper",
            "x": 1,
            "y": 1,
            "xanchor": "right",
            "yanchor": "top",
            "xshift": layout.margin.r - 6,
            "yshift": top - 3,
            "showarrow": False,
            "font": {"size": font, "color": INK, "weight": "bold"},
            "bordercolor": INK,
            "borderwidth": 1,
            "borderpad": 2,
            "bgcolor": "white",
        }
        figure.layout.annotations = (*layout.annotations, mark)
    return figure


# --- sheets: the figures the deck and the files hold ---------------------------------


@dataclass(frozen=True)
class Sheet:
    """One figure of the deck, and the file stem it is written under."""

    name: str  # 'timeline', 'glucocorticoids', 'labs-mas-criteria', 'labs-liver-2', 'story-03'
    title: str  # the slide's title
    figure: go.Figure
    tests: tuple[str, ...] = ()  # the lab panels it draws
    prompt: str | None = None  # a story step's prompt ('' none): its slide has a prompt band


@cache
def lab_groups() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(group, title, tests) in deck order, from ``catalogue/lab_groups.csv``; the last
    group, with no tests named, takes every other test."""
    import pandas as pd

    with resources.files(cat).joinpath("lab_groups.csv").open(encoding="utf-8") as f:
        table = pd.read_csv(f, dtype=str, keep_default_na=False)
    return tuple(
        (group, title, tuple(filter(None, tests.split(";"))))
        for group, title, tests in zip(table["group"], table["title"], table["tests"], strict=True)
    )


def tests_in_window(case: Case, options: FigureOptions) -> list[str]:
    """Every test with a result inside the window (chosen ones only, when chosen)."""
    axis = time_axis(case, options)
    inside = case.labs["time"].between(axis.start, axis.end)
    present = list(dict.fromkeys(case.labs.loc[inside, "test"]))
    if options.labs is None:
        return present
    return [t for t in dict.fromkeys(options.labs) if t in present]


def grouped_tests(tests: Sequence[str]) -> list[tuple[str, str, list[str]]]:
    """The tests by clinical group, each in catalogue panel order; empty groups left out."""
    order = cat.labs()["panel_order"]
    groups = lab_groups()
    named = {t for _, _, members in groups for t in members}
    result = []
    for group, title, members in groups:
        found = [t for t in tests if (t in members if members else t not in named)]
        if found:
            result.append((group, title, sorted(found, key=lambda t: (order.get(t, 999), t))))
    return result


def sheet_options(options: FigureOptions, size: str) -> FigureOptions:
    """Options laid out at the room a sheet's plot has: the slide less its title band
    and the provenance band."""
    laid_out = export_options(options, size)
    width, height = SIZES[size].figure_pt
    band = provenance_pt(THEMES[laid_out.theme])
    return dataclasses.replace(laid_out, size=(width, height - band))


def _fits(figure: go.Figure, options: FigureOptions, size: Size) -> bool:
    """Whether a figure stays within its sheet (a journal column's height is free)."""
    assert options.size is not None, "sheet options have a size"
    return not size.fixed_height or figure.layout.height <= options.size[1]


def _balanced(items: list, count: int) -> list[list]:
    """``items`` in ``count`` runs in order, their lengths differing by one at most."""
    bounds = [round(k * len(items) / count) for k in range(count + 1)]
    return [items[a:b] for a, b in pairwise(bounds)]


def _split(
    build: Callable[[list], go.Figure], items: list, options: FigureOptions, size: Size, most: int
) -> list[tuple[list, go.Figure]]:
    """(items, figure) runs of ``most`` items at the outside whose figures fit, as few
    and as even as that allows (7 panels, 3 to a slide: 3, 2, 2)."""
    for per in range(min(most, len(items)), 0, -1):
        runs = _balanced(items, -(-len(items) // per))
        figures = [build(run) for run in runs]
        if per == 1 or all(_fits(f, options, size) for f in figures):
            return list(zip(runs, figures, strict=True))
    return []


def _packed(
    build: Callable[[list], go.Figure], items: list, options: FigureOptions, size: Size
) -> list[tuple[list, go.Figure]]:
    """(items, figure) runs in order, each run as long as its figure fits (lanes differ
    in height: a run of even counts would be as short as its tallest lanes allow)."""
    runs: list[tuple[list, go.Figure]] = []
    for item in items:
        if runs:
            longer = [*runs[-1][0], item]
            figure = build(longer)
            if _fits(figure, options, size):
                runs[-1] = (longer, figure)
                continue
        runs.append(([item], build([item])))
    return runs


def _numbered(stem: str, title: str, count: int, k: int) -> tuple[str, str]:
    """'labs-liver-2', 'Labs: liver (2 of 3)' for one of several; as given for one."""
    if count == 1:
        return stem, title
    return f"{stem}-{k}", f"{title} ({k} of {count})"


def _timeline_sheets(
    case: Case, options: FigureOptions, covered: list[str], size: Size
) -> list[Sheet]:
    """The lanes with the key labs (the chosen ones, or the slide's), as many as fit;
    lanes alone taller than the slide are split across sheets."""
    chosen = options.labs is not None
    parts: tuple[str, ...] = PARTS if chosen else SLIDE_PARTS["timeline"]
    wanted = options.labs if chosen else SLIDE_LABS["timeline"]
    key = [t for t in wanted or () if t in covered]
    while True:
        shown = dataclasses.replace(options, labs=tuple(key))
        figure = build_figure(case, shown, parts, "timeline")
        if _fits(figure, options, size):
            return [Sheet("timeline", "Timeline", figure, tuple(key))]
        if key:  # the dropped labs keep their own lab sheets
            key.pop()
        elif "steroids" in parts:  # and the glucocorticoid course its own sheet
            parts = tuple(p for p in parts if p != "steroids")
        else:
            break
    drugs = lanes(case, options)["drug"].tolist()
    if not drugs:  # the clinical course alone (a record of events and results): one sheet,
        # taller than the slide if its events need it, placed at its own proportions
        course = build_figure(case, dataclasses.replace(options, labs=()), ("lanes",), "timeline")
        return [Sheet("timeline", "Timeline", course)]

    def build(run: list) -> go.Figure:
        # the course lane and the lanes' notes on the first sheet only: repeated, they
        # took a further sheet's room from its drugs
        shown = dataclasses.replace(options, labs=(), drugs=tuple(run))
        if run[0] != drugs[0]:
            shown = dataclasses.replace(shown, course=False, annotations=())
        return build_figure(case, shown, ("lanes",), "timeline")

    runs = _packed(build, drugs, options, size)
    return [
        Sheet(*_numbered("timeline", "Timeline", len(runs), k), figure)
        for k, (_, figure) in enumerate(runs, start=1)
    ]


def _glucocorticoid_sheets(case: Case, options: FigureOptions) -> list[Sheet]:
    """The glucocorticoid course, when one is given in the window."""
    figure = build_figure(case, options, ("steroids",), "glucocorticoids")
    return [Sheet("glucocorticoids", "Glucocorticoid course", figure)] if figure.data else []


def _lab_sheets(case: Case, options: FigureOptions, covered: list[str], size: Size) -> list[Sheet]:
    """Each clinical group's panels, ``size.panels`` to a sheet at the outside.

    Their event lines mark the clinical events and the starts and stops of the
    disease-directed drugs only: a supportive drug's start (omeprazole, co-trimoxazole)
    says nothing about a lab's course, and each took a line of the key from the panels.
    """
    chosen = lanes(case, options)["drug"].tolist()
    directed = tuple(d for d in chosen if cat.is_disease_directed(d))
    marked = dataclasses.replace(options, drugs=directed)

    def build(run: list) -> go.Figure:
        return build_figure(case, dataclasses.replace(marked, labs=tuple(run)), ("labs",), "labs")

    sheets = []
    for group, title, tests in grouped_tests(covered):
        runs = _split(build, tests, options, size, size.panels)
        for k, (run, figure) in enumerate(runs, start=1):
            name, shown = _numbered(f"labs-{group}", f"Labs: {title}", len(runs), k)
            sheets.append(Sheet(name, shown, figure, tuple(run)))
    return sheets


def sheets(case: Case, options: FigureOptions, size: str) -> list[Sheet]:
    """The deck's figures at ``size``: the timeline, the glucocorticoid course, then every
    test with data in the window (or every chosen one) on a lab sheet, each with the
    case's source and mark."""
    laid_out = sheet_options(options, size)
    covered = tests_in_window(case, options)
    made = _timeline_sheets(case, laid_out, covered, SIZES[size])
    made += _glucocorticoid_sheets(case, laid_out)
    made += _lab_sheets(case, laid_out, covered, SIZES[size])
    theme = THEMES[laid_out.theme]
    for sheet in made:
        with_provenance(sheet.figure, case.info, theme)
    return made


# --- story mode: one sheet per step -------------------------------------------------

#: A story slide's title band holds the step's caption and, under it, its prompt: two
#: lines in the band a title has on every slide (so every picture keeps one size).
_STORY_TITLE_PT, _PROMPT_FONT_PT = 20, 14


def story_sheets(case: Case, options: FigureOptions, size: str) -> list[Sheet]:
    """The timeline as known at each step of the case's story (timeline.story), in order,
    one picture a step: every lane given by then and the key labs (the chosen ones, or
    the slide's), all pictures laid out at one size with the same margins, so that each
    is placed at one scale and flipping through them animates the course. When the whole
    course needs a little more room than a slide has, every picture is that much taller
    and the slides show it smaller, all alike (never squashed); when it needs much more,
    a step's lanes go over several pictures ('story-04-2'), each at the slide's size."""
    from . import story

    laid_out = sheet_options(options, size)
    width, height = laid_out.size or (0, 0)
    room = height
    steps = story.steps(case)
    cuts = [story.as_of(case, step) for step in steps]
    shown = [story.story_options(case, laid_out, step) for step in steps]
    wanted = options.labs if options.labs is not None else SLIDE_LABS["timeline"]

    def build(k: int, tall: float) -> go.Figure:
        key = tuple(t for t in wanted or () if t in tests_in_window(cuts[k], shown[k]))
        sized = dataclasses.replace(shown[k], size=(width, round(tall)), labs=key)
        return build_figure(cuts[k], sized, SLIDE_PARTS["timeline"], "timeline")

    tallest = max(build(k, room).layout.height for k in range(len(steps)))
    made = []
    if tallest * _STORY_LEAST_SCALE <= room:
        for number, step in enumerate(steps, start=1):
            figure = build(number - 1, max(room, tallest))
            made.append(Sheet(f"story-{number:02d}", step.title(), figure, (), step.prompt))
    else:  # too small to read at one scale: a step's lanes over several pictures
        for number, step in enumerate(steps, start=1):
            sized = dataclasses.replace(shown[number - 1], size=(width, room))
            covered = tests_in_window(cuts[number - 1], sized)
            parts = _timeline_sheets(cuts[number - 1], sized, covered, SIZES[size])
            for k, part in enumerate(parts, start=1):
                name, title = _numbered(f"story-{number:02d}", step.title(), len(parts), k)
                made.append(Sheet(name, title, part.figure, part.tests, step.prompt))
    _same_margins([sheet.figure for sheet in made])
    theme = THEMES[laid_out.theme]
    for sheet in made:
        with_provenance(sheet.figure, case.info, theme)
    return made


#: The least a story picture is shown at, against its laid-out size: 16 pt text stays
#: 11 pt on the slide. A story needing more room is told over more pictures a step.
_STORY_LEAST_SCALE = 0.7


def _same_margins(figures: Sequence[go.Figure]) -> None:
    """Give every figure the widest left and right margins of them all: the plots then
    start and end at the same place, whatever lanes each step has yet."""
    left = max((f.layout.margin.l or 0 for f in figures), default=0)
    right = max((f.layout.margin.r or 0 for f in figures), default=0)
    for figure in figures:
        figure.update_layout(margin_l=left, margin_r=right)


# --- the deck ----------------------------------------------------------------------

EMU_PER_PT = 12_700
_MARGIN_PT = 36  # left and right of titles and tables (0.5 in)
_TITLE_FONT_PT = 24
_TABLE_FONT_PT = 14  # the summary table: the slide theme's text size
_COLUMN_PT = 238  # the table's first column (3.3 in)


def deck_bytes(
    case: Case,
    slides: Sequence[Sheet],
    pictures: Mapping[str, bytes],
    rows: list[tuple[str, str]],
    exported_at: dt.datetime,
    size: str = "16:9",
) -> bytes:
    """A deck at a slide size: a title slide, a slide per sheet (its title above its
    picture), and the summary table over as many slides as it needs."""
    from pptx import Presentation
    from pptx.util import Emu

    slide_size = SIZES[size]
    deck = Presentation()
    deck.slide_width = Emu(slide_size.width * EMU_PER_PT)
    deck.slide_height = Emu(slide_size.height * EMU_PER_PT)
    notes = _speaker_notes(case, exported_at)
    _title_slide(deck, case, slide_size).notes_slide.notes_text_frame.text = notes
    for sheet in slides:
        slide = _picture_slide(deck, sheet.title, pictures[sheet.name], slide_size, sheet.prompt)
        said = f"{sheet.title}. {sheet.prompt}. " if sheet.prompt else f"{sheet.title}. "
        slide.notes_slide.notes_text_frame.text = said + notes
    for k, part in enumerate(_table_pages(rows, slide_size)):
        title = "Summary" if k == 0 else "Summary (continued)"
        slide = _summary_slide(deck, title, part, case.info, slide_size)
        slide.notes_slide.notes_text_frame.text = notes
    buffer = io.BytesIO()
    deck.save(buffer)
    return buffer.getvalue()


def _speaker_notes(case: Case, exported_at: dt.datetime) -> str:
    """Every slide's notes: the data source, whether it is illustrative, when exported."""
    info = case.info
    illustrative = (
        "Illustrative data: values not stated in the source are invented for teaching. "
        if info.illustrative
        else ""
    )
    return (
        f"Data: {info.source or 'source not given'}. {illustrative}"
        f"Exported {exported_at:%Y-%m-%d %H:%M} UTC from case '{info.id}'."
    )


def _pt(value: float):
    from pptx.util import Emu

    return Emu(round(value * EMU_PER_PT))


def _text(shape, text: str, size_pt: float, *, bold: bool = False, colour: str = "222222"):
    """Set a shape's text, one font size throughout."""
    from pptx.dml.color import RGBColor
    from pptx.util import Pt

    frame = shape.text_frame
    frame.text = text
    frame.word_wrap = True
    for paragraph in frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = Pt(size_pt)
            run.font.bold = bold
            run.font.color.rgb = RGBColor.from_string(colour)


def _place_title(slide, text: str, size: Size) -> None:
    """The slide's title in its band at the top, the width of the slide."""
    from pptx.enum.text import MSO_ANCHOR

    title = slide.shapes.title
    title.left, title.top = _pt(_MARGIN_PT), _pt(0)
    title.width, title.height = _pt(size.width - 2 * _MARGIN_PT), _pt(size.title_pt)
    _text(title, text, _TITLE_FONT_PT, bold=True)
    title.text_frame.vertical_anchor = MSO_ANCHOR.MIDDLE


def _provenance_strip(slide, info: CaseInfo, size: Size) -> None:
    """The source line and the mark under the title, where a picture carries its own."""
    from pptx.dml.color import RGBColor
    from pptx.enum.text import PP_ALIGN

    font = _provenance_font(THEMES["slide"])
    band = provenance_pt(THEMES["slide"])
    mark_pt = font * 0.62 * len(MARK) + 16 if info.illustrative else 0
    room = size.width - 2 * _MARGIN_PT - mark_pt
    source = source_line(info, room, font)
    if source:
        box = slide.shapes.add_textbox(_pt(_MARGIN_PT), _pt(size.title_pt), _pt(room), _pt(band))
        _text(box, source, font, colour="666666")
    if info.illustrative:
        left = size.width - _MARGIN_PT - mark_pt
        box = slide.shapes.add_textbox(_pt(left), _pt(size.title_pt), _pt(mark_pt), _pt(band))
        _text(box, MARK, font, bold=True)
        box.text_frame.paragraphs[0].alignment = PP_ALIGN.RIGHT
        box.line.color.rgb = RGBColor.from_string(INK.removeprefix("#"))


def _title_slide(deck, case: Case, size: Size):
    slide = deck.slides.add_slide(deck.slide_layouts[0])
    info = case.info
    _place_title(slide, info.title, size)
    title = slide.shapes.title
    title.top, title.height = _pt(size.height * 0.25), _pt(size.height * 0.25)
    _text(title, info.title, 36, bold=True)
    subtitle = slide.placeholders[1]
    subtitle.left, subtitle.width = title.left, title.width
    subtitle.top, subtitle.height = _pt(size.height * 0.52), _pt(size.height * 0.3)
    lines = [info.diagnosis, f"Day 0 = {info.anchor}"]
    if info.illustrative:
        lines.append(MARK)
    _text(subtitle, "\n".join(lines), 20, colour="444444")
    _provenance_strip(slide, info, size)
    return slide


def _picture_slide(deck, title: str, png: bytes, size: Size, prompt: str | None = None):
    """The title in its band (a story step's caption, its prompt on a line under it), the
    picture under it at its own proportions (a picture of the sheet's size fills the rest
    of the slide exactly; any other is fitted and centred, never squashed)."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # title only
    _place_title(slide, title, size)
    if prompt is not None:  # a story step: a smaller title, on one line, the prompt under it
        one_line = (size.width - 2 * _MARGIN_PT) / (0.62 * max(len(title), 1))  # bold: wide
        _text(slide.shapes.title, title, max(min(_STORY_TITLE_PT, one_line), 12), bold=True)
        if prompt:
            from pptx.dml.color import RGBColor
            from pptx.util import Pt

            line = slide.shapes.title.text_frame.add_paragraph()
            run = line.add_run()
            run.text = prompt
            run.font.size, run.font.bold = Pt(_PROMPT_FONT_PT), True
            run.font.color.rgb = RGBColor.from_string("444444")
    top_pt = size.title_pt
    # always an explicit size (a PNG carries no DPI and would land 40 inches wide)
    width, height = struct.unpack(">II", png[16:24])
    room_w, room_h = size.width, size.height - top_pt
    scale = min(room_w / width, room_h / height)
    shown_w, shown_h = width * scale, height * scale
    left, top = (room_w - shown_w) / 2, top_pt + (room_h - shown_h) / 2
    slide.shapes.add_picture(
        io.BytesIO(png), _pt(left), _pt(top), width=_pt(shown_w), height=_pt(shown_h)
    )
    return slide


def _lines(text: str, width_pt: float, font_pt: float) -> int:
    """Lines a text takes in a cell ``width_pt`` wide (a generous character width)."""
    per_line = max(int((width_pt - 14.4) / (font_pt * 0.55)), 1)  # less the cell's margins
    return sum(max(math.ceil(len(part) / per_line), 1) for part in text.split("\n"))


def _row_pt(row: tuple[str, str], size: Size) -> float:
    """A summary row's height: its taller cell's lines, and the cell margins."""
    widths = (_COLUMN_PT, size.width - 2 * _MARGIN_PT - _COLUMN_PT)
    lines = max(_lines(text, w, _TABLE_FONT_PT) for text, w in zip(row, widths, strict=True))
    return lines * _TABLE_FONT_PT * 1.2 + 7.2


def _table_top(size: Size) -> float:
    return size.title_pt + provenance_pt(THEMES["slide"]) + 6


def _table_pages(rows: list[tuple[str, str]], size: Size) -> list[list[tuple[str, str]]]:
    """The rows cut into slides, each filling no more than the room under the title."""
    room = size.height - _table_top(size) - _MARGIN_PT / 2
    pages: list[list[tuple[str, str]]] = [[]]
    used = 0.0
    for row in rows:
        height = _row_pt(row, size)
        if pages[-1] and used + height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(row)
        used += height
    return pages


def _summary_slide(deck, title: str, rows: list[tuple[str, str]], info: CaseInfo, size: Size):
    """A real table (what, value), 14 pt, the first column bold; each row as tall as its
    text, so the table ends where it is drawn to."""
    slide = deck.slides.add_slide(deck.slide_layouts[5])
    _place_title(slide, title, size)
    _provenance_strip(slide, info, size)
    heights = [_row_pt(row, size) for row in rows]
    width = size.width - 2 * _MARGIN_PT
    frame = slide.shapes.add_table(
        len(rows), 2, _pt(_MARGIN_PT), _pt(_table_top(size)), _pt(width), _pt(sum(heights))
    )
    table = frame.table
    table.columns[0].width = _pt(_COLUMN_PT)
    table.columns[1].width = _pt(width - _COLUMN_PT)
    for r, (row, height) in enumerate(zip(rows, heights, strict=True)):
        table.rows[r].height = _pt(height)
        for c, text in enumerate(row):
            _text(table.cell(r, c), text, _TABLE_FONT_PT, bold=c == 0)
    return slide


# --- everything at once ------------------------------------------------------------

Job = tuple[str, Callable[[], bytes]]  # a file's name, and what makes its content


class _Export:
    """One export's sheets and renders, each made once and shared by the files."""

    def __init__(
        self,
        case: Case,
        options: FigureOptions,
        size: str,
        exported_at: dt.datetime,
        story: bool = False,
    ):
        self.case, self.options, self.size, self.exported_at = case, options, size, exported_at
        self.story = story  # the story's steps, one sheet each, instead of the deck's sheets
        self._sheets: dict[str, list[Sheet]] = {}
        self._images: dict[tuple[str, str, str], bytes] = {}

    def sheets(self, size: str) -> list[Sheet]:
        if size not in self._sheets:
            made = story_sheets if self.story else sheets
            self._sheets[size] = made(self.case, self.options, size)
        return self._sheets[size]

    def image(self, size: str, sheet: Sheet, fmt: str) -> bytes:
        key = (size, sheet.name, fmt)
        if key not in self._images:
            self._images[key] = _render(sheet.figure, fmt, SIZES[size])
        return self._images[key]

    def deck(self, rows: list[tuple[str, str]]) -> bytes:
        size = deck_size(self.size)
        slides = self.sheets(size)
        pictures = {sheet.name: self.image(size, sheet, "png") for sheet in slides}
        return deck_bytes(self.case, slides, pictures, rows, self.exported_at, size)

    def handout(self, rows: list[tuple[str, str]]) -> bytes:
        from .handout import handout_pdf

        figure = handout_figure(self.case, self.options)
        svg = image_bytes(figure, "svg", figure.layout.width, figure.layout.height, 1)
        return handout_pdf(self.case.info, svg, rows, NO_CHROME)


def handout_figure(case: Case, options: FigureOptions) -> go.Figure:
    """The handout's timeline: every lane on one figure (a page is not a slide: it may be
    as tall as its lanes need) with the key labs, the page carrying title and source."""
    # laid out at the page's width in points with the print theme: its text is printed at
    # the size it was laid out (7 pt, as in a journal), the table beside it at 8 pt
    laid_out = dataclasses.replace(options, theme="journal")
    width = _HANDOUT_WIDTH_PT
    wanted = options.labs if options.labs is not None else SLIDE_LABS["timeline"]
    key = tuple(t for t in wanted if t in set(case.labs["test"]))
    # a height the lanes and key labs grow from as they need; the
    # labs give way when the figure would leave the summary table no room on the page
    for labs in (key, ()):
        shown = dataclasses.replace(laid_out, size=(width, 300), labs=labs)
        figure = build_figure(case, shown, SLIDE_PARTS["timeline"], "timeline")
        if figure.layout.height * _HANDOUT_ASPECT <= width:
            break
    return figure


#: The handout's figure is at least this much wider than tall: at the A4 page's width
#: that leaves the summary table (20-odd rows) its room.
_HANDOUT_ASPECT = 1.6
_HANDOUT_WIDTH_PT = 527  # A4 portrait inside 12 mm margins: 186 mm (handout.py's @page)


def _json_bytes(figure: go.Figure) -> bytes:
    return figure.to_json().encode()


def export_jobs(
    case: Case,
    options: FigureOptions,
    formats: list[str],
    size: str,
    exported_at: dt.datetime,
    treatment: str | None = None,
    story: bool = False,
) -> list[Job]:
    """Each file the request makes, in order, with what makes it: a caller writes each
    as soon as it is made, so one that fails costs only itself.

    ``story``: the story's steps instead of the deck's sheets: a figure per step
    (story-01.json, story-02.png, ...) and a deck of one slide per step, the summary last.
    """
    from .wording import summary_table

    wrong = request_problem(formats, size) or (story_problem(formats) if story else None)
    if wrong:
        raise ValueError(wrong)
    if "pptx" in formats:  # imported before the first render, while Chrome is still starting
        import pptx  # noqa: F401
    export = _Export(case, options, size, exported_at, story)
    jobs: list[Job] = []
    for sheet in export.sheets(size):
        if "json" in formats:
            jobs.append((f"{sheet.name}.json", functools.partial(_json_bytes, sheet.figure)))
        jobs += [
            (f"{sheet.name}.{fmt}", functools.partial(export.image, size, sheet, fmt))
            for fmt in ("png", "svg", "pdf")
            if fmt in formats
        ]
    timeline = export.sheets(size)[0]
    if "html" in formats:
        jobs.append(("timeline.html", lambda: html_bytes(timeline.figure, case.info.title)))
    if {"pptx", "handout"} & set(formats):
        rows = summary_table(case, treatment)
    if "pptx" in formats:
        deck_name = download_name(case, "story" if story else "pptx")
        jobs.append((deck_name, lambda: export.deck(rows)))
    if "handout" in formats:
        jobs.append((download_name(case, "handout"), lambda: export.handout(rows)))
    return jobs


def download_name(case: Case, fmt: str) -> str:
    """The file name of the page's download of a format (see ``download``)."""
    stem = safe_stem(case.info.id)
    named = {
        "pptx": f"{stem}.pptx",
        "handout": f"{stem}-handout.pdf",
        "story": f"{stem}-story.pptx",
    }
    return named.get(fmt, f"timeline.{fmt}")


def story_problem(formats: Sequence[str]) -> str | None:
    """What a story export cannot make: it is a deck and a figure per step."""
    other = sorted(set(formats) - {"pptx", "json", "png", "svg", "pdf"})
    if other:
        return (
            f"a story is exported as a deck (pptx) and a figure per step (json, png, svg, pdf), "
            f"not {', '.join(other)}"
        )
    return None


def export_files(
    case: Case,
    options: FigureOptions,
    formats: list[str],
    size: str,
    exported_at: dt.datetime,
    treatment: str | None = None,
    story: bool = False,
) -> dict[str, bytes]:
    """File name to content for each requested format (images: one per sheet; ``story``:
    one per step of the story, and the story deck)."""
    jobs = export_jobs(case, options, formats, size, exported_at, treatment, story)
    return {name: make() for name, make in jobs}


def iter_files(jobs: Sequence[Job]) -> Iterator[tuple[str, bytes]]:
    """Each file as soon as it is made."""
    for name, make in jobs:
        yield name, make()


def download(
    case: Case,
    options: FigureOptions,
    fmt: str,
    size: str,
    exported_at: dt.datetime,
    treatment: str | None = None,
) -> tuple[str, bytes]:
    """The page's one download of a format: (file name, content). The deck, the story
    deck ('story') and the handout as the command line makes them; an image, its JSON or the HTML of the whole
    figure on screen (taller than the size when the page shows more than fits)."""
    if fmt in ("pptx", "handout", "story"):  # 'story': the story deck
        story = fmt == "story"
        asked = ["pptx"] if story else [fmt]
        ((name, make),) = export_jobs(case, options, asked, size, exported_at, treatment, story)
        return name, make()
    laid_out = sheet_options(options, size)
    figure = build_figure(case, laid_out, PARTS, "timeline")
    with_provenance(figure, case.info, THEMES[laid_out.theme])
    name = download_name(case, fmt)
    if fmt == "json":
        return name, figure.to_json().encode()
    if fmt == "html":
        return name, html_bytes(figure, case.info.title)
    return name, _render(figure, fmt, SIZES[size])
