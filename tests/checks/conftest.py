"""Fixtures for the built-in checks: run a helper as a check, and local servers on port 0."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from allgreen.dsl import CheckSpec
from allgreen.outcome import CheckOutcome, call_check
from allgreen.report import CheckResult


class Ran:
    """What running a helper inside a check produced: its outcome and its report line."""

    def __init__(self, outcome: CheckOutcome, result: CheckResult) -> None:
        self.outcome = outcome
        self.result = result
        self.status = outcome.status
        self.message = outcome.message or ""

    def text(self) -> str:
        """Return everything a user could read about this run: message, detail, JSON."""
        import json

        return "\n".join(
            [self.message, self.outcome.detail or "", json.dumps(self.result.to_dict())]
        )


@pytest.fixture
def run_check() -> Callable[..., Ran]:
    """Return a function that calls ``helper(*args, **kwargs)`` inside a check, as allgreen does."""

    def run(helper: Callable[..., Any], *args: Any, **kwargs: Any) -> Ran:
        def probe() -> Any:
            return helper(*args, **kwargs)

        spec = CheckSpec(
            id="probe", description=f"runs {helper.__name__}", func=probe, path=__file__, lineno=1
        )
        outcome = call_check(spec)
        return Ran(outcome, CheckResult.from_outcome(spec, outcome))

    return run


@pytest.fixture
def silent_server() -> Iterator[tuple[str, int]]:
    """Listen on a free port, accept connections and never say a word (a hung dependency)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[:2]
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


@pytest.fixture
def closed_port() -> int:
    """Return a local port that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
