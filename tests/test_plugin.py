"""`pytest --allgreen` as a user sees it, driven with pytester."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from allgreen import errors
from pytest_allgreen.session import NOTHING_TO_RUN

CONFIG = """
from allgreen import check, expect, make_sure

@check("Database answers", tags=["db"])
def database():
    expect(1 + 1).to_eq(2)

@check("Settings match", tags=["config"])
def settings():
    expect({"a": 1, "b": [1, 2]}).to_eq({"a": 2, "b": [1, 2]})

@check("Only in production", only=["production", "staging"])
def production_only():
    pass

@check("Exporter crashes", critical=False)
def exporter():
    raise ConnectionError("exporter unreachable")
"""


@pytest.fixture
def config(allgood):
    return allgood(CONFIG)


def test_outcomes_and_exit_code(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.assert_outcomes(passed=1, failed=1, skipped=1, errors=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED


def test_all_passing__exits_zero(pytester, allgood):
    allgood('from allgreen import check\n@check("fine")\ndef fine():\n    pass\n')
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.assert_outcomes(passed=1)
    assert result.ret == pytest.ExitCode.OK


def test_failing_expect__prints_pytests_diff_without_allgreen_frames(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.stdout.fnmatch_lines(
        [
            "*_ settings: Settings match _*",
            '>       expect({"a": 1, "b": [1, 2]}).to_eq({"a": 2, "b": [1, 2]})',
            "E       AssertionError: assert {'a': 1, 'b': [1, 2]} == {'a': 2, 'b': [1, 2]}",
            "E         Differing items:",
            "E         {'a': 1} != {'a': 2}",
            "allgood.py:9: AssertionError",
        ]
    )
    assert "allgreen/" not in result.stdout.str().replace("pytest_allgreen", "")


def test_plain_assert__prints_the_same_introspection(pytester, allgood):
    allgood(
        'from allgreen import check\n@check("lists")\ndef lists():\n    seen = [1, 2, 3]\n    assert seen == [1, 2, 4]\n'
    )
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.stdout.fnmatch_lines(
        ["E       assert [1, 2, 3] == [1, 2, 4]", "E         At index 2 diff: 3 != 4"]
    )


def test_verbose__widens_the_diff_like_pytest(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "-vv")
    result.stdout.fnmatch_lines(["*Full diff:*"])


def test_error__is_reported_as_error_with_the_exception(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "-rE")
    result.stdout.fnmatch_lines(
        ["ERROR allgood.py::exporter - ConnectionError: exporter unreachable"]
    )


def test_conditions__become_skips_with_their_reason(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "-rs")
    result.stdout.fnmatch_lines(["SKIPPED [1] allgood.py:11: only runs in production, staging"])


def test_allgreen_env__selects_the_environment(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-env", "staging")
    result.assert_outcomes(passed=2, failed=1, errors=1)


def test_allgreen_env_variable__is_the_fallback(pytester, config, monkeypatch):
    monkeypatch.setenv("ALLGREEN_ENV", "production")
    pytester.runpytest("--allgreen", "allgood.py").assert_outcomes(passed=2, failed=1, errors=1)


def test_keyword_and_marker_selection(pytester, config):
    pytester.runpytest("--allgreen", "allgood.py", "-k", "database").assert_outcomes(passed=1)
    pytester.runpytest("--allgreen", "allgood.py", "-m", "config").assert_outcomes(failed=1)
    result = pytester.runpytest("--allgreen", "allgood.py", "-m", "db", "--strict-markers")
    result.assert_outcomes(passed=1)


def test_exitfirst__stops_at_the_first_failure(pytester, config):
    pytester.runpytest("--allgreen", "allgood.py", "-x").assert_outcomes(passed=1, failed=1)


def test_verbose__lists_each_check_by_id(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "-v")
    result.stdout.fnmatch_lines(["allgood.py::database PASSED*", "allgood.py::settings FAILED*"])


def test_last_failed__reruns_only_the_failures(pytester, config):
    pytester.runpytest("--allgreen", "allgood.py")
    result = pytester.runpytest("--allgreen", "allgood.py", "--lf")
    result.assert_outcomes(failed=1, errors=1)


def test_junitxml__one_testcase_per_check_with_properties(pytester, config):
    pytester.runpytest("--allgreen", "allgood.py", "--junitxml=out.xml")
    suite = ET.parse(pytester.path / "out.xml").getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [
        "database",
        "settings",
        "production_only",
        "exporter",
    ]
    assert suite.get("tests") == "4"
    properties = {
        case.get("name"): {p.get("name"): p.get("value") for p in case.iter("property")}
        for case in cases
    }
    assert properties["database"]["status"] == "passed"
    assert properties["database"]["tags"] == "db"
    assert properties["database"]["critical"] == "true"
    assert properties["database"]["cached"] == "false"
    assert float(properties["database"]["duration_ms"]) >= 0
    assert properties["settings"]["status"] == "failed"
    assert properties["production_only"]["status"] == "skipped"
    assert properties["exporter"] == {
        "status": "error", "duration_ms": properties["exporter"]["duration_ms"],
        "cached": "false", "critical": "false", "tags": "",
    }  # fmt: skip
    assert len(suite.findall("testcase/failure")) == 2
    assert len(suite.findall("testcase/skipped")) == 1


def test_allgreen_json__writes_the_report(pytester, config):
    pytester.runpytest("--allgreen", "allgood.py", "--allgreen-json", "out/report.json")
    report = json.loads((pytester.path / "out" / "report.json").read_text())
    assert report["status"] == "fail"
    assert report["environment"] == "development"
    assert report["counts"] == {"passed": 1, "failed": 1, "error": 1, "skipped": 1}
    checks = {c["id"]: c for c in report["checks"]}
    assert list(checks) == ["database", "settings", "production_only", "exporter"]
    assert checks["settings"]["message"] == "assert {'a': 1, 'b': [1, 2]} == {'a': 2, 'b': [1, 2]}"
    assert "Differing items:" in checks["settings"]["detail"]
    assert checks["production_only"]["skip_reason"] == "only runs in production, staging"
    assert checks["exporter"]["status"] == "error"
    assert checks["exporter"]["message"] == "ConnectionError: exporter unreachable"
    assert checks["exporter"]["critical"] is False
    assert checks["database"]["tags"] == ["db"]


def test_fixtures__from_allgood_py_and_a_neighbouring_conftest(pytester, allgood):
    pytester.makeconftest("import pytest\n@pytest.fixture\ndef base():\n    return 40\n")
    allgood(
        "import pytest\nfrom allgreen import check, expect\n"
        "@pytest.fixture\ndef answer(base):\n    return base + 2\n"
        "@check('fixtures')\ndef uses(answer, tmp_path):\n    expect(answer).to_eq(42)\n    assert tmp_path.is_dir()\n"
    )
    pytester.runpytest("--allgreen", "allgood.py").assert_outcomes(passed=1)


def test_async_checks__run(pytester, allgood):
    allgood(
        "import asyncio\nfrom allgreen import check, expect\n"
        "@check('async ok')\nasync def ok():\n    await asyncio.sleep(0)\n"
        "@check('async fails')\nasync def bad():\n    expect(await asyncio.sleep(0, 'x')).to_eq('y')\n"
    )
    result = pytester.runpytest("--allgreen", "allgood.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["E       AssertionError: assert 'x' == 'y'"])


def test_timeout_option__applies_to_checks_without_their_own(pytester, allgood):
    allgood(
        "import time\nfrom allgreen import check\n@check('slow')\ndef slow():\n    time.sleep(2)\n"
    )
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-timeout", "0.2", "-rE")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*timed out after 0.2 s*"])


def test_timeout_option__rejects_nonsense(pytester, config):
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-timeout", "soon")
    result.stderr.fnmatch_lines(["*invalid allgreen timeout 'soon' from --allgreen-timeout*"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        (
            "from allgreen import check\n@check('x')\ndef x(:\n    pass\n",
            "allgood.py:3: syntax error: *",
        ),
        (
            "import not_a_module_anywhere\n",
            "*allgood.py:1: loading the config raised ModuleNotFoundError: No module named 'not_a_module_anywhere'*",
        ),
        (
            "from allgreen import check\n@check('x', timeout=-2)\ndef x(): pass\n",
            "*allgood.py:2: check 'x': timeout=-2 is not valid*",
        ),
        (
            "from allgreen import check\n@check('x')\ndef a(): pass\n@check('y', name='a')\ndef b(): pass\n",
            "*allgood.py:4: check 'a' is defined twice (first at *allgood.py:2)*",
        ),
        (
            "from allgreen import check\n@check('x', retries=3)\ndef x(): pass\n",
            "*allgood.py:2: check() got an unknown option 'retries'*",
        ),
    ],
)
def test_broken_config__is_one_collection_error_with_file_line_and_fix(
    pytester, allgood, source, message
):
    allgood(source)
    result = pytester.runpytest("--allgreen", "allgood.py", "--allgreen-json", "report.json")
    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.stdout.fnmatch_lines(["*ERROR collecting allgood.py*", message])
    assert "Traceback" not in result.stdout.str()
    report = json.loads((pytester.path / "report.json").read_text())
    assert report["status"] == "fail"
    assert report["error"]


def test_ordinary_tests__run_untouched_beside_checks(pytester, config):
    pytester.makepyfile(
        test_plain="def test_one():\n    assert 1\n\ndef test_two():\n    assert 2 == 3\n"
    )
    result = pytester.runpytest("--allgreen", "allgood.py", "test_plain.py")
    result.assert_outcomes(passed=2, failed=2, skipped=1, errors=1)
    result.stdout.fnmatch_lines(["E       assert 2 == 3"])


def test_without_the_flag__allgood_py_is_not_collected(pytester, config):
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)


def test_discovery__finds_allgood_py_under_the_root(pytester, config):
    pytester.makepyfile(test_plain="def test_one():\n    pass\n")
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("--allgreen")
    result.assert_outcomes(passed=1, failed=1, skipped=1, errors=1)


def test_discovery__finds_config_allgood_py(pytester):
    pytester.makeini("[pytest]\n")
    (pytester.path / "config").mkdir()
    (pytester.path / "config" / "allgood.py").write_text(
        "from allgreen import check\n@check('x')\ndef x(): pass\n"
    )
    result = pytester.runpytest("--allgreen", "-v")
    result.stdout.fnmatch_lines(["config/allgood.py::x PASSED*"])


def test_discovery__a_directory_argument_uses_its_allgood_py(pytester, config):
    sub = pytester.mkdir("svc")
    (sub / "allgood.py").write_text("from allgreen import check\n@check('sub')\ndef sub(): pass\n")
    result = pytester.runpytest("--allgreen", "svc", "-v")
    result.stdout.fnmatch_lines(["svc/allgood.py::sub PASSED*"])
    result.assert_outcomes(passed=1)


def test_discovery__nothing_found_is_a_usage_error(pytester):
    pytester.makeini("[pytest]\n")
    result = pytester.runpytest("--allgreen")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*" + NOTHING_TO_RUN.split("{")[0] + "*"])


def test_config_error_messages_are_shared_constants():
    # The messages asserted above come from allgreen.errors; keep them sentences with a fix.
    assert "rename" in errors.DUPLICATE_ID and "the options are" in errors.UNKNOWN_OPTION


def test_without_the_flag__allgreen_itself_is_not_even_imported():
    # The plugin loads in every pytest session of a project that installs allgreen.
    code = (
        "import sys, pytest\n"
        "pytest.main(['--version'])\n"
        "import pytest_allgreen.plugin\n"
        "print(sorted(m for m in sys.modules if m == 'allgreen' or m.startswith('allgreen.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
