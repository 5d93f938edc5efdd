"""The reproducibility page's sources: execution records, versions, the data fingerprint."""

from __future__ import annotations

import hashlib
import shutil
import time
from importlib import metadata

import altair as alt
import nbformat
import pandas as pd
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

from tokenpower_book.build import fingerprint
from tokenpower_book.reproducibility import (
    data_fingerprint,
    execution_records,
    js_version,
    package_versions,
    shipped_js_versions,
)


def test_data_fingerprint_is_sha256_over_names_and_contents(tmp_path):
    (tmp_path / "data" / "schemas").mkdir(parents=True)
    (tmp_path / "data" / "a.csv").write_bytes(b"x,y\n1,2\n")
    (tmp_path / "data" / "schemas" / "a.json").write_bytes(b"{}")
    (tmp_path / "tokenpower").mkdir()
    (tmp_path / "tokenpower" / "m.py").write_text("x = 1")
    expected = hashlib.sha256(b"data/a.csv\0x,y\n1,2\n\0data/schemas/a.json\0{}\0").hexdigest()
    assert data_fingerprint(tmp_path) == expected
    (tmp_path / "tokenpower" / "m.py").write_text("x = 2")
    assert data_fingerprint(tmp_path) == expected, "only data/ counts"
    (tmp_path / "data" / "a.csv").write_bytes(b"x,y\n1,3\n")
    assert data_fingerprint(tmp_path) != expected


def test_data_fingerprint_is_the_builds_fingerprint_restricted_to_data(tmp_path):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    assert (
        data_fingerprint(tmp_path)
        == fingerprint(tmp_path, paths=("data",))
        == data_fingerprint(ROOT)
    )
    assert data_fingerprint(ROOT) != fingerprint(ROOT)


def test_package_versions_are_the_installed_ones():
    table = package_versions(["pandas", "altair", "no-such-distribution-xyz"]).set_index("package")[
        "version"
    ]
    assert table["pandas"] == pd.__version__
    assert table["altair"] == alt.__version__ == metadata.version("altair")
    assert table["no-such-distribution-xyz"] == "not installed"
    assert table.index[0] == "python"


@pytest.mark.parametrize(
    "text, version",
    [
        ('t.utcweek=dr,t.version="6.4.0",t.visitArray=$t', "6.4.0"),
        ('(function(e,t){"use strict";var n="6.4.3";function i(e){', "6.4.3"),
        ('SEMVER_SPEC_VERSION:"2.0.0",x;var qe="3.0.0";const hn="7.3.0",un=i;', "7.3.0"),
        ("no version here", None),
    ],
)
def test_js_version_reads_the_librarys_own_declaration(text, version):
    assert js_version(text) == version


@given(st.tuples(st.integers(0, 99), st.integers(0, 99), st.integers(0, 99)))
def test_js_version_finds_any_declared_version(parts):
    version = ".".join(map(str, parts))
    assert js_version(f'!function(){{var a="1.0.0";t.version="{version}",t.x=1}}') == version


def test_shipped_vega_lite_matches_the_major_version_altair_writes():
    table = shipped_js_versions(ROOT / "book" / "_static" / "vega").set_index("package")["version"]
    assert table["vega-lite"].split(".")[0] == alt.SCHEMA_VERSION.lstrip("v").split(".")[0]
    assert all(v.count(".") == 2 for v in table), table.to_dict()


def _cache_with(tmp_path, chapter, seconds):
    from jupyter_cache import get_cache

    cache = get_cache(str(tmp_path / "cache"))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    nbformat.write(nb, chapter)
    cache.cache_notebook_file(
        str(chapter), data={"execution_seconds": seconds}, check_validity=False, overwrite=True
    )
    return tmp_path / "cache"


def test_execution_records_read_the_jupyter_cache(tmp_path):
    chapter = tmp_path / "ch.ipynb"
    before = pd.Timestamp.now(tz="UTC").tz_localize(None) - pd.Timedelta(seconds=5)
    cache = _cache_with(tmp_path, chapter, 2.5)
    records = execution_records(cache, {"ch": chapter, "missing": tmp_path / "missing.ipynb"})
    assert list(records["chapter"]) == ["ch"]
    assert records["seconds"].iloc[0] == 2.5
    assert before <= records["executed_utc"].iloc[0] <= before + pd.Timedelta(minutes=5)


def test_execution_records_keep_the_latest_run_of_a_chapter(tmp_path):
    chapter = tmp_path / "ch.ipynb"
    cache = _cache_with(tmp_path, chapter, 2.5)
    time.sleep(0.01)
    from jupyter_cache import get_cache

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("2 + 2")])
    nbformat.write(nb, chapter)
    get_cache(str(cache)).cache_notebook_file(
        str(chapter), data={"execution_seconds": 7.0}, check_validity=False, overwrite=True
    )
    records = execution_records(cache, {"ch": chapter})
    assert list(records["seconds"]) == [7.0]


def test_no_cache_gives_no_records(tmp_path):
    records = execution_records(tmp_path / "nothing", {"intro": ROOT / "book" / "intro.md"})
    assert records.empty and list(records.columns) == ["chapter", "executed_utc", "seconds"]


@pytest.mark.book
def test_the_page_reports_each_build_not_a_cached_one(tmp_path):
    """A rebuild that executes a chapter again shows that chapter's new execution time."""
    import re

    from conftest import copy_book

    from tokenpower_book.build import build_book

    book = copy_book(tmp_path / "book", toc_root_only=True)
    (book / "_toc.yml").write_text(
        "format: jb-book\nroot: book/intro\nchapters:\n  - file: book/reproducibility\n"
    )
    page = book / "_build" / "html" / "book" / "reproducibility.html"

    def intro_time():
        match = re.search(r"<td[^>]*>intro</td>\s*<td[^>]*>([0-9: -]+)</td>", page.read_text())
        assert match, "the intro is missing from the execution table"
        return match[1]

    assert build_book(book, quiet=True)
    first = intro_time()
    assert data_fingerprint(book) in page.read_text()
    time.sleep(1.1)
    chapter = book / "book" / "intro.md"
    chapter.write_text(chapter.read_text().replace("network_year = 1870", "network_year = 1871"))
    assert build_book(book, quiet=True)
    assert intro_time() > first
