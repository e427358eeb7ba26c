"""A DNS name resolves (to an expected address)."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Collection

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    CheckFailed,
    DependencyError,
    check_timeout,
    milliseconds,
    quiet,
)
from allgreen.observation import observe

logger = logging.getLogger(__name__)

DOES_NOT_RESOLVE = "{name} does not resolve: {why}"
RESOLVER_FAILED = "Unable to resolve {name}: {why}"
RESOLVER_SLOW = "Unable to resolve {name}: no answer within {timeout:g} s"
MISSING_ADDRESS = "{name} resolves to {found}, which does not include {expected}"

# getaddrinfo answers that mean "the name does not exist", as opposed to
# "the resolver could not be asked" (EAI_AGAIN, EAI_FAIL, EAI_SYSTEM).
_NO_SUCH_NAME = {socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)}


def dns_resolves(
    name: str,
    *,
    expected: str | Collection[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> float:
    """Fail unless ``name`` resolves (to every address in ``expected``); return the lookup time.

    The lookup uses the system resolver (``/etc/hosts``, then DNS), as the
    service itself would.

    :param name: the host name.
    :param expected: an address, or several, that the answer must include.
    :param timeout: seconds to wait for the resolver.
    :returns: the lookup time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    started = time.perf_counter()
    addresses = _resolve(name, timeout)
    elapsed = observe(milliseconds(started), "ms")
    logger.debug("%s resolved to %s in %.1f ms", name, addresses, elapsed)
    wanted = {expected} if isinstance(expected, str) else set(expected or ())
    missing = sorted(wanted - set(addresses))
    if missing:
        raise CheckFailed(
            MISSING_ADDRESS.format(
                name=name, found=", ".join(addresses), expected=", ".join(missing)
            )
        )
    return elapsed


def _resolve(name: str, timeout: float) -> list[str]:
    """Return the addresses of ``name``, giving up after ``timeout`` seconds."""
    __tracebackhide__ = True
    answer: list[list[str] | BaseException] = []

    def lookup() -> None:
        try:
            infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
            answer.append(list(dict.fromkeys(str(info[4][0]) for info in infos)))
        except OSError as exc:
            answer.append(exc)

    # getaddrinfo has no timeout of its own: a daemon thread lets us stop waiting.
    # The lookup itself ends when the resolver gives up, and never outlives the process.
    thread = threading.Thread(target=lookup, name=f"allgreen-dns-{name}", daemon=True)
    thread.start()
    thread.join(timeout)
    if not answer:
        raise DependencyError(RESOLVER_SLOW.format(name=name, timeout=timeout))
    result = answer[0]
    if isinstance(result, socket.gaierror) and result.errno in _NO_SUCH_NAME:
        raise CheckFailed(DOES_NOT_RESOLVE.format(name=name, why=result.strerror)) from quiet(
            result
        )
    if isinstance(result, BaseException):
        raise DependencyError(RESOLVER_FAILED.format(name=name, why=result)) from quiet(result)
    return result
