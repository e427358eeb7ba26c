"""The health check routes: ``path("healthcheck/", include("allgreen.django.urls"))``.

Under the prefix: the page (HTML, JSON or health+json by negotiation),
``metrics``, ``<tag>`` and ``<tag>.json``.
"""

from __future__ import annotations

from django.urls import path

from allgreen.django import views

app_name = "allgreen"

urlpatterns = [
    path("", views.page, name="page"),
    path("metrics", views.metrics, name="metrics"),
    path("<str:tag>.json", views.page_json, name="tag_json"),
    path("<str:tag>", views.page, name="tag"),
]
