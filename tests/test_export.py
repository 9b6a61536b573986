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
            ["png", "svg", "pdf", "pptx", "html", "json", "handout"],
            "16:9",
            EXPORTED_AT,
            "ruxolitinib",
        )
    except ExportError as exc:
        pytest.skip(str(exc))


SHEETS = [
    "timeline",
    "glucocorticoids",
    "labs-mas-criteria-1",
    "labs-mas-criteria-2",
    "labs-mas-criteria-3",
    "labs-liver",
    "labs-inflammation",
    "labs-blood-counts",
    "labs-others",
]


def test_png_svg_pdf_json_are_the_decks_figures_one_file_each(files):
    for name in SHEETS:
        # the slide less its title band, at 2 px per pt (sizes.Size.pixels)
        assert png_size(files[f"{name}.png"]) == (1920, 984)
        for fmt in ("svg", "pdf", "json"):
            assert f"{name}.{fmt}" in files
    figures = {n.removesuffix(".png") for n in files if n.endswith(".png")}
    assert figures == set(SHEETS)


def test_svg_parses_and_has_the_dose_text(files):
    root = ElementTree.fromstring(files["timeline.svg"])
    text = " ".join(t.text or "" for t in root.iter() if t.tag.endswith("text"))
    assert "10 mg bid" in text
    assert "Ruxolitinib" in text


def test_pdf_has_one_page_with_the_figure(files):
    reader = PdfReader(io.BytesIO(files["timeline.pdf"]))
    assert len(reader.pages) == 1
    assert "Ruxolitinib" in reader.pages[0].extract_text()
    # the lanes fill the timeline's slide (never squeezed): ferritin leads the MAS labs
    labs = PdfReader(io.BytesIO(files["labs-mas-criteria-1.pdf"]))
    assert "Ferritin" in labs.pages[0].extract_text()


def test_deck_has_a_titled_slide_per_figure_and_the_summary(files):
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    assert (deck.slide_width, deck.slide_height) == (12192000, 6858000)  # 13.333 × 7.5 in
    slides = list(deck.slides)
    assert slides[0].shapes.title.text == "Refractory MAS in sJIA: ruxolitinib salvage"
    assert "Illustrative data" in slides[0].placeholders[1].text
    titles = [slide.shapes.title.text for slide in slides]
    assert titles[1:10] == [
        "Timeline",
        "Glucocorticoid course",
        "Labs: MAS criteria tests (1 of 3)",
        "Labs: MAS criteria tests (2 of 3)",
        "Labs: MAS criteria tests (3 of 3)",
        "Labs: Liver",
        "Labs: Inflammation",
        "Labs: Blood counts",
        "Labs: Other tests",
    ]
    assert all(titles)  # every slide has a title
    # each figure slide holds the very PNG written as a file, at its own proportions
    for slide, name in zip(slides[1:10], SHEETS, strict=True):
        (picture,) = [s for s in slide.shapes if s.shape_type == 13]
        assert picture.image.blob == files[f"{name}.png"]
        assert (picture.width, picture.height) == (deck.slide_width, 492 * 12700)
        assert picture.top + picture.height == deck.slide_height
    rows = summary_rows(deck)
    assert rows["Ruxolitinib"] == "Day 24 to Day 113: 5 mg bid → 10 mg bid"
    assert rows["MAS 2016 criteria"] == (
        "met (fever + labs): Day 3 to Day 27; laboratory criteria only: Day 28 to Day 36"
    )
    notes = slides[1].notes_slide.notes_text_frame.text
    assert "Wu J, Shen D, Lu M" in notes
    assert "Exported 2026-01-02 03:04 UTC" in notes


def summary_rows(deck) -> dict[str, str]:
    """The summary table's rows, over every slide it takes."""
    tables = [s.table for slide in deck.slides for s in slide.shapes if s.has_table]
    return {t.cell(r, 0).text: t.cell(r, 1).text for t in tables for r in range(len(t.rows))}


def slide_texts(slide) -> str:
    return " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)


def test_every_image_and_slide_carries_the_mark_and_the_source(files):
    for name in SHEETS:
        svg = files[f"{name}.svg"].decode()
        assert "Illustrative data" in svg, name
        assert "Source: Wu J, Shen D, Lu M." in svg, name
        pdf = PdfReader(io.BytesIO(files[f"{name}.pdf"])).pages[0].extract_text()
        assert "Illustrative data" in pdf, name
    html = files["timeline.html"].decode()
    assert "Illustrative data" in html
    assert "Source: Wu J, Shen D, Lu M." in html
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    for slide in deck.slides:  # a figure's slide shows the picture carrying both
        if not any(s.shape_type == 13 for s in slide.shapes):
            assert "Illustrative data" in slide_texts(slide)
            assert "Source: Wu J, Shen D, Lu M." in slide_texts(slide)


def test_the_source_line_is_one_line_cut_at_a_word(bundled):
    from timeline.export import source_line

    line = source_line(bundled.info, 600, 12)
    assert line.startswith("Source: Wu J, Shen D, Lu M. Salvage therapy")
    assert line.endswith("…")
    assert len(line) <= 600 / (12 * 0.55)
    assert " " not in line[-2:]  # cut between words


def test_the_handout_is_one_a4_page_with_title_mark_table_and_source(files):
    reader = PdfReader(io.BytesIO(files["sjia-mas-ruxolitinib-handout.pdf"]))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx((595.3, 841.9), abs=1.5)
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Refractory MAS in sJIA: ruxolitinib salvage" in text
    assert "Illustrative data" in text
    assert "Source: Wu J, Shen D, Lu M." in text
    assert "abstract only" in text  # the whole source, not the one-line cut
    assert "MAS 2016 criteria met (fever + labs): Day 3 to Day 27" in text
    assert "Ruxolitinib Day 24 to Day 113" in text


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


@pytest.mark.parametrize("size", ["16:9", "4:3", "a4"])
def test_each_size_renders_its_documented_pixels(bundled, size):
    from timeline.sizes import SIZES

    try:
        files = export_files(bundled, FigureOptions(theme="slide"), ["png"], size, EXPORTED_AT)
    except ExportError as exc:
        pytest.skip(str(exc))
    for name, data in files.items():
        assert png_size(data) == SIZES[size].pixels, name


def test_the_readme_documents_each_sizes_pixels():
    from pathlib import Path

    from timeline.sizes import SIZES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for name, size in SIZES.items():
        width, height = size.pixels
        assert f"| `{name}` |" in readme
        assert f"{width} × {height}" in readme, name


def test_a_4_3_deck_is_a_10_by_7_5_inch_deck_of_4_3_pictures(bundled):
    try:
        files = export_files(bundled, FigureOptions(theme="slide"), ["pptx"], "4:3", EXPORTED_AT)
    except ExportError as exc:
        pytest.skip(str(exc))
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    assert (deck.slide_width, deck.slide_height) == (9144000, 6858000)  # 10 × 7.5 in
    pictures = [s for slide in deck.slides for s in slide.shapes if s.shape_type == 13]
    assert pictures
    for picture in pictures:  # the slide less its title band, never squashed
        assert png_size(picture.image.blob) == (1920, 1312)
        assert (picture.width, picture.height) == (9144000, 492 * 12700)


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
    deck = Presentation(io.BytesIO(files["sjia-mas-ruxolitinib.pptx"]))
    assert "Day 0 = MAS onset" in deck.slides[0].placeholders[1].text
    rows = summary_rows(deck)
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


def test_what_does_not_fit_a_slide_goes_to_the_next_never_squashed(bundled):
    # the page's export of its 8 panels is taller than a slide: the timeline keeps what
    # fits, every panel is on some slide, and every picture fills its slide exactly
    from timeline.export import as_on_screen, sheets
    from timeline.figures.labs import chosen_labs

    options = as_on_screen(bundled, FigureOptions())
    made = sheets(bundled, options, "16:9")
    assert {s.figure.layout.height for s in made} == {492}
    assert {t for s in made for t in s.tests} == set(chosen_labs(bundled, options))


@pytest.mark.parametrize("name", ["sjia-mas-ruxolitinib", "adult-aosd-mas"])
def test_every_test_with_data_in_the_window_is_on_some_slide(name):
    from timeline import catalogue as cat
    from timeline.datasets import bundled_case_path
    from timeline.export import sheets, tests_in_window

    case = load_case(bundled_case_path(name))
    options = FigureOptions(theme="slide", hide_dates=True)
    made = sheets(case, options, "16:9")
    in_window = set(tests_in_window(case, options))
    assert {t for s in made for t in s.tests} == in_window
    assert {"temperature", "triglycerides"} <= in_window
    drawn = set()  # and each is drawn: its panel title is on the figure
    for sheet in made:
        titles = [a.text for a in sheet.figure.layout.annotations if a.text.startswith("<b>")]
        for test in sheet.tests:
            label = cat.labs()["label"].get(test, test)
            assert any(t.startswith(f"<b>{label}") for t in titles), (sheet.name, test)
            drawn.add(test)
    assert drawn == in_window


def test_a_window_keeps_only_the_tests_with_data_in_it(bundled):
    import pandas as pd

    from timeline.export import sheets, tests_in_window

    day = pd.Timedelta(days=1)
    window = (bundled.anchor_time + 70 * day, bundled.anchor_time + 80 * day)
    options = FigureOptions(theme="slide", window=window)
    inside = bundled.labs["time"].between(*window)
    assert set(tests_in_window(bundled, options)) == set(bundled.labs.loc[inside, "test"])
    made = sheets(bundled, options, "16:9")
    assert {t for s in made for t in s.tests} == set(bundled.labs.loc[inside, "test"])


def test_the_adult_summary_fits_its_slides(adult):
    try:
        files = export_files(
            adult, FigureOptions(theme="slide", hide_dates=True), ["pptx"], "16:9", EXPORTED_AT
        )
    except ExportError as exc:
        pytest.skip(str(exc))
    deck = Presentation(io.BytesIO(files["adult-aosd-mas.pptx"]))
    for k, slide in enumerate(deck.slides):
        for shape in slide.shapes:  # regression: the table ran off the slide's bottom
            assert min(shape.top, shape.left) >= 0, (k, shape.name)
            assert shape.top + shape.height <= deck.slide_height, (k, shape.name)
            assert shape.left + shape.width <= deck.slide_width, (k, shape.name)
    summary = [s for s in deck.slides if s.shapes.title.text.startswith("Summary")]
    assert [s.shapes.title.text for s in summary] == ["Summary", "Summary (continued)"]
    from timeline.wording import summary_table

    rows = summary_table(adult, None)
    assert len(rows) >= 17
    assert summary_rows(deck) == dict(rows)  # every row, none lost at a page break


def test_the_adult_handout_is_one_page(adult):
    try:
        files = export_files(adult, FigureOptions(theme="slide"), ["handout"], "16:9", EXPORTED_AT)
    except ExportError as exc:
        pytest.skip(str(exc))
    reader = PdfReader(io.BytesIO(files["adult-aosd-mas-handout.pdf"]))
    assert len(reader.pages) == 1
    assert "Valganciclovir" in reader.pages[0].extract_text()


def test_the_handout_timeline_has_every_lane_of_the_case():
    # the adult case's 13 drugs take three slides; the handout's one figure holds them all
    from timeline.catalogue import drug_label
    from timeline.export import handout_figure

    adult = load_case(BUNDLED.parent / "adult-aosd-mas")
    layout = handout_figure(adult, FigureOptions(theme="slide")).to_plotly_json()["layout"]
    ticks = " ".join(str(v.get("ticktext", "")) for k, v in layout.items() if k[:5] == "yaxis")
    missing = [d for d in adult.treatments["drug"].unique() if drug_label(d) not in ticks]
    assert not missing


def test_a_record_without_treatments_still_has_its_timeline_sheet(case_folder):
    # a FHIR record of events and results only (the Synthea sample): the clinical course
    from timeline.export import sheets

    header = "drug,start,end,dose,dose_unit,frequency,route,kind,note\n"
    case = load_case(case_folder(treatments=header))
    made = sheets(case, FigureOptions(theme="slide"), "16:9")
    assert made[0].name == "timeline"
    names = " ".join(str(a.text) for a in made[0].figure.layout.annotations)
    assert "Admission" in names


def test_lab_sheets_mark_the_disease_directed_drugs_not_the_supportive_ones():
    # the adult case: omeprazole and co-trimoxazole starts said nothing about a lab's
    # course and took lines of the event key from the panels
    from timeline.export import sheets

    adult = load_case(BUNDLED.parent / "adult-aosd-mas")
    made = sheets(adult, FigureOptions(theme="slide"), "16:9")
    labs = [s for s in made if s.name.startswith("labs-")]
    assert labs
    for sheet in labs:
        texts = " ".join(str(a.text) for a in sheet.figure.layout.annotations)
        texts += " ".join(str(t.hovertext) for t in sheet.figure.data)
        assert "Anakinra start" in texts
        assert "Omeprazole" not in texts
        assert "Co-trimoxazole" not in texts
    timeline = " ".join(str(a.text) for s in made[:3] for a in s.figure.layout.annotations)
    assert "Omeprazole start" in timeline  # the timeline still marks every lane's drug
