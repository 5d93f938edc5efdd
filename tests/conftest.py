"""Shared fixtures: the repository root, a copy of the data, a built site."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# Property tests run on a loaded machine of two shared cores, where one example of an engine
# solve can take seconds: no per-example deadline (a deadline would make a timing test of a
# property test, and speed is measured by `python -m tokenpower bench`, never by a test) and
# no "too slow" health check.  A test's own @settings changes only what it names.
settings.register_profile(
    "tokenpower", deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "tokenpower"))


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def tables():
    """Every table the scenario engine uses, loaded once (:func:`tokenpower.engine.market_tables`)."""
    from tokenpower import engine as sc

    return sc.market_tables()


@pytest.fixture(scope="session")
def market(tables):
    """The scenario engine's calibration market, built once."""
    from tokenpower import engine as sc

    return sc.build_market(tables)


def copy_book(target: Path, toc_root_only: bool = False) -> Path:
    """Copy what the build needs into ``target``; optionally keep only the intro page.

    The intro links to the findings page, which links to every chapter; a
    book of the intro alone leaves those cross-references with no target, so
    its configuration suppresses Sphinx's ``ref`` warnings (undefined labels
    and documents) and nothing else.  The whole book is built with them on.
    """
    import yaml

    from tokenpower_book.build import copy_book as copy_whole_book

    copy_whole_book(ROOT, target)
    if toc_root_only:
        (target / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
        config_path = target / "_config.yml"
        config = yaml.safe_load(config_path.read_text())
        config["sphinx"]["config"]["suppress_warnings"] = ["ref.ref", "ref.doc"]
        config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book built once, from a clean cache, with warnings as errors.

    Set TOKENPOWER_SITE to an already built ``_build/html`` to test that site
    instead (a shortcut while writing a chapter; CI always builds afresh).
    """
    from tokenpower_book.build import build_book

    if os.environ.get("TOKENPOWER_SITE"):
        return Path(os.environ["TOKENPOWER_SITE"]).resolve()

    base = tmp_path_factory.mktemp("book")
    site = base / "html"
    ok = build_book(ROOT, stage=base / "stage", site=site, quiet=True)
    assert ok, "the book failed to build (warnings are errors); run `make book` to see why"
    return site


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, relative to it, except Sphinx's own (``_*``, ``.*``)."""
    return sorted(
        str(p.relative_to(site))
        for p in site.rglob("*.html")
        if not p.relative_to(site).parts[0].startswith(("_", "."))
    )


# -- the browser: Debian's chromium driven by playwright, nothing but 127.0.0.1 allowed --

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    assert os.path.exists(CHROMIUM), (
        "Debian's chromium is not installed: run `make test`, which installs it"
    )
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
                # drawn, and (in the book, where tp-charts.js fits each chart to its column) fitted
                "() => [...document.querySelectorAll('.tp-chart')].every(c => c.querySelector('svg, canvas')"
                " && (!window.tpDraw || c.getAttribute('data-tp-fit') === 'done'))",
                timeout=30000,
            )
        return count

    def charts_wider_than_their_column(self, tolerance: int = 2) -> list[dict]:
        """Charts whose drawing is wider than their container (the column), with their captions."""
        return self.page.evaluate(
            """(tol) => [...document.querySelectorAll('.tp-chart')].map(c => {
                const s = c.querySelector('svg'); const fig = c.closest('figure');
                return {caption: fig ? (fig.querySelector('.caption-number') || {}).textContent : c.id,
                        drawn: s ? Math.round(s.getBoundingClientRect().width) : 0, column: c.clientWidth};
            }).filter(r => r.drawn > r.column + tol)""",
            tolerance,
        )

    def raw_text(self) -> list[str]:
        """Visible text outside code that looks like raw output: more than four decimals, 1e+08 notation,
        or a bare True/False in a table cell."""
        return self.page.evaluate(
            r"""() => {
                const found = [];
                const walker = document.createTreeWalker(document.querySelector('main') || document.body,
                                                         NodeFilter.SHOW_TEXT);
                while (walker.nextNode()) {
                    const n = walker.currentNode, el = n.parentElement;
                    const skip = 'pre, code, script, style, .highlight, .tp-chart-alt, mjx-container';
                    if (!el || el.closest(skip)) continue;
                    if (!el.getClientRects().length) continue;
                    const t = n.textContent;
                    const m = t.match(/(?<![\d.,])\d{1,3}(?:,\d{3})*\.\d{5,}|\b\d(?:\.\d+)?e[+-]\d+\b/);
                    if (m) found.push(m[0] + ' in: ' + t.trim().slice(0, 80));
                    if (el.closest('td') && /^\s*(True|False)\s*$/.test(t)) found.push(t.trim() + ' in a table cell');
                }
                return found;
            }"""
        )

    def close(self):
        self.context.close()
