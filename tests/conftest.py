"""Shared fixtures: real services on localhost, skipped when absent (failed under CI=true)."""

from __future__ import annotations

import pytest
from services import SERVICES, require_service  # noqa: F401  (re-exported for tests)

pytest_plugins = ["pytester"]


@pytest.fixture
def allgood(pytester: pytest.Pytester):
    """Write an ``allgood.py`` in the pytester directory and return its path."""

    def write(source: str, name: str = "allgood.py"):
        return pytester.makepyfile(**{name.removesuffix(".py"): source})

    return write
