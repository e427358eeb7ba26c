"""Where the plugin keeps its state on the pytest config (``config.stash``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from allgreen.execution import Executor  # noqa: F401
    from pytest_allgreen.session import AllgreenSession  # noqa: F401
    from pytest_allgreen.settings import Settings  # noqa: F401

SETTINGS_KEY = pytest.StashKey["Settings"]()
EXECUTOR_KEY = pytest.StashKey["Executor"]()
SESSION_KEY = pytest.StashKey["AllgreenSession"]()
