"""Every executable chapter as a downloadable Jupyter notebook.

A Sphinx extension (listed in ``_config.yml`` under ``sphinx.extra_extensions``):

* on ``build-finished`` it converts each executable chapter (``book/*.md``
  with a kernelspec, see :func:`tokenpower_book.runner.chapters`) with jupytext and
  writes ``<outdir>/notebooks/<stem>.ipynb``;
* on ``html-page-context`` it adds a "Download this chapter as a notebook"
  link under the title of each chapter page.

The notebook holds the chapter's cells, unexecuted, after one setup cell
(:func:`setup_cell_source`) that makes it run outside this repository: where
``tokenpower`` is not importable (Colab, a fresh Jupyter) it clones the
book's repository (``repository.url`` of ``_config.yml``), installs it with
``pip install -e`` and points ``TOKENPOWER_DATA_DIR`` at the clone's
``data/``; where the package is installed it does nothing.
"""

from __future__ import annotations

import html
from pathlib import Path

import jupytext
import nbformat

from tokenpower_book.editions import strip_solutions

SETUP_TAG = "tokenpower-setup"
NOTEBOOK_DIR = "notebooks"
LINK_CLASS = "tp-notebook-download"


def setup_cell_source(repository_url: str, branch: str = "main") -> str:
    """Python source of the first cell of a downloaded chapter.

    Parameters: ``repository_url``, the book's git repository (https);
    ``branch``, the branch to clone.  Returns the cell's source text.
    """
    folder = repository_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or "book"
    return f"""# Setup, added to the downloaded notebook: install the book's package where it is missing
# (Colab, a fresh Jupyter); where it is installed, this cell does nothing.
import importlib.util, os, subprocess, sys

if importlib.util.find_spec("tokenpower") is None:
    _repository = os.path.abspath({folder!r})
    if not os.path.isdir(_repository):
        subprocess.run(["git", "clone", "--depth", "1", "--branch", {branch!r},
                        {repository_url!r}, _repository], check=True)
    _missing = [] if importlib.util.find_spec("myst_nb") else ["myst-nb"]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", _repository, *_missing], check=True)
    os.environ["TOKENPOWER_DATA_DIR"] = os.path.join(_repository, "data")
    sys.path.insert(0, _repository)  # the editable install is seen by this kernel only after a restart
    importlib.invalidate_caches()
"""


def chapter_notebook(
    path: Path, repository_url: str, branch: str = "main"
) -> nbformat.NotebookNode:
    """The chapter at ``path`` (MyST Markdown notebook) as an nbformat v4 notebook.

    Returns the chapter's cells, in order and unexecuted, preceded by the
    setup cell (tagged ``tokenpower-setup``), with the chapter's kernelspec.
    """
    nb = jupytext.read(Path(path))
    nb.metadata.pop("jupytext", None)
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    nb.metadata.setdefault("language_info", {"name": "python"})
    setup = nbformat.v4.new_code_cell(
        setup_cell_source(repository_url, branch), metadata={"tags": [SETUP_TAG]}
    )
    nb.cells.insert(0, setup)
    nb.nbformat, nb.nbformat_minor = 4, max(nb.get("nbformat_minor", 5), 5)
    for index, cell in enumerate(nb.cells):  # stable cell ids, so a rebuild writes the same file
        cell["id"] = f"cell-{index}"
    nbformat.validate(nb)
    return nb


def _chapters(app) -> dict[str, Path]:
    from tokenpower_book.runner import chapters

    found = chapters(Path(app.srcdir))
    return {
        f"book/{stem}": path for stem, path in found.items() if f"book/{stem}" in app.env.found_docs
    }


def repository(config_path: Path) -> tuple[str, str]:
    """``repository.url`` and ``repository.branch`` (default ``main``) of a Jupyter Book ``_config.yml``."""
    import yaml

    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    section = config.get("repository") or {}
    if not section.get("url"):
        raise ValueError(f"{config_path} has no repository.url: the downloaded notebooks need it")
    return section["url"], section.get("branch") or "main"


def write_notebooks(app, exception) -> None:
    """``build-finished`` handler: write ``notebooks/<stem>.ipynb`` for every chapter."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / NOTEBOOK_DIR
    target.mkdir(parents=True, exist_ok=True)
    url, branch = repository(Path(app.srcdir) / "_config.yml")
    for _docname, path in _chapters(app).items():
        nb = chapter_notebook(path, url, branch)
        if getattr(app.config, "tokenpower_edition", "teacher") == "student":
            nb = strip_solutions(nb)
        text = nbformat.writes(nb)
        (target / f"{path.stem}.ipynb").write_text(text, encoding="utf-8")


def add_download_link(app, pagename, templatename, context, doctree) -> None:
    """``html-page-context`` handler: a download link under a chapter's title."""
    if doctree is None or "body" not in context or pagename not in _chapters(app):
        return
    href = context["pathto"](f"{NOTEBOOK_DIR}/{pagename.rsplit('/', 1)[-1]}.ipynb", 1)
    link = (
        f'<p class="{LINK_CLASS}"><a href="{html.escape(href, quote=True)}" download>'
        "Download this chapter as a notebook</a> (runs in Jupyter or Colab)</p>"
    )
    body = context["body"]
    end = body.find("</h1>")
    context["body"] = body[: end + 5] + "\n" + link + body[end + 5 :] if end >= 0 else link + body


def setup(app):
    app.connect("html-page-context", add_download_link)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "chapter_notebook",
    "repository",
    "setup_cell_source",
    "write_notebooks",
    "add_download_link",
    "SETUP_TAG",
    "NOTEBOOK_DIR",
    "LINK_CLASS",
    "setup",
]
