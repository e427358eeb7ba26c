"""Serve reports of one config to many callers without multiplying the work.

A :class:`HealthService` is what every web integration holds: it loads
``allgood.py`` once, keeps one executor for it, and answers "give me a
report" from many threads at once. Concurrent callers share one in-flight
run, a recent report is reused within ``max_age``, a background thread can
keep one ready (``refresh_every``), and in development the config reloads
when the file changes. Nothing here raises at a caller: a broken config is a
failed report that shows the error.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from allgreen.engine import RunOptions, failed_run_report, run_config
from allgreen.environment import DEFAULT_ENVIRONMENT, resolve_environment
from allgreen.errors import ConfigError
from allgreen.execution import Executor, default_executor
from allgreen.loader import LoadedConfig, load_config, resolve_config_path
from allgreen.redaction import mask_secrets
from allgreen.report import Report, overall_status
from allgreen.store import Store, StoreError, open_store

BAD_MAX_AGE = "max_age={value!r} is not valid: give a number of seconds, 0 or more"
BAD_REFRESH_EVERY = (
    "refresh_every={value!r} is not valid: give a number of seconds above 0, or None"
)
RUN_CRASHED = (
    "the run itself failed before reporting: {exc}; this is a bug in allgreen, please report it"
)

#: What a report is cached under: the tag of the page and the excluded ids.
Selection = tuple[str | None, tuple[str, ...]]
EVERYTHING: Selection = (None, ())


@dataclass
class _Generation:
    """One load of the config (or the error it gave) and the executor that runs it."""

    config: LoadedConfig | None
    error: str | None
    #: mtime of the file when it was loaded; ``None`` when no file was found.
    mtime_ns: int | None
    executor: Executor | None = None
    #: the store opened for this config, kept for its life (``None``: runs open their own).
    store: Store | None = None
    #: runs using the executor right now; it is closed when the last one ends.
    users: int = 0
    retired: bool = False


@dataclass
class _Snapshot:
    report: Report
    #: the service clock when the run finished.
    finished: float


@dataclass
class _Flight:
    """A run in progress that later callers wait for instead of starting their own."""

    done: threading.Event = field(default_factory=threading.Event)
    report: Report | None = None


def _number(value: Any, message: str, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(message.format(value=value))
    if value < 0 or (value == 0 and not allow_zero):
        raise ValueError(message.format(value=value))
    return float(value)


class HealthService:
    """Load a config once and serve its reports to any number of concurrent callers.

    :param config_path: the ``allgood.py`` to serve; ``None`` looks for
        ``allgood.py`` or ``config/allgood.py`` under ``root``.
    :param environment: the environment name (else ``$ALLGREEN_ENV``, else development).
    :param app_name: shown in every output and used to namespace the store.
    :param timeout: default limit in seconds for checks without ``timeout=``.
    :param store: where rate-limit state and history live (see :class:`RunOptions`).
    :param max_age: seconds during which a finished report is served again
        instead of running the checks; 0 runs on every request (concurrent
        requests still share one run).
    :param refresh_every: seconds between background runs that keep a report
        ready; requests are then served that report while it is younger than
        twice the interval.
    :param reload: reload the config when its file changes; by default only in
        development.
    :param clock: monotonic seconds, injectable for tests.
    """

    def __init__(
        self,
        config_path: str | Path | None = None,
        *,
        environment: str | None = None,
        app_name: str | None = None,
        timeout: float | None = None,
        store: Any = None,
        max_age: float = 0.0,
        refresh_every: float | None = None,
        reload: bool | None = None,
        root: str | Path = ".",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = _number(max_age, BAD_MAX_AGE, allow_zero=True)
        self.refresh_every = (
            None
            if refresh_every is None
            else _number(refresh_every, BAD_REFRESH_EVERY, allow_zero=False)
        )
        self.config_path = config_path
        self.root = root
        self.environment = resolve_environment(environment)
        self.reload = self.environment == DEFAULT_ENVIRONMENT if reload is None else reload
        self.options = RunOptions(
            environment=self.environment, app_name=app_name, timeout=timeout, store=store
        )
        self._clock = clock
        self._lock = threading.Lock()
        self._snapshots: dict[Selection, _Snapshot] = {}
        self._flights: dict[Selection, _Flight] = {}
        self._closed = threading.Event()
        self._generation = self._load()
        self._refresher: threading.Thread | None = None
        if self.refresh_every is not None:
            self._refresher = threading.Thread(
                target=self._refresh_loop, name="allgreen-refresh", daemon=True
            )
            self._refresher.start()

    # -- what callers use -------------------------------------------------

    @property
    def app_name(self) -> str | None:
        """Return the app name shown in reports."""
        return self.options.app_name

    @property
    def serve_within(self) -> float:
        """Return how old (seconds) a finished report may be and still be served."""
        if self.refresh_every is None:
            return self.max_age
        return max(self.max_age, 2 * self.refresh_every)

    def tags(self) -> set[str] | None:
        """Return every tag of the loaded config, or ``None`` when it failed to load."""
        with self._lock:
            self._reload_if_changed()
            config = self._generation.config
        if config is None:
            return None
        return {tag for spec in config.checks for tag in spec.tags}

    def report(self, *, tag: str | None = None, exclude: Iterable[str] = ()) -> Report:
        """Return a report of the checks with ``tag`` (all when ``None``) minus ``exclude``.

        Never raises: a config that does not load gives a failed report showing why.
        """
        return self._obtain((tag, tuple(sorted(set(exclude)))), force=False)

    def close(self) -> None:
        """Stop the background refresh and close the executor once no run uses it."""
        self._closed.set()
        if self._refresher is not None and self._refresher is not threading.current_thread():
            self._refresher.join(timeout=5)
        with self._lock:
            self._retire(self._generation)

    def __enter__(self) -> HealthService:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- single flight ----------------------------------------------------

    def _obtain(self, selection: Selection, *, force: bool) -> Report:
        with self._lock:
            self._reload_if_changed()
            if not force:
                cached = self._cached(selection)
                if cached is not None:
                    return cached
            flight = self._flights.get(selection)
            leader = flight is None
            if flight is None:
                flight = self._flights[selection] = _Flight()
                generation = self._generation
                generation.users += 1
        if not leader:
            flight.done.wait()
            assert flight.report is not None
            return flight.report
        report: Report | None = None
        try:
            report = self._run(generation, selection)
        finally:
            if report is None:  # only when the run was interrupted (e.g. KeyboardInterrupt)
                report = failed_run_report(RUN_CRASHED.format(exc="interrupted"), self.options)
            with self._lock:
                del self._flights[selection]
                # A report of a config that has since been reloaded is not kept.
                if generation is self._generation:
                    self._snapshots[selection] = _Snapshot(report, self._clock())
                generation.users -= 1
                if generation.retired and generation.users == 0:
                    self._close_executor(generation)
            flight.report = report
            flight.done.set()
        return report

    def _cached(self, selection: Selection) -> Report | None:
        """Return a report recent enough to serve for ``selection``, if there is one."""
        limit = self.serve_within
        if limit <= 0:
            return None
        now = self._clock()
        snapshot = self._snapshots.get(selection)
        if snapshot is not None and now - snapshot.finished <= limit:
            return snapshot.report
        whole = self._snapshots.get(EVERYTHING)
        if selection != EVERYTHING and whole is not None and now - whole.finished <= limit:
            # A tag page can be cut from the full report that refresh_every keeps ready.
            return narrow(whole.report, *selection)
        return None

    def _run(self, generation: _Generation, selection: Selection) -> Report:
        if generation.config is None:
            return failed_run_report(generation.error or "", self.options)
        tag, exclude = selection
        store = generation.store if generation.store is not None else self.options.store
        options = replace(self.options, tag=tag, exclude=exclude, store=store)
        try:
            return run_config(generation.config, options, executor=generation.executor)
        except Exception as exc:
            return failed_run_report(
                RUN_CRASHED.format(exc=f"{type(exc).__name__}: {exc}"), options
            )

    def _refresh_loop(self) -> None:
        assert self.refresh_every is not None
        delay = 0.0
        while not self._closed.wait(delay):
            started = self._clock()
            self._obtain(EVERYTHING, force=True)
            delay = max(0.0, self.refresh_every - (self._clock() - started))

    # -- loading and reloading -------------------------------------------

    def _source_mtime(self) -> int | None:
        try:
            return resolve_config_path(self.config_path, self.root).stat().st_mtime_ns
        except (ConfigError, OSError):
            return None

    def _load(self) -> _Generation:
        mtime = self._source_mtime()
        try:
            config = load_config(self.config_path, root=self.root)
        except ConfigError as exc:
            return _Generation(None, mask_secrets(str(exc)), mtime)
        return _Generation(
            config, None, config.mtime_ns, default_executor(config), self._open_store(config)
        )

    def _open_store(self, config: LoadedConfig) -> Store | None:
        """Open the store once for this config: a memory store must outlive a run, and a
        file or a connection is cheaper kept than opened per request."""
        try:
            return open_store(self.options.store, config_path=config.path)
        except StoreError:
            return None  # each run reports the store's error on its rate-limited checks

    def _reload_if_changed(self) -> None:
        """Load the config again if its file changed; call with the lock held."""
        current = self._generation
        if self._closed.is_set():
            return
        if current.config is None:
            # A broken config is retried in every environment once the file changes.
            changed = self._source_mtime() != current.mtime_ns
        else:
            changed = self.reload and current.config.is_stale()
        if not changed:
            return
        self._generation = self._load()
        self._snapshots.clear()
        self._retire(current)

    def _retire(self, generation: _Generation) -> None:
        generation.retired = True
        if generation.users == 0:
            self._close_executor(generation)

    def _close_executor(self, generation: _Generation) -> None:
        executor, generation.executor = generation.executor, None
        if executor is not None:
            executor.close()
        store, generation.store = generation.store, None
        if store is not None and store is not self.options.store:
            store.close()


def narrow(report: Report, tag: str | None, exclude: Iterable[str] = ()) -> Report:
    """Return ``report`` cut down to the checks with ``tag`` and without the ids in ``exclude``."""
    excluded = set(exclude)
    checks = [
        result
        for result in report.checks
        if result.id not in excluded and (tag is None or tag in result.tags)
    ]
    return replace(report, checks=checks, status=overall_status(checks, report.error))
