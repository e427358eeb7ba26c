"""The Prometheus exposition, read back with prometheus_client's own parser."""

from __future__ import annotations

import sys

import pytest
from prometheus_client.parser import text_string_to_metric_families

from allgreen.web.metrics import MISSING_EXTRA


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics__expose_status_counts_and_each_check(make_app, mixed_config):
    response = make_app(mixed_config, app_name="shop").test_client().get("/healthcheck/metrics")
    assert response.status_code == 200  # a failing run is still a successful scrape
    assert response.content_type.startswith("text/plain; version=")
    values = samples(response.get_data(as_text=True))
    assert values[("allgreen_up", ())] == 0
    assert values[("allgreen_status", (("status", "fail"),))] == 1
    assert values[("allgreen_checks", (("status", "failed"),))] == 1
    assert values[("allgreen_check_status", (("check", "settings"), ("status", "failed")))] == 1
    assert values[("allgreen_check_status", (("check", "answer"), ("status", "passed")))] == 1
    info = (
        "allgreen_info",
        (("app_name", "shop"), ("environment", "development"), ("version", "0.1.0")),
    )
    assert values[info] == 1


def test_metrics__report_an_observed_number(make_app, write_config):
    path = write_config(
        'from allgreen import check\n\n@check("Free")\ndef free():\n    return 42\n'
    )
    values = samples(
        make_app(path).test_client().get("/healthcheck/metrics").get_data(as_text=True)
    )
    assert values[("allgreen_check_observed_value", (("check", "free"), ("unit", "")))] == 42
    assert values[("allgreen_up", ())] == 1


def test_metrics__without_the_extra_say_which_to_install(make_app, passing_config, monkeypatch):
    monkeypatch.setitem(sys.modules, "prometheus_client", None)
    response = make_app(passing_config).test_client().get("/healthcheck/metrics")
    assert response.status_code == 501
    assert response.get_data(as_text=True).strip() == MISSING_EXTRA


@pytest.mark.parametrize("url", ["/healthcheck/metrics"])
def test_metrics__are_never_cached(make_app, passing_config, url):
    assert make_app(passing_config).test_client().get(url).headers["Cache-Control"] == "no-store"
