"""The world layer against its sourced anchors (:mod:`tokenpower.models.world`).

:func:`anchor_check` puts each anchor the layer must reproduce (the rows of
``world_token_anchors`` marked ``check = layer``, and OpenRouter's platform
totals in ``openrouter_volumes`` that fall in the layer's two windows) beside
the layer's range for the same quantity, both in trillion tokens per week.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower.models.world import PERIODS, WEEKS_PER_YEAR, world_inputs

__all__ = ["anchor_check"]

_TO_WEEK = {
    "T/week": 1.0,
    "T/day": 7.0,
    "T/month": 12 / WEEKS_PER_YEAR,
    "T/year": 1 / WEEKS_PER_YEAR,
}


def _layer_ranges(inputs: pd.DataFrame) -> dict[tuple[str, str], tuple[float, float, float]]:
    """(measure, entity) -> (low, central, high) in T/week; every quantity is a product of inputs."""

    def product(*names):
        return tuple(
            float(np.prod([inputs.loc[n, k] for n in names])) for k in ("low", "central", "high")
        )

    fw = product("fireworks_t_per_day")
    return {
        ("openrouter_tokens", "openrouter"): product("openrouter_t_per_week"),
        ("openrouter_chinese_tokens", "openrouter"): product(
            "openrouter_t_per_week", "cn_share_openrouter"
        ),
        ("host_tokens", "fireworks"): tuple(7 * v for v in fw),
    }


_WINDOWS = {"late-2025": ("2025-10-01", "2026-01-31"), "mid-2026": ("2026-04-01", "2026-07-31")}
_VOLUME_MEASURES = {
    ("platform-total", "total"): "openrouter_tokens",
    ("all-models-view", "china"): "openrouter_chinese_tokens",
}


def _openrouter_volume_anchors(volumes: pd.DataFrame) -> pd.DataFrame:
    """OpenRouter's platform totals and all-models Chinese totals in the two windows, as anchors.

    The range is what the stated figure allows: half a unit of its last digit
    either side, or from the figure up for "more than".
    """
    v = volumes[volumes["unit_period"].isin(["day", "week"])].copy()
    v["measure"] = [_VOLUME_MEASURES.get(k) for k in zip(v["scope"], v["group"], strict=True)]
    v["period"] = None
    for period, (start, end) in _WINDOWS.items():
        v.loc[v["period_start"].between(pd.Timestamp(start), pd.Timestamp(end)), "period"] = period
    v = v.dropna(subset=["measure", "period"])
    value = v["tokens_t"].astype(float)
    step = 0.5 * 10.0 ** -value.map(lambda x: len(f"{x:g}".partition(".")[2]))
    more = v["qualifier"] == "more-than"
    return pd.DataFrame(
        {
            "anchor_id": v["volume_id"],
            "measure": v["measure"],
            "entity": "openrouter",
            "period": v["period"],
            "value": value,
            "unit": "T/" + v["unit_period"],
            "low": value.where(more, value - step),
            "high": (value + step).where(~more),
            "source": v["source"],
            "confidence": v["confidence"],
        }
    )


def anchor_check(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every anchor the layer must reproduce, beside the layer's range for the same quantity.

    The rows of ``world_token_anchors`` with ``check == "layer"`` and the
    platform totals of ``openrouter_volumes`` in the two windows.  Both ranges
    are in T tokens per week: the anchor's ``low``-``high`` (what its wording
    allows; ``high`` is infinite for "more than") and the layer's
    ``layer_low``-``layer_high`` (every input of the product at its low or
    high end).  ``within`` is true where the two ranges overlap.
    """
    anchors = tables["world_token_anchors"]
    anchors = anchors[anchors["check"] == "layer"]
    cols = "anchor_id measure entity period value unit low high source confidence".split()
    frame = pd.concat(
        [anchors[cols], _openrouter_volume_anchors(tables["openrouter_volumes"])], ignore_index=True
    )
    ranges = {p: _layer_ranges(world_inputs(tables, p)) for p in PERIODS}
    out = []
    for r in frame.itertuples(index=False):
        key = (r.measure, r.entity)
        if key not in ranges[r.period]:
            raise KeyError(
                f"world_token_anchors row {r.anchor_id}: the layer has no quantity {key}"
            )
        if r.unit not in _TO_WEEK:
            raise ValueError(
                f"world_token_anchors row {r.anchor_id}: unit {r.unit!r} is not a token rate"
            )
        k = _TO_WEEK[r.unit]
        lo, mid, hi = ranges[r.period][key]
        low, high = r.low * k, (np.inf if pd.isna(r.high) else r.high * k)
        out.append(
            {
                **r._asdict(),
                "anchor_low_t_per_week": low,
                "anchor_high_t_per_week": high,
                "layer_low": lo,
                "layer_central": mid,
                "layer_high": hi,
                "within": bool(low <= hi and lo <= high),
            }
        )
    return pd.DataFrame(out)
