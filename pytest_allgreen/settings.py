"""The plugin's settings, resolved once per session from options, ini and environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from allgreen.dsl import parse_memory
from allgreen.environment import resolve_environment

ALLGREEN_HELP = "collect allgood.py health checks (the given paths, or allgood.py / config/allgood.py under the root directory)"
ENV_HELP = "environment the checks run in (default: $ALLGREEN_ENV, else development)"
JSON_HELP = "write the allgreen JSON report to this path"
TIMEOUT_HELP = "default hard limit per check in seconds, 0 for none (default 10)"
MEMORY_HELP = "default memory limit per check, such as 512MB (default: none)"
BAD_MEMORY = (
    "invalid allgreen memory limit {value!r} from {source}: {why}; "
    "give bytes or a size such as '512MB'"
)
BAD_TIMEOUT = "invalid allgreen timeout {value!r} from {source}: give a number of seconds, 0 for none"


def add_options(parser: pytest.Parser) -> None:
    """Declare ``--allgreen*`` options and ``allgreen_*`` ini keys."""
    group = parser.getgroup("allgreen", "allgreen health checks")
    group.addoption("--allgreen", action="store_true", default=False, help=ALLGREEN_HELP)
    group.addoption("--allgreen-env", metavar="NAME", default=None, help=ENV_HELP)
    group.addoption("--allgreen-json", metavar="PATH", default=None, help=JSON_HELP)
    group.addoption("--allgreen-timeout", metavar="SECONDS", default=None, help=TIMEOUT_HELP)
    parser.addini("allgreen_timeout", TIMEOUT_HELP, default=None)
    group.addoption("--allgreen-memory-limit", metavar="SIZE", default=None, help=MEMORY_HELP)
    parser.addini("allgreen_memory_limit", MEMORY_HELP, default=None)


def _timeout(value: object, source: str) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source)) from None
    if seconds < 0:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source))
    return seconds


def _memory(value: object, source: str) -> int | None:
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

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Resolve: command line, then environment, then ini, then defaults."""
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
        return cls(
            environment=resolve_environment(config.getoption("allgreen_env")),
            timeout=timeout,
            json_path=Path(json_path) if json_path else None,
            memory_limit=memory_limit,
        )
