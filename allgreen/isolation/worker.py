"""Run checks inside a worker process, under its limits, and report back.

A worker is its own process group (so a kill reaches everything the check
started) and, on Linux, a child subreaper (so orphaned grandchildren become
its children and cannot hide). Its stdout and stderr go to a pipe the parent
drains and caps. After each check it looks for what the check left behind:
a live child process makes the check an error, and any leftover process or
thread retires the worker so the next check starts clean.
"""

from __future__ import annotations

import ctypes
import faulthandler
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from allgreen.dsl import CheckSpec
from allgreen.isolation import messages, wire
from allgreen.outcome import CheckOutcome, call_check, outcome_from_exception

try:
    import resource
except ImportError:  # pragma: no cover - not on Linux or macOS
    resource = None  # type: ignore[assignment]

_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36

#: What a worker sends back: the outcome as data, and whether it must be replaced.
Reply = tuple[dict[str, Any], bool]


def _prctl(option: int, value: int) -> None:
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # pragma: no cover - exotic libc
        pass


def prepare_process(output_fd: int, *, die_with_parent: bool) -> None:
    """Turn the freshly forked process into a worker writing its output to ``output_fd``."""
    os.setpgid(0, 0)
    _prctl(_PR_SET_CHILD_SUBREAPER, 1)
    if die_with_parent:
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGALRM, signal.SIGCHLD):
        signal.signal(signum, signal.SIG_DFL)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    os.dup2(output_fd, 1)
    os.dup2(output_fd, 2)
    os.close(output_fd)
    # pytest's capture may have replaced sys.stdout with its own file: write to ours.
    sys.stdin = open(0, closefd=False)
    sys.stdout = open(1, "w", closefd=False, errors="backslashreplace")
    sys.stderr = open(2, "w", closefd=False, errors="backslashreplace", buffering=1)
    # A crash's Python traceback goes to the captured output (pytest's faulthandler
    # would write it to the terminal), and from there into the check's detail.
    faulthandler.enable(sys.stderr)


def _address_space() -> int | None:
    """Return this process's virtual memory size in bytes, where the platform says."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _limit_memory(limit: int | None) -> Callable[[], None] | None:
    """Let the process grow by at most ``limit`` bytes; return how to lift the limit."""
    if limit is None or resource is None:
        return None
    base = _address_space()
    if base is None:  # macOS: RLIMIT_AS is not enforced there, best effort only
        base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = base + limit if hard == resource.RLIM_INFINITY else min(base + limit, hard)
    try:
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    except (ValueError, OSError):
        return None
    return lambda: resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _live_children() -> bool:
    """Reap finished children; tell whether one is still running."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return False
        if pid == 0:
            return True


def _flush_output() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def run_one(spec: CheckSpec, kwargs: dict[str, Any], memory_limit: int | None) -> Reply:
    """Run ``spec`` here under ``memory_limit``; return the outcome as data and a retire flag."""
    me = os.getpid()
    started = time.perf_counter()
    lift = _limit_memory(memory_limit)
    raised: BaseException | None = None
    try:
        outcome = call_check(spec, kwargs)
    except BaseException as exc:  # KeyboardInterrupt, or the rendering itself ran out of memory
        raised = exc
    finally:
        if lift is not None:
            lift()
    if os.getpid() != me:  # the check forked and this copy came back here: it has no say
        os._exit(0)
    if raised is not None:
        try:
            outcome = outcome_from_exception(raised, spec, time.perf_counter() - started)
        except BaseException:
            outcome = CheckOutcome("error", message=type(raised).__name__)
    retire = False
    out_of_memory = (outcome.message or "").startswith("MemoryError")
    if memory_limit is not None and out_of_memory:
        outcome.status = "error"
        limit = messages.format_bytes(memory_limit)
        outcome.message = messages.MEMORY_EXCEEDED.format(limit=limit)
        # Lead with the limit; pytest would otherwise headline the bare MemoryError.
        outcome.detail = "\n\n".join(filter(None, [outcome.message, outcome.detail]))
        outcome.longrepr = None
        retire = True
    _flush_output()
    if _live_children():
        if outcome.status == "passed":
            outcome.status, outcome.message = "error", messages.LEFT_PROCESSES
        retire = True
    # Threads started outside the threading module go unseen; counting them in
    # /proc would cost more than the rest of this function.
    if threading.active_count() > 1:
        retire = True
    return wire.outcome_to_wire(outcome, spec), retire


def serve(sock: socket.socket, lookup: Callable[[str], CheckSpec]) -> None:
    """Run the batches of checks asked for on ``sock``, one reply per check, until told to stop."""
    while True:
        try:
            batch = wire.receive(sock)
        except (wire.ConnectionClosed, OSError):
            return
        for check_id, memory_limit in batch:
            reply = run_one(lookup(check_id), {}, memory_limit)
            wire.send(sock, reply)
            if reply[1]:  # the parent gives the rest of the batch to another worker
                return
