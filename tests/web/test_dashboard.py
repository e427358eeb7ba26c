"""render_dashboard on its own: history strip, cached badge, self-containment."""

from __future__ import annotations

import re

from allgreen.report import CheckResult, Report
from allgreen.web.dashboard import HEADLINES, format_duration, render_dashboard

HISTORY = [
    {
        "status": "passed",
        "started_at": "2025-01-01T10:00:00.000Z",
        "duration_ms": 3.0,
        "message": None,
    },
    {
        "status": "failed",
        "started_at": "2025-01-01T11:00:00.000Z",
        "duration_ms": 4.0,
        "message": "boom",
    },
]


def _report(**fields) -> Report:
    result = CheckResult("export", "Nightly export", "passed", **fields)
    return Report.build([result], environment="production", app_name="shop")


def test_history__draws_one_bar_per_past_result_with_a_tooltip():
    html = render_dashboard(_report(history=HISTORY))
    bars = re.findall(r'<span class="strip__bar strip__bar--(\w+)" title="([^"]*)"', html)
    assert [status for status, _ in bars] == ["passed", "failed"]
    assert bars[1][1] == "Failed · 2025-01-01 11:00:00 UTC · 4 ms · boom"


def test_history__empty_draws_no_strip():
    assert 'class="strip"' not in render_dashboard(_report())


def test_cached__shows_a_badge_with_last_and_next_run():
    html = render_dashboard(
        _report(
            cached=True,
            last_run_at="2025-01-01T10:00:00.000Z",
            next_run_at="2025-01-01T22:00:00.000Z",
        )
    )
    assert 'class="badge badge--cached"' in html
    assert (
        '<time datetime="2025-01-01T10:00:00.000Z" data-relative>2025-01-01 10:00:00 UTC</time>'
        in html
    )
    assert (
        '<time datetime="2025-01-01T22:00:00.000Z" data-relative>2025-01-01 22:00:00 UTC</time>'
        in html
    )


def test_page__loads_nothing_from_elsewhere():
    html = render_dashboard(_report(), base_path="/healthcheck")
    assert not re.search(r"<(script|img|iframe)[^>]*\ssrc=", html)
    assert not re.search(r'<link[^>]*rel="stylesheet"', html)
    assert "@import" not in html and "url(" not in html


def test_page__says_at_a_glance_and_links_the_other_formats():
    html = render_dashboard(_report(), base_path="/ops")
    assert f'<h1 id="headline">{HEADLINES["pass"]}</h1>' in html
    assert 'href="/ops/metrics"' in html
    assert 'href="/ops/metrics"' not in render_dashboard(_report())  # static: no links


def test_format_duration__reads_well():
    assert [format_duration(ms) for ms in (0.05, 0.4, 12.3, 1530, 125_000)] == [
        "< 0.1 ms", "0.4 ms", "12 ms", "1.5 s", "2 min 5 s",
    ]  # fmt: skip
