"""Real services on localhost: skipped when absent, failed under CI=true."""

from __future__ import annotations

import os
import socket

import pytest

SERVICES = {
    "postgresql": ("127.0.0.1", 5432),
    "mariadb": ("127.0.0.1", 3306),
    "redis": ("127.0.0.1", 6379),
    "rabbitmq": ("127.0.0.1", 5672),
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def require_service(name: str) -> tuple[str, int]:
    """Return ``(host, port)`` of a local service; skip (or fail under CI=true) when absent."""
    host, port = SERVICES[name]
    if not _reachable(host, port):
        reason = f"{name} is not running on {host}:{port}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}, and CI=true requires it")
        pytest.skip(reason)
    return host, port
