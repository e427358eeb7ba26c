"""The Django views: thin adapters from a request to :class:`HealthEndpoint` and back."""

from __future__ import annotations

import atexit
from typing import Any

from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from allgreen.django.settings import endpoint_options
from allgreen.report import Report
from allgreen.web.dashboard import dashboard_context
from allgreen.web.endpoint import HealthEndpoint, Response
from allgreen.web.flask_app import build_endpoint

#: The Django template of the dashboard; override it in a project's templates.
TEMPLATE = "allgreen/dashboard.html"
_HERO_ICONS = {"pass": "passed", "warn": "warn", "fail": "failed"}
_FAVICON_COLOURS = {"pass": "%231f9d55", "warn": "%23d4a017", "fail": "%23d93036"}


def render_django_dashboard(report: Report, **context: Any) -> str:
    """Render the dashboard with Django's template engine from the values of the Jinja2 page.

    Django templates cannot index with a variable or call helpers, so what the
    Jinja2 page computes inline is computed here, per row.
    """
    values = dashboard_context(report, **context)
    labels = values["status_labels"]
    values["rows"] = [
        {
            "result": result,
            "label": labels[result.status],
            "strip": values["history"](result),
            "foldable": bool(values["details"] and result.detail),
        }
        for result in report.checks
    ]
    values["count_items"] = [
        {"name": name, "n": report.counts[name], "label": labels[name].lower()}
        for name in ("passed", "failed", "error", "skipped")
    ]
    values["hero_icon"] = _HERO_ICONS[report.status]
    values["favicon_colour"] = _FAVICON_COLOURS[report.status]
    values["first_problems"] = values["problems"][:3]
    values["more_problems"] = max(0, len(values["problems"]) - 3)
    del values["history"]
    html: str = render_to_string(TEMPLATE, values)
    return html


def build_django_endpoint() -> HealthEndpoint:
    """Return an endpoint built from ``settings.ALLGREEN`` that renders the Django template."""
    endpoint = build_endpoint(render_html=render_django_dashboard, **endpoint_options())
    # Stop the background refresh and the executor's workers when the process exits.
    atexit.register(endpoint.service.close)
    return endpoint


def _endpoint() -> HealthEndpoint:
    config = apps.get_app_config("allgreen")
    endpoint: HealthEndpoint = config.endpoint()
    return endpoint


def _to_django(answer: Response) -> HttpResponse:
    response = HttpResponse(answer.body, status=answer.status, content_type=answer.content_type)
    for name, value in answer.headers.items():
        response[name] = value
    return response


def _base_path(request: HttpRequest) -> str:
    namespace = request.resolver_match.namespace if request.resolver_match else "allgreen"
    url: str = reverse(f"{namespace or 'allgreen'}:page")
    return url.rstrip("/")


def _page(request: HttpRequest, tag: str | None, suffix: str | None) -> HttpResponse:
    return _to_django(
        _endpoint().page(
            base_path=_base_path(request),
            tag=tag,
            suffix=suffix,
            query=request.GET,
            exclude=request.GET.getlist("exclude"),
            accept=request.headers.get("Accept"),
            authorization=request.headers.get("Authorization"),
        )
    )


@never_cache
@require_safe
def page(request: HttpRequest, tag: str | None = None) -> HttpResponse:
    """Serve the page (HTML, JSON or health+json by negotiation), of every check or of a tag."""
    return _page(request, tag, None)


@never_cache
@require_safe
def page_json(request: HttpRequest, tag: str | None = None) -> HttpResponse:
    """Serve the JSON report, of every check or of a tag."""
    return _page(request, tag, ".json")


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    """Serve the Prometheus metrics."""
    return _to_django(_endpoint().metrics(authorization=request.headers.get("Authorization")))
