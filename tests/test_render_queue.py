"""The renderer: renders from several sessions at once, each with a time limit (issue 16,
item 9), and a Chrome told to stay off the network (item 7)."""

from __future__ import annotations

import asyncio
import threading
import time

import plotly.graph_objects as go
import pytest
from choreographer.channels import Pipe

from timeline import _renderer
from timeline.errors import ExportError

FIGURE = go.Figure(go.Scatter(x=[0, 1], y=[1, 2]))


class SlowRenderer:
    """Stands in for kaleido: ``POOL_TABS`` tabs; an image takes ``width`` ms."""

    def __init__(self) -> None:
        self.tabs = asyncio.Semaphore(_renderer.POOL_TABS)

    async def calc_fig(self, figure, opts: dict) -> bytes:  # noqa: ARG002 (kaleido's signature)
        async with self.tabs:
            await asyncio.sleep(opts["width"] / 1000)
        return f"{opts['width']}".encode()

    async def close(self) -> None:
        pass


@pytest.fixture
def slow_renderer(monkeypatch):
    async def open_fake() -> SlowRenderer:
        return SlowRenderer()

    monkeypatch.setattr(_renderer, "_opening", None)
    monkeypatch.setattr(_renderer, "_open", open_fake)
    yield
    _renderer.stop()


def timed(results: dict, name: str, width: int) -> None:
    start = time.perf_counter()
    try:
        _renderer.render(FIGURE, "png", width, 100, 1)
        results[name] = time.perf_counter() - start
    except ExportError as exc:
        results[name] = exc


def test_a_long_render_does_not_hold_up_another_sessions_render(slow_renderer):
    results: dict = {}
    _renderer.render(FIGURE, "png", 1, 100, 1)  # started
    long = threading.Thread(target=timed, args=(results, "long", 4000))
    long.start()
    time.sleep(0.2)  # the long one is rendering
    timed(results, "short", 50)
    assert results["short"] < 1.0  # it did not wait for the 4 s render
    long.join()
    assert 3.5 < results["long"] < 8


def test_a_render_that_takes_too_long_is_a_timeout_not_a_write_error(slow_renderer, monkeypatch):
    monkeypatch.setattr(_renderer, "QUEUE_TIMEOUT_S", 0.3)
    monkeypatch.setattr(_renderer, "RENDER_TIMEOUT_S", 0.3)
    start = time.perf_counter()
    with pytest.raises(ExportError, match=r"Rendering took longer than 0\.3 s") as caught:
        _renderer.render(FIGURE, "png", 5000, 100, 1)
    assert time.perf_counter() - start < 2
    assert not isinstance(caught.value, OSError)  # the command line's "cannot write to"
    assert _renderer.render(FIGURE, "png", 10, 100, 1) == b"10"  # the next one works


def test_chrome_is_started_with_the_flags_that_keep_it_off_the_network(tmp_path):
    chrome = tmp_path / "chrome"
    chrome.write_text("")
    browser = _renderer._QuietChromium(Pipe(), path=str(chrome))
    browser.pre_open()  # its profile folder, named on the command line
    cli = browser.get_cli()
    browser.clean()
    for flag in (
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-default-apps",
        "--disable-domain-reliability",
        "--metrics-recording-only",
    ):
        assert flag in cli
    assert any(f.startswith("--host-resolver-rules=MAP * ~NOTFOUND") for f in cli)
