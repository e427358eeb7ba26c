"""The runnable examples of the README serve the bundled checks (the Django one: tests/django)."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_flask_example__serves_the_bundled_checks():
    app = runpy.run_path(str(EXAMPLES / "flask_app.py"))["app"]
    try:
        response = app.test_client().get("/healthcheck.json")
        assert (response.status_code, response.json["app_name"]) == (200, "flask-example")
    finally:
        app.extensions["allgreen"].service.close()


def test_fastapi_example__serves_the_bundled_checks():
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    app = runpy.run_path(str(EXAMPLES / "fastapi_app.py"))["app"]
    with TestClient(app) as client:
        response = client.get("/healthcheck", headers={"Accept": "application/json"})
    assert (response.status_code, response.json()["app_name"]) == (200, "fastapi-example")
