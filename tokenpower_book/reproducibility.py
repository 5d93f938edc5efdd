"""What the reproducibility page reports: executions, versions, the data's hash.

* :func:`execution_records` reads the execution cache that myst-nb keeps with
  jupyter-cache during the build (``_build/.jupyter_cache`` under the build's
  output folder): for each chapter, when it was last executed and how many
  seconds the execution took, as jupyter-cache recorded them.
* :func:`package_versions` and :func:`shipped_js_versions` give the versions
  of the Python packages installed and of the JavaScript libraries shipped in
  ``book/_static/vega``.
* :func:`data_fingerprint` is :func:`tokenpower_book.build.fingerprint` over
  ``data/`` only.

It is also a small Sphinx extension (listed in ``_config.yml``): it tells the
kernels where the build's cache is (``TOKENPOWER_JUPYTER_CACHE``) and has the
reproducibility page read again whenever another page changed or the cache
was written since the page was last read, so its report is never stale and a
build with nothing to do does not execute it.
"""

from __future__ import annotations

import os
import platform
import re
from importlib import metadata
from pathlib import Path

import pandas as pd

from tokenpower_book.build import STAGE, fingerprint

CACHE_ENV = "TOKENPOWER_JUPYTER_CACHE"
PAGE = "book/reproducibility"
KEY_PACKAGES = (
    "jupyter-book",
    "sphinx",
    "myst-nb",
    "myst-parser",
    "jupyter-cache",
    "sphinx-book-theme",
    "pandas",
    "numpy",
    "altair",
    "networkx",
    "jupytext",
    "nbclient",
    "vl-convert-python",
)
JS_LIBRARIES = {
    "vega": "vega.min.js",
    "vega-lite": "vega-lite.min.js",
    "vega-embed": "vega-embed.min.js",
}
_JS_VERSION = re.compile(r'(?:\.version=|(?:var|const|let)\s+\w+=)"(\d+\.\d+\.\d+)"')


def package_versions(names=KEY_PACKAGES) -> pd.DataFrame:
    """Installed versions of Python and of the distributions ``names``.

    Returns a frame with columns ``package`` and ``version`` (``"not
    installed"`` for a missing one), Python first.
    """
    rows = [("python", platform.python_version())]
    for name in names:
        try:
            rows.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            rows.append((name, "not installed"))
    return pd.DataFrame(rows, columns=["package", "version"])


def js_version(text: str) -> str | None:
    """The library version declared in a minified vega, vega-lite or vega-embed bundle.

    These bundles declare it as ``t.version="6.4.0"`` or ``var n="6.4.3"``;
    the last such declaration is the library's own (earlier ones belong to
    bundled dependencies).  None if there is none.
    """
    found = _JS_VERSION.findall(text)
    return found[-1] if found else None


def shipped_js_versions(static_dir: Path) -> pd.DataFrame:
    """Versions of the JavaScript libraries shipped in ``static_dir`` (``book/_static/vega``).

    Returns columns ``package``, ``version`` and ``file``.
    """
    rows = []
    for name, file in JS_LIBRARIES.items():
        path = Path(static_dir) / file
        version = (
            js_version(path.read_text(encoding="utf-8", errors="replace"))
            if path.exists()
            else None
        )
        rows.append((name, version or "not found", file))
    return pd.DataFrame(rows, columns=["package", "version", "file"])


def data_fingerprint(root: Path) -> str:
    """SHA-256 (hex) over every file under ``root/data``, names included."""
    return fingerprint(Path(root), paths=("data",))


def book_root() -> Path:
    """The book's repository folder: the parent of its data folder (``$TOKENPOWER_DATA_DIR`` or the package's)."""
    from tokenpower.data import DATA_DIR

    return Path(os.environ.get("TOKENPOWER_DATA_DIR") or DATA_DIR).resolve().parent


def default_cache_path(root: Path) -> Path:
    """Where the build keeps its execution cache: ``$TOKENPOWER_JUPYTER_CACHE``, or the staging build's."""
    return Path(os.environ.get(CACHE_ENV) or Path(root) / STAGE / "_build" / ".jupyter_cache")


def execution_records(cache_path: Path, chapter_paths: dict[str, Path]) -> pd.DataFrame:
    """The last cached execution of each chapter, read with jupyter-cache's API.

    Parameters: ``cache_path``, a jupyter-cache folder; ``chapter_paths``,
    chapter stem -> source path.  Returns one row per chapter found in the
    cache, in the order of ``chapter_paths``: ``chapter``, ``executed_utc``
    (timestamp the record was made, UTC) and ``seconds`` (execution time).
    Chapters with no record are left out; an absent cache gives no rows.
    """
    columns = ["chapter", "executed_utc", "seconds"]
    if not (Path(cache_path) / "global.db").exists():
        return pd.DataFrame(columns=columns)
    from jupyter_cache import get_cache

    by_uri = {}
    for record in get_cache(str(cache_path)).list_cache_records():
        latest = by_uri.get(record.uri)
        if latest is None or record.created > latest.created:
            by_uri[record.uri] = record
    rows = []
    for stem, path in chapter_paths.items():
        record = by_uri.get(str(Path(path).resolve())) or by_uri.get(str(path))
        if record is not None:
            rows.append(
                (
                    stem,
                    pd.Timestamp(record.created),
                    float(record.data.get("execution_seconds", float("nan"))),
                )
            )
    return pd.DataFrame(rows, columns=columns)


# -- the Sphinx side ---------------------------------------------------------


def _point_kernels_at_cache(app) -> None:
    path = getattr(app.config, "nb_execution_cache_path", "") or str(
        Path(app.outdir).parent / ".jupyter_cache"
    )
    os.environ[CACHE_ENV] = str(Path(path).resolve())


def _cache_signature() -> tuple | None:
    """When the execution cache was last written (size and time of its database)."""
    db = Path(os.environ.get(CACHE_ENV, "")) / "global.db"
    if not db.exists():
        return None
    stat = db.stat()
    return stat.st_size, stat.st_mtime_ns


def _reread_when_something_ran(app, env, added, changed, removed):
    """Read the page again when another page changes or the cache was written since its last reading."""
    if PAGE not in env.found_docs or PAGE in added | changed:
        return []
    others = (added | changed | removed) - {PAGE}
    if others or _cache_signature() != getattr(env, "tokenpower_cache_signature", None):
        return [PAGE]
    return []


def _remember_cache_signature(app, doctree):
    if app.env.docname == PAGE:
        app.env.tokenpower_cache_signature = _cache_signature()


def setup(app):
    app.connect("builder-inited", _point_kernels_at_cache)
    app.connect("env-get-outdated", _reread_when_something_ran)
    app.connect("doctree-read", _remember_cache_signature)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "KEY_PACKAGES",
    "book_root",
    "data_fingerprint",
    "default_cache_path",
    "execution_records",
    "js_version",
    "package_versions",
    "shipped_js_versions",
    "CACHE_ENV",
    "PAGE",
    "JS_LIBRARIES",
    "setup",
]
