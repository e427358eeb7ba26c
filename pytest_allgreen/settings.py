"""The plugin's settings, resolved once per session from options, ini and environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest

ALLGREEN_HELP = "collect allgood.py health checks (the given paths, or allgood.py / config/allgood.py under the root directory)"
ENV_HELP = "environment the checks run in (default: $ALLGREEN_ENV, else development)"
JSON_HELP = "write the allgreen JSON report to this path"
HTML_HELP = "write the allgreen dashboard to this path as one self-contained HTML file"
TIMEOUT_HELP = "default hard limit per check in seconds, 0 for none (default 10)"
MEMORY_HELP = "default memory limit per check, such as 512MB (default: none)"
BAD_MEMORY = (
    "invalid allgreen memory limit {value!r} from {source}: {why}; "
    "give bytes or a size such as '512MB'"
)
STORE_HELP = (
    "where rate-limit state and history live: sqlite:///path, redis://host:6379/0 or memory:// "
    "(default: $ALLGREEN_STORE, else .allgreen/state.sqlite3 beside the config)"
)
FRESH_HELP = "ignore run= rate limits: run every check now (results are still recorded)"
BAD_TIMEOUT = (
    "invalid allgreen timeout {value!r} from {source}: give a number of seconds, 0 for none"
)


def add_options(parser: pytest.Parser) -> None:
    """Declare ``--allgreen*`` options and ``allgreen_*`` ini keys."""
    group = parser.getgroup("allgreen", "allgreen health checks")
    group.addoption("--allgreen", action="store_true", default=False, help=ALLGREEN_HELP)
    group.addoption("--allgreen-env", metavar="NAME", default=None, help=ENV_HELP)
    group.addoption("--allgreen-json", metavar="PATH", default=None, help=JSON_HELP)
    group.addoption("--allgreen-html", metavar="PATH", default=None, help=HTML_HELP)
    group.addoption("--allgreen-timeout", metavar="SECONDS", default=None, help=TIMEOUT_HELP)
    parser.addini("allgreen_timeout", TIMEOUT_HELP, default=None)
    group.addoption("--allgreen-memory-limit", metavar="SIZE", default=None, help=MEMORY_HELP)
    parser.addini("allgreen_memory_limit", MEMORY_HELP, default=None)
    group.addoption("--allgreen-store", metavar="URL", default=None, help=STORE_HELP)
    group.addoption("--allgreen-fresh", action="store_true", default=False, help=FRESH_HELP)
    parser.addini("allgreen_store", STORE_HELP, default=None)


def _timeout(value: object, source: str) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source)) from None
    if seconds < 0:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source))
    return seconds


def _memory(value: object, source: str) -> int | None:
    from allgreen.dsl import parse_memory

    try:
        return parse_memory(str(value))
    except ValueError as exc:
        raise pytest.UsageError(BAD_MEMORY.format(value=value, source=source, why=exc)) from None


@dataclass(frozen=True)
class Settings:
    """What ``--allgreen`` runs with."""

    environment: str
    timeout: float | None
    json_path: Path | None
    memory_limit: int | None = None
    #: the store URL, or ``None`` for the default beside the config.
    store: str | None = None
    #: where ``store`` came from, for error messages.
    store_source: str = "default"
    fresh: bool = False
    html_path: Path | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Resolve: command line, then environment, then ini, then defaults."""
        # allgreen is imported only now: this module loads in every pytest session.
        from allgreen.environment import resolve_environment

        timeout: float | None = None
        if config.getoption("allgreen_timeout") is not None:
            timeout = _timeout(config.getoption("allgreen_timeout"), "--allgreen-timeout")
        elif config.getini("allgreen_timeout"):
            timeout = _timeout(config.getini("allgreen_timeout"), "ini allgreen_timeout")
        memory_limit: int | None = None
        if config.getoption("allgreen_memory_limit") is not None:
            option = config.getoption("allgreen_memory_limit")
            memory_limit = _memory(option, "--allgreen-memory-limit")
        elif config.getini("allgreen_memory_limit"):
            ini = config.getini("allgreen_memory_limit")
            memory_limit = _memory(ini, "ini allgreen_memory_limit")
        json_path = config.getoption("allgreen_json")
        store, store_source = _store(config)
        html_path = config.getoption("allgreen_html")
        return cls(
            environment=resolve_environment(config.getoption("allgreen_env")),
            timeout=timeout,
            json_path=Path(json_path) if json_path else None,
            memory_limit=memory_limit,
            store=store,
            store_source=store_source,
            fresh=bool(config.getoption("allgreen_fresh")),
            html_path=Path(html_path) if html_path else None,
        )


def _store(config: pytest.Config) -> tuple[str | None, str]:
    """Return the store URL and its source: command line, environment, ini, else default."""
    if config.getoption("allgreen_store"):
        return config.getoption("allgreen_store"), "--allgreen-store"
    from allgreen.store import ENV_VARIABLE as STORE_VARIABLE

    if os.environ.get(STORE_VARIABLE):
        return os.environ[STORE_VARIABLE], f"${STORE_VARIABLE}"
    if config.getini("allgreen_store"):
        return str(config.getini("allgreen_store")), "ini allgreen_store"
    return None, "default"
