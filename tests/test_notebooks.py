"""Every chapter can be downloaded as a notebook that opens in Jupyter or Colab and runs."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import ROOT, site_pages

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


def test_the_book_names_no_repository_by_default():
    assert repository(ROOT / "_config.yml") == (None, "main")
    assert "url" not in (CONFIG.get("repository") or {})


def test_a_configured_repository_is_read_and_a_placeholder_refused(tmp_path):
    config = tmp_path / "_config.yml"
    config.write_text(
        "repository:\n  url: https://codeberg.org/someone/a-book.git\n  branch: dev\n"
    )
    assert repository(config) == ("https://codeberg.org/someone/a-book.git", "dev")
    for bad in ("https://github.com/example/book", "git@github.com:a/b.git", "http://x.org/a/b"):
        config.write_text(f"repository:\n  url: {bad}\n")
        with pytest.raises(ValueError, match="repository.url"):
            repository(config)


def _run_setup_cell(source, cwd, monkeypatch):
    """Run a setup cell as if ``tokenpower`` were not installed; return the commands it ran."""
    import importlib.util
    import subprocess

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "tokenpower" else real(name, *a),
    )
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.setenv("TOKENPOWER_DATA_DIR", "unset-by-the-test")
    monkeypatch.chdir(cwd)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(compile(source, "setup", "exec"), {})
    return calls


def test_without_a_repository_the_setup_cell_fetches_nothing_and_says_how_to_install(
    tmp_path, monkeypatch
):
    source = setup_cell_source()
    assert not re.search(r"https?://|git\b|clone", source)
    with pytest.raises(RuntimeError) as stopped:
        _run_setup_cell(source, tmp_path, monkeypatch)
    assert "pip install /path/to/the/repository" in str(stopped.value)


def test_the_setup_cell_installs_from_a_checkout_it_finds_above_it(monkeypatch):
    calls = _run_setup_cell(setup_cell_source(), ROOT / "book", monkeypatch)
    assert calls == [[sys.executable, "-m", "pip", "install", "--quiet", "-e", str(ROOT)]]


def test_with_a_repository_the_setup_cell_clones_it_only_where_no_checkout_is_found(
    tmp_path, monkeypatch
):
    url = "https://codeberg.org/someone/a-book.git"
    source = setup_cell_source(url, "dev")
    calls = _run_setup_cell(source, tmp_path, monkeypatch)
    clone = str(tmp_path / "a-book")
    assert calls[0] == ["git", "clone", "--depth", "1", "--branch", "dev", url, clone]
    assert calls[1][:6] == [sys.executable, "-m", "pip", "install", "--quiet", "-e"]
    assert calls[1][6] == clone
    assert _run_setup_cell(source, ROOT, monkeypatch)[0][-1] == str(ROOT), "a checkout first"


def test_where_the_package_is_installed_the_setup_cell_does_nothing():
    namespace = {}
    exec(setup_cell_source("https://codeberg.org/someone/a-book.git"), namespace)
    assert "_checkout" not in namespace


@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_a_chapter_notebook_is_the_chapter_plus_one_setup_cell(stem):
    nb = chapter_notebook(CHAPTERS[stem])
    nbformat.validate(nb)
    chapter = jupytext.read(CHAPTERS[stem])
    assert _cells(nb)[1:] == _cells(chapter)
    assert nb.cells[0].cell_type == "code" and SETUP_TAG in nb.cells[0].metadata["tags"]
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert "jupytext" not in nb.metadata


@pytest.mark.book
def test_the_built_book_offers_every_chapter_as_a_notebook(built_site):
    pages = site_pages(built_site)
    for stem, path in CHAPTERS.items():
        page = f"book/{stem}.html"
        if page not in pages:
            continue
        notebook = built_site / "notebooks" / f"{stem}.ipynb"
        assert notebook.exists(), f"no notebook for {stem}"
        downloaded = json.loads(notebook.read_text())
        nbformat.validate(nbformat.reads(notebook.read_text(), as_version=4))
        assert _cells(downloaded)[1:] == _cells(jupytext.read(path)), stem
        setup = "".join(downloaded["cells"][0]["source"])
        assert not re.search(r"https?://|git\b|clone", setup), "no URL to fetch code from"
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
def test_a_book_without_a_repository_links_to_no_forge(built_site):
    for page in site_pages(built_site):
        soup = BeautifulSoup((built_site / page).read_text(), "html.parser")
        header = " ".join(str(tag) for tag in soup.select(".header-article, .bd-header, nav"))
        # the sources the book cites may live on a forge; the book's own pages point to none
        assert not re.search(r"github|gitlab|codeberg|bitbucket", header, re.I), page
        assert not soup.select(".btn-source-repository-button, .btn-source-edit-button"), page
        assert "jupyter-book/edit" not in str(soup) and "executablebooks" not in str(soup), page


def _wheel(tmp_path):
    """A wheel of this checkout, built offline from a copy of it."""
    source = tmp_path / "source"
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy2(ROOT / name, source / name if source.exists() else _mkdir(source) / name)
    for name in ("tokenpower", "tokenpower_book", "data", "book/_static/geo"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "--no-input"]
    subprocess.run(
        [*pip, "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index"]
        + ["-w", str(tmp_path / "wheel"), str(source)],
        check=True,
        capture_output=True,
    )
    return next((tmp_path / "wheel").glob("tokenpower-*.whl"))


def _mkdir(path):
    path.mkdir(parents=True)
    return path


@pytest.mark.book
def test_a_downloaded_notebook_runs_offline_in_a_fresh_folder_with_a_non_editable_install(
    tmp_path,
):
    import sysconfig

    wheel = _wheel(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # the new environment sees this one's libraries, but not its editable tokenpower
    Path(site, "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("TOKENPOWER_", "PYTHON", "PIP_"))
    }
    env.update(PIP_NO_INDEX="1", PYTHONNOUSERSITE="1")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
        + ["--target", site, str(wheel)],
        check=True,
        env=env,
    )
    folder = _mkdir(tmp_path / "fresh")
    notebook = folder / "intro.ipynb"
    nb = chapter_notebook(CHAPTERS["intro"])
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import sys, tokenpower.data.loader as L\nprint(sys.prefix, L.DATA_DIR, sep='\\n')"
        )
    )
    nbformat.write(nb, notebook)
    script = (
        "import sys, nbformat\nfrom nbclient import NotebookClient\n"
        "nb = nbformat.read(sys.argv[1], as_version=4)\n"
        "NotebookClient(nb, timeout=600, kernel_name='python3',"
        " resources={'metadata': {'path': sys.argv[2]}}).execute()\n"
        "nbformat.write(nb, sys.argv[1])\n"
    )
    result = subprocess.run(
        [str(python), "-c", script, str(notebook), str(folder)],
        capture_output=True,
        text=True,
        env=env,
        cwd=folder,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    nb = nbformat.read(notebook, as_version=4)
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []
    prefix, data_dir = "".join(o.get("text", "") for o in nb.cells[-1].outputs).split()
    assert Path(prefix) == venv, "the kernel ran in the new environment"
    assert Path(data_dir) == Path(site) / "tokenpower" / "_data", "the data came with the package"
    charts = [
        o
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if "tp-chart-static" in o.get("data", {}).get("text/html", "")
    ]
    assert len(charts) >= 2, "in Jupyter the charts show as static images"
    assert sorted(p.name for p in folder.iterdir()) == ["intro.ipynb"], "nothing was fetched"


def test_the_repository_button_is_on_only_with_a_repository(tmp_path):
    from types import SimpleNamespace

    from tokenpower_book.sphinx_notebooks import use_repository_or_none

    # what Jupyter Book passes on from its own defaults when the book names no repository
    defaults = {"repository_url": "https://github.com/executablebooks/jupyter-book"}
    app = SimpleNamespace(confdir=str(tmp_path))
    (tmp_path / "_config.yml").write_text("repository:\n  branch: main\n")
    config = SimpleNamespace(html_theme_options={**defaults, "use_repository_button": True})
    use_repository_or_none(app, config)
    assert "repository_url" not in config.html_theme_options
    assert config.html_theme_options["use_repository_button"] is False
    (tmp_path / "_config.yml").write_text("repository:\n  url: https://codeberg.org/a/b\n")
    config = SimpleNamespace(html_theme_options=dict(defaults))
    use_repository_or_none(app, config)
    assert config.html_theme_options["repository_url"] == "https://codeberg.org/a/b"
    assert config.html_theme_options["use_repository_button"] is True
