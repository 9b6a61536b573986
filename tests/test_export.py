"""Every export format opens and holds what it should; nothing identifying leaks."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import struct
import zipfile
from xml.etree import ElementTree

import pytest
from pptx import Presentation
from pypdf import PdfReader

from timeline import load_case
from timeline.errors import ExportError
from timeline.export import export_files
from timeline.figures import FigureOptions

from .conftest import BUNDLED

IDENTIFIERS = ("Jane Q. Doe", "1989-02-03", "MRN-556677")
EXPORTED_AT = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


@pytest.fixture(scope="module")
def case_with_identifiers(tmp_path_factory):
    import shutil

    folder = tmp_path_factory.mktemp("ids") / "case"
    shutil.copytree(BUNDLED, folder)
    text = (folder / "case.csv").read_text(encoding="utf-8")
    text += f"name,{IDENTIFIERS[0]}\nbirth_date,{IDENTIFIERS[1]}\nrecord_number,{IDENTIFIERS[2]}\n"
    (folder / "case.csv").write_text(text, encoding="utf-8")
    case = load_case(folder)
    assert case.identifiers.values() == IDENTIFIERS
    return case


@pytest.fixture(scope="module")
def files(case_with_identifiers) -> dict[str, bytes]:
    """Everything, exported once with the defaults of the command line (Day N, slide)."""
    try:
        return export_files(
            case_with_identifiers,
            FigureOptions(theme="slide", hide_dates=True),
            ["png", "svg", "pdf", "pptx", "html", "json"],
            "16:9",
            EXPORTED_AT,
            "ruxolitinib",
        )
    except ExportError as exc:
        pytest.skip(str(exc))


def test_png_is_a_16_9_slide_at_1920(files):
    for name in ("timeline", "labs", "treatments", "glucocorticoids"):
        assert png_size(files[f"{name}.png"]) == (1920, 1080)


def test_svg_parses_and_has_the_dose_text(files):
    root = ElementTree.fromstring(files["timeline.svg"])
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "10 mg bid" in text
    assert "Ruxolitinib" in text


def test_pdf_has_one_page_with_the_figure(files):
    reader = PdfReader(io.BytesIO(files["timeline.pdf"]))
    assert len(reader.pages) == 1
    assert "Ferritin" in reader.pages[0].extract_text()


def test_deck_has_the_slides_pictures_table_and_notes(files):
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    assert (deck.slide_width, deck.slide_height) == (12191695, 6858000)  # 13.333 × 7.5 in
    slides = list(deck.slides)
    assert len(slides) == 5
    assert slides[0].shapes.title.text == "Refractory MAS in sJIA: ruxolitinib salvage"
    assert "Illustrative data" in slides[0].placeholders[1].text
    pictures = [s for slide in slides[1:4] for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 3
    assert all((p.width, p.height) == (deck.slide_width, deck.slide_height) for p in pictures)
    (table,) = [s.table for s in slides[4].shapes if s.has_table]
    rows = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(len(table.rows))}
    assert rows["Ruxolitinib"] == "Day 24 to Day 113: 5 mg bid → 10 mg bid"
    assert rows["MAS 2016 criteria"] == (
        "met (fever + labs): Day 3 to Day 27; laboratory criteria only: Day 28 to Day 36"
    )
    notes = slides[1].notes_slide.notes_text_frame.text
    assert "Wu J, Shen D, Lu M" in notes
    assert "Exported 2026-01-02 03:04 UTC" in notes


def test_html_is_self_contained(files):
    from timeline import _renderer

    html = files["timeline.html"].decode()
    assert not re.search(r"<script[^>]+src=", html)  # plotly.js is inline
    assert not re.search(r"<link[^>]+href=", html)
    assert "Plotly.newPlot" in html
    # the basic bundle the images use, a quarter of plotly.py's full one
    assert _renderer.PLOTLY_BASIC.read_text(encoding="utf-8") in html
    assert len(files["timeline.html"]) < 2_000_000


def test_no_identifier_and_no_calendar_date_in_any_file(files):
    for name, data in files.items():
        texts = [data.decode("utf-8", "ignore")]
        if name.endswith(".pdf"):
            texts.append(PdfReader(io.BytesIO(data)).pages[0].extract_text())
        if name.endswith(".pptx"):
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                texts += [
                    archive.read(n).decode("utf-8", "ignore")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                ]
        for text in texts:
            for value in IDENTIFIERS:
                assert value not in text, (name, value)
            if not name.endswith((".html", ".pptx")):  # plotly.js and Office XML carry own dates
                assert not re.search(r"2000-0\d-\d\d", text), name


@pytest.mark.parametrize(("size", "expected"), [("4:3", (1920, 1440)), ("a4", (2105, 1487))])
def test_other_slide_and_page_sizes(bundled, size, expected):
    try:
        files = export_files(bundled, FigureOptions(theme="slide"), ["png"], size, EXPORTED_AT)
    except ExportError as exc:
        pytest.skip(str(exc))
    assert png_size(files["timeline.png"]) == expected


def test_journal_column_is_89_mm_at_300_dpi(bundled):
    try:
        files = export_files(bundled, FigureOptions(), ["png", "json"], "journal", EXPORTED_AT)
    except ExportError as exc:
        pytest.skip(str(exc))
    width, height = png_size(files["timeline.png"])
    assert width == 1050  # 252 pt × 300/72
    layout = json.loads(files["timeline.json"])["layout"]
    assert layout["font"]["size"] == 7
    assert height == pytest.approx(layout["height"] * 300 / 72, abs=1)


def test_unknown_format_or_size_is_a_clear_error(bundled):
    with pytest.raises(ValueError, match="unknown format: gif"):
        export_files(bundled, FigureOptions(), ["gif"], "16:9", EXPORTED_AT)
    with pytest.raises(ValueError, match="unknown size: poster"):
        export_files(bundled, FigureOptions(), ["png"], "poster", EXPORTED_AT)


def test_renderer_loads_the_plotly_js_version_of_plotly_py():
    # the vendored basic bundle must be redrawn from the same plotly.js as the page's
    from pathlib import Path

    import plotly

    from timeline import _renderer

    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    assert _plotly_js_version(_renderer.PLOTLY_BASIC) == _plotly_js_version(full)


def _plotly_js_version(path) -> str:
    """The version in a plotly.js bundle's header comment."""
    with path.open(encoding="utf-8") as bundle:
        header = bundle.read(200)
    return re.search(r"plotly\.js .*?v(\d+\.\d+\.\d+)", header).group(1)


def test_every_figure_uses_only_trace_types_the_renderer_draws(bundled, tmp_path):
    from benchmarks.synthetic import generated_tables, write_case_folder
    from timeline import _renderer, load_case
    from timeline.figures import build_figures

    generated = load_case(write_case_folder(generated_tables(3_000, 200), tmp_path / "generated"))
    for case in (bundled, generated):
        for options in (FigureOptions(), FigureOptions(theme="slide", axis="dates")):
            for figure in build_figures(case, options).values():
                assert {t.type for t in figure.data} <= _renderer.BASIC_TRACE_TYPES


def test_a_trace_type_the_renderer_lacks_is_refused_not_dropped():
    import plotly.graph_objects as go

    from timeline.export import html_bytes, image_bytes

    heatmap = go.Figure(go.Heatmap(z=[[1, 2]]))
    with pytest.raises(ValueError, match="heatmap"):
        image_bytes(heatmap, "png", 300, 200, 1)
    with pytest.raises(ValueError, match="heatmap"):
        html_bytes(heatmap, "a heatmap")


def test_the_deck_counts_every_day_from_the_chosen_day_0(bundled):
    from timeline.derive import reanchor

    try:
        files = export_files(
            reanchor(bundled, "MAS onset"),
            FigureOptions(theme="slide", hide_dates=True),
            ["pptx"],
            "16:9",
            EXPORTED_AT,
            "ruxolitinib",
        )
    except ExportError as exc:
        pytest.skip(str(exc))
    slides = list(Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"])).slides)
    assert "Day 0 = MAS onset" in slides[0].placeholders[1].text
    (table,) = [s.table for s in slides[4].shapes if s.has_table]
    rows = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(len(table.rows))}
    # MAS onset is admission + 3 days: every Day N is 3 less than under admission
    assert rows["Day 0"] == "MAS onset"
    assert rows["Admission"] == "Day -3"
    assert rows["Ruxolitinib start"] == "Day 21"
    assert rows["Ruxolitinib"].startswith("Day 21 to Day 110")


def test_export_what_is_on_screen_holds_the_pages_panels(bundled):
    from timeline.export import as_on_screen, export_options
    from timeline.figures import build_figure, build_figures

    def titles(figure) -> list[str]:
        return [a.text for a in figure.layout.annotations if a.text.startswith("<b>")]

    page = FigureOptions()  # the page's default: the glucocorticoid course and seven labs
    on_screen = titles(build_figure(bundled, page))
    exported = build_figures(bundled, export_options(as_on_screen(bundled, page), "16:9"))
    # regression: the download was the command line's default (ferritin alone)
    assert titles(exported["timeline"]) == on_screen
    assert len(on_screen) == 8


def test_a_figure_taller_than_a_slide_keeps_its_proportions_on_it(bundled):
    # the page's export of its 8 panels is taller than 16:9: fitted, centred, not squashed
    from timeline.export import as_on_screen

    try:
        files = export_files(
            bundled, as_on_screen(bundled, FigureOptions()), ["png", "pptx"], "16:9", EXPORTED_AT
        )
    except ExportError as exc:
        pytest.skip(str(exc))
    width, height = struct.unpack(">II", files["timeline.png"][16:24])
    assert height > width * 9 / 16  # taller than the slide
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    (picture,) = [s for s in list(deck.slides)[1].shapes if s.shape_type == 13]
    assert picture.width / picture.height == pytest.approx(width / height, rel=1e-3)
    assert picture.height == deck.slide_height
    assert picture.left == (deck.slide_width - picture.width) // 2
