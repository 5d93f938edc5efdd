"""Serving costs and capacities by country: what a scenario's chip rules do to supply.

Each country serves on the cheapest accelerator it can get (legal ones at
their price, grey-market ones at a premium on the card price); the serving
cost of that marginal unit sets the price change, and the fleet a country
can add with it sets its capacity.  Costs come from
:func:`tokenpower.engine.market.serving_cost_components`, per million tokens
of a model with 1B active parameters (multiply by a model's active
parameters).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tokenpower.engine.market import Market
from tokenpower.models import flows as fl
from tokenpower.models import tokencost as tc

__all__ = ["capacities", "country_cost_usd_per_m", "country_costs", "gpu_hours_per_m"]


def gpu_hours_per_m(costs: pd.DataFrame, output_fraction) -> np.ndarray:
    """Busy GPU-hours per million blended tokens at 1B active parameters, (..., accelerators)."""
    f = np.asarray(output_fraction, float)[..., None]
    return tc.blended_per_million(
        1 / costs["m_input_per_hour"].to_numpy(), 1 / costs["m_output_per_hour"].to_numpy(), f
    )


def _cheapest(rows, legal, smuggled, premium, multiplier, output_fraction):
    """Cost, kWh and GPU-hours per million tokens on the cheapest accessible accelerator.

    Vectorised over draws of ``output_fraction``, ``premium`` and
    ``multiplier`` (shape (D,)); returns four arrays of shape (D,): USD, kWh,
    GPU-hours per million tokens (``inf``/``nan`` where nothing is
    accessible) and the index of the accelerator in ``rows``.
    """
    ids = rows["accelerator_id"].to_numpy()
    hours = gpu_hours_per_m(rows, output_fraction)  # (D, A)
    legal_m = np.isin(ids, list(legal))
    smug_m = np.isin(ids, list(smuggled)) & ~legal_m
    cap = rows["capital_usd_per_hour"].to_numpy()
    run = rows["electricity_usd_per_hour"].to_numpy() + rows["other_usd_per_hour"].to_numpy()
    premium = np.asarray(premium, float)[..., None]
    unit = np.where(legal_m, cap + run, np.where(smug_m, cap * (1 + premium) + run, np.inf))
    usd = unit * hours
    best = np.argmin(usd, axis=-1)
    pick = np.take_along_axis(usd, best[..., None], -1)[..., 0]
    found = np.isfinite(pick)
    picked_hours = np.take_along_axis(hours, best[..., None], -1)[..., 0]
    kwh = rows["kwh_per_hour"].to_numpy()[best] * picked_hours
    return (
        np.where(found, pick * np.asarray(multiplier, float), np.inf),
        np.where(found, kwh, np.nan),
        np.where(found, picked_hours, np.nan),
        best,
    )


def country_cost_usd_per_m(
    costs: pd.DataFrame,
    country: str,
    legal,
    smuggled=(),
    premium: float = 0.0,
    multiplier: float = 1.0,
    output_fraction: float = 0.22,
) -> dict:
    """Serving cost per million blended tokens in ``country`` at 1B active parameters.

    The country serves on the cheapest accelerator it can get: those in
    ``legal`` at their price, those in ``smuggled`` at ``1 + premium`` times
    their capital cost; ``multiplier`` scales the result.  Returns
    ``{"usd_per_m", "kwh_per_m", "gpu_hours_per_m", "accelerator_id"}``
    (per million tokens at 1B active parameters).  A stricter ban (fewer
    legal accelerators, or a higher premium) can only raise the cost: the
    minimum over a smaller set, or of dearer items, is never lower.
    """
    rows = costs[costs["country"] == country]
    usd, kwh, hours, best = _cheapest(rows, legal, smuggled, premium, multiplier, output_fraction)
    if not np.isfinite(usd):
        return {
            "usd_per_m": math.inf,
            "kwh_per_m": math.nan,
            "gpu_hours_per_m": math.nan,
            "accelerator_id": "",
        }
    return {
        "usd_per_m": float(usd),
        "kwh_per_m": float(kwh),
        "gpu_hours_per_m": float(hours),
        "accelerator_id": str(rows["accelerator_id"].to_numpy()[int(best)]),
    }


def country_costs(market: Market, params: dict, get, baseline: bool) -> dict[str, dict]:
    """Per-draw serving cost of each serving country, at the scenario's rules or the baseline's.

    ``get(name)`` returns a parameter as an array over draws.  Returns
    ``{country: {"usd", "kwh", "hours", "accelerator_id"}}``, each an array (D,).
    """
    spec = market.specs
    rule = (lambda k: spec[k]["default"]) if baseline else params.get
    out = {}
    for c in fl.SERVING_COUNTRIES:
        lc = c.lower()
        rows = market.costs[market.costs["country"] == c]
        usd, kwh, hours, best = _cheapest(
            rows,
            rule(f"accelerators_{lc}"),
            rule("smuggled_accelerators_chn") if c == "CHN" else (),
            rule("smuggling_premium_chn") if baseline else get("smuggling_premium_chn"),
            rule(f"cost_multiplier_{lc}") if baseline else get(f"cost_multiplier_{lc}"),
            get("output_token_fraction"),
        )
        ids = np.where(np.isfinite(usd), rows["accelerator_id"].to_numpy()[best], "")
        out[c] = {"usd": usd, "kwh": kwh, "hours": hours, "accelerator_id": ids}
    return out


def capacities(params: dict, get, base_served: dict, base_cost: dict, scn_cost: dict) -> dict:
    """Weekly token capacity of each serving country, an array over draws (``inf``: no limit).

    ``capacity_factor`` x the tokens the country served in the calibration
    week x its fleet in ``scenario_year`` relative to 2026.  The fleet
    compounds at ``fleet_growth`` a year: a shrinking fleet keeps that share
    of today's units; a growing one adds units of the scenario's cheapest
    accessible accelerator, each serving ``hours_base / hours_scenario`` as
    many tokens as today's average unit.  A stricter rule therefore never
    leaves more capacity.
    """
    out = {}
    years = get("scenario_year") - 2026
    for c in fl.SERVING_COUNTRIES:
        factor = params[f"capacity_factor_{c.lower()}"]
        if factor is None:
            out[c] = np.full(np.shape(years), np.inf)
            continue
        size = (1 + get(f"fleet_growth_{c.lower()}")) ** years
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(
                np.isfinite(scn_cost[c]["usd"]), base_cost[c]["hours"] / scn_cost[c]["hours"], 0.0
            )
        fleet = np.minimum(size, 1.0) + np.maximum(size - 1.0, 0.0) * ratio
        out[c] = factor * np.asarray(base_served[c], float) * fleet
    return out
