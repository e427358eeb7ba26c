"""The process executor: every check in a worker process, killed at its limit.

Calls without fixture values go to a pool of reusable workers forked by a
:class:`~allgreen.isolation.zygote.Zygote` that already imported the config,
so a check costs about one IPC round trip. Checks that were quick last time
share workers in small batches, which saves most of those round trips. Calls
with fixture values (which may not pickle: a database connection) run in a
process forked from the caller, which holds them. Either way the parent
waits on all busy workers in one ``poll`` loop, with no thread of its own: at
a check's deadline it kills the worker's whole process group, reports why,
and gives the calls queued behind it to another worker.
"""

from __future__ import annotations

import collections
import os
import threading
import time
import warnings
from collections.abc import Sequence

from allgreen.execution import CheckCall
from allgreen.isolation import messages, wire
from allgreen.isolation.handles import Poller, Task, WorkerHandle, crash_message, fork_call
from allgreen.isolation.zygote import Zygote, ZygoteError
from allgreen.loader import LoadedConfig
from allgreen.outcome import CheckOutcome

#: stdout and stderr of one check together may not pass this many bytes.
OUTPUT_LIMIT = 1024 * 1024
#: How much of a failing check's output goes into its detail.
OUTPUT_SHOWN = 4096
#: A check that last took less than this (and did not crash) may share a worker.
QUICK = 0.005


def default_workers() -> int:
    """Return the default pool size: checks mostly wait on I/O, so more than the cores."""
    return min(32, max(16, (os.cpu_count() or 1) * 4))


class ProcessExecutor:
    """Run checks in worker processes with hard time and memory limits.

    :param config: the loaded config; with it, calls without fixture values run
        in a pool of reusable workers forked from a zygote holding the config.
        Without it (under pytest, where each item runs alone) every call forks
        from this process, inheriting pytest's assertion settings.
    :param max_workers: how many workers one :meth:`run` keeps busy at once.
    """

    def __init__(self, config: LoadedConfig | None = None, max_workers: int | None = None) -> None:
        self.config = config
        self.max_workers = max_workers or default_workers()
        self._lock = threading.Lock()
        self._idle: list[WorkerHandle] = []
        self._zygote: Zygote | None = None
        self._zygote_failed = config is None
        self._closed = False
        #: how long each check took last time it ended normally, to batch quick ones.
        self._last_duration: dict[str, float] = {}

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
                    warnings.warn(messages.NO_ZYGOTE.format(reason=exc), RuntimeWarning, 4)
            zygote = self._zygote
        return zygote if zygote is not None and check_id in zygote.check_ids else None

    def _checkout(self, zygote: Zygote) -> WorkerHandle:
        with self._lock:
            if self._idle:
                return self._idle.pop()
        pid, sock, output = zygote.spawn()
        return WorkerHandle(pid, sock, output, zygote.reap, reusable=True)

    def _release(self, handle: WorkerHandle) -> None:
        handle.owner = None
        with self._lock:
            if handle.reusable and not self._closed and len(self._idle) < self.max_workers:
                self._idle.append(handle)
                return
        handle.kill()

    def _start(self, batch: list[Task], waiting: _Waiting) -> WorkerHandle:
        """Hand ``batch`` to a worker: a pooled one, else one forked for a single call."""
        first = batch[0].call
        zygote = None if first.kwargs else self._pool(first.spec.id)
        request = [(task.call.spec.id, task.call.memory_limit) for task in batch]
        handle = None
        for _attempt in range(2 if zygote is not None else 0):
            assert zygote is not None
            try:
                handle = self._checkout(zygote)
            except ZygoteError:
                break
            try:
                wire.send(handle.sock, request)
                break
            except OSError:  # an idle worker died meanwhile: take another
                handle.kill()
                handle = None
        if handle is None:
            handle = fork_call(first)
            # A forked process runs one call: the rest of the batch waits its turn.
            for task in reversed(batch[1:]):
                waiting.appendleft([task])
            batch = batch[:1]
        handle.queue.extend(batch)
        handle.current.begin()
        return handle

    def _batches(self, tasks: list[Task]) -> collections.deque[list[Task]]:
        """Split a run: each check alone, except quick ones, which share a few workers.

        Checks that may be slow start first, one per worker; quick ones are dealt
        out to as many workers as there are cores, so they still run in parallel.
        """
        quick = [
            task
            for task in tasks
            if not task.call.kwargs and self._last_duration.get(task.call.spec.id, QUICK) < QUICK
        ]
        quick_ids = {id(task) for task in quick}
        batches = collections.deque([task] for task in tasks if id(task) not in quick_ids)
        shares = min(len(quick), os.cpu_count() or 1)
        batches.extend(quick[share::shares] for share in range(shares))
        return batches

    # -- one run -------------------------------------------------------------

    def run(self, calls: Sequence[CheckCall]) -> list[CheckOutcome]:
        """Run ``calls`` in parallel (at most ``max_workers`` at once); return outcomes in order."""
        tasks = [Task(call) for call in calls]
        waiting = self._batches(tasks)
        busy: list[WorkerHandle] = []
        poller = Poller()
        try:
            while waiting or busy:
                while waiting and len(busy) < self.max_workers:
                    handle = self._start(waiting.popleft(), waiting)
                    handle.owner = poller
                    poller.watch(handle)
                    busy.append(handle)
                deadlines = [h.current.deadline for h in busy if h.current.deadline is not None]
                timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else None
                for handle, is_result in poller.wait(timeout):
                    if not handle.queue:
                        continue
                    if is_result:
                        self._receive(handle, poller, waiting)
                    else:
                        self._drain(handle, poller, waiting)
                # Workers done with this run may already serve another thread's run.
                busy = [handle for handle in busy if handle.owner is poller and handle.queue]
                now = time.monotonic()
                for handle in busy:
                    deadline = handle.queue and handle.current.deadline
                    if deadline and now >= deadline:
                        limit = handle.current.call.timeout
                        message = messages.TIMED_OUT_KILLED.format(limit=limit)
                        self._stop(handle, poller, waiting, message)
                busy = [handle for handle in busy if handle.queue]
        finally:
            for handle in busy:
                if handle.owner is poller:
                    handle.kill()
        return [task.outcome or CheckOutcome("error", message="not run") for task in tasks]

    def _drain(self, handle: WorkerHandle, poller: Poller, waiting: _Waiting) -> None:
        """Read what the running check printed, keep the start, and stop it past the cap."""
        task = handle.current
        for _ in range(16):  # at most 1 MB per turn, so one flood cannot starve the loop
            try:
                chunk = os.read(handle.output, 65536)
            except BlockingIOError:
                return
            if not chunk:
                poller.forget(handle.output)
                return
            task.output_total += len(chunk)
            if len(task.output) < OUTPUT_SHOWN:
                task.output += chunk[: OUTPUT_SHOWN - len(task.output)]
            if task.output_total > OUTPUT_LIMIT:
                limit = messages.format_bytes(OUTPUT_LIMIT)
                self._stop(handle, poller, waiting, messages.OUTPUT_EXCEEDED.format(limit=limit))
                return

    def _receive(self, handle: WorkerHandle, poller: Poller, waiting: _Waiting) -> None:
        # A check's output is flushed before its reply, and the poller hands output
        # before replies, so the output read so far is the finished check's. (In a
        # batch of quick checks the next one's output may be counted with it.)
        replies = handle.receive()
        if replies is None:
            self._drain(handle, poller, waiting)
            if handle.queue:
                self._stop(handle, poller, waiting, None)
            return
        for reply in replies:
            data, retire = reply
            task = handle.queue.popleft()
            task.outcome = self._with_output(wire.outcome_from_wire(data), task)
            self._remember(task)
            if retire:
                handle.reusable = False
                self._hand_back(handle, waiting)
                break
            if handle.queue:
                handle.current.begin()
        if not handle.queue:
            poller.unwatch(handle)
            self._release(handle)

    def _stop(
        self, handle: WorkerHandle, poller: Poller, waiting: _Waiting, message: str | None
    ) -> None:
        """Kill the worker; its running check reports ``message``, or why the worker died."""
        handle.owner = None
        poller.unwatch(handle)
        status = handle.kill()
        task = handle.queue.popleft()
        if message is None:
            message = crash_message(status)
            if task.call.memory_limit is not None:
                limit = messages.format_bytes(task.call.memory_limit)
                message += f" (with a memory limit of {limit})"
        outcome = CheckOutcome("error", time.monotonic() - task.started, message=message)
        task.outcome = self._with_output(outcome, task)
        self._remember(task)
        self._hand_back(handle, waiting)

    @staticmethod
    def _hand_back(handle: WorkerHandle, waiting: _Waiting) -> None:
        """Queue the calls that never started on a stopped worker again, each on its own."""
        while handle.queue:
            waiting.appendleft([handle.queue.pop()])

    def _remember(self, task: Task) -> None:
        assert task.outcome is not None
        if task.outcome.status == "error":
            self._last_duration.pop(task.call.spec.id, None)
        else:
            self._last_duration[task.call.spec.id] = time.monotonic() - task.started

    @staticmethod
    def _with_output(outcome: CheckOutcome, task: Task) -> CheckOutcome:
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


_Waiting = collections.deque[list[Task]]
__all__ = ["OUTPUT_LIMIT", "ProcessExecutor", "default_workers"]
