"""`python -m tokenpower run` renders a chapter like the book and says what changed."""

from __future__ import annotations

import functools
import http.server
import json
import re
import subprocess
import sys
import threading

import nbformat
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, PageVisit

from tokenpower_book.changes import compare, glue_uses, glued

RAW_MYST = ("{glue", "{cite", "{numref", "{term}", "{doc}", "{ref}", ":::", "```", "{admonition}")


@pytest.fixture(scope="module")
def rerun(tmp_path_factory):
    """``run intro -p network_year=1902`` once, into a private folder."""
    out = tmp_path_factory.mktemp("run")
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "run", "intro", "-p", "network_year=1902"]
        + ["-o", str(out)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return out / "intro", result


def _text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text(" ")


@pytest.mark.book
def test_the_page_is_built_with_the_books_theme_and_assets(rerun):
    folder, _ = rerun
    html = (folder / "index.html").read_text()
    assert "book.css" in html and "sphinx-book-theme" in html or "bd-main" in html
    for asset in ("vega/vega-embed.min.js", "book.css", "print.css", "mathjax/tex-svg.js"):
        assert (folder / "_static" / asset).exists(), asset
    assert "vegaEmbed" in html, "the charts are drawn offline by the shipped vega-embed"
    assert not re.search(r"<script[^>]+src=\"https?://", html), "no script from the network"
    executed = nbformat.read(folder / "intro.ipynb", as_version=4)
    assert glued(executed)["intro_year"]["text/plain"] == "1902"


@pytest.mark.book
def test_the_page_has_no_raw_myst_markup(rerun):
    folder, _ = rerun
    text = _text((folder / "index.html").read_text())
    for markup in RAW_MYST:
        assert markup not in text, markup


@pytest.mark.book
def test_the_page_says_what_changed_against_the_book(rerun):
    folder, _ = rerun
    soup = BeautifulSoup((folder / "index.html").read_text(), "html.parser")
    box = soup.select_one(".tp-rerun-changes")
    assert box is not None and "What this re-run changed" in box.get_text()
    assert box.find_previous("h1") is not None, "the box sits under the title"
    rows = [[td.get_text(" ", strip=True) for td in tr.select("td")] for tr in box.select("tr")]
    rows = [r for r in rows if r]
    assert ["Year at which the telegraph network is drawn ( network_year )", "1870", "1902"] in rows
    years = [r for r in rows if r[1:] == ["1870", "1902"]]
    assert len(years) == 2, "the parameter and the glued year, book value beside re-run value"
    assert any("▢" in r[0] for r in rows), "each value is shown in its sentence"
    # the network map depends on the year, the electricity chart does not
    assert "Figures and tables that changed (1 of 2): Figure 1." in " ".join(box.get_text().split())


@pytest.mark.book
def test_the_terminal_gets_a_short_table(rerun):
    _, result = rerun
    tail = result.stdout[result.stdout.index("what changed against the book") :]
    assert re.search(r"parameter\s+network_year\s+1870\s+1902", tail)
    assert re.search(r"value\s+intro_year\s+1870\s+1902", tail)
    assert "re-run page:" in tail and "index.html" in tail
    assert "[tokenpower] executing intro: cell" in result.stdout
    assert "[tokenpower] rendering" in result.stdout
    assert "running over TCP" not in result.stderr + result.stdout


@pytest.mark.browser
@pytest.mark.book
def test_the_page_reads_at_phone_and_desktop_width_without_errors(rerun, browser):
    folder, _ = rerun
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        for width in (1280, 390):
            visit = PageVisit(
                browser, f"http://127.0.0.1:{server.server_address[1]}/index.html", width
            )
            try:
                assert visit.wait_for_charts() >= 1
                assert visit.errors == [] and visit.blocked == []
                box = visit.page.locator(".tp-rerun-changes").bounding_box()
                assert box["x"] >= 0 and box["x"] + box["width"] <= width
                overflow = visit.page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"the page scrolls sideways at {width} px"
            finally:
                visit.close()
    finally:
        server.shutdown()


# -- what changed, on notebooks made by hand ------------------------------------------------


def _glue_output(name, plain):
    return nbformat.v4.new_output(
        "display_data",
        data={"application/papermill.record/text/plain": plain},
        metadata={"scrapbook": {"name": name, "mime_prefix": "application/papermill.record/"}},
    )


def _notebook(values, figure_spec):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_markdown_cell(
            "# Title\n\nThe share is {glue:text}`share:.1f` %. "
            "In {glue:text}`year` the {term}`count <tally>` was {glue:text}`count` {cite:p}`key`."
        )
    )
    glue = nbformat.v4.new_code_cell("")
    glue.outputs = [_glue_output(k, v) for k, v in values.items()]
    figure = nbformat.v4.new_code_cell("", metadata={"mystnb": {"figure": {"name": "fig-a"}}})
    figure.outputs = [
        nbformat.v4.new_output(
            "display_data", data={"text/html": f'<div id="tpchart-abc123-{figure_spec}">x</div>'}
        )
    ]
    nb.cells += [glue, figure]
    return nb


def test_values_are_compared_as_the_page_renders_them():
    book = _notebook({"share": "38.24", "year": "1870", "count": "12"}, 1)
    rerun = _notebook({"share": "38.21", "year": "1902", "count": "12"}, 7)
    changes = compare(book, rerun, [("year", "Year", 1870, 1902)])
    # 38.24 and 38.21 both read 38.2 at .1f: not a change the reader could see
    assert [(v.name, v.book, v.rerun) for v in changes.values] == [("year", "1870", "1902")]
    assert changes.unchanged_values == 2
    # the chart differs only in its element id: not a changed figure
    assert changes.figures == [] and changes.unchanged_figures == 1


def test_a_value_is_shown_in_its_sentence():
    uses = glue_uses(
        "First sentence. In {glue:text}`year` the {term}`count <tally>` was "
        "{glue:text}`count` {cite:p}`a-source`."
    )
    assert uses["year"] == ("text", "", "In ▢ the count was ….")
    assert uses["count"][2] == "In … the count was ▢."


def test_the_book_values_come_from_the_current_build_cache_or_an_execution(tmp_path):
    from tokenpower_book.rerun import book_execution

    nb, source = book_execution(ROOT, ROOT / "book" / "intro.md", tmp_path)
    assert glued(nb)["intro_year"]["text/plain"] == "1870"
    assert source in (
        "the book build's execution cache",
        "an execution of the defaults (the book build is not current)",
    )
    again, source = book_execution(ROOT, ROOT / "book" / "intro.md", tmp_path)
    assert glued(again)["intro_year"]["text/plain"] == "1870"
    assert source in (
        "the book build's execution cache",
        "an execution of the defaults made for an earlier re-run",
    )
    json.dumps(again)  # a plain notebook
