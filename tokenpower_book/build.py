"""Build the book: execute the chapters, render HTML, swap it in on success.

What this adds to plain ``jupyter-book build``:

* **The execution cache cannot go stale.**  jupyter-cache keys a chapter only
  on its code cells.  This module also keys the whole build on the contents
  of ``data/``, the package source and the pinned requirements
  (:func:`fingerprint`); when that changes, the staging build and its cache
  are dropped and every chapter is executed again.
* **Chapters execute side by side.**  Before Sphinx reads the book, the chapters the
  cache has no result for are executed several at a time into the cache
  (:mod:`tokenpower_book.parallel`); Sphinx then executes nothing.
* **A failed build leaves the last good site in place.**  The book is built
  into ``_build/stage``; only when that build succeeds (warnings are errors,
  a failing cell is an error) is its HTML copied to ``_build/html.new`` and
  swapped for ``_build/html``.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tokenpower.data.bibliography import write_bibtex
from tokenpower_book.parallel import execute_into_cache

__all__ = [
    "BOOK_DIRS",
    "BOOK_FILES",
    "KEYED_PATHS",
    "SITE",
    "STAGE",
    "build_book",
    "build_variant",
    "build_lock",
    "copy_book",
    "fingerprint",
]


KEYED_PATHS = ("data", "tokenpower", "requirements.txt")
BOOK_FILES = ("_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml")
BOOK_DIRS = ("book", "data", "tokenpower", "tokenpower_book")
STAGE = Path("_build") / "stage"
SITE = Path("_build") / "html"


def fingerprint(root: Path, paths: tuple[str, ...] = KEYED_PATHS) -> str:
    """SHA-256 over the files the chapters' outputs depend on besides their code.

    Covers every file under ``data/`` and ``tokenpower/`` (byte for byte, compiled
    Python left out) and ``requirements.txt`` (:data:`KEYED_PATHS`); not
    ``tokenpower_book/``, whose code does not change what a chapter computes.  Pass
    ``paths`` (names under ``root``) to hash only some of them, e.g. ``("data",)``.
    File names are part of the hash, so adding or removing a file changes it too.
    """
    digest = hashlib.sha256()
    for name in paths:
        base = root / name
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" in path.parts or path.suffix in (".pyc",):
                continue
            digest.update(str(path.relative_to(root)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def copy_book(root: Path, target: Path) -> Path:
    """Copy everything a build of the book at ``root`` needs into ``target`` (for tests and benchmarks)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        shutil.copy2(root / name, target / name)
    for name in BOOK_DIRS:
        shutil.copytree(
            root / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "_build")
        )
    return target


def _say(message: str) -> None:
    print(f"[tokenpower] {message}", flush=True)


@contextlib.contextmanager
def build_lock(stage: Path):
    """Hold an exclusive lock on ``stage`` (a file beside it) for one build.

    Two builds of one book at once would share the staging folder and its
    execution cache; the second waits here until the first is done.
    """
    stage.parent.mkdir(parents=True, exist_ok=True)
    with open(stage.with_name(stage.name + ".lock"), "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say(f"another build of this book is running in {stage}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_book(
    root: Path = Path("."),
    clean: bool = False,
    stage: Path | None = None,
    site: Path | None = None,
    quiet: bool = False,
    edition: str = "teacher",
) -> bool:
    """Build the book at ``root``; return True on success.

    ``stage`` and ``site`` default to ``_build/stage`` and ``_build/html``
    under ``root``.  On failure the site folder is left exactly as it was.
    Concurrent builds of the same stage run one after the other.

    ``edition="student"`` builds the teacher's site first (that is where the chapters are
    executed and cached), then the student's from the same execution cache into
    ``_build/html-student`` (:func:`build_variant`).
    """
    root = root.resolve()
    stage = (stage or root / STAGE).resolve()
    site = (site or root / SITE).resolve()
    with build_lock(stage):
        ok = _build(root, clean, stage, site, quiet)
    if not ok or edition == "teacher":
        return ok
    html = build_variant(root, edition, "html", quiet=quiet, stage=stage, built=True)
    if html is None:
        return False
    target = root / "_build" / f"html-{edition}"
    _swap(html, target)
    _say(f"the {edition} edition is in {target}: open {target / 'index.html'}")
    return True


def build_variant(
    root: Path,
    edition: str,
    builder: str = "html",
    quiet: bool = False,
    stage: Path | None = None,
    built: bool = False,
) -> Path | None:
    """Build an edition with a Sphinx builder from the HTML build's execution cache.

    Brings the teacher's HTML build up to date first (unless ``built``), so the cache is
    current; then builds into ``stage-<builder>-<edition>`` beside the stage (by default
    ``_build/stage-<builder>-<edition>``) with the same
    configuration, ``TOKENPOWER_EDITION`` set (see :mod:`tokenpower_book.editions`) and
    the cache shared, so nothing is executed twice. Returns the output folder, or None
    when the build failed.
    """
    root = Path(root).resolve()
    stage = (stage or root / STAGE).resolve()
    if not built and not build_book(root, stage=stage, quiet=quiet):
        return None
    variant = stage.with_name(f"stage-{builder}-{edition}")
    with build_lock(stage):
        key, key_file = fingerprint(root), variant / "cache-key.txt"
        if variant.exists() and (not key_file.exists() or key_file.read_text().strip() != key):
            shutil.rmtree(variant)  # pages read against other data or package code
        variant.mkdir(parents=True, exist_ok=True)
        _say(f"building the {edition} edition with the {builder} builder into {variant}")
        env = {
            "TOKENPOWER_EDITION": edition,
            "TOKENPOWER_EXECUTION_CACHE": str(stage / "_build" / ".jupyter_cache"),
        }
        ok = _sphinx(root, variant, builder, quiet, env)
        out = variant / "_build" / builder
        if not ok or not out.exists():
            _say(f"BUILD FAILED: the {edition} edition ({builder})")
            return None
        key_file.write_text(key + "\n")
    return out


def _sphinx(root: Path, output: Path, builder: str, quiet: bool, env: dict | None = None) -> bool:
    """Run Jupyter Book's build of ``root`` into ``output`` (warnings are errors)."""
    cmd = [
        sys.executable,
        "-c",
        "from jupyter_book.cli.main import main; main()",
        "build",
        str(root),
        "--path-output",
        str(output),
        "--builder",
        builder,
        "-W",
        "-n",
        "--keep-going",
    ]
    env = {**os.environ, "TOKENPOWER_DATA_DIR": str(root / "data"), **(env or {})}
    result = subprocess.run(cmd, cwd=root, env=env, stdout=subprocess.DEVNULL if quiet else None)
    return result.returncode == 0


def _swap(html: Path, site: Path) -> None:
    """Copy a finished build to ``site``, replacing the old one in one rename."""
    fresh = site.with_name(site.name + ".new")
    old = site.with_name(site.name + ".old")
    for leftover in (fresh, old):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(html, fresh)
    if site.exists():
        site.rename(old)
    fresh.rename(site)
    if old.exists():
        shutil.rmtree(old)


def _build(root: Path, clean: bool, stage: Path, site: Path, quiet: bool) -> bool:
    key_file = stage / "cache-key.txt"
    started = time.perf_counter()

    write_bibtex(root / "data", root / "book" / "references.bib")
    key = fingerprint(root)
    if clean and stage.exists():
        _say(f"--clean: removing {stage}")
        shutil.rmtree(stage)
    elif stage.exists() and (not key_file.exists() or key_file.read_text().strip() != key):
        _say(
            "data/, the package or the requirements changed since the last build: "
            "dropping the execution cache so every chapter runs again"
        )
        shutil.rmtree(stage)
    stage.mkdir(parents=True, exist_ok=True)

    cache = stage / "_build" / ".jupyter_cache"
    # the environment the Sphinx process gives its kernels (see tokenpower_book.reproducibility)
    kernel_env = {
        "TOKENPOWER_DATA_DIR": str(root / "data"),
        "TOKENPOWER_EXECUTION_CACHE": str(cache),
    }
    execute_into_cache(root, cache, kernel_env, say=_say)
    _say(f"building the book into {stage} (chapters execute where the cache has no result)")
    ok = _sphinx(root, stage, "html", quiet)
    html = stage / "_build" / "html"
    if not ok or not (html / "index.html").exists():
        _say(f"BUILD FAILED; the last good site in {site} is unchanged")
        return False
    key_file.write_text(key + "\n")

    _say(f"swapping the new site into {site}")
    _swap(html, site)
    _say(f"done in {time.perf_counter() - started:.1f} s: open {site / 'index.html'}")
    return True
