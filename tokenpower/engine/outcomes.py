"""The book's headline outcomes of a solved scenario: one function, for one draw or many.

:func:`measures` turns a :class:`tokenpower.engine.core.Result` (any number of
draws) into the headline measures; :func:`outcomes` lays one solution's out
as the long table every chapter and the ``scenario`` command read; the Monte
Carlo reads the same measures draw by draw, so one scenario gives one number
everywhere.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

import tokenpower.engine.market as mk
import tokenpower.engine.scope as sp
from tokenpower.engine.core import Result, Solution
from tokenpower.engine.market import WEEKS_PER_YEAR, Market
from tokenpower.models import flows as fl

__all__ = ["UNITS", "flow_table", "measures", "outcomes", "scope_scale"]

UNITS = {
    "token_share_model_origin": "fraction",
    "token_share_serving_country": "fraction",
    "capacity_tokens_per_week": "tokens/week",
    "serving_cost_usd_per_m": "USD/M tokens at 1B active parameters",
    "shadow_price_usd_per_m": "USD/M tokens",
    "unserved_or_priced_out_tokens_per_week": "tokens/week",
    "tokens_per_week": "tokens/week",
    "welfare_change_usd_per_year": "USD/year",
    "welfare_change_usd_per_week": "USD/week",
    "welfare_change_share_of_bill": "fraction",
    "exported_electricity_gwh_per_year": "GWh/year",
    "electricity_gwh_per_year": "GWh/year",
    "bill_usd_per_week": "USD/week",
    "average_price_usd_per_m": "USD/M tokens",
    "average_price_by_model_origin_usd_per_m": "USD/M tokens",
    "converged": "1 = yes",
    "demand_scale": "ratio",
}
"""Unit of every measure of :func:`measures`."""


def measures(market: Market, result: Result) -> dict[str, dict[str, np.ndarray]]:
    """Headline measures of every draw: ``{measure: {key: array (D,)}}``.

    Shares are of the tokens served (the outside good excluded); electricity
    exported by a country is what it spends serving requests from other
    regions; bills include the shadow prices (what users pay); welfare is
    the consumer-surplus change against the unrestricted market, also as a
    share of the segment's unrestricted bill.
    """
    off = market.offerings
    seg = mk.segment_frame()
    country = off["serving_country"].to_numpy()
    c_index = np.array([fl.SERVING_COUNTRIES.index(c) for c in country])
    flows = result.flows
    by_offer = flows.sum(axis=1)
    total = by_offer.sum(axis=1)
    share = lambda mask: np.divide(  # noqa: E731
        by_offer[:, mask].sum(axis=1), total, out=np.zeros_like(total), where=total > 0
    )
    out: dict[str, dict[str, np.ndarray]] = {}
    origins = sorted(off["model_origin"].unique())
    out["token_share_model_origin"] = {
        o: share(off["model_origin"].eq(o).to_numpy()) for o in origins
    }
    out["token_share_serving_country"] = {c: share(country == c) for c in fl.SERVING_COUNTRIES}
    out["capacity_tokens_per_week"] = {
        c: result.capacity[:, k] for k, c in enumerate(fl.SERVING_COUNTRIES)
    }
    out["serving_cost_usd_per_m"] = {
        c: result.country_cost[:, k] for k, c in enumerate(fl.SERVING_COUNTRIES)
    }
    out["shadow_price_usd_per_m"] = {
        c: result.shadow_price[:, k] for k, c in enumerate(fl.SERVING_COUNTRIES)
    }
    lost = np.clip(result.base_tokens - flows.sum(axis=2), 0, None)
    out["unserved_or_priced_out_tokens_per_week"] = {"total": lost.sum(axis=1)}
    out["tokens_per_week"] = {"total": total}
    kwh = flows * result.kwh_per_m[:, None, :] / 1e6
    origin = seg["origin_region"].to_numpy()
    out["exported_electricity_gwh_per_year"] = {
        c: (kwh * ((origin[:, None] != c) & (country[None, :] == c))[None]).sum(axis=(1, 2))
        * WEEKS_PER_YEAR
        / 1e6
        for c in fl.SERVING_COUNTRIES
    }
    out["electricity_gwh_per_year"] = {"total": kwh.sum(axis=(1, 2)) * WEEKS_PER_YEAR / 1e6}
    paid = result.price + result.shadow_price[:, c_index]
    bill = (flows * paid[:, None, :]).sum(axis=2) / 1e6
    seg_tokens = flows.sum(axis=2)
    week = result.welfare_usd_per_week
    base_bill = result.base_bill_usd_per_week
    ids = list(seg["segment_id"]) + ["total"]
    with np.errstate(invalid="ignore", divide="ignore"):
        columns = {
            "welfare_change_usd_per_week": np.c_[week, week.sum(axis=1)],
            "welfare_change_usd_per_year": np.c_[week, week.sum(axis=1)] * WEEKS_PER_YEAR,
            "welfare_change_share_of_bill": np.c_[week, week.sum(axis=1)]
            / np.c_[base_bill, base_bill.sum(axis=1)],
            "bill_usd_per_week": np.c_[bill, bill.sum(axis=1)],
            "average_price_usd_per_m": np.c_[bill, bill.sum(axis=1)]
            / np.c_[seg_tokens, seg_tokens.sum(axis=1)]
            * 1e6,
        }
    for name, values in columns.items():
        out[name] = {k: values[:, i] for i, k in enumerate(ids)}
    origin_paid = (flows * paid[:, None, :]).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        out["average_price_by_model_origin_usd_per_m"] = {
            o: origin_paid[:, off["model_origin"].eq(o).to_numpy()].sum(axis=1)
            / by_offer[:, off["model_origin"].eq(o).to_numpy()].sum(axis=1)
            for o in origins
        }
    out["converged"] = {"total": result.converged.astype(float)}
    return out


def scope_scale(
    market: Market, params: dict, draws: int | None = None, seed: int = 0
) -> np.ndarray:
    """The factor on volumes at the scenario's ``demand_scope``: 1 for the platform, else the
    world scale (:func:`tokenpower.engine.scope.world_scale`, central or ``draws`` draws)."""
    if params["demand_scope"] == "platform":
        return np.ones(1 if draws is None else draws)
    return sp.world_scale(market.world, draws, seed)


def flow_table(solution: Solution) -> pd.DataFrame:
    """The solution's flows in long form: one row per segment and offering with flow.

    Columns: ``segment_id``, ``origin_region``, ``user_type``, the offering's
    columns, ``tokens`` (per week), ``usd`` (spend per week at the scenario's
    prices plus the serving country's shadow price) and ``kwh`` (per week).
    """
    seg, off = solution.segments, solution.offerings
    s_idx, o_idx = np.nonzero(solution.flows > 0)
    table = pd.concat(
        [
            seg.iloc[s_idx][["segment_id", "origin_region", "user_type"]].reset_index(drop=True),
            off.iloc[o_idx].reset_index(drop=True),
        ],
        axis=1,
    )
    table["tokens"] = solution.flows[s_idx, o_idx]
    mu = table["serving_country"].map(solution.shadow_prices).to_numpy()
    table["usd"] = table["tokens"] / 1e6 * (table["price_usd_per_m"] + mu)
    table["kwh"] = table["tokens"] / 1e6 * table["kwh_per_m"]
    return table


def outcomes(solution: Solution, scope: str | None = None) -> pd.DataFrame:
    """The tidy outcomes table of a solved scenario.

    One row per measure and key, with ``scenario``, ``measure``, ``key``,
    ``value`` and ``unit``: every measure of :func:`measures` at the
    scenario's ``demand_scope`` (volumes times :func:`scope_scale`, reported
    as ``demand_scale``; ``scope`` overrides it, as chapters that tell the
    story of the calibration week do with ``"platform"``), plus
    ``cross_border_tokens``/``cross_border_usd``/``cross_border_kwh`` per
    week by pair ``origin->serving``, ``rerouted_tokens`` (tokens served in
    another country than without capacity limits) and ``chokepoint`` (the key
    is the node, the value its share of tokens).
    """
    rows = []

    def add(measure, key, value, unit):
        rows.append(
            {
                "scenario": solution.scenario,
                "measure": measure,
                "key": key,
                "value": float(value),
                "unit": unit,
            }
        )

    params = solution.params if scope is None else {**solution.params, "demand_scope": scope}
    factor = scope_scale(solution.market, params)
    for name, keyed in sp.scale(measures(solution.market, solution.result), factor).items():
        for key, values in keyed.items():
            add(name, key, values[0], UNITS[name])
    add("demand_scale", "total", factor[0], UNITS["demand_scale"])
    table = flow_table(solution)
    cross = table[table["origin_region"] != table["serving_country"]]
    pairs = cross.groupby(["origin_region", "serving_country"])[["tokens", "usd", "kwh"]].sum()
    for (o, c), r in pairs.iterrows():
        add("cross_border_tokens", f"{o}->{c}", r["tokens"], "tokens/week")
        add("cross_border_usd", f"{o}->{c}", r["usd"], "USD/week")
        add("cross_border_kwh", f"{o}->{c}", r["kwh"], "kWh/week")
    add("rerouted_tokens", "total", solution.rerouted_tokens, "tokens/week")
    if len(table):
        choke = fl.chokepoint(fl.request_flow_network(table))
        add("chokepoint", choke["node"], choke["share"], "fraction")
    return pd.DataFrame(rows)
