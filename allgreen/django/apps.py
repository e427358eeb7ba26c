"""The Django app config: holds the one endpoint of the process, built on first use."""

from __future__ import annotations

import threading
from typing import Any

from django.apps import AppConfig
from django.core.signals import setting_changed

from allgreen.web.endpoint import HealthEndpoint


class AllgreenConfig(AppConfig):
    """The ``allgreen.django`` app; its label is ``allgreen``."""

    name = "allgreen.django"
    label = "allgreen"
    verbose_name = "allgreen health checks"
    default_auto_field = "django.db.models.AutoField"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._lock = threading.Lock()
        self._endpoint: HealthEndpoint | None = None

    def ready(self) -> None:
        setting_changed.connect(self._setting_changed, dispatch_uid="allgreen-setting-changed")

    def endpoint(self) -> HealthEndpoint:
        """Return the endpoint built from ``settings.ALLGREEN`` (once per process)."""
        with self._lock:
            if self._endpoint is None:
                # Imported here: building loads allgood.py, never at Django start-up.
                from allgreen.django.views import build_django_endpoint

                self._endpoint = build_django_endpoint()
            return self._endpoint

    def reset(self) -> None:
        """Close the endpoint; the next request builds a new one from the settings."""
        with self._lock:
            endpoint, self._endpoint = self._endpoint, None
        if endpoint is not None:
            endpoint.service.close()

    def _setting_changed(self, *, setting: str, **kwargs: Any) -> None:
        # override_settings(ALLGREEN=...) in tests, or a settings reload.
        if setting == "ALLGREEN":
            self.reset()
