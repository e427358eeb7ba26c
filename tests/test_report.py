"""The report keeps SPEC §2's JSON names, statuses and masking."""

from __future__ import annotations

import datetime as dt
import json

from allgreen.report import SCHEMA_VERSION, CheckResult, Report, overall_status

TOP_LEVEL = {
    "schema_version", "status", "environment", "app_name", "version", "started_at",
    "duration_ms", "counts", "checks",
}  # fmt: skip
PER_CHECK = {
    "id", "description", "status", "message", "detail", "duration_ms", "skip_reason", "cached",
    "last_run_at", "next_run_at", "tags", "critical",
}  # fmt: skip


def result(status="passed", critical=True, **extra) -> CheckResult:
    return CheckResult(id="c", description="d", status=status, critical=critical, **extra)


def test_json__has_every_name_of_the_spec():
    report = Report.build(
        [result(), result("skipped", skip_reason="only runs in production")],
        environment="production",
        app_name="shop",
        started_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc),
        duration=0.25,
    )
    data = json.loads(report.to_json())
    assert TOP_LEVEL <= set(data)
    assert all(PER_CHECK <= set(check) for check in data["checks"])
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["started_at"] == "2026-01-02T03:04:05.000Z"
    assert data["duration_ms"] == 250.0
    assert data["counts"] == {"passed": 1, "failed": 0, "error": 0, "skipped": 1}
    assert (data["status"], data["environment"], data["app_name"]) == ("pass", "production", "shop")


def test_overall_status__critical_fails_noncritical_warns_skips_never_fail():
    assert overall_status([result(), result("skipped")]) == "pass"
    assert overall_status([result(), result("failed", critical=False)]) == "warn"
    assert overall_status([result("error", critical=False), result("failed")]) == "fail"
    assert overall_status([], error="broken config") == "fail"


def test_http_status__200_for_pass_and_warn_503_for_fail():
    assert Report.build([result("failed", critical=False)], environment="x").http_status == 200
    assert Report.build([result("error")], environment="x").http_status == 503


def test_to_dict__without_details_drops_the_failure_text():
    report = Report.build([result("failed", detail="E  assert 1 == 2")], environment="x")
    assert report.to_dict()["checks"][0]["detail"] == "E  assert 1 == 2"
    assert report.to_dict(details=False)["checks"][0]["detail"] is None


def test_from_dict__round_trips():
    report = Report.build([result("failed", message="m", tags=["db"])], environment="x")
    assert Report.from_dict(json.loads(report.to_json())).to_dict() == report.to_dict()


def test_error_text__is_masked():
    report = Report.build([], environment="x", error="could not reach postgresql://u:hunter2@db/x")
    assert "hunter2" not in report.to_json()
    assert "postgresql://u:***@db/x" in report.to_json()
