"""The parent's side of worker processes: handles, the one-shot fork, and the poller."""

from __future__ import annotations

import collections
import contextlib
import math
import os
import select
import signal
import socket
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allgreen.execution import CheckCall
from allgreen.isolation import messages, wire, worker
from allgreen.outcome import CheckOutcome

# Forks from this process happen one at a time, so that no child inherits
# another child's end of a socket (which would hide that child's death).
_FORK_LOCK = threading.Lock()


@dataclass
class Task:
    """One call of a run: where it stands and what it printed."""

    call: CheckCall
    started: float = 0.0
    deadline: float | None = None
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0
    outcome: CheckOutcome | None = None

    def begin(self) -> None:
        """Start the clock of this call: its worker starts running it now."""
        self.started = time.monotonic()
        self.deadline = self.started + self.call.timeout if self.call.timeout else None


class WorkerHandle:
    """The parent's handle on one worker process and the calls it was given, in order."""

    def __init__(
        self,
        pid: int,
        sock: socket.socket,
        output: int,
        reap: Callable[[int], int | None],
        reusable: bool,
    ) -> None:
        self.pid, self.sock, self.output = pid, sock, output
        self.reap, self.reusable = reap, reusable
        #: calls sent and not answered yet; the first is the one running.
        self.queue: collections.deque[Task] = collections.deque()
        self.buffer = bytearray()
        #: the run using the worker now; a released worker may serve another thread's run.
        self.owner: object | None = None
        os.set_blocking(output, False)

    @property
    def current(self) -> Task:
        """Return the call the worker is running now."""
        return self.queue[0]

    def receive(self) -> list[Any] | None:
        """Read what arrived; return the complete replies, or ``None`` when the worker died."""
        try:
            chunk = self.sock.recv(1 << 16)
        except OSError:
            chunk = b""
        if not chunk:
            return None
        self.buffer += chunk
        return wire.take_frames(self.buffer)

    def kill(self) -> int | None:
        """Kill the worker's process group (all its check started); return its wait status."""
        for kill, target in ((os.killpg, self.pid), (os.kill, self.pid)):
            with contextlib.suppress(OSError):
                kill(target, signal.SIGKILL)
        status = self.reap(self.pid)
        self.sock.close()
        with contextlib.suppress(OSError):
            os.close(self.output)
        return status


def _waitpid(pid: int) -> int | None:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


def fork_call(call: CheckCall) -> WorkerHandle:
    """Fork a one-shot worker from this process to run ``call`` with its fixture values."""
    with _FORK_LOCK:
        host_end, worker_end = socket.socketpair()
        read_fd, write_fd = os.pipe()
        with warnings.catch_warnings():
            # Python 3.12+ warns about fork in a threaded process; the child only
            # runs the check, and its deadline bounds any lock it inherits held.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:
            code = 70
            try:
                host_end.close()
                os.close(read_fd)
                worker.prepare_process(write_fd, die_with_parent=False)
                reply = worker.run_one(call.spec, call.kwargs, call.memory_limit)
                wire.send(worker_end, reply)
                code = 0
            finally:
                os._exit(code)
        worker_end.close()
        os.close(write_fd)
    return WorkerHandle(pid, host_end, read_fd, _waitpid, reusable=False)


def crash_message(status: int | None) -> str:
    """Say how a worker that died without answering ended, from its wait status."""
    if status is not None and os.WIFSIGNALED(status):
        signum = os.WTERMSIG(status)
        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        return messages.WORKER_CRASHED.format(signal=name)
    if status is not None and os.WIFEXITED(status):
        return messages.WORKER_EXITED.format(code=os.WEXITSTATUS(status))
    return messages.WORKER_CRASHED.format(signal="it vanished")


class Poller:
    """Wait on the result sockets and output pipes of busy workers."""

    def __init__(self) -> None:
        # poll(), not epoll: registering costs no system call, and runs are small.
        self._poll = select.poll()
        self._owners: dict[int, tuple[WorkerHandle, bool]] = {}

    def watch(self, handle: WorkerHandle) -> None:
        for fd, is_result in ((handle.sock.fileno(), True), (handle.output, False)):
            self._poll.register(fd, select.POLLIN)
            self._owners[fd] = (handle, is_result)

    def forget(self, fd: int) -> None:
        if self._owners.pop(fd, None) is not None:
            self._poll.unregister(fd)

    def unwatch(self, handle: WorkerHandle) -> None:
        self.forget(handle.sock.fileno())
        self.forget(handle.output)

    def wait(self, timeout: float | None) -> list[tuple[WorkerHandle, bool]]:
        """Return ``(handle, is_result)`` per ready descriptor, output before results."""
        milliseconds = None if timeout is None else math.ceil(timeout * 1000)
        ready = [self._owners[fd] for fd, _ in self._poll.poll(milliseconds) if fd in self._owners]
        return sorted(ready, key=lambda owner: owner[1])
