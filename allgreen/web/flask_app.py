"""The Flask integration: a blueprint, :func:`mount_healthcheck` and :func:`create_app`."""

from __future__ import annotations

import atexit
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, redirect, request

from allgreen.service import HealthService
from allgreen.web.dashboard import render_dashboard
from allgreen.web.endpoint import HealthEndpoint
from allgreen.web.endpoint import Response as EndpointResponse
from allgreen.web.security import AccessPolicy

#: The key of the mounted endpoint in ``app.extensions``.
EXTENSION = "allgreen"
#: Options that belong to the :class:`HealthService`; the rest go to the access policy.
SERVICE_OPTIONS = (
    "environment",
    "app_name",
    "timeout",
    "store",
    "max_age",
    "refresh_every",
    "reload",
)
UNKNOWN_OPTION = "unknown option {name!r} for the health check endpoint; the options are: {known}"


def build_endpoint(
    config_path: str | Path | None = None,
    *,
    token: str | None = None,
    show_details: bool | None = None,
    refresh_seconds: int = 30,
    render_html: Callable[..., str] = render_dashboard,
    **options: Any,
) -> HealthEndpoint:
    """Return a framework-free :class:`HealthEndpoint` for ``config_path`` and options.

    :raises TypeError: for an option that does not exist.
    """
    for name in options:
        if name not in SERVICE_OPTIONS:
            known = ", ".join((*SERVICE_OPTIONS, "token", "show_details", "refresh_seconds"))
            raise TypeError(UNKNOWN_OPTION.format(name=name, known=known))
    service = HealthService(config_path, **options)
    policy = AccessPolicy.build(
        token=token, show_details=show_details, environment=service.environment
    )
    return HealthEndpoint(service, policy, refresh_seconds=refresh_seconds, render_html=render_html)


def _to_flask(answer: EndpointResponse) -> Response:
    response = Response(answer.body, status=answer.status, content_type=answer.content_type)
    response.headers.update(answer.headers)
    return response


def healthcheck_blueprint(
    endpoint: HealthEndpoint, *, url_prefix: str = "/healthcheck", name: str = "allgreen"
) -> Blueprint:
    """Return a blueprint serving ``endpoint`` under ``url_prefix``.

    Routes: ``<prefix>`` (HTML, JSON or health+json by negotiation),
    ``<prefix>.json``, ``<prefix>/metrics``, ``<prefix>/<tag>`` and
    ``<prefix>/<tag>.json``.
    """
    prefix = "/" + url_prefix.strip("/") if url_prefix.strip("/") else ""
    blueprint = Blueprint(name, __name__)

    def page(tag: str | None = None, suffix: str | None = None) -> Response:
        return _to_flask(
            endpoint.page(
                base_path=request.script_root + prefix,
                tag=tag,
                suffix=suffix,
                query=request.args,
                exclude=request.args.getlist("exclude"),
                accept=request.headers.get("Accept"),
                authorization=request.headers.get("Authorization"),
            )
        )

    def page_json(tag: str | None = None) -> Response:
        return page(tag, ".json")

    def metrics() -> Response:
        return _to_flask(endpoint.metrics(authorization=request.headers.get("Authorization")))

    # The rules carry the prefix themselves: a blueprint prefix would turn
    # ".json" into "/healthcheck/.json".
    blueprint.add_url_rule(prefix or "/", "page", page, strict_slashes=False)
    if prefix:
        blueprint.add_url_rule(f"{prefix}.json", "page_json", page_json)
    blueprint.add_url_rule(f"{prefix}/metrics", "metrics", metrics)
    blueprint.add_url_rule(f"{prefix}/<tag>", "tag", page)
    blueprint.add_url_rule(f"{prefix}/<tag>.json", "tag_json", page_json)
    return blueprint


def mount_healthcheck(
    app: Flask,
    config_path: str | Path | None = None,
    *,
    url_prefix: str = "/healthcheck",
    **options: Any,
) -> HealthEndpoint:
    """Serve the checks of ``config_path`` on an existing Flask app under ``url_prefix``.

    :param options: ``environment``, ``app_name``, ``timeout``, ``store``,
        ``token``, ``show_details``, ``max_age``, ``refresh_every``, ``reload``,
        ``refresh_seconds`` (see the README).
    :returns: the endpoint, also kept in ``app.extensions["allgreen"]``.
    """
    endpoint = build_endpoint(config_path, **options)
    app.register_blueprint(healthcheck_blueprint(endpoint, url_prefix=url_prefix))
    app.extensions[EXTENSION] = endpoint
    # Stop the background refresh and the executor's workers when the process exits.
    atexit.register(endpoint.service.close)
    return endpoint


def create_app(
    config_path: str | Path | None = None, *, url_prefix: str = "/healthcheck", **options: Any
) -> Flask:
    """Return a WSGI app that serves the checks of ``config_path``.

    The page lives at ``url_prefix`` and ``/`` redirects to it. Takes the
    options of :func:`mount_healthcheck`.
    """
    app = Flask("allgreen")
    mount_healthcheck(app, config_path, url_prefix=url_prefix, **options)
    prefix = "/" + url_prefix.strip("/") if url_prefix.strip("/") else ""
    if prefix:
        app.add_url_rule("/", "index", lambda: redirect(request.script_root + prefix))
    return app
