"""``python -m tokenpower run``: re-execute one chapter and render it like the book.

:func:`run_chapter` checks the parameters against their declarations before
any kernel starts, executes the chapter with them
(:func:`tokenpower_book.runner.execute_chapter`), compares the result with the
book's own execution (:mod:`tokenpower_book.changes`) and renders the page
with the book's own pipeline: a Jupyter Book build of a folder that holds the
book's ``_config.yml`` (execution off, the chapter's outputs are already in the
notebook) and ``_toc.yml``, with the executed chapter as ``index.ipynb`` in
its place in the table of contents (so its chapter, figure and table numbers
are the book's), every other page as a short page that links to it in the
built book, and the book's static files and bibliography.  References to
other pages (terms of the glossary, labels) resolve into the built book
through intersphinx.  The site is written to ``_build/run/<chapter>/``
(``index.html`` is the chapter), swapped in only when the build succeeded.

**The book's values** are those of the book build's execution cache when the
build is current (its key, :func:`tokenpower_book.build.fingerprint`, matches
this checkout and the cache holds the chapter's code as it is now): exactly
what executing the defaults gives, read in a fraction of a second.  Otherwise
the defaults are executed once and kept in ``_build/run/.book/`` under the
same kind of key, so the next run with other values of that chapter reuses them.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
import yaml

from tokenpower_book.build import SITE, STAGE, fingerprint
from tokenpower_book.changes import Changes, changes_markdown, changes_table, compare
from tokenpower_book.errors import UsageError
from tokenpower_book.runner import (
    checked_parameters,
    execute_chapter,
    parameters_cell,
    resolve_chapter,
)

RUN = Path("_build") / "run"
SPHINX_PHASES = ("reading sources", "writing output", "build succeeded")
REAL_PAGES = ("references", "glossary")


@dataclass
class RunResult:
    folder: Path  # _build/run/<chapter>
    page: Path  # its index.html
    notebook: Path  # the executed notebook
    parameters: dict
    changes: Changes
    seconds: float


def _say(message: str) -> None:
    print(f"[tokenpower] {message}", flush=True)


def _code_key(root: Path, nb: nbformat.NotebookNode) -> str:
    code = "\0".join(c.source for c in nb.cells if c.cell_type == "code")
    return hashlib.sha256((fingerprint(root) + "\0" + code).encode()).hexdigest()


def book_execution(root: Path, path: Path, out: Path) -> tuple[nbformat.NotebookNode, str]:
    """The chapter as the book executed it with its defaults, and where that came from."""
    nb = jupytext.read(path)
    key_file = root / STAGE / "cache-key.txt"
    cache = root / STAGE / "_build" / ".jupyter_cache"
    if key_file.exists() and key_file.read_text().strip() == fingerprint(root) and cache.exists():
        from jupyter_cache import get_cache

        try:
            store = get_cache(cache)
            record = store.match_cache_notebook(nb)
            return store.get_cache_bundle(record.pk).nb, "the book build's execution cache"
        except KeyError:
            pass
    saved = out / ".book" / f"{path.stem}.ipynb"
    key = _code_key(root, nb)
    if saved.exists() and saved.with_suffix(".key").read_text().strip() == key:
        return nbformat.read(
            saved, as_version=4
        ), "an execution of the defaults made for an earlier re-run"
    _say(f"the book build is not current for {path.stem}: executing it with its defaults once")
    executed = execute_chapter(path, {}, root / "data", label=f"executing {path.stem} (defaults)")
    saved.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(executed, saved)
    saved.with_suffix(".key").write_text(key + "\n")
    return executed, "an execution of the defaults (the book build is not current)"


def _title(path: Path) -> str:
    match = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), flags=re.M)
    return match.group(1).strip() if match else path.stem


def _with_changes(nb: nbformat.NotebookNode, box: str) -> nbformat.NotebookNode:
    """The notebook with ``box`` right under the title of its first markdown cell."""
    for cell in nb.cells:
        if cell.cell_type == "markdown" and re.search(r"^# ", cell.source, flags=re.M):
            head, _, rest = cell.source.partition("\n")
            cell.source = f"{head}\n\n{box}\n{rest}"
            return nb
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(box))
    return nb


def _toc(book_toc: dict, stem: str) -> dict:
    """The book's table of contents with ``book/<name>`` as ``<name>`` and the chapter as ``index``."""

    def doc(name: str) -> str:
        return "index" if name == f"book/{stem}" else name.removeprefix("book/")

    def rename(node):
        if isinstance(node, dict):
            return {k: doc(v) if k in ("file", "root") else rename(v) for k, v in node.items()}
        if isinstance(node, list):
            return [rename(v) for v in node]
        return node

    return rename(book_toc)


def _stub(title: str, href: str | None) -> str:
    if href:
        link = f'<p><a href="{href}">Read “{title}” in the book</a>.</p>'
    else:
        link = "<p>Build the book (<code>make book</code>) to read it.</p>"
    return (
        f"# {title}\n\nThis re-run rebuilt one chapter; this page is part of the book.\n\n"
        f"```{{raw}} html\n{link}\n```\n"
    )


def site_folder(root: Path, nb: nbformat.NotebookNode, stem: str, work: Path, out: Path) -> Path:
    """Write the one-chapter book into ``work``: config, toc, the executed chapter, linking pages."""
    if work.exists():
        shutil.rmtree(work)
    (work / "book").mkdir(parents=True)
    for name in ("_static", "references.bib"):
        (work / "book" / name).symlink_to(root / "book" / name)
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    config.setdefault("execute", {})["execute_notebooks"] = "off"
    site = root / SITE
    inventory = site / "objects.inv"
    if inventory.exists():
        sphinx = config.setdefault("sphinx", {})
        sphinx.setdefault("extra_extensions", []).append("sphinx.ext.intersphinx")
        sphinx.setdefault("config", {})["intersphinx_mapping"] = {
            "book": [os.path.relpath(site, out), str(inventory)]
        }
    (work / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    (work / "_toc.yml").write_text(
        yaml.safe_dump(_toc(toc, stem), sort_keys=False), encoding="utf-8"
    )
    nbformat.write(nb, work / "index.ipynb")
    for page in sorted((root / "book").glob("*.md")):
        if page.stem == stem:
            continue
        if page.stem in REAL_PAGES:  # the citations and terms resolve on these, as in the book
            shutil.copy2(page, work / page.name)
            continue
        built = site / "book" / f"{page.stem}.html"
        href = os.path.relpath(built, out) if built.exists() else None
        (work / f"{page.stem}.md").write_text(_stub(_title(page), href), encoding="utf-8")
    return work


def render(work: Path, build: Path, quiet: bool = False) -> Path:
    """Build the folder ``work`` with Jupyter Book into ``build``; return its HTML folder."""
    cmd = [
        sys.executable,
        "-c",
        "from jupyter_book.cli.main import main; main()",
        "build",
        str(work),
        "--path-output",
        str(build),
        "--builder",
        "html",
        "-n",
        "--keep-going",
    ]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    log, phases, warnings = [], list(SPHINX_PHASES), []
    for line in proc.stdout:
        plain = re.sub(r"\x1b\[[0-9;]*m", "", line).rstrip()
        log.append(plain)
        if "WARNING" in plain or "ERROR" in plain:
            warnings.append(plain)
        if not quiet and phases and phases[0] in plain:
            _say(f"rendering: {phases.pop(0)} ({time.perf_counter() - started:.0f} s)")
    html = build / "_build" / "html"
    if proc.wait() != 0 or not (html / "index.html").exists():
        tail = "\n".join(log[-15:])
        raise UsageError(f"rendering the re-run page failed:\n{tail}")
    for warning in warnings[:5]:
        _say(f"rendering warning: {warning}")
    return html


def run_chapter(
    chapter: str,
    pairs: list[str],
    root: Path = Path("."),
    output_dir: Path | None = None,
    timeout: int = 600,
    quiet: bool = False,
) -> RunResult:
    """Re-execute ``chapter`` with ``pairs`` (``name=value``) and render it like the book."""
    started = time.perf_counter()
    root = root.resolve()
    path = resolve_chapter(chapter, root)
    stem = path.stem
    _index, defaults = parameters_cell(jupytext.read(path))
    values = checked_parameters(stem, pairs, defaults, root / "data")
    base = (output_dir or root / RUN).resolve()
    out = base / stem
    executed = execute_chapter(path, values, root / "data", timeout, label=f"executing {stem}")
    book, source = book_execution(root, path, base)

    from tokenpower.pages import declared_parameters

    declared = declared_parameters(stem, root / "data")
    changed = [
        (name, declared[name].description if name in declared else "", defaults[name], value)
        for name, value in values.items()
        if value != defaults[name]
    ]
    changes = compare(book, executed, changed, source)
    command = "python -m tokenpower run " + " ".join(
        [stem, *(f"-p {shlex.quote(f'{k}={v}')}" for k, v in values.items())]
    )
    page_nb = _with_changes(nbformat.from_dict(executed), changes_markdown(changes, command))

    work = base / ".work" / stem
    if not quiet:
        _say(f"rendering {stem} with the book's configuration and theme")
    site_folder(root, page_nb, stem, work / "src", out)
    html = render(work / "src", work / "out", quiet)
    fresh = out.with_name(out.name + ".new")
    if fresh.exists():
        shutil.rmtree(fresh)
    shutil.copytree(html, fresh)
    nbformat.write(executed, fresh / f"{stem}.ipynb")
    if out.exists():
        shutil.rmtree(out)
    fresh.rename(out)
    shutil.rmtree(work, ignore_errors=True)
    seconds = time.perf_counter() - started
    return RunResult(out, out / "index.html", out / f"{stem}.ipynb", values, changes, seconds)


def list_parameters(chapter: str, root: Path = Path(".")) -> list[dict]:
    """The chapter's declared parameters as records, with their defaults from its parameters cell."""
    from tokenpower_book.runner import parameter_records

    root = root.resolve()
    path = resolve_chapter(chapter, root)
    _index, defaults = parameters_cell(jupytext.read(path))
    return parameter_records(path.stem, defaults, root / "data")


def parameters_text(records: list[dict]) -> str:
    """The records as a plain-text table: name, type, default, range or choices, unit, meaning."""
    rows = [("name", "type", "default", "range or choices", "unit", "meaning")]
    for r in records:
        if r["choices"] is not None:
            valid = ", ".join(map(str, r["choices"]))
        elif r["min"] is not None:
            valid = f"{r['min']:g} to {r['max']:g}"
        else:
            valid = "any"
        rows.append(
            (r["name"], r["type"], repr(r["default"]), valid, r["unit"] or "", r["description"])
        )
    width = [min(40, max(len(row[i]) for row in rows)) for i in range(5)]
    return "\n".join(
        "  ".join(c[:40].ljust(w) for c, w in zip(row[:5], width, strict=True)) + "  " + row[5]
        for row in rows
    )


__all__ = [
    "REAL_PAGES",
    "RUN",
    "SPHINX_PHASES",
    "RunResult",
    "book_execution",
    "changes_table",
    "list_parameters",
    "parameters_text",
    "render",
    "run_chapter",
    "site_folder",
]
