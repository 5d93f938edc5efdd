"""The one core of the engine: demand, calibration, prices, capacity, for any number of draws.

:func:`run` solves a scenario for a table of parameter draws at once (numpy
arrays of shape draws x segments x offerings); :func:`solve` is one draw of
it, returned as a :class:`Solution`.  The Monte Carlo
(:mod:`tokenpower.engine.uncertainty`) calls :func:`run` with thousands of
draws, so one scenario gives the same numbers whichever way it is solved.

The steps, for each draw:

1. **Demand.** The calibration week's tokens, split into segments (origin
   region x user type), grown at ``demand_growth_per_year`` to
   ``scenario_year``.
2. **Tastes from evidence.** The developers' price coefficient is set so
   that the token-weighted own-price elasticity of an offering equals
   ``price_elasticity_offering`` (an observed within-model elasticity);
   enterprises and the public sector have fixed fractions of it.  The
   outside good's share is set so that a uniform price rise has the
   market-wide elasticity ``price_elasticity_market``.
3. **Calibration.** Group constants reproduce the observed volumes
   (:func:`tokenpower.engine.choice.calibrate_constants`); segment constants
   give the outside good its share.
4. **Scenario.** Prices move with the serving cost of the marginal
   accelerator (``cost_passthrough``), rules remove offerings, capacities
   bind through shadow prices (:mod:`tokenpower.engine.capacity`).
5. **Welfare.** Consumer surplus change per segment: the change in the
   nested log-sum over the price coefficient, times the market size.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

import tokenpower.engine.capacity as cp
import tokenpower.engine.choice as ch
import tokenpower.engine.costs as co
import tokenpower.engine.market as mk
from tokenpower.engine.market import Market
from tokenpower.models import flows as fl

__all__ = ["MAX_OUTSIDE_SHARE", "Result", "Solution", "nests", "run", "solve"]

MAX_OUTSIDE_SHARE = 0.9
"""Largest outside-good share the market elasticity may imply (a cap on what ``run`` calibrates)."""


@dataclass
class Result:
    """A scenario solved for D draws: arrays with a leading draw axis.

    ``flows`` (D, S, O) tokens per week after capacity, ``free_flows`` the
    same with every shadow price at zero; ``market_size``, ``base_tokens``
    (D, S) the market size and the inside tokens with no restriction;
    ``alpha`` (D, S) price coefficients (per USD per million tokens);
    ``price``, ``list_price``, ``cost``, ``kwh_per_m`` (D, O) per million
    tokens; ``shadow_price`` and ``capacity`` (D, C) by serving country
    (order of ``tokenpower.models.flows.SERVING_COUNTRIES``);
    ``welfare_usd_per_week`` and ``base_bill_usd_per_week`` (D, S, the bill
    with no restriction); ``outside_share`` (D,) in the
    calibration; ``converged`` (D,) whether calibration and shadow prices
    converged; ``accelerator_id`` {country: (D,)} the marginal accelerator and
    ``country_cost`` (D, C) its serving cost per million tokens at 1B active
    parameters (``inf`` where a country can get no accelerator);
    ``country_kwh`` (D, C) the kWh per million tokens at 1B active
    parameters; ``base_utility`` (D, S, O) the calibrated utilities with no
    restriction; ``allowed`` (D, S, O) the offerings each segment may use in
    the scenario (rules, countries without capacity or accelerators).
    """

    flows: np.ndarray
    free_flows: np.ndarray
    market_size: np.ndarray
    base_tokens: np.ndarray
    alpha: np.ndarray
    price: np.ndarray
    list_price: np.ndarray
    cost: np.ndarray
    kwh_per_m: np.ndarray
    shadow_price: np.ndarray
    capacity: np.ndarray
    welfare_usd_per_week: np.ndarray
    base_bill_usd_per_week: np.ndarray
    outside_share: np.ndarray
    converged: np.ndarray
    accelerator_id: dict
    country_cost: np.ndarray
    country_kwh: np.ndarray
    base_utility: np.ndarray
    allowed: np.ndarray


def nests(market: Market, nest_by: str) -> tuple[np.ndarray, np.ndarray]:
    """Nest of each offering and of each calibration group, for ``nest_by`` model or origin."""
    off = market.offerings
    column = "model_id" if nest_by == "model" else "model_origin"
    codes, _ = pd.factorize(off[column])
    group, groups = mk.group_index(market)
    of_group = np.zeros(len(groups), int)
    of_group[group] = codes
    return codes, of_group


def run(market: Market, params: dict, draws: pd.DataFrame | None = None) -> Result:
    """Solve the scenario ``params`` for every row of ``draws`` (parameters that vary by draw).

    A parameter absent from ``draws`` takes its value in ``params``;
    ``draws=None`` is one draw at ``params``.
    """
    n = 1 if draws is None else len(draws)

    def get(name):
        if draws is not None and name in draws:
            return draws[name].to_numpy(float)
        return np.full(n, float(params[name]))

    seg = mk.segment_frame()
    off = market.offerings
    country = off["serving_country"].to_numpy()
    c_index = np.array([fl.SERVING_COUNTRIES.index(c) for c in country])
    years = get("scenario_year") - 2026
    growth = (1 + get("demand_growth_per_year")) ** years
    demand = (
        mk.segment_demand(
            market,
            get("origin_share_europe"),
            get("user_share_enterprises"),
            get("user_share_public_sector"),
        )
        * growth[:, None]
    )
    lam = get("nesting_parameter")
    nest, nest_of_group = nests(market, params["nest_by"])
    rtt = market.rtt_ms.loc[seg["origin_region"], country].to_numpy()[None]
    beta = get("latency_sensitivity_per_100ms")[:, None, None]
    list_price = mk.list_prices(
        market, get("output_token_fraction"), get("input_cache_hit_fraction")
    )
    active = mk.active_params(market, get("active_params_unlisted_model_b"))
    base_cost = co.country_costs(market, params, get, baseline=True)
    scn_cost = co.country_costs(market, params, get, baseline=False)
    per_b_base = np.stack([base_cost[c]["usd"] for c in country], axis=-1)
    per_b_scn = np.stack([scn_cost[c]["usd"] for c in country], axis=-1)
    kwh = np.stack([scn_cost[c]["kwh"] for c in country], axis=-1) * active
    with np.errstate(invalid="ignore"):
        delta_cost = np.where(np.isfinite(per_b_scn), (per_b_scn - per_b_base) * active, 0.0)
    price = np.maximum(list_price + get("cost_passthrough")[:, None] * delta_cost, 0.0)
    group, groups = mk.group_index(market)
    targets = mk.group_targets(market, groups, get("share_cn_hosted_chinese_model_tokens"))
    targets = targets * growth[:, None]

    # tastes from the elasticities, then calibration (a short fixed point: the shares move little)
    ratio = np.stack(
        [
            np.ones(n),
            get("price_sensitivity_ratio_enterprises"),
            get("price_sensitivity_ratio_public_sector"),
        ],
        axis=-1,
    )[:, np.tile(np.arange(3), len(fl.ORIGIN_REGIONS))]
    developers = (seg["user_type"] == "developers").to_numpy()
    eta, eps = get("price_elasticity_offering"), get("price_elasticity_market")
    weights = demand / demand.sum(axis=1, keepdims=True)
    alpha_dev = eta * lam / np.maximum(np.median(list_price, axis=1), 1e-6)
    for _ in range(4):
        alpha = alpha_dev[:, None] * ratio
        v0 = -alpha[:, :, None] * list_price[:, None, :] - beta * rtt / 100.0
        delta, ok_cal = ch.calibrate_constants(v0, demand, group, nest_of_group, targets, lam)
        v = v0 + np.take(delta, group, axis=-1)[:, None, :]
        p_in, inside_ls, in_nest = ch.nested_logit(v, nest, lam, outside=False)
        seg_price = (p_in * list_price[:, None, :]).sum(axis=-1)  # (D, S)
        s0 = np.clip(eps / (weights * alpha * seg_price).sum(axis=1), 1e-6, MAX_OUTSIDE_SHARE)
        own = ch.offering_elasticity(
            list_price[:, None, :],
            (1 - s0)[:, None, None] * p_in,
            in_nest,
            alpha[:, :, None],
            lam[:, None, None],
        )
        tiny = 1e-12 * demand.sum(axis=1, keepdims=True)  # developers with no tokens still count
        w_dev = ((demand + tiny) * developers)[:, :, None] * p_in
        mean_own = -(w_dev * own).sum(axis=(1, 2)) / w_dev.sum(axis=(1, 2))
        alpha_dev = alpha_dev * eta / mean_own
    xi = ch.inside_constants(inside_ls, s0[:, None])
    size = demand / (1 - s0[:, None])
    u_base = v + xi[:, :, None]
    allowed = mk.allowed_matrix(market, params)[None] & np.ones((n, 1, 1), bool)
    base_served = {  # the calibration week's tokens, before demand growth
        c: targets[:, groups["serving_country"].to_numpy() == c].sum(axis=1) / growth
        for c in fl.SERVING_COUNTRIES
    }
    cap = co.capacities(params, get, base_served, scn_cost)
    capacity = np.stack([cap[c] for c in fl.SERVING_COUNTRIES], axis=-1)
    allowed &= ~((capacity[:, c_index] == 0) | ~np.isfinite(per_b_scn))[:, None, :]
    # the scenario moves only prices and the choice set from the calibrated utilities
    u_scn = np.where(
        allowed, u_base - alpha[:, :, None] * (price - list_price)[:, None, :], -np.inf
    )

    def choose(mu, rows):
        u = u_scn[rows] - alpha[rows][:, :, None] * mu[:, c_index][:, None, :]
        p, ls, _ = ch.nested_logit(u, nest, lam[rows], outside=True)
        return p * size[rows][:, :, None], ls

    def load(mu, rows):
        flows, _ = choose(mu, rows)
        by_offer = flows.sum(axis=1)
        return np.stack(
            [by_offer[:, c_index == k].sum(axis=1) for k in range(len(fl.SERVING_COUNTRIES))],
            axis=-1,
        )

    mu, ok_cap = cp.shadow_prices(load, capacity)
    rows = np.arange(n)
    flows, ls_scn = choose(mu, rows)
    free_flows, _ = choose(np.zeros_like(mu), rows)
    p_base, ls_base, _ = ch.nested_logit(u_base, nest, lam, outside=True)
    base_bill = (p_base * list_price[:, None, :]).sum(axis=-1) * size / 1e6
    welfare = size / 1e6 / alpha * (ls_scn - ls_base)
    cost = np.where(np.isfinite(per_b_scn), per_b_scn * active, np.nan)
    return Result(
        flows=flows,
        free_flows=free_flows,
        market_size=size,
        base_tokens=demand,
        alpha=alpha,
        price=price,
        list_price=list_price,
        cost=cost,
        kwh_per_m=kwh,
        shadow_price=mu,
        capacity=capacity,
        welfare_usd_per_week=welfare,
        base_bill_usd_per_week=base_bill,
        outside_share=s0,
        converged=ok_cal & ok_cap,
        accelerator_id={c: scn_cost[c]["accelerator_id"] for c in fl.SERVING_COUNTRIES},
        base_utility=u_base,
        allowed=allowed,
        country_cost=np.stack([scn_cost[c]["usd"] for c in fl.SERVING_COUNTRIES], axis=-1),
        country_kwh=np.stack([scn_cost[c]["kwh"] for c in fl.SERVING_COUNTRIES], axis=-1),
    )


@dataclass
class Solution:
    """One solved scenario: segments, offerings and the flows between them.

    ``flows`` and ``logit_flows`` are tokens per week, shape (segments,
    offerings): at the equilibrium shadow prices and with every shadow price
    at zero (what demand would be without capacity limits).  ``offerings``
    carries the scenario's ``price_usd_per_m`` (blended, before any shadow
    price), ``list_price_usd_per_m``, ``cost_usd_per_m`` (serving cost of the
    marginal accelerator), ``kwh_per_m`` and ``accelerator_id``;
    ``segments`` carries ``market_size`` (tokens a week, users and
    non-users), ``base_tokens`` (inside tokens with no restriction),
    ``tokens`` (inside tokens in the scenario), ``price_sensitivity``,
    ``unserved_tokens`` (tokens priced out or left unserved against the
    unrestricted market, never negative) and ``welfare_usd_per_week``
    (consumer-surplus change against it).  ``capacity`` and
    ``shadow_prices`` map serving countries to tokens per week and USD per
    million tokens; ``country_costs`` to ``usd_per_m``, ``kwh_per_m`` (at 1B
    active parameters) and ``accelerator_id``; ``result`` is the one-draw
    :class:`Result`; ``market`` the market it was solved on.
    """

    scenario: str
    params: dict
    segments: pd.DataFrame
    offerings: pd.DataFrame
    flows: np.ndarray
    logit_flows: np.ndarray
    allowed: np.ndarray
    capacity: dict
    shadow_prices: dict
    country_costs: dict
    rerouted_tokens: float
    converged: bool
    result: Result
    market: Market


def solve(market: Market, params: dict, scenario: str = "custom") -> Solution:
    """Solve one scenario (``params`` from :func:`tokenpower.engine.parameters.validate_scenario`).

    One draw of :func:`run`, with the arrays labelled: the same numbers the
    Monte Carlo gives for the same parameters.
    """
    r = run(market, params)
    seg = mk.segment_frame()
    off = market.offerings.copy()
    flows = r.flows[0]
    seg["market_size"] = r.market_size[0]
    seg["base_tokens"] = r.base_tokens[0]
    seg["tokens"] = flows.sum(axis=1)
    seg["price_sensitivity"] = r.alpha[0]
    seg["unserved_tokens"] = np.clip(seg["base_tokens"] - seg["tokens"], 0, None)
    seg["welfare_usd_per_week"] = r.welfare_usd_per_week[0]
    off["list_price_usd_per_m"] = r.list_price[0]
    off["price_usd_per_m"] = r.price[0]
    off["cost_usd_per_m"] = r.cost[0]
    off["kwh_per_m"] = r.kwh_per_m[0]
    off["accelerator_id"] = [r.accelerator_id[c][0] for c in off["serving_country"]]
    countries = fl.SERVING_COUNTRIES
    per_b = {
        c: {
            "usd_per_m": float(r.country_cost[0, k]),
            "kwh_per_m": float(r.country_kwh[0, k]),
            "accelerator_id": str(r.accelerator_id[c][0]),
        }
        for k, c in enumerate(countries)
    }
    return Solution(
        scenario=scenario,
        params=params,
        segments=seg,
        offerings=off,
        flows=flows,
        logit_flows=r.free_flows[0],
        allowed=r.allowed[0],
        capacity={c: float(r.capacity[0, k]) for k, c in enumerate(countries)},
        shadow_prices={c: float(r.shadow_price[0, k]) for k, c in enumerate(countries)},
        country_costs=per_b,
        rerouted_tokens=float(np.clip(flows - r.free_flows[0], 0, None).sum()),
        converged=bool(r.converged[0]),
        result=r,
        market=market,
    )
