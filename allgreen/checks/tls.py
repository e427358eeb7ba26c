"""A TLS certificate is trusted, matches its host and has days left."""

from __future__ import annotations

import datetime as dt
import logging
import socket
import ssl

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    CheckFailed,
    check_timeout,
    quiet,
    unreachable,
)
from allgreen.observation import observe

logger = logging.getLogger(__name__)

EXPIRES_SOON = (
    "the TLS certificate of {where} expires on {expires} ({days:.1f} days left), "
    "fewer than the {min_days:g} days required"
)
EXPIRED = "the TLS certificate of {where} expired on {expires} ({days:.1f} days ago)"
NOT_TRUSTED = "the TLS certificate of {where} is not valid: {why}"

# OpenSSL's X509_V_ERR_CERT_HAS_EXPIRED.
_EXPIRED_CODE = 10


def tls_certificate_valid(
    host: str,
    port: int = 443,
    *,
    min_days: float = 14,
    timeout: float = DEFAULT_TIMEOUT,
    server_hostname: str | None = None,
    cafile: str | None = None,
) -> float:
    """Fail unless ``host:port`` shows a trusted certificate with ``min_days`` left; return them.

    The certificate is verified as a client would: its chain against the
    system's trusted authorities (or ``cafile``), and its names against
    ``server_hostname`` (default ``host``).

    :param host: the server to connect to.
    :param port: its TLS port.
    :param min_days: the fewest days of validity left that pass.
    :param timeout: seconds to wait for the connection and the handshake.
    :param server_hostname: the name to ask for (SNI) and to verify, if not ``host``.
    :param cafile: a PEM file of authorities to trust instead of the system's.
    :returns: the days left (fractional), also observed with the unit ``"days"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    where = f"{host}:{port}"
    context = ssl.create_default_context(cafile=cafile)
    try:
        certificate = _peer_certificate(context, host, port, server_hostname, timeout)
    except ssl.SSLCertVerificationError as exc:
        if exc.verify_code == _EXPIRED_CODE:
            expires = _expiry_of_unverified(host, port, server_hostname, timeout)
            if expires is not None:
                days = observe(_days_until(expires), "days")
                expired = EXPIRED.format(where=where, expires=expires.date(), days=-days)
                raise CheckFailed(expired) from quiet(exc)
        raise CheckFailed(NOT_TRUSTED.format(where=where, why=exc.verify_message)) from quiet(exc)
    except OSError as exc:
        raise unreachable("TLS server", where, exc, timeout) from quiet(exc)
    expires = dt.datetime.fromtimestamp(
        ssl.cert_time_to_seconds(str(certificate["notAfter"])), dt.timezone.utc
    )
    days = observe(_days_until(expires), "days")
    logger.debug("the TLS certificate of %s has %.1f days left", where, days)
    if days < min_days:
        raise CheckFailed(
            EXPIRES_SOON.format(where=where, expires=expires.date(), days=days, min_days=min_days)
        )
    return days


def _peer_certificate(
    context: ssl.SSLContext, host: str, port: int, server_hostname: str | None, timeout: float
) -> dict[str, object]:
    """Complete a handshake with ``host:port`` and return its verified certificate."""
    with (
        socket.create_connection((host, port), timeout=timeout) as sock,
        context.wrap_socket(sock, server_hostname=server_hostname or host) as tls,
    ):
        return dict(tls.getpeercert() or {})


def _expiry_of_unverified(
    host: str, port: int, server_hostname: str | None, timeout: float
) -> dt.datetime | None:
    """Return when the certificate of ``host:port`` expires, read without verifying it.

    ``ssl`` only decodes verified certificates, so this needs ``cryptography``;
    without it (or if the second handshake fails) the caller says less.
    """
    try:
        from cryptography import x509
    except ImportError:
        return None
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=server_hostname or host) as tls,
        ):
            der = tls.getpeercert(binary_form=True)
    except OSError:
        return None
    if not der:
        return None
    return x509.load_der_x509_certificate(der).not_valid_after_utc


def _days_until(moment: dt.datetime) -> float:
    """Return the days from now until ``moment`` (negative when it is past), to 0.1."""
    return round((moment - dt.datetime.now(dt.timezone.utc)).total_seconds() / 86400, 1)
