"""The token, failure detail, escaping and masking in every output."""

from __future__ import annotations

import json

import pytest

from allgreen.web.security import TOKEN_VARIABLE, AccessPolicy

TOKEN = "s3cret-token"
SECRET_URL = "postgresql://user:secret@host/db"
OUTPUTS = [
    "/healthcheck",
    "/healthcheck.json",
    "/healthcheck?format=health",
    "/healthcheck/metrics",
]


@pytest.fixture
def token_client(make_app, mixed_config):
    return make_app(mixed_config, token=TOKEN).test_client()


@pytest.mark.parametrize(
    "authorization", [None, "Bearer wrong", f"Basic {TOKEN}", TOKEN, "Bearer "]
)
def test_token__callers_without_it_get_the_status_and_code_only(token_client, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = token_client.get("/healthcheck.json", headers=headers)
    assert (response.status_code, response.json) == (503, {"status": "fail"})
    health = token_client.get("/healthcheck?format=health", headers=headers)
    assert (health.status_code, json.loads(health.data)) == (503, {"status": "fail"})
    html = token_client.get("/healthcheck", headers=headers).get_data(as_text=True)
    assert "Something is wrong" in html
    assert "Settings match" not in html and "Details need a token" in html


def test_token__the_right_bearer_gets_the_full_report(token_client):
    response = token_client.get("/healthcheck.json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503
    assert [check["id"] for check in response.json["checks"]] == [
        "answer",
        "settings",
        "prod_only",
        "cache",
    ]
    html = token_client.get("/healthcheck", headers={"Authorization": f"bearer {TOKEN}"})
    assert "Settings match" in html.get_data(as_text=True)


def test_token__metrics_without_it_expose_the_status_only(token_client):
    anonymous = token_client.get("/healthcheck/metrics").get_data(as_text=True)
    assert "allgreen_up 0.0" in anonymous and "allgreen_check_status" not in anonymous
    authorized = token_client.get(
        "/healthcheck/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert 'allgreen_check_status{check="settings",status="failed"} 1.0' in authorized.get_data(
        as_text=True
    )


def test_token__is_read_from_the_environment(make_app, mixed_config, monkeypatch):
    monkeypatch.setenv(TOKEN_VARIABLE, "from-env")
    client = make_app(mixed_config).test_client()
    assert client.get("/healthcheck.json").json == {"status": "fail"}
    full = client.get("/healthcheck.json", headers={"Authorization": "Bearer from-env"}).json
    assert len(full["checks"]) == 4


def test_policy__compares_in_constant_time_and_rejects_near_misses():
    policy = AccessPolicy.build(token="abc", environ={})
    assert policy.authorized("Bearer abc")
    assert not policy.authorized("Bearer abd") and not policy.authorized("Bearer ab")
    assert AccessPolicy.build(environ={}).authorized(None)  # no token: open


def _detail(client, url="/healthcheck.json"):
    return next(c for c in client.get(url).json["checks"] if c["id"] == "settings")["detail"]


def test_details__shown_in_development(make_app, mixed_config):
    client = make_app(mixed_config, environment="development").test_client()
    assert "{'pool': 5} != {'pool': 10}" in _detail(client)
    assert '<pre class="check__detail">' in client.get("/healthcheck").get_data(as_text=True)


def test_details__hidden_in_production(make_app, mixed_config):
    client = make_app(mixed_config, environment="production").test_client()
    assert _detail(client) is None
    html = client.get("/healthcheck").get_data(as_text=True)
    assert '<pre class="check__detail">' not in html and "Differing items" not in html
    health = json.loads(client.get("/healthcheck?format=health").data)
    assert "allgreen:detail" not in health["checks"]["settings"][0]
    # The message (one line) is still there: it says what is wrong without the traceback.
    assert health["checks"]["settings"][0]["output"].startswith("assert {'pool': 5}")


def test_details__shown_in_production_with_show_details(make_app, mixed_config):
    client = make_app(mixed_config, environment="production", show_details=True).test_client()
    assert "Differing items" in _detail(client)


def test_html__escapes_a_script_in_a_description_and_a_message(make_app, mixed_config):
    html = make_app(mixed_config).test_client().get("/healthcheck").get_data(as_text=True)
    assert "<script>alert(" not in html
    assert "&lt;script&gt;alert(&#39;description&#39;)&lt;/script&gt;" in html
    assert "&lt;script&gt;alert(&#39;message&#39;)&lt;/script&gt;" in html


@pytest.mark.parametrize("url", OUTPUTS)
def test_every_output__masks_the_password_of_a_url(make_app, write_config, url):
    path = write_config(
        f"""
        from allgreen import check

        @check("Reaches {SECRET_URL}", tags=["db"])
        def db():
            raise ConnectionError("could not connect to {SECRET_URL}")
        """
    )
    client = make_app(path, app_name=f"app at {SECRET_URL}").test_client()
    body = client.get(url).get_data(as_text=True)
    assert "secret" not in body
    if url != "/healthcheck/metrics":
        assert "postgresql://user:***@host/db" in body


def test_broken_config__masks_the_password_in_the_error(make_app, write_config):
    path = write_config(f'raise RuntimeError("cannot reach {SECRET_URL}")\n')
    client = make_app(path).test_client()
    for url in OUTPUTS[:3]:
        body = client.get(url).get_data(as_text=True)
        assert "secret" not in body and "user:***@host" in body
