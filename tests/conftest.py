"""Shared fixtures: real services on localhost, skipped when absent (failed under CI=true)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from services import SERVICES, require_service  # noqa: F401  (re-exported for tests)

pytest_plugins = ["pytester"]


@pytest.fixture
def allgood(pytester: pytest.Pytester):
    """Write an ``allgood.py`` in the pytester directory and return its path."""

    def write(source: str, name: str = "allgood.py"):
        return pytester.makepyfile(**{name.removesuffix(".py"): source})

    return write


@pytest.fixture
def write_config(tmp_path: Path) -> Callable[..., Path]:
    """Write an allgood.py (dedented) under a temporary directory and return its path."""

    def write(source: str, name: str = "allgood.py") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(source))
        return path

    return write
