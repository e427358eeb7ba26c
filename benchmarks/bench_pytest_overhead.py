"""Wall time of `pytest --allgreen` on 100 trivial checks vs plain pytest on 100 trivial tests.

Run by hand: python benchmarks/bench_pytest_overhead.py [--repeat 9]
Both commands run alternately in one process tree, so the machine's noise hits
both; the figure to quote is the ratio of the medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = 100


def write_files(directory: Path) -> None:
    checks = ["from allgreen import check, expect", ""]
    tests = []
    for i in range(N):
        checks += [f'@check("trivial {i}")', f"def check_{i}():", f"    expect({i}).to_eq({i})", ""]
        tests += [f"def test_{i}():", f"    assert {i} == {i}", ""]
    (directory / "allgood.py").write_text("\n".join(checks))
    (directory / "test_trivial.py").write_text("\n".join(tests))
    (directory / "pytest.ini").write_text("[pytest]\n")


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_files(directory)
        allgreen_cmd = [*pytest, "--allgreen", "allgood.py"]
        plain_cmd = [*pytest, "test_trivial.py"]
        timed(allgreen_cmd, directory), timed(plain_cmd, directory)  # warm caches
        checks, tests = [], []
        for _ in range(args.repeat):
            checks.append(timed(allgreen_cmd, directory))
            tests.append(timed(plain_cmd, directory))
    allgreen_median, plain_median = statistics.median(checks), statistics.median(tests)
    print(f"runs per command:               {args.repeat}")
    print(f"pytest --allgreen, {N} checks:    median {allgreen_median * 1000:7.1f} ms")
    print(f"plain pytest, {N} tests:          median {plain_median * 1000:7.1f} ms")
    print(f"ratio allgreen / plain:         {allgreen_median / plain_median:.2f}x")


if __name__ == "__main__":
    main()
