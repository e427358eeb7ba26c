"""A SQL database answers a query, by URL: PostgreSQL, MySQL/MariaDB or SQLite."""

from __future__ import annotations

import logging
import math
import re
import sqlite3
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    CheckFailed,
    DependencyError,
    check_timeout,
    milliseconds,
    quiet,
    reason,
    require,
    scrub,
    unreachable,
)
from allgreen.observation import observe
from allgreen.redaction import mask_secrets

logger = logging.getLogger(__name__)

QUERY_FAILED = "{service} at {where} could not run {query!r}: {reason}"
WRONG_ANSWER = "{service} at {where} answered {actual!r} to {query!r}, expected {expected!r}"
NO_ROWS = "{service} at {where} returned no rows for {query!r}, expected {expected!r}"
TOO_SLOW = (
    "{service} at {where} answered in {total:.0f} ms (connect {connect:.0f} ms, "
    "query {query:.0f} ms), over the {limit:g} ms limit"
)
UNKNOWN_SCHEME = (
    "{url!r} is not a database URL allgreen knows; use postgresql://, mysql://, "
    "mariadb:// or sqlite:///path"
)

_ANY = object()

# libpq repeats where it connected before saying why; the report already says where.
_LIBPQ_PREFIX = re.compile(
    r"^(?:connection failed: )?connection to server at .*? failed: (?:FATAL:\s+)?"
)

_SERVICES = {
    "postgresql": "PostgreSQL",
    "postgres": "PostgreSQL",
    "mysql": "MySQL",
    "mariadb": "MariaDB",
    "sqlite": "SQLite",
}


@dataclass(frozen=True)
class DatabaseURL:
    """A parsed database URL; the password never shows in its repr."""

    service: str
    host: str
    port: int | None
    database: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    options: dict[str, str] = field(default_factory=dict)

    @property
    def where(self) -> str:
        """Return ``host:port/database``, or the file of a SQLite database."""
        if self.service == "SQLite":
            return self.database
        return f"{self.host}:{self.port}/{self.database}"

    @classmethod
    def parse(cls, url: str) -> DatabaseURL:
        """Parse ``url``; raise ``ValueError`` (without the password) if it is not one."""
        parts = urlsplit(url)
        scheme = parts.scheme.split("+", 1)[0].lower()
        if scheme not in _SERVICES:
            raise ValueError(UNKNOWN_SCHEME.format(url=mask_secrets(url)))
        service = _SERVICES[scheme]
        if service == "SQLite":
            # sqlite:///relative.db and sqlite:////absolute.db, as SQLAlchemy writes them.
            return cls(service, "", None, unquote(parts.path[1:]) or ":memory:")
        default_port = 5432 if service == "PostgreSQL" else 3306
        return cls(
            service=service,
            host=parts.hostname or "localhost",
            port=parts.port or default_port,
            database=unquote(parts.path.lstrip("/")),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            options=dict(parse_qsl(parts.query)),
        )


def sql_query(
    url: str,
    query: str = "SELECT 1",
    *,
    expected: Any = _ANY,
    max_ms: float | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> float:
    """Fail unless the database at ``url`` runs ``query`` (and answers ``expected``).

    PostgreSQL goes through ``psycopg`` (extra ``postgres``), MySQL and MariaDB
    through ``PyMySQL`` (extra ``mysql``), SQLite through the standard library.

    :param url: ``postgresql://user:password@host:5432/db``, ``mysql://…``,
        ``mariadb://…`` or ``sqlite:///path.db``; the password never shows.
    :param query: the statement to run.
    :param expected: when given, the first column of the first row must equal it.
    :param max_ms: the slowest acceptable connect plus query, in milliseconds.
    :param timeout: seconds allowed to connect, and again to run the query.
    :returns: connect plus query time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    target = DatabaseURL.parse(url)
    started = time.perf_counter()
    try:
        connection = _connect(target, timeout)
    except Exception as exc:
        why = _LIBPQ_PREFIX.sub("", reason(exc, timeout, target.password))
        if why[1:2].islower():  # "Connection refused" reads as the other helpers' reasons
            why = why[:1].lower() + why[1:]
        raise unreachable(
            target.service, target.where, exc, timeout, target.password, why=why
        ) from quiet(exc)
    connect_ms = milliseconds(started)
    query_started = time.perf_counter()
    try:
        cursor = connection.cursor()
        cursor.execute(query)
        row = cursor.fetchone() if cursor.description else None
    except Exception as exc:
        why = _query_reason(exc, timeout, target.password)
        message = QUERY_FAILED.format(
            service=target.service, where=target.where, query=query, reason=why
        )
        raise DependencyError(scrub(message, target.password)) from quiet(exc)
    finally:
        connection.close()
    query_ms = milliseconds(query_started)
    total = observe(round(connect_ms + query_ms, 1), "ms")
    logger.debug(
        "%s at %s answered in %.1f ms (connect %.1f ms, query %.1f ms)",
        target.service,
        target.where,
        total,
        connect_ms,
        query_ms,
    )
    facts = {"service": target.service, "where": target.where, "query": query}
    if expected is not _ANY:
        if row is None:
            raise CheckFailed(NO_ROWS.format(**facts, expected=expected))
        if row[0] != expected:
            raise CheckFailed(WRONG_ANSWER.format(**facts, actual=row[0], expected=expected))
    if max_ms is not None and total > max_ms:
        raise CheckFailed(
            TOO_SLOW.format(
                service=target.service,
                where=target.where,
                total=total,
                connect=connect_ms,
                query=query_ms,
                limit=max_ms,
            )
        )
    return total


def _connect(target: DatabaseURL, timeout: float) -> Any:
    """Open a connection to ``target`` whose connect and queries give up after ``timeout``."""
    if target.service == "PostgreSQL":
        psycopg = require("psycopg", extra="postgres", helper="sql_query")
        return psycopg.connect(
            host=target.host,
            port=target.port,
            dbname=target.database or None,
            user=target.user,
            password=target.password,
            # libpq counts whole seconds, and at least 2.
            connect_timeout=max(2, math.ceil(timeout)),
            options=f"-c statement_timeout={int(timeout * 1000)}",
            autocommit=True,
            **target.options,
        )
    if target.service in ("MySQL", "MariaDB"):
        pymysql = require("pymysql", extra="mysql", helper="sql_query", package="PyMySQL")
        return pymysql.connect(
            host=target.host,
            port=target.port,
            database=target.database or None,
            user=target.user,
            password=target.password or "",
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
            autocommit=True,
        )
    return _connect_sqlite(target.database, timeout)


def _connect_sqlite(path: str, timeout: float) -> sqlite3.Connection:
    """Open an existing SQLite file (never create an empty one) with a query deadline."""
    if path == ":memory:":
        connection = sqlite3.connect(path, timeout=timeout)
    else:
        connection = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=timeout)
    deadline = time.monotonic() + timeout
    # Returning true from the progress handler interrupts the running statement.
    connection.set_progress_handler(lambda: time.monotonic() > deadline, 10_000)
    return connection


def _query_reason(exc: BaseException, timeout: float, password: str | None) -> str:
    """Return why a query failed; a statement cut short by its deadline says so."""
    text = reason(exc, timeout, password)
    if "statement timeout" in text or "interrupted" in text:
        return f"{text} (the query took longer than {timeout:g} s)"
    return text
