"""One ``pytest --allgreen`` session: collection, results, the report files.

Imported only when ``--allgreen`` is given, so that a project's ordinary test
runs do not pay for loading allgreen.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from pathlib import Path

import pytest
from _pytest.pathlib import fnmatch_ex

from allgreen.execution import default_executor
from allgreen.loader import CANDIDATES, find_config
from allgreen.outcome import CheckOutcome, Status
from allgreen.report import CheckResult, Report, utc_now
from allgreen.scheduling import Scheduler
from pytest_allgreen.collect import AllgoodFile, CheckItem
from pytest_allgreen.keys import EXECUTOR_KEY, SETTINGS_KEY
from pytest_allgreen.settings import Settings

NOTHING_TO_RUN = "--allgreen: no {candidates} under {root}; pass the path of your config"


_LETTERS_AND_WORDS = {
    "passed": (".", "PASSED"),
    "failed": ("F", "FAILED"),
    "error": ("E", "ERROR"),
    "skipped": ("s", "SKIPPED"),
}


def _skip_reason(report: pytest.TestReport) -> str | None:
    if isinstance(report.longrepr, tuple):
        return str(report.longrepr[2]).removeprefix("Skipped: ")
    return None


class AllgreenSession:
    """State of one ``pytest --allgreen`` session."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.settings = Settings.from_config(config)
        config.stash[SETTINGS_KEY] = self.settings
        # No config: items run one at a time, each forked from this process so
        # that it inherits pytest's fixture values and assertion settings (-v).
        config.stash[EXECUTOR_KEY] = default_executor()
        self.results: dict[str, CheckResult] = {}
        self.order: list[str] = []
        self.config_errors: list[str] = []
        self.schedulers: dict[Path, Scheduler] = {}
        self.started_at = utc_now()
        self.started = time.perf_counter()
        self.discovered = self._discover(config)

    def _discover(self, config: pytest.Config) -> set[Path]:
        """Find the config to run when no path was given on the command line."""
        if config.args_source == pytest.Config.ArgsSource.ARGS:
            return set()
        root = config.rootpath
        found = find_config(root)
        if found is None:
            raise pytest.UsageError(
                NOTHING_TO_RUN.format(candidates=" or ".join(CANDIDATES), root=root)
            )
        # Only the health checks run: `pytest --allgreen` is a health check, not a test run.
        config.args = [str(found)]
        return {found.resolve()}

    def close(self) -> None:
        self.config.stash[EXECUTOR_KEY].close()
        for scheduler in self.schedulers.values():
            scheduler.close()

    def scheduler_for(self, config_path: Path) -> Scheduler:
        """Return the rate limits and store of the config at ``config_path``, opened once."""
        scheduler = self.schedulers.get(config_path)
        if scheduler is None:
            scheduler = self.schedulers[config_path] = Scheduler.open(
                self.settings.store,
                config_path=config_path,
                app_name=None,
                environment=self.settings.environment,
                fresh=self.settings.fresh,
                source=self.settings.store_source,
            )
        return scheduler

    # -- collection --------------------------------------------------------

    def _is_config(self, path: Path, session: pytest.Session) -> bool:
        if path.resolve() in self.discovered:
            return True
        if session.isinitpath(path):
            # A file named on the command line is a config unless it looks like a test module.
            looks_like_tests = any(
                fnmatch_ex(pattern, path) for pattern in self.config.getini("python_files")
            )
            return path.suffix == ".py" and path.name != "conftest.py" and not looks_like_tests
        # A directory on the command line: its allgood.py, else its config/allgood.py.
        for directory in (path.parent, path.parent.parent):
            found = find_config(directory) if session.isinitpath(directory) else None
            if found is not None and found.resolve() == path.resolve():
                return True
        return False

    @pytest.hookimpl(tryfirst=True)
    def pytest_pycollect_makemodule(
        self, module_path: Path, parent: pytest.Collector
    ) -> pytest.Module | None:
        if self._is_config(module_path, parent.session):
            return AllgoodFile.from_parent(parent, path=module_path)
        return None

    def pytest_collect_file(
        self, file_path: Path, parent: pytest.Collector
    ) -> pytest.Collector | None:
        # Files that pytest's python plugin passes over (they do not look like tests).
        if file_path.name == "allgood.py" and not parent.session.isinitpath(file_path):
            if self._is_config(file_path, parent.session):
                return AllgoodFile.from_parent(parent, path=file_path)
        return None

    def pytest_collectreport(self, report: pytest.CollectReport) -> None:
        if report.failed and report.fspath.endswith(".py"):
            self.config_errors.append(str(report.longrepr))

    def pytest_collection_modifyitems(self, items: list[pytest.Item]) -> None:
        self.order = [item.nodeid for item in items if isinstance(item, CheckItem)]

    # -- running -----------------------------------------------------------

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, pytest.TestReport, pytest.TestReport]:
        if isinstance(item, CheckItem) and call.when == "teardown":
            result = self.results.get(item.nodeid)
            if result is not None:
                # junitxml reads the properties from the teardown report.
                item.user_properties.extend(junit_properties(result))
        report = yield
        if isinstance(item, CheckItem):
            if report.skipped and isinstance(report.longrepr, tuple):
                # Point "SKIPPED" lines at the check in allgood.py, not at allgreen.
                report.longrepr = (str(item.path), item.spec.lineno, report.longrepr[2])
            self._record(item, report)
        return report

    def _record(self, item: CheckItem, report: pytest.TestReport) -> None:
        status: Status | None = None
        outcome = item.outcome or CheckOutcome("passed")
        if report.when == "setup" and report.skipped:
            status, outcome = "skipped", CheckOutcome("skipped", skip_reason=_skip_reason(report))
        elif report.when == "setup" and report.failed:
            message = report.longreprtext.strip().splitlines()[-1:] or ["setup failed"]
            status, outcome = (
                "error",
                CheckOutcome("error", message=message[0], detail=report.longreprtext),
            )
        elif report.when == "call":
            status = outcome.status if not report.skipped else "skipped"
            if report.skipped and outcome.status != "skipped":
                outcome = CheckOutcome("skipped", skip_reason=_skip_reason(report))
        if status is None:
            return
        outcome.status = status
        report.allgreen_status = status  # type: ignore[attr-defined]
        scheduler = self.scheduler_for(item.path)
        result = scheduler.result_for(item.spec, outcome, item.decision)
        scheduler.finish([(item.spec, result, item.decision)])
        report.allgreen_cached = result.cached  # type: ignore[attr-defined]
        self.results[item.nodeid] = result

    def pytest_report_teststatus(self, report: pytest.TestReport) -> tuple[str, str, str] | None:
        status = getattr(report, "allgreen_status", None)
        if status is None or report.when != "call":
            return None
        letter, word = _LETTERS_AND_WORDS[status]
        if getattr(report, "allgreen_cached", False):
            return status, letter, f"{word} (cached)"
        if status == "error":
            return "error", "E", "ERROR"
        return None

    # -- the report ----------------------------------------------------------

    def report(self) -> Report:
        """Return the report of the checks run so far, in declaration order."""
        results = [self.results[nodeid] for nodeid in self.order if nodeid in self.results]
        return Report.build(
            results,
            environment=self.settings.environment,
            started_at=self.started_at,
            duration=time.perf_counter() - self.started,
            error="\n".join(self.config_errors) or None,
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        json_path, html_path = self.settings.json_path, self.settings.html_path
        if json_path is None and html_path is None:
            return
        report = self.report()
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(report.to_json(), encoding="utf-8")
        if html_path is not None:
            html_path.parent.mkdir(parents=True, exist_ok=True)
            html_path.write_text(static_dashboard(report), encoding="utf-8")

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        for path in (self.settings.json_path, self.settings.html_path):
            if path is not None:
                terminalreporter.write_sep("-", f"allgreen report: {path}")


def static_dashboard(report: Report) -> str:
    """Return the dashboard of a CI run as one static page: details shown, no links, no refresh."""
    # The CI log already shows every failure in full; the artifact shows the same.
    # Imported here: Jinja2 is only needed for --allgreen-html, and this plugin
    # loads in every pytest session of a project that has allgreen installed.
    from allgreen.web.dashboard import render_dashboard
    from allgreen.web.security import masked as mask_report

    return render_dashboard(
        mask_report(report), base_path=None, refresh_seconds=0, details=True, full=True
    )


def junit_properties(result: CheckResult) -> list[tuple[str, object]]:
    """Return the ``<property>`` pairs of one check in the JUnit file."""
    return [
        ("status", result.status),
        ("duration_ms", result.duration_ms),
        ("cached", str(result.cached).lower()),
        ("critical", str(result.critical).lower()),
        ("tags", ",".join(result.tags)),
    ]
