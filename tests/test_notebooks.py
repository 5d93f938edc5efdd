"""Every chapter can be downloaded as a notebook that opens in Jupyter or Colab and runs."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from conftest import ROOT, site_pages
from nbclient import NotebookClient

from tokenpower_book.runner import chapters
from tokenpower_book.sphinx_notebooks import (
    SETUP_TAG,
    chapter_notebook,
    repository,
    setup_cell_source,
)

CHAPTERS = chapters(ROOT)
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())


def _cells(nb):
    """Type, source text and tags of each cell (a saved notebook may hold a source as a list of lines)."""
    return [
        (c["cell_type"], "".join(c["source"]), c.get("metadata", {}).get("tags", []))
        for c in nb["cells"]
    ]


def test_repository_comes_from_the_config():
    url, branch = repository(ROOT / "_config.yml")
    assert url == CONFIG["repository"]["url"]
    assert branch == CONFIG["repository"].get("branch", "main")


def test_repository_is_required(tmp_path):
    (tmp_path / "_config.yml").write_text("title: x\n")
    with pytest.raises(ValueError, match="repository.url"):
        repository(tmp_path / "_config.yml")


def test_setup_cell_installs_the_package_only_where_it_is_missing():
    source = setup_cell_source("https://github.com/example/a-book.git", "dev")
    compile(source, "setup", "exec")
    assert 'importlib.util.find_spec("tokenpower") is None' in source
    assert "'https://github.com/example/a-book.git'" in source and "'dev'" in source
    assert "os.path.abspath('a-book')" in source
    assert '"pip", "install"' in source and '"-e"' in source
    assert 'os.environ["TOKENPOWER_DATA_DIR"] = os.path.join(_repository, "data")' in source
    # here the package is installed: the cell does nothing but import
    namespace = {}
    exec(source, namespace)
    assert "_repository" not in namespace


@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_a_chapter_notebook_is_the_chapter_plus_one_setup_cell(stem):
    nb = chapter_notebook(CHAPTERS[stem], "https://github.com/example/book")
    nbformat.validate(nb)
    chapter = jupytext.read(CHAPTERS[stem])
    assert _cells(nb)[1:] == _cells(chapter)
    assert nb.cells[0].cell_type == "code" and SETUP_TAG in nb.cells[0].metadata["tags"]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in nb.metadata


@pytest.mark.book
def test_the_built_book_offers_every_chapter_as_a_notebook(built_site):
    pages = site_pages(built_site)
    url = CONFIG["repository"]["url"]
    for stem, path in CHAPTERS.items():
        page = f"book/{stem}.html"
        if page not in pages:
            continue
        notebook = built_site / "notebooks" / f"{stem}.ipynb"
        assert notebook.exists(), f"no notebook for {stem}"
        downloaded = json.loads(notebook.read_text())
        nbformat.validate(nbformat.reads(notebook.read_text(), as_version=4))
        assert _cells(downloaded)[1:] == _cells(jupytext.read(path)), stem
        assert url in "".join(downloaded["cells"][0]["source"])
        html = (built_site / page).read_text()
        assert (
            f'href="../notebooks/{stem}.ipynb"' in html
            and "Download this chapter as a notebook" in html
        )
    assert (
        "Download this chapter as a notebook"
        not in (built_site / "book" / "glossary.html").read_text()
    )


@pytest.mark.book
def test_the_downloaded_intro_notebook_runs_from_another_folder(built_site, tmp_path):
    notebook = tmp_path / "intro.ipynb"
    shutil.copy2(built_site / "notebooks" / "intro.ipynb", notebook)
    nb = nbformat.read(notebook, as_version=4)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    charts = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "tp-chart-static" in o.get("data", {}).get("text/html", "")
    ]
    assert len(charts) >= 2, "in Jupyter the charts show as static images"
    assert not (tmp_path / Path(CONFIG["repository"]["url"]).name).exists(), (
        "nothing is cloned where the package is installed"
    )
