"""Chapters executed side by side into the cache, as myst-nb would have executed and cached them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import jupytext
from conftest import ROOT, copy_book
from jupyter_cache import get_cache

from tokenpower_book.parallel import execute_into_cache, pending_chapters, read_as_myst_nb
from tokenpower_book.runner import chapters

HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""


def _page(path: Path, title: str, code: str) -> None:
    path.write_text(f"{HEADER}\n# {title}\n\n```{{code-cell}} ipython3\n{code}\n```\n")


def _tiny_book(root: Path, mode: str = "cache") -> Path:
    (root / "book").mkdir(parents=True)
    (root / "_config.yml").write_text(f"execute:\n  execute_notebooks: {mode}\n  timeout: 60\n")
    (root / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n- file: book/one\n- file: book/broken\n"
    )
    code = textwrap.dedent(
        """\
        import os
        from pathlib import Path
        print(Path.cwd().name, os.environ["TOKENPOWER_DATA_DIR"])"""
    )
    _page(root / "book" / "intro.md", "Intro", code)
    _page(root / "book" / "one.md", "One", "print(6 * 7)")
    _page(root / "book" / "broken.md", "Broken", "1 / 0")
    _page(root / "book" / "unlisted.md", "Not in the contents", "print('never')")
    return root


def test_every_chapter_of_the_book_is_pending_against_an_empty_cache_but_the_forced_page(
    tmp_path,
):
    pending = pending_chapters(ROOT, tmp_path / "cache")
    forced = {"reproducibility"}  # `execution_mode: force`: myst-nb executes it every time
    assert {p.stem for p in pending} == set(chapters(ROOT)) - forced


def test_only_chapters_in_the_table_of_contents_are_pending(tmp_path):
    book = copy_book(tmp_path / "book", toc_root_only=True)
    assert [p.stem for p in pending_chapters(book, tmp_path / "cache")] == ["intro"]


def test_nothing_is_pending_unless_the_book_executes_in_cache_mode(tmp_path):
    root = _tiny_book(tmp_path / "tiny", mode="force")
    assert pending_chapters(root, tmp_path / "cache") == {}


def test_myst_nbs_reader_and_jupytext_see_the_same_code(tmp_path):
    # the cache keys a notebook on its code cells: both readers must give the same ones
    path = ROOT / "book" / "intro.md"
    config = {"parse": {"myst_enable_extensions": ["colon_fence", "dollarmath"]}}
    ours = [c.source for c in read_as_myst_nb(path, config).cells if c.cell_type == "code"]
    assert ours == [c.source for c in jupytext.read(path).cells if c.cell_type == "code"]


def test_chapters_are_executed_into_the_cache_and_a_failing_one_is_left_out(tmp_path):
    root = _tiny_book(tmp_path / "tiny").resolve()
    cache_path = tmp_path / "cache"
    said = []
    env = {"TOKENPOWER_DATA_DIR": "/somewhere/data"}
    assert execute_into_cache(root, cache_path, env, workers=2, say=said.append) == 2
    assert (
        said[0]
        == "executing 3 chapters before Sphinx reads the book, 2 at a time: broken, intro, one"
    )
    assert "broken failed" in said[1]
    cache = get_cache(str(cache_path))
    uris = {Path(r.uri).stem: r for r in cache.list_cache_records()}
    assert set(uris) == {"intro", "one"}  # not the failing chapter, not the unlisted page
    for stem, text in (("intro", "book /somewhere/data\n"), ("one", "42\n")):
        nb = cache.get_cache_bundle(uris[stem].pk).nb
        (cell,) = [c for c in nb.cells if c.cell_type == "code"]
        assert [o.get("text") for o in cell.outputs] == [text]
        assert "execution" not in cell.metadata  # no cell timings, as myst-nb caches them
        assert uris[stem].data["execution_seconds"] > 0
    # a second pass finds them cached and executes only the failing one again
    said.clear()
    assert execute_into_cache(root, cache_path, env, say=said.append) == 0
    assert said[0] == "executing 1 chapter before Sphinx reads the book, one at a time: broken"
