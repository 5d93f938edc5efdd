"""The calibration market: the data the engine reads, its segments, offerings and prices.

The market is the calibration week of OpenRouter (the only source with
per-model token volumes), split into **segments** (origin region x user
type) and **offerings** (model x host x serving country,
:func:`tokenpower.models.flows.offering_table`).  Everything here is fixed by
the data; a scenario changes prices, rules and capacities on top of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenpower.engine.fleet import FLEET_TABLES
from tokenpower.engine.scope import scope_inputs
from tokenpower.engine.specs import parameter_specs
from tokenpower.models import flows as fl
from tokenpower.models import tokencost as tc

__all__ = [
    "MARKET_TABLES",
    "WEEKS_PER_YEAR",
    "Market",
    "active_params",
    "allowed_matrix",
    "build_market",
    "group_index",
    "group_targets",
    "list_prices",
    "market_tables",
    "segment_demand",
    "segment_frame",
    "serving_cost_components",
]

WEEKS_PER_YEAR = 52.0
"""Weeks per year, to annualise a week's tokens, dollars and kWh."""

MARKET_TABLES = (
    "openrouter_volumes",
    "openrouter_shares",
    "llm_models",
    "labs",
    "providers",
    "model_prices",
    "flow_regions",
    "places",
    "physical_constants",
    "assumptions",
    "accelerators",
    "accelerator_specs",
    "inference_measurements",
    "model_parameters",
    "scenario_parameters",
    "scenarios",
    *FLEET_TABLES,
)
"""The tables of the data package the engine reads (:func:`market_tables`)."""


def market_tables() -> dict[str, pd.DataFrame]:
    """Every table of the data package the engine uses, loaded and validated."""
    from tokenpower.data import load

    return {name: load(name) for name in MARKET_TABLES}


@dataclass(frozen=True)
class Market:
    """The calibration week's market, built once from the data (:func:`build_market`).

    ``volumes``: per-model tokens (:func:`tokenpower.models.flows.calibration_volumes`);
    ``offerings``: one row per offering (:func:`tokenpower.models.flows.offering_table`);
    ``regions``: stand-in places; ``rtt_ms``: round-trip floor, origin x serving
    country; ``user_share_usa``/``user_share_chn``: shares of users (0-1);
    ``costs``: serving-cost components by country and accelerator
    (:func:`serving_cost_components`); ``specs``: parameter specifications
    (:func:`tokenpower.engine.specs.parameter_specs`); ``fleet``: China's
    fleet, chip supply and chip rules (:mod:`tokenpower.engine.fleet`);
    ``world``: the world layer's inputs (:func:`tokenpower.engine.scope.scope_inputs`).
    """

    volumes: pd.DataFrame
    offerings: pd.DataFrame
    regions: pd.DataFrame
    rtt_ms: pd.DataFrame
    user_share_usa: float
    user_share_chn: float
    costs: pd.DataFrame
    specs: dict
    fleet: dict
    world: pd.DataFrame

    @property
    def total_tokens_per_week(self) -> float:
        """Tokens of the calibration week (tokens per week)."""
        return float(self.volumes["tokens_t"].sum()) * 1e12


def serving_cost_components(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Cost terms per busy GPU-hour of each accelerator in each serving country.

    The one adapter to :mod:`tokenpower.models.tokencost`: runs its ``site_costs``
    at the central specs for a model of **1B active parameters** in China and
    the United States (PUE and electricity price from assumptions.csv).
    Throughput scales as 1 / active parameters, so cost and kWh per token
    scale linearly with them.  Returns ``country``, ``accelerator_id``,
    ``capital_usd_per_hour``, ``electricity_usd_per_hour``,
    ``other_usd_per_hour``, ``kwh_per_hour`` and ``m_input_per_hour``,
    ``m_output_per_hour`` (million tokens per busy GPU-hour at 1B active).
    """
    a = tables["assumptions"]
    accel = tc.accelerator_inputs(tables["accelerators"], tables["accelerator_specs"], a)
    anchor = tc.deepseek_anchor(tables["inference_measurements"], tables["model_parameters"], accel)
    cost = tc.site_costs(accel, anchor, a, 1.0, tc.china_us_sites(a))
    cost = cost[cost["case"] == "central"].copy()
    cost["m_input_per_hour"] = cost["input_tokens_per_s_per_gpu"] * 3600 / 1e6
    cost["m_output_per_hour"] = cost["output_tokens_per_s_per_gpu"] * 3600 / 1e6
    return cost[
        [
            "country",
            "accelerator_id",
            "capital_usd_per_hour",
            "electricity_usd_per_hour",
            "other_usd_per_hour",
            "kwh_per_hour",
            "m_input_per_hour",
            "m_output_per_hour",
        ]
    ].reset_index(drop=True)


def build_market(tables: dict[str, pd.DataFrame] | None = None) -> Market:
    """The calibration market from the data package (``tables`` from :func:`market_tables`)."""
    tables = tables or market_tables()
    volumes = fl.calibration_volumes(
        tables["openrouter_volumes"], tables["llm_models"], tables["labs"]
    )
    offerings = fl.offering_table(
        volumes, tables["model_prices"], tables["providers"], tables["llm_models"]
    )
    regions = fl.region_places(tables["flow_regions"], tables["places"])
    const = tables["physical_constants"].set_index("constant_id")["value"]
    route = tc.assumption_value(tables["assumptions"], "fibre_route_factor_central")
    rtt = fl.rtt_floor_matrix_ms(regions, float(const["fibre_delay_ms_per_1000km"]), route)
    users = tables["openrouter_shares"]
    users = users[users["scope"] == "users"].set_index("country")["share_pct"]
    costs = serving_cost_components(tables)
    return Market(
        volumes=volumes,
        offerings=offerings,
        regions=regions,
        rtt_ms=rtt,
        user_share_usa=float(users["USA"]) / 100,
        user_share_chn=float(users["CHN"]) / 100,
        costs=costs,
        specs=parameter_specs(tables["scenario_parameters"], tables["assumptions"]),
        fleet={name: tables[name] for name in FLEET_TABLES},
        world=scope_inputs(tables),
    )


# -- segments and the choice set -------------------------------------------------------


def segment_frame() -> pd.DataFrame:
    """The twelve segments: ``segment_id`` ('USA-developers', ...), ``origin_region``, ``user_type``."""
    rows = [
        {"segment_id": f"{o}-{u}", "origin_region": o, "user_type": u}
        for o in fl.ORIGIN_REGIONS
        for u in fl.USER_TYPES
    ]
    return pd.DataFrame(rows)


def segment_demand(market: Market, origin_eur, share_ent, share_pub) -> np.ndarray:
    """Calibration-week tokens of each segment, shape (..., 12); broadcasts over draws.

    The week's tokens split by the share of users in each region (USA and
    China from the data, Europe a parameter, the rest of the world what is
    left) and of each user type.
    """
    origin_eur, share_ent, share_pub = (
        np.asarray(x, float) for x in (origin_eur, share_ent, share_pub)
    )
    row = 1.0 - market.user_share_usa - market.user_share_chn - origin_eur
    origin = np.stack(
        np.broadcast_arrays(
            market.user_share_usa + 0 * origin_eur,
            market.user_share_chn + 0 * origin_eur,
            origin_eur,
            row,
        ),
        axis=-1,
    )
    users = np.stack(
        np.broadcast_arrays(1.0 - share_ent - share_pub, share_ent, share_pub), axis=-1
    )
    return market.total_tokens_per_week * (origin[..., :, None] * users[..., None, :]).reshape(
        *origin.shape[:-1], 12
    )


def _matches(rule_part: str, value: str) -> bool:
    return rule_part == "*" or rule_part == value


def allowed_matrix(market: Market, params: dict) -> np.ndarray:
    """Which offerings each segment may use: a boolean array (12 segments x offerings).

    A pair is forbidden by a rule of ``forbid_model_origin`` (origin, user
    type, model origin), ``forbid_serving_country`` (origin, user type,
    serving country) or ``require_domestic_serving`` (origin, user type: only
    offerings served in the segment's own country remain).
    """
    seg = segment_frame()
    off = market.offerings
    allowed = np.ones((len(seg), len(off)), bool)
    for i, s in enumerate(seg.itertuples(index=False)):
        for rule in params.get("forbid_model_origin", ()):
            o, u, m = rule.split(":")
            if _matches(o, s.origin_region) and _matches(u, s.user_type):
                allowed[i] &= ~off["model_origin"].eq(m).to_numpy() if m != "*" else False
        for rule in params.get("forbid_serving_country", ()):
            o, u, c = rule.split(":")
            if _matches(o, s.origin_region) and _matches(u, s.user_type):
                allowed[i] &= ~off["serving_country"].eq(c).to_numpy() if c != "*" else False
        for rule in params.get("require_domestic_serving", ()):
            o, u = rule.split(":")
            if _matches(o, s.origin_region) and _matches(u, s.user_type):
                allowed[i] &= off["serving_country"].eq(s.origin_region).to_numpy()
    return allowed


# -- prices and calibration targets ------------------------------------------------------


def active_params(market: Market, unlisted_b) -> np.ndarray:
    """Active parameters (B) of each offering's model, shape (..., offerings)."""
    known = market.offerings["active_params_b"].to_numpy(float)
    unlisted = np.asarray(unlisted_b, float)[..., None]
    return np.where(np.isnan(known), unlisted, known)


def list_prices(market: Market, output_fraction, cache_hit) -> np.ndarray:
    """Blended list price of each offering (USD per million tokens), shape (..., offerings)."""
    off = market.offerings
    f = np.asarray(output_fraction, float)[..., None]
    h = np.asarray(cache_hit, float)[..., None]
    return tc.blended_per_million(
        off["usd_per_m_input"].to_numpy(),
        off["usd_per_m_output"].to_numpy(),
        f,
        cache_read_per_m=off["usd_per_m_cache_read"].to_numpy(float),
        cache_hit_fraction=h,
    )


def group_index(market: Market) -> tuple[np.ndarray, pd.DataFrame]:
    """Calibration groups (model x serving country): each offering's group code and the groups."""
    off = market.offerings
    keys = off["model_id"] + "|" + off["serving_country"]
    codes, uniques = pd.factorize(keys)
    groups = pd.DataFrame({"group": uniques})
    groups[["model_id", "serving_country"]] = groups["group"].str.split("|", expand=True)
    return codes, groups


def group_targets(market: Market, groups: pd.DataFrame, share_cn) -> np.ndarray:
    """Observed tokens per week of each (model, serving country) group; broadcasts over ``share_cn``.

    A Chinese-made model with hosts in both countries sends ``share_cn`` of
    its tokens to its Chinese hosts and the rest to its US hosts.
    """
    share_cn = np.asarray(share_cn, float)[..., None]
    vol = market.volumes.set_index("model_id")
    tokens = vol.loc[groups["model_id"], "tokens_t"].to_numpy() * 1e12
    origin = vol.loc[groups["model_id"], "model_origin"].to_numpy()
    countries = groups.groupby("model_id")["serving_country"].transform("nunique").to_numpy()
    served_cn = groups["serving_country"].to_numpy() == "CHN"
    split = np.where(
        (origin == "CHN") & (countries > 1), np.where(served_cn, share_cn, 1 - share_cn), 1.0
    )
    return tokens * split
