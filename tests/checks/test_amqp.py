"""amqp_connects against the real RabbitMQ on this machine."""

from __future__ import annotations

import time

import pytest
from services import require_service

from allgreen import checks

pytest.importorskip("amqp")

SECRET = "n0t-the-Passw0rd"


@pytest.fixture
def amqp_url() -> str:
    host, port = require_service("rabbitmq")
    return f"amqp://guest:guest@{host}:{port}/"


def test_amqp_connects__logs_in_and_observes_the_time(amqp_url: str, run_check) -> None:
    ran = run_check(checks.amqp_connects, amqp_url)
    assert ran.status == "passed", ran.message
    assert ran.outcome.observed_value > 0
    assert ran.result.observed_unit == "ms"


def test_amqp_connects__wrong_password_is_an_error_without_the_password(
    amqp_url: str, run_check
) -> None:
    ran = run_check(checks.amqp_connects, amqp_url.replace("guest@", f"{SECRET}@"))
    assert ran.status == "error"
    assert ran.message.startswith(
        "Unable to connect to RabbitMQ at 127.0.0.1:5672: ACCESS_REFUSED - Login was refused"
    )
    assert SECRET not in ran.text()


def test_amqp_connects__unknown_vhost_is_an_error(amqp_url: str, run_check) -> None:
    ran = run_check(checks.amqp_connects, amqp_url + "no-such-vhost")
    assert ran.status == "error"
    assert ran.message == (
        "Unable to connect to RabbitMQ at 127.0.0.1:5672/no-such-vhost: "
        "NOT_ALLOWED - vhost no-such-vhost not found"
    )


def test_amqp_connects__wrong_port_is_an_error(closed_port: int, run_check) -> None:
    ran = run_check(checks.amqp_connects, f"amqp://guest:{SECRET}@127.0.0.1:{closed_port}/")
    assert ran.status == "error"
    assert (
        ran.message
        == f"Unable to connect to RabbitMQ at 127.0.0.1:{closed_port}: connection refused"
    )
    assert SECRET not in ran.text()


def test_amqp_connects__hung_broker_stops_at_the_helpers_timeout(silent_server, run_check) -> None:
    host, port = silent_server
    started = time.monotonic()
    ran = run_check(checks.amqp_connects, f"amqp://guest:{SECRET}@{host}:{port}/", timeout=0.3)
    assert time.monotonic() - started < 2
    assert ran.status == "error"
    assert ran.message.startswith(f"Unable to connect to RabbitMQ at {host}:{port}: ")
    assert SECRET not in ran.text()
