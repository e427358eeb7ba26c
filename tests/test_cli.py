"""The `allgreen` command as a user types it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from allgreen.cli import INIT_EXISTS, main
from allgreen.version import VERSION


def write(tmp_path, body: str):
    path = tmp_path / "allgood.py"
    path.write_text("from allgreen import check, expect, make_sure\n" + body)
    return path


def test_run__prints_a_table_and_exits_zero_when_all_good(tmp_path, capsys):
    path = write(tmp_path, '@check("It works")\ndef works():\n    expect(1).to_eq(1)\n')
    assert main(["run", str(path)]) == 0
    out = capsys.readouterr().out
    assert "✓ passed  works" in out and "It works" in out
    assert out.strip().splitlines()[-1].startswith("all good: 1 passed in ")


def test_run__exits_one_and_shows_the_message_when_a_check_fails(tmp_path, capsys):
    path = write(
        tmp_path, '@check("Broken")\ndef broken():\n    make_sure(False, "queue is stuck")\n'
    )
    assert main(["run", str(path)]) == 1
    out = capsys.readouterr().out
    assert "✗ failed  broken" in out and "queue is stuck" in out and "FAILING: 1 failed" in out


def test_run__a_noncritical_failure_warns_but_exits_zero(tmp_path, capsys):
    path = write(tmp_path, '@check("Soft", critical=False)\ndef soft():\n    assert False\n')
    assert main(["run", str(path)]) == 0
    assert "warnings: 1 failed" in capsys.readouterr().out


def test_run__skips_show_their_reason_and_env_selects(tmp_path, capsys):
    path = write(tmp_path, '@check("Prod", only="production")\ndef prod():\n    pass\n')
    main(["run", str(path)])
    assert "only runs in production" in capsys.readouterr().out
    main(["run", str(path), "--env", "production"])
    assert "1 passed" in capsys.readouterr().out


def test_run__json_prints_the_report(tmp_path, capsys):
    path = write(tmp_path, '@check("It works")\ndef works():\n    pass\n')
    assert main(["run", str(path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "pass" and report["checks"][0]["id"] == "works"


def test_run__a_broken_config_is_a_red_report_not_a_crash(tmp_path, capsys, monkeypatch):
    write(tmp_path, "@check('x', colour='red')\ndef x(): pass\n")
    monkeypatch.chdir(tmp_path)
    assert main(["run"]) == 1
    out = capsys.readouterr().out
    assert "config error: allgood.py:2: check() got an unknown option 'colour'" in out


def test_init__writes_a_starter_that_passes(tmp_path, capsys):
    target = tmp_path / "allgood.py"
    assert main(["init", str(target)]) == 0
    assert "from allgreen import check" in target.read_text()
    assert main(["run", str(target)]) == 0


def test_init__refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "allgood.py"
    target.write_text("# mine\n")
    assert main(["init", str(target)]) == 1
    assert INIT_EXISTS.format(path=target) in capsys.readouterr().err
    assert target.read_text() == "# mine\n"


def test_version__is_the_installed_version():
    out = subprocess.run(
        [sys.executable, "-m", "allgreen", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == f"allgreen {VERSION}"
    assert VERSION != "0+unknown"


def test_no_command__prints_usage():
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
