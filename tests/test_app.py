"""The page, driven through every control with Streamlit's AppTest."""

from __future__ import annotations

import dataclasses
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from timeline.workbook import case_workbook_bytes

from .conftest import BUNDLED

APP = str(Path(__file__).resolve().parents[1] / "app.py")
KEY = "bundled:sjia-mas-ruxolitinib"
VKEY = f"{KEY}:admission"  # widgets holding Day numbers belong to one Day 0


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def figure(at: AppTest) -> dict:
    return json.loads(at.get("plotly_chart")[0].proto.spec)


def panel_titles(spec: dict) -> list[str]:
    return [
        a["text"]
        for a in spec["layout"]["annotations"]
        if a.get("yref", "").endswith("domain") and a["text"].startswith("<b>")
    ]


def shown(markdown: str) -> str:
    """The text a reader sees: the page escapes every punctuation mark in user text."""
    return re.sub(r"\\(.)", r"\1", markdown)


def bottom_axis(spec: dict) -> dict:
    axes = [v for k, v in spec["layout"].items() if k.startswith("xaxis")]
    return next(a for a in axes if a.get("showticklabels"))


def test_first_start_shows_the_bundled_case(app):
    assert [t.value for t in app.title] == ["Refractory MAS in sJIA\\: ruxolitinib salvage"]
    assert "Illustrative data" in app.warning[0].value
    text = shown(" ".join(m.value for m in app.markdown))
    assert "Admission Day 0 · MAS onset Day 3 · Ruxolitinib start Day 24" in text
    assert "14,800 mg prednisone" in text
    assert "from Day 26, 2 days after the start" in text
    assert "14,800 ng/mL on Day 23 → 2,100 ng/mL on Day 31" in text
    spec = figure(app)
    assert "<b>Ferritin (ng/mL)</b>" in panel_titles(spec)


def test_choosing_lanes(app):
    app.multiselect(key=f"lanes:{KEY}").set_value(["ruxolitinib", "prednisone"]).run()
    names = {t.get("name") for t in figure(app)["data"] if t["type"] == "bar"}
    assert {"Ruxolitinib", "Prednisone"} <= names
    assert "Tocilizumab" not in names


def test_choosing_labs(app):
    app.multiselect(key=f"labs:{KEY}").set_value(["ferritin", "crp"]).run()
    titles = panel_titles(figure(app))
    assert "<b>Ferritin (ng/mL)</b>" in titles
    assert "<b>CRP (mg/L)</b>" in titles
    assert "<b>AST (U/L)</b>" not in titles


@pytest.mark.parametrize(
    # MAS episode: onset Day 3 − 3 to 7 days after the last criteria day (Day 36)
    ("window", "expected"),
    [("MAS episode", [0.0, 44.0]), ("Ruxolitinib course", [17.0, 128.0])],
)
def test_window_presets(app, window, expected):
    app.selectbox(key=f"window:{KEY}").set_value(window).run()
    assert figure(app)["layout"]["xaxis"]["range"] == expected


def test_custom_window(app):
    app.selectbox(key=f"window:{KEY}").set_value("Custom range").run()
    app.slider(key=f"custom:{VKEY}").set_value((10, 40)).run()
    # Day 10 to Day 40 includes Day 40 whole: the axis ends at the midnight after it
    assert figure(app)["layout"]["xaxis"]["range"] == [10.0, 41.0]


def test_axis_and_anchor(app):
    app.selectbox(key=f"anchor:{KEY}").set_value("MAS onset").run()
    assert bottom_axis(figure(app))["title"]["text"] == "Day (Day 0 = MAS onset)"
    # every Day N on the page counts from the chosen Day 0 (MAS onset = admission + 3)
    text = shown(" ".join(m.value for m in app.markdown))
    assert "Admission Day -3 · MAS onset Day 0 · Ruxolitinib start Day 21" in text
    assert "After Ruxolitinib (Day 21)" in text
    app.slider(key=f"day:{KEY}:MAS onset").set_value(0).run()
    given = app.dataframe[0].value
    assert "ciclosporin" in set(given["drug"])  # started on MAS onset, not on admission
    app.radio(key="axis").set_value("Dates").run()
    assert figure(app)["layout"]["xaxis"]["type"] == "date"


def test_theme_and_hidden_dates(app):
    app.radio(key="theme").set_value("slide").run()
    assert figure(app)["layout"]["width"] == 960
    app.radio(key="axis").set_value("Dates").run()
    app.checkbox(key="hide_dates").check().run()
    assert "2000-0" not in json.dumps(figure(app))
    assert all("2000-0" not in str(df.value.to_csv()) for df in app.dataframe)


def test_day_panel_shows_what_was_given(app):
    app.slider(key=f"day:{VKEY}").set_value(24).run()
    given = app.dataframe[0].value
    assert set(given["drug"]) == {"ciclosporin", "methylprednisolone", "ruxolitinib"}
    assert "5 mg" in given.loc[given["drug"] == "ruxolitinib", "dose"].tolist()


def test_annotation_appears_on_the_figure(app):
    app.session_state[f"notes:{VKEY}"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"day": 24, "text": "<rux> & start", "panel": "ferritin"}],
    }
    app.run()
    notes = [a for a in figure(app)["layout"]["annotations"] if a.get("showarrow")]
    assert [(n["text"], n["x"]) for n in notes] == [("&lt;rux&gt; &amp; start", 24.0)]


def test_a_note_keeps_its_day_when_day_0_changes(app):
    app.session_state[f"notes:{VKEY}"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"day": 24, "text": "rux start", "panel": "lanes"}],
    }
    app.run()
    app.selectbox(key=f"anchor:{KEY}").set_value("MAS onset").run()
    assert not app.exception
    notes = [a for a in figure(app)["layout"]["annotations"] if a.get("showarrow")]
    # Day 24 from admission is Day 21 from MAS onset (admission + 3): the same day
    assert [(n["text"], n["x"]) for n in notes] == [("rux start", 21.0)]
    app.selectbox(key=f"anchor:{KEY}").set_value("admission").run()
    notes = [a for a in figure(app)["layout"]["annotations"] if a.get("showarrow")]
    assert [(n["text"], n["x"]) for n in notes] == [("rux start", 24.0)]  # kept, not doubled


def retitled_workbook(bundled, title: str) -> bytes:
    case = dataclasses.replace(bundled, info=dataclasses.replace(bundled.info, title=title))
    return case_workbook_bytes(case, include_identifiers=False)


def test_good_upload_replaces_the_case(app, bundled):
    app.radio(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("mine.xlsx", retitled_workbook(bundled, "My case")).run()
    assert not app.exception
    assert not app.error
    assert [t.value for t in app.title] == ["My case"]


def test_two_sessions_never_see_each_others_case_or_notes(bundled):
    first = AppTest.from_file(APP, default_timeout=60).run()
    first.radio(key="source").set_value("Upload").run()
    first.file_uploader(key="upload").upload("a.xlsx", retitled_workbook(bundled, "Case A")).run()
    first.session_state[f"notes:{VKEY}"] = {
        "edited_rows": {},
        "deleted_rows": [],
        "added_rows": [{"day": 3, "text": "only A"}],
    }
    first.run()
    second = AppTest.from_file(APP, default_timeout=60).run()
    assert [t.value for t in first.title] == ["Case A"]
    assert [t.value for t in second.title] == ["Refractory MAS in sJIA\\: ruxolitinib salvage"]
    assert "only A" not in json.dumps(figure(second))


def test_bad_upload_shows_every_problem_and_keeps_the_case(app):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in BUNDLED.iterdir():
            text = path.read_text(encoding="utf-8")
            if path.name == "labs.csv":
                text += "2000-01-05 07:00,ferritin,high,ng/mL,,,\n2000-13-05 07:00,ferritin,5,ng/mL,,,\n"
            archive.writestr(path.name, text)
    app.radio(key="source").set_value("Upload").run()
    app.file_uploader(key="upload").upload("bad.zip", buffer.getvalue()).run()
    assert not app.exception
    assert "could not be loaded" in app.error[0].value
    problems = app.dataframe[0].value
    assert set(problems["column"]) == {"value", "time"}
    assert [t.value for t in app.title] == ["Refractory MAS in sJIA\\: ruxolitinib salvage"]


def test_presentation_mode_by_toggle_and_by_link(app):
    app.toggle(key="present").set_value(True).run()
    assert figure(app)["layout"]["font"]["size"] == 18
    assert not app.get("tabs")
    linked = AppTest.from_file(APP, default_timeout=60)
    linked.query_params["present"] = "1"
    linked.run()
    assert linked.session_state["present"] is True
    linked.button(key="leave_present").click().run()
    assert linked.session_state["present"] is False


def test_no_identifier_reaches_the_page(case_folder):
    text = (BUNDLED / "case.csv").read_text(encoding="utf-8")
    text += "name,Jane Doe\nrecord_number,MRN-556677\n"
    folder = case_folder(case=text)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.iterdir():
            archive.write(path, path.name)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.radio(key="source").set_value("Upload").run()
    at.file_uploader(key="upload").upload("ids.zip", buffer.getvalue()).run()
    shown = json.dumps(figure(at)) + " ".join(str(e.value) for e in at.markdown)
    shown += " ".join(df.value.to_csv() for df in at.dataframe)
    assert "Jane" not in shown
    assert "MRN" not in shown


def test_the_day_panel_names_the_days_criteria_status(app):
    app.slider(key=f"day:{VKEY}").set_value(30).run()
    assert any(
        c.value == "MAS 2016 criteria on Day 30: laboratory criteria only" for c in app.caption
    )


def test_a_labs_only_view_of_the_criteria(app):
    app.checkbox(key="labs_only").check().run()
    spec = figure(app)
    names = {t.get("name") for t in spec["data"]}
    assert "MAS 2016 by labs" in names
    assert "MAS 2016 fever + labs" not in names
    shading = [
        (s["x0"], s["x1"])
        for s in spec["layout"]["shapes"]
        if s.get("yref") == "paper" and s["type"] == "rect"
    ]
    assert (3.0, 37.0) in shading  # Day 3 to Day 36, the laboratory rule alone


def test_a_word_result_is_among_the_chosen_panels_it_is_drawn_in(app):
    app.selectbox(key="bundled").set_value("adult-aosd-mas").run()
    chosen = app.multiselect(key="labs:bundled:adult-aosd-mas").value
    assert "CMV PCR" in chosen  # drawn by default, so ticked by default
    assert "<b>CMV PCR</b>" in panel_titles(figure(app))


def test_without_chrome_the_page_says_so_and_offers_what_needs_none(monkeypatch):
    import timeline.handout

    monkeypatch.setattr(timeline.handout, "chromium_path", lambda: None)
    at = AppTest.from_file(APP, default_timeout=60).run()
    formats = {b.proto.id.split("export_")[-1].split("-")[0] for b in at.get("download_button")}
    assert "html" in " ".join(formats)
    assert not any(f.startswith(("png", "pptx", "handout", "svg")) for f in formats)
    assert any("Chromium" in i.value for i in at.info)
