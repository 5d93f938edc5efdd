"""Execute the chapters the execution cache has no result for, several at a time, before Sphinx reads them.

myst-nb executes a chapter when Sphinx reads it, one chapter after another. This module
does the same work first, with up to ``workers`` kernels at once, and stores each result in
the build's jupyter-cache exactly as myst-nb would (the notebook as myst-nb's own reader
reads it, executed in the chapter's folder with the build's environment, without cell
timings, cached under the chapter's path with its execution time). Sphinx then finds every
chapter in the cache and executes nothing, so the pages are the ones a sequential build
makes. A chapter that fails here is not cached: myst-nb executes it again when it reads it
and reports the failure the usual way.

Pages that set ``mystnb: execution_mode: force`` (the reproducibility page) are left to
myst-nb, as are chapters outside ``_toc.yml``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import yaml
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError
from traitlets.config import Config

from tokenpower_book.runner import chapters

__all__ = ["pending_chapters", "execute_into_cache", "read_as_myst_nb"]


def _config(root: Path) -> dict:
    return yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}


def _toc_files(root: Path) -> set[str]:
    files = set()

    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if isinstance(node.get(key), str):
                    files.add(str(Path(node[key]).with_suffix("")))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8")))
    return files


def read_as_myst_nb(path: Path, config: dict) -> nbformat.NotebookNode:
    """The chapter at ``path`` read by myst-nb's reader with the book's MyST extensions."""
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    extensions = (config.get("parse") or {}).get("myst_enable_extensions") or []
    md_config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(
        path.read_text(encoding="utf-8"), config=md_config, add_source_map=True, path=str(path)
    )


def pending_chapters(root: Path, cache_path: Path) -> dict[Path, nbformat.NotebookNode]:
    """The chapters in the table of contents that the cache at ``cache_path`` has no result for.

    Empty unless ``_config.yml`` executes notebooks in ``cache`` mode; pages forced to
    execute every time are left out.
    """
    from jupyter_cache import get_cache

    config = _config(root)
    if (config.get("execute") or {}).get("execute_notebooks") != "cache":
        return {}
    cache = get_cache(str(cache_path))
    in_toc = _toc_files(root)
    found = {}
    for path in chapters(root).values():
        if str(path.relative_to(root).with_suffix("")) not in in_toc:
            continue
        nb = read_as_myst_nb(path, config)
        if nb.metadata.get("mystnb", {}).get("execution_mode") == "force":
            continue
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            found[path] = nb
    return found


def _execute(nb: nbformat.NotebookNode, cwd: Path, timeout: int, env: dict) -> float | None:
    """Execute ``nb`` in place as myst-nb does; its run time in seconds, or None if a cell failed."""
    sockets = Path(tempfile.mkdtemp(prefix="tp-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"  # no TCP ports for kernels running side by side
    config.KernelManager.ip = str(sockets / "kernel")
    execution = nb.metadata.get("execution", {})  # a notebook's own settings win, as in myst-nb
    client = NotebookClient(
        nb,
        timeout=execution.get("timeout", timeout),
        allow_errors=execution.get("allow_errors", False),
        record_timing=False,
        config=config,
        resources={"metadata": {"path": str(cwd)}},
    )
    started = time.perf_counter()
    try:
        client.execute(env=env)
    except (CellExecutionError, CellTimeoutError):
        return None
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return time.perf_counter() - started


def execute_into_cache(
    root: Path, cache_path: Path, env: dict, workers: int | None = None, say=print
) -> int:
    """Execute every pending chapter (:func:`pending_chapters`), ``workers`` at a time, into the cache.

    ``env`` is added to this process's environment for the kernels (the build passes
    ``TOKENPOWER_DATA_DIR`` and the cache's path, as the Sphinx process gives its kernels).
    ``workers`` defaults to the number of CPUs. Returns how many chapters were cached.
    """
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    root = Path(root).resolve()
    pending = pending_chapters(root, cache_path)
    if not pending:
        return 0
    timeout = int((_config(root).get("execute") or {}).get("timeout", 30))
    workers = max(1, min(workers or os.cpu_count() or 1, len(pending)))
    names = ", ".join(p.stem for p in pending)
    count = "1 chapter" if len(pending) == 1 else f"{len(pending)} chapters"
    pace = "one at a time" if workers == 1 else f"{workers} at a time"
    say(f"executing {count} before Sphinx reads the book, {pace}: {names}")
    kernel_env = {**os.environ, **env}
    cache = get_cache(str(cache_path))
    cached = 0
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            path: pool.submit(_execute, nb, path.parent, timeout, kernel_env)
            for path, nb in pending.items()
        }
        for path, future in futures.items():
            seconds = future.result()
            if seconds is None:
                say(f"{path.stem} failed; it is executed again when the book is read")
                continue
            cache.cache_notebook_bundle(
                CacheBundleIn(pending[path], str(path), data={"execution_seconds": seconds}),
                check_validity=False,
                overwrite=True,
            )
            cached += 1
    return cached
