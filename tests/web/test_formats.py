"""Content negotiation and the health+json document."""

from __future__ import annotations

import pytest

from allgreen.report import CheckResult, Report
from allgreen.web import formats


@pytest.mark.parametrize(
    ("query", "accept", "suffix", "expected"),
    [
        ({}, None, None, "html"),
        ({}, "*/*", None, "html"),
        ({}, "application/json", None, "json"),
        ({}, "application/health+json", None, "health"),
        ({}, "application/health+json;q=0.9, application/json;q=0.5", None, "health"),
        ({}, "text/html", ".json", "json"),
        ({"format": "health"}, "application/json", ".json", "health"),
        ({"format": "html"}, "application/json", None, "html"),
    ],
)
def test_negotiate__query_then_suffix_then_accept(query, accept, suffix, expected):
    assert formats.negotiate(query, accept, suffix=suffix) == expected


def test_negotiate__refuses_what_it_does_not_offer():
    with pytest.raises(formats.FormatError) as excinfo:
        formats.negotiate({}, "image/png")
    assert excinfo.value.status == 406


def _report(*results: CheckResult) -> Report:
    return Report.build(list(results), environment="production", app_name="shop")


def test_health_document__maps_statuses_and_observed_values():
    report = _report(
        CheckResult("disk", "Disk", "passed", observed_value=71.5, observed_unit="percent"),
        CheckResult("db", "DB", "failed", message="refused"),
        CheckResult("export", "Export", "error", message="missing", critical=False),
        CheckResult("prod", "Prod", "skipped", skip_reason="only runs in production"),
    )
    document = formats.health_document(report, details=False)
    checks = {key: value[0] for key, value in document["checks"].items()}
    assert document["status"] == "fail" and document["serviceId"] == "shop"
    assert checks["disk"]["observedValue"] == 71.5 and checks["disk"]["observedUnit"] == "percent"
    assert (checks["db"]["status"], checks["db"]["output"]) == ("fail", "refused")
    assert checks["export"]["status"] == "warn"
    assert (checks["prod"]["status"], checks["prod"]["output"]) == (
        "pass",
        "skipped: only runs in production",
    )
    assert "output" not in checks["disk"] and "observedValue" not in checks["db"]


def test_health_document__without_full_access_is_the_status_alone():
    report = _report(CheckResult("db", "DB", "failed", message="refused"))
    assert formats.health_document(report, details=True, full=False) == {"status": "fail"}
