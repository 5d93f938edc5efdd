"""Charts that work offline, in one style for the whole book.

:func:`use_book_style` (called once at the top of every chapter) registers

* an Altair renderer, ``"offline"``, whose HTML calls ``window.vegaEmbed``
  from the copies of vega, vega-lite and vega-embed that ship in
  ``book/_static/vega`` -- no page ever loads a script from the network;
* a theme, ``"tokenpower"``: fonts, sizes and a colour-blind-safe palette
  (Okabe & Ito) with one fixed colour per power, used in every chapter.

Each chart also carries a static SVG drawing of itself, made when the chapter
executes by vl-convert (no browser, no network), as an ``<img>`` that the
book's stylesheet hides on screen and shows in print (``book/_static/book.css``).

:func:`finish` gives a chart its title, source line and text alternative,
which every chart in the book must have.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import urllib.parse
from functools import lru_cache
from hashlib import sha1
from pathlib import Path

import altair as alt

from tokenpower.charts.datapanel import panel_html

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
    "use_book_style",
    "FONT",
]

# Okabe & Ito (2008) colour-blind-safe palette, plus a brown and a grey.
POWER_COLORS: dict[str, str] = {
    "GBR": "#0072B2",  # Britain: blue
    "CHN": "#D55E00",  # China: vermillion
    "USA": "#009E73",  # United States: bluish green
    "DEU": "#000000",  # Germany: black
    "FRA": "#CC79A7",  # France: reddish purple
    "KAZ": "#E69F00",  # Kazakhstan: orange
    "RUS": "#56B4E9",  # Russia: sky blue
    "CAN": "#F0E442",  # Canada: yellow
    "DNK": "#8C6D31",  # Denmark: brown
}
OTHER_COLOR = "#999999"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
_counter = itertools.count(1)


def power_color(code: str) -> str:
    """The book's colour for a power (ISO 3166 alpha-3 code); grey for the rest.

    >>> power_color("GBR")
    '#0072B2'
    """
    return POWER_COLORS.get(code, OTHER_COLOR)


def color_scale(codes, labels: dict[str, str] | None = None) -> alt.Scale:
    """An Altair colour scale mapping each code (or its label) to its fixed colour."""
    codes = list(dict.fromkeys(codes))
    domain = [labels.get(c, c) for c in codes] if labels else codes
    return alt.Scale(domain=domain, range=[power_color(c) for c in codes])


def _theme() -> alt.theme.ThemeConfig:
    return alt.theme.ThemeConfig(
        config={
            "font": FONT,
            "view": {"continuousWidth": 560, "continuousHeight": 300, "stroke": None},
            "title": {
                "fontSize": 15,
                "anchor": "start",
                "subtitleColor": "#555555",
                "subtitleFontSize": 11,
            },
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "gridColor": "#e6e6e6"},
            "legend": {
                "labelFontSize": 11,
                "titleFontSize": 12,
                "labelLimit": 260,
                "titleLimit": 300,
            },
            "range": {"category": list(POWER_COLORS.values()) + [OTHER_COLOR]},
        }
    )


def static_svg(spec: dict) -> str | None:
    """The chart drawn once as SVG text by vl-convert, offline; None if it cannot be drawn.

    Path coordinates are rounded to 0.1 px to keep pages small.

    The Vega-Lite version is taken from the spec's ``$schema`` (e.g. ``v6.4.1``
    -> ``"6.4"``) when vl-convert ships it, so the static drawing matches the
    interactive one.
    """
    try:
        import vl_convert
    except ImportError:  # pragma: no cover - vl-convert-python is pinned in requirements.txt
        return None
    version = None
    match = re.search(r"/v(\d+)\.(\d+)", str(spec.get("$schema", "")))
    if match and f"{match[1]}.{match[2]}" in vl_convert.get_vegalite_versions():
        version = f"{match[1]}.{match[2]}"
    try:
        svg = (
            vl_convert.vegalite_to_svg(spec, vl_version=version)
            if version
            else vl_convert.vegalite_to_svg(spec)
        )
    except (
        Exception
    ):  # an unexpected spec: the page keeps its interactive chart, print shows the text
        return None
    # path coordinates to a tenth of a pixel: a map's land shrinks by a quarter, invisibly
    return re.sub(r' d="[^"]*"', lambda m: re.sub(r"(\.\d)\d+", r"\1", m[0]), svg)


def _svg_data_uri(svg: str) -> str:
    """SVG text as a ``data:`` URI, percent-encoding only what a URI or an HTML attribute needs."""
    return "data:image/svg+xml;charset=utf-8," + urllib.parse.quote(svg, safe=" :/=;,.-_()'!*~+?@$")


def offline_renderer(spec: dict, **metadata) -> dict:
    """Render a Vega-Lite spec as HTML that draws with the book's local vega-embed.

    The container carries ``role="img"`` and the chart's description as its
    ``aria-label``, and the same text in a visually hidden paragraph, so every
    chart has a text alternative; the drawn SVG is hidden from assistive
    technology (``aria-hidden``), since the container already describes it.  In the
    book the chart is drawn by ``window.tpDraw`` (``book/_static/tp-charts.js``), which
    fits it to the width of its column (legends below on a narrow screen); a chart that
    cannot fit scrolls inside the container, which then takes the keyboard focus.  A
    static SVG of the chart follows as an ``<img class="tp-chart-static">`` (hidden on
    screen, shown in print).
    """
    text = json.dumps(_land_by_reference(spec), sort_keys=True, separators=(",", ":"))
    chart_id = f"tpchart-{sha1(text.encode()).hexdigest()[:10]}-{next(_counter)}"
    alt_text = spec.get("description") or _title_text(spec) or "Chart"
    safe_json = text.replace("</", "<\\/")
    svg = static_svg(spec)
    static = (
        (
            f'<img class="tp-chart-static" alt="{html.escape(alt_text, quote=True)}" '
            f'src="{_svg_data_uri(svg)}">\n'
        )
        if svg
        else ""
    )
    markup = (
        f'<div class="tp-chart" id="{chart_id}" role="img" aria-label="{html.escape(alt_text, quote=True)}"></div>\n'
        f"{static}"
        f'<p class="tp-chart-alt">{html.escape(alt_text)}</p>\n'
        f"{panel_html(spec)}"
        "<script>(function(){"
        f"var spec={safe_json};"
        f'var el=document.getElementById("{chart_id}");'
        # the book draws every chart through tpDraw (book/_static/tp-charts.js): it fits the chart to
        # its column, puts legends below on a phone and hides the drawing from assistive technology
        "function draw(){if(window.tpDraw&&window.vegaEmbed){window.tpDraw(el,spec);}"
        # a notebook outside the book (Jupyter, Colab) with vega-embed but not the book's script
        'else if(window.vegaEmbed&&tries>100){window.vegaEmbed(el,spec,{renderer:"svg",actions:false});}'
        # where vega-embed never loads stop after 18 s: the static image shows there
        "else if(tries++<600){setTimeout(draw,30);}}"
        "var tries=0;draw();})();</script>"
    )
    return {"text/html": markup, "text/plain": f"[chart] {alt_text}"}


def _land_by_reference(spec: dict) -> dict:
    """The spec with the inline Natural Earth land replaced by a reference, ``tp-geo:land-110m.json``,
    which the book's tp-charts.js resolves to its copy in ``_static/geo`` (one file the browser
    caches, instead of 100 KB inside every map's page); the static drawing keeps the inline land."""
    land = {res: land_topojson(res) for res in ("110m",)}

    def walk(node):
        if isinstance(node, dict):
            values = node.get("values")
            for res, topo in land.items():
                if values is not None and isinstance(values, dict) and values == topo:
                    node = {k: v for k, v in node.items() if k != "values"}
                    node["url"] = f"tp-geo:land-{res}.json"
                    return node
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(spec)


def _title_text(spec: dict) -> str:
    title = spec.get("title")
    if isinstance(title, dict):
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return title or ""


def use_book_style() -> None:
    """Register and enable the offline renderer and the book's theme."""
    if "offline" not in alt.renderers.names():
        alt.renderers.register("offline", offline_renderer)
    alt.renderers.enable("offline")
    if "tokenpower" not in alt.theme.names():
        alt.theme.register("tokenpower", enable=False)(_theme)
    alt.theme.enable("tokenpower")


def finish(
    chart: alt.TopLevelMixin, *, title: str, alt_text: str, source: str, subtitle: str | None = None
):
    """Give a chart its title, a source line and its text alternative.

    ``alt_text`` says in words what the chart shows (it becomes the chart's
    description and the page's text alternative); ``source`` names the data,
    e.g. ``"Data: CBECI via data/btc_electricity_monthly.csv"``.
    """
    if not alt_text.strip():
        raise ValueError("every chart needs a text alternative (alt_text)")
    lines = [subtitle] if subtitle else []
    lines.append(source)
    # the source line again, by itself, for the data panel under the chart (.datapanel)
    return chart.properties(
        title=alt.Title(title, subtitle=lines),
        description=alt_text,
        usermeta={"tokenpower": {"source": source}},
    )


@lru_cache(maxsize=2)
def land_topojson(resolution: str = "110m") -> dict:
    """Natural Earth land (world-atlas, public domain) shipped in ``book/_static/geo``
    (in ``tokenpower/_geo`` when the package is installed without the checkout).

    Returned as a dict, to embed inline in a chart spec so that maps draw with
    no request at all (``alt.Data(values=..., format=alt.DataFormat(type="topojson",
    feature="land"))``).
    """
    name = f"land-{resolution}.json"
    path = Path(__file__).resolve().parents[2] / "book" / "_static" / "geo" / name
    if not path.exists():  # a non-editable install ships a copy
        path = Path(__file__).resolve().parents[1] / "_geo" / name
    return json.loads(path.read_text(encoding="utf-8"))


def land_layer(fill: str = "#eeeeee", stroke: str = "#bbbbbb") -> alt.Chart:
    """Natural Earth land as an Altair layer, embedded inline (no request).

    Layer it under points or arcs and set the projection on the layered chart,
    e.g. ``(land_layer() + arcs).project("equalEarth")``.
    """
    data = alt.Data(values=land_topojson(), format=alt.DataFormat(type="topojson", feature="land"))
    return alt.Chart(data).mark_geoshape(fill=fill, stroke=stroke, strokeWidth=0.5)
