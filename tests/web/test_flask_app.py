"""The Flask integration: every route, format, status code and header."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask import Flask

import allgreen
from allgreen.web import formats
from allgreen.web.endpoint import UNKNOWN_TAG
from allgreen.web.flask_app import UNKNOWN_OPTION, mount_healthcheck

WARNING_ONLY = """
from allgreen import check

@check("Fine")
def fine():
    pass

@check("Optional extra", critical=False)
def extra():
    assert 1 == 2
"""


@pytest.fixture
def client(make_app, mixed_config):
    return make_app(mixed_config, app_name="shop").test_client()


def test_page__is_html_with_503_when_a_critical_check_fails(client):
    response = client.get("/healthcheck")
    assert response.status_code == 503
    assert response.content_type == formats.HTML
    assert "Something is wrong" in response.get_data(as_text=True)


def test_page__is_200_for_pass(make_app, passing_config):
    response = make_app(passing_config).test_client().get("/healthcheck.json")
    assert (response.status_code, response.json["status"]) == (200, "pass")


def test_page__is_200_for_warn(make_app, write_config):
    response = make_app(write_config(WARNING_ONLY)).test_client().get("/healthcheck.json")
    assert (response.status_code, response.json["status"]) == (200, "warn")


@pytest.mark.parametrize(
    ("url", "headers"),
    [
        ("/healthcheck", {"Accept": "application/json"}),
        ("/healthcheck?format=json", {}),
        ("/healthcheck.json", {}),
        ("/healthcheck.json", {"Accept": "text/html"}),
    ],
)
def test_json__by_accept_query_or_suffix(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 503
    assert response.content_type == formats.JSON
    data = response.json
    assert set(data) >= {
        "schema_version", "status", "environment", "app_name", "version",
        "started_at", "duration_ms", "counts", "checks",
    }  # fmt: skip
    assert data["app_name"] == "shop"
    assert [check["id"] for check in data["checks"]] == ["answer", "settings", "prod_only", "cache"]
    assert data["counts"] == {"passed": 1, "failed": 1, "error": 1, "skipped": 1}
    assert set(data["checks"][1]) >= {
        "id", "description", "status", "message", "detail", "duration_ms",
        "skip_reason", "cached", "last_run_at", "next_run_at", "tags", "critical",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("url", "headers"),
    [("/healthcheck", {"Accept": "application/health+json"}), ("/healthcheck?format=health", {})],
)
def test_health_json__by_accept_or_query(client, url, headers):
    response = client.get(url, headers=headers)
    assert response.status_code == 503
    assert response.content_type == formats.HEALTH_JSON
    document = json.loads(response.data)
    assert document["status"] == "fail"
    assert document["serviceId"] == "shop"
    assert document["checks"]["settings"][0]["status"] == "fail"
    assert document["checks"]["cache"][0]["status"] == "warn"


def test_accept_anything__gets_the_page_and_the_code(client):
    response = client.get("/healthcheck", headers={"Accept": "*/*"})
    assert (response.status_code, response.content_type) == (503, formats.HTML)


def test_browser_accept__gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    assert client.get("/healthcheck", headers={"Accept": accept}).content_type == formats.HTML


def test_unknown_format__is_400_naming_the_value(client):
    response = client.get("/healthcheck?format=xml")
    assert response.status_code == 400
    assert response.get_data(as_text=True).strip() == formats.UNKNOWN_FORMAT.format(
        value="xml", known="html, json, health"
    )


def test_unacceptable_accept__is_406(client):
    assert client.get("/healthcheck", headers={"Accept": "image/png"}).status_code == 406


@pytest.mark.parametrize(
    "url",
    [
        "/healthcheck",
        "/healthcheck.json",
        "/healthcheck/metrics",
        "/healthcheck/db",
        "/healthcheck/nope",
    ],
)
def test_every_response__is_never_cached_and_varies_on_accept(client, url):
    response = client.get(url)
    assert response.headers["Cache-Control"] == "no-store"
    assert "Accept" in [part.strip() for part in response.headers["Vary"].split(",")]


def test_page__forbids_loading_anything_from_elsewhere(client):
    policy = client.get("/healthcheck").headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "nonce-" in policy


def test_tag_page__shows_only_checks_with_the_tag(client):
    response = client.get("/healthcheck/readiness.json")
    assert [check["id"] for check in response.json["checks"]] == ["answer", "settings"]
    assert response.status_code == 503
    assert client.get("/healthcheck/cache.json").status_code == 200  # non-critical: warn
    html = client.get("/healthcheck/readiness").get_data(as_text=True)
    assert "Settings match" in html and "Cache answers" not in html


def test_exclude__leaves_checks_out_and_can_turn_the_page_green(client):
    response = client.get("/healthcheck/readiness?format=json&exclude=settings")
    assert [check["id"] for check in response.json["checks"]] == ["answer"]
    assert response.status_code == 200
    response = client.get("/healthcheck.json?exclude=settings&exclude=cache,prod_only")
    assert [check["id"] for check in response.json["checks"]] == ["answer"]


def test_unknown_tag__is_404_listing_the_tags(client):
    response = client.get("/healthcheck/nope")
    assert response.status_code == 404
    expected = UNKNOWN_TAG.format(tag="nope", known="cache, db, readiness")
    assert response.get_data(as_text=True).strip() == expected


def test_root__redirects_to_the_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/healthcheck")


def test_broken_config__is_a_red_page_that_shows_the_error(make_app, write_config):
    path = write_config("from allgreen import check\n\n@check('db')\ndef db(:\n    pass\n")
    client = make_app(path).test_client()
    response = client.get("/healthcheck")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "allgood.py could not be loaded" in html
    assert "syntax error" in html
    data = client.get("/healthcheck.json").json
    assert data["status"] == "fail" and "allgood.py:4" in data["error"]
    assert client.get("/healthcheck/readiness").status_code == 503  # tags unknown: still red


def test_missing_config__is_a_red_page_not_a_crash(make_app, tmp_path):
    response = make_app(tmp_path / "absent.py").test_client().get("/healthcheck.json")
    assert response.status_code == 503
    assert "no such file" in response.json["error"]


def test_mount_healthcheck__honours_the_prefix_on_an_existing_app(passing_config, monkeypatch):
    monkeypatch.delenv("ALLGREEN_TOKEN", raising=False)
    app = Flask("shop")
    app.add_url_rule("/", "home", lambda: "home page")
    endpoint = mount_healthcheck(app, config_path=passing_config, url_prefix="/ops/status")
    try:
        client = app.test_client()
        assert client.get("/").get_data(as_text=True) == "home page"
        assert client.get("/ops/status").status_code == 200
        assert client.get("/ops/status.json").json["status"] == "pass"
        assert client.get("/ops/status/readiness.json").json["checks"][0]["id"] == "fine"
        assert client.get("/ops/status/metrics").status_code == 200
        assert client.get("/healthcheck").status_code == 404
        assert app.extensions["allgreen"] is endpoint
    finally:
        endpoint.service.close()


def test_unknown_option__is_a_type_error_naming_it(passing_config):
    with pytest.raises(TypeError) as excinfo:
        allgreen.create_app(passing_config, max_agee=5)
    assert str(excinfo.value).startswith(UNKNOWN_OPTION.format(name="max_agee", known="")[:-1])


def test_import_allgreen__does_not_import_flask():
    code = (
        "import sys, allgreen; print('flask' in sys.modules); "
        "allgreen.create_app; print('flask' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_json__leaves_history_to_the_dashboard(make_app, passing_config):
    app = make_app(passing_config, store="memory://")
    client = app.test_client()
    for _ in range(3):
        client.get("/healthcheck.json")
    (check,) = client.get("/healthcheck.json").json["checks"]
    assert "history" not in check
    html = client.get("/healthcheck").get_data(as_text=True)
    # Four JSON runs and the page's own: five bars in the strip.
    assert html.count("strip__bar strip__bar--passed") == 5
