"""Admission, cached results and history: what the engine and the pytest plugin call.

Before a check runs, :meth:`Scheduler.decide` asks the store whether its
``run=`` limit allows a run now. When it does not, the check's last result
stands in for it, with its original status and ``cached: true``. After the
run, :meth:`Scheduler.finish` records what ran and fills every result's
recent history.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from allgreen.dsl import CheckSpec
from allgreen.outcome import CheckOutcome
from allgreen.report import CheckResult, isoformat, utc_now
from allgreen.store import Store, StoreError, namespace, open_store

log = logging.getLogger("allgreen.scheduling")

#: A check whose runs are used up, and whose result another process has not saved yet.
NOT_RECORDED_YET = (
    "ran {used} of {limit} this {period} and its result is not recorded yet "
    "(it may still be running elsewhere); next run at {next_run}"
)
STORE_UNAVAILABLE = "cannot decide whether to run ({rate}): {error}"

Clock = Callable[[], dt.datetime]


@dataclass
class Decision:
    """Whether a check runs now and, when it does not, what to report instead."""

    run: bool
    #: when the decision was made; the run's start time when it runs.
    decided_at: dt.datetime
    #: the earliest moment the check may run again; ``None`` without a limit.
    next_run_at: dt.datetime | None = None
    #: the stored result reported in place of a run.
    cached: dict[str, Any] | None = None
    #: what to report when the check does not run (its cached outcome, or why not).
    outcome: CheckOutcome | None = field(default=None, repr=False)


def stored_result(result: CheckResult, started_at: dt.datetime) -> dict[str, Any]:
    """Return what the store keeps of one run (already masked by :class:`CheckResult`)."""
    return {
        "status": result.status,
        "started_at": isoformat(started_at),
        "duration_ms": result.duration_ms,
        "message": result.message,
        "detail": result.detail,
        "skip_reason": result.skip_reason,
        "observed_value": result.observed_value,
        "observed_unit": result.observed_unit,
    }


def cached_outcome(stored: dict[str, Any]) -> CheckOutcome:
    """Rebuild the outcome of a stored result, keeping its original status."""
    return CheckOutcome(
        stored.get("status", "error"),
        (stored.get("duration_ms") or 0.0) / 1000,
        message=stored.get("message"),
        detail=stored.get("detail"),
        skip_reason=stored.get("skip_reason"),
        observed_value=stored.get("observed_value"),
        observed_unit=stored.get("observed_unit"),
    )


class Scheduler:
    """Apply rate limits and keep results for one app and environment in ``store``.

    :param store: where state lives; a broken one is passed as ``error`` instead.
    :param namespace: from :func:`allgreen.store.namespace`.
    :param fresh: run every check now, ignoring limits (results are still recorded).
    :param clock: returns the current time in UTC; tests inject their own.
    :param owns_store: close the store with the scheduler.
    :param error: why the store could not be opened: limited checks report it as an error.
    """

    def __init__(
        self,
        store: Store | None,
        namespace: str,
        *,
        fresh: bool = False,
        clock: Clock = utc_now,
        owns_store: bool = False,
        error: str | None = None,
    ) -> None:
        self.store = store
        self.namespace = namespace
        self.fresh = fresh
        self.clock = clock
        self.owns_store = owns_store
        self.error = error

    @classmethod
    def open(
        cls,
        store: str | Store | None,
        *,
        config_path: str | Path | None,
        app_name: str | None,
        environment: str,
        fresh: bool = False,
        clock: Clock = utc_now,
        source: str = "store=",
    ) -> Scheduler:
        """Open the store ``store`` names (see :func:`allgreen.store.open_store`).

        A store that cannot be opened does not stop the run: checks without
        ``run=`` still run, and limited ones report the store's error.
        """
        ns = namespace(app_name, environment)
        try:
            opened = open_store(store, config_path=config_path, source=source)
        except StoreError as exc:
            log.warning("%s", exc)
            return cls(None, ns, fresh=fresh, clock=clock, error=str(exc))
        return cls(opened, ns, fresh=fresh, clock=clock, owns_store=opened is not store)

    def close(self) -> None:
        """Close the store when this scheduler opened it."""
        if self.owns_store and self.store is not None:
            self.store.close()

    def __enter__(self) -> Scheduler:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- before the run ------------------------------------------------------

    def decide(self, spec: CheckSpec) -> Decision:
        """Take one of ``spec``'s runs in the current window, or say what to report instead."""
        now = self.clock()
        limit = spec.rate_limit
        if limit is None or self.fresh:
            return Decision(True, now)
        try:
            if self.store is None:
                raise StoreError(self.error or "no store")
            admission = self.store.admit(self.namespace, spec.id, limit, now)
            if admission.allowed:
                more = admission.used < limit.times
                return Decision(True, now, now if more else admission.window_end)
            stored = self.store.last_result(self.namespace, spec.id)
        except StoreError as exc:
            message = STORE_UNAVAILABLE.format(rate=limit, error=exc)
            return Decision(False, now, outcome=CheckOutcome("error", message=message))
        next_run = admission.window_end
        if stored is None:
            reason = NOT_RECORDED_YET.format(
                used=admission.used, limit=limit, period=limit.period, next_run=isoformat(next_run)
            )
            return Decision(
                False, now, next_run, outcome=CheckOutcome("skipped", skip_reason=reason)
            )
        return Decision(False, now, next_run, cached=stored, outcome=cached_outcome(stored))

    # -- after the run -------------------------------------------------------

    def result_for(
        self, spec: CheckSpec, outcome: CheckOutcome, decision: Decision | None
    ) -> CheckResult:
        """Build ``spec``'s report line, marked cached with its run times when it is."""
        result = CheckResult.from_outcome(spec, outcome)
        if decision is None:
            return result
        if decision.cached is not None:
            result.cached = True
            result.last_run_at = decision.cached.get("started_at")
        elif decision.run:
            result.last_run_at = isoformat(decision.decided_at)
        result.next_run_at = isoformat(decision.next_run_at)
        return result

    def finish(
        self,
        results: Iterable[tuple[CheckSpec, CheckResult, Decision | None]],
        *,
        history: bool = True,
    ) -> None:
        """Record the results of the checks that ran, then fill each result's history."""
        results = list(results)
        if self.store is None:
            return
        ran = {
            spec.id: stored_result(result, decision.decided_at)
            for spec, result, decision in results
            if decision is not None and decision.run
        }
        try:
            self.store.record_many(self.namespace, ran)
            if history:
                found = self.store.histories(self.namespace, [spec.id for spec, _, _ in results])
                for spec, result, _ in results:
                    result.history = found[spec.id]
        except StoreError as exc:
            # The run's results stand; only their memory is lost.
            log.warning("could not record results: %s", exc)
