"""What every built-in check shares: its two ways to fail, their wording, and the extra guard.

A helper raises :class:`CheckFailed` (an ``AssertionError``: the check is
``failed``) when the dependency answered but not as expected, and
:class:`DependencyError` (the check is ``error``) when it could not be
reached or could not do what was asked. Both messages are masked: they
never carry a password.
"""

from __future__ import annotations

import errno
import importlib
import re
import socket
import ssl
import time
from types import ModuleType

from allgreen.errors import AllgreenError
from allgreen.redaction import MASK, mask_secrets

#: Seconds a helper waits for its dependency by default: below the check's 10 s
#: limit, so a slow dependency fails with a clear message instead of being killed.
DEFAULT_TIMEOUT = 5.0

UNREACHABLE = "Unable to connect to {service} at {where}: {reason}"
MISSING_EXTRA = (
    "{helper}() needs the {package!r} package, which is not installed; "
    "install it with: pip install 'pytest-allgreen[{extra}]'"
)
BAD_PERCENT = "{name}={value!r} is not a percentage; give a number above 0 and at most 100"
BAD_TIMEOUT = "timeout={value!r} is not valid; give a number of seconds above 0"
NO_ANSWER_WITHIN = "no answer within {timeout:g} s"

# Secrets shorter than this are masked only where they stand alone.
_SHORT_SECRET = 6

# errno values whose C text is less clear than a few plain words.
_ERRNO_REASONS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by peer",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ENETUNREACH: "network unreachable",
    errno.ENOENT: "no such file or directory",
    errno.EACCES: "permission denied",
}


class CheckFailed(AssertionError):
    """The dependency answered, but not as expected (disk 95 % ≥ 90 %): the check is ``failed``."""


class DependencyError(AllgreenError):
    """The dependency could not be reached or could not answer: the check is ``error``."""


class MissingExtra(ImportError):
    """An optional package a helper needs is not installed."""


def require(module: str, *, extra: str, helper: str, package: str | None = None) -> ModuleType:
    """Import ``module`` for ``helper``, or raise :class:`MissingExtra` naming the extra."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        message = MISSING_EXTRA.format(helper=helper, package=package or module, extra=extra)
        raise MissingExtra(message) from quiet(exc)


def scrub(text: str, *secrets: str | None) -> str:
    """Return ``text`` with URL passwords masked and each of ``secrets`` replaced by ``***``.

    A short secret is only replaced where it stands alone, so that the password
    ``x`` does not turn "expired" into "e***pired".
    """
    for secret in secrets:
        if not secret:
            continue
        if len(secret) >= _SHORT_SECRET:
            text = text.replace(secret, MASK)
        else:
            text = re.sub(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", MASK, text)
    return mask_secrets(text)


def quiet(exc: BaseException) -> BaseException:
    """Drop the driver-internal tracebacks of ``exc`` and its causes, keeping their messages.

    A helper raises its own error ``from`` the driver's; the driver's frames say
    nothing to the reader of a health check, and rendering them the way pytest
    does means parsing the driver's source files (hundreds of milliseconds).
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        current.__traceback__ = None
        current = current.__cause__ or current.__context__
    return exc


def reason(exc: BaseException, timeout: float | None = None, *secrets: str | None) -> str:
    """Return a short, secret-free phrase saying why ``exc`` happened ("connection refused").

    Drivers often wrap the socket error that says it best ("Error 111 connecting
    to ..."), so the chain of causes is searched for one first.
    """
    plain = _plain_reason(exc, timeout)
    if plain is not None:
        return plain
    reply = getattr(exc, "reply_text", None)  # AMQP errors carry the broker's words here
    args = [arg for arg in exc.args if isinstance(arg, str) and arg.strip()]
    text = reply if isinstance(reply, str) and reply else args[-1] if args else str(exc)
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return scrub(lines[0] if lines else type(exc).__name__, *secrets)


def _plain_reason(exc: BaseException | None, timeout: float | None) -> str | None:
    """Return plain words for a socket-level error in ``exc`` or its causes, if there is one."""
    for _ in range(4):
        if exc is None:
            return None
        if isinstance(exc, TimeoutError | socket.timeout) and timeout is not None:
            return NO_ANSWER_WITHIN.format(timeout=timeout)
        if isinstance(exc, socket.gaierror):
            return f"the name does not resolve ({exc.strerror})"
        if isinstance(exc, ssl.SSLError) and exc.reason:
            return str(exc.reason).replace("_", " ").lower()
        if isinstance(exc, OSError) and exc.errno in _ERRNO_REASONS:
            return _ERRNO_REASONS[exc.errno]
        exc = exc.__cause__ or exc.__context__
    return None


def unreachable(
    service: str,
    where: str,
    exc: BaseException,
    timeout: float | None,
    *secrets: str | None,
    why: str | None = None,
) -> DependencyError:
    """Return the error for ``service`` at ``where`` that could not be reached because of ``exc``.

    ``why`` replaces the reason read from ``exc`` when the caller knows better words.
    """
    why = why if why is not None else reason(exc, timeout, *secrets)
    return DependencyError(
        scrub(UNREACHABLE.format(service=service, where=where, reason=why), *secrets)
    )


def check_percent(name: str, value: float) -> float:
    """Return ``value`` if it is a percentage above 0 and at most 100, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 100:
        raise ValueError(BAD_PERCENT.format(name=name, value=value))
    return float(value)


def check_timeout(value: float) -> float:
    """Return ``value`` if it is a positive number of seconds, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(BAD_TIMEOUT.format(value=value))
    return float(value)


def milliseconds(since: float) -> float:
    """Return the milliseconds elapsed since ``since`` (a ``time.perf_counter()`` reading)."""
    return round((time.perf_counter() - since) * 1000, 1)
