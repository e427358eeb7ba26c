"""Errors that allgreen raises, and the messages they carry.

Tests import the message templates they assert, so that wording lives here once.
"""

from __future__ import annotations

import os
from pathlib import Path

DUPLICATE_ID = "check {id!r} is defined twice (first at {first}); give one of them another name= or rename the function"
UNKNOWN_OPTION = "check() got an unknown option {option!r}; the options are: {known}"
BAD_OPTION = "check {id!r}: {option}={value!r} is not valid: {why}"
NOT_CALLABLE = (
    '@check must decorate a function, not {what}; write @check("description") above a def'
)
MISSING_DESCRIPTION = (
    '@check needs a description first: write @check("what this verifies") above def {name}()'
)
NO_CONFIG_FOUND = (
    "no allgood.py found in {where} (looked for allgood.py and config/allgood.py); "
    "create one with `allgreen init` or pass its path"
)
CONFIG_NOT_FOUND = "{path}: no such file; pass the path of an existing allgood.py"
SYNTAX = "{location}: syntax error: {msg}; fix the line above and run again"
IMPORT_FAILED = "{location}: loading the config raised {exc}; fix the error above and run again"
UNKNOWN_FIXTURE = (
    "check {id!r} asks for fixture {name!r}, which is not defined in allgood.py or a conftest.py "
    "beside it; define it with @pytest.fixture or remove the argument"
)


class AllgreenError(Exception):
    """Base class of every error allgreen raises on purpose."""


class ConfigError(AllgreenError):
    """A config file could not be loaded: it names the file, the line and the fix."""

    def __init__(self, message: str, path: str | Path | None = None, lineno: int | None = None):
        self.message = message
        self.path = str(path) if path is not None else None
        self.lineno = lineno
        super().__init__(self.__str__())

    @property
    def location(self) -> str:
        """Return ``path:line`` (or just the path) of the offending place."""
        if self.path is None:
            return ""
        return f"{self.path}:{self.lineno}" if self.lineno else self.path

    def relative_to(self, base: str | Path) -> str:
        """Return the message with the config's path shown relative to ``base`` when inside it."""
        text = str(self)
        if self.path is None:
            return text
        try:
            shown = Path(os.path.relpath(self.path, base))
        except ValueError:  # another drive on Windows
            return text
        if shown.parts and shown.parts[0] == "..":
            return text
        return text.replace(self.path, str(shown))

    def __str__(self) -> str:
        if self.path is None or self.message.startswith(self.location):
            return self.message
        return f"{self.location}: {self.message}"


class ConditionError(AllgreenError):
    """A check's ``if_``/``unless`` condition raised: the check is an error, not a crash."""
