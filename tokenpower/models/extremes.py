"""How far a model's output can move over its inputs' declared ranges.

:func:`tokenpower.models.tokencost.sensitivity` moves one input at a time;
this module moves them together.  :func:`joint_extremes` evaluates every
corner of the box of ranges (each input at its low or its high end, 2**k
combinations), which gives the exact lowest and highest value of a measure
that is monotonic in each input, as the cost model's shares are;
:func:`range_summary` puts the one-at-a-time range, the joint extremes and
the tails of a Monte Carlo sample side by side.

>>> import pandas as pd
>>> def model(frame):  # a toy measure: a / (a + b)
...     return frame.assign(share=frame["a"] / (frame["a"] + frame["b"]))
>>> base = pd.DataFrame({"a": [1.0], "b": [3.0]})
>>> joint_extremes(base, {"a": (0.5, 2.0), "b": (2.0, 4.0)}, model, "share")[["low", "high"]].round(3).values.tolist()
[[0.111, 0.5]]
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

__all__ = ["joint_extremes", "range_summary"]


def joint_extremes(
    base: pd.DataFrame, ranges: dict[str, tuple[float, float]], model, measure: str
) -> pd.DataFrame:
    """Lowest and highest ``measure`` over every corner of ``ranges`` around a one-row ``base``.

    ``model`` maps a frame of inputs to a frame holding ``measure`` (e.g. a
    partial of :func:`~tokenpower.models.tokencost.token_cost`).  Returns one
    row: ``low``, ``high``, and for each the inputs at that corner
    (``low_inputs``, ``high_inputs``: dicts of input -> value).
    """
    names = list(ranges)
    corners = list(itertools.product(*(sorted(map(float, ranges[n])) for n in names)))
    draws = pd.concat([base.iloc[[0]]] * len(corners), ignore_index=True)
    for j, name in enumerate(names):
        draws[name] = [c[j] for c in corners]
    values = model(draws)[measure].to_numpy()
    lo, hi = int(np.argmin(values)), int(np.argmax(values))
    return pd.DataFrame(
        {
            "low": [float(values[lo])],
            "high": [float(values[hi])],
            "low_inputs": [dict(zip(names, corners[lo], strict=True))],
            "high_inputs": [dict(zip(names, corners[hi], strict=True))],
        }
    )


def range_summary(
    one_at_a_time: pd.DataFrame, joint: pd.DataFrame, sample: pd.Series, central: float
) -> dict[str, float]:
    """The ranges of one measure side by side.

    ``one_at_a_time``: a :func:`~tokenpower.models.tokencost.sensitivity`
    table of the measure; ``joint``: :func:`joint_extremes`; ``sample``: the
    measure in Monte Carlo draws.  Returns ``central``, ``oat_low``,
    ``oat_high``, ``joint_low``, ``joint_high`` and the sample's ``p1``,
    ``p5``, ``p50``, ``p95``, ``p99``, ``min`` and ``max``.
    """
    values = one_at_a_time[["at_low", "at_high"]].to_numpy()
    q = sample.quantile([0.01, 0.05, 0.5, 0.95, 0.99])
    return {
        "central": float(central),
        "oat_low": float(min(values.min(), central)),
        "oat_high": float(max(values.max(), central)),
        "joint_low": float(joint["low"].iloc[0]),
        "joint_high": float(joint["high"].iloc[0]),
        "p1": float(q.loc[0.01]),
        "p5": float(q.loc[0.05]),
        "p50": float(q.loc[0.5]),
        "p95": float(q.loc[0.95]),
        "p99": float(q.loc[0.99]),
        "min": float(sample.min()),
        "max": float(sample.max()),
    }
