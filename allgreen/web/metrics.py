"""Write a report in the Prometheus text format, with ``prometheus_client`` (extra ``metrics``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from allgreen.outcome import STATUSES
from allgreen.report import Report

MISSING_EXTRA = (
    "Prometheus metrics need the prometheus_client package: pip install 'pytest-allgreen[metrics]'"
)
OVERALL = ("pass", "warn", "fail")


class MetricsUnavailable(ImportError):
    """``prometheus_client`` is not installed."""


def _client() -> Any:
    try:
        import prometheus_client
        from prometheus_client import core, exposition
    except ImportError as exc:
        raise MetricsUnavailable(MISSING_EXTRA) from exc
    return prometheus_client, core, exposition


def _timestamp(iso: str | None) -> float | None:
    if not iso:
        return None
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class ReportCollector:
    """A Prometheus collector that reads one report; ``full=False`` exposes the status only."""

    def __init__(self, report: Report, *, full: bool = True) -> None:
        self.report = report
        self.full = full

    def collect(self) -> Iterator[Any]:
        """Yield the metric families of the report."""
        _, core, _ = _client()
        report = self.report
        status = core.GaugeMetricFamily(
            "allgreen_status",
            "Overall status of the last run: 1 for the current one of pass, warn, fail.",
            labels=["status"],
        )
        for name in OVERALL:
            status.add_metric([name], 1.0 if report.status == name else 0.0)
        yield status
        up = core.GaugeMetricFamily(
            "allgreen_up", "1 when the health check passes or warns (HTTP 200), 0 when it fails."
        )
        up.add_metric([], 0.0 if report.status == "fail" else 1.0)
        yield up
        if not self.full:
            return
        info = core.InfoMetricFamily("allgreen", "Where the report comes from.")
        info.add_metric(
            [],
            {
                "version": report.version,
                "environment": report.environment,
                "app_name": report.app_name or "",
            },
        )
        yield info
        started = _timestamp(report.started_at)
        if started is not None:
            yield core.GaugeMetricFamily(
                "allgreen_report_timestamp_seconds",
                "When the last run started, in seconds since the epoch.",
                value=started,
            )
        yield core.GaugeMetricFamily(
            "allgreen_report_duration_seconds",
            "How long the last run took.",
            value=report.duration_ms / 1000,
        )
        counts = core.GaugeMetricFamily(
            "allgreen_checks", "Number of checks in each status.", labels=["status"]
        )
        for name, count in report.counts.items():
            counts.add_metric([name], float(count))
        yield counts
        yield from self._per_check(core)

    def _per_check(self, core: Any) -> Iterator[Any]:
        checks = self.report.checks
        status = core.GaugeMetricFamily(
            "allgreen_check_status",
            "Status of each check: 1 for its current one of passed, failed, error, skipped.",
            labels=["check", "status"],
        )
        duration = core.GaugeMetricFamily(
            "allgreen_check_duration_seconds", "How long each check took.", labels=["check"]
        )
        cached = core.GaugeMetricFamily(
            "allgreen_check_cached",
            "1 when the check's result was served from the store (rate limited).",
            labels=["check"],
        )
        observed = core.GaugeMetricFamily(
            "allgreen_check_observed_value",
            "The numeric value a check observed, such as free disk space.",
            labels=["check", "unit"],
        )
        for result in checks:
            for name in STATUSES:
                status.add_metric([result.id, name], 1.0 if result.status == name else 0.0)
            duration.add_metric([result.id], result.duration_ms / 1000)
            cached.add_metric([result.id], 1.0 if result.cached else 0.0)
            value = result.observed_value
            if isinstance(value, int | float) and not isinstance(value, bool):
                observed.add_metric([result.id, result.observed_unit or ""], float(value))
        yield from (status, duration, cached, observed)


def render_metrics(report: Report, *, full: bool = True) -> tuple[bytes, str]:
    """Return the Prometheus text exposition of ``report`` and its content type.

    :raises MetricsUnavailable: when the ``metrics`` extra is not installed.
    """
    prometheus_client, _, exposition = _client()
    registry = prometheus_client.CollectorRegistry(auto_describe=False)
    registry.register(ReportCollector(report, full=full))
    return exposition.generate_latest(registry), exposition.CONTENT_TYPE_LATEST
