"""HealthService: single flight, max_age, refresh_every, reloading and broken configs."""

from __future__ import annotations

import os
import textwrap
import threading
import time
from pathlib import Path

import pytest

from allgreen import execution, service
from allgreen.service import BAD_MAX_AGE, BAD_REFRESH_EVERY, HealthService


def counting_config(tmp_path: Path, *, sleep: float = 0.0, extra: str = "") -> Path:
    """Write a config whose check sleeps and appends a line to runs.txt each time it runs."""
    runs = tmp_path / "runs.txt"
    source = f"""
    import time
    from allgreen import check

    @check("Counts its runs", tags=["readiness"])
    def counted():
        time.sleep({sleep})
        with open({str(runs)!r}, "a") as f:
            f.write("run\\n")

    @check("Another")
    def other():
        pass
    {extra}
    """
    path = tmp_path / "allgood.py"
    path.write_text(textwrap.dedent(source))
    return path


def runs(tmp_path: Path) -> int:
    path = tmp_path / "runs.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def touch_later(path: Path, source: str) -> None:
    """Rewrite ``path`` and move its mtime forward, so even a coarse clock sees the change."""
    stat = path.stat()
    path.write_text(textwrap.dedent(source))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_report__runs_the_config(tmp_path):
    with HealthService(counting_config(tmp_path), app_name="shop") as health:
        report = health.report()
    assert report.status == "pass" and report.app_name == "shop"
    assert [r.id for r in report.checks] == ["counted", "other"]
    assert runs(tmp_path) == 1


def test_report__selects_a_tag_and_excludes_ids(tmp_path):
    with HealthService(counting_config(tmp_path)) as health:
        assert [r.id for r in health.report(tag="readiness").checks] == ["counted"]
        assert [r.id for r in health.report(exclude=["counted"]).checks] == ["other"]
        assert health.tags() == {"readiness"}


def test_concurrent_callers__share_one_run(tmp_path):
    path = counting_config(tmp_path, sleep=0.3)
    with HealthService(path) as health:
        barrier = threading.Barrier(12)
        reports = []

        def call():
            barrier.wait()
            reports.append(health.report())

        threads = [threading.Thread(target=call) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert runs(tmp_path) == 1
    assert len({id(report) for report in reports}) == 1


def test_max_age__serves_the_last_report_until_it_is_older(tmp_path):
    clock = FakeClock()
    with HealthService(counting_config(tmp_path), max_age=30, clock=clock) as health:
        first = health.report()
        clock.now += 29
        assert health.report() is first
        assert health.report(tag="readiness").checks[0].id == "counted"  # cut from the full one
        assert runs(tmp_path) == 1
        clock.now += 2
        assert health.report() is not first
        assert runs(tmp_path) == 2


def test_no_max_age__runs_for_each_caller_in_turn(tmp_path):
    with HealthService(counting_config(tmp_path)) as health:
        health.report()
        health.report()
    assert runs(tmp_path) == 2


def test_refresh_every__keeps_a_report_ready_in_the_background(tmp_path):
    with HealthService(counting_config(tmp_path, sleep=0.05), refresh_every=0.1) as health:
        deadline = time.monotonic() + 5
        while runs(tmp_path) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        before = runs(tmp_path)
        started = time.perf_counter()
        report = health.report()
        served_in = time.perf_counter() - started
    assert before >= 3, "the background thread did not keep running the checks"
    assert report.status == "pass"
    assert served_in < 0.05, "a request waited for a run although one was kept ready"


def test_close__stops_the_background_refresh(tmp_path):
    health = HealthService(counting_config(tmp_path), refresh_every=0.05)
    time.sleep(0.1)
    health.close()
    settled = runs(tmp_path)
    time.sleep(0.2)
    assert runs(tmp_path) == settled


def test_broken_config__gives_a_failed_report_never_an_exception(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text("from allgreen import check\n\n@check('x', colour='red')\ndef x():\n    pass\n")
    with HealthService(path) as health:
        report = health.report()
        assert health.tags() is None
    assert report.status == "fail" and report.checks == []
    assert "unknown option 'colour'" in report.error and "allgood.py:3" in report.error


def test_broken_config__masks_a_password_in_the_error(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text('raise RuntimeError("no route to postgresql://user:secret@host/db")\n')
    with HealthService(path) as health:
        error = health.report().error
    assert "secret" not in error and "postgresql://user:***@host/db" in error


def test_development__reloads_the_config_when_the_file_changes(tmp_path):
    path = counting_config(tmp_path)
    with HealthService(path, environment="development") as health:
        assert len(health.report().checks) == 2
        touch_later(path, 'from allgreen import check\n\n@check("New")\ndef new():\n    pass\n')
        assert [r.id for r in health.report().checks] == ["new"]


def test_production__keeps_the_loaded_config(tmp_path):
    path = counting_config(tmp_path)
    with HealthService(path, environment="production") as health:
        health.report()
        touch_later(path, 'from allgreen import check\n\n@check("New")\ndef new():\n    pass\n')
        assert [r.id for r in health.report().checks] == ["counted", "other"]


def test_broken_config__is_loaded_again_once_fixed_in_any_environment(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text("def broken(:\n")
    with HealthService(path, environment="production") as health:
        assert health.report().status == "fail"
        touch_later(path, 'from allgreen import check\n\n@check("Fixed")\ndef fixed():\n    pass\n')
        assert health.report().status == "pass"


def test_reload__closes_the_old_executor(tmp_path, monkeypatch):
    made = []

    def recording_executor(config=None):
        executor = execution.ThreadExecutor(2)
        made.append(executor)
        return executor

    monkeypatch.setattr(service, "default_executor", recording_executor)
    path = counting_config(tmp_path)
    with HealthService(path, environment="development") as health:
        health.report()
        touch_later(path, 'from allgreen import check\n\n@check("New")\ndef new():\n    pass\n')
        health.report()
        assert len(made) == 2
        assert made[0]._pool._shutdown and not made[1]._pool._shutdown
    assert made[1]._pool._shutdown


@pytest.mark.parametrize(
    ("option", "value", "template"),
    [
        ("max_age", -1, BAD_MAX_AGE),
        ("max_age", "10", BAD_MAX_AGE),
        ("refresh_every", 0, BAD_REFRESH_EVERY),
    ],
)
def test_bad_option__is_an_error_naming_the_value(tmp_path, option, value, template):
    with pytest.raises(ValueError) as excinfo:
        HealthService(counting_config(tmp_path), **{option: value})
    assert str(excinfo.value) == template.format(value=value)


def test_store__outlives_a_run_so_rate_limits_hold_across_requests(tmp_path):
    path = tmp_path / "allgood.py"
    path.write_text(
        "from allgreen import check\n"
        "@check('hourly', run='1 time per hour')\ndef hourly():\n    pass\n"
    )
    with HealthService(path, store="memory://") as service:
        first, second = service.report(), service.report()
    assert (first.checks[0].cached, second.checks[0].cached) == (False, True)
    assert [entry["status"] for entry in second.checks[0].history] == ["passed"]


def test_store__given_as_an_object_is_not_closed_by_the_service(tmp_path):
    from allgreen.store.memory import MemoryStore

    class CountingStore(MemoryStore):
        closed = 0

        def close(self) -> None:
            CountingStore.closed += 1

    path = counting_config(tmp_path)
    store = CountingStore()
    with HealthService(path, store=store) as service:
        service.report()
    assert CountingStore.closed == 0
