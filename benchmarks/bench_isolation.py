"""Measure what process isolation costs, in one run: medians over repeated runs.

Run by hand: ``.venv/bin/python benchmarks/bench_isolation.py [--repeat N]``.

1. A fresh run of 20 trivial checks: ``run_config`` with a long-lived
   in-process thread pool versus a long-lived isolated executor (warm
   workers, as the web endpoint keeps one per loaded config), and the same
   for the executors alone. Aim: isolated <= 1.5x the thread pool.
2. 10 checks each sleeping 200 ms, isolated: wall time versus 200 ms.
3. One spinning check with ``timeout=1``, isolated: time until its result.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from allgreen.engine import run_config
from allgreen.execution import CheckCall, Executor, ThreadExecutor
from allgreen.isolation import ProcessExecutor
from allgreen.loader import LoadedConfig, load_config

TRIVIAL = "from allgreen import check\n" + "".join(
    f"@check('trivial {n}')\ndef trivial_{n}():\n    assert {n} == {n}\n" for n in range(20)
)
SLEEPERS = "import time\nfrom allgreen import check\n" + "".join(
    f"@check('sleeper {n}')\ndef sleeper_{n}():\n    time.sleep(0.2)\n" for n in range(10)
)
SPINNER = (
    "from allgreen import check\n"
    "@check('spinner', timeout=1)\ndef spinner():\n    while True:\n        pass\n"
)


def median_seconds(action: Callable[[], object], repeat: int, warmup: int = 3) -> float:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def load(directory: Path, name: str, source: str) -> LoadedConfig:
    path = directory / name / "allgood.py"
    path.parent.mkdir()
    path.write_text(source)
    return load_config(path)


def calls_of(config: LoadedConfig) -> list[CheckCall]:
    return [CheckCall(spec, {}, spec.timeout or 10.0) for spec in config.checks]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200, help="runs per median (default 200)")
    repeat = parser.parse_args().repeat
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        trivial = load(directory, "trivial", TRIVIAL)
        sleepers = load(directory, "sleepers", SLEEPERS)
        spinner = load(directory, "spinner", SPINNER)
        threads: Executor = ThreadExecutor()
        isolated = ProcessExecutor(trivial)
        try:
            calls = calls_of(trivial)
            thread_run = median_seconds(lambda: run_config(trivial, executor=threads), repeat)
            isolated_run = median_seconds(lambda: run_config(trivial, executor=isolated), repeat)
            thread_exec = median_seconds(lambda: threads.run(calls), repeat)
            isolated_exec = median_seconds(lambda: isolated.run(calls), repeat)
        finally:
            threads.close()
            isolated.close()
        with ProcessExecutor(sleepers) as executor:
            sleep_wall = median_seconds(lambda: executor.run(calls_of(sleepers)), 10, warmup=1)
        with ProcessExecutor(spinner) as executor:
            spin_wall = median_seconds(lambda: executor.run(calls_of(spinner)), 5, warmup=1)

    print(f"20 trivial checks, run_config, median of {repeat}:")
    print(f"  in-process thread pool  {thread_run * 1000:7.2f} ms")
    print(f"  isolated (warm pool)    {isolated_run * 1000:7.2f} ms")
    print(f"  ratio isolated/threads  {isolated_run / thread_run:7.2f}x   (aim <= 1.5x)")
    print(f"20 trivial checks, executor.run only, median of {repeat}:")
    print(f"  in-process thread pool  {thread_exec * 1000:7.2f} ms")
    print(f"  isolated (warm pool)    {isolated_exec * 1000:7.2f} ms")
    print(f"  ratio isolated/threads  {isolated_exec / thread_exec:7.2f}x")
    print("10 checks sleeping 200 ms each, isolated, median of 10:")
    print(
        f"  wall time               {sleep_wall * 1000:7.1f} ms   ({sleep_wall / 0.2:.2f}x 200 ms)"
    )
    print("1 spinning check with timeout=1, isolated, median of 5:")
    print(f"  time to result          {spin_wall * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
