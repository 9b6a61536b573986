"""The command line: exit codes and messages, never a traceback for bad input."""

from __future__ import annotations

import subprocess
import sys

import pytest

from timeline.cli import main

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
