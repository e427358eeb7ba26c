"""The Django integration: an app with the health check pages and ``manage.py allgreen``.

Add ``"allgreen.django"`` to ``INSTALLED_APPS``, configure ``ALLGREEN = {...}``
in the settings and route ``path("healthcheck/", include("allgreen.django.urls"))``.
"""

from __future__ import annotations

try:
    import django  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "allgreen.django needs Django: pip install 'pytest-allgreen[django]'"
    ) from exc
