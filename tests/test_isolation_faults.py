"""The fault suite: checks that hang, crash or misbehave, each killed or reported.

The same config runs through the API (``run_config``) and through pytest
(``pytest --allgreen``). For every fault: the check is an ``error`` naming
what happened, the healthy checks pass, this (host) process survives, the
run returns within the limit plus 0.5 s, and afterwards no process started
by the run is alive and no thread was added here.
"""

from __future__ import annotations

import json
import os
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import psutil
import pytest

from allgreen.engine import run_config
from allgreen.isolation.messages import (
    LEFT_PROCESSES,
    MEMORY_EXCEEDED,
    OUTPUT_EXCEEDED,
    TIMED_OUT_KILLED,
    WORKER_CRASHED,
    WORKER_EXITED,
)
from allgreen.loader import load_config

FAULTS = """
import ctypes, os, signal, socket, subprocess, sys, threading, time
from allgreen import check, expect

@check("Healthy before the faults")
def healthy_before():
    expect(6 * 7).to_eq(42)

@check("Blocks in time.sleep", timeout=1)
def sleeps():
    time.sleep(60)

@check("Blocks in a socket recv without timeout", timeout=1)
def recv():
    left, right = socket.socketpair()
    left.recv(1)

@check("Spins the CPU", timeout=1)
def spins():
    while True:
        pass

@check("Deadlocks on a lock", timeout=1)
def deadlock():
    lock = threading.Lock()
    lock.acquire()
    lock.acquire()

@check("Ignores SIGTERM and SIGALRM", timeout=1)
def stubborn():
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    signal.alarm(1)
    while True:
        time.sleep(0.01)

@check("Segfaults", timeout=1)
def segfault():
    ctypes.string_at(0)

@check("Calls os._exit", timeout=1)
def hard_exit():
    os._exit(3)

@check("Calls sys.exit", timeout=1)
def soft_exit():
    sys.exit(2)

@check("Raises KeyboardInterrupt", timeout=1)
def interrupt():
    raise KeyboardInterrupt

@check("Recurses forever", timeout=1)
def recursion():
    def down(depth):
        return down(depth + 1) + 1
    down(0)

@check("Allocates past its memory limit", timeout=1, memory_limit="64MB")
def memory():
    hog = []
    while True:
        hog.append(bytearray(8 * 2**20))

@check("Writes 100 MB to stdout", timeout=1)
def flood():
    chunk = "x" * 2**20
    for _ in range(100):
        sys.stdout.write(chunk)
    sys.stdout.flush()

@check("Raises an exception that cannot be pickled", timeout=1)
def unpicklable():
    class LocalError(Exception):
        pass
    raise LocalError(threading.Lock())

@check("Starts a child process that lingers", timeout=1)
def lingering():
    subprocess.Popen(["sleep", "60"])

@check("Healthy after the faults")
async def healthy_after():
    expect("all" + "green").to_eq("allgreen")
"""

EXPECTED = {
    "healthy_before": ("passed", None),
    "sleeps": ("error", TIMED_OUT_KILLED.format(limit=1)),
    "recv": ("error", TIMED_OUT_KILLED.format(limit=1)),
    "spins": ("error", TIMED_OUT_KILLED.format(limit=1)),
    "deadlock": ("error", TIMED_OUT_KILLED.format(limit=1)),
    "stubborn": ("error", TIMED_OUT_KILLED.format(limit=1)),
    "segfault": ("error", WORKER_CRASHED.format(signal="SIGSEGV")),
    "hard_exit": ("error", WORKER_EXITED.format(code=3)),
    "soft_exit": ("error", "SystemExit: 2"),
    "interrupt": ("error", "KeyboardInterrupt"),
    "recursion": ("error", "RecursionError: maximum recursion depth exceeded"),
    # Out of address space, CPython raises MemoryError (reported as the limit), but
    # an allocation that fails inside C code may crash the worker instead: then
    # the crash is reported with the limit that most likely caused it.
    "memory": (
        "error",
        (
            MEMORY_EXCEEDED.format(limit="64 MB"),
            "worker crashed: SIGSEGV (with a memory limit of 64 MB)",
        ),
    ),
    "flood": ("error", OUTPUT_EXCEEDED.format(limit="1 MB")),
    "unpicklable": ("error", "LocalError: <unlocked _thread.lock object"),
    "lingering": ("error", LEFT_PROCESSES),
    "healthy_after": ("passed", None),
}
#: The limit of the faulty checks plus the margin SPEC §1 allows.
WITHIN = 1.0 + 0.5


def processes_started_in(directory: Path) -> list[psutil.Process]:
    """Return the live processes other than this one whose working directory is ``directory``.

    Every process a run starts (zygote, workers, what checks spawn) inherits the
    run's working directory, a fresh temporary one, wherever it is reparented to.
    """
    found = []
    for process in psutil.process_iter():
        try:
            if process.pid != os.getpid() and Path(process.cwd()) == directory:
                found.append(process)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def assert_nothing_left(directory: Path, threads_before: int) -> None:
    me = psutil.Process()
    assert me.children(recursive=True) == []
    assert processes_started_in(directory) == []
    assert me.num_threads() == threads_before


def assert_outcome(fault: str, status: str, message: str | None) -> None:
    expected_status, expected_message = EXPECTED[fault]
    assert status == expected_status, f"{fault}: {status} {message}"
    if expected_message is None:
        assert message is None
    else:
        assert message is not None and message.startswith(expected_message), (fault, message)


def test_faults__through_the_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "allgood.py").write_text(FAULTS)
    config = load_config(tmp_path / "allgood.py")
    threads_before = psutil.Process().num_threads()
    started = time.monotonic()
    report = run_config(config)
    elapsed = time.monotonic() - started

    assert [result.id for result in report.checks] == list(EXPECTED)
    for result in report.checks:
        assert_outcome(result.id, result.status, result.message)
        if result.status == "error":
            assert result.duration_ms <= WITHIN * 1000
    assert report.status == "fail"
    assert elapsed < WITHIN
    assert_nothing_left(tmp_path, threads_before)


def test_faults__through_pytest(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(allgood=FAULTS)
    threads_before = psutil.Process().num_threads()
    result = pytester.runpytest_inprocess(
        "--allgreen", "allgood.py", "--junitxml=junit.xml", "--allgreen-json=report.json"
    )

    outcomes = result.parseoutcomes()
    assert outcomes == {"passed": 2, "errors": len(EXPECTED) - 2}
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    report = json.loads((pytester.path / "report.json").read_text())
    assert [check["id"] for check in report["checks"]] == list(EXPECTED)
    for check in report["checks"]:
        assert_outcome(check["id"], check["status"], check["message"])
    cases = ET.parse(pytester.path / "junit.xml").getroot().iter("testcase")
    times = {case.get("name"): float(case.get("time", "0")) for case in cases}
    assert sorted(times) == sorted(EXPECTED)
    slow = {name: seconds for name, seconds in times.items() if seconds >= WITHIN}
    assert slow == {}
    killed_or_crashed = ("sleeps", "segfault", "hard_exit", "memory", "flood", "lingering")
    for fault in killed_or_crashed:
        reasons = EXPECTED[fault][1]
        assert reasons is not None
        line = next(
            line for line in result.outlines if line.startswith(f"ERROR allgood.py::{fault} - ")
        )
        assert line.removeprefix(f"ERROR allgood.py::{fault} - ").startswith(
            tuple(reason[:30] for reason in (reasons if isinstance(reasons, tuple) else (reasons,)))
        ), line
    assert_nothing_left(pytester.path, threads_before)
