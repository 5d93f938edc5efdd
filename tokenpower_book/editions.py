"""Two editions from one source: the teacher's (with solutions) and the student's (without).

The edition is chosen when the book is built (``python -m tokenpower build --edition student``)
and reaches Sphinx through the environment variable ``TOKENPOWER_EDITION``. This extension:

- removes every solution from the student edition's pages, after sphinx-exercise has merged
  the gated ``solution-start``/``solution-end`` blocks into one node, so no solution text is in
  the HTML at all (not merely hidden);
- points the execution cache at the one the default build keeps
  (``TOKENPOWER_EXECUTION_CACHE``), so one execution serves both editions and the PDF;
- strips solutions from the downloadable notebooks of the student edition
  (:func:`strip_solutions`, called by :mod:`tokenpower_book.sphinx_notebooks`);
- gives the single-page build (the PDF's) the node handlers of the HTML builder and the whole
  book's table of contents on its first page.
"""

from __future__ import annotations

import os
import re

import nbformat
from sphinx.transforms import SphinxTransform

EDITIONS = ("teacher", "student")
EDITION_ENV = "TOKENPOWER_EDITION"
CACHE_ENV = "TOKENPOWER_EXECUTION_CACHE"
_START = re.compile(r"^(?P<f>[`:]{3,})\{solution-start\}.*?^(?P=f)[ \t]*$", re.M | re.S)
_END = re.compile(r"^(?P<f>[`:]{3,})\{solution-end\}.*?^(?P=f)[ \t]*$", re.M | re.S)
_SOLUTION = re.compile(r"^(?P<f>[`:]{3,})\{solution\}.*?^(?P=f)[ \t]*$\n?", re.M | re.S)


def edition() -> str:
    """The edition being built: ``teacher`` (the default) or ``student``."""
    value = os.environ.get(EDITION_ENV, "teacher") or "teacher"
    if value not in EDITIONS:
        raise ValueError(f"{EDITION_ENV}={value!r}: the edition is one of {', '.join(EDITIONS)}")
    return value


class RemoveSolutions(SphinxTransform):
    """In the student edition, drop every solution node (after sphinx-exercise merges them)."""

    default_priority = 15  # sphinx-exercise merges gated solutions at priority 10

    def apply(self):
        if self.config.tokenpower_edition != "student":
            return
        from sphinx_exercise.nodes import solution_end_node, solution_node, solution_start_node

        for kind in (solution_node, solution_start_node, solution_end_node):
            for node in list(self.document.findall(kind)):
                node.parent.remove(node)


def strip_solutions(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without its solutions: each ``{solution}`` block, and everything from each
    ``solution-start`` to its end.

    Markdown before a solution's start and after its end, in the same cell, is kept.
    """
    kept, inside = [], False
    for cell in nb.cells:
        text = cell.source
        if cell.cell_type != "markdown":
            if not inside:
                kept.append(cell)
            continue
        pieces, pos = [], 0
        while True:
            marker = (_END if inside else _START).search(text, pos)
            if marker is None:
                if not inside:
                    pieces.append(text[pos:])
                break
            if not inside:
                pieces.append(text[pos : marker.start()])
            inside, pos = not inside, marker.end()
        source = "\n\n".join(piece.strip() for piece in pieces if piece.strip())
        if _SOLUTION.search(source):
            source = re.sub(r"\n{3,}", "\n\n", _SOLUTION.sub("", source)).strip()
        if source == cell.source:
            kept.append(cell)
        elif source:
            kept.append(nbformat.v4.new_markdown_cell(source, metadata=cell.metadata))
    nb.cells = kept
    return nb


def _config_inited(app, config) -> None:
    config.tokenpower_edition = edition()
    cache = os.environ.get(CACHE_ENV)
    if cache:
        config.nb_execution_cache_path = cache


def _single_page_handlers(app) -> None:
    """Let the single-page builder (the PDF's) draw every node the HTML builder draws.

    Sphinx gives a builder the node handlers registered under its name, or else those of its
    format; once any extension registers a handler for ``singlehtml``, the ``html`` ones (such as
    myst-nb's folded code cells) are no longer found. Copy over those it lacks.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    single = handlers.setdefault("singlehtml", {})
    for node, pair in handlers.get("html", {}).items():
        single.setdefault(node, pair)


def _book_contents(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler: the single page prints the whole book's contents.

    The theme prints, under "Contents", what it takes for the page's own sections: the toc it
    is given less its title when that toc starts with a list of one entry. The single page's
    toc is the book's, part by part, so a first part of one chapter (the findings) made the
    theme take that chapter for a title with no sections and print no contents at all. Here
    the single page gets the book's toc whole, every part with its caption.
    """
    if app.builder.name != "singlehtml" or "generate_toc_html" not in context:
        return
    theme_toc = context["generate_toc_html"]

    def whole_toc(kind: str = "html"):
        return theme_toc("soup")

    context["generate_toc_html"] = whole_toc


def setup(app):
    app.add_config_value("tokenpower_edition", "teacher", "env")
    app.connect("config-inited", _config_inited)
    app.add_transform(RemoveSolutions)
    app.connect("builder-inited", _single_page_handlers)
    # after the theme (priority 500) has put its toc functions into the page's context
    app.connect("html-page-context", _book_contents, priority=600)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "CACHE_ENV",
    "EDITIONS",
    "EDITION_ENV",
    "RemoveSolutions",
    "edition",
    "setup",
    "strip_solutions",
]
