"""An in-memory store, for tests and one-off runs: state lives as long as the object."""

from __future__ import annotations

import collections
import copy
import datetime as dt
import threading
from typing import Any

from allgreen.ratelimit import RateLimit
from allgreen.store.base import HISTORY_LENGTH, Admission, Store, history_entry

_Key = tuple[str, str]


class MemoryStore(Store):
    """Keep state in this process; threads of the process share it safely."""

    url = "memory://"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._windows: dict[_Key, tuple[str, dt.datetime, int]] = {}
        self._last: dict[_Key, dict[str, Any]] = {}
        self._history: dict[_Key, collections.deque[dict[str, Any]]] = {}

    def admit(self, namespace: str, check_id: str, limit: RateLimit, now: dt.datetime) -> Admission:
        start, end = limit.window(now)
        key = (namespace, check_id)
        with self._lock:
            period, window_start, used = self._windows.get(key, (limit.period, start, 0))
            if (period, window_start) != (limit.period, start):
                used = 0
            allowed = used < limit.times
            if allowed:
                used += 1
                self._windows[key] = (limit.period, start, used)
        return Admission(allowed, used, start, end)

    def record(self, namespace: str, check_id: str, result: dict[str, Any]) -> None:
        key = (namespace, check_id)
        with self._lock:
            self._last[key] = copy.deepcopy(result)
            entries = self._history.setdefault(key, collections.deque(maxlen=HISTORY_LENGTH))
            entries.append(history_entry(result))

    def last_result(self, namespace: str, check_id: str) -> dict[str, Any] | None:
        with self._lock:
            result = self._last.get((namespace, check_id))
            return copy.deepcopy(result) if result is not None else None

    def history(
        self, namespace: str, check_id: str, limit: int = HISTORY_LENGTH
    ) -> list[dict[str, Any]]:
        with self._lock:
            entries = list(self._history.get((namespace, check_id), ()))
        return [dict(entry) for entry in entries[-limit:]] if limit > 0 else []
