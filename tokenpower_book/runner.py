"""Re-execute one chapter with other values of its ``parameters`` cell.

Every chapter has one code cell tagged ``parameters`` holding plain
assignments (``year = 1870``).  :func:`run_chapter` reads the chapter with
jupytext, checks each ``-p name=value`` against those assignments (unknown
names and values of the wrong type are refused with the list of valid
ones), inserts a cell with the new values right after the parameters cell
(the papermill convention, tag ``injected-parameters``), executes the
notebook in a clean kernel from the chapter's folder, and writes the executed
``.ipynb`` and a self-contained HTML page that draws its charts offline.
"""

from __future__ import annotations

import ast
import html
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from tokenpower_book.errors import UsageError

VEGA_FILES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")


@dataclass
class RunResult:
    notebook: Path
    html: Path
    parameters: dict


def chapters(root: Path) -> dict[str, Path]:
    """Executable chapters of the book: name (file stem) -> path."""
    found = {}
    for path in sorted((root / "book").glob("*.md")):
        head = path.read_text(encoding="utf-8")[:600]
        if "kernelspec" in head and "format_name: myst" in head:
            found[path.stem] = path
    return found


def resolve_chapter(name: str, root: Path) -> Path:
    """A chapter by file stem (``intro``) or by number (``1`` for ``01-...``)."""
    available = chapters(root)
    if name in available:
        return available[name]
    if name.isdigit():
        for stem, path in available.items():
            match = re.match(r"^(\d+)", stem)
            if match and int(match.group(1)) == int(name):
                return path
    valid = ", ".join(available) or "(none)"
    raise UsageError(f"unknown chapter {name!r}; valid chapters: {valid}")


def parameters_cell(nb: nbformat.NotebookNode) -> tuple[int, dict]:
    """Index of the cell tagged ``parameters`` and its assignments (name -> value)."""
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            values = {}
            for node in ast.parse(cell.source).body:
                if (
                    isinstance(node, ast.Assign)
                    and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)
                ):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
                elif (
                    isinstance(node, ast.AnnAssign)
                    and isinstance(node.target, ast.Name)
                    and node.value is not None
                ):
                    values[node.target.id] = ast.literal_eval(node.value)
            return index, values
    raise UsageError("the chapter has no code cell tagged 'parameters'")


def _describe(defaults: dict) -> str:
    return ", ".join(f"{k} ({type(v).__name__}, default {v!r})" for k, v in defaults.items())


def parse_parameters(pairs: list[str], defaults: dict) -> dict:
    """Turn ``["name=value", ...]`` into typed values matching the defaults' types."""
    values = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(
                f"parameter {pair!r} is not of the form name=value; valid parameters: {_describe(defaults)}"
            )
        name, text = (s.strip() for s in pair.split("=", 1))
        if name not in defaults:
            raise UsageError(f"unknown parameter {name!r}; valid parameters: {_describe(defaults)}")
        default = defaults[name]
        values[name] = _convert(name, text, default)
    return values


def _convert(name: str, text: str, default):
    kind = type(default)
    try:
        if kind is bool:
            if text.lower() in ("true", "1", "yes"):
                return True
            if text.lower() in ("false", "0", "no"):
                return False
            raise ValueError
        if kind is int:
            return int(text)
        if kind is float:
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if kind is str:
            return text
        value = ast.literal_eval(text)
        if not isinstance(value, kind):
            raise ValueError
        return value
    except (ValueError, SyntaxError):
        raise UsageError(
            f"parameter {name!r} expects a value of type {kind.__name__} "
            f"(default {default!r}), got {text!r}"
        ) from None


def run_chapter(
    chapter: str,
    pairs: list[str],
    root: Path = Path("."),
    output_dir: Path | None = None,
    timeout: int = 600,
) -> RunResult:
    """Execute ``chapter`` with ``pairs`` (``name=value``) and write notebook and page."""
    root = root.resolve()
    path = resolve_chapter(chapter, root)
    nb = jupytext.read(path)
    index, defaults = parameters_cell(nb)
    values = parse_parameters(pairs, defaults)
    if values:
        source = "# Injected parameters\n" + "\n".join(f"{k} = {v!r}" for k, v in values.items())
        injected = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
        nb.cells.insert(index + 1, injected)
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    print(
        f"[tokenpower] executing {path.name} with {values or 'its default parameters'} ...",
        flush=True,
    )
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    # the kernel inherits the environment: point it at this book's data, for this run only
    previous = os.environ.get("TOKENPOWER_DATA_DIR")
    os.environ["TOKENPOWER_DATA_DIR"] = str(root / "data")
    try:
        client.execute()
    except CellExecutionError as exc:
        raise UsageError(
            f"chapter {path.stem} failed with parameters {values}: {exc.ename}: {exc.evalue}"
        ) from None
    finally:
        if previous is None:
            os.environ.pop("TOKENPOWER_DATA_DIR", None)
        else:
            os.environ["TOKENPOWER_DATA_DIR"] = previous
    out = (output_dir or root / "_build" / "run").resolve()
    out.mkdir(parents=True, exist_ok=True)
    notebook_path = out / f"{path.stem}.ipynb"
    html_path = out / f"{path.stem}.html"
    for target, text in (
        (notebook_path, nbformat.writes(nb)),
        (html_path, notebook_html(nb, path.stem, values)),
    ):
        tmp = target.with_suffix(target.suffix + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    static = out / "_static" / "vega"
    static.mkdir(parents=True, exist_ok=True)
    for name in VEGA_FILES:
        shutil.copy2(root / "book" / "_static" / "vega" / name, static / name)
    return RunResult(notebook_path, html_path, values)


def notebook_html(nb: nbformat.NotebookNode, title: str, values: dict) -> str:
    """A plain, offline HTML page of an executed notebook: prose, folded code, outputs."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    parts = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            parts.append(md.render(cell.source))
        elif cell.cell_type == "code":
            if "remove-cell" in cell.metadata.get("tags", []):
                continue
            parts.append(
                f"<details><summary>code</summary><pre><code>{html.escape(cell.source)}</code></pre></details>"
            )
            for output in cell.get("outputs", []):
                parts.append(_output_html(output))
    scripts = "\n".join(f'<script src="_static/vega/{name}"></script>' for name in VEGA_FILES)
    shown = ", ".join(f"{k} = {v!r}" for k, v in values.items()) or "default parameters"
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f"{scripts}<style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:auto;padding:1rem}}"
        ".tp-chart-alt{position:absolute;left:-9999px}pre{overflow-x:auto;background:#f6f6f6;padding:.5rem}"
        ".tp-chart-static{display:none}@media "
        "print{.tp-chart{display:none}.tp-chart-static{display:block;max-width:100%}"
        "details{display:none}}</style>"
        f"</head><body><p><em>Re-executed with {html.escape(shown)}.</em></p>\n"
        + "\n".join(parts)
        + "</body></html>\n"
    )


def _output_html(output) -> str:
    if output.output_type == "stream":
        return f"<pre>{html.escape(output.text)}</pre>"
    if output.output_type == "error":
        return f"<pre>{html.escape(output.ename)}: {html.escape(output.evalue)}</pre>"
    data = output.get("data", {})
    if "text/html" in data:
        return data["text/html"]
    if "image/png" in data:
        return f'<img alt="figure" src="data:image/png;base64,{data["image/png"]}">'
    if "image/svg+xml" in data:
        return data["image/svg+xml"]
    if "text/markdown" in data:
        return f"<div>{html.escape(data['text/markdown'])}</div>"
    if "text/plain" in data:
        return f"<pre>{html.escape(data['text/plain'])}</pre>"
    return ""


__all__ = [
    "RunResult",
    "chapters",
    "parameters_cell",
    "parse_parameters",
    "resolve_chapter",
    "run_chapter",
    "notebook_html",
    "VEGA_FILES",
]
