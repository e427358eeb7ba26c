"""Read the ``ALLGREEN`` setting: a dict of the endpoint's options in upper case."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: ``ALLGREEN`` keys and the options of :func:`allgreen.web.flask_app.build_endpoint` they set.
KEYS = {
    "CONFIG_PATH": "config_path",
    "ENVIRONMENT": "environment",
    "APP_NAME": "app_name",
    "TIMEOUT": "timeout",
    "STORE": "store",
    "TOKEN": "token",
    "SHOW_DETAILS": "show_details",
    "MAX_AGE": "max_age",
    "REFRESH_EVERY": "refresh_every",
    "RELOAD": "reload",
    "REFRESH_SECONDS": "refresh_seconds",
}
NOT_A_DICT = "settings.ALLGREEN must be a dict of options, not {type}: ALLGREEN = {{'CONFIG_PATH': 'allgood.py'}}"
UNKNOWN_KEY = "settings.ALLGREEN has an unknown key {key!r}; the keys are: {known}"


def endpoint_options() -> dict[str, Any]:
    """Return ``settings.ALLGREEN`` as keyword options of the endpoint (missing: defaults).

    :raises ImproperlyConfigured: when the setting is not a dict or has an unknown key.
    """
    raw = getattr(settings, "ALLGREEN", None) or {}
    if not isinstance(raw, dict):
        raise ImproperlyConfigured(NOT_A_DICT.format(type=type(raw).__name__))
    options = {}
    for key, value in raw.items():
        if key not in KEYS:
            raise ImproperlyConfigured(UNKNOWN_KEY.format(key=key, known=", ".join(KEYS)))
        options[KEYS[key]] = value
    return options
