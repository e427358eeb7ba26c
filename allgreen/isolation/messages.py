"""What the isolated runner says when it had to stop a check; tests import these."""

from __future__ import annotations

#: A check still running at its limit: its whole process group was killed.
TIMED_OUT_KILLED = "timed out after {limit:g} s and was killed"
#: The worker died from a signal before reporting (segfault, abort, an outside kill).
WORKER_CRASHED = "worker crashed: {signal}"
#: The worker exited before reporting: ``os._exit()`` or a fatal interpreter error.
WORKER_EXITED = (
    "worker exited with code {code} before reporting a result (os._exit or a fatal error)"
)
#: A ``MemoryError`` (or a crash) while a memory limit was in force.
MEMORY_EXCEEDED = "used more than its memory limit of {limit} and was stopped"
#: stdout and stderr together passed the output cap.
OUTPUT_EXCEEDED = "wrote more than {limit} to stdout/stderr and was killed"
#: The check returned but processes it started were still running.
LEFT_PROCESSES = "left processes running after it returned; they were killed"
#: Appended to a failure's detail: what the check printed.
CAPTURED_OUTPUT = "----- captured stdout/stderr (first {shown} of {total} bytes) -----"
#: Said once where checks cannot run in processes.
NO_ISOLATION = (
    "allgreen cannot isolate checks in processes on {platform} (no os.fork); checks run in "
    "threads with soft time limits: a check past its limit is reported but keeps running"
)
#: Said when the pre-forked worker pool cannot start; checks are forked one by one instead.
NO_ZYGOTE = "allgreen could not start its worker pool ({reason}); forking one process per check"


def format_bytes(size: int) -> str:
    """Return ``size`` as a short human figure: ``64 MB``, ``512 KB``, ``100 B``."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:g} {unit}"
    return f"{size} B"
