"""Record what a check observed (a disk percentage, a latency) for the report.

A built-in helper calls :func:`observe` while a check runs; ``call_check``
opens a fresh :class:`Observation` before the check and reads it afterwards,
whether the check passed or failed, so the report can say "95 %" next to
"disk usage is above 90 %".

The current observation lives in a :class:`contextvars.ContextVar`: it is
per thread like a thread-local, and it also follows the check into its
``async`` tasks and into ``asyncio.to_thread`` calls, which copy the context
(the observation is a mutable box, so writes made there are seen here).
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")


@dataclass
class Observation:
    """The last value a running check observed, and its unit."""

    value: Any = None
    unit: str | None = None

    @property
    def recorded(self) -> bool:
        """Tell whether anything was observed."""
        return self.value is not None


_current: contextvars.ContextVar[Observation | None] = contextvars.ContextVar(
    "allgreen_observation", default=None
)


def start_observation() -> Observation:
    """Open an empty observation for the check about to run in this thread and return it."""
    observation = Observation()
    _current.set(observation)
    return observation


def observe(value: T, unit: str | None = None) -> T:
    """Record ``value`` (in ``unit``) as what the running check observed, and return it.

    The last call wins. Outside a check this only returns ``value``.

    :param value: a number or short string, shown as ``observedValue`` in the report.
    :param unit: the unit of ``value``, such as ``"%"``, ``"ms"`` or ``"days"``.
    """
    observation = _current.get()
    if observation is not None:
        observation.value = value
        observation.unit = unit
    return value


def current_observation() -> Observation | None:
    """Return the observation of the check running in this thread, if any."""
    return _current.get()
