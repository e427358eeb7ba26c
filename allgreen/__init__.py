"""allgreen: health checks written like tests, run everywhere.

Only the public API is re-exported here.
"""

from __future__ import annotations

from pathlib import Path as _Path

from allgreen.rewrite import load_module as _load_module

# Load the matchers through pytest's assertion rewriter before anything else
# imports them, so a failing expect() explains its values like pytest does.
_load_module("allgreen.expect", _Path(__file__).with_name("expect.py"))

from allgreen.dsl import CheckSpec, check, make_sure  # noqa: E402
from allgreen.engine import RunOptions, run_config  # noqa: E402
from allgreen.errors import ConfigError  # noqa: E402
from allgreen.expect import Expectation, expect  # noqa: E402
from allgreen.loader import LoadedConfig, load_config  # noqa: E402
from allgreen.report import CheckResult, Report  # noqa: E402
from allgreen.version import VERSION as __version__  # noqa: E402

# The web app is exported lazily so that ``import allgreen`` (pytest, the CLI)
# does not import Flask.
_LAZY = {"create_app": "allgreen.web.flask_app", "mount_healthcheck": "allgreen.web.flask_app"}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'allgreen' has no attribute {name!r}")


__all__ = [
    "CheckResult",
    "CheckSpec",
    "ConfigError",
    "Expectation",
    "LoadedConfig",
    "Report",
    "RunOptions",
    "__version__",
    "check",
    "create_app",
    "expect",
    "load_config",
    "make_sure",
    "mount_healthcheck",
    "run_config",
]
