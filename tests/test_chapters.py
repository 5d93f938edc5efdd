"""Every chapter executes from a clean kernel (checked in the book build's cache); `run` refuses bad input."""

from __future__ import annotations

import subprocess
import sys

import jupytext
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from tokenpower_book.runner import chapters

CHAPTERS = chapters(ROOT)


def test_the_book_has_chapters_listed_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    assert CHAPTERS, "no executable chapter found in book/"
    for stem in CHAPTERS:
        assert f"book/{stem}" in toc, f"{stem} is not in _toc.yml"


@pytest.fixture(scope="session")
def execution_cache(built_site):
    """The execution cache of the session's book build (beside its site, in ``stage/``).

    The build executes every chapter in a fresh kernel of its own; the chapters
    are checked from what it cached instead of being executed a second time.
    """
    from jupyter_cache import get_cache

    path = built_site.parent / "stage" / "_build" / ".jupyter_cache"
    assert (path / "global.db").exists(), f"no execution cache beside the built site: {path}"
    return get_cache(str(path))


@pytest.mark.book
@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_chapter_executed_from_a_clean_kernel_without_errors(stem, execution_cache):
    nb = jupytext.read(CHAPTERS[stem])
    if nb.metadata.get("mystnb", {}).get("execution_mode") == "force":
        # a page the build executes every time it is read and never caches: execute it here
        executed = NotebookClient(
            nb,
            timeout=600,
            kernel_name="python3",
            resources={"metadata": {"path": str(CHAPTERS[stem].parent)}},
        ).execute()
    else:
        try:
            record = execution_cache.match_cache_notebook(nb)
        except KeyError:
            pytest.fail(f"the book build cached no execution of {stem}'s current code")
        executed = execution_cache.get_cache_bundle(record.pk).nb
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code if c.source.strip())
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert errors == []


def _run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "tokenpower", *args], capture_output=True, text=True, cwd=cwd
    )


@pytest.mark.parametrize(
    "args, words",
    [
        (["run", "nochapter"], ["unknown chapter 'nochapter'", "intro"]),
        (
            ["run", "intro", "-p", "netwrk_year=1902"],
            ["unknown parameter 'netwrk_year'", "network_year (int, default 1870)"],
        ),
        (
            ["run", "intro", "-p", "network_year=soon"],
            ["parameter 'network_year' expects a value of type int", "'soon'"],
        ),
        (
            ["run", "intro", "-p", "network_year=1700"],
            ["parameter 'network_year'", "from 1851 to 1914", "not 1700"],
        ),
        (
            ["run", "04-requests", "-p", "share_cn_hosted=1.5"],
            ["parameter 'share_cn_hosted'", "from 0 to 1", "not 1.5"],
        ),
        (
            ["run", "02-bitcoin", "-p", "machine=S99"],
            ["parameter 'machine'", "'S19 Pro'", "not 'S99'"],
        ),
        (
            ["run", "intro", "--format", "json"],
            ["--format applies to --list-parameters only"],
        ),
    ],
)
def test_a_bad_run_is_refused_with_a_clear_error(args, words, tmp_path):
    result = _run(*args, "-o", str(tmp_path))
    assert result.returncode == 2
    for word in words:
        assert word in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(tmp_path.rglob("*")), "nothing is written for a refused run"
