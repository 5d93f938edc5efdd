"""Every chapter executes from a clean kernel, and its parameters cell works."""

from __future__ import annotations

import json
import subprocess
import sys

import jupytext
import pytest
from conftest import ROOT
from nbclient import NotebookClient

from tokenpower_book.runner import chapters, parameters_cell

CHAPTERS = chapters(ROOT)


def test_the_book_has_chapters_listed_in_the_toc():
    toc = (ROOT / "_toc.yml").read_text()
    assert CHAPTERS, "no executable chapter found in book/"
    for stem in CHAPTERS:
        assert f"book/{stem}" in toc, f"{stem} is not in _toc.yml"


@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_chapter_executes_from_a_clean_kernel(stem):
    nb = jupytext.read(CHAPTERS[stem])
    parameters_cell(nb)  # every chapter has one
    NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(CHAPTERS[stem].parent)}},
    ).execute()
    errors = [
        o for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"
    ]
    assert errors == []


def _run(*args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, "-m", "tokenpower", *args], capture_output=True, text=True, cwd=cwd
    )


def _glued(notebook_path):
    """Values glued by the executed notebook: name -> text/plain."""
    nb = json.loads(notebook_path.read_text())
    found = {}
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("scrapbook", {})
            if meta:
                plain = [v for k, v in out["data"].items() if k.endswith("text/plain")]
                found[meta["name"]] = plain[0] if plain else None
    return found


def test_rerunning_with_another_parameter_changes_the_output(tmp_path):
    default = _run("run", "intro", "-o", str(tmp_path / "a"))
    changed = _run("run", "intro", "-p", "network_year=1902", "-o", str(tmp_path / "b"))
    assert default.returncode == 0, default.stderr
    assert changed.returncode == 0, changed.stderr
    a, b = _glued(tmp_path / "a" / "intro.ipynb"), _glued(tmp_path / "b" / "intro.ipynb")
    assert a["intro_year"] == "1870" and b["intro_year"] == "1902"
    assert int(b["intro_cables"]) > int(a["intro_cables"]), (
        "the 1902 network has more cables than the 1870 one"
    )
    page = (tmp_path / "b" / "intro.html").read_text()
    assert "network_year = 1902" in page and "vegaEmbed" in page
    assert (tmp_path / "b" / "_static" / "vega" / "vega-embed.min.js").exists()


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
    ],
)
def test_a_bad_run_is_refused_with_a_clear_error(args, words, tmp_path):
    result = _run(*args, "-o", str(tmp_path))
    assert result.returncode == 2
    for word in words:
        assert word in result.stderr
    assert not list(tmp_path.glob("*.ipynb")), "nothing is written for a refused run"
