"""An HTTP endpoint answers with an expected status, within a time."""

from __future__ import annotations

import base64
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Mapping
from urllib.parse import unquote, urlsplit, urlunsplit

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    CheckFailed,
    check_timeout,
    milliseconds,
    quiet,
    unreachable,
)
from allgreen.observation import observe
from allgreen.redaction import mask_secrets

logger = logging.getLogger(__name__)

WRONG_STATUS = "{method} {url} answered {status}, expected {expected}"
TOO_SLOW = "{method} {url} answered {status} in {elapsed:.0f} ms, over the {limit:.0f} ms limit"
BAD_URL = "url={url!r} is not an HTTP URL; give one starting with http:// or https://"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand a redirect back as the answer instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def http_status(
    url: str,
    expected: int | Collection[int] = 200,
    *,
    within: float | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    follow_redirects: bool = True,
) -> float:
    """Fail unless ``url`` answers with the ``expected`` status (within ``within`` seconds).

    :param url: the endpoint; a password or token in it never shows in a message.
    :param expected: a status code or several accepted ones.
    :param within: the slowest acceptable answer, in seconds; ``None`` for any.
    :param timeout: seconds to wait for each network step before giving up (an error).
    :param method: the HTTP method.
    :param headers: request headers, such as ``{"Authorization": "Bearer ..."}``.
    :param follow_redirects: when false, a redirect is the answer (expect 301 or 302).
    :returns: the response time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError(BAD_URL.format(url=mask_secrets(url)))
    accepted = {expected} if isinstance(expected, int) else set(expected)
    shown = mask_secrets(url)
    url, headers, password = _credentials_to_header(url, dict(headers or {}))
    request = urllib.request.Request(url, method=method, headers=headers)
    handlers = [] if follow_redirects else [_NoRedirect()]
    opener = urllib.request.build_opener(*handlers)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        # Any answer is an answer: the status decides, not urllib.
        status = exc.code
        exc.close()
    except (urllib.error.URLError, OSError, ValueError) as exc:
        cause = getattr(exc, "reason", exc)
        cause = cause if isinstance(cause, BaseException) else exc
        raise unreachable("HTTP endpoint", shown, cause, timeout, password) from quiet(exc)
    elapsed = observe(milliseconds(started), "ms")
    logger.debug("%s %s answered %s in %.1f ms", method, shown, status, elapsed)
    if status not in accepted:
        wanted = " or ".join(str(code) for code in sorted(accepted))
        raise CheckFailed(
            WRONG_STATUS.format(method=method, url=shown, status=status, expected=wanted)
        )
    if within is not None and elapsed > within * 1000:
        raise CheckFailed(
            TOO_SLOW.format(
                method=method, url=shown, status=status, elapsed=elapsed, limit=within * 1000
            )
        )
    return elapsed


def _credentials_to_header(
    url: str, headers: dict[str, str]
) -> tuple[str, dict[str, str], str | None]:
    """Move ``user:password@`` out of ``url`` into a Basic ``Authorization`` header.

    urllib would take the password for a port; browsers and curl send it as Basic auth.
    """
    parts = urlsplit(url)
    if parts.username is None:
        return url, headers, None
    password = unquote(parts.password or "")
    token = base64.b64encode(f"{unquote(parts.username)}:{password}".encode()).decode()
    headers.setdefault("Authorization", f"Basic {token}")
    netloc = parts.hostname or ""
    if ":" in netloc:  # an IPv6 address
        netloc = f"[{netloc}]"
    if parts.port is not None:
        netloc += f":{parts.port}"
    return urlunsplit(parts._replace(netloc=netloc)), headers, password or None
