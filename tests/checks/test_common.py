"""What every helper shares: missing extras, argument errors, failure classes."""

from __future__ import annotations

import sys

import pytest

from allgreen import checks
from allgreen.checks.common import BAD_PERCENT, BAD_TIMEOUT, MISSING_EXTRA, reason, scrub


def test_missing_extra__names_the_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "psutil", None)  # makes `import psutil` fail
    with pytest.raises(checks.MissingExtra) as raised:
        checks.memory_usage_below(90)
    assert str(raised.value) == MISSING_EXTRA.format(
        helper="memory_usage_below", package="psutil", extra="psutil"
    )
    assert "pip install 'pytest-allgreen[psutil]'" in str(raised.value)


def test_missing_extra__for_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(checks.MissingExtra, match=r"pytest-allgreen\[redis\]"):
        checks.redis_ping()


@pytest.mark.parametrize("bad", [0, -5, 101, "90", True])
def test_percent__out_of_range_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError) as raised:
        checks.disk_usage_below(bad)  # type: ignore[arg-type]
    assert str(raised.value) == BAD_PERCENT.format(name="percent", value=bad)


def test_timeout__must_be_positive() -> None:
    with pytest.raises(ValueError) as raised:
        checks.tcp_accepts("127.0.0.1", 1, timeout=0)
    assert str(raised.value) == BAD_TIMEOUT.format(value=0)


def test_check_failed__is_an_assertion_error_and_dependency_error_is_not() -> None:
    assert issubclass(checks.CheckFailed, AssertionError)
    assert not issubclass(checks.DependencyError, AssertionError)


def test_scrub__masks_url_passwords_and_given_secrets() -> None:
    text = "postgresql://app:hunter2@db/app refused login for hunter2"
    assert scrub(text, "hunter2") == "postgresql://app:***@db/app refused login for ***"


def test_reason__finds_the_socket_error_under_a_driver_error() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as exc:
            raise RuntimeError("Error 111 connecting to db:5432. Connection refused.") from exc
    except RuntimeError as wrapped:
        assert reason(wrapped) == "connection refused"
