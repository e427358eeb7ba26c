"""The dashboard in real headless Chromium: light, dark, a phone, the toggles and a fold."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
DESKTOP = {"width": 1100, "height": 900}
PHONE = {"width": 375, "height": 812}


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}, and CI=true requires the browser tests to run")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def dashboard_url(make_app, mixed_config, live_server) -> str:
    return (
        live_server(make_app(mixed_config, app_name="shop", environment="development"))
        + "/healthcheck"
    )


@pytest.fixture
def open_page(browser, dashboard_url):
    """Open the dashboard in a fresh context; record requests, dialogs and console errors."""
    contexts = []

    def open_(**context_options: Any) -> tuple[Any, dict[str, list[str]]]:
        context = browser.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        seen: dict[str, list[str]] = {"requests": [], "dialogs": [], "errors": []}
        page.on("request", lambda request: seen["requests"].append(request.url))
        page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
        page.on("console", lambda msg: msg.type == "error" and seen["errors"].append(msg.text))
        # The page itself answers 503 while a check fails; Chromium logs that as an error.
        page.on("pageerror", lambda exc: seen["errors"].append(str(exc)))
        page.goto(dashboard_url)
        seen["errors"] = [text for text in seen["errors"] if "status of 503" not in text]
        return page, seen

    yield open_
    for context in contexts:
        context.close()


def background(page: Any) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def is_dark(rgb: str) -> bool:
    red, green, blue = (int(part) for part in rgb[rgb.index("(") + 1 : -1].split(",")[:3])
    return (red + green + blue) / 3 < 100


def screenshot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{name}.png"), full_page=True)


def test_light__shows_the_status_counts_and_rows_self_contained(open_page, dashboard_url):
    page, seen = open_page(color_scheme="light", viewport=DESKTOP)
    assert page.locator("h1").inner_text() == "Something is wrong"
    assert page.locator("[data-count=failed]").inner_text() == "1"
    assert page.locator("[data-count=passed]").inner_text() == "1"
    assert page.locator("li.check").count() == 4
    assert not is_dark(background(page))
    # The hostile description is shown as text, and nothing ran.
    assert "<script>alert('description')</script>" in page.locator("#check-answer").inner_text()
    assert "<script>alert('message')</script>" in page.locator("#check-cache").inner_text()
    assert seen["dialogs"] == []
    assert (
        page.locator("#check-prod_only").inner_text().count("Skipped: only runs in production") == 1
    )
    # Nothing is fetched from anywhere else; the inline style and script pass the CSP.
    assert all(url.startswith(dashboard_url.rsplit("/", 1)[0]) for url in seen["requests"])
    assert seen["errors"] == []
    screenshot(page, "light")


def test_folded_failure__opens_on_click_to_show_the_diff(open_page):
    page, _ = open_page(color_scheme="light", viewport=DESKTOP)
    detail = page.locator("#check-settings .check__detail")
    assert not detail.is_visible()
    page.click("#check-settings summary")
    assert detail.is_visible()
    assert "{'pool': 5} != {'pool': 10}" in detail.inner_text()
    screenshot(page, "light-unfolded")


def test_dark__follows_the_system(open_page):
    page, seen = open_page(color_scheme="dark", viewport=DESKTOP)
    assert is_dark(background(page))
    assert seen["errors"] == []
    screenshot(page, "dark")


def test_theme_toggle__switches_and_is_remembered(open_page):
    page, _ = open_page(color_scheme="light", viewport=DESKTOP)
    page.click("#theme-toggle")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert is_dark(background(page))
    page.reload()
    assert is_dark(background(page)), "the choice was forgotten on reload"
    page.click("#theme-toggle")
    assert not is_dark(background(page))
    screenshot(page, "toggled-back-to-light")


def test_auto_refresh_toggle__counts_down_and_is_remembered(open_page):
    page, _ = open_page(color_scheme="light", viewport=DESKTOP)
    assert page.locator("#countdown").inner_text() == ""
    page.click("label.switch")
    assert page.locator("#auto-refresh").is_checked()
    page.wait_for_function("document.getElementById('countdown').textContent.trim().endsWith('s')")
    page.reload()
    assert page.locator("#auto-refresh").is_checked()


def test_phone__fits_375_pixels_without_sideways_scrolling(open_page):
    page, _ = open_page(color_scheme="light", viewport=PHONE, is_mobile=True, has_touch=True)
    assert page.locator("h1").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a 375 px phone"
    page.click("#check-settings summary")
    assert page.locator("#check-settings .check__detail").is_visible()
    screenshot(page, "phone")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "phone-dark")
