"""``allgreen serve``: waitress in a subprocess, the page fetched, SIGTERM, a clean exit."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("waitress")

from allgreen.server import STOPPED

PASSING = """
from allgreen import check

@check("Always fine", tags=["readiness"])
def fine():
    pass
"""


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen[str], str]]]:
    """Start ``allgreen serve`` on a free port; return the process and the page's URL."""
    processes: list[subprocess.Popen[str]] = []
    config = tmp_path / "allgood.py"
    config.write_text(textwrap.dedent(PASSING))
    env = {key: value for key, value in os.environ.items() if not key.startswith("ALLGREEN_")}

    def start(*options: str) -> tuple[subprocess.Popen[str], str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "allgreen", "serve", str(config), "--port", "0", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        processes.append(process)
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.search(r"allgreen: serving (http://\S+) ", line)
        assert match, (
            f"no start-up line: {line!r} {process.stderr.read() if process.stderr else ''}"
        )
        return process, match.group(1)

    yield start
    for process in processes:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_serve__answers_then_stops_cleanly_on_a_signal(serve, signum):
    process, url = serve()
    assert url.startswith("http://127.0.0.1:") and url.endswith("/healthcheck")
    status, headers, body = fetch(url)
    assert (status, headers["Content-Type"]) == (200, "text/html; charset=utf-8")
    assert b"All good" in body
    assert json.loads(fetch(url + ".json")[2])["checks"][0]["id"] == "fine"
    process.send_signal(signum)
    out, err = process.communicate(timeout=15)
    assert process.returncode == 0, err
    assert out.strip().splitlines()[-1] == STOPPED.format(signal=signum.name)


def test_serve__token_and_environment_reach_the_endpoint(serve):
    process, url = serve("--env", "production", "--token", "s3cret")
    assert json.loads(fetch(url + ".json")[2]) == {"status": "pass"}
    full = json.loads(fetch(url + ".json", {"Authorization": "Bearer s3cret"})[2])
    assert full["environment"] == "production"
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
    assert process.returncode == 0


def test_serve__the_root_redirects_to_the_page(serve):
    process, url = serve()
    status, _, body = fetch(url.removesuffix("/healthcheck") + "/")
    assert (status, b"All good" in body) == (200, True)  # urllib followed the redirect
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=15)
