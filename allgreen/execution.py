"""The one small interface through which every mode runs checks.

pytest items, ``allgreen run`` and the web endpoint all hand a list of
:class:`CheckCall` to an :class:`Executor` and get one
:class:`~allgreen.outcome.CheckOutcome` back per call, in the same order.
"""

from __future__ import annotations

import concurrent.futures
import os
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from allgreen.dsl import DEFAULT_TIMEOUT, CheckSpec
from allgreen.loader import LoadedConfig
from allgreen.outcome import CheckOutcome, call_check

TIMED_OUT = "timed out after {limit:g} s"


@dataclass
class CheckCall:
    """One check to run, with its fixture values and its resolved time limit."""

    spec: CheckSpec
    kwargs: dict[str, Any] = field(default_factory=dict)
    #: seconds; 0 means no limit.
    timeout: float = DEFAULT_TIMEOUT
    #: bytes the check may allocate before it is stopped; ``None`` for no limit.
    memory_limit: int | None = None


def resolve_timeout(spec: CheckSpec, default: float | None = None) -> float:
    """Return the limit of ``spec``: its own ``timeout=``, else ``default``, else 10 s."""
    if spec.timeout is not None:
        return spec.timeout
    return DEFAULT_TIMEOUT if default is None else default


def resolve_memory_limit(spec: CheckSpec, default: int | None = None) -> int | None:
    """Return the memory limit of ``spec``: its own ``memory_limit=``, else ``default``."""
    return spec.memory_limit if spec.memory_limit is not None else default


class Executor(Protocol):
    """Runs checks and returns their outcomes in the order given."""

    def run(self, calls: Sequence[CheckCall]) -> list[CheckOutcome]: ...

    def close(self) -> None: ...


class ThreadExecutor:
    """Run checks in a bounded thread pool of this process, with soft limits.

    A check past its limit is reported as an error, but its thread cannot be
    stopped and finishes in the background.
    """

    def __init__(self, max_workers: int | None = None) -> None:
        self.max_workers = max_workers or min(32, (os.cpu_count() or 1) * 4)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            self.max_workers, thread_name_prefix="allgreen-check"
        )

    def run(self, calls: Sequence[CheckCall]) -> list[CheckOutcome]:
        started = time.monotonic()
        futures = [self._pool.submit(call_check, call.spec, call.kwargs) for call in calls]
        outcomes = []
        for call, future in zip(calls, futures, strict=True):
            remaining = None
            if call.timeout:
                remaining = max(0.0, started + call.timeout - time.monotonic())
            try:
                outcomes.append(future.result(timeout=remaining))
            except concurrent.futures.TimeoutError:
                message = TIMED_OUT.format(limit=call.timeout) + " (soft limit: not killed)"
                outcomes.append(CheckOutcome("error", call.timeout, message=message))
        return outcomes

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ThreadExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def default_executor(config: LoadedConfig | None = None) -> Executor:
    """Return the executor to run the checks of ``config`` with when none is given.

    On Linux and macOS that is a :class:`~allgreen.isolation.ProcessExecutor`
    (hard limits). Elsewhere a warning says, once per caller, that checks fall
    back to soft limits in threads. Long-lived callers (the web endpoint) keep
    one per loaded config and close it when the config reloads.
    """
    from allgreen.isolation import ProcessExecutor, isolation_supported
    from allgreen.isolation.messages import NO_ISOLATION

    if isolation_supported():
        return ProcessExecutor(config)
    warnings.warn(NO_ISOLATION.format(platform=sys.platform), IsolationWarning, stacklevel=2)
    return ThreadExecutor()


class IsolationWarning(RuntimeWarning):
    """Checks cannot run in worker processes here; their limits are soft."""
