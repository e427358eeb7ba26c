"""Django: no unapplied migrations; the database and the cache answer.

These helpers run inside a configured Django project (``DJANGO_SETTINGS_MODULE``
set, or ``settings.configure()`` called); Django itself is the extra ``django``.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from types import ModuleType

from allgreen.checks.common import (
    CheckFailed,
    DependencyError,
    milliseconds,
    quiet,
    reason,
    require,
    scrub,
)
from allgreen.observation import observe

logger = logging.getLogger(__name__)

NOT_CONFIGURED = (
    "Django settings are not configured; set DJANGO_SETTINGS_MODULE or call "
    "settings.configure() before the checks run"
)
UNAPPLIED = (
    "{count} unapplied Django migration{s} on database {alias!r}: {names}; run manage.py migrate"
)
DATABASE_FAILED = "Unable to query Django database {alias!r} ({vendor}): {reason}"
SETUP_FAILED = "Unable to set up Django: {reason}"
CACHE_FAILED = "Unable to use Django cache {alias!r}: {reason}"
CACHE_LOST = "Django cache {alias!r} returned {answer!r} for a key just written, expected {value!r}"

_SHOWN_MIGRATIONS = 5


def _django(helper: str) -> ModuleType:
    """Import Django and set it up, or raise an error saying what is missing."""
    django = require("django", extra="django", helper=helper, package="Django")
    from django.apps import apps
    from django.conf import settings

    # Settings named by DJANGO_SETTINGS_MODULE load on first use, so "not configured
    # yet" is only a problem when no module is named either.
    if not settings.configured and not os.environ.get("DJANGO_SETTINGS_MODULE"):
        raise DependencyError(NOT_CONFIGURED)
    if not apps.ready:
        try:
            django.setup()
        except Exception as exc:
            raise DependencyError(SETUP_FAILED.format(reason=reason(exc))) from quiet(exc)
    return django


def django_migrations_applied(database: str = "default") -> int:
    """Fail if any migration of an installed app is not applied to ``database``.

    :param database: the alias in ``settings.DATABASES``.
    :returns: the number of unapplied migrations (0 when passing), also observed with
        the unit ``"migrations"``.
    """
    __tracebackhide__ = True
    _django("django_migrations_applied")
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connections[database])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:
        raise DependencyError(_database_failed(database, exc)) from quiet(exc)
    pending = [f"{migration.app_label}.{migration.name}" for migration, backwards in plan]
    count = observe(len(pending), "migrations")
    logger.debug("%d unapplied migrations on %s", count, database)
    if pending:
        names = ", ".join(pending[:_SHOWN_MIGRATIONS])
        if count > _SHOWN_MIGRATIONS:
            names += f" and {count - _SHOWN_MIGRATIONS} more"
        s = "" if count == 1 else "s"
        raise CheckFailed(UNAPPLIED.format(count=count, s=s, alias=database, names=names))
    return count


def django_database(alias: str = "default") -> float:
    """Raise an error unless the Django database ``alias`` answers ``SELECT 1``; return the time.

    :param alias: the alias in ``settings.DATABASES``.
    :returns: the time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    _django("django_database")
    from django.db import connections

    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        raise DependencyError(_database_failed(alias, exc)) from quiet(exc)
    elapsed = observe(milliseconds(started), "ms")
    logger.debug("Django database %s answered in %.1f ms", alias, elapsed)
    return elapsed


def django_cache(alias: str = "default") -> float:
    """Fail unless the Django cache ``alias`` returns a value just written; return the time.

    :param alias: the alias in ``settings.CACHES``.
    :returns: the time in milliseconds, also observed with the unit ``"ms"``.
    """
    __tracebackhide__ = True
    _django("django_cache")
    from django.core.cache import caches

    key, value = f"allgreen:probe:{uuid.uuid4().hex}", uuid.uuid4().hex
    started = time.perf_counter()
    try:
        cache = caches[alias]
        cache.set(key, value, timeout=60)
        answer = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        raise DependencyError(CACHE_FAILED.format(alias=alias, reason=reason(exc))) from quiet(exc)
    elapsed = observe(milliseconds(started), "ms")
    if answer != value:
        raise CheckFailed(CACHE_LOST.format(alias=alias, answer=answer, value=value))
    logger.debug("Django cache %s answered in %.1f ms", alias, elapsed)
    return elapsed


def _database_failed(alias: str, exc: BaseException) -> str:
    """Return why the Django database ``alias`` failed, without its password."""
    from django.db import connections

    try:
        settings = connections[alias].settings_dict
        vendor, password = connections[alias].vendor, settings.get("PASSWORD")
    except Exception:
        vendor, password = "unknown", None
    return scrub(DATABASE_FAILED.format(alias=alias, vendor=vendor, reason=reason(exc)), password)
