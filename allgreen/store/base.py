"""The store interface: atomic admission, last results and history, per namespace.

A namespace (:func:`namespace`) separates apps and environments sharing one
store. Within it, each check has a run counter for its current rate window,
its last full result, and its recent history. Implementations live beside
this module: SQLite (the default), Redis and in-memory.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allgreen.errors import AllgreenError
from allgreen.ratelimit import RateLimit

#: How many results each check's history keeps.
HISTORY_LENGTH = 50
#: The app name used when none is given.
DEFAULT_APP_NAME = "allgreen"
#: The keys of one history entry, as the dashboard reads them.
HISTORY_KEYS = ("status", "started_at", "duration_ms", "message")


class StoreError(AllgreenError):
    """The store could not be opened, read or written."""


def namespace(app_name: str | None, environment: str) -> str:
    """Return the key prefix that separates one app and environment from the others."""
    return f"{app_name or DEFAULT_APP_NAME}:{environment}"


@dataclass(frozen=True)
class Admission:
    """The answer to "may this check run now?" for one rate window."""

    allowed: bool
    #: runs counted in the window, including this one when it was allowed.
    used: int
    window_start: dt.datetime
    window_end: dt.datetime


def history_entry(result: dict[str, Any]) -> dict[str, Any]:
    """Return the part of a stored result that history keeps."""
    return {key: result.get(key) for key in HISTORY_KEYS}


class Store(abc.ABC):
    """Where run counts, last results and history live.

    Results are plain JSON-ready dicts with at least the keys of
    :data:`HISTORY_KEYS`; ``started_at`` is ISO 8601 in UTC.
    """

    #: a description safe to show (no password), such as ``sqlite:///var/lib/x.sqlite3``.
    url: str = ""

    @abc.abstractmethod
    def admit(self, namespace: str, check_id: str, limit: RateLimit, now: dt.datetime) -> Admission:
        """Count a run of ``check_id`` in the window of ``now`` if ``limit`` allows it.

        Atomic across every process and host sharing the store: of concurrent
        callers, exactly as many are allowed as the window has runs left.
        """

    @abc.abstractmethod
    def record(self, namespace: str, check_id: str, result: dict[str, Any]) -> None:
        """Save ``result`` as the last result of ``check_id`` and append it to its history."""

    def record_many(self, namespace: str, results: dict[str, dict[str, Any]]) -> None:
        """Save the results of several checks (by id); stores may do it in one write."""
        for check_id, result in results.items():
            self.record(namespace, check_id, result)

    @abc.abstractmethod
    def last_result(self, namespace: str, check_id: str) -> dict[str, Any] | None:
        """Return the last recorded result of ``check_id``, or ``None``."""

    @abc.abstractmethod
    def history(
        self, namespace: str, check_id: str, limit: int = HISTORY_LENGTH
    ) -> list[dict[str, Any]]:
        """Return up to ``limit`` recent results of ``check_id``, oldest first.

        Each is ``{"status", "started_at", "duration_ms", "message"}``.
        """

    def histories(
        self, namespace: str, check_ids: Iterable[str], limit: int = HISTORY_LENGTH
    ) -> dict[str, list[dict[str, Any]]]:
        """Return :meth:`history` for several checks; stores may read them in one trip."""
        return {check_id: self.history(namespace, check_id, limit) for check_id in check_ids}

    def close(self) -> None:  # noqa: B027 - stores without resources need nothing here
        """Release connections; the store is not used afterwards."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.url}>"
