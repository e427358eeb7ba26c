"""run_config: the path `allgreen run` and the web endpoint take."""

from __future__ import annotations

from allgreen.engine import RunOptions, failed_run_report, run_config
from allgreen.loader import load_config

CONFIG = """
import pytest
from allgreen import check, expect, make_sure

EVENTS = []

@pytest.fixture
def base():
    EVENTS.append("base up")
    yield 40
    EVENTS.append("base down")

@pytest.fixture
def answer(base, offset):
    return base + offset

@check("uses fixtures", tags=["math"])
def with_fixtures(answer):
    expect(answer).to_eq(42)

@check("async works", tags=["math"])
async def asynchronous():
    import asyncio
    await asyncio.sleep(0)

@check("production only", only="production")
def prod():
    pass

@check("condition raises", if_=lambda: {}["missing"])
def broken_condition():
    pass

@check("unknown fixture")
def needs_nothing_known(nonexistent):
    pass

@check("optional", critical=False)
def optional():
    make_sure(False, "only a warning")
"""


def write(tmp_path, source=CONFIG):
    (tmp_path / "conftest.py").write_text(
        "import pytest\n@pytest.fixture\ndef offset():\n    return 2\n"
    )
    path = tmp_path / "allgood.py"
    path.write_text(source)
    return load_config(path)


def test_run_config__reports_every_check_in_declaration_order(tmp_path):
    config = write(tmp_path)
    report = run_config(config)
    statuses = {r.id: r.status for r in report.checks}
    assert list(statuses) == [
        "with_fixtures", "asynchronous", "prod", "broken_condition", "needs_nothing_known", "optional",
    ]  # fmt: skip
    assert statuses == {
        "with_fixtures": "passed",
        "asynchronous": "passed",
        "prod": "skipped",
        "broken_condition": "error",
        "needs_nothing_known": "error",
        "optional": "failed",
    }
    by_id = {r.id: r for r in report.checks}
    assert by_id["prod"].skip_reason == "only runs in production"
    assert (
        "the if_= condition of check 'broken_condition' raised KeyError"
        in by_id["broken_condition"].message
    )
    assert "asks for fixture 'nonexistent'" in by_id["needs_nothing_known"].message
    assert report.status == "fail"


def test_run_config__tears_fixtures_down_after_the_run(tmp_path):
    config = write(tmp_path)
    run_config(config, RunOptions(tag="math"))
    assert config.module.EVENTS == ["base up", "base down"]


def test_run_config__environment_tag_and_exclude(tmp_path):
    config = write(tmp_path)
    report = run_config(
        config,
        RunOptions(environment="production", exclude=["broken_condition", "needs_nothing_known"]),
    )
    assert [r.id for r in report.checks] == ["with_fixtures", "asynchronous", "prod", "optional"]
    assert report.environment == "production"
    assert report.status == "warn"
    only_math = run_config(config, RunOptions(tag="math"))
    assert [r.id for r in only_math.checks] == ["with_fixtures", "asynchronous"]


def test_run_config__environment_comes_from_allgreen_env(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLGREEN_ENV", "staging")
    assert run_config(write(tmp_path), RunOptions(tag="math")).environment == "staging"


def test_run_config__soft_timeout_reports_an_error(tmp_path):
    config = write(
        tmp_path,
        "import time\nfrom allgreen import check\n@check('slow', timeout=0.2)\ndef slow():\n    time.sleep(1)\n",
    )
    result = run_config(config).checks[0]
    assert result.status == "error" and result.message.startswith("timed out after 0.2 s")


def test_failed_run_report__is_red_with_the_error():
    report = failed_run_report("allgood.py:3: syntax error: invalid syntax")
    assert report.status == "fail" and report.http_status == 503
    assert report.to_dict()["error"] == "allgood.py:3: syntax error: invalid syntax"
