"""The plugin's settings, resolved once per session from options, ini and environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from allgreen.environment import resolve_environment

ALLGREEN_HELP = "collect allgood.py health checks (the given paths, or allgood.py / config/allgood.py under the root directory)"
ENV_HELP = "environment the checks run in (default: $ALLGREEN_ENV, else development)"
JSON_HELP = "write the allgreen JSON report to this path"
HTML_HELP = "write the allgreen dashboard to this path as one self-contained HTML file"
TIMEOUT_HELP = "default hard limit per check in seconds, 0 for none (default 10)"
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


def _timeout(value: object, source: str) -> float:
    try:
        seconds = float(str(value))
    except ValueError:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source)) from None
    if seconds < 0:
        raise pytest.UsageError(BAD_TIMEOUT.format(value=value, source=source))
    return seconds


@dataclass(frozen=True)
class Settings:
    """What ``--allgreen`` runs with."""

    environment: str
    timeout: float | None
    json_path: Path | None
    html_path: Path | None = None

    @classmethod
    def from_config(cls, config: pytest.Config) -> Settings:
        """Resolve: command line, then environment, then ini, then defaults."""
        timeout: float | None = None
        if config.getoption("allgreen_timeout") is not None:
            timeout = _timeout(config.getoption("allgreen_timeout"), "--allgreen-timeout")
        elif config.getini("allgreen_timeout"):
            timeout = _timeout(config.getini("allgreen_timeout"), "ini allgreen_timeout")
        json_path = config.getoption("allgreen_json")
        html_path = config.getoption("allgreen_html")
        return cls(
            environment=resolve_environment(config.getoption("allgreen_env")),
            timeout=timeout,
            json_path=Path(json_path) if json_path else None,
            html_path=Path(html_path) if html_path else None,
        )
