"""Measure what the store adds to a run: admission alone, and a run of 20 trivial checks.

Run by hand: ``python benchmarks/store_overhead.py [--redis redis://127.0.0.1:6379/0]``.
Prints medians in milliseconds and each store's ratio to the in-memory store,
all measured in this one run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from allgreen.engine import RunOptions, run_config
from allgreen.execution import ThreadExecutor
from allgreen.loader import load_config
from allgreen.ratelimit import RateLimit
from allgreen.store import MemoryStore, SQLiteStore, Store, open_store

CHECKS = 20
CONFIG = "from allgreen import check\n" + "".join(
    f"\n@check('trivial {i}', run='1000 times per minute')\ndef c{i}():\n    pass\n"
    for i in range(CHECKS)
)


def median_ms(action: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--redis", help="also measure a Redis store at this URL")
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        config_path = Path(tmp) / "allgood.py"
        config_path.write_text(CONFIG)
        config = load_config(config_path)
        stores: dict[str, Store] = {
            "memory": MemoryStore(),
            "sqlite": SQLiteStore(Path(tmp) / "state.sqlite3"),
        }
        if args.redis:
            stores["redis"] = open_store(f"{args.redis}?prefix=allgreen-bench-{uuid.uuid4().hex}:")
        limit = RateLimit(1000, "minute")
        executor = ThreadExecutor()
        print(f"{'store':<8} {'admit (ms)':>11} {'run of 20 (ms)':>15} {'ratio to memory':>16}")
        baseline = None
        for name, store in stores.items():
            i = iter(range(10**9))

            def admit(store: Store = store, i: object = i) -> object:
                now = dt.datetime.now(dt.timezone.utc)
                return store.admit("bench:x", f"c{next(i)}", limit, now)  # type: ignore[call-overload]

            def run(store: Store = store) -> object:
                return run_config(config, RunOptions(store=store), executor=executor)

            run()  # warm up: schema, connections, imports
            admit_ms = median_ms(admit, args.repeat)
            run_ms = median_ms(run, max(20, args.repeat // 4))
            baseline = baseline or run_ms
            print(f"{name:<8} {admit_ms:>11.3f} {run_ms:>15.3f} {run_ms / baseline:>16.2f}")
        executor.close()
        if "redis" in stores:  # leave the server as it was
            client = stores["redis"].client  # type: ignore[attr-defined]
            for key in client.scan_iter(match=f"{stores['redis'].prefix}*"):  # type: ignore[attr-defined]
                client.delete(key)
        for store in stores.values():
            store.close()


if __name__ == "__main__":
    main()
