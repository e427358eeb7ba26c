"""pytest --allgreen with run=: cached results keep their outcome and say so."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from pytest_allgreen.collect import CACHED_NOTE

CONFIG = """
from pathlib import Path
from allgreen import check

@check("Nightly export", run="once per day")
def export():
    with Path(__file__).with_name("calls.log").open("a") as calls:
        calls.write("call\\n")
    outcome = Path(__file__).with_name("outcome.txt")
    assert not outcome.exists(), "the export is missing"

@check("Cheap ping")
def ping():
    pass
"""


@pytest.fixture
def project(allgood, pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("ALLGREEN_STORE", raising=False)
    allgood(CONFIG)
    return pytester.path


def calls(project: Path) -> int:
    log = project / "calls.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def properties(xml: Path, name: str) -> dict[str, str]:
    case = next(c for c in ET.parse(xml).iter("testcase") if c.get("name") == name)
    return {p.get("name"): p.get("value") for p in case.iter("property")}  # type: ignore[misc]


def test_cached__a_second_session_reports_the_cached_pass(pytester, project) -> None:
    pytester.runpytest("--allgreen", "allgood.py").assert_outcomes(passed=2)
    result = pytester.runpytest(
        "--allgreen", "allgood.py", "-v", "--junitxml=out.xml", "--allgreen-json=report.json"
    )
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*allgood.py::export PASSED (cached)*"])
    assert calls(project) == 1
    assert properties(project / "out.xml", "export")["cached"] == "true"
    assert properties(project / "out.xml", "ping")["cached"] == "false"
    export = json.loads((project / "report.json").read_text())["checks"][0]
    assert (export["status"], export["cached"]) == ("passed", True)
    assert export["last_run_at"] and export["next_run_at"].endswith("T00:00:00.000Z")
    assert [h["status"] for h in export["history"]] == ["passed"]


def test_cached__a_cached_failure_still_fails_and_says_it_is_cached(pytester, project) -> None:
    (project / "outcome.txt").write_text("fail")
    pytester.runpytest("--allgreen", "allgood.py").assert_outcomes(failed=1, passed=1)
    (project / "outcome.txt").unlink()
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.assert_outcomes(failed=1, passed=1)
    assert result.ret == 1
    note = CACHED_NOTE.format(message="the export is missing", last_run="@", next_run="@")
    assert note.split(" @")[0] in result.stdout.str()  # "<message> [cached by run=: ran at"
    result.stdout.fnmatch_lines(["FAILED (cached) allgood.py::export - the export is missing*"])
    assert calls(project) == 1


def test_fresh__runs_every_check_despite_limits(pytester, project) -> None:
    pytester.runpytest("--allgreen", "allgood.py")
    (project / "outcome.txt").write_text("fail")
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-fresh", "-v")
    result.assert_outcomes(failed=1, passed=1)
    result.stdout.no_fnmatch_line("*(cached)*")
    assert calls(project) == 2


def test_store__default_is_beside_the_config(pytester, project) -> None:
    pytester.runpytest("--allgreen", "allgood.py")
    assert (project / ".allgreen" / "state.sqlite3").is_file()


@pytest.mark.parametrize("how", ["option", "env", "ini"])
def test_store__chosen_by_option_environment_or_ini(
    pytester, project, monkeypatch, tmp_path_factory, how: str
) -> None:
    target = tmp_path_factory.mktemp("state") / "shared.sqlite3"
    url = f"sqlite:///{target}"
    args = ["--allgreen", "allgood.py"]
    if how == "option":
        args.append(f"--allgreen-store={url}")
    elif how == "env":
        monkeypatch.setenv("ALLGREEN_STORE", url)
    else:
        pytester.makeini(f"[pytest]\nallgreen_store = {url}\n")
    pytester.runpytest(*args).assert_outcomes(passed=2)
    assert target.is_file()
    assert not (project / ".allgreen").exists()


def test_store__the_option_wins_over_the_environment(pytester, project, monkeypatch) -> None:
    monkeypatch.setenv("ALLGREEN_STORE", "bogus://env")
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-store=memory://")
    result.assert_outcomes(passed=2)


def test_store__a_bad_url_errors_the_limited_check_naming_its_source(pytester, project) -> None:
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-store=bogus://x")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*unknown allgreen store 'bogus://x' (from --allgreen-store)*"])
