"""Render docs/dashboard.png: the dashboard of a small shop, after a few runs.

Run by hand: .venv/bin/python docs/make_screenshot.py (needs the test extra and /usr/bin/chromium).
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

import allgreen

CONFIG = """
import random
from allgreen import check, expect, make_sure

@check("PostgreSQL answers a simple query", tags=["readiness"])
def database():
    expect(1).to_eq(1)

@check("Redis answers PING", tags=["readiness"])
def cache():
    make_sure(True)

@check("Payment provider answers within 300 ms", tags=["external"])
def payments():
    latency = random.choice([120, 180, 240, 410])
    expect(latency).to_be_less_than(300)

@check("Search index matches the catalogue", critical=False)
def search():
    expect({"products": 1204, "indexed": 1198}).to_eq({"products": 1204, "indexed": 1204})

@check("Nightly export exists", run="2 times per day")
def export():
    pass

@check("Disk usage is below 90%", only="production")
def disk():
    pass
"""

HERE = Path(__file__).resolve().parent


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "allgood.py"
        path.write_text(CONFIG)
        app = allgreen.create_app(path, app_name="shop", store="memory://")
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_port}/healthcheck"
        client = app.test_client()
        for _ in range(11):  # some history for the strips
            client.get("/healthcheck.json")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1100, "height": 860}, color_scheme="light")
            page.goto(url)
            page.locator("#check-search summary").click()
            page.screenshot(path=str(HERE / "dashboard.png"), full_page=True)
            browser.close()
        server.shutdown()
        app.extensions["allgreen"].service.close()


if __name__ == "__main__":
    main()
