"""tcp_accepts against a local listening socket and a closed port."""

from __future__ import annotations

from allgreen import checks


def test_tcp_accepts__passes_on_a_listening_port(silent_server: tuple[str, int], run_check) -> None:
    host, port = silent_server
    ran = run_check(checks.tcp_accepts, host, port)
    assert ran.status == "passed"
    assert ran.outcome.observed_value >= 0
    assert ran.outcome.observed_unit == "ms"


def test_tcp_accepts__wrong_port_is_an_error(closed_port: int, run_check) -> None:
    ran = run_check(checks.tcp_accepts, "127.0.0.1", closed_port)
    assert ran.status == "error"
    assert (
        ran.message
        == f"Unable to connect to TCP port at 127.0.0.1:{closed_port}: connection refused"
    )


def test_tcp_accepts__unknown_host_is_an_error(run_check) -> None:
    ran = run_check(checks.tcp_accepts, "nowhere.invalid", 80)
    assert ran.status == "error"
    assert ran.message.startswith(
        "Unable to connect to TCP port at nowhere.invalid:80: the name does not resolve"
    )
