"""The FastAPI / Starlette integration: :func:`router` and :func:`create_app`.

A thin adapter over :class:`~allgreen.web.async_endpoint.AsyncHealthEndpoint`:
the same routes, formats, status codes and headers as the Flask blueprint,
served without blocking the event loop.

.. code-block:: python

    app.include_router(allgreen.fastapi.router("allgood.py"), prefix="/healthcheck")
"""

from __future__ import annotations

import atexit
import contextlib
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

try:
    from fastapi import APIRouter, FastAPI, Request
    from fastapi import Response as FastAPIResponse
    from fastapi.responses import RedirectResponse
except ImportError as exc:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "allgreen.fastapi needs FastAPI: pip install 'pytest-allgreen[fastapi]'"
    ) from exc

from allgreen.web.async_endpoint import AsyncHealthEndpoint
from allgreen.web.endpoint import Response
from allgreen.web.flask_app import build_endpoint

#: Where :func:`create_app` keeps its endpoint: ``app.state.allgreen``.
STATE = "allgreen"
EMPTY_PREFIX = "url_prefix={value!r} is empty; give the path of the page, e.g. '/healthcheck'"
#: Route path suffixes after the prefix, longest first, to find the prefix again.
_SUFFIXES = ("/{tag}.json", "/{tag}", "/metrics", ".json")


def _to_fastapi(answer: Response) -> FastAPIResponse:
    headers = dict(answer.headers)
    headers["Content-Type"] = answer.content_type
    return FastAPIResponse(answer.body, status_code=answer.status, headers=headers)


def _base_path(request: Request) -> str:
    """Return the URL of the endpoint's main page: the route's path without its suffix."""
    route = request.scope.get("route")
    path: str = getattr(route, "path", request.url.path)
    for suffix in _SUFFIXES:
        if path.endswith(suffix):
            path = path[: -len(suffix)]
            break
    root: str = request.scope.get("root_path", "")
    return root + path


def _closing(endpoint: AsyncHealthEndpoint) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """Return a lifespan that closes ``endpoint`` (its worker processes) when the app stops."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        try:
            yield
        finally:
            endpoint.close()

    return lifespan


def build_router(endpoint: AsyncHealthEndpoint) -> APIRouter:
    """Return a router serving ``endpoint``; include it with a prefix such as ``/healthcheck``.

    Routes (after the prefix): the page (HTML, JSON or health+json by
    negotiation), ``.json``, ``/metrics``, ``/<tag>`` and ``/<tag>.json``.
    """
    router = APIRouter(lifespan=_closing(endpoint), include_in_schema=False)

    async def page(request: Request, tag: str | None = None, suffix: str | None = None) -> Any:
        answer = await endpoint.page(
            base_path=_base_path(request),
            tag=tag,
            suffix=suffix,
            query=request.query_params,
            exclude=request.query_params.getlist("exclude"),
            accept=request.headers.get("accept"),
            authorization=request.headers.get("authorization"),
        )
        return _to_fastapi(answer)

    async def page_json(request: Request) -> Any:
        return await page(request, None, ".json")

    async def metrics(request: Request) -> Any:
        return _to_fastapi(
            await endpoint.metrics(authorization=request.headers.get("authorization"))
        )

    async def tag_page(request: Request, tag: str) -> Any:
        return await page(request, tag)

    async def tag_json(request: Request, tag: str) -> Any:
        return await page(request, tag, ".json")

    router.add_api_route("", page, methods=["GET"], name="allgreen_page")
    router.add_api_route("/", page, methods=["GET"], name="allgreen_page_slash")
    router.add_api_route(".json", page_json, methods=["GET"], name="allgreen_page_json")
    router.add_api_route("/metrics", metrics, methods=["GET"], name="allgreen_metrics")
    # "/{tag}.json" first: "/{tag}" would also match "readiness.json".
    router.add_api_route("/{tag}.json", tag_json, methods=["GET"], name="allgreen_tag_json")
    router.add_api_route("/{tag}", tag_page, methods=["GET"], name="allgreen_tag")
    return router


def async_endpoint(config_path: str | Path | None = None, **options: Any) -> AsyncHealthEndpoint:
    """Return an :class:`AsyncHealthEndpoint` for ``config_path``, closed when the process exits.

    Takes the options of :func:`allgreen.mount_healthcheck`.
    """
    endpoint = AsyncHealthEndpoint(build_endpoint(config_path, **options))
    atexit.register(endpoint.close)
    return endpoint


def router(config_path: str | Path | None = None, **options: Any) -> APIRouter:
    """Return a router serving the checks of ``config_path``.

    :param options: ``environment``, ``app_name``, ``timeout``, ``store``,
        ``token``, ``show_details``, ``max_age``, ``refresh_every``, ``reload``,
        ``refresh_seconds`` (as for :func:`allgreen.mount_healthcheck`).
    """
    return build_router(async_endpoint(config_path, **options))


def create_app(
    config_path: str | Path | None = None, *, url_prefix: str = "/healthcheck", **options: Any
) -> FastAPI:
    """Return an ASGI app serving the checks at ``url_prefix``; ``/`` redirects there.

    Mount it in any Starlette app (``app.mount("/ops", allgreen.fastapi.create_app(...))``)
    or run it with uvicorn. The endpoint is kept in ``app.state.allgreen``.
    """
    if not url_prefix.strip("/"):
        raise ValueError(EMPTY_PREFIX.format(value=url_prefix))
    prefix = "/" + url_prefix.strip("/")
    endpoint = async_endpoint(config_path, **options)
    app = FastAPI(title="allgreen", docs_url=None, redoc_url=None, openapi_url=None)
    setattr(app.state, STATE, endpoint)

    async def index(request: Request) -> RedirectResponse:
        return RedirectResponse(request.scope.get("root_path", "") + prefix)

    app.add_api_route("/", index, methods=["GET"], include_in_schema=False)
    app.include_router(build_router(endpoint), prefix=prefix)
    return app
