"""Eight processes released at once on run="1 time per hour": exactly one runs the check."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

from services import require_service

PROCESSES = 8

# Each worker loads the config, says it is ready, waits for the word, runs once
# and prints what its report said about the check.
WORKER = textwrap.dedent(
    """
    import json, sys
    from allgreen import RunOptions, load_config, run_config

    config = load_config(sys.argv[1])
    print("ready", flush=True)
    sys.stdin.readline()
    report = run_config(config, RunOptions(store=sys.argv[2], app_name="race"))
    check = report.checks[0].to_dict()
    print(json.dumps({key: check[key] for key in ("status", "cached", "skip_reason", "message")}))
    """
)

CONFIG = """
from allgreen import check
import time

@check("Appends one line", run="1 time per hour")
def append():
    with open({log!r}, "a") as log:
        log.write("ran\\n")
    time.sleep(0.2)  # long enough for the others to arrive while it runs
"""


def _outside_an_hour_boundary() -> None:
    """Wait out the last seconds of an hour, so every worker asks within the same window."""
    now = dt.datetime.now(dt.timezone.utc)
    left = 3600 - (now.minute * 60 + now.second)
    if left < 20:
        time.sleep(left + 1)


def race(tmp_path: Path, store_url: str) -> tuple[list[str], list[dict]]:
    """Start the workers, release them together, and return the log lines and their answers."""
    log = tmp_path / "ran.log"
    config = tmp_path / "allgood.py"
    config.write_text(CONFIG.format(log=str(log)), encoding="utf-8")
    _outside_an_hour_boundary()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(config), store_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(PROCESSES)
    ]
    try:
        for worker in workers:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
        for worker in workers:  # the starting gun: all are waiting on stdin
            assert worker.stdin is not None
            worker.stdin.write("go\n")
            worker.stdin.flush()
        answers = []
        for worker in workers:
            out, err = worker.communicate(timeout=60)
            assert worker.returncode == 0, err
            answers.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    return lines, answers


def assert_exactly_one_ran(lines: list[str], answers: list[dict]) -> None:
    assert lines == ["ran"]
    ran = [a for a in answers if a["status"] == "passed" and not a["cached"]]
    assert len(ran) == 1
    # The other seven report the stored result, or that it is still being produced.
    for answer in answers:
        if answer is not ran[0]:
            assert answer["cached"] or (
                answer["status"] == "skipped" and "not recorded yet" in answer["skip_reason"]
            ), answer


def test_race__sqlite_admits_one_of_eight_processes(tmp_path: Path) -> None:
    lines, answers = race(tmp_path, f"sqlite:///{tmp_path / 'state.sqlite3'}")
    assert_exactly_one_ran(lines, answers)


def test_race__redis_admits_one_of_eight_processes(tmp_path: Path) -> None:
    host, port = require_service("redis")
    import redis

    prefix = f"allgreen-test-{uuid.uuid4().hex}:"
    try:
        lines, answers = race(tmp_path, f"redis://{host}:{port}/0?prefix={prefix}")
        assert_exactly_one_ran(lines, answers)
    finally:
        client = redis.Redis(host=host, port=port)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def test_race__a_second_round_reports_the_cached_result(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'state.sqlite3'}"
    race(tmp_path, url)
    lines, answers = race(tmp_path, url)
    assert lines == ["ran"]
    assert all(a["status"] == "passed" and a["cached"] for a in answers)
