"""Measure what built-in checks cost when run as checks: passing, and failing with detail.

Run by hand: ``.venv/bin/python benchmarks/checks_latency.py`` (needs the local
PostgreSQL, Redis and RabbitMQ). Prints the median of N runs per case, and the
ratio of rendering a refused connection with and without the driver's frames.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from allgreen import checks
from allgreen.checks import redis as redis_module
from allgreen.dsl import CheckSpec
from allgreen.outcome import call_check

RUNS = 15


def median_ms(func: Callable[[], Any]) -> tuple[float, str]:
    spec = CheckSpec(id="bench", description="bench", func=func, path=__file__, lineno=1)
    call_check(spec)  # warm up imports and connections' first-use costs
    samples, status = [], ""
    for _ in range(RUNS):
        started = time.perf_counter()
        status = call_check(spec).status
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples), status


CASES: dict[str, Callable[[], Any]] = {
    "disk_usage_below": lambda: checks.disk_usage_below(100),
    "tcp_accepts (redis port)": lambda: checks.tcp_accepts("127.0.0.1", 6379),
    "sql_query postgresql": lambda: checks.sql_query("postgresql://postgres@127.0.0.1/test"),
    "sql_query mariadb": lambda: checks.sql_query("mysql://root@127.0.0.1/test"),
    "redis_ping round_trip": lambda: checks.redis_ping(round_trip=True),
    "amqp_connects": lambda: checks.amqp_connects(),
    "redis_ping refused (error)": lambda: checks.redis_ping("redis://127.0.0.1:1/0"),
}


def main() -> None:
    for name, func in CASES.items():
        ms, status = median_ms(func)
        print(f"{name:32} {status:7} median {ms:8.2f} ms over {RUNS} runs")
    quiet_ms, _ = median_ms(CASES["redis_ping refused (error)"])
    original = redis_module.quiet
    redis_module.quiet = lambda exc: exc  # keep the driver's frames, as a plain `from exc` would
    try:
        loud_ms, _ = median_ms(CASES["redis_ping refused (error)"])
    finally:
        redis_module.quiet = original
    print(
        f"refused Redis, failure detail: {quiet_ms:.2f} ms without driver frames, "
        f"{loud_ms:.2f} ms with them (x{loud_ms / quiet_ms:.0f})"
    )


if __name__ == "__main__":
    main()
