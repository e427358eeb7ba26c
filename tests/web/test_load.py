"""A flood of requests on a real server never multiplies the runs of the checks."""

from __future__ import annotations

import concurrent.futures
import time
import urllib.error
import urllib.request

CLIENTS = 50
REQUESTS = 200


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        error.read()
        return error.code


def test_flood__200_requests_from_50_clients_share_runs(
    make_app, write_config, live_server, tmp_path
):
    runs = tmp_path / "runs.txt"
    path = write_config(
        f"""
        import time
        from allgreen import check

        @check("Slow dependency")
        def slow():
            time.sleep(0.5)
            with open({str(runs)!r}, "a") as f:
                f.write("run\\n")
        """
    )
    url = live_server(make_app(path, environment="production")) + "/healthcheck.json"
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(CLIENTS) as clients:
        codes = list(clients.map(fetch, [url] * REQUESTS))
    elapsed = time.monotonic() - started
    count = len(runs.read_text().splitlines())
    assert set(codes) <= {200, 503} and len(codes) == REQUESTS
    assert codes.count(200) == REQUESTS  # the check passes: nobody saw a spurious failure
    assert 1 <= count <= 2 * elapsed, f"{count} runs in {elapsed:.2f} s"
