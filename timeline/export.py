"""Write figures to files: Plotly JSON, images, one offline HTML, a PowerPoint deck.

Images come from one Chrome driven by kaleido (see ``_renderer``), started once
(``mathjax=False``, so nothing is fetched from a CDN) and used under one lock: it
is not thread-safe and the page runs sessions in threads. Exports are de-identified by
default (Day N, no calendar dates); identifying fields never reach any file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import struct
from collections.abc import Mapping
from html import escape
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

from . import _renderer
from .errors import ChromeMissing, ExportError
from .figures import FigureOptions, build_figures
from .figures.options import ThemeName
from .model import Case
from .sizes import SIZES, Size, request_problem

NO_CHROME = (
    "Image export needs Chrome or Chromium and none was found. On Debian or Ubuntu: "
    "sudo apt-get install chromium (make run and make test do this). Elsewhere, with "
    "internet access: .venv/bin/plotly_get_chrome. Or set BROWSER_PATH to a Chrome binary."
)


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


# --- the deck ----------------------------------------------------------------------

SLIDE_WIDTH, SLIDE_HEIGHT = 12_191_695, 6_858_000  # EMU: a 16:9 slide, 13.333 × 7.5 in
_DECK_FIGURES = (
    ("timeline", "Timeline"),
    ("labs", "Labs"),
    ("glucocorticoids", "Glucocorticoid course"),
)


def deck_bytes(
    case: Case,
    pictures: Mapping[str, bytes],
    rows: list[tuple[str, str]],
    exported_at: dt.datetime,
) -> bytes:
    """A 16:9 deck: title, the timeline, the labs, the glucocorticoid course, a summary table."""
    from pptx import Presentation
    from pptx.util import Emu

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    notes = _speaker_notes(case, exported_at)
    _title_slide(deck, case).notes_slide.notes_text_frame.text = notes
    for name, label in _DECK_FIGURES:
        if name in pictures:
            slide = _picture_slide(deck, pictures[name])
            slide.notes_slide.notes_text_frame.text = f"{label}. {notes}"
    _summary_slide(deck, rows).notes_slide.notes_text_frame.text = notes
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


def _title_slide(deck, case: Case):
    from pptx.util import Inches

    slide = deck.slides.add_slide(deck.slide_layouts[0])
    _full_width(slide.shapes.title, Inches(2.0), Inches(1.6))
    _full_width(slide.placeholders[1], Inches(3.8), Inches(2.2))
    info = case.info
    slide.shapes.title.text = info.title
    subtitle = [info.diagnosis, f"Day 0 = {info.anchor}"]
    if info.illustrative:
        subtitle.append("Illustrative data")
    slide.placeholders[1].text = "\n".join(subtitle)
    return slide


def _picture_slide(deck, png: bytes):
    slide = deck.slides.add_slide(deck.slide_layouts[6])  # blank
    # always an explicit size (a PNG carries no DPI and would land 40 inches wide), and
    # the picture's own proportions: a figure taller than the slide is fitted, centred,
    # never squashed
    width, height = struct.unpack(">II", png[16:24])
    across, down = SLIDE_WIDTH / width, SLIDE_HEIGHT / height
    if abs(across - down) < 0.001 * down:  # a 16:9 picture (to a pixel): the whole slide
        across = down = max(across, down)
    scale = min(across, down)
    shown_width = min(round(width * scale), SLIDE_WIDTH)
    shown_height = min(round(height * scale), SLIDE_HEIGHT)
    left, top = (SLIDE_WIDTH - shown_width) // 2, (SLIDE_HEIGHT - shown_height) // 2
    slide.shapes.add_picture(io.BytesIO(png), left, top, width=shown_width, height=shown_height)
    return slide


def _summary_slide(deck, rows: list[tuple[str, str]]):
    """A real table (what, value), 14 pt, the first column bold."""
    from pptx.util import Emu, Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[5])
    _full_width(slide.shapes.title, Inches(0.3), Inches(0.9))
    slide.shapes.title.text = "Summary"
    top, margin = Inches(1.35), Inches(0.5)
    width = Emu(SLIDE_WIDTH - 2 * margin)
    table = slide.shapes.add_table(
        len(rows), 2, margin, top, width, Emu(SLIDE_HEIGHT - top - Inches(0.3))
    ).table
    table.columns[0].width = Inches(3.3)
    table.columns[1].width = Emu(width - Inches(3.3))
    for r, (what, value) in enumerate(rows):
        for c, text in enumerate((what, value)):
            cell = table.cell(r, c)
            cell.text = text
            for paragraph in cell.text_frame.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(14)
                    run.font.bold = c == 0
    return slide


def _full_width(shape, top, height) -> None:
    """Place a template placeholder across a 16:9 slide (the default template is 4:3)."""
    from pptx.util import Emu, Inches

    shape.left, shape.top = Inches(0.6), top
    shape.width, shape.height = Emu(SLIDE_WIDTH - Inches(1.2)), height


# --- everything at once ------------------------------------------------------------


def export_files(
    case: Case,
    options: FigureOptions,
    formats: list[str],
    size: str,
    exported_at: dt.datetime,
    treatment: str | None = None,
) -> dict[str, bytes]:
    """File name to content for each requested format (images: one per figure)."""
    from .wording import summary_table

    wrong = request_problem(formats, size)
    if wrong:
        raise ValueError(wrong)
    figures = build_figures(case, export_options(options, size))
    if "pptx" in formats:  # done before the first render, while Chrome is still starting
        import pptx  # noqa: F401

        rows = summary_table(case, treatment)
    files = _figure_files(figures, formats, SIZES[size])
    if "html" in formats:
        files["timeline.html"] = html_bytes(figures["timeline"], case.info.title)
    if "pptx" in formats:
        pictures = _deck_pictures(case, options, size, figures, files)
        files[f"{case.info.id}.pptx"] = deck_bytes(case, pictures, rows, exported_at)
    return files


def _figure_files(
    figures: Mapping[str, go.Figure], formats: list[str], size: Size
) -> dict[str, bytes]:
    """NAME.json, NAME.png, NAME.svg, NAME.pdf for each figure, as asked."""
    files: dict[str, bytes] = {}
    for name, figure in figures.items():
        if "json" in formats:
            files[f"{name}.json"] = figure.to_json().encode()
        for fmt in ("png", "svg", "pdf"):
            if fmt in formats:
                files[f"{name}.{fmt}"] = _render(figure, fmt, size)
    return files


def _deck_pictures(
    case: Case,
    options: FigureOptions,
    size: str,
    figures: Mapping[str, go.Figure],
    files: Mapping[str, bytes],
) -> dict[str, bytes]:
    """The deck's 16:9 PNGs: the exported ones when they are 16:9, else drawn at 16:9."""
    if size != "16:9":  # the deck is 16:9: its pictures must be too
        figures = build_figures(case, export_options(options, "16:9"))
    pictures = {}
    for name, _ in _DECK_FIGURES:
        done = files.get(f"{name}.png") if size == "16:9" else None
        pictures[name] = done or _render(figures[name], "png", SIZES["16:9"])
    return pictures


def write_files(files: Mapping[str, bytes], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, data in files.items():
        path = folder / name
        path.write_bytes(data)
        paths.append(path)
    return paths
