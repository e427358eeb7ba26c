"""memory_usage_below against this machine's memory, compared with /proc/meminfo."""

from __future__ import annotations

from pathlib import Path

import pytest

from allgreen import checks

pytest.importorskip("psutil")

MEMINFO = Path("/proc/meminfo")


def _meminfo_percent() -> float:
    fields = dict(line.split(":", 1) for line in MEMINFO.read_text().splitlines())
    total = int(fields["MemTotal"].split()[0])
    available = int(fields["MemAvailable"].split()[0])
    return (total - available) / total * 100


@pytest.mark.skipif(not MEMINFO.exists(), reason="needs Linux /proc/meminfo")
def test_memory_usage_below__passes_and_reports_the_used_percentage(run_check) -> None:
    ran = run_check(checks.memory_usage_below, 100)
    assert ran.status == "passed"
    assert ran.outcome.observed_value == pytest.approx(_meminfo_percent(), abs=2)
    assert ran.outcome.observed_unit == "%"


def test_memory_usage_below__fails_over_the_limit(run_check) -> None:
    ran = run_check(checks.memory_usage_below, 0.001)
    assert ran.status == "failed"
    assert ran.message.startswith(f"memory usage is {ran.outcome.observed_value:.1f} %")
    assert "at or above the 0.001 % limit" in ran.message
