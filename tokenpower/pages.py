"""Helpers for the chapters' pages."""

from __future__ import annotations

import numpy as np

__all__ = ["glue"]


def glue(name: str, value, display: bool = False) -> None:
    """Glue a value for ``{glue:text}`` in the prose, numpy scalars as plain Python numbers.

    myst-nb formats a glued value from its ``repr``; a numpy scalar's repr
    (``np.float64(0.5)``) cannot take a format spec such as ``:.1f``, so
    it is converted first.
    """
    from myst_nb import glue as myst_glue

    myst_glue(name, value.item() if isinstance(value, np.generic) else value, display=display)
