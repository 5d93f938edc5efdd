"""A Sphinx extension that writes each chart's data panel files beside its page.

Under every chart the offline renderer puts a data panel (:mod:`tokenpower.charts.datapanel`):
the chart's sources in words, a link to its rows as CSV and one to a note about them. In the
chapter's output both links are ``data:`` URIs, which work in a notebook. This extension writes
each one to ``_data/<page>/<figure>.csv`` and ``.txt`` in the built site, fills the note's
command in with the page's name (``python -m tokenpower run 03-tokens``) and points the links
at the files, so the page does not carry its charts' data twice and the downloads work offline.
Two charts of one page with the same title get ``-2``, ``-3`` ... after the second's name.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

from tokenpower.charts.datapanel import CHAPTER_PLACEHOLDER

__all__ = ["FOLDER", "externalise", "setup"]

FOLDER = "_data"
_LINK = re.compile(
    r'<a class="tp-chart-(?P<kind>csv|about)" download="(?P<name>[^"]+)"(?P<rest>[^>]*?) '
    r'href="data:[^,"]*,(?P<data>[^"]*)"'
)
_PANEL = re.compile(r'<p class="tp-chart-data">.*?</p>', re.S)


def externalise(body: str, page: str, write, link) -> str:
    """``body`` with each chart's data links replaced by links to files of ``page``.

    ``write(name, text)`` stores a file of the page; ``link(name)`` gives the page's URL for it.
    """
    used: dict[str, int] = {}

    def panel(match: re.Match) -> str:
        links = {m["kind"]: m for m in _LINK.finditer(match[0])}
        if "csv" not in links:
            return match[0]
        stem = links["csv"]["name"].removesuffix(".csv")
        used[stem] = used.get(stem, 0) + 1
        if used[stem] > 1:
            stem = f"{stem}-{used[stem]}"
        names = {"csv": f"{stem}.csv", "about": f"{stem}.txt"}
        for kind, m in links.items():
            text = urllib.parse.unquote(m["data"])
            if kind == "about":
                text = text.replace(CHAPTER_PLACEHOLDER, page).replace(
                    links["csv"]["name"], names["csv"]
                )
            write(names[kind], text)

        def relink(m: re.Match) -> str:
            name = names[m["kind"]]
            return (
                f'<a class="tp-chart-{m["kind"]}" download="{name}"{m["rest"]} href="{link(name)}"'
            )

        return _LINK.sub(relink, match[0])

    return _PANEL.sub(panel, body)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context or "tp-chart-data" not in context["body"]:
        return
    page = Path(pagename).name
    folder = Path(app.outdir) / FOLDER / page
    folder.mkdir(parents=True, exist_ok=True)

    def write(name: str, text: str) -> None:
        (folder / name).write_text(text, encoding="utf-8")

    context["body"] = externalise(
        context["body"],
        page,
        write,
        lambda name: context["pathto"](f"{FOLDER}/{page}/{name}", 1),
    )


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
