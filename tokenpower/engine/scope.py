"""The engine at two scopes: one platform's week, or the world's use of Chinese-made models.

The market is calibrated on one week of one platform (OpenRouter), the only
place with per-model volumes.  The essay's claim is about the world, so the
parameter ``demand_scope`` (``world``, the default, or ``platform``) says at
which scale the engine reports its volumes.  At the world scope every volume
of the week is multiplied by the **world scale**: the tokens Chinese-made
models serve to users outside China a year, over all channels of the world
layer (:mod:`tokenpower.models.world`: routers, the labs' own APIs, foreign
hosts, apps), over those of the OpenRouter part of the router channel, the
platform the engine is calibrated on.  Both come from the same inputs of the
layer, in its ``mid-2026`` window.

Scaling demand scales capacity with it (capacities are stated relative to
the tokens served), so shares, prices, costs and shadow prices are the same
at both scopes; only the volumes (tokens, capacity, electricity, bills and
welfare in dollars) scale.  The mix of segments, models and hosts stays the
platform's: at the world scope the volumes of US-made models are scaled by
the same ratio, which the layer does not measure.

A worked example: if the world's users outside China get 40 T tokens a year
from Chinese-made models and OpenRouter's share of them is 8 T, the scale is
5, and 2 GWh a year of electricity exported through the platform becomes
10 GWh at the world scope.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower.models import world

__all__ = ["EXTENSIVE", "PERIOD", "scale", "scope_inputs", "world_scale"]

PERIOD = "mid-2026"
"""The world layer's window the world scope reads."""

EXTENSIVE = (
    "capacity_tokens_per_week",
    "unserved_or_priced_out_tokens_per_week",
    "tokens_per_week",
    "welfare_change_usd_per_year",
    "welfare_change_usd_per_week",
    "exported_electricity_gwh_per_year",
    "electricity_gwh_per_year",
    "bill_usd_per_week",
)
"""Measures that are volumes, multiplied by the scale at the world scope."""


def scope_inputs(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """The world layer's inputs in :data:`PERIOD` (:func:`tokenpower.models.world.world_inputs`)."""
    return world.world_inputs(tables, PERIOD)


def world_scale(inputs: pd.DataFrame, draws: int | None = None, seed: int = 0) -> np.ndarray:
    """The world scale at the central inputs (``draws=None``, one value) or for ``draws`` draws.

    Draws are those of :func:`tokenpower.models.world.monte_carlo` for the same
    ``seed`` (each input triangular on its range, from its own stream), so a
    band at the world scope and the world layer's band rest on the same draws.
    """
    x = inputs["central"].to_dict() if draws is None else world.draw_inputs(inputs, draws, seed)
    platform = (
        np.asarray(x["openrouter_t_per_week"], float)
        * world.WEEKS_PER_YEAR
        * x["cn_share_openrouter"]
        * x["foreign_share_openrouter"]
    )
    return np.atleast_1d(world.channel_tokens(x)["abroad_total"] / platform)


def scale(measures: dict[str, dict[str, np.ndarray]], factor) -> dict[str, dict[str, np.ndarray]]:
    """The measures with every volume of :data:`EXTENSIVE` multiplied by ``factor`` (per draw)."""
    f = np.asarray(factor, float)
    return {
        name: {k: v * f for k, v in keyed.items()} if name in EXTENSIVE else keyed
        for name, keyed in measures.items()
    }
