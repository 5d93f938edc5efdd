"""Every executable chapter as a downloadable Jupyter notebook.

A Sphinx extension (listed in ``_config.yml`` under ``sphinx.extra_extensions``):

* on ``build-finished`` it converts each executable chapter (``book/*.md``
  with a kernelspec, see :func:`tokenpower_book.runner.chapters`) with jupytext and
  writes ``<outdir>/notebooks/<stem>.ipynb``;
* on ``html-page-context`` it adds a "Download this chapter as a notebook"
  link under the title of each chapter page.

The notebook holds the chapter's cells, unexecuted, after one setup cell
(:func:`setup_cell_source`): where ``tokenpower`` imports it does nothing;
otherwise it installs the package from a checkout of the book it finds in
the working folder or above it.  It fetches code from a repository only when
the book was built with one: ``repository.url`` in ``_config.yml``, which
has no default and must be a real ``https://host/owner/name`` address.
Without it the cell stops with a message saying how to install the package,
and (on ``config-inited``) the theme shows no repository button and no link
to a forge: Jupyter Book's own default repository URL is dropped.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import jupytext
import nbformat

from tokenpower_book.editions import strip_solutions

SETUP_TAG = "tokenpower-setup"
NOTEBOOK_DIR = "notebooks"
LINK_CLASS = "tp-notebook-download"


REPOSITORY_URL = re.compile(r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}/[\w.-]+/[\w.-]+?(\.git)?/?$")
PLACEHOLDERS = ("example", "your-", "<", "placeholder")

HOW_TO_INSTALL = (
    "This notebook needs the book's Python package, tokenpower, which is not installed here "
    "and no copy of the book's repository was found in this folder or above it. Install it "
    "from a copy of the repository (python -m pip install /path/to/the/repository), or open "
    "this notebook inside that copy, then run this cell again."
)


def setup_cell_source(repository_url: str | None = None, branch: str = "main") -> str:
    """Python source of the first cell of a downloaded chapter.

    Where ``tokenpower`` imports, the cell does nothing.  Otherwise it looks
    for a checkout of the book (a folder with ``pyproject.toml``,
    ``tokenpower/`` and ``data/datapackage.json``) in the working folder and
    its parents and installs it with pip from there.  Only when the book was
    built with a ``repository_url`` (``repository.url`` of ``_config.yml``)
    does it clone that repository (``branch``) where no checkout is found;
    without one it stops with a message saying how to install the package.
    """
    if repository_url:
        folder = repository_url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git") or "book"
        fetch = f"""    if _checkout is None:  # the book was built with this repository
        _checkout = os.path.abspath({folder!r})
        if not os.path.isdir(_checkout):
            subprocess.run(["git", "clone", "--depth", "1", "--branch", {branch!r},
                            {repository_url!r}, _checkout], check=True)
"""
    else:
        fetch = f"""    if _checkout is None:
        raise RuntimeError({HOW_TO_INSTALL!r})
"""
    return f"""# Setup, added to the downloaded notebook: where the book's package is installed, this cell
# does nothing; otherwise it installs it from a copy of the book's repository.
import importlib.util, os, subprocess, sys
from pathlib import Path

if importlib.util.find_spec("tokenpower") is None:
    _checkout = next((str(d) for d in (Path.cwd(), *Path.cwd().parents)
                      if (d / "pyproject.toml").exists() and (d / "tokenpower").is_dir()
                      and (d / "data" / "datapackage.json").exists()), None)
{fetch}    _missing = [] if importlib.util.find_spec("myst_nb") else ["myst-nb"]
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "-e", _checkout, *_missing], check=True)
    os.environ["TOKENPOWER_DATA_DIR"] = os.path.join(_checkout, "data")
    sys.path.insert(0, _checkout)  # the editable install is seen by this kernel only after a restart
    importlib.invalidate_caches()
"""


def chapter_notebook(
    path: Path, repository_url: str | None = None, branch: str = "main"
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


def repository(config_path: Path) -> tuple[str | None, str]:
    """``repository.url`` (None where not given) and ``repository.branch`` (default ``main``).

    Read from the book's own ``_config.yml``, not Jupyter Book's defaults.  A
    URL that is not ``https://host/owner/name`` or looks like a placeholder is
    a ValueError naming the file and the setting.
    """
    import yaml

    config = yaml.safe_load(Path(config_path).read_text(encoding="utf-8")) or {}
    section = config.get("repository") or {}
    url = (section.get("url") or "").strip() or None
    if url and (not REPOSITORY_URL.match(url) or any(p in url.lower() for p in PLACEHOLDERS)):
        raise ValueError(
            f"{config_path}: repository.url = {url!r} is not a real repository address "
            "(https://host/owner/name); remove it to build the book without one"
        )
    return url, section.get("branch") or "main"


def use_repository_or_none(app, config) -> None:
    """``config-inited`` handler: the repository button and forge links only with a repository.url."""
    url, branch = repository(Path(app.confdir) / "_config.yml")
    options = dict(config.html_theme_options or {})
    for key in ("use_repository_button", "use_issues_button", "use_edit_page_button"):
        if not url:
            options[key] = False
    if url:
        options.update(repository_url=url, repository_branch=branch, use_repository_button=True)
    else:
        options.pop("repository_url", None)
        options.pop("repository_branch", None)
    config.html_theme_options = options


def write_notebooks(app, exception) -> None:
    """``build-finished`` handler: write ``notebooks/<stem>.ipynb`` for every chapter."""
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / NOTEBOOK_DIR
    target.mkdir(parents=True, exist_ok=True)
    url, branch = repository(Path(app.confdir) / "_config.yml")
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
    where = (
        "runs in Jupyter or Colab"
        if repository(Path(app.confdir) / "_config.yml")[0]
        else "runs in Jupyter where the book's package is installed"
    )
    link = (
        f'<p class="{LINK_CLASS}"><a href="{html.escape(href, quote=True)}" download>'
        f"Download this chapter as a notebook</a> ({where})</p>"
    )
    body = context["body"]
    end = body.find("</h1>")
    context["body"] = body[: end + 5] + "\n" + link + body[end + 5 :] if end >= 0 else link + body


def setup(app):
    app.connect("config-inited", use_repository_or_none)
    app.connect("html-page-context", add_download_link)
    app.connect("build-finished", write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "chapter_notebook",
    "repository",
    "setup_cell_source",
    "write_notebooks",
    "add_download_link",
    "use_repository_or_none",
    "HOW_TO_INSTALL",
    "PLACEHOLDERS",
    "REPOSITORY_URL",
    "SETUP_TAG",
    "NOTEBOOK_DIR",
    "LINK_CLASS",
    "setup",
]
