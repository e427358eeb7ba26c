"""Redis answers PING, and optionally a write and read back."""

from __future__ import annotations

import logging
import time
import uuid
from urllib.parse import urlsplit

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    CheckFailed,
    check_timeout,
    milliseconds,
    quiet,
    require,
    unreachable,
)
from allgreen.observation import observe
from allgreen.redaction import mask_secrets

logger = logging.getLogger(__name__)

BAD_PONG = "Redis at {where} answered {answer!r} to PING"
ROUND_TRIP_LOST = "Redis at {where} returned {answer!r} for a key just written, expected {value!r}"


def redis_ping(
    url: str = "redis://127.0.0.1:6379/0",
    *,
    round_trip: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
) -> float:
    """Raise an error unless Redis at ``url`` answers PING; return the time it took.

    :param url: ``redis://[:password@]host:port/db`` or ``rediss://…``; the
        password never shows.
    :param round_trip: also write a short-lived key, read it back and delete it.
    :param timeout: seconds to wait for the connection and for each answer.
    :returns: the time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    redis = require("redis", extra="redis", helper="redis_ping")
    parts = urlsplit(url)
    where = f"{parts.hostname or '127.0.0.1'}:{parts.port or 6379}"
    password = parts.password
    started = time.perf_counter()
    try:
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            # One try: a retry would double the wait past the check's own limit.
            retry=redis.retry.Retry(redis.backoff.NoBackoff(), 0),
        )
        with client:
            answer = client.ping()
            if answer is not True:
                raise CheckFailed(BAD_PONG.format(where=where, answer=answer))
            if round_trip:
                _write_and_read(client, where)
    except redis.RedisError as exc:
        raise unreachable("Redis", where, exc, timeout, password) from quiet(exc)
    except ValueError as exc:  # a malformed URL
        raise ValueError(mask_secrets(str(exc))) from None
    elapsed = observe(milliseconds(started), "ms")
    logger.debug("Redis at %s answered in %.1f ms", where, elapsed)
    return elapsed


def _write_and_read(client: object, where: str) -> None:
    """Write a unique key that expires by itself, read it back, and delete it."""
    __tracebackhide__ = True
    key = f"allgreen:probe:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    client.set(key, value, px=60_000)  # type: ignore[attr-defined]
    answer = client.get(key)  # type: ignore[attr-defined]
    client.delete(key)  # type: ignore[attr-defined]
    if answer is None or answer.decode() != value:
        raise CheckFailed(ROUND_TRIP_LOST.format(where=where, answer=answer, value=value))
