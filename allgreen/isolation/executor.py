"""The process executor: every check in a worker process, killed at its limit.

Calls without fixture values go to a pool of reusable workers forked by a
:class:`~allgreen.isolation.zygote.Zygote` that already imported the config,
so a check costs about one IPC round trip. Calls with fixture values (which
may not pickle: a database connection) run in a process forked from the
caller, which holds them. Either way the parent waits on all running checks
in one ``select`` loop, with no thread of its own: at a check's deadline it
kills the worker's whole process group and reports why.
"""

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from allgreen.execution import CheckCall
from allgreen.isolation import messages, wire, worker
from allgreen.isolation.zygote import Zygote, ZygoteError
from allgreen.loader import LoadedConfig
from allgreen.outcome import CheckOutcome

#: stdout and stderr of one check together may not pass this many bytes.
OUTPUT_LIMIT = 1024 * 1024
#: How much of a failing check's output goes into its detail.
OUTPUT_SHOWN = 4096

# Forks from this process happen one at a time, so that no child inherits
# another child's end of a socket (which would hide that child's death).
_FORK_LOCK = threading.Lock()


def default_workers() -> int:
    """Return the default pool size: checks mostly wait on I/O, so more than the cores."""
    return min(32, max(16, (os.cpu_count() or 1) * 4))


def _waitpid(pid: int) -> int | None:
    try:
        return os.waitpid(pid, 0)[1]
    except ChildProcessError:
        return None


class _Worker:
    """The parent's handle on one worker process."""

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
        os.set_blocking(output, False)

    def kill(self) -> int | None:
        """Kill the worker's process group (all the check started); return its wait status."""
        for kill, target in ((os.killpg, self.pid), (os.kill, self.pid)):
            with contextlib.suppress(OSError):
                kill(target, signal.SIGKILL)
        status = self.reap(self.pid)
        self.sock.close()
        with contextlib.suppress(OSError):
            os.close(self.output)
        return status


@dataclass
class _Task:
    call: CheckCall
    worker: _Worker | None = None
    started: float = 0.0
    deadline: float | None = None
    output: bytearray = field(default_factory=bytearray)
    output_total: int = 0
    outcome: CheckOutcome | None = None


class _Poller:
    """Wait on the result sockets and output pipes of the running checks."""

    def __init__(self) -> None:
        # poll(), not epoll: registering costs no system call, and runs are small.
        self._poll = select.poll()
        self._owners: dict[int, tuple[_Task, bool]] = {}

    def watch(self, task: _Task) -> None:
        assert task.worker is not None
        for fd, is_result in ((task.worker.sock.fileno(), True), (task.worker.output, False)):
            self._poll.register(fd, select.POLLIN)
            self._owners[fd] = (task, is_result)

    def forget(self, fd: int) -> None:
        if self._owners.pop(fd, None) is not None:
            self._poll.unregister(fd)

    def unwatch(self, worker: _Worker) -> None:
        self.forget(worker.sock.fileno())
        self.forget(worker.output)

    def wait(self, timeout: float | None) -> list[tuple[_Task, bool]]:
        """Return ``(task, is_result)`` for each ready descriptor, output before results."""
        milliseconds = None if timeout is None else math.ceil(timeout * 1000)
        ready = [self._owners[fd] for fd, _ in self._poll.poll(milliseconds) if fd in self._owners]
        return sorted(ready, key=lambda owner: owner[1])


def _crash_message(status: int | None) -> str:
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


def fork_call(call: CheckCall) -> _Worker:
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
    return _Worker(pid, host_end, read_fd, _waitpid, reusable=False)


class ProcessExecutor:
    """Run checks in worker processes with hard time and memory limits.

    :param config: the loaded config; with it, calls without fixture values run
        in a pool of reusable workers forked from a zygote holding the config.
        Without it (under pytest, where each item runs alone) every call forks
        from this process, inheriting pytest's assertion settings.
    :param max_workers: how many checks run at once in one :meth:`run`.
    """

    def __init__(self, config: LoadedConfig | None = None, max_workers: int | None = None) -> None:
        self.config = config
        self.max_workers = max_workers or default_workers()
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self._zygote: Zygote | None = None
        self._zygote_failed = config is None
        self._closed = False

    # -- workers -------------------------------------------------------------

    def _pool(self, check_id: str) -> Zygote | None:
        """Return the zygote that can run ``check_id``, starting it on first use."""
        with self._lock:
            if self._zygote is None and not self._zygote_failed:
                assert self.config is not None
                try:
                    self._zygote = Zygote(self.config)
                except ZygoteError as exc:
                    self._zygote_failed = True
                    warnings.warn(messages.NO_ZYGOTE.format(reason=exc), RuntimeWarning, 3)
            zygote = self._zygote
        return zygote if zygote is not None and check_id in zygote.check_ids else None

    def _checkout(self, zygote: Zygote) -> _Worker:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        pid, sock, output = zygote.spawn()
        return _Worker(pid, sock, output, zygote.reap, reusable=True)

    def _release(self, task: _Task) -> None:
        worker, task.worker = task.worker, None
        assert worker is not None
        with self._lock:
            if worker.reusable and not self._closed and len(self._idle) < self.max_workers:
                self._idle.append(worker)
                return
        worker.kill()

    def _start(self, task: _Task) -> None:
        call = task.call
        zygote = None if call.kwargs else self._pool(call.spec.id)
        task.started = time.monotonic()
        for _attempt in range(2 if zygote is not None else 0):
            assert zygote is not None
            try:
                task.worker = self._checkout(zygote)
            except ZygoteError:
                break
            try:
                wire.send(task.worker.sock, (call.spec.id, call.memory_limit))
                break
            except OSError:  # an idle worker died meanwhile: take another
                task.worker.kill()
                task.worker = None
        if task.worker is None:
            task.worker = fork_call(call)
        if call.timeout:
            task.deadline = time.monotonic() + call.timeout

    # -- one run -------------------------------------------------------------

    def run(self, calls: Sequence[CheckCall]) -> list[CheckOutcome]:
        """Run ``calls`` in parallel (at most ``max_workers`` at once); return outcomes in order."""
        tasks = [_Task(call) for call in calls]
        waiting = collections.deque(tasks)
        running: list[_Task] = []
        poller = _Poller()
        try:
            while waiting or running:
                while waiting and len(running) < self.max_workers:
                    task = waiting.popleft()
                    self._start(task)
                    poller.watch(task)
                    running.append(task)
                deadlines = [t.deadline for t in running if t.deadline is not None]
                timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                for task, is_result in poller.wait(timeout):
                    if task.outcome is not None:
                        continue
                    if is_result:
                        self._receive(task, poller)
                    else:
                        self._drain(task, poller)
                now = time.monotonic()
                for task in running:
                    if task.outcome is None and task.deadline and now >= task.deadline:
                        limit = task.call.timeout
                        self._stop(task, poller, messages.TIMED_OUT_KILLED.format(limit=limit))
                running = [task for task in running if task.outcome is None]
        finally:
            for task in running:
                if task.worker is not None:
                    task.worker.kill()
        return [task.outcome or CheckOutcome("error", message="not run") for task in tasks]

    def _drain(self, task: _Task, poller: _Poller) -> None:
        """Read what the check printed, keep the start, and stop it past the cap."""
        assert task.worker is not None
        for _ in range(16):  # at most 1 MB per turn, so one flood cannot starve the loop
            try:
                chunk = os.read(task.worker.output, 65536)
            except BlockingIOError:
                return
            if not chunk:
                poller.forget(task.worker.output)
                return
            task.output_total += len(chunk)
            if len(task.output) < OUTPUT_SHOWN:
                task.output += chunk[: OUTPUT_SHOWN - len(task.output)]
            if task.output_total > OUTPUT_LIMIT:
                limit = messages.format_bytes(OUTPUT_LIMIT)
                self._stop(task, poller, messages.OUTPUT_EXCEEDED.format(limit=limit))
                return

    def _receive(self, task: _Task, poller: _Poller) -> None:
        # What the check printed was flushed before its result, and the poller
        # hands output before results: nothing of this check is left to read.
        assert task.worker is not None
        try:
            data, retire = wire.receive(task.worker.sock)
        except (OSError, EOFError):
            self._drain(task, poller)
            if task.outcome is None:
                self._stop(task, poller, None)
            return
        poller.unwatch(task.worker)
        task.outcome = self._with_output(wire.outcome_from_wire(data), task)
        if retire:
            task.worker.reusable = False
        self._release(task)

    def _stop(self, task: _Task, poller: _Poller, message: str | None) -> None:
        """Kill the task's worker; report ``message``, or why it died when ``None``."""
        assert task.worker is not None
        poller.unwatch(task.worker)
        status = task.worker.kill()
        task.worker = None
        if message is None:
            message = _crash_message(status)
            if task.call.memory_limit is not None:
                limit = messages.format_bytes(task.call.memory_limit)
                message += f" (with a memory limit of {limit})"
        duration = time.monotonic() - task.started
        task.outcome = self._with_output(CheckOutcome("error", duration, message=message), task)

    def _with_output(self, outcome: CheckOutcome, task: _Task) -> CheckOutcome:
        if outcome.status in ("failed", "error") and task.output_total:
            shown = len(task.output)
            header = messages.CAPTURED_OUTPUT.format(shown=shown, total=task.output_total)
            text = task.output.decode("utf-8", "replace")
            # Without a traceback of its own, the detail starts with what happened.
            first = outcome.detail or outcome.message
            outcome.detail = "\n".join(filter(None, [first, header, text]))
        return outcome

    def close(self) -> None:
        """Kill every idle worker and stop the zygote; nothing of this executor is left."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
            zygote, self._zygote = self._zygote, None
        for handle in idle:
            handle.kill()
        if zygote is not None:
            zygote.close()

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
