"""The one Chrome that renders every image, and the lock around it.

Only kaleido is imported here, so the export command can start Chrome (which
takes about 2 s, in the background) before the heavy imports.
"""

from __future__ import annotations

import threading

LOCK = threading.Lock()  # kaleido's server is not thread-safe (kaleido#444)
_started = False


class ChromeMissing(Exception):
    """No Chrome or Chromium to render with."""


def start() -> None:
    """Start the render server once; Chrome comes up in the background."""
    global _started
    with LOCK:
        if _started:
            return
        import kaleido
        from kaleido.errors import ChromeNotFoundError

        try:
            kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        except ChromeNotFoundError as exc:
            raise ChromeMissing from exc
        _started = True
