"""The one-page A4 handout: an HTML page printed to PDF by headless Chromium.

kaleido renders only plotly figures, so the page (title, mark, the timeline as
vector SVG, the summary table, the source) is laid out in HTML and printed by the
same system Chromium, started for this one page with no network and no profile.
"""

from __future__ import annotations

import base64
import os
import subprocess
import tempfile
from html import escape
from pathlib import Path

from .errors import ExportError
from .model import CaseInfo

PRINT_TIMEOUT_S = 60
# Chromium's switches that stop it reaching the network (updates, sync, metrics) and
# keep it from any profile of the user's; the page itself loads nothing from outside.
_QUIET = (
    "--headless",
    "--disable-gpu",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--metrics-recording-only",
    "--no-pdf-header-footer",
)

_STYLE = """
@page { size: A4 portrait; margin: 12mm; }
body { font-family: "Open Sans", "DejaVu Sans", Arial, sans-serif; font-size: 9pt;
       color: #222; margin: 0; }
header { display: flex; justify-content: space-between; align-items: flex-start; gap: 8pt; }
h1 { font-size: 15pt; margin: 0 0 2pt 0; }
.mark { border: 1px solid #222; padding: 1pt 4pt; font-weight: bold; font-size: 9pt;
        white-space: nowrap; }
.sub { color: #555; margin: 0 0 6pt 0; }
img { width: auto; height: auto; max-width: 100%; max-height: 120mm; display: block;
      margin: 0 auto 6pt auto; }
table { border-collapse: collapse; width: 100%; font-size: 8pt; }
th { text-align: left; width: 27%; }
th, td { border-top: 0.5pt solid #ccc; padding: 1.5pt 3pt; vertical-align: top; }
.source { color: #555; font-size: 7pt; margin-top: 6pt; }
"""


def handout_html(info: CaseInfo, timeline_svg: bytes, rows: list[tuple[str, str]]) -> str:
    """The handout as one self-contained HTML page (user text escaped, nothing remote)."""
    mark = '<div class="mark">Illustrative data</div>' if info.illustrative else ""
    picture = base64.b64encode(timeline_svg).decode("ascii")
    table = "".join(
        f"<tr><th>{escape(what)}</th><td>{escape(value)}</td></tr>" for what, value in rows
    )
    source = escape(info.source or "source not given")
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(info.title)}</title>'
        f"<style>{_STYLE}</style></head><body>"
        f"<header><div><h1>{escape(info.title)}</h1>"
        f'<p class="sub">{escape(info.diagnosis)} · Day 0 = {escape(info.anchor)}</p></div>'
        f"{mark}</header>"
        f'<img alt="Timeline" src="data:image/svg+xml;base64,{picture}">'
        f"<table>{table}</table>"
        f'<p class="source">Source: {source}</p>'
        "</body></html>"
    )


def chromium_path() -> str | None:
    """The Chrome or Chromium kaleido would use (``BROWSER_PATH`` first)."""
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=False)


def handout_pdf(
    info: CaseInfo, timeline_svg: bytes, rows: list[tuple[str, str]], no_chrome: str
) -> bytes:
    """The handout printed to an A4 PDF by headless Chromium (``no_chrome``: the message
    when there is none)."""
    browser = chromium_path()
    if not browser or not Path(browser).is_file():
        raise ExportError(no_chrome)
    with tempfile.TemporaryDirectory(prefix="timeline-handout-") as tmp:
        folder = Path(tmp)
        page, pdf = folder / "handout.html", folder / "handout.pdf"
        page.write_text(handout_html(info, timeline_svg, rows), encoding="utf-8")
        command = [browser, *_QUIET, f"--user-data-dir={folder / 'profile'}"]
        if os.geteuid() == 0:  # Chromium refuses to start as root with its sandbox
            command.append("--no-sandbox")
        command += [f"--print-to-pdf={pdf}", page.as_uri()]
        try:
            done = subprocess.run(
                command, capture_output=True, timeout=PRINT_TIMEOUT_S, check=False
            )
        except subprocess.TimeoutExpired as exc:
            msg = f"printing the handout took longer than {PRINT_TIMEOUT_S} s"
            raise TimeoutError(msg) from exc
        if not pdf.is_file():
            msg = f"Chromium did not print the handout (exit {done.returncode})"
            raise ExportError(msg)
        return pdf.read_bytes()
