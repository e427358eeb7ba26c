"""``python manage.py allgreen``: the CLI's table and exit code, in-process and in the example."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from sample_configs import MIXED, PASSING

from allgreen.django.management.commands.allgreen import FAILING

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "django_project"


def test_command__prints_the_table_of_a_passing_config(use_allgreen, write_config):
    use_allgreen(CONFIG_PATH=write_config(PASSING))
    out = io.StringIO()
    call_command("allgreen", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split()[:3] == ["✓", "passed", "fine"]
    assert lines[-1].startswith("all good: 1 passed")


def test_command__fails_with_exit_code_1_when_a_check_fails(use_allgreen, write_config):
    use_allgreen(CONFIG_PATH=write_config(MIXED))
    out = io.StringIO()
    with pytest.raises(CommandError) as excinfo:
        call_command("allgreen", stdout=out)
    assert excinfo.value.returncode == 1
    assert str(excinfo.value) == FAILING.format(status="fail")
    assert "✗ failed  settings" in out.getvalue()


def test_command__options_override_the_settings(use_allgreen, write_config):
    use_allgreen(CONFIG_PATH=write_config(MIXED))
    out = io.StringIO()
    call_command(
        "allgreen", str(write_config(PASSING, "other.py")), "--env", "staging", "--json", stdout=out
    )
    report = json.loads(out.getvalue())
    assert (report["environment"], [c["id"] for c in report["checks"]]) == ("staging", ["fine"])


def test_example_project__manage_py_allgreen_exits_0():
    env = {key: value for key, value in os.environ.items() if not key.startswith("ALLGREEN_")}
    result = subprocess.run(
        [sys.executable, str(EXAMPLE / "manage.py"), "allgreen"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "all good:" in result.stdout.splitlines()[-1]
