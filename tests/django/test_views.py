"""The Django app through Django's test client: routes, formats, never cached, the template."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from sample_configs import MIXED, PASSING, without_times

import allgreen
from allgreen.django.settings import KEYS, UNKNOWN_KEY
from allgreen.web import formats
from allgreen.web.endpoint import UNKNOWN_TAG


@pytest.fixture
def mixed(use_allgreen, write_config):
    path = write_config(MIXED)
    use_allgreen(CONFIG_PATH=path, APP_NAME="shop")
    return path


def flask_get(path, url: str, **options: Any):
    app = allgreen.create_app(path, **options)
    try:
        return app.test_client().get(url)
    finally:
        app.extensions["allgreen"].service.close()


def test_page__is_the_django_template_with_503_when_a_check_fails(client, mixed):
    response = client.get("/healthcheck/")
    assert response.status_code == 503
    assert response["Content-Type"] == formats.HTML
    html = response.content.decode()
    assert "Something is wrong" in html
    assert [m for m in re.findall(r'data-check="([^"]+)"', html)] == [
        "answer",
        "settings",
        "prod_only",
        "cache",
    ]
    # The same stylesheet and icons as the Flask page, inlined.
    assert ".hero" in html and '<svg class="icon icon--failed"' in html


def test_page__escapes_user_text(client, mixed):
    html = client.get("/healthcheck/").content.decode()
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#x27;description&#x27;)&lt;/script&gt; 42" in html
    assert "secret@host" not in html


def normalised(html: str) -> str:
    """Return a page with what changes per render (nonce, times, durations) and spacing removed."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    html = re.sub(r"<time[^>]*>[^<]*</time>", "<time/>", html)
    html = re.sub(r'<span class="check__duration">[^<]*</span>', "", html)
    # History bars carry each past run's time and duration in their titles.
    html = re.sub(r'(class="strip__bar[^"]*") title="[^"]*"', r"\1", html)
    html = re.sub(r"<dt>Took</dt><dd>[^<]*</dd>", "", re.sub(r">\s+<", "><", html))
    html = re.sub(r"<!--.*?-->", "", html, flags=re.S)
    # Django and Jinja2 escape quotes with different (equivalent) entities.
    html = html.replace("&#x27;", "&#39;").replace("&#34;", "&quot;")
    return re.sub(r"\s+", " ", html).strip()


def test_page__looks_like_the_flask_page(client, use_allgreen, write_config):
    # A store of its own for each side, so both pages draw the same one-run history.
    path = write_config(MIXED)
    use_allgreen(CONFIG_PATH=path, APP_NAME="shop", STORE="memory://")
    django_html = normalised(client.get("/healthcheck/").content.decode())
    flask_html = normalised(
        flask_get(path, "/healthcheck", app_name="shop", store="memory://").get_data(as_text=True)
    )
    assert django_html == flask_html


def test_json__is_the_flask_report_key_for_key(client, mixed):
    response = client.get("/healthcheck/", HTTP_ACCEPT="application/json")
    flask = flask_get(mixed, "/healthcheck.json", app_name="shop")
    assert response.status_code == flask.status_code == 503
    assert response["Content-Type"] == formats.JSON
    assert without_times(json.loads(response.content)) == without_times(flask.json)


@pytest.mark.parametrize(
    ("url", "accept", "content_type"),
    [
        ("/healthcheck/?format=json", None, formats.JSON),
        ("/healthcheck.json", None, formats.JSON),
        ("/healthcheck/", "application/health+json", formats.HEALTH_JSON),
        ("/healthcheck/?format=health", None, formats.HEALTH_JSON),
        ("/healthcheck/readiness.json", None, formats.JSON),
    ],
)
def test_formats__are_negotiated_like_flask(client, mixed, url, accept, content_type):
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    response = client.get(url, **headers)
    assert response["Content-Type"] == content_type
    assert json.loads(response.content)["status"] == "fail"


def test_every_response__is_never_cached(client, mixed):
    for url in ("/healthcheck/", "/healthcheck/metrics", "/healthcheck/readiness.json"):
        response = client.get(url)
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "no-cache", "must-revalidate", "private"} <= cache_control, url
        assert "Expires" in response


def test_tag_page__runs_only_that_tag_and_honours_exclude(client, mixed):
    data = json.loads(client.get("/healthcheck/readiness.json?exclude=settings").content)
    assert [check["id"] for check in data["checks"]] == ["answer"]
    assert data["status"] == "pass"


def test_unknown_tag__is_404_naming_the_tags(client, mixed):
    response = client.get("/healthcheck/nope")
    assert response.status_code == 404
    known = "cache, db, readiness"
    assert response.content.decode().strip() == UNKNOWN_TAG.format(tag="nope", known=known)


def test_metrics__are_prometheus_text(client, mixed):
    pytest.importorskip("prometheus_client")
    response = client.get("/healthcheck/metrics")
    assert response.status_code == 200
    assert "allgreen_up" in response.content.decode()


def test_token__hides_details_from_callers_without_it(client, use_allgreen, write_config):
    use_allgreen(CONFIG_PATH=write_config(PASSING), TOKEN="s3cret")
    assert json.loads(client.get("/healthcheck.json").content) == {"status": "pass"}
    full = client.get("/healthcheck.json", HTTP_AUTHORIZATION="Bearer s3cret")
    assert [check["id"] for check in json.loads(full.content)["checks"]] == ["fine"]


def test_post__is_not_allowed(client, mixed):
    assert client.post("/healthcheck/").status_code == 405


def test_settings__an_unknown_key_is_named(client, use_allgreen):
    use_allgreen(CONFIG="allgood.py")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        client.get("/healthcheck/")
    assert str(excinfo.value) == UNKNOWN_KEY.format(key="CONFIG", known=", ".join(KEYS))


def test_settings__a_change_rebuilds_the_endpoint(client, use_allgreen, write_config):
    use_allgreen(CONFIG_PATH=write_config(PASSING))
    assert client.get("/healthcheck.json").status_code == 200
    use_allgreen(CONFIG_PATH=write_config(MIXED, "other.py"))
    assert client.get("/healthcheck.json").status_code == 503
