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

import tokenpower.engine.fleet as fleet
from tokenpower.engine.market import Market
from tokenpower.models import flows as fl
from tokenpower.models import tokencost as tc

__all__ = [
    "capacities",
    "china_supply",
    "country_cost_usd_per_m",
    "country_costs",
    "gpu_hours_per_m",
]


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


def _china_access(market: Market, params: dict, rule) -> pd.DataFrame:
    """China's access table for a scenario: from ``chip_rules.csv`` or, for ``custom``, from the lists."""
    if rule("chip_rule_chn") != "custom":
        return fleet.access_table(market.fleet, rule("chip_rule_chn"))
    legal, grey = (
        set(rule("accelerators_chn")),
        set(rule("smuggled_accelerators_chn")) - set(rule("accelerators_chn")),
    )
    ids = sorted(set(market.costs["accelerator_id"]))
    access = ["legal" if a in legal else "grey" if a in grey else "none" for a in ids]
    premium, share = float(rule("smuggling_premium_chn")), float(rule("grey_supply_share_chn"))
    return pd.DataFrame(
        {
            "accelerator_id": ids,
            "access": access,
            "cost_multiplier": [
                1.0 if x == "legal" else 1 + premium if x == "grey" else np.inf for x in access
            ],
            "volume_share": [
                1.0 if x == "legal" else share if x == "grey" else 0.0 for x in access
            ],
        }
    )


def _marginal(rows: pd.DataFrame, access: pd.DataFrame, output_fraction):
    """Cost per million tokens and index of the chip that sets China's price, per draw.

    The marginal chip is the cheapest China can add without a cap on its
    volume (legal, or licensed for the whole supply): a chip that arrives
    only in a capped share, through grey markets or a quota, adds capacity
    but cannot meet growing demand at the margin, so it does not set the price.
    """
    ids = rows["accelerator_id"].to_numpy()
    table = access.set_index("accelerator_id")
    mult = np.where(table["volume_share"] >= 1, table["cost_multiplier"], np.inf)
    mult = pd.Series(mult, index=table.index).reindex(ids).fillna(np.inf).to_numpy()
    hours = gpu_hours_per_m(rows, output_fraction)
    run = rows["electricity_usd_per_hour"].to_numpy() + rows["other_usd_per_hour"].to_numpy()
    with np.errstate(invalid="ignore"):
        unit = np.where(
            np.isfinite(mult), rows["capital_usd_per_hour"].to_numpy() * mult + run, np.inf
        )
    usd = unit * hours
    best = np.argmin(usd, axis=-1)
    return np.take_along_axis(usd, best[..., None], -1)[..., 0], best


def china_supply(market: Market, params: dict, get, rule, year) -> dict:
    """China's marginal cost, fleet electricity per token and fleet throughput, per draw.

    ``rule(name)`` reads the chip-rule parameters (the scenario's or the
    baseline's), ``year`` an array of scenario years.  Returns ``usd`` (the
    marginal chip's cost per million tokens at 1B active parameters, times
    ``cost_multiplier_chn``), ``kwh`` (the fleet's kWh per million tokens),
    ``throughput_ratio`` (the fleet's tokens per hour in ``year`` over those
    at the start of 2026) and ``accelerator_id`` (the marginal chip).
    """
    rows = market.costs[market.costs["country"] == "CHN"]
    ids = rows["accelerator_id"].to_numpy()
    access = _china_access(market, params, rule)
    f = get("output_token_fraction")
    usd, best = _marginal(rows, access, f)
    hours = gpu_hours_per_m(rows, f)  # (D, A)
    life = float(params["accelerator_service_life_years"])
    supply = {"central": "units", "low": "units_low", "high": "units_high"}[
        params["chip_supply_chn"]
    ]
    by_year = {  # the fleet in each scenario year and at the start, each counted once
        int(y): fleet.fleet_units(market.fleet, access, int(y), life, supply)
        .reindex(ids)
        .fillna(0)
        .to_numpy()
        for y in np.unique(np.append(year, fleet.FIRST_YEAR))
    }
    start = by_year[fleet.FIRST_YEAR]
    units = np.stack([by_year[int(y)] for y in year])  # (D, A)
    tokens = (units / hours).sum(axis=-1)
    per_hour = rows["kwh_per_hour"].to_numpy()
    # an empty fleet serves no token; any token it would serve would run on the marginal chip
    marginal_kwh = np.take_along_axis(hours * per_hour, best[..., None], -1)[..., 0]
    with np.errstate(invalid="ignore", divide="ignore"):
        kwh = np.where(tokens > 0, (units * per_hour).sum(axis=-1) / tokens, marginal_kwh)
    return {
        "usd": usd * get("cost_multiplier_chn"),
        "kwh": kwh,
        "throughput_ratio": tokens / (start / hours).sum(axis=-1),
        "accelerator_id": ids[best],
    }


def country_costs(market: Market, params: dict, get, baseline: bool) -> dict[str, dict]:
    """Per-draw serving cost of each serving country, at the scenario's rules or the baseline's.

    ``get(name)`` returns a parameter as an array over draws.  Returns
    ``{country: {"usd", "kwh", "hours", "accelerator_id"}}``, each an array
    (D,); China's entry also has ``throughput_ratio`` (its fleet in the
    scenario year against 2026, :func:`china_supply`).  The baseline is the
    default chip rules in 2026.
    """
    spec = market.specs
    rule = (lambda k: spec[k]["default"]) if baseline else params.get
    out = {}
    rows = market.costs[market.costs["country"] == "USA"]
    usd, kwh, hours, best = _cheapest(
        rows,
        rule("accelerators_usa"),
        (),
        0.0,
        rule("cost_multiplier_usa") if baseline else get("cost_multiplier_usa"),
        get("output_token_fraction"),
    )
    ids = np.where(np.isfinite(usd), rows["accelerator_id"].to_numpy()[best], "")
    out["USA"] = {"usd": usd, "kwh": kwh, "hours": hours, "accelerator_id": ids}
    years = (
        np.full(np.shape(usd), fleet.FIRST_YEAR) if baseline else get("scenario_year").astype(int)
    )
    if baseline:  # the default rules and cost multiplier, at the draw's traffic mix

        def china_get(k):
            return (
                get(k)
                if k == "output_token_fraction"
                else np.full(np.shape(usd), spec[k]["default"])
            )
    else:
        china_get = get
    china = china_supply(market, params, china_get, rule, years)
    out["CHN"] = {**china, "hours": np.full(np.shape(usd), np.nan)}
    return out


def capacities(params: dict, get, base_served: dict, scn_cost: dict) -> dict:
    """Weekly token capacity of each serving country, an array over draws (``inf``: no limit).

    China: ``capacity_factor_chn`` x the tokens it served in the calibration
    week x its fleet's throughput in ``scenario_year`` over that at the start
    of 2026 (:func:`china_supply`); a stricter rule adds fewer chips, so it
    never leaves more capacity.  The United States: ``capacity_factor_usa``
    x its calibration-week tokens x (1 + ``fleet_growth_usa``) a year, or no
    limit when the factor is empty (the US fleet keeps pace with demand).
    """
    out = {}
    years = get("scenario_year") - 2026
    for c in fl.SERVING_COUNTRIES:
        factor = params[f"capacity_factor_{c.lower()}"]
        if factor is None:
            out[c] = np.full(np.shape(years), np.inf)
        elif c == "CHN":
            out[c] = factor * np.asarray(base_served[c], float) * scn_cost[c]["throughput_ratio"]
        else:
            out[c] = (
                factor * np.asarray(base_served[c], float) * (1 + get("fleet_growth_usa")) ** years
            )
    return out
