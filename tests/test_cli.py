"""The command line: exit codes and messages, never a traceback for bad input."""

from __future__ import annotations

import json
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.cli import main
from timeline.errors import ExportError
from timeline.export import image_bytes

from .conftest import BUNDLED


def test_validate_good_case_prints_one_line_summary(capsys):
    assert main(["validate", str(BUNDLED)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out == ["OK sjia-mas-ruxolitinib: 23 treatments, 7 events, 351 labs, 0 warnings"]


def test_validate_lists_warnings_after_the_summary(with_rows, capsys):
    folder = with_rows("labs", "2000-01-05 09:00,fibrinogen,250,g/L,,,")
    assert main(["validate", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("OK ")
    assert "1 warnings" in out[0]
    assert out[1].startswith("warning: labs.csv, row ")


def test_validate_bad_case_exits_1_with_one_line_per_problem(with_rows, capsys):
    folder = with_rows("treatments", "ruxolitinib,2000-13-01,,0,mg,hourly,oral,,")
    assert main(["validate", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3
    assert all(line.startswith("error: treatments.csv, row ") for line in out)


def test_usage_error_exits_2():
    with pytest.raises(SystemExit) as caught:
        main(["validate"])
    assert caught.value.code == 2


def test_module_entry_point_has_no_traceback_for_bad_input(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "validate", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr + run.stdout
    assert "cannot be opened as an Excel workbook" in run.stdout


def test_template_and_workbook_commands_write_loadable_files(tmp_path):
    assert main(["template", str(tmp_path / "t.xlsx")]) == 0
    assert main(["workbook", str(BUNDLED), str(tmp_path / "c.xlsx")]) == 0
    assert main(["validate", str(tmp_path / "c.xlsx")]) == 0


def test_unwritable_output_is_a_clear_error(tmp_path, capsys):
    assert main(["template", str(tmp_path / "missing" / "t.xlsx")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_json_export_writes_one_file_per_figure(tmp_path, capsys):
    assert main(["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json"]) == 0
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [  # the deck's figures, one file each
        "glucocorticoids.json",
        "labs-blood-counts.json",
        "labs-inflammation.json",
        "labs-liver.json",
        "labs-mas-criteria-1.json",
        "labs-mas-criteria-2.json",
        "labs-mas-criteria-3.json",
        "labs-others.json",
        "timeline.json",
    ]
    figure = json.loads((tmp_path / "timeline.json").read_text())
    assert figure["data"]
    assert figure["layout"]["width"] == 960
    assert "2000-01" not in (tmp_path / "timeline.json").read_text()  # Day N: no calendar dates


def test_export_with_dates_and_a_window(tmp_path):
    args = [
        "export",
        str(BUNDLED),
        "--out",
        str(tmp_path),
        "--format",
        "json",
        "--axis",
        "dates",
        "--start",
        "D20",
        "--end",
        "2000-02-15",
        "--anchor",
        "MAS onset",
    ]
    assert main(args) == 0
    layout = json.loads((tmp_path / "timeline.json").read_text())["layout"]
    # D20 counts from MAS onset (2000-01-04); an end date without a time includes that day
    assert layout["xaxis"]["range"] == ["2000-01-24T00:00:00", "2000-02-16T00:00:00"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--format", "gif"], 2, "unknown format: gif"),
        (["--anchor", "surgery"], 2, "no event is called 'surgery'"),
        (["--start", "D30", "--end", "D10"], 2, "the window ends before it starts"),
        (["--start", "D500"], 2, "the window ends before it starts"),  # past the record's end
        (["--size", "5:4"], 2, "unknown size: 5:4"),
    ],
)
def test_export_usage_errors(tmp_path, capsys, args, code, message):
    assert main(["export", str(BUNDLED), "--out", str(tmp_path), *args]) == code
    assert message in capsys.readouterr().err


def test_export_of_a_bad_case_lists_its_problems(with_rows, tmp_path, capsys):
    folder = with_rows("labs", "2000-01-05 07:00,ferritin,high,ng/mL,,,")
    assert main(["export", str(folder), "--out", str(tmp_path / "out")]) == 1
    assert "is not a number" in capsys.readouterr().out


def test_unwritable_folder(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["export", str(BUNDLED), "--out", str(blocker / "sub")]) == 1
    assert "cannot write to" in capsys.readouterr().err


def test_png_export_is_slide_sized(bundled, tmp_path):
    from timeline.figures import build_figure

    try:
        png = image_bytes(build_figure(bundled, theme_options()), "png", 960, 540, 2)
    except ExportError as exc:
        pytest.skip(str(exc))
    assert struct.unpack(">II", png[16:24]) == (1920, 1080)


def theme_options():
    from timeline.figures import FigureOptions

    return FigureOptions(theme="slide")


def test_images_in_a_row_keep_their_own_size_across_tab_reloads(bundled, monkeypatch):
    """The renderer reuses its tab and reloads it every few images: each image is still its own."""
    from timeline import _renderer
    from timeline.figures import build_figure

    monkeypatch.setattr(_renderer, "RELOAD_EVERY", 2)
    figure = build_figure(bundled, theme_options())
    sizes = [(960, 540, 2), (720, 540, 1), (400, 300, 1), (960, 540, 1), (500, 500, 2)]
    try:
        pngs = [image_bytes(figure, "png", *size) for size in sizes]
    except ExportError as exc:
        pytest.skip(str(exc))
    got = [struct.unpack(">II", png[16:24]) for png in pngs]
    assert got == [(w * s, h * s) for w, h, s in sizes]
    assert _renderer._opening.result().reloads >= 2


def test_without_chrome_the_export_says_how_to_get_one_and_writes_nothing(tmp_path):
    import os
    import subprocess
    import sys

    env = {**os.environ, "BROWSER_PATH": str(tmp_path / "no-such-chrome")}
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "export", str(BUNDLED), "--out", str(out)],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "needs Chrome or Chromium" in done.stderr
    assert "apt-get install chromium" in done.stderr
    assert not out.exists() or not any(out.iterdir())


def test_an_internal_error_is_not_reported_as_a_usage_error(tmp_path, monkeypatch):
    # exit 2 means "you typed it wrong": a bug must surface as itself, not as that
    import timeline.export

    def broken(*_args, **_kwargs):
        msg = "a bug in the export"
        raise ValueError(msg)

    monkeypatch.setattr(timeline.export, "export_jobs", broken)
    with pytest.raises(ValueError, match="a bug in the export"):
        main(["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json"])


def test_per_kg_draws_the_glucocorticoid_course_in_mg_per_kg(tmp_path):
    args = ["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json", "--per-kg"]
    assert main(args) == 0
    layout = json.loads((tmp_path / "glucocorticoids.json").read_text())["layout"]
    titles = [a["text"] for a in layout["annotations"]]
    assert "<b>Glucocorticoid, prednisone-equivalent (mg/kg/day)</b>" in titles


@pytest.mark.parametrize("args", [["--start", "D500"], ["--size", "5:4"]])
def test_a_usage_error_ends_cleanly_with_chrome_started(tmp_path, args):
    # regression: Chrome, still starting when the command exited, left a traceback behind
    run = subprocess.run(
        [sys.executable, "-m", "timeline", "export", str(BUNDLED), "--out", str(tmp_path), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert run.returncode == 2
    assert run.stderr.startswith("timeline: ")
    assert "Traceback" not in run.stderr


@pytest.mark.parametrize(
    ("edge", "message"),
    [
        ("28/12/2024", "day/month order is ambiguous"),  # as the case files refuse it
        ("next week", "is not a date"),
    ],
)
def test_window_dates_follow_the_case_files_rules(tmp_path, capsys, edge, message):
    with pytest.raises(SystemExit) as caught:
        main(["export", str(BUNDLED), "--out", str(tmp_path), "--start", edge])
    assert caught.value.code == 2
    assert message in capsys.readouterr().err


def test_window_days_count_from_the_chosen_day_0_and_include_the_last_day(tmp_path):
    args = ["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json"]
    args += ["--anchor", "MAS onset", "--start", "D0", "--end", "D10"]
    assert main(args) == 0
    layout = json.loads((tmp_path / "timeline.json").read_text())["layout"]
    assert layout["xaxis"]["range"] == [0.0, 11.0]  # Day 10 is shown whole
    titles = [
        v["title"]["text"] for k, v in layout.items() if k.startswith("xaxis") and "title" in v
    ]
    assert titles == ["Day (Day 0 = MAS onset)"]


@pytest.fixture
def exported_treatment(monkeypatch):
    """The treatment the export would summarise, captured instead of exporting."""
    import timeline.export

    seen: list[str | None] = []

    def capture(case, options, formats, size, exported_at, treatment=None, story=False):
        seen.append(treatment)
        return []

    monkeypatch.setattr(timeline.export, "export_jobs", capture)
    return seen


ADULT = BUNDLED.parent / "adult-aosd-mas"


@pytest.mark.parametrize(
    ("case", "given", "expected"),
    [
        (BUNDLED, "rux", "ruxolitinib"),  # a catalogue synonym
        (BUNDLED, "CsA", "ciclosporin"),
        (BUNDLED, " Tocilizumab ", "tocilizumab"),
        (ADULT, "kineret", "anakinra"),
    ],
)
def test_response_to_accepts_catalogue_synonyms(
    tmp_path, exported_treatment, case, given, expected
):
    args = ["export", str(case), "--out", str(tmp_path), "--format", "json"]
    assert main([*args, "--response-to", given]) == 0
    assert exported_treatment == [expected]


@pytest.mark.parametrize(("case", "expected"), [(BUNDLED, "ruxolitinib"), (ADULT, "ruxolitinib")])
def test_the_default_response_treatment(tmp_path, exported_treatment, case, expected):
    # the adult case started valganciclovir (2025-01-18) after ruxolitinib (2025-01-16)
    assert main(["export", str(case), "--out", str(tmp_path), "--format", "json"]) == 0
    assert exported_treatment == [expected]


@pytest.mark.parametrize("given", ["aspirin", "valganciclovir", "dex", "anakinra"])
def test_response_to_a_name_the_case_does_not_offer_exits_2(
    tmp_path, exported_treatment, capsys, given
):
    # regression: an unknown name silently dropped the response line. aspirin is no
    # catalogue drug; valganciclovir is an antiviral of the case; dex a glucocorticoid;
    # anakinra is not in the sJIA case
    args = ["export", str(BUNDLED), "--out", str(tmp_path / "out"), "--format", "json"]
    assert main([*args, "--response-to", given]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"timeline: --response-to '{given}'")
    assert "choose one of: ciclosporin, tocilizumab, ruxolitinib" in err
    assert exported_treatment == []  # refused before anything is written
    assert not (tmp_path / "out").exists()


def test_criteria_labs_shades_every_laboratory_day_alike(tmp_path):
    args = ["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json"]
    assert main([*args, "--criteria", "labs"]) == 0
    layout = json.loads((tmp_path / "timeline.json").read_text())["layout"]
    shading = [
        (s["x0"], s["x1"])
        for s in layout["shapes"]
        if s.get("yref") == "paper" and s["type"] == "rect"
    ]
    assert shading == [(3.0, 37.0)]


def test_labs_and_lanes_are_chosen_by_any_catalogue_spelling(tmp_path):
    args = ["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json"]
    args += ["--labs", "ESR,Triglycerides,temp,serum ferritin", "--lanes", "rux,CsA"]
    assert main(args) == 0

    def titles(name: str) -> list[str]:
        figure = json.loads((tmp_path / f"{name}.json").read_text())
        return [a["text"] for a in figure["layout"]["annotations"] if a["text"].startswith("<b>")]

    # the triglycerides (a MAS criterion) and the ESR beside ferritin are now in the export
    assert titles("labs-mas-criteria-1") + titles("labs-mas-criteria-2") == [
        "<b>Ferritin (ng/mL)</b>",
        "<b>Triglycerides (mmol/L)</b>",
        "<b>Temperature (°C)</b>",
    ]
    assert titles("labs-inflammation") == ["<b>ESR (mm/h)</b>"]
    lanes = json.loads((tmp_path / "timeline.json").read_text())
    drawn = {t["name"] for t in lanes["data"] if t["type"] == "bar"} - {"Clinical course"}
    assert drawn == {"Ruxolitinib", "Ciclosporin"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--labs", "ferritin,troponin"], "--labs 'troponin': the case has no such tests"),
        (["--lanes", "anakinra"], "--lanes 'anakinra': the case has no such drugs"),
    ],
)
def test_a_lab_or_lane_the_case_lacks_is_refused_with_what_it_has(tmp_path, capsys, args, message):
    assert main(["export", str(BUNDLED), "--out", str(tmp_path), "--format", "json", *args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "choose from:" in err
