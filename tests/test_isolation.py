"""The process executor: pool, order, parallelism, limits and what crosses the boundary."""

from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import psutil
import pytest

from allgreen.engine import RunOptions, run_config
from allgreen.execution import CheckCall, IsolationWarning, ThreadExecutor, default_executor
from allgreen.isolation import ProcessExecutor
from allgreen.isolation.messages import (
    CAPTURED_OUTPUT,
    LEFT_PROCESSES,
    MEMORY_EXCEEDED,
    TIMED_OUT_KILLED,
)
from allgreen.loader import LoadedConfig, load_config
from pytest_allgreen.settings import BAD_MEMORY


def write_config(directory: Path, source: str) -> LoadedConfig:
    (directory / "allgood.py").write_text(source)
    return load_config(directory / "allgood.py")


def calls(config: LoadedConfig, timeout: float = 5.0) -> list[CheckCall]:
    return [CheckCall(spec, {}, timeout) for spec in config.checks]


def test_default_executor__isolates_in_processes_on_linux(tmp_path: Path) -> None:
    config = write_config(tmp_path, "from allgreen import check\n")
    executor = default_executor(config)
    try:
        assert isinstance(executor, ProcessExecutor)
    finally:
        executor.close()


def test_run__returns_outcomes_in_declaration_order_and_runs_them_together(
    tmp_path: Path,
) -> None:
    checks = "\n".join(
        f"@check('sleeper {n}')\ndef sleeper_{n}():\n"
        f"    started = time.time()\n    time.sleep(0.3)\n    return started\n"
        for n in range(10)
    )
    config = write_config(tmp_path, "import time\nfrom allgreen import check\n" + checks)
    with ProcessExecutor(config, max_workers=10) as executor:
        outcomes = executor.run(calls(config))
    assert [o.status for o in outcomes] == ["passed"] * 10
    starts = [o.observed_value for o in outcomes]
    # Every check started before the first one could have finished: they overlapped.
    assert max(starts) - min(starts) < 0.3


def test_run__keeps_assertion_introspection_and_observed_values(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "from allgreen import check, expect\n"
        "class Reading:\n"
        "    observed_value = 87.5\n"
        "    observed_unit = 'percent'\n"
        "@check('diff')\ndef diff():\n    expect({'a': 1}).to_eq({'a': 2})\n"
        "@check('reading')\ndef reading():\n    return Reading()\n",
    )
    with ProcessExecutor(config) as executor:
        failed, observed = executor.run(calls(config))
    assert failed.status == "failed"
    assert failed.message == "assert {'a': 1} == {'a': 2}"
    assert "Differing items:" in (failed.detail or "")
    assert failed.longrepr is not None and "{'a': 1} != {'a': 2}" in str(failed.longrepr)
    assert (observed.observed_value, observed.observed_unit) == (87.5, "percent")


def test_run__reports_an_unpicklable_return_value_by_its_repr(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "import threading\nfrom allgreen import check\n"
        "class Odd:\n    observed_value = threading.Lock()\n"
        "@check('odd')\ndef odd():\n    return Odd()\n",
    )
    with ProcessExecutor(config) as executor:
        (outcome,) = executor.run(calls(config))
    assert outcome.status == "passed"
    assert str(outcome.observed_value).startswith("<unlocked _thread.lock object")


def test_run__reuses_workers_and_replaces_a_killed_one(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "import os, time\nfrom allgreen import check\n"
        "@check('pid')\ndef pid():\n    return os.getpid()\n"
        "@check('hang', timeout=0.3)\ndef hang():\n    time.sleep(60)\n",
    )
    pid_call, hang_call = CheckCall(config.checks[0], {}, 5), CheckCall(config.checks[1], {}, 0.3)
    with ProcessExecutor(config, max_workers=1) as executor:
        first = executor.run([pid_call])[0].observed_value
        assert executor.run([pid_call])[0].observed_value == first
        (hung,) = executor.run([hang_call])
        assert hung.message == TIMED_OUT_KILLED.format(limit=0.3)
        after = executor.run([pid_call])[0]
    assert after.status == "passed" and after.observed_value != first
    assert not psutil.pid_exists(first) or psutil.Process(first).status() == psutil.STATUS_ZOMBIE


def test_run__retires_a_worker_whose_check_left_a_thread(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "import os, threading, time\nfrom allgreen import check\n"
        "@check('thread')\ndef thread():\n"
        "    threading.Thread(target=time.sleep, args=(60,), daemon=True).start()\n"
        "    return os.getpid()\n",
    )
    threads_before = psutil.Process().num_threads()
    with ProcessExecutor(config, max_workers=1) as executor:
        first = executor.run(calls(config))[0]
        second = executor.run(calls(config))[0]
    assert first.status == second.status == "passed"
    assert first.observed_value != second.observed_value
    assert psutil.Process().num_threads() == threads_before


def test_run__forks_calls_with_fixture_values_that_do_not_pickle(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "from allgreen import check\n"
        "@check('uses a lock')\ndef uses(lock):\n"
        "    assert lock.acquire(blocking=False)\n    return 'held'\n",
    )
    lock = threading.Lock()
    with ProcessExecutor(config) as executor:
        (outcome,) = executor.run([CheckCall(config.checks[0], {"lock": lock}, 5)])
    assert (outcome.status, outcome.observed_value) == ("passed", "held")
    assert not lock.locked()  # the child had its own copy


def test_run__starts_a_fresh_interpreter_when_the_host_has_threads(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "import os\nfrom allgreen import check\n"
        "@check('parent')\ndef parent():\n    return os.getppid()\n",
    )
    stop = threading.Event()
    server_thread = threading.Thread(target=stop.wait)
    server_thread.start()
    try:
        with ProcessExecutor(config) as executor:
            (outcome,) = executor.run(calls(config))
            zygote = psutil.Process(outcome.observed_value)
            assert "allgreen.isolation.zygote" in " ".join(zygote.cmdline())
    finally:
        stop.set()
        server_thread.join()
    assert outcome.status == "passed"
    assert psutil.Process().children(recursive=True) == []


def test_run__puts_what_a_failing_check_printed_in_its_detail(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "from allgreen import check\n"
        "@check('noisy')\ndef noisy():\n    print('connecting to db-7')\n    assert False\n",
    )
    with ProcessExecutor(config) as executor:
        (outcome,) = executor.run(calls(config))
    header = CAPTURED_OUTPUT.format(shown=19, total=19)
    assert f"{header}\nconnecting to db-7" in (outcome.detail or "")


def test_run_config__applies_the_global_memory_limit(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "from allgreen import check\n"
        "@check('hog')\ndef hog():\n    return len(bytearray(256 * 2**20))\n",
    )
    report = run_config(config, RunOptions(memory_limit=32 * 2**20))
    assert report.checks[0].message == MEMORY_EXCEEDED.format(limit="32 MB")
    assert run_config(config).checks[0].status == "passed"


def test_close__leaves_no_process_behind(tmp_path: Path) -> None:
    config = write_config(
        tmp_path, "from allgreen import check\n@check('ok')\ndef ok():\n    pass\n"
    )
    executor = ProcessExecutor(config)
    executor.run(calls(config) * 4)
    assert psutil.Process().children(recursive=True) != []
    executor.close()
    assert psutil.Process().children(recursive=True) == []


def test_pytest__global_timeout_kills_a_check_without_its_own(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        allgood="import time\nfrom allgreen import check\n"
        "@check('hangs')\ndef hangs():\n    time.sleep(60)\n"
    )
    result = pytester.runpytest_inprocess("--allgreen", "allgood.py", "--allgreen-timeout=0.5")
    result.stdout.fnmatch_lines([f"ERROR allgood.py::hangs - {TIMED_OUT_KILLED.format(limit=0.5)}"])
    assert psutil.Process().children(recursive=True) == []


def test_pytest__memory_limit_from_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nallgreen_memory_limit = 32MB\n")
    pytester.makepyfile(
        allgood="from allgreen import check\n"
        "@check('hog')\ndef hog():\n    bytearray(256 * 2**20)\n"
    )
    result = pytester.runpytest_inprocess("--allgreen", "allgood.py")
    result.stdout.fnmatch_lines(
        [f"ERROR allgood.py::hog - {MEMORY_EXCEEDED.format(limit='32 MB')}"]
    )


def test_pytest__bad_memory_limit_is_a_usage_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(allgood="from allgreen import check\n")
    result = pytester.runpytest_inprocess("--allgreen", "--allgreen-memory-limit=lots")
    message = BAD_MEMORY.format(
        value="lots",
        source="--allgreen-memory-limit",
        why="expected a number of bytes or a size such as '256MB' or '1GiB'",
    )
    assert message in result.stderr.str()


def test_pytest__verbose_diff_survives_the_fork(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # pytest shows whole diffs on CI whatever -v says; compare as on a desk.
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("BUILD_NUMBER", raising=False)
    pytester.makepyfile(
        allgood="from allgreen import check, expect\n"
        "@check('lists')\ndef lists():\n    expect(list(range(30))).to_eq(list(range(31)))\n"
    )
    quiet = pytester.runpytest_inprocess("--allgreen", "allgood.py")
    assert "Use -v to get more diff" in quiet.stdout.str()
    verbose = pytester.runpytest_inprocess("--allgreen", "allgood.py", "-vv")
    assert "Use -v to get more diff" not in verbose.stdout.str()
    verbose.stdout.fnmatch_lines(["*Full diff:*"])


def test_pytest__fixture_values_reach_the_forked_check(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        allgood="import os, threading, pytest\nfrom allgreen import check\n"
        "@pytest.fixture\ndef lock():\n    return threading.Lock()\n"
        "@check('uses')\ndef uses(lock):\n    assert os.getpid() != PARENT\n"
        "    assert lock.acquire(blocking=False)\n"
        "PARENT = os.getpid()\n"
    )
    result = pytester.runpytest_inprocess("--allgreen", "allgood.py")
    result.assert_outcomes(passed=1)


def test_run__serves_concurrent_runs_from_a_threaded_host(tmp_path: Path) -> None:
    config = write_config(
        tmp_path,
        "import time\nfrom allgreen import check, expect\n"
        "@check('quick')\ndef quick():\n    expect(1).to_eq(1)\n"
        "@check('slow')\ndef slow():\n    time.sleep(0.2)\n"
        "@check('hangs', timeout=0.3)\ndef hangs():\n    time.sleep(60)\n"
        "@check('with fixture')\ndef with_fixture(value):\n    return value\n",
    )
    quick, slow, hangs, with_fixture = config.checks
    run_calls = [
        CheckCall(quick, {}, 5),
        CheckCall(slow, {}, 5),
        CheckCall(hangs, {}, 0.3),
        CheckCall(with_fixture, {"value": 7}, 5),
    ]
    results: list[list[str]] = []

    def request(executor: ProcessExecutor) -> None:
        outcomes = executor.run(run_calls)
        results.append([f"{o.status}:{o.observed_value}" for o in outcomes])

    with ProcessExecutor(config) as executor:
        requests = [threading.Thread(target=request, args=(executor,)) for _ in range(4)]
        for thread in requests:
            thread.start()
        for thread in requests:
            thread.join()
    assert results == [["passed:None", "passed:None", "error:None", "passed:7"]] * 4
    assert psutil.Process().children(recursive=True) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="child subreapers are Linux-only")
def test_run__catches_a_grandchild_the_check_daemonised(tmp_path: Path) -> None:
    marker = f"allgreen-daemon-{os.getpid()}"
    config = write_config(
        tmp_path,
        "import subprocess, sys\nfrom allgreen import check\n"
        "@check('daemonises')\ndef daemonises():\n"
        "    sleeper = f'{sys.executable} -c \"import time; time.sleep(60)\"'\n"
        f"    subprocess.run(sleeper + ' {marker} &', shell=True, check=True)\n",
    )
    with ProcessExecutor(config) as executor:
        (outcome,) = executor.run(calls(config))
    assert (outcome.status, outcome.message) == ("error", LEFT_PROCESSES)
    alive = [p for p in psutil.process_iter(["cmdline"]) if marker in (p.info["cmdline"] or [])]
    assert alive == []


def test_default_executor__says_when_it_falls_back_to_soft_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delattr(os, "fork")
    config = write_config(tmp_path, "from allgreen import check\n")
    with pytest.warns(IsolationWarning, match="soft time limits"):
        executor = default_executor(config)
    try:
        assert isinstance(executor, ThreadExecutor)
    finally:
        executor.close()


def test_run__a_quick_check_turned_slow_does_not_hold_up_the_others(tmp_path: Path) -> None:
    flag = tmp_path / "hang"
    checks = "".join(f"@check('quick {n}')\ndef quick_{n}():\n    return {n}\n" for n in range(6))
    config = write_config(
        tmp_path,
        "import pathlib, time\nfrom allgreen import check\n"
        f"{checks}"
        "@check('turns slow')\ndef turns_slow():\n"
        f"    if pathlib.Path({str(flag)!r}).exists():\n        time.sleep(60)\n",
    )
    with ProcessExecutor(config) as executor:
        first = executor.run(calls(config, timeout=0.5))
        flag.touch()
        second = executor.run(calls(config, timeout=0.5))
    assert [o.status for o in first] == ["passed"] * 7
    assert [o.observed_value for o in second[:6]] == list(range(6))
    assert [o.status for o in second] == ["passed"] * 6 + ["error"]
    assert second[6].message == TIMED_OUT_KILLED.format(limit=0.5)
    assert psutil.Process().children(recursive=True) == []
