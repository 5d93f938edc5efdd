"""The built site in headless Chromium, with every request outside 127.0.0.1 blocked.

On every page: no request leaves the site, no console error, and every chart
container holds a drawn SVG.  Debian's chromium is required (``make test``
installs it); a missing browser is a failure, not a skip.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from urllib.parse import urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.book]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site_url(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert shutil.which("chromium") or __import__("os").path.exists(CHROMIUM), \
        "Debian's chromium is not installed: run `make test`, which installs it"
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


class PageVisit:
    """A page opened with all non-local requests blocked and console errors recorded."""

    def __init__(self, browser, url, width=1280):
        self.blocked, self.errors = [], []
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.goto(url, wait_until="networkidle")

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def wait_for_charts(self):
        count = self.page.locator(".tp-chart").count()
        if count:
            self.page.wait_for_function(
                "() => [...document.querySelectorAll('.tp-chart')].every(c => c.querySelector('svg, canvas'))",
                timeout=20000)
        return count

    def close(self):
        self.context.close()


def _pages(built_site):
    return sorted(str(p.relative_to(built_site)) for p in built_site.rglob("*.html")
                  if not p.relative_to(built_site).parts[0].startswith(("_", ".")))


def test_every_page_is_self_contained_error_free_and_draws_its_charts(built_site, site_url, browser):
    pages = _pages(built_site)
    assert "book/intro.html" in pages
    charts_seen = 0
    for page in pages:
        visit = PageVisit(browser, f"{site_url}/{page}")
        charts_seen += visit.wait_for_charts()
        empty = visit.page.evaluate(
            "() => [...document.querySelectorAll('.tp-chart')].filter(c => !c.querySelector('svg, canvas')).length")
        assert visit.blocked == [], f"{page} requested outside the site: {visit.blocked}"
        assert visit.errors == [], f"{page} logged console errors: {visit.errors}"
        assert empty == 0, f"{page} has {empty} chart containers with nothing drawn"
        visit.close()
    assert charts_seen >= 2


def test_the_intro_brush_zooms_the_detail_chart(built_site, site_url, browser):
    visit = PageVisit(browser, f"{site_url}/book/intro.html")
    visit.wait_for_charts()
    chart = visit.page.locator(".tp-chart").nth(1)
    before = chart.locator("svg").inner_html()
    overview = chart.locator("svg").bounding_box()
    # the overview strip is the lowest 60 px of the plot; drag across its middle
    y = overview["y"] + overview["height"] - 45
    visit.page.mouse.move(overview["x"] + 150, y)
    visit.page.mouse.down()
    visit.page.mouse.move(overview["x"] + 350, y, steps=8)
    visit.page.mouse.up()
    visit.page.wait_for_timeout(300)
    assert chart.locator("svg").inner_html() != before, "dragging on the overview did not redraw the chart"
    assert visit.errors == []
    visit.close()
