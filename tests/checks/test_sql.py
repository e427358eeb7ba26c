"""sql_query against the real PostgreSQL and MariaDB on this machine, and SQLite files."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from services import require_service

from allgreen import checks
from allgreen.checks.sql import NO_ROWS, TOO_SLOW, UNKNOWN_SCHEME, WRONG_ANSWER, DatabaseURL

SECRET = "n0t-the-Passw0rd"


@pytest.fixture
def postgres() -> str:
    pytest.importorskip("psycopg")
    host, port = require_service("postgresql")
    return f"postgresql://postgres:{SECRET}@{host}:{port}/test"


@pytest.fixture
def mariadb() -> str:
    pytest.importorskip("pymysql")
    host, port = require_service("mariadb")
    return f"mysql://root@{host}:{port}/test"


# PostgreSQL ----------------------------------------------------------------


def test_postgres__answers_and_observes_the_time(postgres: str, run_check) -> None:
    ran = run_check(checks.sql_query, postgres, "SELECT 41 + 1", expected=42)
    assert ran.status == "passed", ran.message
    assert ran.outcome.observed_value > 0
    assert ran.result.observed_unit == "ms"


def test_postgres__wrong_answer_fails(postgres: str, run_check) -> None:
    ran = run_check(checks.sql_query, postgres, "SELECT 1", expected=2)
    assert ran.status == "failed"
    assert ran.message == WRONG_ANSWER.format(
        service="PostgreSQL", where="127.0.0.1:5432/test", actual=1, query="SELECT 1", expected=2
    )


def test_postgres__no_rows_fails(postgres: str, run_check) -> None:
    ran = run_check(checks.sql_query, postgres, "SELECT 1 WHERE false", expected=1)
    assert ran.status == "failed"
    assert ran.message == NO_ROWS.format(
        service="PostgreSQL", where="127.0.0.1:5432/test", query="SELECT 1 WHERE false", expected=1
    )


def test_postgres__wrong_port_is_an_error_without_the_password(
    postgres: str, closed_port: int, run_check
) -> None:
    url = postgres.replace(":5432/", f":{closed_port}/")
    ran = run_check(checks.sql_query, url)
    assert ran.status == "error"
    assert ran.message == (
        f"Unable to connect to PostgreSQL at 127.0.0.1:{closed_port}/test: connection refused"
    )
    assert SECRET not in ran.text()


def test_postgres__unknown_database_is_an_error_without_the_password(
    postgres: str, run_check
) -> None:
    # The server trusts local logins, so a wrong password is accepted; a wrong
    # database is the refusal it can give.
    ran = run_check(checks.sql_query, postgres.replace("/test", "/no_such_db"))
    assert ran.status == "error"
    assert ran.message == (
        'Unable to connect to PostgreSQL at 127.0.0.1:5432/no_such_db: database "no_such_db" '
        "does not exist"
    )
    assert SECRET not in ran.text()


def test_postgres__unknown_host_is_an_error(postgres: str, run_check) -> None:
    ran = run_check(checks.sql_query, postgres.replace("127.0.0.1", "nowhere.invalid"))
    assert ran.status == "error"
    assert ran.message.startswith("Unable to connect to PostgreSQL at nowhere.invalid:5432/test: ")
    assert "nowhere.invalid" in ran.message.split(": ", 1)[1]
    assert SECRET not in ran.text()


def test_postgres__slow_query_stops_at_the_helpers_timeout(postgres: str, run_check) -> None:
    started = time.monotonic()
    ran = run_check(checks.sql_query, postgres, "SELECT pg_sleep(5)", timeout=0.5)
    assert time.monotonic() - started < 3
    assert ran.status == "error"
    assert ran.message == (
        "PostgreSQL at 127.0.0.1:5432/test could not run 'SELECT pg_sleep(5)': canceling "
        "statement due to statement timeout (the query took longer than 0.5 s)"
    )


def test_postgres__slower_than_max_ms_fails_with_both_times(postgres: str, run_check) -> None:
    ran = run_check(checks.sql_query, postgres, "SELECT pg_sleep(0.05)", max_ms=1)
    assert ran.status == "failed"
    assert ran.message.startswith("PostgreSQL at 127.0.0.1:5432/test answered in ")
    assert "(connect " in ran.message and " ms, query " in ran.message
    assert ran.message.endswith("over the 1 ms limit")
    assert ran.outcome.observed_value >= 50


# MariaDB -------------------------------------------------------------------


def test_mariadb__answers(mariadb: str, run_check) -> None:
    ran = run_check(checks.sql_query, mariadb, "SELECT 6 * 7", expected=42)
    assert ran.status == "passed", ran.message
    assert ran.result.observed_unit == "ms"


def test_mariadb__wrong_password_is_an_error_without_the_password(mariadb: str, run_check) -> None:
    ran = run_check(checks.sql_query, mariadb.replace("root@", f"root:{SECRET}@"))
    assert ran.status == "error"
    assert ran.message.startswith(
        "Unable to connect to MySQL at 127.0.0.1:3306/test: access denied"
    )
    assert SECRET not in ran.text()


def test_mariadb__wrong_port_is_an_error(mariadb: str, closed_port: int, run_check) -> None:
    url = mariadb.replace("root@", f"root:{SECRET}@").replace(":3306/", f":{closed_port}/")
    ran = run_check(checks.sql_query, url)
    assert ran.status == "error"
    assert (
        ran.message
        == f"Unable to connect to MySQL at 127.0.0.1:{closed_port}/test: connection refused"
    )
    assert SECRET not in ran.text()


def test_mariadb__hung_server_stops_at_the_helpers_timeout(silent_server, run_check) -> None:
    pytest.importorskip("pymysql")
    host, port = silent_server
    started = time.monotonic()
    ran = run_check(checks.sql_query, f"mariadb://root:{SECRET}@{host}:{port}/test", timeout=0.3)
    assert time.monotonic() - started < 2
    assert ran.status == "error"
    assert ran.message.startswith(f"Unable to connect to MariaDB at {host}:{port}/test: ")
    assert SECRET not in ran.text()


# SQLite --------------------------------------------------------------------


def test_sqlite__answers_from_a_file(tmp_path: Path, run_check) -> None:
    path = tmp_path / "app.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE jobs (id INTEGER)")
        db.executemany("INSERT INTO jobs VALUES (?)", [(1,), (2,), (3,)])
    ran = run_check(checks.sql_query, f"sqlite:///{path}", "SELECT count(*) FROM jobs", expected=3)
    assert ran.status == "passed", ran.message


def test_sqlite__missing_file_is_an_error_and_is_not_created(tmp_path: Path, run_check) -> None:
    path = tmp_path / "missing.db"
    ran = run_check(checks.sql_query, f"sqlite:///{path}")
    assert ran.status == "error"
    assert ran.message == f"Unable to connect to SQLite at {path}: unable to open database file"
    assert not path.exists()


def test_sqlite__failing_query_is_an_error(tmp_path: Path, run_check) -> None:
    path = tmp_path / "empty.db"
    sqlite3.connect(path).close()
    ran = run_check(checks.sql_query, f"sqlite:///{path}", "SELECT * FROM jobs")
    assert ran.status == "error"
    assert (
        ran.message == f"SQLite at {path} could not run 'SELECT * FROM jobs': no such table: jobs"
    )


# URLs ----------------------------------------------------------------------


def test_database_url__keeps_the_password_out_of_its_repr() -> None:
    url = DatabaseURL.parse(f"postgresql+psycopg://app:{SECRET}@db.internal/app")
    assert (url.host, url.port, url.database, url.password) == ("db.internal", 5432, "app", SECRET)
    assert SECRET not in repr(url)


def test_database_url__unknown_scheme_is_a_value_error_without_the_password() -> None:
    with pytest.raises(ValueError) as raised:
        checks.sql_query(f"oracle://scott:{SECRET}@db/orcl")
    assert str(raised.value) == UNKNOWN_SCHEME.format(url="oracle://scott:***@db/orcl")


def test_too_slow_template_names_both_times() -> None:
    text = TOO_SLOW.format(service="S", where="w", total=3, connect=1, query=2, limit=1)
    assert text == "S at w answered in 3 ms (connect 1 ms, query 2 ms), over the 1 ms limit"
