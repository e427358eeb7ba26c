"""The FastAPI integration: the Flask endpoint's routes and bytes, and an event loop never blocked."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from fastapi import FastAPI  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sample_configs import without_times  # noqa: E402

import allgreen  # noqa: E402
import allgreen.fastapi  # noqa: E402
from allgreen.web import formats  # noqa: E402
from allgreen.web.async_endpoint import AsyncHealthEndpoint  # noqa: E402

MIXED = """
from allgreen import check, expect

@check("Answer is <b>42</b>", tags=["readiness"])
def answer():
    expect(6 * 7).to_eq(42)

@check("Settings match", tags=["readiness", "db"])
def settings():
    expect({"pool": 5}).to_eq({"pool": 10})

@check("Only in production", only="production")
def prod_only():
    pass

@check("Awaited", tags=["cache"])
async def awaited():
    import asyncio
    await asyncio.sleep(0.01)

@check("Cache answers", critical=False, tags=["cache"])
def cache():
    raise ConnectionError("no cache at postgresql://user:secret@host/db")
"""

#: A check that says when it starts, counts its runs, and takes a while.
SLOW = """
import time
from pathlib import Path
from allgreen import check

HERE = Path(__file__).parent

@check("Slow dependency")
def slow():
    with open(HERE / "runs.log", "a") as log:
        log.write("run\\n")
    time.sleep({seconds})
"""


@pytest.fixture
def write_config(
    write_config: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Path]:
    """The shared ``write_config``, with no token or environment leaking in."""
    monkeypatch.delenv("ALLGREEN_TOKEN", raising=False)
    monkeypatch.delenv("ALLGREEN_ENV", raising=False)
    return write_config


@pytest.fixture
def endpoints() -> Iterator[Callable[..., AsyncHealthEndpoint]]:
    """Build async endpoints that are closed after the test."""
    made: list[AsyncHealthEndpoint] = []

    def make(config: Path, **options: Any) -> AsyncHealthEndpoint:
        endpoint = allgreen.fastapi.async_endpoint(config, **options)
        made.append(endpoint)
        return endpoint

    yield make
    for endpoint in made:
        endpoint.close()


def fastapi_app(endpoint: AsyncHealthEndpoint) -> FastAPI:
    """Return a user's app: the router under /healthcheck and a route of its own."""
    app = FastAPI()
    app.include_router(allgreen.fastapi.build_router(endpoint), prefix="/healthcheck")

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    return app


@pytest.fixture
def flask_client(write_config):
    apps = []

    def client(config: Path, **options: Any):
        app = allgreen.create_app(config, **options)
        apps.append(app)
        return app.test_client()

    yield client
    for app in apps:
        app.extensions["allgreen"].service.close()


@pytest.fixture
def live() -> Iterator[Callable[[FastAPI], str]]:
    """Serve apps with a real uvicorn server on a free port, in a thread; return the base URL."""
    servers = []

    def serve(app: FastAPI) -> str:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        servers.append((server, thread, sock))
        deadline = time.monotonic() + 10
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.01)
        assert server.started, "uvicorn did not start"
        return f"http://127.0.0.1:{sock.getsockname()[1]}"

    yield serve
    for server, thread, sock in servers:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


ROUTES = [
    ("/healthcheck", {}),
    ("/healthcheck", {"Accept": "application/json"}),
    ("/healthcheck", {"Accept": "application/health+json"}),
    ("/healthcheck?format=json", {}),
    ("/healthcheck?format=health", {}),
    ("/healthcheck?format=yaml", {}),
    ("/healthcheck", {"Accept": "image/png"}),
    ("/healthcheck.json", {}),
    ("/healthcheck/readiness", {}),
    ("/healthcheck/readiness.json", {}),
    ("/healthcheck/readiness.json?exclude=settings", {}),
    ("/healthcheck/cache?format=health", {}),
    ("/healthcheck/nope", {}),
    ("/healthcheck/metrics", {}),
]


@pytest.mark.parametrize(("url", "headers"), ROUTES)
def test_routes__answer_like_flask(write_config, endpoints, flask_client, url, headers):
    config = write_config(MIXED)
    with TestClient(fastapi_app(endpoints(config, app_name="shop"))) as client:
        ours = client.get(url, headers=headers)
    theirs = flask_client(config, app_name="shop").get(url, headers=headers)
    assert ours.status_code == theirs.status_code
    assert ours.headers["content-type"] == theirs.headers["Content-Type"]
    assert ours.headers["cache-control"] == "no-store"
    if "json" in theirs.headers["Content-Type"]:
        assert without_times(ours.json()) == without_times(theirs.json)
    elif theirs.headers["Content-Type"] == formats.HTML:
        assert "Content-Security-Policy" in ours.headers
        assert ours.text.count("data-check=") == theirs.get_data(as_text=True).count("data-check=")
    elif url.endswith("/metrics"):
        assert ours.text.splitlines()[:3] == theirs.get_data(as_text=True).splitlines()[:3]
    else:
        assert ours.text == theirs.get_data(as_text=True)


def test_live_uvicorn__serves_the_same_report_as_flask(write_config, endpoints, flask_client, live):
    config = write_config(MIXED)
    base = live(fastapi_app(endpoints(config, app_name="shop")))
    status, content_type, body = fetch(base + "/healthcheck", {"Accept": "application/json"})
    theirs = flask_client(config, app_name="shop").get("/healthcheck.json")
    assert (status, content_type) == (503, formats.JSON)
    assert without_times(json.loads(body)) == without_times(theirs.json)
    status, content_type, body = fetch(base + "/healthcheck")
    assert (status, content_type) == (503, formats.HTML)
    assert b"Something is wrong" in body


def test_async_check__is_awaited(write_config, endpoints):
    with TestClient(fastapi_app(endpoints(write_config(MIXED)))) as client:
        data = client.get("/healthcheck/cache.json").json()
    assert [(c["id"], c["status"]) for c in data["checks"]] == [
        ("awaited", "passed"),
        ("cache", "error"),
    ]


def test_loop__answers_another_route_within_50_ms_while_a_slow_check_runs(
    write_config, endpoints, live, tmp_path
):
    config = write_config(SLOW.format(seconds=1.5))
    base = live(fastapi_app(endpoints(config)))
    fetch(base + "/ping")  # warm the connection path
    result: dict[str, Any] = {}
    health = threading.Thread(
        target=lambda: result.update(answer=fetch(base + "/healthcheck.json"))
    )
    health.start()
    deadline = time.monotonic() + 5
    while not (tmp_path / "runs.log").exists() and time.monotonic() < deadline:
        time.sleep(0.005)
    assert (tmp_path / "runs.log").exists(), "the slow check never started"
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        status, _, body = fetch(base + "/ping")
        timings.append(time.perf_counter() - started)
        assert (status, json.loads(body)) == (200, {"pong": "yes"})
    assert health.is_alive(), "the slow check should still be running"
    assert min(timings) < 0.050, timings
    health.join(timeout=10)
    assert result["answer"][0] == 200


def test_concurrent_requests__share_one_run(write_config, endpoints, live, tmp_path):
    config = write_config(SLOW.format(seconds=1.0))
    base = live(fastapi_app(endpoints(config)))
    barrier = threading.Barrier(20)
    answers: list[int] = []

    def call() -> None:
        barrier.wait()
        answers.append(fetch(base + "/healthcheck.json")[0])

    threads = [threading.Thread(target=call) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert answers == [200] * 20
    assert (tmp_path / "runs.log").read_text().splitlines() == ["run"]


def test_shared_future__survives_a_caller_that_goes_away(write_config, endpoints, tmp_path):
    endpoint = endpoints(write_config(SLOW.format(seconds=0.3)))

    async def scenario() -> str:
        impatient = asyncio.create_task(endpoint.report())
        patient = asyncio.create_task(endpoint.report())
        await asyncio.sleep(0.05)
        impatient.cancel()
        return (await patient).status

    assert asyncio.run(scenario()) == "pass"
    assert (tmp_path / "runs.log").read_text().splitlines() == ["run"]


def test_create_app__redirects_the_root_to_the_page(write_config):
    app = allgreen.fastapi.create_app(write_config(MIXED))
    try:
        with TestClient(app) as client:
            response = client.get("/", follow_redirects=False)
            assert (response.status_code, response.headers["location"]) == (307, "/healthcheck")
            assert client.get("/healthcheck.json").json()["status"] == "fail"
    finally:
        getattr(app.state, allgreen.fastapi.STATE).close()


def test_create_app__refuses_an_empty_prefix(write_config):
    with pytest.raises(ValueError, match="is empty"):
        allgreen.fastapi.create_app(write_config(MIXED), url_prefix="/")


@pytest.mark.parametrize("style", ["create_app", "include_router"])
def test_shutdown__closes_the_worker_processes(tmp_path: Path, style: str) -> None:
    psutil = pytest.importorskip("psutil")
    path = tmp_path / "allgood.py"
    path.write_text("from allgreen import check\n@check('ok')\ndef ok():\n    pass\n")
    if style == "create_app":
        app = allgreen.fastapi.create_app(path)
    else:
        app = FastAPI()
        app.include_router(allgreen.fastapi.router(path), prefix="/healthcheck")
    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with TestClient(app) as client:
        assert client.get("/healthcheck.json").status_code == 200
        assert {p.pid for p in psutil.Process().children(recursive=True)} - before
    assert {p.pid for p in psutil.Process().children(recursive=True)} - before == set()
