"""A Sphinx extension that moves the charts' print-only drawings out of the pages.

Each chart carries a static SVG drawing for print (``img.tp-chart-static``, made by vl-convert
when the chapter executes, hidden on screen). The chapter's output holds it as a ``data:`` URI;
inline, these drawings were two thirds of a chapter page's weight. This extension writes each
one to ``_images/print/<hash>.svg`` in the built site and points the image at that file, so a
page carries only its text and live charts, and the drawings are separate files the browser
keeps in its cache. Identical drawings share one file.
"""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from pathlib import Path

FOLDER = "_images/print"
_STATIC = re.compile(
    r'(<img class="tp-chart-static"[^>]*?) src="data:image/svg\+xml;charset=utf-8,([^"]*)"'
)


def externalise(body: str, write, link) -> str:
    """``body`` with each inline print drawing replaced by a link to a file.

    ``write(name, svg_text)`` stores a drawing; ``link(name)`` gives the page's URL for it.
    """

    def replace(match: re.Match) -> str:
        svg = urllib.parse.unquote(match[2])
        name = hashlib.sha1(svg.encode("utf-8")).hexdigest()[:16] + ".svg"
        write(name, svg)
        return f'{match[1]} src="{link(name)}"'

    return _STATIC.sub(replace, body)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context or "tp-chart-static" not in context["body"]:
        return
    folder = Path(app.outdir) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, svg: str) -> None:
        path = folder / name
        if not path.exists():
            path.write_text(svg, encoding="utf-8")

    context["body"] = externalise(
        context["body"], write, lambda name: context["pathto"](f"{FOLDER}/{name}", 1)
    )


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["FOLDER", "externalise", "setup"]
