"""A Sphinx extension that makes the pages lighter, with no visible change.

* **Highlighted code.** Pygments wraps every token of a code cell in a ``<span>`` with its
  class; on a chapter page these spans were half the page's weight. In the theme's colours
  (light and dark) names, punctuation and white space (:data:`PLAIN`) take the code block's own
  colour, so their spans change nothing on screen or in print: their text is kept, the spans go.
  A test reads the built ``_static/pygments.css`` and checks that the classes are still plain.
* **Citations.** Each citation links to its entry in the references and carries the whole entry
  again as its tooltip (``title``). A page that cites one source many times (the data appendix
  cites hundreds) keeps the tooltip on the first citation of each source and drops the repeats;
  every citation still links to the entry.
"""

from __future__ import annotations

import re

__all__ = ["PLAIN", "drop_repeated_tooltips", "setup", "unwrap_plain"]

PLAIN = ("n", "nn", "nx", "p", "pm", "w")
"""Pygments classes drawn in the code block's own colour, in both colour modes of the theme."""

_BLOCK = re.compile(r'(<div class="highlight"><pre>)(.*?)(</pre>)', re.S)
_SPAN = re.compile(r'<span class="(?:' + "|".join(PLAIN) + r')">([^<]*)</span>')
_CITATION = re.compile(r'(<a class="reference internal" href="([^"]*)") title="[^"]*">')


def unwrap_plain(body: str) -> str:
    """``body`` with the spans of plain tokens inside highlighted code replaced by their text."""
    return _BLOCK.sub(lambda m: m[1] + _SPAN.sub(r"\1", m[2]) + m[3], body)


def drop_repeated_tooltips(body: str) -> str:
    """``body`` with the tooltip of every internal link after the first to the same target dropped."""
    seen: set[str] = set()

    def once(match: re.Match) -> str:
        if match[2] in seen:
            return match[1] + ">"
        seen.add(match[2])
        return match[0]

    return _CITATION.sub(once, body)


def _page_context(app, pagename, templatename, context, doctree) -> None:
    if "body" not in context:
        return
    body = context["body"]
    if '<div class="highlight">' in body:
        body = unwrap_plain(body)
    if 'class="reference internal"' in body:
        body = drop_repeated_tooltips(body)
    context["body"] = body


def setup(app):
    app.connect("html-page-context", _page_context)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
