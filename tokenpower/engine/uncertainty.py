"""Uncertainty: Monte Carlo draws of the assumptions, bands, and one-at-a-time sensitivity.

Each uncertain parameter is drawn from a triangular distribution on its
assumption's low and high values with its mode at the scenario's value
(:func:`tokenpower.models.uncertainty.triangular`).  All draws are solved
together by :func:`tokenpower.engine.core.run` -- the same core as a single
solve -- and their headline measures come from
:func:`tokenpower.engine.outcomes.measures`.  A draw whose calibration or
shadow prices do not converge is reported (``converged`` = 0) and left out
of the bands, never fatal.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

import tokenpower.engine.core as core
from tokenpower.engine.market import WEEKS_PER_YEAR, Market
from tokenpower.engine.outcomes import UNITS, measures, scope_scale
from tokenpower.engine.scope import scale
from tokenpower.models import uncertainty as uq

__all__ = ["UNCERTAIN", "bands", "benchmark", "draw_parameters", "monte_carlo", "tornado"]

UNCERTAIN = (
    "share_cn_hosted_chinese_model_tokens",
    "price_elasticity_offering",
    "price_elasticity_market",
    "price_sensitivity_ratio_enterprises",
    "price_sensitivity_ratio_public_sector",
    "nesting_parameter",
    "latency_sensitivity_per_100ms",
    "user_share_enterprises",
    "user_share_public_sector",
    "origin_share_europe",
    "output_token_fraction",
    "input_cache_hit_fraction",
    "active_params_unlisted_model_b",
    "demand_growth_per_year",
)
"""Parameters the Monte Carlo draws (each has an assumption with a range)."""


def draw_parameters(
    market: Market, params: dict, draws: int, seed: int = 0, uncertain: tuple[str, ...] = UNCERTAIN
) -> pd.DataFrame:
    """Random draws of the uncertain parameters, one row per draw.

    Each parameter is triangular on its assumption's (low, high) with its mode
    at the scenario's value; a parameter the scenario sets outside the
    assumption's range stays fixed.  Deterministic for a given ``seed``.
    """
    rng = uq.stream(seed)
    out = {}
    for name in uncertain:
        spec = market.specs[name]
        value = params[name]
        if spec["low"] is None or not spec["low"] <= value <= spec["high"]:
            out[name] = np.full(draws, float(value))
            continue
        out[name] = uq.triangular(spec["low"], value, spec["high"], draws, rng)
    return pd.DataFrame(out)


def monte_carlo(
    market: Market,
    params: dict,
    draws: int = 10_000,
    seed: int = 0,
    uncertain: tuple[str, ...] = UNCERTAIN,
) -> pd.DataFrame:
    """Key outcomes of a scenario for ``draws`` random draws of the uncertain parameters.

    One row per draw with the drawn parameters and ``chinese_model_share``,
    ``cn_served_share`` (fractions of tokens served), ``exported_gwh_per_year_chn``,
    ``exported_gwh_per_year_usa``, ``electricity_gwh_per_year``,
    ``bill_usd_per_week``, ``welfare_usd_per_week``, ``welfare_usd_per_year``,
    ``priced_out_tokens_per_week``, ``shadow_price_chn``, ``shadow_price_usa``
    and ``converged`` (True where the draw solved).
    """
    d = draw_parameters(market, params, draws, seed, uncertain)
    m = measures(market, core.run(market, params, d))
    out = d.copy()
    out["chinese_model_share"] = m["token_share_model_origin"]["CHN"]
    out["cn_served_share"] = m["token_share_serving_country"]["CHN"]
    for c in ("CHN", "USA"):
        out[f"exported_gwh_per_year_{c.lower()}"] = m["exported_electricity_gwh_per_year"][c]
        out[f"shadow_price_{c.lower()}"] = m["shadow_price_usd_per_m"][c]
    out["electricity_gwh_per_year"] = m["electricity_gwh_per_year"]["total"]
    out["bill_usd_per_week"] = m["bill_usd_per_week"]["total"]
    out["welfare_usd_per_week"] = m["welfare_change_usd_per_week"]["total"]
    out["welfare_usd_per_year"] = out["welfare_usd_per_week"] * WEEKS_PER_YEAR
    out["priced_out_tokens_per_week"] = m["unserved_or_priced_out_tokens_per_week"]["total"]
    out["converged"] = m["converged"]["total"] > 0
    return out


def bands(
    market: Market, params: dict, draws: int, seed: int = 0, scenario: str = "custom"
) -> pd.DataFrame:
    """Every headline measure with its 5th, 50th and 95th percentile over ``draws`` draws.

    Long table: ``scenario``, ``measure``, ``key``, ``unit``, ``p05``, ``p50``,
    ``p95`` and ``draws`` (the converged draws the percentiles are taken over).
    Volumes are at the scenario's ``demand_scope``: at the world scope each
    draw also draws the world layer's inputs (:func:`tokenpower.engine.outcomes.scope_scale`).
    """
    d = draw_parameters(market, params, draws, seed)
    result = core.run(market, params, d)
    ok = result.converged
    rows = []
    factor = scope_scale(market, params, draws, seed)
    keyed_measures = scale(measures(market, result), factor)
    keyed_measures["demand_scale"] = {"total": factor}
    for name, keyed in keyed_measures.items():
        if name == "converged":
            continue
        for key, values in keyed.items():
            v = values[ok]
            with np.errstate(invalid="ignore"):  # a capacity with no limit is inf in every draw
                q = np.percentile(v, [5, 50, 95]) if len(v) else [np.nan] * 3
            if len(v) and np.isposinf(v).all():
                q = [np.inf] * 3
            rows.append(
                {
                    "scenario": scenario,
                    "measure": name,
                    "key": key,
                    "unit": UNITS[name],
                    "p05": float(q[0]),
                    "p50": float(q[1]),
                    "p95": float(q[2]),
                    "draws": int(ok.sum()),
                }
            )
    return pd.DataFrame(rows)


def tornado(
    market: Market, params: dict, measure: str, key: str, uncertain: tuple[str, ...] = UNCERTAIN
) -> pd.DataFrame:
    """Sensitivity of the outcome ``measure``/``key`` to each uncertain parameter.

    Each parameter of ``uncertain`` that has an assumption range is moved
    alone to its low and its high end
    (:func:`tokenpower.models.uncertainty.one_at_a_time`); all the moves are
    solved in one call of the core.
    """
    ranges = {
        name: (market.specs[name]["low"], market.specs[name]["high"])
        for name in uncertain
        if market.specs[name]["low"] is not None
    }
    moves = [(name, v) for name, (lo, hi) in ranges.items() for v in (lo, hi)]
    central = {name: params[name] for name in ranges}
    table = pd.DataFrame([central] + [central | {name: v} for name, v in moves])
    values = measures(market, core.run(market, params, table))[measure][key]
    lookup = dict(zip(moves, values[1:], strict=True))
    return uq.one_at_a_time(lambda name, v: lookup[(name, v)], ranges, central=values[0])


def benchmark(repeats: int = 5, draws: int = 10_000) -> list[tuple[str, str, str]]:
    """Time one solve and Monte Carlos with and without binding capacity (for ``bench``).

    Returns rows ``(measure, value, note)``; each time is the best of
    ``repeats`` (the Monte Carlos: of 2) runs with :func:`time.perf_counter`.
    """
    from tokenpower.engine.market import build_market
    from tokenpower.engine.parameters import validate_scenario

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

    one = best(lambda: core.solve(market, base), repeats)
    bound = best(lambda: core.solve(market, tight), repeats)
    free = best(lambda: monte_carlo(market, base, draws=draws), 2)
    binding = best(lambda: monte_carlo(market, tight, draws=draws), 2)
    return [
        ("one scenario solve", f"{one * 1000:.1f} ms", "target <= 50 ms"),
        ("one solve with binding capacity", f"{bound * 1000:.1f} ms", "target <= 50 ms"),
        (f"Monte Carlo, {draws:,} draws, no capacity limit", f"{free:.2f} s", "reference"),
        (
            f"Monte Carlo, {draws:,} draws, binding capacity",
            f"{binding:.2f} s ({binding / free:.1f}x)",
            "target <= 3x the Monte Carlo without limits",
        ),
    ]
