"""Hooks of the allgreen pytest plugin, registered through the ``pytest11`` entry point.

Without ``--allgreen`` the plugin only declares its options and imports
nothing of allgreen. With it, an :class:`~pytest_allgreen.session.AllgreenSession`
registers itself and turns ``allgood.py`` files into items, records each
check's result and writes the report.
"""

from __future__ import annotations

import pytest

from pytest_allgreen.keys import SESSION_KEY
from pytest_allgreen.settings import add_options


def pytest_addoption(parser: pytest.Parser) -> None:
    add_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    if not config.getoption("allgreen"):
        return
    from pytest_allgreen.session import AllgreenSession

    session = AllgreenSession(config)
    config.stash[SESSION_KEY] = session
    config.pluginmanager.register(session, "allgreen-session")


def pytest_unconfigure(config: pytest.Config) -> None:
    session = config.stash.get(SESSION_KEY, None)
    if session is not None:
        session.close()
        config.pluginmanager.unregister(session)
        del config.stash[SESSION_KEY]
