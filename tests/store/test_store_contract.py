"""What every store does the same way: memory, SQLite and the real Redis on localhost."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from services import require_service

from allgreen.ratelimit import RateLimit
from allgreen.store import HISTORY_LENGTH, MemoryStore, SQLiteStore, Store, namespace

UTC = dt.timezone.utc
NOON = dt.datetime(2024, 6, 5, 12, 0, tzinfo=UTC)


def redis_store() -> Iterator[Store]:
    """Yield a Redis store under a key prefix of its own, and delete its keys afterwards."""
    host, port = require_service("redis")
    from allgreen.store.redis import RedisStore

    prefix = f"allgreen-test-{uuid.uuid4().hex}:"
    store = RedisStore(f"redis://{host}:{port}/0?prefix={prefix}")
    try:
        yield store
    finally:
        for key in store.client.scan_iter(match=f"{prefix}*"):
            store.client.delete(key)
        store.close()


@pytest.fixture(params=["memory", "sqlite", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "redis":
        yield from redis_store()
    elif request.param == "sqlite":
        with SQLiteStore(tmp_path / "state.sqlite3") as opened:
            yield opened
    else:
        yield MemoryStore()


def result(status: str = "passed", when: str = "2024-06-05T12:00:00.000Z", **extra):
    return {"status": status, "started_at": when, "duration_ms": 1.5, "message": None, **extra}


def test_admit__allows_n_runs_per_window_then_refuses(store: Store) -> None:
    limit = RateLimit(2, "hour")
    answers = [
        store.admit("app:prod", "db", limit, NOON + dt.timedelta(minutes=i)) for i in range(3)
    ]
    assert [(a.allowed, a.used) for a in answers] == [(True, 1), (True, 2), (False, 2)]
    assert answers[2].window_start == NOON
    assert answers[2].window_end == NOON + dt.timedelta(hours=1)


def test_admit__a_new_window_starts_from_zero(store: Store) -> None:
    limit = RateLimit(1, "day")
    assert store.admit("ns", "db", limit, NOON).allowed
    assert not store.admit("ns", "db", limit, NOON.replace(hour=23, minute=59)).allowed
    tomorrow = store.admit("ns", "db", limit, NOON + dt.timedelta(hours=12))
    assert (tomorrow.allowed, tomorrow.used) == (True, 1)


def test_admit__counts_each_check_and_namespace_apart(store: Store) -> None:
    limit = RateLimit(1, "hour")
    assert store.admit(namespace("shop", "production"), "db", limit, NOON).allowed
    assert store.admit(namespace("shop", "staging"), "db", limit, NOON).allowed
    assert store.admit(namespace("blog", "production"), "db", limit, NOON).allowed
    assert store.admit(namespace("shop", "production"), "cache", limit, NOON).allowed
    assert not store.admit(namespace("shop", "production"), "db", limit, NOON).allowed


def test_admit__is_atomic_across_threads(store: Store) -> None:
    limit = RateLimit(5, "minute")
    allowed: list[bool] = []
    barrier = threading.Barrier(16)

    def ask() -> None:
        barrier.wait()
        allowed.append(store.admit("ns", "db", limit, NOON).allowed)

    threads = [threading.Thread(target=ask) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 5


def test_record__keeps_the_last_full_result(store: Store) -> None:
    assert store.last_result("ns", "db") is None
    store.record("ns", "db", result("passed"))
    store.record("ns", "db", result("failed", detail="assert 1 == 2", observed_value=3))
    last = store.last_result("ns", "db")
    assert last is not None
    assert (last["status"], last["detail"], last["observed_value"]) == (
        "failed",
        "assert 1 == 2",
        3,
    )


def test_history__keeps_the_last_50_oldest_first(store: Store) -> None:
    for i in range(HISTORY_LENGTH + 7):
        store.record("ns", "db", result(message=f"run {i}", detail="long text"))
    history = store.history("ns", "db")
    assert len(history) == HISTORY_LENGTH
    assert history[0]["message"] == "run 7"
    assert history[-1]["message"] == f"run {HISTORY_LENGTH + 6}"
    assert set(history[0]) == {"status", "started_at", "duration_ms", "message"}
    assert [h["message"] for h in store.history("ns", "db", limit=2)] == ["run 55", "run 56"]


def test_history__is_per_check_and_namespace(store: Store) -> None:
    store.record_many("a:prod", {"db": result("passed"), "cache": result("failed")})
    store.record("b:prod", "db", result("error"))
    assert [h["status"] for h in store.history("a:prod", "db")] == ["passed"]
    assert [h["status"] for h in store.history("a:prod", "cache")] == ["failed"]
    assert [h["status"] for h in store.history("b:prod", "db")] == ["error"]
    assert store.history("c:prod", "db") == []


def test_histories__reads_several_checks_at_once(store: Store) -> None:
    store.record_many("ns", {"db": result("passed"), "cache": result("failed")})
    found = store.histories("ns", ["db", "cache", "never"])
    assert found == {
        "db": store.history("ns", "db"),
        "cache": store.history("ns", "cache"),
        "never": [],
    }
    assert [h["status"] for h in found["cache"]] == ["failed"]
