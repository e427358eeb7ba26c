"""Answer a health check request without any web framework.

Each integration (the Flask blueprint here, Django and FastAPI later) turns
its request into a call of :meth:`HealthEndpoint.page` or
:meth:`HealthEndpoint.metrics` and its response from the returned
:class:`Response`, so every framework serves the same bytes.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from allgreen.report import Report
from allgreen.service import HealthService
from allgreen.web import formats
from allgreen.web.dashboard import render_dashboard
from allgreen.web.metrics import MetricsUnavailable, render_metrics
from allgreen.web.security import AccessPolicy, masked

UNKNOWN_TAG = "no check has the tag {tag!r}; the tags are: {known}"

#: Headers every response carries: probes and proxies must never cache a health answer.
COMMON_HEADERS = {
    "Cache-Control": "no-store",
    "Vary": "Accept, Authorization",
    "X-Content-Type-Options": "nosniff",
}
#: The dashboard loads nothing from elsewhere; the policy says so to the browser.
CSP = (
    "default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; "
    "img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)


@dataclass(frozen=True)
class PageRequest:
    """What a page request asks for, once its format and exclusions are parsed."""

    kind: formats.Format
    base_path: str
    tag: str | None
    exclude: tuple[str, ...]


@dataclass
class Response:
    """What to send back: status code, body, content type and headers."""

    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _text(status: int, message: str) -> Response:
    return Response(
        status, (message + "\n").encode(), "text/plain; charset=utf-8", dict(COMMON_HEADERS)
    )


class HealthEndpoint:
    """Serve one :class:`HealthService` as pages, JSON, health+json and metrics.

    :param refresh_seconds: how often the dashboard reloads itself when its
        auto-refresh toggle is on.
    :param render_html: the dashboard renderer, with the signature of
        :func:`~allgreen.web.dashboard.render_dashboard`.
    """

    def __init__(
        self,
        service: HealthService,
        policy: AccessPolicy,
        *,
        refresh_seconds: int = 30,
        render_html: Callable[..., str] = render_dashboard,
    ) -> None:
        self.service = service
        self.policy = policy
        self.refresh_seconds = refresh_seconds
        #: takes the arguments of :func:`render_dashboard`; Django passes its own template.
        self.render_html = render_html

    def page(
        self,
        *,
        base_path: str,
        tag: str | None = None,
        suffix: str | None = None,
        query: Mapping[str, str] | None = None,
        exclude: Sequence[str] = (),
        accept: str | None = None,
        authorization: str | None = None,
    ) -> Response:
        """Answer ``GET <prefix>[/<tag>][.json]``.

        :param base_path: the URL of the endpoint's main page (its prefix), for links.
        :param exclude: the values of every ``?exclude=`` (also comma-separated).
        """
        request = self.parse(
            base_path=base_path, tag=tag, suffix=suffix, query=query, exclude=exclude, accept=accept
        )
        if isinstance(request, Response):
            return request
        if request.tag is not None:
            refusal = self.refuse_tag(request.tag, self.service.tags())
            if refusal is not None:
                return refusal
        report = self.service.report(tag=request.tag, exclude=request.exclude)
        return self.answer(request, report, authorization=authorization)

    def parse(
        self,
        *,
        base_path: str,
        tag: str | None = None,
        suffix: str | None = None,
        query: Mapping[str, str] | None = None,
        exclude: Sequence[str] = (),
        accept: str | None = None,
    ) -> PageRequest | Response:
        """Return what a page request asks for, or the error response for a bad one.

        Cheap and without I/O: an async integration calls it on its event loop.
        """
        try:
            kind = formats.negotiate(query or {}, accept, suffix=suffix)
        except formats.FormatError as exc:
            return _text(exc.status, str(exc))
        excluded = [item.strip() for value in exclude for item in value.split(",") if item.strip()]
        return PageRequest(kind, base_path, tag, tuple(excluded))

    @staticmethod
    def refuse_tag(tag: str, known: set[str] | None) -> Response | None:
        """Return a 404 for a tag no check has (``known=None``: the config failed to load)."""
        if known is None or tag in known:
            return None
        listed = ", ".join(sorted(known)) or "(none)"
        return _text(404, UNKNOWN_TAG.format(tag=tag, known=listed))

    def answer(
        self, request: PageRequest, report: Report, *, authorization: str | None = None
    ) -> Response:
        """Return the response to ``request`` from ``report`` (of its tag and exclusions)."""
        report = masked(report)
        full = self.policy.authorized(authorization)
        details = full and self.policy.show_details
        if request.kind == "json":
            body, content_type = (
                formats.report_json(report, details=details, full=full),
                formats.JSON,
            )
        elif request.kind == "health":
            body = formats.health_json(report, details=details, full=full)
            content_type = formats.HEALTH_JSON
        else:
            return self._html(
                report, base_path=request.base_path, tag=request.tag, full=full, details=details
            )
        return Response(report.http_status, body.encode(), content_type, dict(COMMON_HEADERS))

    def metrics(self, *, authorization: str | None = None) -> Response:
        """Answer ``GET <prefix>/metrics`` in the Prometheus text format."""
        return self.answer_metrics(self.service.report(), authorization=authorization)

    def answer_metrics(self, report: Report, *, authorization: str | None = None) -> Response:
        """Return the metrics response for ``report`` (of every check).

        Always 200 while the report can be written: Prometheus drops the
        samples of a scrape that is not 200, and the failure must be visible
        in them (``allgreen_up 0``).
        """
        try:
            body, content_type = render_metrics(
                masked(report), full=self.policy.authorized(authorization)
            )
        except MetricsUnavailable as exc:
            return _text(501, str(exc))
        return Response(200, body, content_type, dict(COMMON_HEADERS))

    def _html(
        self, report: Report, *, base_path: str, tag: str | None, full: bool, details: bool
    ) -> Response:
        nonce = secrets.token_urlsafe(16)
        html = self.render_html(
            report,
            base_path=base_path,
            tag=tag,
            full=full,
            details=details,
            refresh_seconds=self.refresh_seconds,
            nonce=nonce,
        )
        headers = dict(COMMON_HEADERS)
        headers["Content-Security-Policy"] = CSP.format(nonce=nonce)
        return Response(report.http_status, html.encode(), formats.HTML, headers)
