"""Shared fixtures: the repository root, a copy of the data, a built site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BOOK_FILES = ("_config.yml", "_toc.yml", "requirements.txt", "pyproject.toml")
BOOK_DIRS = ("book", "data", "tokenpower")


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def copy_book(target: Path, toc_root_only: bool = False) -> Path:
    """Copy what the build needs into ``target``; optionally keep only the intro page."""
    target.mkdir(parents=True, exist_ok=True)
    for name in BOOK_FILES:
        shutil.copy2(ROOT / name, target / name)
    for name in BOOK_DIRS:
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "_build"))
    if toc_root_only:
        (target / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The whole book built once, from a clean cache, with warnings as errors."""
    from tokenpower.build import build_book

    base = tmp_path_factory.mktemp("book")
    site = base / "html"
    ok = build_book(ROOT, stage=base / "stage", site=site, quiet=True)
    assert ok, "the book failed to build (warnings are errors); run `make book` to see why"
    return site
