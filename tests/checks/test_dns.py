"""dns_resolves through the system resolver."""

from __future__ import annotations

from allgreen import checks
from allgreen.checks.dns import MISSING_ADDRESS


def test_dns_resolves__localhost_resolves_to_loopback(run_check) -> None:
    ran = run_check(checks.dns_resolves, "localhost", expected="127.0.0.1")
    assert ran.status == "passed"
    assert ran.outcome.observed_unit == "ms"


def test_dns_resolves__unknown_name_fails(run_check) -> None:
    ran = run_check(checks.dns_resolves, "nowhere.invalid")
    # The resolver answered "no such name" (failed); a resolver that cannot be
    # asked at all would be an error instead.
    assert ran.status in ("failed", "error")
    assert "nowhere.invalid" in ran.message
    if ran.status == "failed":
        assert ran.message.startswith("nowhere.invalid does not resolve: ")


def test_dns_resolves__missing_expected_address_fails(run_check) -> None:
    ran = run_check(checks.dns_resolves, "localhost", expected=["127.0.0.1", "192.0.2.7"])
    assert ran.status == "failed"
    assert ran.message.endswith("which does not include 192.0.2.7")
    assert ran.message.startswith("localhost resolves to ")
    assert MISSING_ADDRESS.split("{found}")[1].format(expected="192.0.2.7") in ran.message
