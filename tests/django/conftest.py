"""Django configured once for these tests: the allgreen app, its URLs, no database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

django = pytest.importorskip("django")

from django.conf import settings  # noqa: E402


class TestURLs:
    """The project's URLconf: the include users write, and the optional .json route."""

    __test__ = False

    @property
    def urlpatterns(self) -> list[Any]:
        from django.urls import include, path

        from allgreen.django import views

        return [
            path("healthcheck/", include("allgreen.django.urls")),
            path("healthcheck.json", views.page_json),
        ]


if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="tests-only",
        ALLOWED_HOSTS=["testserver"],
        INSTALLED_APPS=["allgreen.django"],
        ROOT_URLCONF=TestURLs(),
        TEMPLATES=[
            {"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}
        ],
        DATABASES={},
        USE_TZ=True,
        ALLGREEN={},
    )
    django.setup()

#: A config with one check of each kind, hostile strings included.
from sample_configs import MIXED, PASSING  # noqa: E402, F401


@pytest.fixture
def use_allgreen(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., None]]:
    """Set ``settings.ALLGREEN`` for one test; the endpoint is rebuilt and closed after."""
    from django.test import override_settings

    monkeypatch.delenv("ALLGREEN_TOKEN", raising=False)
    monkeypatch.delenv("ALLGREEN_ENV", raising=False)
    overrides: list[Any] = []

    def use(**options: Any) -> None:
        override = override_settings(ALLGREEN=options)
        override.enable()
        overrides.append(override)

    yield use
    for override in reversed(overrides):
        override.disable()


@pytest.fixture
def client() -> Any:
    from django.test import Client

    return Client()
