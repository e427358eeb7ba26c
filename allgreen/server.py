"""``allgreen serve``: the endpoint and dashboard on waitress, a production WSGI server.

Starts on the given host and port (0 picks a free one), prints where the page
is, and on SIGTERM or Ctrl-C stops accepting requests, lets the ones in
progress finish, closes the executors and returns 0.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from allgreen.web.flask_app import EXTENSION, create_app

NEEDS_WAITRESS = "allgreen serve needs waitress: pip install 'pytest-allgreen[serve]'"
STARTED = "allgreen: serving {url} (checks from {config}, environment {environment}); press Ctrl-C to stop"
STOPPED = "allgreen: stopped on {signal}, in-flight requests finished"
#: waitress threads: requests share one in-flight run, so a few are plenty.
THREADS = 4


class _Stop(SystemExit):
    """Raised in the main thread by the signal handler; waitress's loop ends on it."""


def _display_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(
    config_path: str | Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    url_prefix: str = "/healthcheck",
    out: TextIO | None = None,
    on_started: Callable[[str], None] | None = None,
    **options: Any,
) -> int:
    """Serve the checks of ``config_path`` until SIGTERM or Ctrl-C; return the exit code (0).

    :param options: the options of :func:`allgreen.create_app` (``environment``,
        ``token``, ``timeout``, ``max_age``, ``refresh_every``, …).
    :param on_started: called with the page's URL once the socket listens.
    :raises ImportError: when waitress (the ``serve`` extra) is not installed.
    """
    try:
        from waitress import create_server  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportError(NEEDS_WAITRESS) from exc
    out = out or sys.stdout
    app = create_app(config_path, url_prefix=url_prefix, **options)
    endpoint = app.extensions[EXTENSION]
    server = create_server(app, host=host, port=port, threads=THREADS, ident="allgreen")
    prefix = "/" + url_prefix.strip("/") if url_prefix.strip("/") else ""
    url = f"http://{_display_host(server.effective_host)}:{server.effective_port}{prefix}"
    config = config_path or "allgood.py"
    received: list[int] = []

    def stop(signum: int, frame: FrameType | None) -> None:
        received.append(signum)
        raise _Stop(0)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        print(
            STARTED.format(url=url, config=config, environment=endpoint.service.environment),
            file=out,
            flush=True,
        )
        if on_started is not None:
            on_started(url)
        # waitress's loop swallows SystemExit: it shuts its task threads down
        # (finishing requests in progress) and returns.
        server.run()
    except _Stop:  # a signal before the loop started
        pass
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        server.close()
        endpoint.service.close()
    name = signal.Signals(received[0]).name if received else "request"
    print(STOPPED.format(signal=name), file=out, flush=True)
    return 0
