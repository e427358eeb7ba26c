"""disk_usage_below against the real file system, compared with df."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from allgreen import checks
from allgreen.checks.disk import DISK_FULL, DISK_UNREADABLE


def _df_percent(path: Path) -> int:
    out = subprocess.run(
        ["df", "--output=pcent", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return int(out.splitlines()[1].strip().rstrip("%"))


@pytest.mark.skipif(shutil.which("df") is None, reason="df is not installed")
def test_disk_usage_below__passes_and_reports_what_df_shows(tmp_path: Path, run_check) -> None:
    ran = run_check(checks.disk_usage_below, 100, tmp_path)
    assert ran.status == "passed"
    # df rounds up to a whole percent.
    assert _df_percent(tmp_path) - 1 <= ran.outcome.observed_value <= _df_percent(tmp_path)
    assert ran.outcome.observed_unit == "%"


def test_disk_usage_below__fails_over_the_limit_with_the_usage(tmp_path: Path, run_check) -> None:
    ran = run_check(checks.disk_usage_below, 0.001, tmp_path)
    assert ran.status == "failed"
    used = ran.outcome.observed_value
    assert used > 0.001
    expected_start = DISK_FULL.format(path=tmp_path, used=used, limit=0.001, free="X").split("(")[0]
    assert ran.message.startswith(expected_start)
    assert ran.result.observed_unit == "%"


def test_disk_usage_below__missing_path_is_an_error(tmp_path: Path, run_check) -> None:
    missing = tmp_path / "nope"
    ran = run_check(checks.disk_usage_below, 90, missing)
    assert ran.status == "error"
    assert DISK_UNREADABLE.format(path=missing, reason="no such file or directory") in ran.message
