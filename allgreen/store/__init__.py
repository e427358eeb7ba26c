"""Where rate-limit state, last results and history live: :func:`open_store`.

``store=`` (or ``--allgreen-store``, ``$ALLGREEN_STORE``) is one of:

- ``None``: ``$ALLGREEN_STORE`` when set, else the default SQLite file
  ``.allgreen/state.sqlite3`` beside the config (or, when that directory is
  not writable, ``allgreen/<hash>.sqlite3`` under the user's cache directory);
- ``"sqlite:///path/to/file.sqlite3"`` (a relative path after the three
  slashes is relative to the current directory; four slashes for absolute);
- ``"redis://[:password@]host:6379/0[?prefix=myapp:]"``;
- ``"memory://"``: state that lives as long as the store object;
- a :class:`Store` object, used as it is.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from allgreen.store.base import (
    HISTORY_LENGTH,
    Admission,
    Store,
    StoreError,
    namespace,
)
from allgreen.store.memory import MemoryStore
from allgreen.store.sqlite import SQLiteStore

ENV_VARIABLE = "ALLGREEN_STORE"
#: Directory, beside the config, that holds the default SQLite file.
STATE_DIRECTORY = ".allgreen"
STATE_FILE = "state.sqlite3"
BAD_STORE = (
    "unknown allgreen store {spec!r} (from {source}): give 'sqlite:///path/state.sqlite3', "
    "'redis://host:6379/0', 'memory://' or a Store object"
)

# Like pytest's cache directory: keep the state out of version control.
_GITIGNORE = "# Created by allgreen: rate-limit state and history, not for version control.\n*\n"


def default_store_path(config_path: str | Path | None = None) -> Path:
    """Return the default SQLite file for the config at ``config_path``.

    ``.allgreen/state.sqlite3`` in the config's directory when it can be
    written there, else a file named after the config under the user's cache
    directory (``$XDG_CACHE_HOME`` or ``~/.cache``).
    """
    config_dir = Path(config_path).resolve().parent if config_path else Path.cwd()
    state_dir = config_dir / STATE_DIRECTORY
    try:
        state_dir.mkdir(exist_ok=True)
        ignore = state_dir / ".gitignore"
        if not ignore.exists():
            ignore.write_text(_GITIGNORE, encoding="utf-8")
        if os.access(state_dir, os.W_OK):
            return state_dir / STATE_FILE
    except OSError:
        pass
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "allgreen"
    digest = hashlib.sha1(str(config_dir).encode()).hexdigest()[:12]
    return cache / f"{digest}.sqlite3"


def open_store(
    spec: str | Store | None = None,
    *,
    config_path: str | Path | None = None,
    source: str = "store=",
) -> Store:
    """Return the store that ``spec`` names (see the module docstring for the forms).

    :param spec: a URL, a :class:`Store`, or ``None`` for ``$ALLGREEN_STORE`` or the default.
    :param config_path: the config whose directory holds the default SQLite file.
    :param source: where ``spec`` came from, named in errors (e.g. ``"--allgreen-store"``).
    :raises StoreError: when the spec is unknown or the store cannot be opened.
    """
    if isinstance(spec, Store):
        return spec
    if spec is None or spec == "":
        spec = os.environ.get(ENV_VARIABLE) or None
        source = f"${ENV_VARIABLE}"
    if spec is None:
        return SQLiteStore(default_store_path(config_path))
    if not isinstance(spec, str):
        raise StoreError(BAD_STORE.format(spec=spec, source=source))
    if spec.startswith("sqlite:///"):
        return SQLiteStore(Path(spec.removeprefix("sqlite:///")).expanduser())
    if spec.startswith(("redis://", "rediss://", "unix://")):
        from allgreen.store.redis import RedisStore

        return RedisStore(spec)
    if spec in ("memory://", "memory:"):
        return MemoryStore()
    raise StoreError(BAD_STORE.format(spec=spec, source=source))


__all__ = [
    "HISTORY_LENGTH",
    "Admission",
    "MemoryStore",
    "SQLiteStore",
    "Store",
    "StoreError",
    "default_store_path",
    "namespace",
    "open_store",
]
