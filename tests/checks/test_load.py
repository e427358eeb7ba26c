"""load_average_below against this machine's load, compared with /proc/loadavg."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from allgreen import checks
from allgreen.checks.load import BAD_MINUTES

LOADAVG = Path("/proc/loadavg")


@pytest.mark.skipif(not LOADAVG.exists(), reason="needs Linux /proc/loadavg")
def test_load_average_below__passes_and_reports_the_load(run_check) -> None:
    ran = run_check(checks.load_average_below, 1000, minutes=15)
    assert ran.status == "passed"
    fifteen = float(LOADAVG.read_text().split()[2])
    assert ran.outcome.observed_value == pytest.approx(fifteen, abs=0.05)


def test_load_average_below__fails_when_the_load_reaches_the_limit(run_check) -> None:
    current = os.getloadavg()[0]
    if current < 0.05:
        pytest.skip("the machine is idle: no positive limit is reached")
    ran = run_check(checks.load_average_below, 0.001, minutes=1, per_cpu=True)
    assert ran.status == "failed"
    assert "1-minute load average per CPU" in ran.message
    assert ran.outcome.observed_unit == "per CPU"


def test_load_average_below__rejects_an_unknown_period() -> None:
    with pytest.raises(ValueError) as raised:
        checks.load_average_below(4, minutes=10)
    assert str(raised.value) == BAD_MINUTES.format(value=10)
