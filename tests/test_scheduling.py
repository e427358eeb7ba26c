"""Rate limits through a whole run: time travel across windows, cached results, history."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from allgreen.engine import RunOptions, run_config
from allgreen.loader import LoadedConfig, load_config
from allgreen.ratelimit import RateLimit
from allgreen.report import Report
from allgreen.scheduling import NOT_RECORDED_YET, STORE_UNAVAILABLE, Scheduler
from allgreen.store import HISTORY_LENGTH, MemoryStore, SQLiteStore, namespace

UTC = dt.timezone.utc

CONFIG = """
from pathlib import Path
from allgreen import check

CALLS = Path(__file__).with_name("calls.log")
OUTCOME = Path(__file__).with_name("outcome.txt")

@check("Expensive export", run={run!r}, critical={critical!r})
def export():
    with CALLS.open("a") as calls:
        calls.write("call\\n")
    wanted = OUTCOME.read_text() if OUTCOME.exists() else "pass"
    assert wanted == "pass", "the export is missing"

@check("Cheap ping")
def ping():
    pass
"""


class Runs:
    """A config with one limited check whose outcome a test can switch."""

    def __init__(self, path: Path, store: object) -> None:
        self.path = path
        self.config: LoadedConfig = load_config(path)
        self.store = store

    @property
    def calls(self) -> int:
        log = self.path.with_name("calls.log")
        return len(log.read_text().splitlines()) if log.exists() else 0

    def make(self, outcome: str) -> None:
        self.path.with_name("outcome.txt").write_text(outcome)

    def run(self, **options: object) -> Report:
        return run_config(self.config, RunOptions(store=self.store, **options))  # type: ignore[arg-type]


@pytest.fixture
def runs(allgood):
    def make(run: str, *, critical: bool = True, store: object = None) -> Runs:
        path = allgood(CONFIG.format(run=run, critical=critical))
        return Runs(path, store if store is not None else MemoryStore())

    return make


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_cached__a_limited_check_shows_its_last_result_until_its_next_window(
    runs, time_machine
) -> None:
    checks = runs("2 times per hour")
    time_machine.move_to(at("2024-06-05 10:00:00"), tick=False)
    first = checks.run().checks[0]
    time_machine.move_to(at("2024-06-05 10:10:00"), tick=False)
    second = checks.run().checks[0]
    time_machine.move_to(at("2024-06-05 10:59:59"), tick=False)
    cached = checks.run().checks[0]

    assert checks.calls == 2
    assert (first.status, first.cached, first.last_run_at) == (
        "passed",
        False,
        "2024-06-05T10:00:00.000Z",
    )
    # One run left in the hour: it may run at the next request.
    assert first.next_run_at == "2024-06-05T10:00:00.000Z"
    assert (second.cached, second.next_run_at) == (False, "2024-06-05T11:00:00.000Z")
    assert (cached.status, cached.cached) == ("passed", True)
    assert cached.last_run_at == "2024-06-05T10:10:00.000Z"
    assert cached.next_run_at == "2024-06-05T11:00:00.000Z"

    time_machine.move_to(at("2024-06-05 11:00:00"), tick=False)
    assert checks.run().checks[0].cached is False
    assert checks.calls == 3


@pytest.mark.parametrize(
    ("run", "first", "same_window", "next_window"),
    [
        (
            "once per minute",
            "2024-06-05 10:15:00",
            "2024-06-05 10:15:59.999",
            "2024-06-05 10:16:00",
        ),
        ("once per hour", "2024-06-05 10:00:00", "2024-06-05 10:59:59", "2024-06-05 11:00:00"),
        ("once per day", "2024-06-05 00:00:00", "2024-06-05 23:59:59", "2024-06-06 00:00:00"),
        # Wednesday to Sunday night is one week; Monday starts the next.
        ("once per week", "2024-06-05 09:00:00", "2024-06-09 23:59:59", "2024-06-10 00:00:00"),
        ("once per day", "2024-12-31 12:00:00", "2024-12-31 23:59:59", "2025-01-01 00:00:00"),
        ("once per minute", "2024-12-31 23:59:00", "2024-12-31 23:59:59", "2025-01-01 00:00:00"),
        # The week of Monday 2024-12-30 runs into 2025: the new year is not a new week.
        ("once per week", "2024-12-30 00:00:00", "2025-01-05 23:59:59", "2025-01-06 00:00:00"),
    ],
)
def test_windows__a_new_calendar_period_allows_a_new_run(
    runs, time_machine, run: str, first: str, same_window: str, next_window: str
) -> None:
    checks = runs(run)
    time_machine.move_to(at(first), tick=False)
    assert checks.run().checks[0].cached is False
    time_machine.move_to(at(same_window), tick=False)
    cached = checks.run().checks[0]
    assert cached.cached is True
    assert cached.next_run_at == at(next_window).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z"
    )
    time_machine.move_to(at(next_window), tick=False)
    assert checks.run().checks[0].cached is False
    assert checks.calls == 2


def test_cached_failure__keeps_the_page_red_until_its_next_slot(runs, time_machine) -> None:
    checks = runs("once per day")
    checks.make("fail")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    assert checks.run().status == "fail"
    checks.make("pass")  # fixed, but the limit says wait for tomorrow
    time_machine.move_to(at("2024-06-05 20:00:00"), tick=False)
    report = checks.run()
    export = report.checks[0]
    assert (report.status, report.http_status) == ("fail", 503)
    assert (export.status, export.cached, export.message) == (
        "failed",
        True,
        "the export is missing",
    )
    assert "the export is missing" in (export.detail or "")

    time_machine.move_to(at("2024-06-06 00:00:01"), tick=False)
    report = checks.run()
    assert (report.status, report.checks[0].status, report.checks[0].cached) == (
        "pass",
        "passed",
        False,
    )


def test_cached_failure__of_a_non_critical_check_is_a_warning(runs, time_machine) -> None:
    checks = runs("once per hour", critical=False)
    checks.make("fail")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    checks.run()
    report = checks.run()
    assert report.checks[0].cached
    assert (report.status, report.http_status) == ("warn", 200)


def test_fresh__ignores_limits_and_still_records(runs, time_machine) -> None:
    checks = runs("once per day")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    checks.run()
    checks.make("fail")
    fresh = checks.run(fresh=True).checks[0]
    assert (fresh.status, fresh.cached) == ("failed", False)
    assert checks.calls == 2
    # The next ordinary request shows the fresh result, cached.
    cached = checks.run().checks[0]
    assert (cached.status, cached.cached) == ("failed", True)


def test_conditions__a_skipped_check_does_not_use_a_run(allgood, time_machine) -> None:
    path = allgood(
        "from allgreen import check\n\n"
        "@check('prod only', run='once per day', only='production')\n"
        "def prod():\n    pass\n"
    )
    config, store = load_config(path), MemoryStore()
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    skipped = run_config(config, RunOptions(store=store, environment="staging")).checks[0]
    assert (skipped.status, skipped.cached) == ("skipped", False)
    ran = run_config(config, RunOptions(store=store, environment="production")).checks[0]
    assert (ran.status, ran.cached) == ("passed", False)


def test_namespaces__apps_and_environments_count_apart(runs, time_machine) -> None:
    checks = runs("once per day")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    for app, env in [("shop", "production"), ("shop", "staging"), ("blog", "production")]:
        assert not checks.run(app_name=app, environment=env).checks[0].cached
    assert checks.run(app_name="shop", environment="production").checks[0].cached
    assert checks.calls == 3


def test_history__holds_the_last_50_runs_oldest_first(runs, time_machine) -> None:
    checks = runs("1000 times per hour")
    start = at("2024-06-05 08:00:00")
    for minute in range(HISTORY_LENGTH + 5):
        time_machine.move_to(start + dt.timedelta(minutes=minute), tick=False)
        checks.make("fail" if minute % 2 else "pass")
        report = checks.run()
    history = report.checks[0].history
    assert len(history) == HISTORY_LENGTH
    assert history[0]["started_at"] == "2024-06-05T08:05:00.000Z"
    assert history[-1]["started_at"] == "2024-06-05T08:54:00.000Z"
    assert [h["status"] for h in history[-2:]] == ["failed", "passed"]
    assert history[-2]["message"] == "the export is missing"
    assert set(history[0]) == {"status", "started_at", "duration_ms", "message"}
    # Checks without run= get a history too, and the store API gives the same list.
    assert len(report.checks[1].history) == HISTORY_LENGTH
    assert checks.store.history(namespace(None, "development"), "export") == history


def test_history__cached_reports_add_nothing(runs, time_machine) -> None:
    checks = runs("once per day")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    for _ in range(3):
        report = checks.run()
    assert len(report.checks[0].history) == 1
    assert len(report.checks[1].history) == 3


def test_pending__runs_used_elsewhere_without_a_result_are_a_skip_not_a_failure(
    runs, time_machine
) -> None:
    checks = runs("once per hour")
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    # Another process took the hour's run and has not saved its result yet.
    checks.store.admit(
        namespace(None, "development"), "export", RateLimit(1, "hour"), at("2024-06-05 08:00")
    )
    report = checks.run()
    export = report.checks[0]
    assert export.status == "skipped"
    assert export.skip_reason == NOT_RECORDED_YET.format(
        used=1, limit="1 time per hour", period="hour", next_run="2024-06-05T09:00:00.000Z"
    )
    assert report.status == "pass"
    assert checks.calls == 0


def test_store_error__limited_checks_error_and_the_others_still_run(runs, caplog) -> None:
    checks = runs("once per hour", store="bogus://nowhere")
    report = checks.run()
    export, ping = report.checks
    assert export.status == "error"
    assert export.message is not None
    assert export.message.startswith(STORE_UNAVAILABLE.split("{")[0])
    assert "unknown allgreen store 'bogus://nowhere' (from store=)" in export.message
    assert ping.status == "passed"
    assert checks.calls == 0


def test_default_store__is_a_sqlite_file_beside_the_config(runs, monkeypatch, time_machine) -> None:
    monkeypatch.delenv("ALLGREEN_STORE", raising=False)
    checks = runs("once per day")
    checks.store = None
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    checks.run()
    assert checks.run().checks[0].cached
    state = checks.path.with_name(".allgreen")
    assert (state / "state.sqlite3").is_file()
    assert (state / ".gitignore").read_text().splitlines()[-1] == "*"
    # Another process (here: another store object) sees the same state.
    with SQLiteStore(state / "state.sqlite3") as store:
        assert store.last_result(namespace(None, "development"), "export")["status"] == "passed"


def test_default_store__follows_allgreen_store(runs, monkeypatch, tmp_path, time_machine) -> None:
    target = tmp_path / "elsewhere" / "state.sqlite3"
    monkeypatch.setenv("ALLGREEN_STORE", f"sqlite:///{target}")
    checks = runs("once per day")
    checks.store = None
    time_machine.move_to(at("2024-06-05 08:00:00"), tick=False)
    checks.run()
    assert target.is_file()
    assert not checks.path.with_name(".allgreen").exists()


def test_scheduler__uses_an_injected_clock() -> None:
    moments = iter([at("2024-06-05 10:00"), at("2024-06-05 10:30"), at("2024-06-05 11:00")])
    scheduler = Scheduler(MemoryStore(), "app:env", clock=lambda: next(moments))

    class Spec:
        id = "x"
        rate_limit = RateLimit(1, "hour")

    decisions = [scheduler.decide(Spec()) for _ in range(3)]  # type: ignore[arg-type]
    assert [d.run for d in decisions] == [True, False, True]
