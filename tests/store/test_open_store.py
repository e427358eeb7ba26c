"""open_store: URLs, the default SQLite location, and stores that cannot be used."""

from __future__ import annotations

import datetime as dt
import os
import sys
import warnings
from pathlib import Path

import pytest
from services import require_service

from allgreen.ratelimit import RateLimit
from allgreen.store import (
    MemoryStore,
    SQLiteStore,
    StoreError,
    default_store_path,
    open_store,
)
from allgreen.store.redis import MISSING_EXTRA
from allgreen.store.sqlite import CANNOT_OPEN


def test_open_store__memory_url() -> None:
    assert isinstance(open_store("memory://"), MemoryStore)


def test_open_store__a_store_object_is_used_as_it_is() -> None:
    store = MemoryStore()
    assert open_store(store) is store


def test_open_store__sqlite_url_with_an_absolute_path(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "dir" / "state.sqlite3"
    with open_store(f"sqlite:///{target}") as store:
        assert isinstance(store, SQLiteStore)
        assert store.path == target
    assert target.is_file()


def test_open_store__sqlite_url_with_a_relative_path(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    with open_store("sqlite:///state/here.sqlite3"):
        pass
    assert (tmp_path / "state" / "here.sqlite3").is_file()


def test_open_store__sqlite_runs_in_wal_mode(tmp_path: Path) -> None:
    with SQLiteStore(tmp_path / "s.sqlite3") as store:
        conn = store._connection()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_open_store__redis_url_with_a_key_prefix() -> None:
    host, port = require_service("redis")
    with open_store(f"redis://{host}:{port}/0?prefix=allgreen-test-prefix:") as store:
        assert store.prefix == "allgreen-test-prefix:"  # type: ignore[attr-defined]
        assert store.history("ns", "never") == []


def test_open_store__redis_url_hides_its_password() -> None:
    store = open_store("redis://:hunter2@127.0.0.1:1/0")
    assert "hunter2" not in store.url and "hunter2" not in repr(store)


def test_open_store__unreachable_redis_is_a_store_error_naming_it() -> None:
    store = open_store("redis://127.0.0.1:1/0")  # nothing listens on port 1
    with pytest.raises(StoreError, match=r"redis://127\.0\.0\.1:1/0.*check that Redis is running"):
        store.last_result("ns", "db")


def test_open_store__redis_without_the_extra_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)  # makes `import redis` fail
    with pytest.raises(StoreError) as excinfo:
        open_store("redis://127.0.0.1:6379/0")
    assert str(excinfo.value) == MISSING_EXTRA
    assert "pytest-allgreen[redis]" in MISSING_EXTRA


@pytest.mark.parametrize("spec", ["postgres://x", "sqlite://relative-without-third-slash", "x"])
def test_open_store__an_unknown_url_names_the_forms_and_source(spec: str) -> None:
    with pytest.raises(StoreError) as excinfo:
        open_store(spec, source="--allgreen-store")
    message = str(excinfo.value)
    assert f"{spec!r} (from --allgreen-store)" in message
    assert "sqlite:///" in message and "redis://" in message and "memory://" in message


def test_open_store__the_environment_variable_is_used_when_no_spec(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("ALLGREEN_STORE", "memory://")
    assert isinstance(open_store(None, config_path=tmp_path / "allgood.py"), MemoryStore)
    monkeypatch.setenv("ALLGREEN_STORE", "nonsense")
    with pytest.raises(StoreError, match=r"\(from \$ALLGREEN_STORE\)"):
        open_store(None)


def test_open_store__a_file_that_is_not_sqlite_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "state.sqlite3"
    target.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError) as excinfo:
        SQLiteStore(target)
    assert str(excinfo.value).startswith(CANNOT_OPEN.split("{")[0] + str(target))
    assert "delete the file" in str(excinfo.value)


def test_default_store_path__beside_the_config(tmp_path: Path) -> None:
    path = default_store_path(tmp_path / "allgood.py")
    assert path == tmp_path / ".allgreen" / "state.sqlite3"
    assert (tmp_path / ".allgreen" / ".gitignore").is_file()


def test_default_store_path__falls_back_to_the_cache_dir(tmp_path: Path, monkeypatch) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / ".allgreen").write_text("a file where the state directory would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    path = default_store_path(app / "allgood.py")
    assert path.parent == tmp_path / "cache" / "allgreen"
    assert path.suffix == ".sqlite3"
    assert default_store_path(app / "allgood.py") == path  # stable for the same config
    with SQLiteStore(path):
        pass


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_sqlite__a_forked_child_opens_its_own_connection(tmp_path: Path) -> None:
    """Like a gunicorn worker forked after the app (and its store) was created."""
    store = SQLiteStore(tmp_path / "s.sqlite3")
    limit = RateLimit(1, "hour")
    now = dt.datetime.now(dt.timezone.utc)
    with warnings.catch_warnings():
        # Python 3.12 warns about forking with threads alive (other tests' pools);
        # the child below only touches SQLite and leaves with os._exit.
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: use the inherited object, then leave without cleanup
        code = 0 if store.admit("ns", "db", limit, now).allowed else 1
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not store.admit("ns", "db", limit, now).allowed
    store.close()
