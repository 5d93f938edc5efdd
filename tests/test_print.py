"""Printing a chapter: static images of its charts, no navigation, no code.

Each chart carries a static SVG made by vl-convert when the chapter executes
(``tokenpower.charts.static_svg``), hidden on screen and shown in print by
``book/_static/print.css``.
"""

from __future__ import annotations

import re
import urllib.parse

import altair as alt
import pandas as pd
import pytest
from conftest import PageVisit, site_pages

from tokenpower.charts import finish, offline_renderer, static_svg, use_book_style

NAVIGATION = (
    ".bd-header",
    ".bd-sidebar-primary",
    ".bd-sidebar-secondary",
    ".prev-next-footer",
    ".header-article-items",
    ".tp-notebook-download",
)


def _static_image(markup: str) -> str:
    match = re.search(
        r'<img class="tp-chart-static" alt="([^"]*)" src="data:image/svg\+xml;charset=utf-8,([^"]*)"',
        markup,
    )
    assert match, "the chart has no static image"
    return urllib.parse.unquote(match[2])


def test_each_chart_carries_a_static_svg_of_itself():
    use_book_style()
    frame = pd.DataFrame({"year": [1858, 1866, 1870], "words": [0.1, 8.0, 12.0]})
    chart = finish(
        alt.Chart(frame).mark_line().encode(x="year:Q", y="words:Q"),
        title="Words per minute & more",
        alt_text="Speed rose from 0.1 to 12 words a minute",
        source="Data: a test",
    )
    markup = chart._repr_mimebundle_()
    markup = (markup[0] if isinstance(markup, tuple) else markup)["text/html"]
    svg = _static_image(markup)
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Words per minute &amp; more" in svg, "the static drawing shows the chart's title"
    assert 'alt="Speed rose from 0.1 to 12 words a minute"' in markup
    assert "cdn" not in markup.lower() and not re.search(r"<script[^>]+src=", markup)


def test_the_static_svg_follows_the_specs_vega_lite_version():
    spec = {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.4.1.json",
        "mark": "point",
        "data": {"values": [{"a": 1}]},
        "encoding": {"x": {"field": "a", "type": "quantitative"}},
    }
    assert static_svg(spec).startswith("<svg")
    broken = {"mark": "no-such-mark", "data": {"values": []}}
    assert static_svg(broken) is None
    assert "tp-chart-static" not in offline_renderer({**broken, "description": "x"})["text/html"]


@pytest.mark.browser
@pytest.mark.book
def test_a_printed_page_shows_static_charts_and_no_navigation_or_code(
    built_site, site_url, browser
):
    pages = site_pages(built_site)
    charts_printed = 0
    problems = []
    for page in pages:
        visit = PageVisit(browser, f"{site_url}/{page}")
        visit.wait_for_charts()
        visit.page.emulate_media(media="print")
        state = visit.page.evaluate(
            """(nav) => {
            const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
            const all = s => [...document.querySelectorAll(s)];
            return {
                charts: all('.tp-chart').length,
                statics: all('img.tp-chart-static').filter(i => shown(i) && i.complete && i.naturalWidth > 0).length,
                live: all('.tp-chart').filter(shown).length,
                nav: nav.filter(s => all(s).some(shown)),
                code: all('.cell_input').filter(shown).length,
            };
        }""",
            list(NAVIGATION),
        )
        if state["statics"] != state["charts"]:
            problems.append(
                f"{page}: {state['statics']} of {state['charts']} static chart images visible in print"
            )
        if state["live"]:
            problems.append(
                f"{page}: {state['live']} interactive chart containers visible in print"
            )
        if state["nav"]:
            problems.append(f"{page}: navigation visible in print: {state['nav']}")
        if state["code"]:
            problems.append(f"{page}: {state['code']} code cells visible in print")
        charts_printed += state["statics"]
        visit.page.emulate_media(media="screen")
        on_screen = visit.page.evaluate(
            "() => [...document.querySelectorAll('img.tp-chart-static')].filter(i => i.getClientRects().length).length"
        )
        if on_screen:
            problems.append(f"{page}: {on_screen} static chart images visible on screen")
        visit.close()
    assert not problems, "\n".join(problems)
    assert charts_printed >= 2


def test_the_static_svg_rounds_path_coordinates_but_not_text():
    frame = pd.DataFrame(
        {"x": [0.123456, 1.987654, 2.5], "y": [3.14159, 2.71828, 1.41421], "label": ["0.07272"] * 3}
    )
    base = alt.Chart(frame).encode(x="x:Q", y="y:Q")
    svg = static_svg((base.mark_line() + base.mark_text(dy=-8).encode(text="label:N")).to_dict())
    paths = re.findall(r' d="([^"]*)"', svg)
    assert paths and all(
        len(n.split(".")[1]) == 1 for d in paths for n in re.findall(r"\d+\.\d+", d)
    )
    assert ">0.07272<" in svg, "text keeps its digits"


# Words that point at what only a screen has: cells the print leaves out, a pointer, a slider.
SCREEN_ONLY = re.compile(
    r"\b(the )?cells? (below|above)\b|\bhover\b|\bdrag\b|\bclick\b|\btap\b|\bscroll\b"
    r"|\bmove (the|its) (two )?sliders?\b",
    re.I,
)


def test_the_screen_only_pattern_finds_screen_words_and_not_print_words():
    assert SCREEN_ONLY.search("The cell below holds the values")
    assert SCREEN_ONLY.search("Hover over a point; drag across the panel; click the button")
    assert SCREEN_ONLY.search("Move the two sliders to pick a point")
    assert not SCREEN_ONLY.search("The chapter's parameters cell, left out of print, holds")
    assert not SCREEN_ONLY.search("in the online book its slider changes the life")


def _pages_for_print_wording():
    from conftest import ROOT

    return [f"book/{p.stem}.html" for p in sorted((ROOT / "book").glob("*.md"))]


@pytest.mark.browser
@pytest.mark.book
@pytest.mark.parametrize("page", _pages_for_print_wording())
def test_printed_text_refers_to_nothing_only_a_screen_has(built_site, site_url, browser, page):
    if not (built_site / page).exists():
        pytest.skip(f"{page} is not in the built site")
    visit = PageVisit(browser, f"{site_url}/{page}")
    visit.page.emulate_media(media="print")
    printed = visit.page.evaluate("() => document.querySelector('main').innerText")
    visit.page.emulate_media(media="screen")
    on_screen = visit.page.evaluate("() => document.querySelector('main').innerText")
    visit.close()
    found = sorted({m[0] for m in SCREEN_ONLY.finditer(printed)})
    sentences = [s for s in re.split(r"(?<=[.;:])\s+", printed) if SCREEN_ONLY.search(s)]
    assert not found, f"{page}: printed text says {found}: {sentences[:3]}"
    # the screen keeps its own words where the print has others
    if "tp-print-only" in (built_site / page).read_text(encoding="utf-8"):
        assert printed != on_screen
