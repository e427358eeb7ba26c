"""A writer killed with SIGKILL in the middle of its writes leaves a readable, consistent store."""

from __future__ import annotations

import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from services import require_service

from allgreen.ratelimit import RateLimit
from allgreen.store import HISTORY_LENGTH, Store, open_store

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

# Writes results as fast as it can, each with a sequence number, large enough
# that a write spans many pages; says "writing" once it is well under way.
WRITER = textwrap.dedent(
    """
    import datetime as dt, sys
    from allgreen.ratelimit import RateLimit
    from allgreen.store import open_store

    store = open_store(sys.argv[1])
    limit = RateLimit(1000, "minute")
    i = 0
    while True:
        i += 1
        entry = {"status": "passed", "started_at": str(i), "duration_ms": float(i),
                 "message": f"run {i}", "detail": "x" * 20000}
        store.record_many("crash:test", {"a": entry, "b": entry})
        store.admit("crash:test", "a", limit, dt.datetime.now(dt.timezone.utc))
        if i == 60:
            print("writing", flush=True)
    """
)


def kill_while_writing(url: str, after: float) -> None:
    """Start a writer on ``url`` and SIGKILL it ``after`` seconds into its writes."""
    with subprocess.Popen(
        [sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, text=True
    ) as writer:
        try:
            assert writer.stdout is not None and writer.stdout.readline().strip() == "writing"
            time.sleep(after)
            os.kill(writer.pid, signal.SIGKILL)
        finally:
            writer.kill()
    assert writer.returncode == -signal.SIGKILL


def assert_consistent(store: Store) -> None:
    """Each write saved both checks' last result and history together, or nothing."""
    last_a, last_b = store.last_result("crash:test", "a"), store.last_result("crash:test", "b")
    assert last_a is not None and last_a == last_b
    for check_id in ("a", "b"):
        history = store.history("crash:test", check_id)
        assert len(history) == HISTORY_LENGTH
        numbers = [int(entry["started_at"]) for entry in history]
        assert numbers == list(range(numbers[0], numbers[0] + HISTORY_LENGTH))
        assert history[-1]["message"] == last_a["message"]
    # And the store still works.
    assert store.admit("crash:test", "c", RateLimit(1, "hour"), dt.datetime.now(dt.timezone.utc))
    store.record("crash:test", "a", {"status": "failed", "started_at": "0"})
    assert store.last_result("crash:test", "a") == {"status": "failed", "started_at": "0"}


@pytest.mark.parametrize("after", [0.0, 0.05, 0.13])
def test_sigkill__sqlite_store_stays_readable_and_consistent(tmp_path: Path, after: float) -> None:
    path = tmp_path / "state.sqlite3"
    kill_while_writing(f"sqlite:///{path}", after)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    with open_store(f"sqlite:///{path}") as store:
        assert_consistent(store)


def test_sigkill__redis_store_stays_readable_and_consistent() -> None:
    host, port = require_service("redis")
    prefix = f"allgreen-test-{uuid.uuid4().hex}:"
    url = f"redis://{host}:{port}/0?prefix={prefix}"
    store = open_store(url)
    try:
        kill_while_writing(url, 0.05)
        assert_consistent(store)
    finally:
        client = store.client  # type: ignore[attr-defined]
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        store.close()
