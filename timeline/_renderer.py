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

Chrome keeps ``POOL_TABS`` tabs, so one session's long export never holds up
another's for more than one image: each image takes the next free tab, and each
is given ``RENDER_TIMEOUT_S`` (a render that takes longer is stopped, its tab
reloaded, and the caller told it timed out). Chrome runs with the flags that
stop it reaching the network (``CHROME_FLAGS``): it needs nothing from it.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import shutil
import threading
import time
from concurrent.futures import Future
from pathlib import Path

import kaleido
from choreographer.browsers.chromium import Chromium
from kaleido.errors import ChromeNotFoundError

from .errors import ChromeMissing, ExportError

# Guards starting and stopping. Renders are not serialised here: each runs on the
# renderer's own event loop, on a tab of its own (kaleido#444 is its sync server's race,
# which we do not use).
LOCK = threading.Lock()
POOL_TABS = 2  # images rendered at once; each tab costs Chrome ~40 MB
RELOAD_EVERY = 20
RENDER_TIMEOUT_S = 90  # one image, in Chrome
QUEUE_TIMEOUT_S = 2 * RENDER_TIMEOUT_S  # waiting for a free tab, then rendering
# Chrome's own traffic off: background networking (field trials, safe-browsing lists),
# component and extension updates, sync, default apps, domain reliability and metrics
# reports, pings; and every host name unresolvable (the page is a local file).
CHROME_FLAGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=OptimizationHints,MediaRouter,Translate,AutofillServerCommunication",
    "--metrics-recording-only",
    "--no-pings",
    "--no-default-browser-check",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)
STOP_TIMEOUT_S = 30  # a Chrome still starting on a loaded machine is waited for, then closed
PLOTLY_BASIC = Path(__file__).parent / "vendor" / "plotly-basic.min.js"
BASIC_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})

_loop: asyncio.AbstractEventLoop | None = None
_opening: Future | None = None  # resolves to the open _Kaleido


class _QuietChromium(Chromium):
    """Chromium as choreographer starts it, with ``CHROME_FLAGS`` added."""

    def get_cli(self) -> list[str]:
        return [*super().get_cli(), *CHROME_FLAGS]


class _Kaleido(kaleido.Kaleido):
    """kaleido with its tabs reloaded every ``RELOAD_EVERY`` images, not after each, and
    at once after a render that failed or timed out (its script may still be running)."""

    images = 0
    reloads = 0

    async def _get_kaleido_tab(self):  # kaleido 1.5's hook, called per image
        tab = await super()._get_kaleido_tab()
        if not getattr(tab, "guarded", False):
            tab._calc_fig = _noting_failure(tab, tab._calc_fig)
            tab.guarded = True
        return tab

    async def _return_kaleido_tab(self, tab) -> None:  # kaleido 1.5's hook, called per image
        self.images += 1
        if self.images % RELOAD_EVERY == 0 or getattr(tab, "failed", False):
            tab.failed = False
            await tab.reload()
            self.reloads += 1
        await self.tabs_ready.put(tab)


def _noting_failure(tab, calc):
    """``calc`` that marks ``tab`` failed when it raises or is cancelled (a timeout)."""

    async def calc_fig(*args, **kwargs):
        try:
            return await calc(*args, **kwargs)
        except BaseException:
            tab.failed = True
            raise

    return calc_fig


async def _open() -> _Kaleido:
    # mathjax=False and a local plotly.js: nothing is fetched from a CDN
    renderer = _Kaleido(
        n=POOL_TABS,
        timeout=RENDER_TIMEOUT_S,
        plotlyjs=PLOTLY_BASIC.as_uri(),
        mathjax=False,
        browser_cls=_QuietChromium,
    )
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
    """One figure as png, svg or pdf bytes, laid out at width x height, pixels x scale.

    Raises ``ExportError`` when it takes longer than the time limit (a timeout is an
    ``OSError``, which would read as a file that cannot be written).
    """
    check_basic(figure, "image export")
    renderer, loop = _renderer()
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    job = asyncio.run_coroutine_threadsafe(renderer.calc_fig(figure, opts=opts), loop)
    try:
        return job.result(timeout=QUEUE_TIMEOUT_S)
    except TimeoutError as exc:  # Chrome's own limit, or ours on waiting for a tab too
        job.cancel()
        msg = (
            f"Rendering took longer than {RENDER_TIMEOUT_S} s and was stopped: "
            "choose fewer lab panels or a shorter window, or try again when the machine "
            "is less busy."
        )
        raise ExportError(msg) from exc


def _renderer() -> tuple[_Kaleido, asyncio.AbstractEventLoop]:
    """The open renderer and its loop, once Chrome has started."""
    global _opening
    start()
    with LOCK:
        opening, loop = _opening, _loop
    assert opening is not None, "start() sets it"
    assert loop is not None, "start() sets it"
    try:
        return opening.result(), loop
    except ChromeNotFoundError as exc:
        with LOCK:
            if _opening is opening:
                _opening = None  # a Chrome installed later is found by the next call
        raise ChromeMissing from exc


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
        return
    _remove_profile(renderer)


def _remove_profile(renderer) -> None:
    """Remove Chrome's temporary profile once its last helper process has let go of it.

    choreographer removes it when the browser closes, but a helper process still writing
    there makes that fail, and the folder's finaliser then prints a traceback at exit.
    Removed here (retried briefly), the finaliser finds nothing left to do.
    """
    folder = getattr(
        getattr(getattr(renderer, "_browser_impl", None), "tmp_dir", None), "path", None
    )
    if folder is None:
        return
    for _ in range(20):
        shutil.rmtree(folder, ignore_errors=True)
        time.sleep(0.05)
        if not os.path.exists(folder):
            return
