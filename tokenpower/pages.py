"""Helpers for the chapters' pages."""

from __future__ import annotations

import numpy as np

__all__ = ["glue", "significant"]


def glue(name: str, value, display: bool = False) -> None:
    """Glue a value for ``{glue:text}`` in the prose, numpy scalars as plain Python numbers.

    myst-nb formats a glued value from its ``repr``; a numpy scalar's repr
    (``np.float64(0.5)``) cannot take a format spec such as ``:.1f``, so
    it is converted first.
    """
    from myst_nb import glue as myst_glue

    myst_glue(name, value.item() if isinstance(value, np.generic) else value, display=display)


def significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (0 stays 0), for figures whose inputs are rough.

    >>> significant(725.8248), significant(0.0251909), significant(1636.6, 1)
    (730.0, 0.025, 2000.0)
    """
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return value
    return round(value, digits - 1 - int(np.floor(np.log10(abs(value)))))
