"""observe(): what a check measured reaches the report, in every mode."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from allgreen import RunOptions, load_config, run_config
from allgreen.dsl import CheckSpec
from allgreen.observation import current_observation, observe
from allgreen.outcome import call_check


def _spec(func) -> CheckSpec:
    return CheckSpec(id=func.__name__, description="probe", func=func, path=__file__, lineno=1)


def test_observe__outside_a_check_only_returns_the_value() -> None:
    assert observe(42, "ms") == 42


def test_observe__is_carried_into_a_passing_outcome() -> None:
    def probe() -> None:
        observe(12.5, "ms")

    outcome = call_check(_spec(probe))
    assert (outcome.status, outcome.observed_value, outcome.observed_unit) == ("passed", 12.5, "ms")


def test_observe__is_carried_into_a_failing_outcome() -> None:
    def probe() -> None:
        used = observe(95.0, "%")
        assert used < 90

    outcome = call_check(_spec(probe))
    assert (outcome.status, outcome.observed_value, outcome.observed_unit) == ("failed", 95.0, "%")


def test_observe__the_last_value_wins_and_each_check_starts_empty() -> None:
    def twice() -> None:
        observe(1, "ms")
        observe(2, "%")

    def nothing() -> None:
        pass

    assert call_check(_spec(twice)).observed_value == 2
    outcome = call_check(_spec(nothing))
    assert (outcome.observed_value, outcome.observed_unit) == (None, None)


def test_observe__a_returned_value_wins_over_an_observed_one() -> None:
    def probe() -> int:
        observe(5, "ms")
        return 7

    outcome = call_check(_spec(probe))
    assert (outcome.observed_value, outcome.observed_unit) == (7, None)


def test_observe__works_in_async_checks_and_their_threads() -> None:
    async def probe() -> None:
        await asyncio.to_thread(observe, 3.5, "ms")

    outcome = call_check(_spec(probe))
    assert (outcome.observed_value, outcome.observed_unit) == (3.5, "ms")
    assert current_observation() is not None  # the box of the last check, in this thread


ALLGOOD = """
from allgreen import check, checks

@check("Disk has room")
def disk():
    checks.disk_usage_below(100, {path!r})

@check("Disk is nearly empty")
def strict_disk():
    checks.disk_usage_below(0.001, {path!r})
"""


def _statvfs_percent(path: Path) -> float:
    stats = os.statvfs(path)
    used = stats.f_blocks - stats.f_bfree
    return round(used / (used + stats.f_bavail) * 100, 1)


@pytest.fixture
def config_path(allgood, tmp_path: Path) -> Path:
    return allgood(ALLGOOD.format(path=str(tmp_path)))


def test_observed_value__in_the_json_report_of_pytest_allgreen(
    pytester: pytest.Pytester, config_path: Path, tmp_path: Path
) -> None:
    report_path = pytester.path / "report.json"
    result = pytester.runpytest("--allgreen", str(config_path), f"--allgreen-json={report_path}")
    result.assert_outcomes(passed=1, failed=1)
    checks = {c["id"]: c for c in json.loads(report_path.read_text())["checks"]}
    expected = _statvfs_percent(tmp_path)
    assert checks["disk"]["observed_value"] == pytest.approx(expected, abs=0.2)
    assert checks["disk"]["observed_unit"] == "%"
    assert checks["strict_disk"]["status"] == "failed"
    assert checks["strict_disk"]["observed_value"] == pytest.approx(expected, abs=0.2)
    assert checks["strict_disk"]["message"].startswith(f"disk usage of {tmp_path} is ")


def test_observed_value__in_the_json_report_of_run_config(
    config_path: Path, tmp_path: Path
) -> None:
    report = run_config(load_config(config_path), RunOptions(environment="test"))
    checks = {c["id"]: c for c in json.loads(report.to_json())["checks"]}
    expected = _statvfs_percent(tmp_path)
    assert checks["disk"]["status"] == "passed"
    assert checks["disk"]["observed_value"] == pytest.approx(expected, abs=0.2)
    assert checks["disk"]["observed_unit"] == "%"
    assert checks["strict_disk"]["observed_value"] == pytest.approx(expected, abs=0.2)
