"""Fixtures for the web tests: configs on disk, Flask apps that clean up, a live server."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sample_configs import MIXED, PASSING
from werkzeug.serving import make_server

from allgreen.web.flask_app import EXTENSION, create_app


@pytest.fixture
def make_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Flask]]:
    """Return ``create_app`` whose services are closed after the test."""
    monkeypatch.delenv("ALLGREEN_TOKEN", raising=False)
    monkeypatch.delenv("ALLGREEN_ENV", raising=False)
    apps: list[Flask] = []

    def make(config: Path | str, **options: Any) -> Flask:
        app = create_app(config, **options)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions[EXTENSION].service.close()


@pytest.fixture
def live_server() -> Iterator[Callable[[Flask], str]]:
    """Serve apps on 127.0.0.1 at a free port from a thread; return their base URL."""
    servers = []

    def serve(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_port}"

    yield serve
    for server, thread in servers:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


@pytest.fixture
def mixed_config(write_config: Callable[[str], Path]) -> Path:
    """Return a config with a pass, a failure, a skip and a non-critical error."""
    return write_config(MIXED)


@pytest.fixture
def passing_config(write_config: Callable[[str], Path]) -> Path:
    """Return a config whose one check, tagged ``readiness``, passes."""
    return write_config(PASSING)
