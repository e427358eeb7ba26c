"""The system load average."""

from __future__ import annotations

import logging
import os

from allgreen.checks.common import CheckFailed, require
from allgreen.observation import observe

logger = logging.getLogger(__name__)

LOAD_HIGH = (
    "the {minutes}-minute load average{scope} is {load:.2f}, at or above the {limit:g} limit"
)
BAD_MINUTES = "minutes={value!r} is not a load average period; give 1, 5 or 15"
BAD_LIMIT = "limit={value!r} is not valid; give a load above 0"

_PERIODS = {1: 0, 5: 1, 15: 2}


def load_average_below(limit: float, *, minutes: int = 5, per_cpu: bool = False) -> float:
    """Fail unless the load average over ``minutes`` is below ``limit``; return it.

    :param limit: the highest acceptable load (exclusive).
    :param minutes: 1, 5 or 15.
    :param per_cpu: divide the load by the number of CPUs first, so that
        ``limit=1`` means "every core busy" on any machine.
    :returns: the load, also observed (per CPU when ``per_cpu``).
    """
    __tracebackhide__ = True
    if minutes not in _PERIODS:
        raise ValueError(BAD_MINUTES.format(value=minutes))
    if isinstance(limit, bool) or not isinstance(limit, int | float) or limit <= 0:
        raise ValueError(BAD_LIMIT.format(value=limit))
    if hasattr(os, "getloadavg"):
        averages = os.getloadavg()
    else:  # Windows has no load average; psutil emulates one.
        averages = require("psutil", extra="psutil", helper="load_average_below").getloadavg()
    load = averages[_PERIODS[minutes]]
    if per_cpu:
        load /= os.cpu_count() or 1
    load = observe(round(load, 2), "per CPU" if per_cpu else None)
    logger.debug("the %d-minute load average is %.2f", minutes, load)
    if load >= limit:
        scope = " per CPU" if per_cpu else ""
        raise CheckFailed(LOAD_HIGH.format(minutes=minutes, scope=scope, load=load, limit=limit))
    return load
