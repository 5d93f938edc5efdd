"""Chip bans: preset paths 2026-2030, the breakeven of the price gap, sensitivity and Monte Carlo.

Everything here sits on top of the scenario engine (:mod:`tokenpower.engine`)
and the grid outcomes of :mod:`tokenpower.policies.explore`; nothing re-implements it.

**Years.** The engine grows demand from the calibration week (February
2026) at ``demand_growth_per_year`` to ``scenario_year``; :func:`year_parameters`
sets both.  China's fleet grows by the chips its rule lets it add
(:mod:`tokenpower.engine.fleet`) and loses those past their service life, so
a ban makes its capacity fall behind demand; where it does, the capacity's
shadow price rations the tokens.
"""

from __future__ import annotations

import dataclasses
import math

import altair as alt
import numpy as np
import pandas as pd

from tokenpower import engine as sc
from tokenpower.models import uncertainty as uq
from tokenpower.policies import explore as ex

__all__ = [
    "PATH_YEARS",
    "PRESET_PREFIX",
    "bitcoin_relocation",
    "breakeven",
    "catch_up_days",
    "gap_reasons",
    "market_with_assumptions",
    "band_chart",
    "monte_carlo_path",
    "path_draws",
    "path_point",
    "paths_chart",
    "preset_paths",
    "presets",
    "price_gap_at_multiplier",
    "with_card_price",
    "year_parameters",
]

PRESET_PREFIX = "chipban-"
"""Scenario ids of data/scenarios.csv that are chip-ban presets start with this."""

PATH_YEARS = (2026, 2027, 2028, 2029, 2030)
"""Years of the preset paths."""


def presets(all_scenarios: dict[str, dict], prefix: str = PRESET_PREFIX) -> dict[str, dict]:
    """The chip-ban presets among validated scenarios (from :func:`tokenpower.engine.load_scenarios`)."""
    out = {sid: p for sid, p in all_scenarios.items() if sid.startswith(prefix)}
    if not out:
        raise ValueError(f"no scenario id starts with {prefix!r}")
    return out


def year_parameters(
    market: sc.Market,
    params: dict,
    year: int,
    demand_growth: float,
    headroom: float,
    scenario: str = "path",
) -> dict:
    """Validated parameters of a scenario in ``year`` with demand growing at ``demand_growth`` a year.

    ``headroom`` (ratio) is China's fleet capacity in 2026 over the tokens it
    served in the calibration week; the fleet then grows by the chips its
    rule lets it add (:mod:`tokenpower.engine.fleet`).  The US fleet keeps
    its headroom and grows as fast as demand, unless the scenario sets its
    own ``capacity_factor_usa`` or ``fleet_growth_usa``.
    """
    if not 2026 <= year <= 2030:
        raise ValueError(f"year must be between 2026 and 2030, got {year}")
    if not -0.5 <= demand_growth <= 5:
        raise ValueError(f"demand_growth must be between -0.5 and 5 per year, got {demand_growth}")
    values = dict(params)
    defaults = market.specs
    values["demand_growth_per_year"] = demand_growth
    values["capacity_factor_chn"] = headroom
    if params["capacity_factor_usa"] is None:
        values["capacity_factor_usa"] = headroom
    if params["fleet_growth_usa"] == defaults["fleet_growth_usa"]["default"]:
        values["fleet_growth_usa"] = max(demand_growth, 0.0)
    values["scenario_year"] = year
    return sc.validate_scenario(market, scenario, values)


def path_point(
    market: sc.Market,
    params: dict,
    year: int,
    demand_growth: float,
    headroom: float,
    reference_active_b: float = 37.0,
) -> dict:
    """Outcomes of one scenario in one year (see :func:`year_parameters`).

    Returns the outcomes of :func:`tokenpower.policies.explore.solution_outcomes`
    (exported electricity scaled to the year's demand, GWh per year) plus
    ``capacity_chn_t_per_week`` (China's serving capacity, trillion tokens
    per week at the year's scale), ``unserved_share`` and
    ``rerouted_share`` (fractions of demand), ``cn_shortfall_share`` (the
    tokens China's users would send to its fleet with no shadow price, above
    its capacity, as a fraction of that capacity) and ``kwh_per_m_chn`` (the
    electricity of a million tokens of a ``reference_active_b`` model on
    China's fleet, its chips weighted by the tokens they serve).
    """
    p = year_parameters(market, params, year, demand_growth, headroom)
    solution = sc.solve(market, p)
    out = ex.solution_outcomes(solution, reference_active_b)
    demand = float(solution.segments["base_tokens"].sum())
    out["capacity_chn_t_per_week"] = solution.capacity["CHN"] / 1e12
    out["unserved_share"] = float(solution.segments["unserved_tokens"].sum()) / demand
    out["rerouted_share"] = solution.rerouted_tokens / demand
    in_china = (solution.offerings["serving_country"] == "CHN").to_numpy()
    wanted = float(solution.logit_flows[:, in_china].sum())
    out["cn_shortfall_share"] = max(wanted / solution.capacity["CHN"] - 1.0, 0.0)
    out["kwh_per_m_chn"] = solution.country_costs["CHN"]["kwh_per_m"] * reference_active_b
    return out


def preset_paths(
    market: sc.Market,
    scenarios: dict[str, dict],
    demand_growth: float,
    headroom: float,
    years=PATH_YEARS,
    reference_active_b: float = 37.0,
) -> pd.DataFrame:
    """Outcomes of every scenario in every year: one row per (scenario, year).

    Columns ``scenario``, ``year`` and those of :func:`path_point`.
    """
    rows = [
        {
            "scenario": sid,
            "year": int(y),
            **path_point(market, p, int(y), demand_growth, headroom, reference_active_b),
        }
        for sid, p in scenarios.items()
        for y in years
    ]
    return pd.DataFrame(rows)


# -- breakeven -------------------------------------------------------------------


def breakeven(
    outcome, target: float, low: float, high: float, tol: float = 1e-3, max_iter: int = 60
):
    """Smallest ``x`` in [``low``, ``high``] at which ``outcome(x) <= target``, by bisection.

    ``outcome`` is a function of one number, assumed non-increasing (a more
    severe setting never raises it).  Returns ``x`` to within ``tol``, or
    None if even ``outcome(high)`` stays above ``target`` (the target cannot
    be reached in the range).  Returns ``low`` if it is reached there already.
    """
    if not low < high:
        raise ValueError(f"low must be below high, got {low} and {high}")
    if outcome(low) <= target:
        return float(low)
    if outcome(high) > target:
        return None
    for _ in range(max_iter):
        if high - low <= tol:
            break
        mid = (low + high) / 2
        if outcome(mid) <= target:
            high = mid
        else:
            low = mid
    return float(high)


def price_gap_at_multiplier(market: sc.Market, params: dict, multiplier: float) -> float:
    """The price gap (US-made over Chinese-made models' average price) with China's serving cost x ``multiplier``.

    ``multiplier`` multiplies the engine's ``cost_multiplier_chn`` (valid up
    to the engine's maximum, 10); the rest of ``params`` is unchanged.
    """
    p = sc.validate_scenario(market, "breakeven", {**params, "cost_multiplier_chn": multiplier})
    return ex.point_outcomes(market, p)["price_gap"]


def gap_reasons(market: sc.Market, params: dict) -> dict:
    """Why a chip ban cannot close the price gap: the inputs that bind, from one solved scenario.

    Returns ``cn_models_served_abroad_share`` (fraction of Chinese-made
    models' tokens served outside China, which a Chinese chip ban does not
    touch), ``us_price_usd_per_m`` and ``cn_price_usd_per_m`` (average
    prices paid per million tokens, by model origin), ``cn_cost_usd_per_m``
    (average serving cost per million tokens of the China-served tokens) and
    ``cn_cost_share_of_price`` (that cost over their average price).
    """
    table = sc.flow_table(sc.solve(market, params))
    table["cost_usd"] = table["tokens"] / 1e6 * table["cost_usd_per_m"]
    cn_models = table[table["model_origin"] == "CHN"]
    served_cn = table[table["serving_country"] == "CHN"]
    price = table.groupby("model_origin")[["usd", "tokens"]].sum()
    cn_cost = served_cn["cost_usd"].sum() / served_cn["tokens"].sum() * 1e6
    cn_price = served_cn["usd"].sum() / served_cn["tokens"].sum() * 1e6
    return {
        "cn_models_served_abroad_share": float(
            cn_models.loc[cn_models["serving_country"] != "CHN", "tokens"].sum()
            / cn_models["tokens"].sum()
        ),
        "us_price_usd_per_m": float(price.at["USA", "usd"] / price.at["USA", "tokens"] * 1e6),
        "cn_price_usd_per_m": float(price.at["CHN", "usd"] / price.at["CHN", "tokens"] * 1e6),
        "cn_cost_usd_per_m": float(cn_cost),
        "cn_cost_share_of_price": float(cn_cost / cn_price),
    }


# -- sensitivity and Monte Carlo ---------------------------------------------------


def market_with_assumptions(
    market: sc.Market, tables: dict[str, pd.DataFrame], values: dict[str, float]
) -> sc.Market:
    """The market with some rows of assumptions.csv set to other values (e.g. a chip's price).

    ``tables`` from :func:`tokenpower.engine.market_tables`; ``values``
    maps assumption ids to values.  Only the serving costs are rebuilt
    (:func:`tokenpower.engine.serving_cost_components`).
    """
    a = tables["assumptions"].copy()
    unknown = set(values) - set(a["id"])
    if unknown:
        raise ValueError(f"unknown assumption ids: {', '.join(sorted(unknown))}")
    for key, v in values.items():
        a.loc[a["id"] == key, "value"] = v
    return dataclasses.replace(
        market, costs=sc.serving_cost_components({**tables, "assumptions": a})
    )


def with_card_price(
    market: sc.Market, accelerator_id: str, price_usd: float, central_price_usd: float
) -> sc.Market:
    """The market with one accelerator's card price changed from ``central_price_usd`` to ``price_usd``.

    The capital cost per busy hour of the token cost model is proportional
    to the card price (:func:`tokenpower.models.tokencost.capital_usd_per_busy_hour`),
    so only ``capital_usd_per_hour`` of that accelerator is rescaled, in every
    country; a faster equivalent of :func:`market_with_assumptions` for prices.
    """
    if price_usd < 0 or central_price_usd <= 0:
        raise ValueError("prices must be positive")
    costs = market.costs.copy()
    rows = costs["accelerator_id"] == accelerator_id
    if not rows.any():
        raise ValueError(f"unknown accelerator {accelerator_id!r}")
    costs.loc[rows, "capital_usd_per_hour"] *= price_usd / central_price_usd
    return dataclasses.replace(market, costs=costs)


def path_draws(
    market: sc.Market,
    params: dict,
    demand_growth: tuple[float, float, float],
    draws: int,
    seed: int = 0,
) -> pd.DataFrame:
    """The random inputs of :func:`monte_carlo_path`, one row per draw.

    The engine's uncertain parameters (:func:`tokenpower.engine.draw_parameters`,
    triangular on their assumption ranges, from the random stream ``seed``),
    with ``demand_growth_per_year`` triangular on ``demand_growth`` = (low,
    central, high) instead of its assumption's range.
    """
    if draws < 2:
        raise ValueError(f"draws must be at least 2, got {draws}")
    lo, mode, hi = demand_growth
    d = sc.draw_parameters(market, params, draws, seed)
    d["demand_growth_per_year"] = uq.triangular(lo, mode, hi, draws, uq.stream(seed, 1))
    return d


def monte_carlo_path(
    market: sc.Market,
    params: dict,
    demand_growth: tuple[float, float, float],
    headroom: float,
    draws: int,
    outcome: str,
    years=PATH_YEARS,
    seed: int = 0,
    quantiles=(0.05, 0.5, 0.95),
    reference_active_b: float = 37.0,
) -> pd.DataFrame:
    """Quantiles of one outcome along a scenario's path, over random draws of the uncertain inputs.

    Each draw takes the engine's uncertain parameters and a demand growth
    (:func:`path_draws`); the same draws are solved in every year, all at
    once by the engine's core, so a band is a set of whole paths.
    ``outcome`` is a key of :func:`tokenpower.policies.explore.outcome_arrays`
    (costs quoted for a model of ``reference_active_b`` billion active parameters).
    Returns one row per year with ``year`` and a column ``q05``, ``q50``,
    ``q95`` ... per quantile, over the draws that converged.
    """
    d = path_draws(market, params, demand_growth, draws, seed)
    out = pd.DataFrame({"year": [int(y) for y in years]})
    values = np.empty((draws, len(years)))
    ok = np.ones(draws, bool)
    for j, y in enumerate(years):
        p = year_parameters(market, params, int(y), float(demand_growth[1]), headroom)
        result = sc.run(market, p, d.assign(scenario_year=float(y)))
        values[:, j] = ex.outcome_arrays(sc.measures(market, result), reference_active_b)[outcome]
        ok &= result.converged
    for q in quantiles:
        out[f"q{round(q * 100):02d}"] = np.quantile(values[ok], q, axis=0)
    return out


# -- the Bitcoin lesson ----------------------------------------------------------


def bitcoin_relocation(recovery) -> dict:
    """The speed at which banned mining capacity came back, from a :class:`tokenpower.models.mining.Recovery`.

    Returns ``drawdown`` (fraction of the peak lost), ``days`` (trough to
    recovery) and ``daily_growth`` (the average daily growth from trough to
    the old peak, a fraction per day).
    """
    days = recovery.days_trough_to_recovery
    if days is None or days <= 0:
        raise ValueError("the series never recovered, so no speed can be read from it")
    growth = (recovery.recovery_value / recovery.trough) ** (1 / days) - 1
    return {"drawdown": recovery.drawdown, "days": days, "daily_growth": growth}


def catch_up_days(shortfall_share: float, daily_growth: float) -> float:
    """Days for capacity to make up a shortfall at a steady daily growth rate.

    ``shortfall_share`` is the missing capacity as a fraction of what is
    there (0.25: a quarter more is needed); ``daily_growth`` a fraction per
    day.  Returns ln(1 + shortfall) / ln(1 + growth).
    """
    if shortfall_share < 0 or daily_growth <= 0:
        raise ValueError("shortfall_share must be at least 0 and daily_growth above 0")
    return math.log1p(shortfall_share) / math.log1p(daily_growth)


# -- charts ----------------------------------------------------------------------


def paths_chart(
    paths: pd.DataFrame,
    outcome: str,
    title: str,
    labels: dict[str, str] | None = None,
    axis_format: str = ".0%",
) -> alt.Chart:
    """Lines of one outcome by year, one line per scenario (unfinished; pass to ``finish``).

    The legend lists the scenarios in the order of ``paths``.
    """
    data = paths[["scenario", "year", outcome]].copy()
    data["label"] = data["scenario"].map(labels or {}).fillna(data["scenario"])
    order = list(dict.fromkeys(data["label"]))
    return (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y(f"{outcome}:Q", title=title, axis=alt.Axis(format=axis_format)),
            color=alt.Color(
                "label:N",
                title="Scenario",
                sort=order,
                legend=alt.Legend(orient="bottom", columns=1, labelLimit=0),
            ),
            strokeDash=alt.StrokeDash("label:N", title="Scenario", sort=order),
            tooltip=[
                alt.Tooltip("label:N", title="Scenario"),
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip(f"{outcome}:Q", title=title, format=axis_format.replace("0%", "1%")),
            ],
        )
        .properties(width=520, height=260)
    )


def band_chart(
    band: pd.DataFrame, central: pd.DataFrame, outcome: str, title: str, axis_format: str = ".0%"
) -> alt.Chart:
    """A Monte Carlo band (``q05``-``q95`` of :func:`monte_carlo_path`) with the median and the central path."""
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.3, color="#c0392b")
        .encode(
            x=alt.X("year:O", title="Year"),
            y=alt.Y("q05:Q", title=title, axis=alt.Axis(format=axis_format)),
            y2="q95:Q",
            tooltip=[
                alt.Tooltip("year:O", title="Year"),
                alt.Tooltip("q05:Q", title="5th percentile", format=axis_format),
                alt.Tooltip("q50:Q", title="Median", format=axis_format),
                alt.Tooltip("q95:Q", title="95th percentile", format=axis_format),
            ],
        )
    )
    median = (
        alt.Chart(band).mark_line(color="#c0392b", strokeDash=[4, 3]).encode(x="year:O", y="q50:Q")
    )
    line = (
        alt.Chart(central)
        .mark_line(color="#c0392b", point=alt.OverlayMarkDef(color="#c0392b"))
        .encode(x="year:O", y=f"{outcome}:Q")
    )
    return alt.layer(area, median, line).properties(width=520, height=260)
