"""Choose a format for a request and write the report in it: HTML, JSON or health+json.

``application/health+json`` follows the IETF draft "Health Check Response
Format for HTTP APIs" (draft-inadarei-api-health-check).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from allgreen.report import CheckResult, Report

Format = Literal["html", "json", "health"]

HTML = "text/html; charset=utf-8"
JSON = "application/json"
HEALTH_JSON = "application/health+json"

#: Media types offered, in the order preferred when the client does not mind (``*/*``).
OFFERED: dict[str, Format] = {"text/html": "html", JSON: "json", HEALTH_JSON: "health"}
#: Values of ``?format=``.
FORMAT_NAMES: dict[str, Format] = {"html": "html", "json": "json", "health": "health"}

UNKNOWN_FORMAT = "format={value!r} is not known; use one of: {known}"
NOT_ACCEPTABLE = (
    "none of the formats asked for in Accept: {accept!r} is offered; send one of: {offered}"
)


class FormatError(ValueError):
    """The request asked for a format that is not offered; carries the HTTP status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def negotiate(query: Mapping[str, str], accept: str | None, *, suffix: str | None = None) -> Format:
    """Return the format asked for by ``?format=``, a ``.json`` suffix, or the ``Accept`` header.

    :raises FormatError: 400 for an unknown ``?format=``, 406 when Accept rules out every format.
    """
    name = query.get("format")
    if name:
        if name not in FORMAT_NAMES:
            known = ", ".join(FORMAT_NAMES)
            raise FormatError(UNKNOWN_FORMAT.format(value=name, known=known), 400)
        return FORMAT_NAMES[name]
    if suffix == ".json":
        return "json"
    if not accept or not accept.strip():
        return "html"
    accepted = parse_accept_header(accept, MIMEAccept)
    best = accepted.best_match(list(OFFERED))
    if best is None:
        offered = ", ".join(OFFERED)
        raise FormatError(NOT_ACCEPTABLE.format(accept=accept, offered=offered), 406)
    return OFFERED[best]


def status_only(report: Report) -> dict[str, Any]:
    """Return what a caller without the token may know: the overall status."""
    return {"status": report.status}


def report_json(report: Report, *, details: bool, full: bool = True) -> str:
    """Return the report in allgreen's JSON (SPEC §2 names).

    Without each check's history: probes fetch this all day, and 50 past
    results per check would multiply every answer; the dashboard draws them.
    """
    data = report.to_dict(details=details, history=False) if full else status_only(report)
    return json.dumps(data, indent=2, default=str)


_HEALTH_STATUS = {"passed": "pass", "skipped": "pass"}


def _health_check(result: CheckResult, report: Report, details: bool) -> dict[str, Any]:
    if result.is_problem:
        status = "fail" if result.critical else "warn"
    else:
        status = _HEALTH_STATUS[result.status]
    entry: dict[str, Any] = {
        "componentId": result.id,
        "componentType": "check",
        "status": status,
        "time": result.last_run_at or report.started_at,
        "description": result.description,
        "allgreen:status": result.status,
    }
    if result.observed_value is not None:
        entry["observedValue"] = result.observed_value
        if result.observed_unit:
            entry["observedUnit"] = result.observed_unit
    if result.is_problem and result.message:
        entry["output"] = result.message
    elif result.status == "skipped" and result.skip_reason:
        entry["output"] = f"skipped: {result.skip_reason}"
    if details and result.detail:
        entry["allgreen:detail"] = result.detail
    if result.cached:
        entry["allgreen:cached"] = True
    return entry


def health_document(report: Report, *, details: bool, full: bool = True) -> dict[str, Any]:
    """Return the report as an IETF health check response (``application/health+json``).

    Checks are keyed by their id; an id cannot contain ``:``, so the draft's
    ``component:measurement`` keys never clash. Skipped checks count as ``pass``
    and say why in ``output``.
    """
    document: dict[str, Any] = {"status": report.status}
    if not full:
        return document
    document.update(
        {
            "version": str(report.schema_version),
            "releaseId": report.version,
            "serviceId": report.app_name,
            "description": "allgreen health checks",
            "notes": [f"environment: {report.environment}"],
        }
    )
    if report.error:
        document["output"] = report.error
    checks: dict[str, list[dict[str, Any]]] = {}
    for result in report.checks:
        checks[result.id] = [_health_check(result, report, details)]
    document["checks"] = checks
    return document


def health_json(report: Report, *, details: bool, full: bool = True) -> str:
    """Return :func:`health_document` as a JSON string."""
    return json.dumps(health_document(report, details=details, full=full), indent=2, default=str)
