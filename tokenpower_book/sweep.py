"""Every declared value runs: each chapter executed at both ends of each parameter's range.

:func:`range_ends` lists, for one chapter, the cases to execute: for each
numeric parameter its declared minimum and maximum, for a boolean the value
other than the default, for a text parameter with choices its first and last
choice (each case changes one parameter; the others keep their defaults).
:func:`sweep` executes them one after the other in one kernel (the
namespace is reset between cases, so each starts from the chapter's first
cell; the imports and loaded modules stay, which is what makes it fast) and
returns the failures.  The test suite runs it for every chapter (pytest marker
``sweep``).
"""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from traitlets.config import Config

from tokenpower_book.runner import inject, parameters_cell


@dataclass
class Failure:
    values: dict
    error: str


def range_ends(stem: str, defaults: dict, data_dir: Path) -> list[dict]:
    """One-parameter changes that reach both ends of every declared range of chapter ``stem``."""
    from tokenpower.pages import declared_parameters

    cases = []
    for name, p in declared_parameters(stem, data_dir).items():
        if p.type in ("integer", "number") and p.min is not None and p.max is not None:
            kind = int if p.type == "integer" else float
            ends = [kind(p.min), kind(p.max)]
        elif p.type == "boolean":
            ends = [not defaults[name]]
        elif p.choices:
            ends = [p.choices[0], p.choices[-1]]
        else:
            continue
        cases += [{name: value} for value in dict.fromkeys(ends) if value != defaults[name]]
    return cases


def sweep(path: Path, cases: list[dict], data_dir: Path, timeout: int = 600) -> list[Failure]:
    """Execute the chapter at ``path`` once per case in one kernel; the cases that failed."""
    import os

    _index, _defaults = parameters_cell(jupytext.read(path))
    sockets = Path(tempfile.mkdtemp(prefix="tp-kernel-"))
    config = Config()
    config.KernelManager.transport = "ipc"
    config.KernelManager.ip = str(sockets / "kernel")
    client = NotebookClient(
        nbformat.v4.new_notebook(),
        timeout=timeout,
        kernel_name="python3",
        config=config,
        resources={"metadata": {"path": str(path.parent)}},
    )
    failures = []
    env = {**os.environ, "TOKENPOWER_DATA_DIR": str(data_dir)}
    try:
        with client.setup_kernel(env=env):
            for values in cases:
                started = time.perf_counter()
                nb = inject(jupytext.read(path), values)
                reset = nbformat.v4.new_code_cell("%reset -f")
                nb.cells.insert(0, reset)
                client.nb = nb
                try:
                    for index, cell in enumerate(nb.cells):
                        client.execute_cell(cell, index)
                    outcome = "ok"
                except CellExecutionError as exc:
                    failures.append(Failure(values, f"{exc.ename}: {exc.evalue}"))
                    outcome = f"FAILED ({exc.ename})"
                print(
                    f"[sweep] {path.stem} {values}: {outcome} "
                    f"({time.perf_counter() - started:.1f} s)",
                    flush=True,
                )
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    return failures


__all__ = ["Failure", "range_ends", "sweep"]
