"""``pytest --allgreen --allgreen-html``: the dashboard as one static file, opened offline."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pytest_allgreen.settings import HTML_HELP

CONFIG = """
from allgreen import check, expect

@check("Answer is <b>42</b>", tags=["readiness"])
def answer():
    expect(6 * 7).to_eq(42)

@check("Settings match")
def settings():
    expect({"pool": 5}).to_eq({"pool": 10})

@check("Only in production", only="production")
def prod_only():
    pass

@check("Cache answers", critical=False)
def cache():
    raise ConnectionError("no cache at postgresql://user:secret@host/db")
"""

CHROMIUM = Path("/usr/bin/chromium")
# The same launch arguments as tests/web/test_dashboard_browser.py.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def static_report(pytester: pytest.Pytester, allgood) -> Path:
    """Run a config with --allgreen-html and --allgreen-json; return the HTML file."""
    allgood(CONFIG)
    result = pytester.runpytest(
        "--allgreen",
        "allgood.py",
        "--allgreen-html",
        "out/report.html",
        "--allgreen-json",
        "out/report.json",
    )
    result.assert_outcomes(passed=1, failed=1, errors=1, skipped=1)
    result.stdout.fnmatch_lines(["*allgreen report: out/report.html*"])
    return pytester.path / "out" / "report.html"


def test_option__is_documented_in_help(pytester: pytest.Pytester):
    pytester.runpytest("--help").stdout.fnmatch_lines(["*--allgreen-html=PATH*"])
    assert HTML_HELP.startswith("write the allgreen dashboard")


def test_html__is_the_dashboard_of_the_same_report_as_the_json(static_report: Path):
    html = static_report.read_text(encoding="utf-8")
    report = json.loads(static_report.with_suffix(".json").read_text(encoding="utf-8"))
    assert re.findall(r'data-check="([^"]+)"', html) == [c["id"] for c in report["checks"]]
    for name, count in report["counts"].items():
        assert f'data-count="{name}">{count}</span>' in html
    assert "Something is wrong" in html and report["status"] == "fail"


def test_html__is_self_contained_with_details_and_no_links(static_report: Path):
    html = static_report.read_text(encoding="utf-8")
    # The only URL is the SVG namespace inside inline data; nothing to fetch.
    assert set(re.findall(r"https?://[^\s\"'<>)]+", html)) == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(link|script|img)[^>]+(href|src)=\"(?!data:)", html)
    assert "?format=json" not in html, "a static file has no endpoint to link to"
    assert 'id="auto-refresh"' not in html, "reloading a static file shows nothing new"
    assert "{&#39;pool&#39;: 5} != {&#39;pool&#39;: 10}" in html, "the CI artifact shows the diff"
    assert "secret@host" not in html and "&lt;b&gt;42&lt;/b&gt;" in html


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        if os.environ.get("CI") == "true":
            pytest.fail("the playwright package is not installed, and CI=true requires it")
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing, and CI=true requires the browser tests")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.mark.browser
def test_browser__opens_the_file_offline_without_a_single_request(browser, static_report: Path):
    context = browser.new_context(color_scheme="dark", offline=True)
    try:
        own = static_report.as_uri()
        requested: list[str] = []
        errors: list[str] = []

        def guard(route: Any) -> None:
            # Route everything: the file itself loads, any other request is recorded and refused.
            requested.append(route.request.url)
            route.continue_() if route.request.url == own else route.abort()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(own)
        page.wait_for_load_state("load")
        assert page.locator("h1").inner_text() == "Something is wrong"
        assert page.locator("li.check").count() == 4
        assert page.locator("[data-count=failed]").inner_text() == "1"
        page.click("#check-settings summary")
        assert (
            "{'pool': 5} != {'pool': 10}"
            in page.locator("#check-settings .check__detail").inner_text()
        )
        dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert sum(int(v) for v in re.findall(r"\d+", dark)[:3]) / 3 < 100, dark
        # The page itself is the only thing loaded.
        assert own in requested, "the guard saw the page load, so it would see any other request"
        assert [url for url in requested if url != own] == []
        assert errors == []
    finally:
        context.close()
