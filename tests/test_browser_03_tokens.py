"""Chapter 3 in headless Chromium: the ban-premium slider redraws the cost chart."""

from __future__ import annotations

import pytest
from conftest import PageVisit

pytestmark = [pytest.mark.browser, pytest.mark.book]

PAGE = "book/03-tokens.html"


def _ban_chart(visit):
    """The chart container of fig-03-ban: the one whose chart has a range slider."""
    charts = visit.page.locator(".tp-chart")
    for i in range(charts.count()):
        chart = charts.nth(i)
        if chart.locator("input[type=range]").count():
            return chart
    raise AssertionError("no chart with a slider on the tokens page")


def _bar_widths(chart) -> list[float]:
    return chart.evaluate(
        "el => [...el.querySelectorAll('g.mark-rect path')].map(p => p.getBoundingClientRect().width)"
    )


def test_the_ban_premium_slider_lengthens_only_the_controlled_chips_bars(
    built_site, site_url, browser
):
    visit = PageVisit(browser, f"{site_url}/{PAGE}")
    assert visit.wait_for_charts() >= 8
    chart = _ban_chart(visit)
    chart.scroll_into_view_if_needed()
    slider = chart.locator("input[type=range]")
    assert slider.get_attribute("min") == "0" and slider.get_attribute("max") == "200"
    slider.evaluate(
        "el => { el.value = 0; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    visit.page.wait_for_timeout(300)
    before = _bar_widths(chart)
    slider.evaluate(
        "el => { el.value = 200; el.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    visit.page.wait_for_timeout(300)
    after = _bar_widths(chart)
    # one bar per accelerator at every position of the slider; the x scale is fixed, so widths are costs
    assert len(before) == len(after) == 7
    assert sum(after) > sum(before) + 5, (
        "tripling the price of controlled chips did not lengthen the bars"
    )
    unchanged = [a for a in after if any(abs(a - b) < 0.5 for b in before)]
    assert len(unchanged) >= 3, "the bars of domestic and licensed chips should not move"
    assert visit.errors == [] and visit.blocked == []
    visit.close()
