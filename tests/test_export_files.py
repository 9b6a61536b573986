"""Exported files land inside --out under safe names, and each is written as it is made."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os

import pytest

from timeline.cli import main
from timeline.errors import ExportError
from timeline.export import export_jobs, safe_stem, write_file
from timeline.figures import FigureOptions

from .conftest import BUNDLED

EXPORTED_AT = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("case_id", "stem"),
    [
        ("sjia-mas-ruxolitinib", "sjia-mas-ruxolitinib"),
        ("../../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("a\x00b", "a-b"),
        ("..", "case"),
        ("", "case"),
        ("C:\\Users\\x", "C-Users-x"),
        (".hidden", "hidden"),
        ("fall Müller 3", "fall-M-ller-3"),
        ("x" * 500, "x" * 80),
    ],
)
def test_a_file_name_is_made_from_a_sanitised_case_id(case_id, stem):
    assert safe_stem(case_id) == stem


@pytest.mark.parametrize(
    "case_id", ["../../x", "/tmp/abs", "a\x00b", "y" * 5000, "..", "a/../../b"]
)
def test_the_deck_and_handout_of_any_id_are_named_inside_out(bundled, case_id):
    case = dataclasses.replace(bundled, info=dataclasses.replace(bundled.info, id=case_id))
    names = [
        name
        for name, _ in export_jobs(case, FigureOptions(), ["pptx", "handout"], "16:9", EXPORTED_AT)
    ]
    assert len(names) == 2
    for name in names:
        assert not {"/", "\\", "\x00"} & set(name)
        assert not name.startswith(".")
        assert len(name) <= 100


@pytest.mark.parametrize("name", ["../x", "/tmp/x", "a/b", ".."])
def test_a_name_that_would_leave_the_folder_is_refused(tmp_path, name):
    with pytest.raises(ExportError, match="outside"):
        write_file(tmp_path / "out", name, b"data")
    assert not (tmp_path / "x").exists()


def test_an_id_with_a_path_writes_inside_out(tmp_path, capsys, monkeypatch):
    # regression (issue 16, item 5): id=../../x wrote the deck outside --out
    import shutil

    folder = tmp_path / "case"
    shutil.copytree(BUNDLED, folder)
    text = (folder / "case.csv").read_text(encoding="utf-8")
    (folder / "case.csv").write_text(
        text.replace("id,sjia-mas-ruxolitinib", "id,../../escaped"), encoding="utf-8"
    )
    _no_render(monkeypatch)
    out = tmp_path / "a" / "b" / "out"
    assert main(["export", str(folder), "--out", str(out), "--format", "pptx"]) == 0
    assert (out / "escaped.pptx").is_file()
    outside = [p for p in tmp_path.rglob("*.pptx") if out not in p.parents]
    assert outside == []


def _no_render(monkeypatch, fail_on: str | None = None):
    """Render without Chrome: a tiny PNG; a TimeoutError for the figure named ``fail_on``."""
    import struct
    import zlib

    import timeline.export

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" + b"\x00" * 12 + b"\x00" + b"\x00" * 12))
        + chunk(b"IEND", b"")
    )

    def render(figure, fmt, size):
        if fail_on is not None and fail_on in str(figure.layout.annotations):
            msg = "no answer from Chrome after 90 s"
            raise TimeoutError(msg)
        return png

    monkeypatch.setattr(timeline.export, "_render", render)


def test_a_failed_file_does_not_cost_the_others_and_is_named(tmp_path, capsys, monkeypatch):
    # regression (issue 16, item 9): a large export was all-or-nothing, and a render
    # timeout was reported as "cannot write to DIR"
    _no_render(monkeypatch, fail_on="<b>ALT")
    out = tmp_path / "out"
    code = main(["export", str(BUNDLED), "--out", str(out), "--format", "png,json"])
    captured = capsys.readouterr()
    assert code == 1
    written = sorted(p.name for p in out.iterdir())
    assert "labs-liver.png" not in written
    assert {"timeline.png", "timeline.json", "labs-liver.json", "labs-others.png"} <= set(written)
    assert f"wrote {out.resolve() / 'timeline.png'}" in captured.out
    assert "labs-liver.png: not written: rendering timed out" in captured.err
    assert "cannot write" not in captured.err
    assert "1 not: labs-liver.png" in captured.err
    assert f"{len(written)} file(s) written" in captured.err


def test_each_file_is_on_disk_before_the_next_is_made(tmp_path, monkeypatch):
    import timeline.export

    out = tmp_path / "out"
    seen = []
    real = timeline.export.write_file

    def watch(folder, name, data):
        seen.append(sorted(os.listdir(folder)) if folder.exists() else [])
        return real(folder, name, data)

    _no_render(monkeypatch)
    monkeypatch.setattr(timeline.export, "write_file", watch)
    assert main(["export", str(BUNDLED), "--out", str(out), "--format", "json"]) == 0
    assert [len(files) for files in seen] == list(range(len(seen)))


@pytest.mark.parametrize(
    ("fmt", "name"),
    [
        ("pptx", "sjia-mas-ruxolitinib.pptx"),
        ("handout", "sjia-mas-ruxolitinib-handout.pdf"),
        ("json", "timeline.json"),
    ],
)
def test_the_pages_download_is_named_as_the_command_names_it(bundled, fmt, name):
    from timeline.export import download, download_name

    assert download_name(bundled, fmt) == name
    if fmt == "json":  # the whole figure on screen, with its source line
        got, data = download(bundled, FigureOptions(), fmt, "16:9", EXPORTED_AT)
        assert got == name
        assert b"Source: Wu J" in data
