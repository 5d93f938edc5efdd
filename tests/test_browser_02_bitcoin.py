"""Chapter 2 in headless Chromium: the machine-life slider redraws the electricity-share chart."""

from __future__ import annotations

import pytest
from conftest import PageVisit

pytestmark = [pytest.mark.browser, pytest.mark.book]

PAGE = "book/02-bitcoin.html"


def test_the_life_slider_redraws_the_electricity_share_chart(built_site, site_url, browser):
    assert (built_site / PAGE).exists(), "chapter 2 is missing from the built site"
    visit = PageVisit(browser, f"{site_url}/{PAGE}")
    visit.wait_for_charts()
    chart = visit.page.locator('.tp-chart[aria-label^="Line chart of electricity"]')
    assert chart.count() == 1, "the electricity-share chart is not on the page"
    chart.scroll_into_view_if_needed()
    slider = chart.locator('input[type="range"]')
    assert slider.count() == 1, "the chart has no slider"
    start = float(slider.input_value())
    path_before = chart.locator("svg g.mark-line path").first.get_attribute("d")
    target = 2 if start != 2 else 5
    slider.evaluate(
        f"(el) => {{ el.value = '{target}'; el.dispatchEvent(new Event('input', {{bubbles: true}})); }}"
    )
    visit.page.wait_for_timeout(300)
    path_after = chart.locator("svg g.mark-line path").first.get_attribute("d")
    assert path_after != path_before, "moving the slider did not redraw the curves"
    assert visit.errors == [] and visit.blocked == []
    visit.close()
