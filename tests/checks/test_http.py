"""http_status against a local HTTP server on a free port."""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from allgreen import checks
from allgreen.checks.http import TOO_SLOW, WRONG_STATUS

SECRET = "pa55-w0rd"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if self.path == "/slow":
            time.sleep(0.4)
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif self.path == "/private":
            token = base64.b64encode(f"ops:{SECRET}".encode()).decode()
            ok = self.headers.get("Authorization") == f"Basic {token}"
            self.send_response(200 if ok else 401)
        elif self.path in ("/ok", "/slow"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"hi")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    thread.join()
    httpd.server_close()


def test_http_status__passes_and_observes_the_response_time(server: str, run_check) -> None:
    ran = run_check(checks.http_status, f"{server}/ok", within=2)
    assert ran.status == "passed"
    assert 0 < ran.outcome.observed_value < 2000
    assert ran.result.observed_unit == "ms"


def test_http_status__wrong_status_fails(server: str, run_check) -> None:
    ran = run_check(checks.http_status, f"{server}/missing")
    assert ran.status == "failed"
    assert ran.message == WRONG_STATUS.format(
        method="GET", url=f"{server}/missing", status=404, expected=200
    )


def test_http_status__accepts_one_of_several_codes(server: str, run_check) -> None:
    assert (
        run_check(checks.http_status, f"{server}/missing", expected=(200, 404)).status == "passed"
    )


def test_http_status__redirects_are_followed_unless_asked(server: str, run_check) -> None:
    assert run_check(checks.http_status, f"{server}/redirect").status == "passed"
    kept = run_check(checks.http_status, f"{server}/redirect", 302, follow_redirects=False)
    assert kept.status == "passed"


def test_http_status__slower_than_within_fails(server: str, run_check) -> None:
    ran = run_check(checks.http_status, f"{server}/slow", within=0.1)
    assert ran.status == "failed"
    elapsed = ran.outcome.observed_value
    assert elapsed >= 400
    assert ran.message == TOO_SLOW.format(
        method="GET", url=f"{server}/slow", status=200, elapsed=elapsed, limit=100
    )


def test_http_status__no_answer_within_timeout_is_an_error(server: str, run_check) -> None:
    started = time.monotonic()
    ran = run_check(checks.http_status, f"{server}/slow", timeout=0.1)
    assert time.monotonic() - started < 0.4
    assert ran.status == "error"
    assert (
        ran.message
        == f"Unable to connect to HTTP endpoint at {server}/slow: no answer within 0.1 s"
    )


def test_http_status__credentials_in_the_url_are_sent_and_never_shown(
    server: str, run_check
) -> None:
    url = server.replace("//", f"//ops:{SECRET}@") + "/private"
    assert run_check(checks.http_status, url).status == "passed"
    wrong = run_check(checks.http_status, url.replace(SECRET, "guess-" + SECRET))
    assert wrong.status == "failed"
    assert "answered 401, expected 200" in wrong.message
    assert SECRET not in wrong.text()


def test_http_status__wrong_port_is_an_error(closed_port: int, run_check) -> None:
    ran = run_check(checks.http_status, f"http://ops:{SECRET}@127.0.0.1:{closed_port}/")
    assert ran.status == "error"
    assert ran.message == (
        f"Unable to connect to HTTP endpoint at http://ops:***@127.0.0.1:{closed_port}/: "
        "connection refused"
    )
    assert SECRET not in ran.text()


def test_http_status__unknown_host_is_an_error(run_check) -> None:
    ran = run_check(checks.http_status, "http://nowhere.invalid/health")
    assert ran.status == "error"
    assert ran.message.startswith(
        "Unable to connect to HTTP endpoint at http://nowhere.invalid/health: "
        "the name does not resolve"
    )
