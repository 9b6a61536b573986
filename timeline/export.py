"""Write figures to files: Plotly JSON now, static images through one shared Chrome.

Images come from kaleido's render server, started once (``mathjax=False``, so
nothing is fetched from a CDN) and used under one lock: the server is not
thread-safe and the page runs sessions in threads.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Mapping
from pathlib import Path

import plotly.graph_objects as go
import plotly.io as pio

_LOCK = threading.Lock()
_server_started = False

NO_CHROME = (
    "Image export needs Chrome or Chromium and none was found. On Debian or Ubuntu: "
    "sudo apt-get install chromium (make run and make test do this). Elsewhere, with "
    "internet access: .venv/bin/plotly_get_chrome. Or set BROWSER_PATH to a Chrome binary."
)


class ExportError(Exception):
    """An export could not be written; the message says what to do."""


def write_json(figures: Mapping[str, go.Figure], folder: Path) -> list[Path]:
    """One ``NAME.json`` per figure (``fig.to_json()``); returns the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, figure in figures.items():
        path = folder / f"{name}.json"
        path.write_text(figure.to_json(), encoding="utf-8")
        paths.append(path)
    return paths


def _start_server() -> None:
    global _server_started
    if _server_started:
        return
    import kaleido
    from kaleido.errors import ChromeNotFoundError

    try:
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    except ChromeNotFoundError as exc:
        raise ExportError(NO_CHROME) from exc
    _server_started = True


def image_bytes(figure: go.Figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """Render one figure (png, svg, pdf) through the shared server."""
    with _LOCK:
        _start_server()
        try:
            with warnings.catch_warnings():  # plotly notes its own options are unused by a server
                warnings.filterwarnings("ignore", message="The kopts argument is ignored")
                return pio.to_image(figure, format=fmt, width=width, height=height, scale=scale)
        except RuntimeError as exc:
            if "Chrome" in str(exc) or "chrome" in str(exc):
                raise ExportError(NO_CHROME) from exc
            raise


def write_images(
    figures: Mapping[str, go.Figure], folder: Path, fmt: str = "png", scale: float | None = None
) -> list[Path]:
    """One image per figure at the figure's own layout size (slides: scale 2 = 1920 px)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, figure in figures.items():
        width = figure.layout.width or 1400
        height = figure.layout.height or 900
        factor = scale if scale is not None else (2 if figure.layout.width == 960 else 1)
        path = folder / f"{name}.{fmt}"
        path.write_bytes(image_bytes(figure, fmt, width, height, factor))
        paths.append(path)
    return paths
