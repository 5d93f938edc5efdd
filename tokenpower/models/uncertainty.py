"""Uncertainty: one-at-a-time sensitivity and triangular draws, for every model of the book.

Two standard methods, each written once and used by the token cost model
(:mod:`tokenpower.models.tokencost`), the scenario engine
(:mod:`tokenpower.engine`) and the chip-ban paths
(:mod:`tokenpower.policies.chipbans`):

* **one-at-a-time sensitivity** (the numbers behind a tornado chart): move each
  uncertain input alone to the low and to the high end of its range, keep every
  other input at its central value, and record the outcome at both ends
  (:func:`one_at_a_time`);
* **triangular draws** for a Monte Carlo: an input known only as a low, a
  central and a high value is drawn from the triangular distribution with those
  three points (:func:`triangular`), the usual choice when a range and a most
  likely value are all that is known.  Independent inputs need independent random
  streams; :func:`stream` derives them from one seed with numpy's
  :class:`~numpy.random.SeedSequence`, so two draws seeded alike never move in
  lockstep.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = ["one_at_a_time", "stream", "triangular"]


def one_at_a_time(
    evaluate: Callable[[str, float], float],
    ranges: Mapping[str, tuple[float, float]],
    central: float | None = None,
) -> pd.DataFrame:
    """One-at-a-time sensitivity: the outcome with each input alone at its low and its high end.

    ``evaluate(name, value)`` returns the outcome with the one input ``name`` set
    to ``value`` and every other input at its central value; ``ranges`` maps each
    input's name to its (low, high), numbers or, for a choice parameter, two of
    its choices.  Returns one row per input with
    ``parameter``, ``low``, ``high``, ``at_low``, ``at_high`` and ``swing``
    (``|at_high - at_low|``), largest swing first (ties in name order).  Where
    ``central`` (the outcome with every input central) is given, the columns
    ``central`` and ``swing_pct`` (swing / |central| x 100, NaN where central is
    0) are added.

    A worked example: the outcome x + 10 y, with x in (0, 2) and y in (1, 1.5),
    around a central value of 1 + 10 x 1.2 = 13.  Moving x alone gives 12 and
    14 (swing 2); moving y alone gives 11 and 16 (swing 5), so y comes first:

    >>> central = {"x": 1.0, "y": 1.2}
    >>> def outcome(name, value):
    ...     p = {**central, name: value}
    ...     return p["x"] + 10 * p["y"]
    >>> t = one_at_a_time(outcome, {"x": (0.0, 2.0), "y": (1.0, 1.5)}, central=13.0)
    >>> t[["parameter", "at_low", "at_high", "swing"]].values.tolist()
    [['y', 11.0, 16.0, 5.0], ['x', 12.0, 14.0, 2.0]]
    >>> [round(v, 2) for v in t["swing_pct"]]
    [38.46, 15.38]
    """
    rows = []
    for name, (low, high) in ranges.items():
        at_low, at_high = float(evaluate(name, low)), float(evaluate(name, high))
        rows.append(
            {
                "parameter": name,
                "low": _number_or_choice(low),
                "high": _number_or_choice(high),
                "at_low": at_low,
                "at_high": at_high,
                "swing": abs(at_high - at_low),
            }
        )
    columns = ["parameter", "low", "high", "at_low", "at_high", "swing"]
    out = pd.DataFrame(rows, columns=columns)
    out = out.sort_values(["swing", "parameter"], ascending=[False, True]).reset_index(drop=True)
    if central is not None:
        central = float(central)
        out["central"] = central
        out["swing_pct"] = out["swing"] / abs(central) * 100 if central != 0 else np.nan
    return out


def _number_or_choice(value):
    """A range end as a float, or unchanged where it is a choice (such as ``"low"``)."""
    return value if isinstance(value, str) else float(value)


def stream(seed: int, key: int = 0) -> np.random.Generator:
    """The random stream number ``key`` of ``seed``: independent of every other key.

    Stream 0 is numpy's ``default_rng(seed)`` itself (so a model that draws
    from the seed directly keeps its draws); stream k > 0 is the k-th child of
    the seed's :class:`~numpy.random.SeedSequence`, statistically independent of
    stream 0 and of every other child.

    >>> float(stream(7).random()) == float(np.random.default_rng(7).random())
    True
    >>> float(stream(7, 1).random()) == float(stream(7).random())
    False
    """
    if key == 0:
        return np.random.default_rng(seed)
    return np.random.default_rng(np.random.SeedSequence(seed).spawn(key)[key - 1])


def triangular(
    low: float | None,
    central: float,
    high: float | None,
    size: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """``size`` draws from the triangular distribution on (low, central, high).

    ``low`` and ``high`` may come in either order.  An input without a range
    (``low`` or ``high`` is None, or low == high), or whose central value lies
    outside its range (a reader's own value, taken as given), is not uncertain:
    every draw is ``central`` and ``rng`` is not used, so the other inputs' draws
    do not depend on it.

    The distribution's mean is (low + central + high) / 3; for (0, 1, 5) that is 2:

    >>> draws = triangular(0.0, 1.0, 5.0, 200_000, np.random.default_rng(0))
    >>> round(float(draws.mean()), 1), bool(draws.min() >= 0.0), bool(draws.max() <= 5.0)
    (2.0, True, True)
    >>> triangular(1.0, 3.0, 2.0, 3, np.random.default_rng(0)).tolist()
    [3.0, 3.0, 3.0]
    """
    central = float(central)
    if low is None or high is None:
        return np.full(size, central)
    low, high = sorted((float(low), float(high)))
    if low == high or not (low <= central <= high):
        return np.full(size, central)
    return rng.triangular(low, central, high, size)
