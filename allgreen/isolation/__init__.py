"""Hard limits: run each check in a worker process that is killed at its limit."""

from __future__ import annotations

import os

from allgreen.isolation.executor import ProcessExecutor


def isolation_supported() -> bool:
    """Tell whether this platform can run checks in forked worker processes."""
    return hasattr(os, "fork") and hasattr(os, "killpg")


__all__ = ["ProcessExecutor", "isolation_supported"]
