"""An AMQP 0-9-1 broker (RabbitMQ) accepts a connection."""

from __future__ import annotations

import logging
import time
from urllib.parse import unquote, urlsplit

from allgreen.checks.common import (
    DEFAULT_TIMEOUT,
    check_timeout,
    milliseconds,
    quiet,
    require,
    unreachable,
)
from allgreen.observation import observe

logger = logging.getLogger(__name__)


def amqp_connects(
    url: str = "amqp://guest:guest@127.0.0.1:5672/",
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> float:
    """Raise an error unless the broker at ``url`` accepts a login; return the time it took.

    The connection is opened (TCP, AMQP handshake, login, virtual host) and
    closed again; nothing is declared or published.

    :param url: ``amqp://user:password@host:5672/vhost``; the password never shows.
    :param timeout: seconds to wait for the connection and for each answer.
    :returns: the time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    timeout = check_timeout(timeout)
    amqp = require("amqp", extra="amqp", helper="amqp_connects")
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 5672
    # "amqp://host/" is the default vhost "/", as in RabbitMQ's URI spec; "/%2F" is too.
    vhost = unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    password = unquote(parts.password) if parts.password is not None else "guest"
    where = f"{host}:{port}{'' if vhost == '/' else '/' + vhost}"
    started = time.perf_counter()
    connection = amqp.Connection(
        host=f"{host}:{port}",
        userid=unquote(parts.username) if parts.username else "guest",
        password=password,
        virtual_host=vhost,
        connect_timeout=timeout,
        read_timeout=timeout,
        write_timeout=timeout,
    )
    try:
        connection.connect()
        connection.close()
    except Exception as exc:
        connection.collect()  # drop the socket without waiting for the broker again
        raise unreachable("RabbitMQ", where, exc, timeout, password) from quiet(exc)
    elapsed = observe(milliseconds(started), "ms")
    logger.debug("RabbitMQ at %s accepted a connection in %.1f ms", where, elapsed)
    return elapsed
