"""Render the dashboard of SPEC §5: one self-contained HTML page per report.

The page inlines its CSS, script and icons (no CDN, no external font) so it
works behind a strict Content-Security-Policy and as a static CI artifact.
Every string from the report goes through Jinja2's autoescaping.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Any

import jinja2

from allgreen.report import CheckResult, Report

TEMPLATE = "allgreen/dashboard.html"

HEADLINES = {
    "pass": "All good",
    "warn": "All good, with warnings",
    "fail": "Something is wrong",
}
STATUS_LABELS = {
    "passed": "Passed",
    "failed": "Failed",
    "error": "Error",
    "skipped": "Skipped",
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Return the Jinja2 environment that loads allgreen's templates (made once)."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("allgreen", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["duration"] = format_duration
    env.filters["moment"] = format_moment
    return env


def format_duration(milliseconds: float | None) -> str:
    """Return a duration for people: ``0.4 ms``, ``12 ms``, ``1.5 s``, ``2 min 5 s``."""
    if milliseconds is None:
        return ""
    if milliseconds < 0.1:
        return "< 0.1 ms"
    if milliseconds < 1:
        return f"{milliseconds:.1f} ms"
    if milliseconds < 1000:
        return f"{milliseconds:.0f} ms"
    seconds = milliseconds / 1000
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s"


def format_moment(iso: str | None) -> str:
    """Return an ISO 8601 time as ``2024-05-01 12:03:04 UTC`` (the page's script localises it)."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    return moment.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def history_entries(result: CheckResult, limit: int = 20) -> list[dict[str, Any]]:
    """Return the last ``limit`` history items of ``result`` with a tooltip each, oldest first."""
    entries = []
    for item in result.history[-limit:]:
        status = str(item.get("status", "skipped"))
        parts = [
            STATUS_LABELS.get(status, status),
            format_moment(item.get("started_at")),
            format_duration(item.get("duration_ms")),
            str(item.get("message") or ""),
        ]
        entries.append({"status": status, "title": " · ".join(p for p in parts if p)})
    return entries


def dashboard_context(report: Report, **context: Any) -> dict[str, Any]:
    """Return the values the dashboard template is rendered with (see :func:`render_dashboard`).

    The Django integration renders its own template from the same values.
    """
    values: dict[str, Any] = {
        "base_path": None,
        "tag": None,
        "full": True,
        "details": False,
        "refresh_seconds": 30,
        "nonce": None,
        "title": report.app_name or "allgreen",
    }
    values.update(context)
    values.update(
        report=report,
        headline=HEADLINES[report.status],
        counts=report.counts,
        problems=[result for result in report.checks if result.is_problem],
        status_labels=STATUS_LABELS,
        history=history_entries,
    )
    return values


def render_dashboard(report: Report, **context: Any) -> str:
    """Return the dashboard of ``report`` as a complete HTML document.

    :param base_path: URL of the endpoint's main page, for the links to JSON,
        health+json and metrics; ``None`` (e.g. a static CI report) omits them.
    :param tag: the tag of a group page, shown in the title.
    :param full: ``False`` shows the overall status only (a caller without the token).
    :param details: show failure detail folded under each failing row.
    :param refresh_seconds: period of the auto-refresh toggle; 0 hides the toggle.
    :param nonce: Content-Security-Policy nonce of the inline style and script.
    :param title: the page title (default: the app name or "allgreen").
    """
    values = dashboard_context(report, **context)
    return environment().get_template(TEMPLATE).render(**values)
