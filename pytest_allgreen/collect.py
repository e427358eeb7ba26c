"""Collection: ``allgood.py`` becomes a :class:`pytest.Module`, each check a :class:`pytest.Function`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pytest
from _pytest._code.code import ExceptionInfo, TerminalRepr

from allgreen.conditions import skip_reason
from allgreen.dsl import CheckSpec
from allgreen.errors import ConfigError
from allgreen.execution import CheckCall, Executor, resolve_memory_limit, resolve_timeout
from allgreen.loader import load_config
from allgreen.outcome import CheckOutcome
from allgreen.report import isoformat
from allgreen.scheduling import Decision, Scheduler
from pytest_allgreen.keys import EXECUTOR_KEY, SESSION_KEY, SETTINGS_KEY
from pytest_allgreen.settings import Settings

CACHED_NOTE = "{message} [cached by run=: ran at {last_run}, next run at {next_run}]"


class CheckProblem(Exception):
    """Raised by a check item whose check failed or errored; carries the outcome."""

    def __init__(self, outcome: CheckOutcome) -> None:
        super().__init__(outcome.message)
        self.outcome = outcome


class AllgoodFile(pytest.Module):
    """An ``allgood.py`` file, loaded once with allgreen's own loader."""

    def _getobj(self) -> Any:
        self.loaded = load_config(self.path)
        return self.loaded.module

    def collect(self) -> Iterable[pytest.Item]:
        module = self.obj  # loads the config, or raises ConfigError
        del module
        self.session._fixturemanager.parsefactories(self)
        for spec in self.loaded.checks:
            for tag in spec.tags:
                # Tags become markers; declaring them keeps --strict-markers happy.
                self.config.addinivalue_line("markers", f"{tag}: allgreen tag")
            item = CheckItem.from_parent(self, name=spec.id, callobj=spec.func, spec=spec)
            for tag in spec.tags:
                item.add_marker(tag)
            yield item

    def repr_failure(self, excinfo: ExceptionInfo[BaseException]) -> str | TerminalRepr:  # type: ignore[override]
        if isinstance(excinfo.value, ConfigError):
            return excinfo.value.relative_to(self.config.invocation_params.dir)
        return super().repr_failure(excinfo)


class CheckItem(pytest.Function):
    """One health check, run through allgreen's executor under pytest's protocol."""

    def __init__(self, *, spec: CheckSpec, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.spec = spec
        self.outcome: CheckOutcome | None = None
        #: what the rate limit decided for this run; ``None`` until runtest.
        self.decision: Decision | None = None
        self.extra_keyword_matches.update(spec.tags)

    @property
    def settings(self) -> Settings:
        return self.config.stash[SETTINGS_KEY]

    @property
    def executor(self) -> Executor:
        return self.config.stash[EXECUTOR_KEY]

    @property
    def scheduler(self) -> Scheduler:
        return self.config.stash[SESSION_KEY].scheduler_for(self.path)

    def setup(self) -> None:
        # Conditions are evaluated before fixtures: a skipped check sets nothing up.
        reason = skip_reason(self.spec, self.settings.environment)
        if reason is not None:
            pytest.skip(reason)
        super().setup()

    def runtest(self) -> None:
        self.decision = self.scheduler.decide(self.spec)
        if self.decision.outcome is not None:
            return self._replay(self.decision.outcome)
        kwargs = {name: self.funcargs[name] for name in self._fixtureinfo.argnames}
        timeout = resolve_timeout(self.spec, self.settings.timeout)
        memory_limit = resolve_memory_limit(self.spec, self.settings.memory_limit)
        call = CheckCall(self.spec, kwargs, timeout, memory_limit)
        self.outcome = self.executor.run([call])[0]
        if self.outcome.status == "skipped":
            pytest.skip(self.outcome.skip_reason or "skipped")
        if self.outcome.status in ("failed", "error"):
            raise CheckProblem(self.outcome)

    def _replay(self, outcome: CheckOutcome) -> None:
        """Report what ``run=`` put in place of a run: the last result keeps its outcome."""
        self.outcome = outcome
        if outcome.status == "skipped":
            pytest.skip(outcome.skip_reason or "skipped")
        if outcome.status in ("failed", "error"):
            raise CheckProblem(outcome)

    def repr_failure(self, excinfo: ExceptionInfo[BaseException]) -> str | TerminalRepr:  # type: ignore[override]
        if isinstance(excinfo.value, CheckProblem):
            outcome = excinfo.value.outcome
            text = outcome.longrepr or outcome.detail or outcome.message or outcome.status
            if self.decision is not None and self.decision.cached is not None:
                note = CACHED_NOTE.format(
                    message=outcome.message or outcome.status,
                    last_run=self.decision.cached.get("started_at"),
                    next_run=isoformat(self.decision.next_run_at),
                )
                return f"{note}\n\n{text}"
            return text
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Any, int, str]:
        return self.path, self.spec.lineno - 1, f"{self.spec.id}: {self.spec.description}"
