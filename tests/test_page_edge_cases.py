"""The page on valid cases unlike the bundled one (issue 16): empty tables, no lab by Day 0,
user text that looks like markdown, a note too long to keep."""

from __future__ import annotations

import io
import json
import string
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from timeline import load_case

APP = str(Path(__file__).resolve().parents[1] / "app.py")

CASE = """key,value
id,edge
title,{title}
diagnosis,{diagnosis}
anchor,admission
illustrative,yes
"""
EVENTS = """start,end,type,label,note
2010-03-01,,admission,Admission,
2010-03-04,2010-03-06,fever,Fever,
"""
TREATMENTS_HEADER = "drug,start,end,dose,dose_unit,frequency,route,kind,note\n"
TREATMENTS = TREATMENTS_HEADER + "prednisone,2010-03-02,2010-03-09,20,mg,daily,oral,,\n"
LABS_HEADER = "time,test,value,unit,ref_low,ref_high,note\n"
LABS_BEFORE = LABS_HEADER + "2010-03-01 08:00,ferritin,900,ng/mL,,,\n"
LABS_AFTER = LABS_HEADER + "2010-03-03 08:00,ferritin,900,ng/mL,,,\n"

EDGE_CASES = {
    "labs table with only its header": {"labs": LABS_HEADER},
    "treatments table with only its header": {"treatments": TREATMENTS_HEADER},
    "no lab result by the end of Day 0": {"labs": LABS_AFTER},
    "both tables with only their headers": {"labs": LABS_HEADER, "treatments": TREATMENTS_HEADER},
}


def case_files(title: str = "Edge case", diagnosis: str = "sJIA", **tables: str) -> dict:
    """A small generated case (not the bundled one), some tables replaced."""
    files = {
        "case": CASE.format(title=title, diagnosis=diagnosis),
        "events": EVENTS,
        "treatments": TREATMENTS,
        "labs": LABS_BEFORE,
    }
    return files | tables


def zipped(files: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


def uploaded(files: dict) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="source").set_value("Upload").run()
    at.file_uploader(key="upload").upload("edge.zip", zipped(files)).run()
    return at


def write_folder(folder: Path, files: dict) -> Path:
    folder.mkdir()
    for name, text in files.items():
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.parametrize("edge", list(EDGE_CASES))
def test_the_page_works_on_a_valid_case_with_empty_parts(edge, tmp_path):
    files = case_files(**EDGE_CASES[edge])
    load_case(write_folder(tmp_path / "case", files))  # `validate` accepts it
    at = uploaded(files)
    assert not at.exception
    assert [t.value for t in at.title] == ["Edge case"]
    assert at.session_state["case_key"].startswith("upload:")
    assert "MAS 2016 criteria on Day 0" in " ".join(c.value for c in at.caption)
    given, latest = at.dataframe[0].value, at.dataframe[1].value
    assert "drug" in given.columns
    assert "test" in latest.columns
    if edge != "treatments table with only its header":  # no ferritin by Day 0
        assert latest.empty
    # every part below the figure is drawn: notes editor, downloads, exports, tabs
    keys = {getattr(e, "key", None) for e in at.dataframe} | {
        e.key for e in at.get("download_button")
    }
    assert {"notes:" + at.session_state["case_key"] + ":admission", "download_case"} <= keys
    assert {f"export_{fmt}" for fmt in ("pptx", "png", "svg", "pdf", "html", "json")} <= keys
    for day in (0, 3, 9):  # the day panel on other days
        at.slider(key=f"day:{at.session_state['case_key']}:admission").set_value(day).run()
        assert not at.exception
    for tab in ("Treatments", "Events", "Labs"):
        at.session_state["data_tabs"] = tab
        at.run()
        assert not at.exception


@pytest.mark.parametrize(
    "text",
    [
        "See https://example.org/a?b=1 and www.example.org",
        "**bold** [link](http://x.org) <b>tag</b> `code` $x$ :red[red] :smile:",
        "mail a@b.org &amp; &lt;i&gt; # not a heading\n- not a list",
    ],
)
def test_user_text_on_the_page_is_plain_text(text):
    at = uploaded(case_files(title=f'"{text}"'.replace("\n", " ")))
    assert not at.exception
    shown = inert_text(at.title[0].value)
    assert shown == text.replace("\n", " ")


def inert_text(markdown: str) -> str:
    """The text markdown shows, asserting no markup can form: every ASCII punctuation
    character is backslash-escaped (CommonMark shows it literally) and no line breaks."""
    out, chars = [], iter(markdown)
    for c in chars:
        assert c not in "\n\r", markdown
        if c == "\\":
            c = next(chars)
            assert c in string.punctuation, markdown
        else:
            assert c not in string.punctuation, f"unescaped {c!r} in {markdown!r}"
        out.append(c)
    return "".join(out)


def test_a_summary_line_with_a_drug_typed_as_a_link_is_plain(tmp_path):
    treatments = TREATMENTS_HEADER + "http://x.org/rx,2010-03-02,2010-03-09,20,mg,daily,oral,,\n"
    at = uploaded(case_files(treatments=treatments))
    assert not at.exception
    for element in at.markdown:
        inert_text(element.value)  # every summary line


def test_the_figure_json_reaches_the_page(tmp_path):
    at = uploaded(case_files(labs=LABS_HEADER))
    assert json.loads(at.get("plotly_chart")[0].proto.spec)["data"]


def test_a_note_too_long_is_refused_at_entry_with_a_message():
    at = AppTest.from_file(APP, default_timeout=60).run()
    key = f"notes:{at.session_state['case_key']}:admission"
    at.session_state[key] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"day": 3, "text": "x" * 1_000_000}, {"day": 4, "text": "kept"}],
    }
    at.run()
    assert not at.exception
    assert "Day 3 (1,000,000 characters)" in at.error[0].value
    notes = [
        a["text"]
        for a in json.loads(at.get("plotly_chart")[0].proto.spec)["layout"]["annotations"]
        if a.get("showarrow")
    ]
    assert notes == ["kept"]


def test_a_long_labs_table_is_shown_a_page_at_a_time():
    from benchmarks.synthetic import generated_tables

    tables = generated_tables(1_200, 10)
    files = {name: frame.to_csv(index=False) for name, frame in tables.items()}
    at = uploaded(files)
    at.session_state["data_tabs"] = "Labs"
    at.run()
    assert not at.exception
    assert len(at.dataframe[-1].value) == 500
    assert "Rows 1–500 of 1,200" in [c.value for c in at.caption]
    at.number_input(key=f"page:labs:{at.session_state['case_key']}:admission").set_value(3).run()
    assert len(at.dataframe[-1].value) == 200
    assert "Rows 1,001–1,200 of 1,200" in [c.value for c in at.caption]
