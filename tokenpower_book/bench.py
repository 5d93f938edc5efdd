"""Benchmarks: build and re-execution times, page sizes, and the cost of execution.

``python -m tokenpower bench`` works on a private copy of the book in a
temporary folder (your ``_build`` is not touched) and prints one table:

* clean build: empty cache, every chapter executed;
* no-change rebuild: the same again, nothing changed;
* re-execution of one chapter with a changed parameter (``run``);
* the "floor" twin: the same pages with every code cell removed, built with
  nothing to execute, so that execution's cost is reported as a ratio;
* HTML bytes of each page (its own HTML, without the scripts, styles, images and data files it
  links, which the browser fetches once and caches) against the target of 300 KB a page, and the
  bytes of the whole site.

``python -m tokenpower bench --pages _build/html`` measures only the pages of a site already built.

Targets (reported, not asserted): a no-change rebuild under 5 s and a clean
build of the foundation under 30 s on 2 cores; one scenario solve under
50 ms and 10,000 Monte Carlo draws under 10 s where the engine exists.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path

import jupytext

from tokenpower_book.build import build_book, copy_book
from tokenpower_book.rerun import run_chapter
from tokenpower_book.runner import parameters_cell, resolve_chapter

__all__ = ["PAGE_TARGET_BYTES", "page_sizes", "run_benchmarks", "run_page_sizes"]

PAGE_TARGET_BYTES = 300 * 1024
"""The most a page's own HTML should weigh (issue: reader edition)."""


def page_sizes(site: Path) -> list[tuple[str, str, str]]:
    """One row per page of a built site: its own HTML size in KB, and whether it meets the target;
    then the count of pages over the target and the bytes of every file of the site."""
    rows = []
    over = 0
    pages = sorted(
        p for p in site.rglob("*.html") if not p.relative_to(site).parts[0].startswith("_")
    )
    for page in pages:
        size = page.stat().st_size
        ok = size <= PAGE_TARGET_BYTES
        over += not ok
        note = "target <= 300 KB" if ok else "OVER the 300 KB target"
        rows.append((f"page HTML: {page.relative_to(site)}", f"{size / 1024:,.1f} KB", note))
    rows.append(("pages over 300 KB", f"{over} of {len(pages)}", "target 0"))
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file())
    rows.append(("site bytes, all files", f"{total:,}", ""))
    return rows


def _print(rows) -> None:
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure'.ljust(width)}  {'value':>14}  note")
    print(f"{'-' * width}  {'-' * 14}  {'-' * 28}")
    for name, value, note in rows:
        print(f"{name.ljust(width)}  {value:>14}  {note}")


def _strip_code(book: Path) -> None:
    """Make the floor twin: drop code cells (and glue roles) from every chapter."""
    for path in (book / "book").glob("*.md"):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"```\{code-cell\}.*?\n```\n", "", text, flags=re.S)
        text = re.sub(r"(`{3,}|:{3,})\{glue(:[a-z]+)?\}.*?\n\1\n", "", text, flags=re.S)
        text = re.sub(r"\{glue\}`[^`]*`", "[value]", text)
        text = re.sub(r"\{glue:[a-z]+\}`[^`]*`", "[value]", text)
        text = re.sub(r"\{numref\}`[^`]*`", "the figure", text)
        text = re.sub(r"^kernelspec:\n(  .*\n)+", "", text, flags=re.M)
        path.write_text(text, encoding="utf-8")


def _timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def _default_param(root: Path, chapter: str) -> list[str]:
    _, defaults = parameters_cell(jupytext.read(resolve_chapter(chapter, root)))
    for name, value in defaults.items():
        if isinstance(value, bool):
            return [f"{name}={not value}"]
        if isinstance(value, (int, float)):
            return [f"{name}={value + 1 if isinstance(value, int) else value * 1.1}"]
    return []


def _scenario_rows() -> list[tuple[str, str, str]]:
    """The scenario engine's timings (:func:`tokenpower.engine.benchmark`)."""
    from tokenpower import engine

    return engine.benchmark()


def run_benchmarks(
    root: Path = Path("."), chapter: str = "intro", param: list[str] | None = None
) -> list[tuple]:
    """Run every benchmark and print the table; return its rows."""
    root = root.resolve()
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory(prefix="tokenpower-bench-") as tmp:
        book = copy_book(root, Path(tmp) / "book")
        print("[bench] clean build ...", flush=True)
        clean, ok = _timed(lambda: build_book(book, quiet=True))
        if not ok:
            raise SystemExit(
                "bench: the clean build failed; run `python -m tokenpower build` to see why"
            )
        rows.append(
            ("clean build (execute every chapter)", f"{clean:.1f} s", "target < 30 s (foundation)")
        )
        print("[bench] no-change rebuild ...", flush=True)
        rebuild, _ = _timed(lambda: build_book(book, quiet=True))
        rows.append(("no-change rebuild", f"{rebuild:.1f} s", "target < 5 s"))
        pairs = param or _default_param(book, chapter)
        print(f"[bench] re-executing {chapter} with {pairs} ...", flush=True)
        rerun, _ = _timed(
            lambda: run_chapter(chapter, pairs, root=book, output_dir=Path(tmp) / "run")
        )
        rows.append((f"run {chapter} {' '.join('-p ' + p for p in pairs)}", f"{rerun:.1f} s", ""))

        floor_book = copy_book(root, Path(tmp) / "floor")
        _strip_code(floor_book)
        print("[bench] floor twin (prose only) ...", flush=True)
        floor, ok = _timed(lambda: build_book(floor_book, quiet=True))
        rows.append(("floor twin clean build (no code)", f"{floor:.1f} s" if ok else "failed", ""))
        if ok and floor > 0:
            rows.append(("execution cost: clean build / floor", f"{clean / floor:.1f} x", ""))

        rows.extend(page_sizes(book / "_build" / "html"))
    rows.extend(_scenario_rows())
    _print(rows)
    return rows


def run_page_sizes(site: Path) -> list[tuple]:
    """Measure the pages of a site already built (``bench --pages``); print the table, return its rows."""
    if not (site / "index.html").exists():
        raise SystemExit(
            f"bench --pages: {site} is not a built site (no index.html); build it first"
        )
    rows = page_sizes(site)
    _print(rows)
    return rows
