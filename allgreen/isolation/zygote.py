"""The zygote: one single-threaded process that holds the loaded config and forks workers.

Forking a worker straight from a web server is unsafe: the server has
threads, and a lock one of them held at the fork stays locked forever in the
child. The zygote is started once per loaded config (forked when the host is
single-threaded, else a fresh interpreter that imports the config itself),
and forks every worker from its one thread. The host talks to the zygote
over a control socket: ``spawn`` returns a new worker's pid and its two file
descriptors (result socket, output pipe); ``reap`` collects a dead worker's
exit status. When the host goes away the control socket closes, and the
zygote kills its workers and exits.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from allgreen.isolation import wire, worker
from allgreen.loader import LoadedConfig, load_config

_PID = struct.Struct("!q")
_MAIN = "from allgreen.isolation.zygote import main; main()"
#: How long a fresh interpreter may take to import the config.
START_TIMEOUT = 60.0


class ZygoteError(Exception):
    """The zygote could not start or stopped answering."""


def _fork_worker(control: socket.socket, config: LoadedConfig) -> tuple[int, socket.socket, int]:
    host_end, worker_end = socket.socketpair()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the worker
        code = 70
        try:
            control.close()
            host_end.close()
            os.close(read_fd)
            worker.prepare_process(write_fd, die_with_parent=True)
            worker.serve(worker_end, config.by_id)
            code = 0
        finally:
            os._exit(code)
    worker_end.close()
    os.close(write_fd)
    return pid, host_end, read_fd


def serve(control: socket.socket, config: LoadedConfig) -> None:
    """Answer the host's requests on ``control`` until it closes; then kill every worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the host's to handle
    workers: set[int] = set()
    try:
        wire.send(control, ("ready", [spec.id for spec in config.checks]))
        while True:
            try:
                request, argument = wire.receive(control)
            except (wire.ConnectionClosed, OSError):
                return
            if request == "spawn":
                pid, host_end, read_fd = _fork_worker(control, config)
                workers.add(pid)
                socket.send_fds(control, [_PID.pack(pid)], [host_end.fileno(), read_fd])
                host_end.close()
                os.close(read_fd)
            elif request == "reap":
                status = None
                with contextlib.suppress(ChildProcessError):
                    status = os.waitpid(argument, 0)[1]
                workers.discard(argument)
                wire.send(control, status)
    finally:
        for pid in workers:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)
        for pid in workers:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point of a zygote started as a fresh interpreter: ``<fd> <config path>``."""
    fd, path = (argv or sys.argv[1:])[:2]
    control = socket.socket(fileno=int(fd))
    try:
        config = load_config(path)
    except BaseException as exc:
        wire.send(control, ("error", str(exc)))
        return
    serve(control, config)


class Zygote:
    """The host's handle on a zygote process."""

    def __init__(self, config: LoadedConfig) -> None:
        self._lock = threading.Lock()
        self._control, zygote_end = socket.socketpair()
        self._pid: int | None = None
        self._process: subprocess.Popen[bytes] | None = None
        if threading.active_count() == 1:
            # Single-threaded host: fork, inheriting the config already imported.
            self._pid = os.fork()
            if self._pid == 0:
                code = 70
                try:
                    self._control.close()
                    os.setpgid(0, 0)
                    serve(zygote_end, config)
                    code = 0
                finally:
                    os._exit(code)
        else:
            env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
            self._process = subprocess.Popen(
                [sys.executable, "-c", _MAIN, str(zygote_end.fileno()), str(config.path)],
                pass_fds=(zygote_end.fileno(),),
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        zygote_end.close()
        self._control.settimeout(START_TIMEOUT)
        try:
            status, detail = wire.receive(self._control)
        except (OSError, wire.ConnectionClosed) as exc:
            self.close()
            raise ZygoteError(f"it did not start: {exc or type(exc).__name__}") from exc
        if status != "ready":
            self.close()
            raise ZygoteError(f"loading the config failed: {detail}")
        self.check_ids = frozenset(detail)
        self._control.settimeout(None)

    def spawn(self) -> tuple[int, socket.socket, int]:
        """Fork a worker; return its pid, result socket and output pipe (read end)."""
        with self._lock:
            try:
                wire.send(self._control, ("spawn", None))
                data, fds, _, _ = socket.recv_fds(self._control, _PID.size, 2)
            except OSError as exc:
                raise ZygoteError(f"the zygote stopped answering: {exc}") from exc
        if len(data) != _PID.size or len(fds) != 2:
            raise ZygoteError("the zygote stopped answering")
        return _PID.unpack(data)[0], socket.socket(fileno=fds[0]), fds[1]

    def reap(self, pid: int) -> int | None:
        """Wait for the dead worker ``pid`` and return its wait status."""
        with self._lock:
            try:
                wire.send(self._control, ("reap", pid))
                status: int | None = wire.receive(self._control)
            except (OSError, wire.ConnectionClosed):
                return None
        return status

    def close(self) -> None:
        """Stop the zygote and, through it, every worker it forked."""
        with self._lock:
            self._control.close()
        if self._pid is not None:
            _wait_or_kill(self._pid)
            self._pid = None
        if self._process is not None:
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


def _wait_or_kill(pid: int, grace: float = 5.0) -> None:
    """Give a forked zygote ``grace`` seconds to kill its workers and exit, then kill it."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
        except ChildProcessError:
            return
        time.sleep(0.002)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)
