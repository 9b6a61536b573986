"""The one Chrome that renders every image, and the lock around it.

Only kaleido is imported here, so the export command can start Chrome (which
takes about 2 s, in the background) before the heavy imports.

kaleido's own sync server reloads its tab, and with it all 4.7 MB of plotly.js,
after every image, and only then returns the image: on a 2-core machine that
was half of each image's time (the bundled timeline at 1920 x 1080: 380 ms, and
180 ms without the reload). So we run kaleido's async API on an event loop of
our own and reload the tab after every ``RELOAD_EVERY`` images instead, which
still bounds whatever a long-running page could accumulate in it.

The tab loads plotly.js's "basic" bundle (scatter, bar, pie; vendored, the same
version as plotly.py's full bundle) instead of the full one: our figures use
only scatter and bar, and the full bundle's start-up code takes ~1 s of Chrome's
~2 s start on this machine, the basic one ~0.2 s. A figure with any other trace
type is refused rather than drawn with that trace silently missing.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from concurrent.futures import Future
from pathlib import Path

import kaleido
from kaleido.errors import ChromeNotFoundError

from .errors import ChromeMissing

LOCK = threading.Lock()  # one tab, one image at a time (kaleido#444: not thread-safe)
RELOAD_EVERY = 20
RENDER_TIMEOUT_S = 90
STOP_TIMEOUT_S = 30  # a Chrome still starting on a loaded machine is waited for, then closed
PLOTLY_BASIC = Path(__file__).parent / "vendor" / "plotly-basic.min.js"
BASIC_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})

_loop: asyncio.AbstractEventLoop | None = None
_opening: Future | None = None  # resolves to the open _Kaleido


class _Kaleido(kaleido.Kaleido):
    """kaleido with its tab reloaded every ``RELOAD_EVERY`` images, not after each."""

    images = 0
    reloads = 0

    async def _return_kaleido_tab(self, tab) -> None:  # kaleido 1.5's hook, called per image
        self.images += 1
        if self.images % RELOAD_EVERY == 0:
            await tab.reload()
            self.reloads += 1
        await self.tabs_ready.put(tab)


async def _open() -> _Kaleido:
    # mathjax=False and a local plotly.js: nothing is fetched from a CDN
    renderer = _Kaleido(n=1, plotlyjs=PLOTLY_BASIC.as_uri(), mathjax=False)
    await renderer.open()
    return renderer


def start() -> None:
    """Start Chrome once, in the background; returns at once."""
    global _loop, _opening
    with LOCK:
        if _opening is not None:
            return
        if _loop is None:
            _loop = asyncio.new_event_loop()
            threading.Thread(target=_loop.run_forever, name="renderer", daemon=True).start()
            atexit.register(stop)
        _opening = asyncio.run_coroutine_threadsafe(_open(), _loop)


def check_basic(figure, what: str) -> None:
    """Refuse a figure the basic bundle cannot draw whole (it would drop the trace)."""
    unsupported = {trace.type for trace in figure.data} - BASIC_TRACE_TYPES
    if unsupported:
        msg = f"{what} draws only {sorted(BASIC_TRACE_TYPES)} traces, not {sorted(unsupported)}"
        raise ValueError(msg)


def render(figure, fmt: str, width: int, height: int, scale: float) -> bytes:
    """One figure as png, svg or pdf bytes, laid out at width x height, pixels x scale."""
    global _opening
    check_basic(figure, "image export")
    start()
    with LOCK:
        opening, loop = _opening, _loop
        assert opening is not None, "start() sets it"
        assert loop is not None, "start() sets it"
        try:
            renderer = opening.result()
        except ChromeNotFoundError as exc:
            _opening = None  # a Chrome installed later is found by the next call
            raise ChromeMissing from exc
        opts = {"format": fmt, "width": width, "height": height, "scale": scale}
        job = asyncio.run_coroutine_threadsafe(renderer.calc_fig(figure, opts=opts), loop)
        return job.result(timeout=RENDER_TIMEOUT_S)


def stop() -> None:
    """Close Chrome (at exit, or before an early one): it would otherwise outlive us.

    The next ``start()`` opens a new one.
    """
    global _opening
    with LOCK:
        opening, _opening = _opening, None
    if opening is None or _loop is None:
        return
    try:
        renderer = opening.result(timeout=STOP_TIMEOUT_S)
        asyncio.run_coroutine_threadsafe(renderer.close(), _loop).result(timeout=STOP_TIMEOUT_S)
    except Exception:  # best effort; no Chrome means nothing to close
        pass
