"""Memory usage of the machine, through ``psutil``."""

from __future__ import annotations

import logging

from allgreen.checks.common import CheckFailed, check_percent, require
from allgreen.observation import observe

logger = logging.getLogger(__name__)

MEMORY_FULL = (
    "memory usage is {used:.1f} %, at or above the {limit:g} % limit "
    "({available:.0f} MiB available)"
)


def memory_usage_below(percent: float) -> float:
    """Fail unless less than ``percent`` of the machine's memory is in use; return the usage.

    "In use" is what ``psutil`` counts: total minus what can be given to new
    processes without swapping (so page cache counts as available).

    :param percent: the limit, above 0 and at most 100.
    :returns: the used percentage, also observed with the unit ``"%"``.
    """
    __tracebackhide__ = True
    limit = check_percent("percent", percent)
    psutil = require("psutil", extra="psutil", helper="memory_usage_below")
    memory = psutil.virtual_memory()
    used = observe(round(float(memory.percent), 1), "%")
    logger.debug("memory usage is %.1f %%", used)
    if used >= limit:
        available = memory.available / 1024**2
        raise CheckFailed(MEMORY_FULL.format(used=used, limit=limit, available=available))
    return used
