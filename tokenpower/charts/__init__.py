"""The book's charts: style, palette and the offline renderer (:mod:`.style`), shared figures (:mod:`.figures`)."""

from tokenpower.charts.figures import tornado_chart
from tokenpower.charts.style import (
    OTHER_COLOR,
    POWER_COLORS,
    color_scale,
    finish,
    land_layer,
    land_topojson,
    offline_renderer,
    power_color,
    static_svg,
    use_book_style,
)

__all__ = [
    "OTHER_COLOR",
    "POWER_COLORS",
    "color_scale",
    "finish",
    "land_layer",
    "land_topojson",
    "offline_renderer",
    "power_color",
    "static_svg",
    "tornado_chart",
    "use_book_style",
]
