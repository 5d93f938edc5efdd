"""Read, check and execute one chapter with other values of its ``parameters`` cell.

Every chapter has one code cell tagged ``parameters`` holding plain
assignments (``year = 1870``), declared in ``data/chapter_parameters.csv``.
:func:`checked_parameters` turns each ``-p name=value`` into a value of the
default's type (unknown names and values of the wrong type are refused with
the list of valid ones) and checks it against its declaration with
:func:`tokenpower.pages.check_parameters`, before any kernel starts.
:func:`execute` inserts the new values after the parameters cell with
papermill (tag ``injected-parameters``) and runs the notebook in a clean
kernel that talks over IPC sockets in a private folder, with the kernel's
environment passed to it (never set in this process), printing its progress.
:mod:`tokenpower_book.rerun` renders the result like the book.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from tokenpower_book.errors import UsageError


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


def checked_parameters(stem: str, pairs: list[str], defaults: dict, data_dir: Path) -> dict:
    """``-p name=value`` pairs as typed values, checked against the chapter's declarations.

    Raises :class:`UsageError` naming the parameter, the value and its range or choices.
    """
    from tokenpower.pages import ParameterError, check_parameters

    values = parse_parameters(pairs, defaults)
    try:
        return {**values, **check_parameters(stem, values, data_dir)}
    except ParameterError as exc:
        raise UsageError(str(exc)) from None


def parameter_records(stem: str, defaults: dict, data_dir: Path) -> list[dict]:
    """The chapter's declared parameters as records (name, type, default, min, max, choices, unit, description)."""
    from tokenpower.pages import declared_parameters

    declared = declared_parameters(stem, data_dir)
    missing = [name for name in defaults if name not in declared]
    if missing:
        raise UsageError(
            f"chapter {stem}: parameters {', '.join(missing)} are not declared in data/chapter_parameters.csv"
        )
    return [p.record(defaults[name]) for name, p in declared.items() if name in defaults]


def inject(nb: nbformat.NotebookNode, values: dict) -> nbformat.NotebookNode:
    """The notebook with a cell of ``values`` after its parameters cell (papermill's convention)."""
    if not values:
        return nb
    from papermill.parameterize import parameterize_notebook

    untagged = [cell for cell in nb.cells if "tags" not in cell.metadata]
    for cell in untagged:  # papermill reads every cell's tags
        cell.metadata["tags"] = []
    nb.metadata.setdefault("papermill", {})
    try:
        nb = parameterize_notebook(nb, values, comment="Parameters of this re-run")
    finally:
        for cell in nb.cells:
            if cell.metadata.get("tags") == []:
                del cell.metadata["tags"]
    return nb


class _Progress:
    """One line that counts the executed cells (rewritten in place on a terminal)."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, total, 0
        self.started = time.perf_counter()
        self.tty = sys.stdout.isatty()

    def __call__(self, **_kwargs) -> None:
        self.done += 1
        if self.tty or self.done == self.total or self.done % 10 == 0:
            elapsed = time.perf_counter() - self.started
            line = f"[tokenpower] {self.label}: cell {self.done} of {self.total} ({elapsed:.0f} s)"
            print(("\r" + line) if self.tty else line, end="" if self.tty else "\n", flush=True)
        if self.tty and self.done == self.total:
            print(flush=True)


def execute(
    nb: nbformat.NotebookNode,
    cwd: Path,
    data_dir: Path,
    timeout: int = 600,
    label: str | None = None,
) -> nbformat.NotebookNode:
    """Execute ``nb`` in place in a fresh ``python3`` kernel started in ``cwd``.

    The kernel talks over IPC sockets in a private temporary folder (no TCP
    port, no "running over TCP without encryption" warning) and gets this
    process's environment plus ``TOKENPOWER_DATA_DIR=data_dir``, passed to it
    through jupyter_client.  With ``label``, prints progress per cell.
    Raises :class:`nbclient.exceptions.CellExecutionError` on a failing cell.
    """
    nb.metadata.setdefault(
        "kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"}
    )
    sockets = Path(tempfile.mkdtemp(prefix="tp-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    total = sum(1 for cell in nb.cells if cell.cell_type == "code")
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        config=config,
        resources={"metadata": {"path": str(cwd)}},
        on_cell_executed=_Progress(label, total) if label else None,
    )
    env = {**os.environ, "TOKENPOWER_DATA_DIR": str(data_dir)}
    try:
        client.execute(env=env)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return nb


def execute_chapter(
    path: Path, values: dict, data_dir: Path, timeout: int = 600, label: str | None = None
) -> nbformat.NotebookNode:
    """The chapter at ``path`` executed with ``values``; a failing cell is a :class:`UsageError`."""
    nb = inject(jupytext.read(path), values)
    try:
        return execute(nb, path.parent, data_dir, timeout, label)
    except CellExecutionError as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in values.items()) or "its default parameters"
        raise UsageError(
            f"chapter {path.stem} failed with {shown}: {exc.ename}: {exc.evalue}"
        ) from None


__all__ = [
    "chapters",
    "checked_parameters",
    "execute",
    "execute_chapter",
    "inject",
    "parameter_records",
    "parameters_cell",
    "parse_parameters",
    "resolve_chapter",
]
