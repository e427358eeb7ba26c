"""Ready-made checks to call inside ``@check`` functions.

Each helper raises :class:`CheckFailed` (the check is ``failed``) when the
dependency answers but not as expected, raises :class:`DependencyError`
(the check is ``error``) when it cannot be reached, has a ``timeout`` of its
own below the check's limit, never shows a password, and returns (and
:func:`~allgreen.observation.observe`-s) what it measured.
"""

from __future__ import annotations

from allgreen.checks.amqp import amqp_connects
from allgreen.checks.common import CheckFailed, DependencyError, MissingExtra
from allgreen.checks.disk import disk_usage_below
from allgreen.checks.django import django_cache, django_database, django_migrations_applied
from allgreen.checks.dns import dns_resolves
from allgreen.checks.http import http_status
from allgreen.checks.load import load_average_below
from allgreen.checks.memory import memory_usage_below
from allgreen.checks.redis import redis_ping
from allgreen.checks.sql import sql_query
from allgreen.checks.tcp import tcp_accepts
from allgreen.checks.tls import tls_certificate_valid
from allgreen.observation import observe

__all__ = [
    "CheckFailed",
    "DependencyError",
    "MissingExtra",
    "amqp_connects",
    "disk_usage_below",
    "django_cache",
    "django_database",
    "django_migrations_applied",
    "dns_resolves",
    "http_status",
    "load_average_below",
    "memory_usage_below",
    "observe",
    "redis_ping",
    "sql_query",
    "tcp_accepts",
    "tls_certificate_valid",
]
