"""Disk usage of the volume holding a path, as ``df`` shows it."""

from __future__ import annotations

import logging
import os

from allgreen.checks.common import CheckFailed, DependencyError, check_percent, quiet, reason
from allgreen.observation import observe

logger = logging.getLogger(__name__)

DISK_FULL = "disk usage of {path} is {used:.1f} %, at or above the {limit:g} % limit ({free} free)"
DISK_UNREADABLE = "Unable to read the disk usage of {path}: {reason}"


def disk_usage_below(percent: float, path: str | os.PathLike[str] = "/") -> float:
    """Fail unless the volume holding ``path`` is less than ``percent`` full; return its usage.

    Usage is counted like ``df``: blocks reserved for root count as neither
    used nor available.

    :param percent: the limit, above 0 and at most 100.
    :param path: any path on the volume to measure.
    :returns: the used percentage, also observed with the unit ``"%"``.
    """
    __tracebackhide__ = True
    limit = check_percent("percent", percent)
    try:
        stats = os.statvfs(path)
    except OSError as exc:
        raise DependencyError(DISK_UNREADABLE.format(path=path, reason=reason(exc))) from quiet(exc)
    used_blocks = stats.f_blocks - stats.f_bfree
    usable = used_blocks + stats.f_bavail
    used = observe(round(used_blocks / usable * 100, 1) if usable else 0.0, "%")
    logger.debug("disk usage of %s is %.1f %%", path, used)
    if used >= limit:
        free = _size(stats.f_bavail * stats.f_frsize)
        raise CheckFailed(DISK_FULL.format(path=path, used=used, limit=limit, free=free))
    return used


def _size(size: float) -> str:
    """Return ``size`` bytes in the largest binary unit that keeps it above 1."""
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if size < 1024 or unit == "TiB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{size:.0f} B"
        size /= 1024
    raise AssertionError("unreachable")  # pragma: no cover
