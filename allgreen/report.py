"""The report: one versioned, JSON-ready document that feeds every output.

The JSON names are a contract (SPEC §2): more may be added, none renamed
without a new :data:`SCHEMA_VERSION`.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from allgreen.dsl import CheckSpec
from allgreen.outcome import STATUSES, CheckOutcome, Status
from allgreen.redaction import mask_secrets
from allgreen.version import VERSION

SCHEMA_VERSION = 1

Overall = Literal["pass", "warn", "fail"]


def utc_now() -> dt.datetime:
    """Return the current time in UTC."""
    return dt.datetime.now(dt.timezone.utc)


def isoformat(moment: dt.datetime | None) -> str | None:
    """Return ``moment`` as ISO 8601 in UTC with a ``Z``, or ``None``."""
    if moment is None:
        return None
    moment = moment.astimezone(dt.timezone.utc)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class CheckResult:
    """One check's line in a report."""

    id: str
    description: str
    status: Status
    message: str | None = None
    detail: str | None = None
    duration_ms: float = 0.0
    skip_reason: str | None = None
    cached: bool = False
    last_run_at: str | None = None
    next_run_at: str | None = None
    tags: list[str] = field(default_factory=list)
    critical: bool = True
    observed_value: Any = None
    observed_unit: str | None = None
    #: recent results, oldest first, each ``{"status", "started_at", "duration_ms", "message"}``;
    #: filled from the store when one is configured.
    history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_outcome(cls, spec: CheckSpec, outcome: CheckOutcome) -> CheckResult:
        """Build the result of ``spec`` from what running it produced."""
        return cls(
            id=spec.id,
            description=spec.description,
            status=outcome.status,
            # Masked here, at the source, so no output can leak a password.
            message=mask_secrets(outcome.message) if outcome.message else None,
            detail=mask_secrets(outcome.detail) if outcome.detail else None,
            duration_ms=round(outcome.duration * 1000, 3),
            skip_reason=outcome.skip_reason,
            tags=list(spec.tags),
            critical=spec.critical,
            observed_value=outcome.observed_value,
            observed_unit=outcome.observed_unit,
        )

    @property
    def is_problem(self) -> bool:
        """Tell whether this result is a failure or an error."""
        return self.status in ("failed", "error")

    def to_dict(self, *, details: bool = True, history: bool = True) -> dict[str, Any]:
        """Return the JSON form; without ``details`` the failure text is left out,
        without ``history`` the recent results are."""
        # Not dataclasses.asdict: it deep-copies every history entry, which made
        # serving a cached report cost milliseconds.
        data = {field.name: getattr(self, field.name) for field in fields(self)}
        data["tags"] = list(self.tags)
        if not details:
            data["detail"] = None
        if history:
            data["history"] = [dict(entry) for entry in self.history]
        else:
            del data["history"]
        return data


def overall_status(results: Iterable[CheckResult], error: str | None = None) -> Overall:
    """Return ``fail`` if a critical check failed, ``warn`` if only others did, else ``pass``."""
    if error:
        return "fail"
    status: Overall = "pass"
    for result in results:
        if result.is_problem:
            if result.critical:
                return "fail"
            status = "warn"
    return status


@dataclass
class Report:
    """The outcome of one run of a config."""

    status: Overall
    environment: str
    checks: list[CheckResult]
    app_name: str | None = None
    version: str = VERSION
    started_at: str | None = None
    duration_ms: float = 0.0
    #: A config that could not be loaded: the run failed before any check ran.
    error: str | None = None
    schema_version: int = SCHEMA_VERSION

    @classmethod
    def build(
        cls,
        results: Sequence[CheckResult],
        *,
        environment: str,
        app_name: str | None = None,
        started_at: dt.datetime | None = None,
        duration: float = 0.0,
        error: str | None = None,
    ) -> Report:
        """Assemble a report from results in declaration order."""
        return cls(
            status=overall_status(results, error),
            environment=environment,
            checks=list(results),
            app_name=app_name,
            started_at=isoformat(started_at or utc_now()),
            duration_ms=round(duration * 1000, 3),
            error=mask_secrets(error) if error else None,
        )

    @property
    def counts(self) -> dict[str, int]:
        """Return how many checks ended in each status."""
        counts: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for result in self.checks:
            counts[result.status] += 1
        return counts

    @property
    def http_status(self) -> int:
        """Return 200 for pass and warn, 503 for fail."""
        return 503 if self.status == "fail" else 200

    def to_dict(self, *, details: bool = True, history: bool = True) -> dict[str, Any]:
        """Return the JSON form (SPEC §2 names); ``history`` adds each check's recent results."""
        return {
            "schema_version": self.schema_version,
            "status": self.status,
            "environment": self.environment,
            "app_name": self.app_name,
            "version": self.version,
            "started_at": self.started_at,
            "duration_ms": self.duration_ms,
            "counts": self.counts,
            "error": self.error,
            "checks": [result.to_dict(details=details, history=history) for result in self.checks],
        }

    def to_json(self, *, details: bool = True, indent: int | None = 2) -> str:
        """Return the report as a JSON string."""
        return json.dumps(self.to_dict(details=details), indent=indent, default=str)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from its JSON form."""
        checks = [
            CheckResult(**{k: v for k, v in item.items() if k in CheckResult.__dataclass_fields__})
            for item in data.get("checks", [])
        ]
        return cls(
            status=data["status"],
            environment=data["environment"],
            checks=checks,
            app_name=data.get("app_name"),
            version=data.get("version", VERSION),
            started_at=data.get("started_at"),
            duration_ms=data.get("duration_ms", 0.0),
            error=data.get("error"),
            schema_version=data.get("schema_version", SCHEMA_VERSION),
        )
