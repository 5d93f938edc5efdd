"""A Sphinx extension that keeps the built book offline.

Jupyter Book 1 always loads sphinx-thebe, which adds a script pointing at a
CDN copy of thebe (and declares it twice, a console error) even when the
launch button is off.  The book has no live kernel, so this extension drops
every thebe script from every page.
"""

from __future__ import annotations

__all__ = ["drop_thebe", "setup"]


def _is_thebe(script) -> bool:
    name = str(getattr(script, "filename", script) or "")
    body = str(getattr(script, "attributes", {}).get("body", ""))
    return "thebe" in name.lower() or "THEBE_JS_URL" in body


def drop_thebe(app, pagename, templatename, context, doctree):
    """``html-page-context`` handler: remove thebe scripts from the page."""
    if "script_files" in context:
        context["script_files"] = [s for s in context["script_files"] if not _is_thebe(s)]


def setup(app):
    app.connect("html-page-context", drop_thebe, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
