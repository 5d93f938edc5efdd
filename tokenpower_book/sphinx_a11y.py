"""A Sphinx extension that fixes markup the book's toolchain writes against WCAG.

docutils writes each bibliography entry of ``book/references.md`` as
``role="doc-biblioentry"`` inside a ``role="list"``; DPUB-ARIA 1.1 deprecated
that role and browsers and audits (axe-core's aria-required-children) do not
count it as a list item, so the list has no items.  The entries become
``role="listitem"``, the role DPUB-ARIA recommends instead.
"""

from __future__ import annotations

__all__ = ["REPLACEMENTS", "fix_body", "fix_page", "setup"]


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


def setup(app):
    app.connect("html-page-context", fix_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
