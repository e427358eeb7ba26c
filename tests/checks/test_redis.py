"""redis_ping against the real Redis on this machine."""

from __future__ import annotations

import time

import pytest
from services import require_service

from allgreen import checks

pytest.importorskip("redis")

SECRET = "n0t-the-Passw0rd"


@pytest.fixture
def redis_url() -> str:
    host, port = require_service("redis")
    return f"redis://{host}:{port}/0"


def test_redis_ping__answers_and_observes_the_time(redis_url: str, run_check) -> None:
    ran = run_check(checks.redis_ping, redis_url)
    assert ran.status == "passed", ran.message
    assert ran.outcome.observed_value > 0
    assert ran.result.observed_unit == "ms"


def test_redis_ping__round_trip_writes_reads_and_cleans_up(redis_url: str, run_check) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    before = set(client.scan_iter("allgreen:probe:*"))
    ran = run_check(checks.redis_ping, redis_url, round_trip=True)
    assert ran.status == "passed", ran.message
    assert set(client.scan_iter("allgreen:probe:*")) == before
    client.close()


def test_redis_ping__wrong_password_is_an_error_without_the_password(
    redis_url: str, run_check
) -> None:
    url = redis_url.replace("redis://", f"redis://nobody:{SECRET}@")
    ran = run_check(checks.redis_ping, url)
    assert ran.status == "error"
    assert ran.message == (
        "Unable to connect to Redis at 127.0.0.1:6379: invalid username-password pair "
        "or user is disabled."
    )
    assert SECRET not in ran.text()


def test_redis_ping__wrong_port_is_an_error(closed_port: int, run_check) -> None:
    ran = run_check(checks.redis_ping, f"redis://:{SECRET}@127.0.0.1:{closed_port}/0")
    assert ran.status == "error"
    assert (
        ran.message == f"Unable to connect to Redis at 127.0.0.1:{closed_port}: connection refused"
    )
    assert SECRET not in ran.text()


def test_redis_ping__unknown_host_is_an_error(run_check) -> None:
    ran = run_check(checks.redis_ping, "redis://nowhere.invalid:6379/0")
    assert ran.status == "error"
    assert ran.message.startswith(
        "Unable to connect to Redis at nowhere.invalid:6379: the name does not resolve"
    )


def test_redis_ping__hung_server_stops_at_the_helpers_timeout(silent_server, run_check) -> None:
    host, port = silent_server
    started = time.monotonic()
    ran = run_check(checks.redis_ping, f"redis://{host}:{port}/0", timeout=0.3)
    assert time.monotonic() - started < 1.5
    assert ran.status == "error"
    assert ran.message == f"Unable to connect to Redis at {host}:{port}: no answer within 0.3 s"
