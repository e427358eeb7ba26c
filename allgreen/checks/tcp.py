"""A TCP port accepts connections."""

from __future__ import annotations

import logging
import socket
import time

from allgreen.checks.common import DEFAULT_TIMEOUT, check_timeout, milliseconds, quiet, unreachable
from allgreen.observation import observe

logger = logging.getLogger(__name__)


def tcp_accepts(host: str, port: int, *, timeout: float = DEFAULT_TIMEOUT) -> float:
    """Raise an error unless ``host:port`` accepts a TCP connection; return the connect time.

    :param host: a name or an address.
    :param port: the TCP port.
    :param timeout: seconds to wait for the connection.
    :returns: the connect time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    started = time.perf_counter()
    try:
        with socket.create_connection((host, port), timeout=timeout):
            elapsed = observe(milliseconds(started), "ms")
    except OSError as exc:
        raise unreachable("TCP port", f"{host}:{port}", exc, timeout) from quiet(exc)
    logger.debug("%s:%s accepted a connection in %.1f ms", host, port, elapsed)
    return elapsed
