"""Run a loaded config outside pytest and turn the outcomes into a :class:`Report`.

This is what ``allgreen run`` and the web endpoint call: conditions are
evaluated, fixtures set up, runnable checks handed to the executor together,
and the results put back in declaration order.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from allgreen.conditions import skip_reason
from allgreen.dsl import CheckSpec
from allgreen.environment import resolve_environment
from allgreen.errors import ConditionError
from allgreen.execution import (
    CheckCall,
    Executor,
    default_executor,
    resolve_memory_limit,
    resolve_timeout,
)
from allgreen.fixtures import FixtureResolver
from allgreen.loader import LoadedConfig
from allgreen.outcome import CheckOutcome, outcome_from_exception
from allgreen.report import Report, utc_now
from allgreen.scheduling import Decision, Scheduler


@dataclass
class RunOptions:
    """How to run a config: where, under which name, with which limits."""

    environment: str | None = None
    app_name: str | None = None
    #: default limit in seconds for checks without ``timeout=``.
    timeout: float | None = None
    #: default memory limit in bytes for checks without ``memory_limit=``.
    memory_limit: int | None = None
    #: run only checks carrying this tag.
    tag: str | None = None
    #: ids of checks to leave out.
    exclude: Iterable[str] = ()
    #: where rate-limit state and history live: a URL such as ``sqlite:///path`` or
    #: ``redis://host``, or a store object (see SPEC §1, rate limiting).
    store: Any = None
    #: ignore rate limits and run every check now.
    fresh: bool = False


def select(checks: Iterable[CheckSpec], options: RunOptions) -> list[CheckSpec]:
    """Return the checks a run covers: those with ``options.tag``, minus excluded ids."""
    excluded = set(options.exclude)
    return [
        spec
        for spec in checks
        if spec.id not in excluded and (options.tag is None or options.tag in spec.tags)
    ]


def run_config(
    config: LoadedConfig,
    options: RunOptions | None = None,
    *,
    executor: Executor | None = None,
    resolver: FixtureResolver | None = None,
) -> Report:
    """Run every selected check of ``config`` once and return the report."""
    options = options or RunOptions()
    environment = resolve_environment(options.environment)
    started_at, started = utc_now(), time.perf_counter()
    specs = select(config.checks, options)
    outcomes: dict[str, CheckOutcome] = {}
    calls: list[CheckCall] = []
    decisions: dict[str, Decision] = {}
    scheduler = Scheduler.open(
        options.store,
        config_path=config.path,
        app_name=options.app_name,
        environment=environment,
        fresh=options.fresh,
    )
    with scheduler, contextlib.ExitStack() as stack:
        for spec in specs:
            try:
                reason = skip_reason(spec, environment)
            except ConditionError as exc:
                outcomes[spec.id] = CheckOutcome("error", message=str(exc))
                continue
            if reason is not None:
                outcomes[spec.id] = CheckOutcome("skipped", skip_reason=reason)
                continue
            decision = decisions[spec.id] = scheduler.decide(spec)
            if decision.outcome is not None:  # rate-limited: its last result stands in
                outcomes[spec.id] = decision.outcome
                continue
            kwargs = {}
            if spec.argnames:
                try:
                    resolver = resolver or FixtureResolver(config)
                    kwargs = stack.enter_context(resolver.values_for(spec))
                except Exception as exc:
                    outcomes[spec.id] = outcome_from_exception(exc, spec, 0.0, style="short")
                    continue
            timeout = resolve_timeout(spec, options.timeout)
            memory_limit = resolve_memory_limit(spec, options.memory_limit)
            calls.append(CheckCall(spec, kwargs, timeout, memory_limit))
        own_executor = executor is None
        runner = executor or default_executor(config)
        try:
            for call, outcome in zip(calls, runner.run(calls), strict=True):
                outcomes[call.spec.id] = outcome
        finally:
            if own_executor:
                runner.close()
        results = [
            scheduler.result_for(spec, outcomes[spec.id], decisions.get(spec.id)) for spec in specs
        ]
        scheduler.finish(
            (spec, result, decisions.get(spec.id))
            for spec, result in zip(specs, results, strict=True)
        )
    return Report.build(
        results,
        environment=environment,
        app_name=options.app_name,
        started_at=started_at,
        duration=time.perf_counter() - started,
    )


def failed_run_report(error: str, options: RunOptions | None = None) -> Report:
    """Return the report of a run whose config could not be loaded."""
    options = options or RunOptions()
    return Report.build(
        [],
        environment=resolve_environment(options.environment),
        app_name=options.app_name,
        error=error,
    )
