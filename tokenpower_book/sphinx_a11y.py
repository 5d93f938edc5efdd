"""A Sphinx extension that fixes markup the book's toolchain writes against WCAG.

docutils writes each bibliography entry of ``book/references.md`` as
``role="doc-biblioentry"`` inside a ``role="list"``; DPUB-ARIA 1.1 deprecated
that role and browsers and audits (axe-core's aria-required-children) do not
count it as a list item, so the list has no items.  The entries become
``role="listitem"``, the role DPUB-ARIA recommends instead.

WCAG 2.5.3 (label in name) asks that a control's accessible name contain its visible text.
The theme's search field shows "Search Ctrl+K" but is named "Search", and myst-nb names the
"Show code cell source" toggles "Toggle hidden content"; both lose their ``aria-label`` so that
they are named by what they show. The colour-mode button is named "Color mode" and holds three
icons whose titles ("Light", "Dark", "System Settings") count as its text; the icons are
decorative beside that name, so they lose their titles and are hidden from assistive technology. These controls are
written by the theme's templates, outside the page body, so the fixes are made in the written
files (:func:`fix_html`) when the build finishes.
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["PAGE_FIXES", "REPLACEMENTS", "fix_body", "fix_html", "fix_page", "fix_site", "setup"]


REPLACEMENTS = (('role="doc-biblioentry"', 'role="listitem"'),)


def fix_body(body: str) -> str:
    """The page body with every replacement of :data:`REPLACEMENTS` made."""
    for old, new in REPLACEMENTS:
        body = body.replace(old, new)
    return body


def fix_page(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler."""
    if "body" in context:
        context["body"] = fix_body(context["body"])


PAGE_FIXES = (
    # the search field: named by its visible text ("Search Ctrl+K")
    (re.compile(r'(<button class="btn search-button-field[^"]*"[^>]*?) aria-label="[^"]*"'), r"\1"),
    # myst-nb's toggles of folded code: named by the visible "Show/Hide code cell ..."
    (re.compile(r'<summary aria-label="Toggle hidden content">'), "<summary>"),
    # the colour-mode button's icons: decorative beside the button's name (the icon font's
    # script turns a titled icon into a titled image, so the titles go too)
    (re.compile(r'(<i class="theme-switch [^"]*"[^>]*?) title="[^"]*"'), r"\1"),
    (re.compile(r'(<i class="theme-switch [^"]*")(?![^>]*aria-hidden)'), r'\1 aria-hidden="true"'),
)


def fix_html(text: str) -> str:
    """A written page with every fix of :data:`PAGE_FIXES` made."""
    for pattern, replacement in PAGE_FIXES:
        text = pattern.sub(replacement, text)
    return text


def fix_site(app, exception) -> None:
    """``build-finished`` handler: fix every HTML page the builder wrote."""
    if exception is not None or app.builder.format != "html":
        return
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = fix_html(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", fix_page)
    app.connect("build-finished", fix_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
