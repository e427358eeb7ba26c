"""Measure the endpoint: requests per second and median latency, fresh run vs max_age.

A real server (werkzeug, threaded) on a free port serves a config of 20
trivial checks; 16 client threads fire requests at ``/healthcheck.json``.
Run by hand::

    .venv/bin/python benchmarks/bench_endpoint.py [--requests 800]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import logging
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server

from allgreen.web.flask_app import EXTENSION, create_app

CHECKS = 20
CLIENTS = 16


def write_config(directory: Path) -> Path:
    lines = ["from allgreen import check, expect", ""]
    for index in range(CHECKS):
        lines += [
            f'@check("Trivial check {index}")',
            f"def trivial_{index}():",
            "    expect(1).to_eq(1)",
            "",
        ]
    path = directory / "allgood.py"
    path.write_text("\n".join(lines))
    return path


def fetch(url: str) -> float:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            assert response.status == 200, response.status
    except urllib.error.HTTPError as error:  # pragma: no cover - a failing check is a bug here
        raise SystemExit(f"the benchmark config failed: HTTP {error.code}") from error
    return time.perf_counter() - started


def scenario(config: Path, requests: int, **options: object) -> tuple[float, float, int]:
    """Return requests/s, median latency (ms) and how many runs happened."""
    app = create_app(config, environment="production", **options)
    service = app.extensions[EXTENSION].service
    runs = 0
    original = service._run

    def counting_run(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        nonlocal runs
        runs += 1
        return original(*args, **kwargs)

    service._run = counting_run  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/healthcheck.json"
    try:
        fetch(url)  # warm up: imports, first run
        runs = 0
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(CLIENTS) as pool:
            latencies = list(pool.map(fetch, [url] * requests))
        elapsed = time.perf_counter() - started
    finally:
        server.shutdown()
        server.server_close()
        service.close()
    return requests / elapsed, statistics.median(latencies) * 1000, runs


def in_process(config: Path, repeat: int = 200, **options: object) -> float:
    """Return the median time (ms) of ``HealthService.report()`` alone, without HTTP."""
    from allgreen.service import HealthService

    with HealthService(config, environment="production", **options) as service:
        service.report()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            service.report()
            times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        config = write_config(Path(directory))
        fresh = scenario(config, args.requests)
        cached = scenario(config, args.requests, max_age=60)
        run_ms, cached_ms = in_process(config), in_process(config, max_age=60)
    print(f"{CHECKS} trivial checks, {CLIENTS} concurrent clients, {args.requests} requests each")
    print(f"{'scenario':<22}{'req/s':>10}{'median ms':>12}{'runs':>8}")
    for name, (rate, median, runs) in (("fresh run (max_age=0)", fresh), ("max_age=60", cached)):
        print(f"{name:<22}{rate:>10.0f}{median:>12.2f}{runs:>8}")
    print(f"HealthService.report() alone, median: run {run_ms:.3f} ms, max_age {cached_ms:.4f} ms")
    ratio, latency = cached[0] / fresh[0], fresh[1] / cached[1]
    print(f"max_age / fresh: {ratio:.2f}x requests/s, {latency:.2f}x lower median latency")


if __name__ == "__main__":
    main()
