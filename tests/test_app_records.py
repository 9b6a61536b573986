"""Records from hospital systems on the page: a FHIR upload, a pasted flowsheet."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from .conftest import BUNDLED
from .fhir.bundles import case_as_bundle

APP = str(Path(__file__).resolve().parents[1] / "app.py")
FLOWSHEET = (
    "Test\tUnit\t2000-05-08\t2000-05-20\nFerritin\tng/mL\t80\t60\nIL-18\tpg/mL\t1200\t<500\n"
)


@pytest.fixture
def app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    return at


def test_a_fhir_bundle_uploads_like_a_workbook(app):
    app.radio(key="source").set_value("Upload").run()
    data = case_as_bundle(BUNDLED, "1988-06-01")
    app.file_uploader(key="upload").upload("record.json", data, "application/json").run()
    assert not app.exception
    assert not app.error
    assert len(app.session_state["case"].labs) == 351


def test_a_pasted_flowsheet_is_previewed_then_added_and_kept(app):
    app.text_area(key="flowsheet_text").set_value(FLOWSHEET).run()
    preview = app.sidebar.dataframe[0].value
    assert preview["value"].tolist() == ["80", "60", "1200", "<500"]
    app.button(key="flowsheet_add").click().run()
    app.radio(key="axis").set_value("Dates").run()  # another run: the results stay
    labs = app.session_state["pasted:bundled:sjia-mas-ruxolitinib"].labs
    il18 = labs[labs["test"] == "il18"]
    assert il18["value"].tolist() == [1200.0, 500.0]
    assert il18["qualifier"].tolist() == ["", "<"]
    assert "IL-18" in app.multiselect(key="labs:bundled:sjia-mas-ruxolitinib").options


def test_a_pasted_flowsheet_with_an_ambiguous_date_is_refused_with_its_problem(app):
    app.text_area(key="flowsheet_text").set_value("Test\tUnit\t01/02/2000\nFerritin\tng/mL\t80\n")
    app.run()
    problems = app.sidebar.dataframe[-1].value
    assert "01/02/2000" in " ".join(map(str, problems.to_numpy().ravel()))
    app.button(key="flowsheet_add").click().run()
    assert app.error  # the case stays, its problems listed
    assert "pasted:bundled:sjia-mas-ruxolitinib" not in app.session_state
