"""The scenario engine: demand, choice, capacity and outcomes of the token market.

A **scenario** is data: rows of ``data/scenarios.csv`` (scenario, parameter,
value), checked against ``data/scenario_parameters.csv``, which lists every
parameter with its type, unit, default and valid range (a parameter whose
default is empty takes the central value of its row of ``assumptions.csv``).
:func:`load_scenarios` reads and validates them; an invalid scenario raises
:class:`ScenarioError` naming the scenario and the field.

The engine (:func:`solve`) works in four steps:

1. **Demand.** The calibration week's tokens (:func:`tokenpower.models.flows.calibration_volumes`)
   are split into segments, origin region x user type, by the share of users
   in each region and of each user type.
2. **Choice.** Each segment spreads its tokens over the offerings it is
   allowed to use (model x host x serving country) with a multinomial logit:
   utility = constant of (model, serving country) - price sensitivity x
   blended price - latency sensitivity x round-trip floor / 100 ms.  The
   constants are calibrated (a BLP contraction) so that, with no restriction,
   each model's tokens and the split of Chinese models' tokens between
   serving countries come back exactly.  The Chinese share of tokens is an
   output.
3. **Capacity.** Each serving country may have a capacity.  Where the logit
   demand exceeds it, the excess is rerouted to the next-best allowed
   offerings by :func:`networkx.network_simplex` (a min-cost flow).
4. **Outcomes.** Token shares by model origin and serving country,
   cross-border flows of tokens, dollars and kWh, exported electricity, bills
   and welfare per segment (welfare from the logit log-sum), and the
   chokepoint (:func:`outcomes`).

Chip bans act through the serving cost per token, computed once in
:func:`serving_cost_components` from :mod:`tokenpower.models.tokencost` (the book's
one cost model): each country serves each model on the cheapest accelerator
it can get; a smuggled accelerator carries a premium on its price.  A change
in cost moves the price (``cost_passthrough``) and the capacity added by fleet
growth.  Data-sovereignty rules remove (segment, offering) pairs.

:func:`monte_carlo` draws the uncertain parameters (triangular on each
assumption's low, central and high values) and solves thousands of draws at
once with numpy.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

from tokenpower.models import flows as fl
from tokenpower.models import tokencost as tc
from tokenpower.models import uncertainty as uq

__all__ = [
    "Market",
    "ScenarioError",
    "Solution",
    "allowed_matrix",
    "benchmark",
    "build_market",
    "calibrate_constants",
    "UNCERTAIN",
    "country_cost_usd_per_m",
    "draw_parameters",
    "flow_table",
    "load_scenarios",
    "log_sum",
    "logit_shares",
    "market_tables",
    "monte_carlo",
    "outcomes",
    "parameter_specs",
    "serving_cost_components",
    "solve",
    "tornado",
    "validate_scenario",
    "WEEKS_PER_YEAR",
    "MARKET_TABLES",
    "UNIT_TOKENS",
]

WEEKS_PER_YEAR = 52.0
"""Weeks per year, to annualise a week's kWh."""


class ScenarioError(ValueError):
    """An invalid scenario; the message names the scenario and the field."""

    def __init__(self, scenario: str, field_name: str, message: str):
        self.scenario, self.field = scenario, field_name
        super().__init__(f"scenario '{scenario}', field '{field_name}': {message}")


# -- data ------------------------------------------------------------------------

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
)


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
    (:func:`parameter_specs`).
    """

    volumes: pd.DataFrame
    offerings: pd.DataFrame
    regions: pd.DataFrame
    rtt_ms: pd.DataFrame
    user_share_usa: float
    user_share_chn: float
    costs: pd.DataFrame
    specs: dict

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
    return Market(
        volumes=volumes,
        offerings=offerings,
        regions=regions,
        rtt_ms=rtt,
        user_share_usa=float(users["USA"]) / 100,
        user_share_chn=float(users["CHN"]) / 100,
        costs=serving_cost_components(tables),
        specs=parameter_specs(tables["scenario_parameters"], tables["assumptions"]),
    )


# -- parameters and scenarios ----------------------------------------------------


def _parse(scenario: str, name: str, spec: dict, raw):
    """Read one raw value (string or number) according to its spec."""
    kind = spec["type"]
    if kind == "text":
        return "" if raw is None or (isinstance(raw, float) and math.isnan(raw)) else str(raw)
    if kind == "list":
        if raw is None or (isinstance(raw, float) and math.isnan(raw)):
            return ()
        if isinstance(raw, (list, tuple)):
            return tuple(str(x).strip() for x in raw if str(x).strip())
        return tuple(x.strip() for x in str(raw).split(";") if x.strip())
    if (
        raw is None
        or (isinstance(raw, str) and not raw.strip())
        or (isinstance(raw, float) and math.isnan(raw))
    ):
        if name.startswith("capacity_factor_"):
            return None
        raise ScenarioError(scenario, name, "a value is required")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ScenarioError(scenario, name, f"{raw!r} is not a number") from None
    if kind == "integer":
        if value != int(value):
            raise ScenarioError(scenario, name, f"{raw!r} is not a whole number")
        value = int(value)
    lo, hi = spec["min"], spec["max"]
    if not (lo <= value <= hi) or math.isnan(value):
        raise ScenarioError(
            scenario, name, f"{value} is outside the valid range {lo} to {hi} {spec['unit']}"
        )
    return value


def parameter_specs(parameters: pd.DataFrame, assumptions: pd.DataFrame) -> dict[str, dict]:
    """Specification of every scenario parameter, with its default read.

    Returns ``{name: {"type", "unit", "min", "max", "default", "low",
    "high", "basis", "source"}}``.  A parameter whose default is empty and
    that names an ``assumption_id`` takes the assumption's central value as
    default and its ``low``/``high`` as the range the Monte Carlo draws from;
    ``low``/``high`` are None for parameters without an assumption.
    """
    arows = assumptions.set_index("id")
    specs = {}
    for row in parameters.itertuples(index=False):
        spec = {
            "type": row.type,
            "unit": row.unit if isinstance(row.unit, str) else "",
            "min": float(row.min) if pd.notna(row.min) else -math.inf,
            "max": float(row.max) if pd.notna(row.max) else math.inf,
            "basis": row.basis,
            "source": row.source,
            "low": None,
            "high": None,
        }
        raw = row.default if isinstance(row.default, str) else None
        if pd.notna(row.assumption_id):
            assumed = arows.loc[row.assumption_id]
            spec["low"], spec["high"] = float(assumed["low"]), float(assumed["high"])
            if raw is None:
                raw = float(assumed["value"])
        spec["default"] = _parse("(defaults)", row.parameter, spec, raw)
        specs[row.parameter] = spec
    return specs


def _rules(scenario: str, name: str, items, parts: int) -> list[tuple[str, ...]]:
    """Split rules 'a:b[:c]' and check each part's vocabulary."""
    vocab = [fl.ORIGIN_REGIONS, fl.USER_TYPES, fl.SERVING_COUNTRIES]
    rules = []
    for item in items:
        bits = tuple(b.strip() for b in item.split(":"))
        if len(bits) != parts:
            raise ScenarioError(
                scenario, name, f"rule {item!r} must have {parts} parts separated by ':'"
            )
        for bit, allowed in zip(bits, vocab, strict=False):
            if bit != "*" and bit not in allowed:
                raise ScenarioError(
                    scenario,
                    name,
                    f"rule {item!r}: {bit!r} is not '*' or one of {', '.join(allowed)}",
                )
        rules.append(bits)
    return rules


def validate_scenario(market: Market, scenario: str, values: dict) -> dict:
    """A complete, checked parameter dict for ``scenario`` (defaults filled in).

    ``values`` maps parameter names to raw values (strings from the CSV, or
    numbers).  Raises :class:`ScenarioError` for an unknown parameter, a value
    of the wrong type or out of range, an unknown accelerator, a malformed
    rule, or contradictory settings: an accelerator both legal and smuggled,
    user-type or origin shares above one, or rules that leave a segment no
    offering at all.
    """
    specs = market.specs
    params = {name: spec["default"] for name, spec in specs.items()}
    for name, raw in values.items():
        if name not in specs:
            raise ScenarioError(
                scenario, name, f"unknown parameter; valid: {', '.join(sorted(specs))}"
            )
        params[name] = _parse(scenario, name, specs[name], raw)
    known = set(market.costs["accelerator_id"])
    for name in ("accelerators_chn", "accelerators_usa", "smuggled_accelerators_chn"):
        unknown = [a for a in params[name] if a not in known]
        if unknown:
            raise ScenarioError(
                scenario,
                name,
                f"unknown accelerator {', '.join(unknown)}; "
                f"the cost model knows {', '.join(sorted(known))}",
            )
    both = set(params["accelerators_chn"]) & set(params["smuggled_accelerators_chn"])
    if both:
        raise ScenarioError(
            scenario,
            "smuggled_accelerators_chn",
            f"{', '.join(sorted(both))} cannot be both legal (accelerators_chn) and smuggled",
        )
    for country in ("chn", "usa"):
        accessible = params[f"accelerators_{country}"] + (
            params["smuggled_accelerators_chn"] if country == "chn" else ()
        )
        if not accessible and params[f"capacity_factor_{country}"] != 0:
            raise ScenarioError(
                scenario,
                f"accelerators_{country}",
                f"no accelerator is accessible; set capacity_factor_{country} to 0 for a country that serves nothing",
            )
    if params["user_share_enterprises"] + params["user_share_public_sector"] > 1:
        raise ScenarioError(
            scenario,
            "user_share_public_sector",
            "user_share_enterprises + user_share_public_sector exceed 1",
        )
    if market.user_share_usa + market.user_share_chn + params["origin_share_europe"] > 1:
        raise ScenarioError(
            scenario,
            "origin_share_europe",
            f"with the US ({market.user_share_usa:.4f}) and China ({market.user_share_chn:.4f}) "
            "shares of users it leaves the rest of the world a negative share",
        )
    _rules(scenario, "forbid_model_origin", params["forbid_model_origin"], 3)
    _rules(scenario, "forbid_serving_country", params["forbid_serving_country"], 3)
    _rules(scenario, "require_domestic_serving", params["require_domestic_serving"], 2)
    allowed = allowed_matrix(market, params)
    if params.get("capacity_factor_chn") == 0:
        allowed[:, (market.offerings["serving_country"] == "CHN").to_numpy()] = False
    if params.get("capacity_factor_usa") == 0:
        allowed[:, (market.offerings["serving_country"] == "USA").to_numpy()] = False
    empty = ~allowed.any(axis=1)
    if empty.any():
        seg = _segment_frame()["segment_id"][empty].tolist()
        fields = [
            f
            for f in ("forbid_model_origin", "forbid_serving_country", "require_domestic_serving")
            if params[f]
        ] or ["capacity_factor_chn"]
        raise ScenarioError(
            scenario,
            fields[-1],
            f"contradictory rules: segment(s) {', '.join(seg)} are left with no allowed offering",
        )
    return params


def load_scenarios(market: Market, scenarios: pd.DataFrame) -> dict[str, dict]:
    """Every scenario of the long table ``scenarios``, validated, defaults filled in.

    Returns ``{scenario_id: params}`` in the order of first appearance.  A
    parameter set twice in one scenario is an error.
    """
    out = {}
    for sid, rows in scenarios.groupby("scenario_id", sort=False):
        dup = rows["parameter"][rows["parameter"].duplicated()]
        if not dup.empty:
            raise ScenarioError(sid, dup.iloc[0], "set more than once")
        out[sid] = validate_scenario(
            market, sid, dict(zip(rows["parameter"], rows["value"], strict=False))
        )
    return out


# -- segments, demand and the choice set -----------------------------------------


def _segment_frame() -> pd.DataFrame:
    rows = [
        {"segment_id": f"{o}-{u}", "origin_region": o, "user_type": u}
        for o in fl.ORIGIN_REGIONS
        for u in fl.USER_TYPES
    ]
    return pd.DataFrame(rows)


def _segment_demand(market: Market, origin_eur, share_ent, share_pub) -> np.ndarray:
    """Tokens per week of each segment, shape (..., 12); broadcasts over draws."""
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
    seg = _segment_frame()
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


# -- costs and prices ------------------------------------------------------------


def _gpu_hours_per_m(costs: pd.DataFrame, output_fraction) -> np.ndarray:
    """Busy GPU-hours per million blended tokens at 1B active parameters."""
    f = np.asarray(output_fraction, float)[..., None]
    return tc.blended_per_million(
        1 / costs["m_input_per_hour"].to_numpy(), 1 / costs["m_output_per_hour"].to_numpy(), f
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
    their price; ``multiplier`` scales the result.  Returns
    ``{"usd_per_m", "kwh_per_m", "gpu_hours_per_m", "accelerator_id"}``
    (all per million tokens at 1B active parameters; multiply by a model's
    active parameters).  A stricter ban (fewer legal accelerators, or a
    higher premium) can only raise the cost: the minimum over a smaller set,
    or of dearer items, is never lower.
    """
    here = costs["country"].to_numpy() == country
    ids = costs["accelerator_id"].to_numpy()[here]
    hours = _gpu_hours_per_m(costs[here], float(output_fraction))
    legal_mask = np.isin(ids, list(legal))
    smug_mask = np.isin(ids, list(smuggled)) & ~legal_mask
    cap = costs["capital_usd_per_hour"].to_numpy()[here]
    running = (
        costs["electricity_usd_per_hour"].to_numpy()[here]
        + costs["other_usd_per_hour"].to_numpy()[here]
    )
    usd = (
        np.where(
            legal_mask, cap + running, np.where(smug_mask, cap * (1 + premium) + running, np.inf)
        )
        * hours
    )
    if not np.isfinite(usd).any():
        return {
            "usd_per_m": math.inf,
            "kwh_per_m": math.nan,
            "gpu_hours_per_m": math.nan,
            "accelerator_id": "",
        }
    best = int(np.argmin(usd))
    return {
        "usd_per_m": float(usd[best]) * multiplier,
        "kwh_per_m": float(costs["kwh_per_hour"].to_numpy()[here][best] * hours[best]),
        "gpu_hours_per_m": float(hours[best]),
        "accelerator_id": str(ids[best]),
    }


def _country_costs(market: Market, params: dict, baseline: bool) -> dict[str, dict]:
    p = market.specs if baseline else None
    get = (lambda k: p[k]["default"]) if baseline else params.get
    out = {}
    for country in fl.SERVING_COUNTRIES:
        c = country.lower()
        out[country] = country_cost_usd_per_m(
            market.costs,
            country,
            get(f"accelerators_{c}"),
            get("smuggled_accelerators_chn") if country == "CHN" else (),
            get("smuggling_premium_chn"),
            get(f"cost_multiplier_{c}"),
            params["output_token_fraction"],
        )
    return out


def _active_params(market: Market, unlisted_b) -> np.ndarray:
    """Active parameters (B) of each offering's model, shape (..., offerings)."""
    known = market.offerings["active_params_b"].to_numpy(float)
    unlisted = np.asarray(unlisted_b, float)[..., None]
    return np.where(np.isnan(known), unlisted, known)


def _list_prices(market: Market, output_fraction, cache_hit) -> np.ndarray:
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


# -- the logit -------------------------------------------------------------------


def logit_shares(utility: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """Multinomial-logit choice probabilities over the allowed offerings.

    ``utility`` has shape (..., segments, offerings) (``-inf`` for an
    offering never chosen); ``allowed`` broadcasts to it.  Rows sum to one
    wherever a segment has an allowed offering with finite utility.
    """
    u = np.where(allowed, utility, -np.inf)
    top = np.max(u, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    w = np.exp(u - top)
    total = w.sum(axis=-1, keepdims=True)
    return np.divide(w, total, out=np.zeros_like(w), where=total > 0)


def log_sum(utility: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """The logit log-sum (inclusive value) of each segment, shape (..., segments)."""
    u = np.where(allowed, utility, -np.inf)
    top = np.max(u, axis=-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.exp(u - top).sum(axis=-1)) + top[..., 0]


def calibrate_constants(
    base_utility: np.ndarray,
    demand: np.ndarray,
    group: np.ndarray,
    targets: np.ndarray,
    tol: float = 1e-12,
    max_iter: int = 100,
) -> np.ndarray:
    """Constants of each group that make the logit reproduce the target volumes.

    ``base_utility`` (..., S, O) is the utility without constants, ``demand``
    (..., S) each segment's tokens, ``group`` (O,) the group index of each
    offering, ``targets`` (..., G) each group's observed tokens (zero allowed:
    that group's constant is ``-inf``, as for a target below 1e-12 of the
    total; the targets must add up to the total demand).  Offerings of a group share its constant, so a segment's choice
    of group is a logit on the group's inclusive value; Newton's method on
    the group volumes (the constants are fixed up to a common shift, pinned
    by making them sum to the same as the starting point) converges in a few
    steps, for many draws at once.  Stops when the largest relative gap
    between predicted and target volumes is below ``tol``.  Returns ``delta``
    (..., G).
    """
    n_groups = targets.shape[-1]
    onehot = np.eye(n_groups)[group]  # (O, G)
    top = np.max(base_utility, axis=-1, keepdims=True)
    with np.errstate(divide="ignore"):
        inclusive = np.log(np.exp(base_utility - top) @ onehot) + top  # (..., S, G)
    positive = targets > 1e-12 * targets.sum(axis=-1, keepdims=True)
    safe_targets = np.where(positive, targets, 1.0)
    delta = np.where(positive, np.log(safe_targets / targets.sum(axis=-1, keepdims=True)), -np.inf)
    eye = np.eye(n_groups)
    pin = np.ones((n_groups, n_groups)) / n_groups
    zero_rows = np.where(positive, 0.0, 1.0)[..., None, :] * eye

    def state(d):
        p = logit_shares(inclusive + d[..., None, :], True)  # (..., S, G)
        weighted = p * demand[..., :, None]
        predicted = weighted.sum(axis=-2)
        with np.errstate(divide="ignore"):
            gap = np.where(
                positive, np.log(safe_targets) - np.log(np.where(positive, predicted, 1.0)), 0.0
            )
        return p, weighted, predicted, gap

    p, weighted, predicted, gap = state(delta)
    for _ in range(max_iter):
        worst = np.max(np.abs(gap), axis=-1)
        if np.max(worst) < tol:
            return delta
        # Newton step on log volumes; a draw whose step does not help takes the contraction step instead
        jac = np.einsum("...sg,gh->...gh", weighted, eye) - np.einsum(
            "...sg,...sh->...gh", weighted, p
        )
        scale = np.where(positive, 1.0 / np.where(positive, predicted, 1.0), 0.0)[..., :, None]
        step = np.linalg.solve(jac * scale + pin + zero_rows, gap[..., None])[..., 0]
        trial = np.where(positive, delta + step, -np.inf)
        t_p, t_w, t_pred, t_gap = state(trial)
        better = (np.max(np.abs(t_gap), axis=-1) < worst)[..., None]
        contraction = np.where(positive, delta + gap, -np.inf)
        delta = np.where(better, trial, contraction)
        if np.all(better):
            p, weighted, predicted, gap = t_p, t_w, t_pred, t_gap
        else:
            p, weighted, predicted, gap = state(delta)
    raise RuntimeError("the calibration did not converge")


# -- solving ---------------------------------------------------------------------


@dataclass
class Solution:
    """One solved scenario: segments, offerings and the flows between them.

    ``flows`` and ``logit_flows`` are tokens per week, shape (segments,
    offerings): after and before the capacity reroute.  ``offerings`` carries
    the scenario's ``price_usd_per_m`` (blended), ``list_price_usd_per_m``,
    ``kwh_per_m`` and ``cost_usd_per_m`` (serving cost); ``segments`` carries
    ``tokens`` (demand), ``price_sensitivity``, ``unserved_tokens`` and
    ``welfare_usd_per_week`` (change against the unrestricted baseline).
    """

    scenario: str
    params: dict
    segments: pd.DataFrame
    offerings: pd.DataFrame
    flows: np.ndarray
    logit_flows: np.ndarray
    allowed: np.ndarray
    utility: np.ndarray
    capacity: dict
    country_costs: dict
    rerouted_tokens: float


def _alphas(params: dict) -> np.ndarray:
    return np.array(
        [
            params["price_sensitivity_developers"],
            params["price_sensitivity_enterprises"],
            params["price_sensitivity_public_sector"],
        ]
        * len(fl.ORIGIN_REGIONS)
    )


def _group_index(market: Market) -> tuple[np.ndarray, pd.DataFrame]:
    off = market.offerings
    keys = off["model_id"] + "|" + off["serving_country"]
    codes, uniques = pd.factorize(keys)
    groups = pd.DataFrame({"group": uniques})
    groups[["model_id", "serving_country"]] = groups["group"].str.split("|", expand=True)
    return codes, groups


def _group_targets(market: Market, groups: pd.DataFrame, share_cn) -> np.ndarray:
    """Tokens per week of each (model, serving country) group; broadcasts over draws of ``share_cn``."""
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


def _capacities(params: dict, base_served: dict, throughput_ratio: dict) -> dict:
    """Weekly token capacity of each serving country (tokens; ``inf`` for no limit).

    ``capacity_factor`` x the tokens the country served in the calibration
    week x (1 + growth), where the fleet added by ``fleet_growth`` from 2026
    to ``scenario_year`` serves ``throughput_ratio`` times as many tokens per
    GPU as the baseline fleet (the cheapest accessible accelerator against
    the baseline one).  Broadcasts over draws.
    """
    out = {}
    for c in fl.SERVING_COUNTRIES:
        factor = params[f"capacity_factor_{c.lower()}"]
        if factor is None:
            out[c] = np.inf
            continue
        growth = (1 + params[f"fleet_growth_{c.lower()}"]) ** (params["scenario_year"] - 2026) - 1
        out[c] = (
            factor
            * np.asarray(base_served[c], float)
            * np.maximum(1 + growth * np.asarray(throughput_ratio[c]), 0.0)
        )
    return out


def solve(market: Market, params: dict, scenario: str = "custom") -> Solution:
    """Solve one scenario (``params`` from :func:`validate_scenario`).

    Calibrates the constants with the scenario's own tastes under baseline
    conditions (list prices, no restriction), applies the scenario's prices
    and rules, and reroutes any demand above a country's capacity.
    """
    seg = _segment_frame()
    off = market.offerings.copy()
    demand = _segment_demand(
        market,
        params["origin_share_europe"],
        params["user_share_enterprises"],
        params["user_share_public_sector"],
    )
    alpha = _alphas(params)
    beta = params["latency_sensitivity_per_100ms"]
    rtt = market.rtt_ms.loc[seg["origin_region"], off["serving_country"]].to_numpy()
    list_price = _list_prices(
        market, params["output_token_fraction"], params["input_cache_hit_fraction"]
    )
    active = _active_params(market, params["active_params_unlisted_model_b"])
    # serving costs, baseline and scenario
    base_cost = _country_costs(market, params, baseline=True)
    scn_cost = _country_costs(market, params, baseline=False)
    country = off["serving_country"].to_numpy()
    cost_base = np.array([base_cost[c]["usd_per_m"] for c in country]) * active
    cost_scn = np.array([scn_cost[c]["usd_per_m"] for c in country]) * active
    kwh = np.array([scn_cost[c]["kwh_per_m"] for c in country]) * active
    with np.errstate(invalid="ignore"):
        delta_cost = np.where(np.isfinite(cost_scn), cost_scn - cost_base, 0.0)
    price = np.maximum(list_price + params["cost_passthrough"] * delta_cost, 0.0)
    # calibration
    group, groups = _group_index(market)
    targets = _group_targets(market, groups, params["share_cn_hosted_chinese_model_tokens"])
    base_u = -alpha[:, None] * list_price[None, :] - beta * rtt / 100.0
    delta = calibrate_constants(base_u, demand, group, targets)
    const = delta[group]
    u_base = base_u + const[None, :]
    u_scn = -alpha[:, None] * price[None, :] - beta * rtt / 100.0 + const[None, :]
    allowed = allowed_matrix(market, params)
    # capacity
    base_served = {
        c: float(targets[groups["serving_country"].to_numpy() == c].sum())
        for c in fl.SERVING_COUNTRIES
    }
    ratio = {
        c: (
            base_cost[c]["gpu_hours_per_m"] / scn_cost[c]["gpu_hours_per_m"]
            if np.isfinite(scn_cost[c]["usd_per_m"])
            else 0.0
        )
        for c in fl.SERVING_COUNTRIES
    }
    capacity = {c: float(v) for c, v in _capacities(params, base_served, ratio).items()}
    for c, cap in capacity.items():
        if cap == 0:
            allowed = allowed & (country != c)[None, :]
    stranded = ~(allowed & np.isfinite(u_scn)).any(axis=1) & (demand > 0)
    if stranded.any():
        raise ScenarioError(
            scenario,
            "share_cn_hosted_chinese_model_tokens",
            f"segment(s) {', '.join(seg['segment_id'][stranded])} may use only offerings that carry "
            "no tokens in the calibration week at this share; choose a share strictly between 0 and 1",
        )
    logit = demand[:, None] * logit_shares(u_scn, allowed)
    final, rerouted, lost = _reroute(
        logit, u_scn, alpha, allowed, country, capacity, demand, off["model_id"].to_numpy()
    )
    # welfare: log-sum change, minus the utility lost by rerouted tokens
    ls = (log_sum(u_scn, allowed) - log_sum(u_base, True)) / alpha * demand / 1e6
    unserved = np.clip(demand - final.sum(axis=1), 0, None)
    unserved[unserved < 1e-9 * demand] = 0.0
    seg["tokens"] = demand
    seg["price_sensitivity"] = alpha
    seg["unserved_tokens"] = unserved
    seg["welfare_usd_per_week"] = ls - lost
    off["list_price_usd_per_m"] = list_price
    off["price_usd_per_m"] = price
    off["cost_usd_per_m"] = cost_scn
    off["kwh_per_m"] = kwh
    off["accelerator_id"] = [scn_cost[c]["accelerator_id"] for c in country]
    return Solution(
        scenario, params, seg, off, final, logit, allowed, u_scn, capacity, scn_cost, rerouted
    )


UNIT_TOKENS = 1e3
"""Integer unit of the min-cost flow: a thousand tokens."""


def _reroute(
    logit: np.ndarray,
    utility: np.ndarray,
    alpha: np.ndarray,
    allowed: np.ndarray,
    country: np.ndarray,
    capacity: dict,
    demand: np.ndarray,
    model: np.ndarray,
) -> tuple[np.ndarray, float, float]:
    """Move demand above a country's capacity to the next-best allowed offerings.

    Returns the flows unchanged when no capacity binds.  Otherwise solves a
    min-cost flow (:func:`networkx.network_simplex`, in units of
    :data:`UNIT_TOKENS`).  The supply nodes are (segment, model) pairs with
    the logit tokens of that segment on that model; each keeps its logit flow
    on an offering at no cost.  Moving a token costs, in dollars per million
    tokens:

    * to another host of the **same model**: the fall in mean utility from the
      model's best offering for that segment (price and latency), over the
      segment's price sensitivity -- open weights make hosts close substitutes;
    * to **another model**: (log-sum - utility of the offering) / price
      sensitivity, what a token loses on average when sent to an offering it
      did not choose (a lower bound under Gumbel tastes);
    * plus a hundredth of a cent; a token left unserved costs $1,000 per million.

    Tokens served in countries within their capacity stay where the logit
    put them (the spare room of those countries is what the moved tokens may
    use).  Each segment's moved tokens are rescaled to remove the rounding to
    whole units.  Returns (flows, tokens moved, welfare lost per segment in USD = the
    flow's cost).
    """
    load = {c: logit[:, country == c].sum() for c in capacity}
    if all(load[c] <= capacity[c] * (1 + 1e-12) for c in capacity):
        return logit, 0.0, np.zeros(logit.shape[0])
    n_seg, n_off = logit.shape
    models = list(dict.fromkeys(model))
    ls = log_sum(utility, allowed)
    u = np.where(allowed, utility, -np.inf)
    # tokens in countries within capacity stay where they are; only the binding countries' tokens may move
    binding = np.isin(country, [c for c in capacity if load[c] > capacity[c] * (1 + 1e-12)])
    committed = np.where(binding[None, :], 0.0, logit)
    movable = logit - committed
    graph = nx.MultiDiGraph()
    keep = np.floor(movable / UNIT_TOKENS).astype(np.int64)
    supply_total = 0
    for s in range(n_seg):
        for m in models:
            own = model == m
            units = int(round(movable[s, own].sum() / UNIT_TOKENS))
            if units == 0:
                continue
            node = ("sm", s, m)
            supply_total += units
            graph.add_node(node, demand=-units)
            graph.add_edge(node, "sink", cost=10_000_000)
            for o in np.nonzero(allowed[s] & own & (keep[s] > 0))[0]:
                graph.add_edge(node, ("o", o), cost=0, capacity=int(keep[s, o]))
            with np.errstate(invalid="ignore"):
                loss = (
                    np.where(own, np.maximum(np.max(u[s, own]) - u[s], 0.0), ls[s] - u[s])
                    / alpha[s]
                )
            loss = np.where(allowed[s] & np.isfinite(loss), loss, np.inf)
            # offerings of one country share its capacity, so only the cheapest move into each country matters
            for c in capacity:
                in_c = np.where(country == c, loss, np.inf)
                o = int(np.argmin(in_c))
                if np.isfinite(in_c[o]):
                    graph.add_edge(node, ("o", o), cost=int(round(in_c[o] * 1e4)) + 1)
    for o in range(n_off):
        graph.add_edge(("o", o), ("c", country[o]))
    for c, cap in capacity.items():
        room = cap - committed[:, country == c].sum()
        edge = {} if math.isinf(cap) else {"capacity": max(int(math.floor(room / UNIT_TOKENS)), 0)}
        graph.add_edge(("c", c), "sink", cost=0, **edge)
    graph.add_node("sink", demand=supply_total)
    _, flow = nx.network_simplex(graph, demand="demand", capacity="capacity", weight="cost")
    final = np.zeros_like(logit)
    unserved = np.zeros(n_seg)
    lost_usd = np.zeros(n_seg)
    for node, targets in flow.items():
        if not (isinstance(node, tuple) and node[0] == "sm"):
            continue
        s = node[1]
        for target, arcs in targets.items():
            units = sum(arcs.values())
            if target == "sink":
                unserved[s] += units * UNIT_TOKENS
                continue
            final[s, target[1]] += units * UNIT_TOKENS
            data = graph.get_edge_data(node, target)
            lost_usd[s] += sum(f * data[k]["cost"] for k, f in arcs.items() if data[k]["cost"] > 0)
    served = final.sum(axis=1)
    scale = np.divide(
        np.clip(movable.sum(axis=1) - unserved, 0, None),
        served,
        out=np.zeros(n_seg),
        where=served > 0,
    )
    final = committed + final * scale[:, None]
    moved = float(np.clip(final - logit, 0, None).sum())
    unit_cost_usd = UNIT_TOKENS / 1e6 / 1e4  # cost units are 1e-4 USD per million tokens
    return final, moved, lost_usd * unit_cost_usd


# -- outcomes --------------------------------------------------------------------


def flow_table(solution: Solution) -> pd.DataFrame:
    """The solution's flows in long form: one row per segment and offering with flow.

    Columns: ``segment_id``, ``origin_region``, ``user_type``, the offering's
    columns, ``tokens`` (per week), ``usd`` (spend per week at the scenario's
    prices) and ``kwh`` (electricity per week).
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
    table["usd"] = table["tokens"] / 1e6 * table["price_usd_per_m"]
    table["kwh"] = table["tokens"] / 1e6 * table["kwh_per_m"]
    return table


def outcomes(solution: Solution) -> pd.DataFrame:
    """The tidy outcomes table of a solved scenario.

    One row per measure and key, with ``scenario``, ``measure``, ``key``,
    ``value`` and ``unit``.  Measures: ``token_share_model_origin`` and
    ``token_share_serving_country`` (fractions, a row for every origin and
    serving country even when zero); ``cross_border_tokens``,
    ``cross_border_usd`` and ``cross_border_kwh`` per week by pair
    ``origin->serving``; ``exported_electricity_gwh_per_year`` by serving
    country (electricity spent serving other regions' requests, a row for
    every serving country);
    ``bill_usd_per_week``, ``average_price_usd_per_m`` and
    ``welfare_change_usd_per_week`` per segment and in total;
    ``unserved_tokens``, ``rerouted_tokens``; ``chokepoint`` (the key is the
    node, the value its share of tokens).  Welfare counts the log-sum change
    and the loss of rerouted tokens; tokens left unserved are reported
    (``unserved_tokens``) but not valued, since the model has no outside
    option to value them against.
    """
    table = flow_table(solution)
    total = table["tokens"].sum()
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

    origins = sorted(solution.offerings["model_origin"].unique())
    by_origin = table.groupby("model_origin")["tokens"].sum()
    for key in origins:
        add("token_share_model_origin", key, by_origin.get(key, 0.0) / total, "fraction")
    by_country = table.groupby("serving_country")["tokens"].sum()
    for key in fl.SERVING_COUNTRIES:
        add("token_share_serving_country", key, by_country.get(key, 0.0) / total, "fraction")
    cross = table[table["origin_region"] != table["serving_country"]]
    pairs = cross.groupby(["origin_region", "serving_country"])[["tokens", "usd", "kwh"]].sum()
    for (o, c), r in pairs.iterrows():
        add("cross_border_tokens", f"{o}->{c}", r["tokens"], "tokens/week")
        add("cross_border_usd", f"{o}->{c}", r["usd"], "USD/week")
        add("cross_border_kwh", f"{o}->{c}", r["kwh"], "kWh/week")
    exported = cross.groupby("serving_country")["kwh"].sum()
    for c in fl.SERVING_COUNTRIES:
        add(
            "exported_electricity_gwh_per_year",
            c,
            exported.get(c, 0.0) * WEEKS_PER_YEAR / 1e6,
            "GWh/year",
        )
    add("electricity_gwh_per_year", "total", table["kwh"].sum() * WEEKS_PER_YEAR / 1e6, "GWh/year")
    seg = solution.segments.set_index("segment_id")
    bills = table.groupby("segment_id")[["usd", "tokens"]].sum()
    for sid in seg.index:
        usd = bills["usd"].get(sid, 0.0)
        tok = bills["tokens"].get(sid, 0.0)
        add("bill_usd_per_week", sid, usd, "USD/week")
        add("average_price_usd_per_m", sid, usd / tok * 1e6 if tok else math.nan, "USD/M tokens")
        add("welfare_change_usd_per_week", sid, seg.at[sid, "welfare_usd_per_week"], "USD/week")
    add("bill_usd_per_week", "total", table["usd"].sum(), "USD/week")
    add("average_price_usd_per_m", "total", table["usd"].sum() / total * 1e6, "USD/M tokens")
    add("welfare_change_usd_per_week", "total", seg["welfare_usd_per_week"].sum(), "USD/week")
    add("unserved_tokens", "total", seg["unserved_tokens"].sum(), "tokens/week")
    add("rerouted_tokens", "total", solution.rerouted_tokens, "tokens/week")
    choke = fl.chokepoint(fl.request_flow_network(table))
    add("chokepoint", choke["node"], choke["share"], "fraction")
    return pd.DataFrame(rows)


# -- Monte Carlo -----------------------------------------------------------------

UNCERTAIN = (
    "share_cn_hosted_chinese_model_tokens",
    "price_sensitivity_developers",
    "price_sensitivity_enterprises",
    "price_sensitivity_public_sector",
    "latency_sensitivity_per_100ms",
    "user_share_enterprises",
    "user_share_public_sector",
    "origin_share_europe",
    "output_token_fraction",
    "input_cache_hit_fraction",
    "active_params_unlisted_model_b",
)
"""Parameters the Monte Carlo draws (each has an assumption with a range)."""


def draw_parameters(
    market: Market, params: dict, draws: int, seed: int = 0, uncertain: tuple[str, ...] = UNCERTAIN
) -> pd.DataFrame:
    """Random draws of the uncertain parameters, one row per draw.

    Each parameter is triangular on its assumption's (low, high) with its mode
    at the scenario's value (:func:`tokenpower.models.uncertainty.triangular`);
    a parameter the scenario sets outside the assumption's range stays fixed.
    Deterministic for a given ``seed``.
    """
    rng = uq.stream(seed)
    out = {}
    for name in uncertain:
        spec = market.specs[name]
        out[name] = uq.triangular(spec["low"], params[name], spec["high"], draws, rng)
    return pd.DataFrame(out)


def monte_carlo(
    market: Market,
    params: dict,
    draws: int = 10_000,
    seed: int = 0,
    uncertain: tuple[str, ...] = UNCERTAIN,
) -> pd.DataFrame:
    """Key outcomes of a scenario for ``draws`` random draws of the uncertain parameters.

    Vectorised over draws: demand, prices, calibration and logit are numpy
    arrays of shape (draws, segments, offerings).  Draws whose demand exceeds
    a capacity are solved one by one with the min-cost reroute (about 50 ms
    each).  Returns one
    row per draw with the drawn parameters and ``chinese_model_share``,
    ``cn_served_share`` (fractions), ``exported_gwh_per_year_chn``,
    ``exported_gwh_per_year_usa``, ``electricity_gwh_per_year``,
    ``bill_usd_per_week`` and ``welfare_usd_per_week``.
    """
    d = draw_parameters(market, params, draws, seed, uncertain)
    seg = _segment_frame()
    off = market.offerings
    get = lambda k: d[k].to_numpy() if k in d else np.full(draws, float(params[k]))  # noqa: E731
    demand = _segment_demand(
        market,
        get("origin_share_europe"),
        get("user_share_enterprises"),
        get("user_share_public_sector"),
    )
    alpha = np.stack(
        [
            get("price_sensitivity_developers"),
            get("price_sensitivity_enterprises"),
            get("price_sensitivity_public_sector"),
        ]
        * len(fl.ORIGIN_REGIONS),
        axis=-1,
    )
    beta = get("latency_sensitivity_per_100ms")[:, None, None]
    rtt = market.rtt_ms.loc[seg["origin_region"], off["serving_country"]].to_numpy()[None]
    f = get("output_token_fraction")
    list_price = _list_prices(market, f, get("input_cache_hit_fraction"))
    active = _active_params(market, get("active_params_unlisted_model_b"))
    country = off["serving_country"].to_numpy()
    base_costs = {c: market.costs[market.costs["country"] == c] for c in fl.SERVING_COUNTRIES}
    per_b_base = np.zeros((draws, len(off)))
    per_b_scn = np.zeros((draws, len(off)))
    kwh_b = np.zeros((draws, len(off)))
    ratio = {}
    for c in fl.SERVING_COUNTRIES:
        lc = c.lower()
        rows = base_costs[c]
        hours = _gpu_hours_per_m(rows, f)  # (draws, accelerators)
        cap = rows["capital_usd_per_hour"].to_numpy()
        run = rows["electricity_usd_per_hour"].to_numpy() + rows["other_usd_per_hour"].to_numpy()
        ids = rows["accelerator_id"].to_numpy()

        def cheapest(
            legal, smuggled, premium, mult, ids=ids, cap=cap, run=run, hours=hours, rows=rows
        ):
            legal_m = np.isin(ids, list(legal))
            smug_m = np.isin(ids, list(smuggled)) & ~legal_m
            unit = np.where(legal_m, cap + run, np.where(smug_m, cap * (1 + premium) + run, np.inf))
            usd = unit[None, :] * hours
            best = np.argmin(usd, axis=1)
            pick = np.take_along_axis(usd, best[:, None], 1)[:, 0] * mult
            picked_hours = np.take_along_axis(hours, best[:, None], 1)[:, 0]
            kwh = rows["kwh_per_hour"].to_numpy()[best] * picked_hours
            return (
                np.where(np.isfinite(pick), pick, np.inf),
                kwh,
                np.where(np.isfinite(pick), picked_hours, np.nan),
            )

        spec = market.specs
        b_usd, _, b_hours = cheapest(
            spec[f"accelerators_{lc}"]["default"],
            spec["smuggled_accelerators_chn"]["default"] if c == "CHN" else (),
            spec["smuggling_premium_chn"]["default"],
            spec[f"cost_multiplier_{lc}"]["default"],
        )
        s_usd, s_kwh, s_hours = cheapest(
            params[f"accelerators_{lc}"],
            params["smuggled_accelerators_chn"] if c == "CHN" else (),
            params["smuggling_premium_chn"],
            params[f"cost_multiplier_{lc}"],
        )
        mask = country == c
        per_b_base[:, mask] = b_usd[:, None]
        per_b_scn[:, mask] = s_usd[:, None]
        kwh_b[:, mask] = s_kwh[:, None]
        ratio[c] = np.where(np.isfinite(s_hours), b_hours / s_hours, 0.0)
    with np.errstate(invalid="ignore"):
        delta_cost = np.where(np.isfinite(per_b_scn), (per_b_scn - per_b_base) * active, 0.0)
    price = np.maximum(list_price + params["cost_passthrough"] * delta_cost, 0.0)
    kwh_per_m = kwh_b * active
    group, groups = _group_index(market)
    targets = _group_targets(market, groups, get("share_cn_hosted_chinese_model_tokens"))
    base_u = -alpha[:, :, None] * list_price[:, None, :] - beta * rtt / 100.0
    delta = calibrate_constants(base_u, demand, group, targets)
    const = np.take(delta, group, axis=-1)[:, None, :]
    u_base = base_u + const
    u_scn = -alpha[:, :, None] * price[:, None, :] - beta * rtt / 100.0 + const
    allowed = allowed_matrix(market, params)
    flows = demand[:, :, None] * logit_shares(u_scn, allowed[None])
    welfare = ((log_sum(u_scn, allowed[None]) - log_sum(u_base, True)) / alpha * demand / 1e6).sum(
        axis=1
    )
    group_country = groups["serving_country"].to_numpy()
    base_served = {c: targets[:, group_country == c].sum(axis=1) for c in fl.SERVING_COUNTRIES}
    capacity = _capacities(params, base_served, ratio)
    binding = np.zeros(draws, bool)
    for c in fl.SERVING_COUNTRIES:
        binding |= flows[:, :, country == c].sum(axis=(1, 2)) > capacity[c] * (1 + 1e-12)
    for i in np.nonzero(binding)[0]:  # capacity binds: exact min-cost reroute, one draw at a time
        sol = solve(market, {**params, **{k: float(d.at[i, k]) for k in d.columns}})
        flows[i] = sol.flows
        welfare[i] = sol.segments["welfare_usd_per_week"].sum()
    tokens = flows.sum(axis=(1, 2))
    origin_cn = off["model_origin"].to_numpy() == "CHN"
    served_cn = country == "CHN"
    seg_origin = seg["origin_region"].to_numpy()
    kwh = flows * kwh_per_m[:, None, :] / 1e6
    out = d.copy()
    out["chinese_model_share"] = flows[:, :, origin_cn].sum(axis=(1, 2)) / tokens
    out["cn_served_share"] = flows[:, :, served_cn].sum(axis=(1, 2)) / tokens
    for c in fl.SERVING_COUNTRIES:
        foreign = (seg_origin[:, None] != c) & (country[None, :] == c)
        out[f"exported_gwh_per_year_{c.lower()}"] = (
            (kwh * foreign[None]).sum(axis=(1, 2)) * WEEKS_PER_YEAR / 1e6
        )
    out["electricity_gwh_per_year"] = kwh.sum(axis=(1, 2)) * WEEKS_PER_YEAR / 1e6
    out["bill_usd_per_week"] = (flows * price[:, None, :]).sum(axis=(1, 2)) / 1e6
    out["welfare_usd_per_week"] = welfare
    return out


def tornado(
    market: Market, params: dict, measure: str, key: str, uncertain: tuple[str, ...] = UNCERTAIN
) -> pd.DataFrame:
    """Sensitivity of the outcome ``measure``/``key`` of :func:`outcomes` to each uncertain parameter.

    Each parameter of ``uncertain`` that has an assumption range is moved
    alone to its low and its high end
    (:func:`tokenpower.models.uncertainty.one_at_a_time`); the outcome
    is 0 where the key is absent.
    """

    def value(p):
        out = outcomes(solve(market, p, "tornado"))
        hit = out[(out["measure"] == measure) & (out["key"] == key)]["value"]
        return float(hit.iloc[0]) if len(hit) else 0.0

    ranges = {
        name: (market.specs[name]["low"], market.specs[name]["high"])
        for name in uncertain
        if market.specs[name]["low"] is not None
    }
    return uq.one_at_a_time(
        lambda name, v: value({**params, name: v}), ranges, central=value(params)
    )


# -- speed -----------------------------------------------------------------------


def benchmark(repeats: int = 5, draws: int = 10_000) -> list[tuple[str, str, str]]:
    """Time one scenario solve and a Monte Carlo of ``draws`` draws (for ``bench``).

    Returns rows ``(measure, value, note)``; each time is the best of
    ``repeats`` (the Monte Carlo: of 2) runs with :func:`time.perf_counter`.
    """
    market = build_market()
    base = validate_scenario(market, "baseline", {})
    tight = validate_scenario(
        market, "cn-capacity-tight", {"capacity_factor_chn": 0.8, "capacity_factor_usa": 1.2}
    )

    def best(action, n):
        times = []
        for _ in range(n):
            start = time.perf_counter()
            action()
            times.append(time.perf_counter() - start)
        return min(times)

    one = best(lambda: solve(market, base), repeats)
    rerouted = best(lambda: solve(market, tight), repeats)
    mc = best(lambda: monte_carlo(market, base, draws=draws), 2)
    return [
        (
            "one scenario solve",
            f"{one * 1000:.1f} ms",
            "target < 50 ms (baseline: calibration + logit)",
        ),
        (
            "one scenario solve with a capacity reroute",
            f"{rerouted * 1000:.1f} ms",
            "target < 50 ms (min-cost flow)",
        ),
        (f"Monte Carlo, {draws:,} draws", f"{mc:.2f} s", "target < 10 s (vectorised, baseline)"),
    ]
