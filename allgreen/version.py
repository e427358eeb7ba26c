"""The installed version, defined once in ``pyproject.toml`` and read at run time."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "pytest-allgreen"

try:
    VERSION = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    VERSION = "0+unknown"
