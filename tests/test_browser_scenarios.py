"""The explorable scenario grid in headless Chromium: each slider redraws the chart.

Chapter 5 (chip bans) always carries the grid; chapter 6 (sovereignty) is
checked too when its page is in the built site.  Moving either slider of
the chart with two range inputs must change its SVG, with no kernel; the sliders'
positions are kept in the page's address, and opening that address draws the same chart.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from conftest import PageVisit

pytestmark = [pytest.mark.browser, pytest.mark.book]

CHAPTER_5 = "book/05-chip-bans.html"
CHAPTER_6 = "book/06-sovereignty.html"


def _explorable(visit):
    """The chart container whose chart has two range sliders (severity and strictness)."""
    charts = visit.page.locator(".tp-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        if chart.locator("input[type=range]").count() == 2:
            return chart
    raise AssertionError("no chart with two sliders on the page")


def _svg(chart) -> str:
    return chart.evaluate("el => el.querySelector('svg').innerHTML")


def _set(visit, slider, value):
    slider.evaluate(
        f"el => {{ el.value = {value}; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
    )
    visit.page.wait_for_timeout(300)


def _check_page(browser, url):
    visit = PageVisit(browser, url)
    assert visit.wait_for_charts() >= 1
    chart = _explorable(visit)
    chart.scroll_into_view_if_needed()
    sliders = chart.locator("input[type=range]")
    names = chart.evaluate(
        "el => [...el.querySelectorAll('input[type=range]')].map(i => i.closest('label, div').textContent)"
    )
    assert any("severity" in n.lower() for n in names) and any(
        "strictness" in n.lower() for n in names
    ), names
    for i in range(2):
        slider = sliders.nth(i)
        assert slider.get_attribute("min") == "0" and slider.get_attribute("max") == "1"
        _set(visit, slider, 0)
        before = _svg(chart)
        _set(visit, slider, 1)
        after = _svg(chart)
        assert after != before, f"moving slider {i} ({names[i].strip()}) did not redraw the chart"
        _set(visit, slider, 0)
        assert _svg(chart) == before, f"moving slider {i} back did not restore the chart"
    # a permalink: the sliders' positions are in the page's address, and opening it restores them
    step = float(sliders.nth(1).get_attribute("step"))
    _set(visit, sliders.nth(0), 1)
    _set(visit, sliders.nth(1), 2 * step)
    drawn, link = _svg(chart), visit.page.url
    query = parse_qs(urlparse(link).query)
    assert sorted(float(v[0]) for v in query.values()) == pytest.approx([2 * step, 1.0]), link
    assert visit.errors == [] and visit.blocked == []
    visit.close()
    shared = PageVisit(browser, link)
    shared.wait_for_charts()
    chart = _explorable(shared)
    values = chart.evaluate(
        "el => [...el.querySelectorAll('input[type=range]')].map(i => parseFloat(i.value))"
    )
    assert values == pytest.approx([1.0, 2 * step]), f"{link} opened with the sliders at {values}"
    assert _svg(chart) == drawn, f"{link} did not draw the chart the link was copied from"
    assert shared.errors == []
    shared.close()


def test_each_slider_redraws_the_explorable_grid_on_the_scenario_chapters(
    built_site, site_url, browser
):
    assert (built_site / CHAPTER_5).exists(), "chapter 5 is not in the built site"
    pages = [CHAPTER_5] + ([CHAPTER_6] if (built_site / CHAPTER_6).exists() else [])
    for page in pages:
        _check_page(browser, f"{site_url}/{page}")
