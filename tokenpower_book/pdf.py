"""The whole book as one PDF, built offline: a single-page HTML build printed by Chromium.

Route (no network, no downloaded browser or fonts): the book is built once more with Sphinx's
``singlehtml`` builder, reusing the execution cache of the HTML build (nothing is executed
again), into ``_build/pdf-<edition>/``; the page gets the book's print styles plus
``book/_static/pdf.css`` (a page per chapter start, page numbers, code left out unless asked
for); Debian's ``chromium`` prints it headless, with the chapters as the PDF's outline. Charts
print as the static SVG drawings the chapters make when they execute. The result is
``_build/cables-coins-tokens.pdf`` (teacher edition) or
``_build/cables-coins-tokens-student.pdf``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from tokenpower_book.build import build_variant
from tokenpower_book.errors import UsageError

ROOT_PAGE = Path("book") / "intro.html"  # where singlehtml writes the book (the toc's root)
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
WITH_CODE_CSS = """
@media print {
  .cell_input, details.hide.above-input, .tag_hide-input > .cell_input,
  div.highlight-ipython3, .cell .cell_input { display: block !important; }
  details.hide.above-input > summary { display: none !important; }
}
"""


def pdf_path(root: Path, edition: str) -> Path:
    suffix = "" if edition == "teacher" else f"-{edition}"
    return Path(root) / "_build" / f"cables-coins-tokens{suffix}.pdf"


def chromium() -> str:
    """The Chromium executable (``$TOKENPOWER_CHROMIUM`` or the first of the usual names on PATH)."""
    named = os.environ.get("TOKENPOWER_CHROMIUM")
    found = named or next(filter(None, map(shutil.which, CHROMIUM_NAMES)), None)
    if not found:
        raise UsageError(
            "the PDF is printed by Chromium, which is not installed: on Debian, "
            "apt-get install chromium (or set TOKENPOWER_CHROMIUM to its path)"
        )
    return found


def print_page(page: Path, target: Path, timeout: int = 600) -> None:
    """Print one local HTML page to ``target`` with headless Chromium (written whole or not at all)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        partial = target.with_name(target.name + ".part")
        cmd = [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            "--virtual-time-budget=30000",
            f"--print-to-pdf={partial}",
            page.resolve().as_uri(),
        ]
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if result.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            partial.unlink(missing_ok=True)
            raise RuntimeError(f"Chromium could not print {page}: {result.stderr.strip()[-500:]}")
        partial.replace(target)


def prepare_page(single: Path, with_code: bool) -> Path:
    """The single page, moved beside its ``_static`` folder and given the PDF's styles."""
    source = single / ROOT_PAGE
    text = source.read_text(encoding="utf-8")
    extra = '<link rel="stylesheet" type="text/css" href="_static/pdf.css" />'
    if with_code:
        extra += f"<style>{WITH_CODE_CSS}</style>"
    text = text.replace("</head>", f"{extra}\n</head>", 1)
    page = single / "book.html"
    page.write_text(text, encoding="utf-8")
    return page


def build_pdf(
    root: Path = Path("."),
    edition: str = "teacher",
    with_code: bool = False,
    output: Path | None = None,
    stage: Path | None = None,
    built: bool = False,
) -> Path:
    """Build the book's PDF and return its path; raise on failure, leaving no partial file.

    ``stage`` is the HTML build's staging folder (default ``_build/stage``); with ``built``
    the HTML build is taken to be up to date (see :func:`tokenpower_book.build.build_variant`).
    """
    root = Path(root).resolve()
    single = build_variant(root, edition, builder="singlehtml", stage=stage, built=built)
    if single is None:
        raise RuntimeError("the single-page build of the book failed (see the messages above)")
    page = prepare_page(single, with_code)
    target = Path(output).resolve() if output else pdf_path(root, edition)
    print(f"[tokenpower] printing {page.name} to {target} with Chromium", flush=True)
    print_page(page, target)
    return target


__all__ = [
    "CHROMIUM_NAMES",
    "ROOT_PAGE",
    "WITH_CODE_CSS",
    "build_pdf",
    "chromium",
    "pdf_path",
    "prepare_page",
    "print_page",
]
