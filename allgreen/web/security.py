"""Who may see what: the bearer token and whether failure detail is shown."""

from __future__ import annotations

import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from allgreen.environment import DEFAULT_ENVIRONMENT
from allgreen.redaction import mask_secrets
from allgreen.report import Report

TOKEN_VARIABLE = "ALLGREEN_TOKEN"
BEARER = "bearer"


@dataclass(frozen=True)
class AccessPolicy:
    """Decide, per request, between the full report and the overall status only.

    :param token: the secret callers must send as ``Authorization: Bearer …``;
        ``None`` reads ``$ALLGREEN_TOKEN``; empty means no token is required.
    :param show_details: show failure detail and tracebacks; ``None`` shows
        them in development only.
    """

    token: str | None = field(default=None, repr=False)
    show_details: bool = False

    @classmethod
    def build(
        cls,
        *,
        token: str | None = None,
        show_details: bool | None = None,
        environment: str = DEFAULT_ENVIRONMENT,
        environ: Mapping[str, str] = os.environ,
    ) -> AccessPolicy:
        """Resolve the token (option, then ``$ALLGREEN_TOKEN``) and the details rule."""
        if token is None:
            token = environ.get(TOKEN_VARIABLE) or None
        if show_details is None:
            show_details = environment == DEFAULT_ENVIRONMENT
        return cls(token=token or None, show_details=show_details)

    @property
    def requires_token(self) -> bool:
        """Tell whether callers must present the token to see check details."""
        return self.token is not None

    def authorized(self, authorization: str | None) -> bool:
        """Tell whether an ``Authorization`` header value grants the full report."""
        if self.token is None:
            return True
        scheme, _, credentials = (authorization or "").strip().partition(" ")
        if scheme.lower() != BEARER:
            # Still compare, so a missing header costs the same time as a wrong one.
            credentials = ""
        # Constant time: the answer must not leak how many leading characters matched.
        return hmac.compare_digest(credentials.strip().encode(), self.token.encode())


def masked(report: Report) -> Report:
    """Return ``report`` with secrets masked in the text its source did not mask.

    Messages and details are masked when each result is built, and history
    entries are those results, so they are not scanned again on every request;
    descriptions, skip reasons and the app name come from the config and are
    masked here, on the way out.
    """
    checks = [
        replace(
            result,
            description=mask_secrets(result.description),
            skip_reason=mask_secrets(result.skip_reason) if result.skip_reason else None,
        )
        for result in report.checks
    ]
    app_name = mask_secrets(report.app_name) if report.app_name else None
    error = mask_secrets(report.error) if report.error else None
    return replace(report, checks=checks, app_name=app_name, error=error)
