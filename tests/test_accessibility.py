"""Accessibility of every page of the built book, in headless Chromium.

* axe-core (``tests/axe/axe.min.js``, from the npm registry; a test tool, not
  shipped with the book) audits each page against WCAG 2.0 to 2.2 A and AA, after
  the charts are drawn, in the theme's light and dark modes: no violation of
  impact "serious" or "critical" is allowed.
* At 360 px wide (a small phone) no page scrolls sideways, and no chart is
  drawn wider than its column (tp-charts.js fits each one).  A screenshot of each
  page at that width is kept in pytest's temporary folder for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import PageVisit, site_pages

from tokenpower_book.sphinx_a11y import fix_body

pytestmark = [pytest.mark.browser, pytest.mark.book]

AXE = Path(__file__).resolve().parent / "axe" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")
NARROW = 360
TOLERANCE_PX = 2

AXE_RUN = """async () => {
    const tags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
    const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
    return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        targets: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: '
            + (n.failureSummary || '').split('\\n').slice(1, 2).join(''))}));
}"""


def blocking_violations(violations: list[dict]) -> list[dict]:
    """The axe violations whose impact is serious or critical."""
    return [v for v in violations if v.get("impact") in BLOCKING_IMPACTS]


def describe(page: str, violations: list[dict]) -> str:
    """One readable block per violation: page, rule, impact, help, the first offending elements."""
    lines = []
    for v in violations:
        lines.append(f"{page}: [{v['impact']}] {v['id']}: {v['help']}")
        lines.extend(f"    {target}" for target in v["targets"])
    return "\n".join(lines)


def test_blocking_violations_keeps_only_serious_and_critical():
    found = [
        {"id": "a", "impact": "minor"},
        {"id": "b", "impact": "serious"},
        {"id": "c", "impact": "critical"},
        {"id": "d", "impact": "moderate"},
        {"id": "e", "impact": None},
    ]
    assert [v["id"] for v in blocking_violations(found)] == ["b", "c"]


def test_bibliography_entries_become_list_items():
    body = (
        '<div role="list" class="citation-list"><div class="citation" id="a" role="doc-biblioentry">'
        '<span class="label">[a]</span><p>A.</p></div></div>'
    )
    fixed = fix_body(body)
    assert fixed.count('role="listitem"') == 1 and "doc-biblioentry" not in fixed
    assert fixed.replace('role="listitem"', 'role="doc-biblioentry"') == body


def test_axe_core_ships_with_the_tests_with_its_licence():
    assert AXE.stat().st_size > 100_000
    assert AXE.read_text(encoding="utf-8")[:40].startswith("/*! axe v4")
    assert (AXE.parent / "LICENSE").read_text().startswith("Mozilla Public License")


def test_axe_finds_a_planted_violation(site_url, browser):
    """The audit can fail: an image without a text alternative is a critical violation."""
    visit = PageVisit(browser, f"{site_url}/book/intro.html")
    visit.page.evaluate("""() => { const img = document.createElement('img');
        img.src = 'data:image/gif;base64,R0lGODlhAQABAAAAACw='; document.querySelector('main').appendChild(img); }""")
    visit.page.add_script_tag(path=str(AXE))
    found = blocking_violations(visit.page.evaluate(AXE_RUN))
    visit.close()
    assert "image-alt" in [v["id"] for v in found]


def test_every_page_has_no_serious_or_critical_wcag_violation(built_site, site_url, browser):
    pages = site_pages(built_site)
    assert "book/intro.html" in pages
    problems = []
    for page in pages:
        visit = PageVisit(browser, f"{site_url}/{page}")
        if visit.wait_for_charts():  # drawn, and handed to assistive technology as one image each
            visit.page.wait_for_function(
                "() => [...document.querySelectorAll('.tp-chart svg')].every(s => s.hasAttribute('aria-hidden'))"
            )
        visit.page.add_script_tag(path=str(AXE))
        for mode in ("light", "dark"):  # the theme's colour modes, switched as its own button does
            visit.page.evaluate("(m) => { document.documentElement.dataset.theme = m; }", mode)
            visit.page.wait_for_timeout(800)  # the theme's colour transitions end
            found = blocking_violations(visit.page.evaluate(AXE_RUN))
            if found:
                problems.append(describe(f"{page} ({mode} mode)", found))
        visit.close()
    assert not problems, (
        "axe-core found serious or critical WCAG 2.2 A/AA violations:\n" + "\n".join(problems)
    )


def test_every_page_fits_a_narrow_phone_screen(built_site, site_url, browser, tmp_path_factory):
    shots = tmp_path_factory.mktemp("narrow-screenshots")
    pages = site_pages(built_site)
    too_wide = []
    for page in pages:
        visit = PageVisit(browser, f"{site_url}/{page}", width=NARROW)
        visit.wait_for_charts()
        width = visit.page.evaluate("() => document.documentElement.scrollWidth")
        if width > NARROW + TOLERANCE_PX:
            culprits = visit.page.evaluate(
                """(limit) => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > limit
                    && !e.closest('.tp-chart, .highlight, table, .MathJax, mjx-container'))
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className && typeof e.className === 'string'
                    ? '.' + e.className.trim().split(/\\s+/).join('.') : '')
                    + ' right=' + Math.round(e.getBoundingClientRect().right))""",
                NARROW + TOLERANCE_PX,
            )
            too_wide.append(f"{page}: scrollWidth {width} px; widest elements: {culprits}")
        charts = visit.charts_wider_than_their_column(TOLERANCE_PX)
        if charts:
            too_wide.append(f"{page}: charts wider than their column: {charts}")
        visit.page.screenshot(path=str(shots / (page.replace("/", "_") + ".png")), full_page=True)
        visit.close()
    assert len(list(shots.glob("*.png"))) == len(pages)
    assert not too_wide, f"pages wider than {NARROW} px (screenshots in {shots}):\n" + "\n".join(
        too_wide
    )
