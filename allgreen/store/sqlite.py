"""The default store: one SQLite file, safe for many processes on one host.

The file is in WAL mode, and every change happens in a ``BEGIN IMMEDIATE``
transaction, which takes the database's write lock before reading: two
processes asking for the last run of a window cannot both get it. SQLite's
journal makes each transaction all-or-nothing, so a process killed at any
moment leaves the file readable and consistent.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from allgreen.ratelimit import RateLimit
from allgreen.store.base import HISTORY_LENGTH, Admission, Store, StoreError, history_entry

CANNOT_OPEN = (
    "cannot use the allgreen store {path}: {error}; give a writable location with "
    "store='sqlite:///path/state.sqlite3' or $ALLGREEN_STORE, or delete the file if it is not "
    "a SQLite database"
)
#: Seconds a process waits for another one's write lock before giving up.
BUSY_TIMEOUT = 30.0
SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_windows (
    namespace TEXT NOT NULL,
    check_id TEXT NOT NULL,
    period TEXT NOT NULL,
    window_start INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    PRIMARY KEY (namespace, check_id)
);
CREATE TABLE IF NOT EXISTS last_results (
    namespace TEXT NOT NULL,
    check_id TEXT NOT NULL,
    result TEXT NOT NULL,
    PRIMARY KEY (namespace, check_id)
);
CREATE TABLE IF NOT EXISTS history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace TEXT NOT NULL,
    check_id TEXT NOT NULL,
    entry TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS history_by_check ON history (namespace, check_id, id);
"""


def _dumps(value: dict[str, Any]) -> str:
    # default=str: an observed value that JSON cannot hold is kept as its text.
    return json.dumps(value, default=str, separators=(",", ":"))


class SQLiteStore(Store):
    """Keep state in the SQLite file at ``path`` (created with its directory)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        with self._lock:
            self._connection()

    # -- connection --------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        """Return this process's connection, opening it (again after a fork) when needed."""
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
            )
            _enable_wal(conn)
            # NORMAL is safe against a killed process in WAL mode; only power loss
            # can drop the latest commits, and never corrupts the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            with _immediate(conn):
                # One statement at a time: executescript() would commit early.
                for statement in filter(str.strip, _SCHEMA.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(CANNOT_OPEN.format(path=self.path, error=exc)) from exc
        self._conn, self._pid = conn, os.getpid()
        return conn

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                with _immediate(conn):
                    yield conn
            except sqlite3.Error as exc:
                raise StoreError(CANNOT_OPEN.format(path=self.path, error=exc)) from exc

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            conn = self._connection()
            try:
                yield conn
            except sqlite3.Error as exc:
                raise StoreError(CANNOT_OPEN.format(path=self.path, error=exc)) from exc

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None

    # -- the interface -----------------------------------------------------

    def admit(self, namespace: str, check_id: str, limit: RateLimit, now: dt.datetime) -> Admission:
        start, end = limit.window(now)
        window = int(start.timestamp())
        with self._write() as conn:
            row = conn.execute(
                "SELECT period, window_start, runs FROM rate_windows"
                " WHERE namespace = ? AND check_id = ?",
                (namespace, check_id),
            ).fetchone()
            used = row[2] if row is not None and tuple(row[:2]) == (limit.period, window) else 0
            allowed = used < limit.times
            if allowed:
                used += 1
                conn.execute(
                    "INSERT OR REPLACE INTO rate_windows VALUES (?, ?, ?, ?, ?)",
                    (namespace, check_id, limit.period, window, used),
                )
        return Admission(allowed, used, start, end)

    def record(self, namespace: str, check_id: str, result: dict[str, Any]) -> None:
        self.record_many(namespace, {check_id: result})

    def record_many(self, namespace: str, results: dict[str, dict[str, Any]]) -> None:
        if not results:
            return
        with self._write() as conn:
            for check_id, result in results.items():
                conn.execute(
                    "INSERT OR REPLACE INTO last_results VALUES (?, ?, ?)",
                    (namespace, check_id, _dumps(result)),
                )
                conn.execute(
                    "INSERT INTO history (namespace, check_id, entry) VALUES (?, ?, ?)",
                    (namespace, check_id, _dumps(history_entry(result))),
                )
                conn.execute(
                    "DELETE FROM history WHERE namespace = ? AND check_id = ? AND id <= ("
                    " SELECT id FROM history WHERE namespace = ? AND check_id = ?"
                    " ORDER BY id DESC LIMIT 1 OFFSET ?)",
                    (namespace, check_id, namespace, check_id, HISTORY_LENGTH),
                )

    def last_result(self, namespace: str, check_id: str) -> dict[str, Any] | None:
        with self._read() as conn:
            row = conn.execute(
                "SELECT result FROM last_results WHERE namespace = ? AND check_id = ?",
                (namespace, check_id),
            ).fetchone()
        return json.loads(row[0]) if row is not None else None

    def history(
        self, namespace: str, check_id: str, limit: int = HISTORY_LENGTH
    ) -> list[dict[str, Any]]:
        with self._read() as conn:
            rows = conn.execute(
                "SELECT entry FROM history WHERE namespace = ? AND check_id = ?"
                " ORDER BY id DESC LIMIT ?",
                (namespace, check_id, max(0, limit)),
            ).fetchall()
        # One decode for the whole list: a page shows 50 entries for every check.
        entries: list[dict[str, Any]] = json.loads(
            "[" + ",".join(row[0] for row in reversed(rows)) + "]"
        )
        return entries


def _enable_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL mode once, waiting while another process does the same."""
    # Changing the journal mode does not wait on the busy timeout: when several
    # processes open a new file at once, the losers retry until one has switched it.
    deadline = time.monotonic() + BUSY_TIMEOUT
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


@contextlib.contextmanager
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """Run the block in one transaction that holds the write lock from its start."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
