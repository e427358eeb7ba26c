"""A Redis store, for a fleet of hosts sharing one state (``store="redis://host:6379/0"``).

Admission is one Lua script, which Redis runs atomically: the read of the
window's counter and its increment cannot interleave with another host's.
A result is saved with ``MULTI``/``EXEC``, so its last value and its history
change together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from allgreen.ratelimit import RateLimit
from allgreen.redaction import mask_secrets
from allgreen.store.base import HISTORY_LENGTH, Admission, Store, StoreError, history_entry

if TYPE_CHECKING:
    import redis as redis_lib

MISSING_EXTRA = "the Redis store needs the 'redis' package: pip install 'pytest-allgreen[redis]'"
UNREACHABLE = "cannot use the allgreen store {url}: {error}; check that Redis is running there"
#: Prefix of every key, unless the URL says ``?prefix=...``.
DEFAULT_PREFIX = "allgreen:"

# KEYS[1] the window's counter; ARGV: limit, seconds the counter lives.
# A lifetime of one window (not an absolute end) means a host with a skewed
# clock, or a test travelling in time, never sets an expiry in the past.
_ADMIT = """
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
if used >= tonumber(ARGV[1]) then
    return {0, used}
end
used = redis.call('INCR', KEYS[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return {1, used}
"""


def _redis_module() -> Any:
    try:
        import redis
    except ImportError as exc:
        raise StoreError(MISSING_EXTRA) from exc
    return redis


class RedisStore(Store):
    """Keep state in Redis under ``prefix``; give a URL or a ``redis.Redis`` client."""

    def __init__(
        self, url_or_client: str | redis_lib.Redis, *, prefix: str = DEFAULT_PREFIX
    ) -> None:
        redis = _redis_module()
        if isinstance(url_or_client, str):
            url, query_prefix = _split_prefix(url_or_client)
            prefix = query_prefix if query_prefix is not None else prefix
            self.client = redis.Redis.from_url(url)
            self.url = mask_secrets(url_or_client)
            self._owns_client = True
        else:
            self.client = url_or_client
            self.url = f"redis client {url_or_client!r}"
            self._owns_client = False
        self.prefix = prefix
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        self._admit = self.client.register_script(_ADMIT)

    def _key(self, namespace: str, check_id: str, *parts: object) -> str:
        return ":".join([f"{self.prefix}{namespace}", check_id, *map(str, parts)])

    def _fail(self, exc: BaseException) -> StoreError:
        return StoreError(UNREACHABLE.format(url=self.url, error=exc))

    def admit(self, namespace: str, check_id: str, limit: RateLimit, now: dt.datetime) -> Admission:
        start, end = limit.window(now)
        key = self._key(namespace, check_id, "runs", limit.period, int(start.timestamp()))
        try:
            ttl = int((end - start).total_seconds()) + 60
            allowed, used = self._admit(keys=[key], args=[limit.times, ttl])
        except self._errors as exc:
            raise self._fail(exc) from exc
        return Admission(bool(allowed), int(used), start, end)

    def record(self, namespace: str, check_id: str, result: dict[str, Any]) -> None:
        self.record_many(namespace, {check_id: result})

    def record_many(self, namespace: str, results: dict[str, dict[str, Any]]) -> None:
        if not results:
            return
        try:
            with self.client.pipeline(transaction=True) as pipe:
                for check_id, result in results.items():
                    history = self._key(namespace, check_id, "history")
                    pipe.set(
                        self._key(namespace, check_id, "last"), json.dumps(result, default=str)
                    )
                    pipe.rpush(history, json.dumps(history_entry(result), default=str))
                    pipe.ltrim(history, -HISTORY_LENGTH, -1)
                pipe.execute()
        except self._errors as exc:
            raise self._fail(exc) from exc

    def last_result(self, namespace: str, check_id: str) -> dict[str, Any] | None:
        try:
            raw = self.client.get(self._key(namespace, check_id, "last"))
        except self._errors as exc:
            raise self._fail(exc) from exc
        return json.loads(raw) if raw is not None else None

    def history(
        self, namespace: str, check_id: str, limit: int = HISTORY_LENGTH
    ) -> list[dict[str, Any]]:
        if limit <= 0:
            return []
        try:
            raw = self.client.lrange(self._key(namespace, check_id, "history"), -limit, -1)
        except self._errors as exc:
            raise self._fail(exc) from exc
        entries: list[dict[str, Any]] = json.loads(b"[" + b",".join(raw) + b"]")
        return entries

    def histories(
        self, namespace: str, check_ids: Iterable[str], limit: int = HISTORY_LENGTH
    ) -> dict[str, list[dict[str, Any]]]:
        check_ids = list(check_ids)
        if limit <= 0:
            return {check_id: [] for check_id in check_ids}
        try:
            with self.client.pipeline(transaction=False) as pipe:
                for check_id in check_ids:
                    pipe.lrange(self._key(namespace, check_id, "history"), -limit, -1)
                replies = pipe.execute()
        except self._errors as exc:
            raise self._fail(exc) from exc
        return {
            check_id: json.loads(b"[" + b",".join(raw) + b"]")
            for check_id, raw in zip(check_ids, replies, strict=True)
        }

    def close(self) -> None:
        if self._owns_client:
            self.client.close()


def _split_prefix(url: str) -> tuple[str, str | None]:
    """Take allgreen's own ``prefix=`` out of a Redis URL's query, which redis-py would reject."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((value for key, value in query if key == "prefix"), None)
    rest = urllib.parse.urlencode([(key, value) for key, value in query if key != "prefix"])
    return urllib.parse.urlunsplit(parts._replace(query=rest)), prefix
