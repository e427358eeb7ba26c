"""URLs of the example project: the health checks under /healthcheck/."""

from django.urls import include, path

from allgreen.django import views

urlpatterns = [
    path("healthcheck/", include("allgreen.django.urls")),
    # Optional: the JSON report at /healthcheck.json, as the Flask endpoint has it.
    path("healthcheck.json", views.page_json),
]
