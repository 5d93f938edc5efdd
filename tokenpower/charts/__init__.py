"""The book's charts: style, palette and the offline renderer (:mod:`.style`)."""

from tokenpower.charts.style import (
    OTHER_COLOR,
    POWER_COLORS,
    color_scale,
    finish,
    land_layer,
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
    "offline_renderer",
    "power_color",
    "static_svg",
    "use_book_style",
]
