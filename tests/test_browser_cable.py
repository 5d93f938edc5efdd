"""Chapter 1 in headless Chromium: the year slider redraws the cable map.

The expected number of drawn arcs in a year is worked out from the data
(the cables that worked in that year, one line per piece of arc), not read
from the page.  Debian's chromium is required; a missing browser fails.
"""

from __future__ import annotations

import pytest
from conftest import PageVisit

from tokenpower.data import load
from tokenpower.models.telegraph import cable_arc_table

pytestmark = [pytest.mark.browser, pytest.mark.book]

ARC_PATHS = "el => el.querySelectorAll('g.mark-line path').length"


def _expected_lines(year: int) -> int:
    """Lines the map should draw in ``year``: cables open by then and not yet dead, antimeridian pieces apart."""
    cables, hubs = load("telegraph_cables"), load("telegraph_hubs")
    alive = cables[
        (cables["year_used"] <= year)
        & (cables["year_closed"].isna() | (cables["year_closed"] >= year))
    ]
    arcs = cable_arc_table(alive.reset_index(drop=True), hubs)
    return arcs["segment"].nunique()


def _move_slider(page, chart, year: int, expected: int):
    chart.locator("input[type=range]").evaluate(
        "(input, year) => { input.value = String(year); input.dispatchEvent(new Event('input', {bubbles: true})); }",
        year,
    )
    try:
        page.wait_for_function(
            "([el, n]) => el.querySelectorAll('g.mark-line path').length === n",
            arg=[chart.element_handle(), expected],
            timeout=5000,
        )
    except Exception:
        pass  # the assertions below say what was drawn instead
    return chart.evaluate(ARC_PATHS), chart.locator("svg").first.inner_html()


def test_moving_the_year_slider_redraws_the_cable_map(built_site, site_url, browser):
    visit = PageVisit(browser, f"{site_url}/book/01-cable.html")
    visit.wait_for_charts()
    page = visit.page
    chart = page.locator(".tp-chart", has=page.locator("input[type=range]"))
    assert chart.count() == 1, "the chapter has one chart with a year slider"
    chart.scroll_into_view_if_needed()
    slider = chart.locator("input[type=range]")
    assert (slider.get_attribute("min"), slider.get_attribute("max")) == ("1851", "1914")
    start = int(slider.input_value())
    assert chart.evaluate(ARC_PATHS) == _expected_lines(start)

    want_1858, want_1914 = _expected_lines(1858), _expected_lines(1914)
    assert want_1858 < want_1914
    lines_1858, svg_1858 = _move_slider(page, chart, 1858, want_1858)
    lines_1914, svg_1914 = _move_slider(page, chart, 1914, want_1914)
    assert lines_1858 == want_1858, f"in 1858 the map draws {lines_1858} arcs, expected {want_1858}"
    assert lines_1914 == want_1914, f"in 1914 the map draws {lines_1914} arcs, expected {want_1914}"
    assert svg_1858 != svg_1914, "moving the slider did not redraw the map"
    # and back: the same year draws the same picture
    lines_again, svg_again = _move_slider(page, chart, 1858, want_1858)
    assert (lines_again, svg_again) == (lines_1858, svg_1858)
    assert visit.errors == [] and visit.blocked == []
    visit.close()
