"""Data sovereignty: rules that cut edges of the request-flow network, and what they cost.

Everything here sits on top of the scenario engine (:mod:`tokenpower.engine`):
a sovereignty rule is a scenario parameter (``forbid_model_origin``,
``forbid_serving_country``, ``require_domestic_serving``) that removes
(segment, offering) pairs from the logit's choice set.  The presets are rows
of ``data/scenarios.csv`` whose id starts with ``sov-``.

This module reads the engine's solutions and answers the chapter's questions:

* outcomes of a preset **by segment** (origin region x user type) and by
  model origin (:func:`segment_outcomes`) and a one-row summary per preset
  (:func:`preset_summary`);
* the **welfare cost** to users in dollars per year: minus the engine's
  log-sum welfare change, annualised with the engine's weeks per year
  (:func:`annualise`, :func:`welfare_cost_usd_per_year`);
* which flows a rule set forbids and how much of it flows
  (:func:`forbidden_mask`, :func:`forbidden_tokens`), and whether one rule
  set is stricter than another (:func:`is_stricter`);
* **banning a model's origin versus restricting where it is served**, on the
  same baseline (:func:`origin_vs_serving`);
* the **1914 lesson**: what share of Germany's telegraph reach survived the
  British cut, to set against what share of Chinese-model tokens survives a
  ban (:func:`telegraph_cut_reach`).

All token figures are per week of the calibration week (OpenRouter's top-10
models, February 2026), not the world's traffic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower import engine as sc
from tokenpower.models import flows as fl

__all__ = [
    "PRESET_PREFIX",
    "RULE_PARAMETERS",
    "USER_TYPE_LABELS",
    "annualise",
    "forbidden_mask",
    "forbidden_tokens",
    "is_stricter",
    "origin_vs_serving",
    "preset_summary",
    "preset_values",
    "segment_outcomes",
    "solve_values",
    "summary",
    "telegraph_cut_reach",
    "welfare_band",
    "welfare_cost_usd_per_year",
]

PRESET_PREFIX = "sov-"
"""Scenario ids of data/scenarios.csv that are data-sovereignty presets start with this."""

RULE_PARAMETERS = ("forbid_model_origin", "forbid_serving_country", "require_domestic_serving")
"""The engine's parameters that act on edges (data-sovereignty rules)."""

USER_TYPE_LABELS = {
    "developers": "Individual developers",
    "enterprises": "Enterprises",
    "public_sector": "Public sector",
}
"""Readable names of the engine's user types."""


def annualise(per_week, weeks_per_year: float = sc.WEEKS_PER_YEAR):
    """A weekly figure as a yearly one: ``per_week`` x ``weeks_per_year`` (default: the engine's 52).

    Works on numbers, numpy arrays and pandas objects; the unit goes from
    "per week" to "per year".
    """
    if weeks_per_year <= 0:
        raise ValueError(f"weeks_per_year must be positive, got {weeks_per_year}")
    return per_week * weeks_per_year


def preset_values(scenarios: pd.DataFrame, prefix: str = PRESET_PREFIX) -> dict[str, dict]:
    """Raw parameter values of every preset whose id starts with ``prefix``.

    ``scenarios`` is the long table ``data/scenarios.csv``; returns
    ``{scenario_id: {parameter: raw value}}`` in file order, description
    included, ready to be merged with a reader's overrides and passed to
    :func:`tokenpower.engine.validate_scenario`.
    """
    rows = scenarios[scenarios["scenario_id"].str.startswith(prefix)]
    if rows.empty:
        raise ValueError(f"no scenario id starts with {prefix!r}")
    return {
        sid: dict(zip(g["parameter"], g["value"], strict=False))
        for sid, g in rows.groupby("scenario_id", sort=False)
    }


def solve_values(
    market: sc.Market, scenario: str, values: dict, overrides: dict | None = None
) -> sc.Solution:
    """Validate ``values`` (raw, as in the CSV) with ``overrides`` on top, and solve.

    ``overrides`` are the reader's settings (e.g. the share of Chinese-model
    tokens served in China); a preset's own rules are kept.  Returns the
    engine's :class:`~tokenpower.engine.Solution`.
    """
    params = sc.validate_scenario(market, scenario, {**(overrides or {}), **values})
    return sc.solve(market, params, scenario)


def welfare_cost_usd_per_year(solution: sc.Solution) -> pd.DataFrame:
    """The welfare cost of a scenario to each segment, in US dollars per year.

    The cost is minus the engine's ``welfare_usd_per_week`` (the change in the
    logit log-sum over the price sensitivity, times the segment's tokens,
    against the unrestricted baseline), annualised with :func:`annualise`.
    Returns ``segment_id``, ``origin_region``, ``user_type``,
    ``cost_usd_per_week`` and ``cost_usd_per_year`` (positive: users lose).
    """
    seg = solution.segments[["segment_id", "origin_region", "user_type"]].copy()
    seg["cost_usd_per_week"] = 0.0 - solution.segments["welfare_usd_per_week"].to_numpy()
    seg["cost_usd_per_year"] = annualise(seg["cost_usd_per_week"])
    return seg


def segment_outcomes(solution: sc.Solution) -> pd.DataFrame:
    """Outcomes of a solved scenario by segment (origin region x user type).

    Returns one row per segment with ``segment_id``, ``origin_region``,
    ``user_type``, ``tokens`` (per week), ``chinese_model_share`` and
    ``cn_served_share`` (fractions of the segment's tokens),
    ``average_price_usd_per_m`` (USD per million tokens) and the welfare
    cost (``cost_usd_per_week``, ``cost_usd_per_year``).
    """
    table = sc.flow_table(solution)
    table["cn_model"] = np.where(table["model_origin"] == "CHN", table["tokens"], 0.0)
    table["cn_served"] = np.where(table["serving_country"] == "CHN", table["tokens"], 0.0)
    by = table.groupby("segment_id")[["tokens", "cn_model", "cn_served", "usd"]].sum()
    out = welfare_cost_usd_per_year(solution).set_index("segment_id")
    out = out.join(by, how="left").fillna(
        {"tokens": 0.0, "cn_model": 0.0, "cn_served": 0.0, "usd": 0.0}
    )
    tokens = out["tokens"].to_numpy()
    safe = np.where(tokens > 0, tokens, 1.0)
    out["chinese_model_share"] = np.where(tokens > 0, out["cn_model"] / safe, np.nan)
    out["cn_served_share"] = np.where(tokens > 0, out["cn_served"] / safe, np.nan)
    out["average_price_usd_per_m"] = np.where(tokens > 0, out["usd"] / safe * 1e6, np.nan)
    cols = [
        "origin_region",
        "user_type",
        "tokens",
        "chinese_model_share",
        "cn_served_share",
        "average_price_usd_per_m",
        "cost_usd_per_week",
        "cost_usd_per_year",
    ]
    return out[cols].reset_index()


def summary(solution: sc.Solution) -> dict:
    """Headline outcomes of one solved scenario, read from the engine's :func:`~tokenpower.engine.outcomes`.

    Returns ``chinese_model_share`` and ``cn_served_share`` (fractions of all
    tokens), ``exported_gwh_chn`` and ``exported_gwh_usa`` (GWh per year spent
    serving other regions' requests), ``cost_developers_usd_per_year``,
    ``cost_enterprises_usd_per_year``, ``cost_public_sector_usd_per_year`` and
    ``cost_usd_per_year`` (welfare cost, all regions), ``cost_share_of_bill``
    (that cost over the unrestricted bill), ``tokens_per_week`` (served),
    ``chinese_model_tokens_per_week`` and ``priced_out_tokens_per_week``
    (tokens no longer sent at all, against the unrestricted market).
    """
    out = sc.outcomes(solution, scope="platform").set_index(["measure", "key"])["value"]
    cost = welfare_cost_usd_per_year(solution)
    by_type = cost.groupby("user_type")["cost_usd_per_year"].sum()
    row = {
        "chinese_model_share": float(out.get(("token_share_model_origin", "CHN"), 0.0)),
        "cn_served_share": float(out.get(("token_share_serving_country", "CHN"), 0.0)),
        "exported_gwh_chn": float(out.get(("exported_electricity_gwh_per_year", "CHN"), 0.0)),
        "exported_gwh_usa": float(out.get(("exported_electricity_gwh_per_year", "USA"), 0.0)),
        "tokens_per_week": float(out[("tokens_per_week", "total")]),
        "priced_out_tokens_per_week": float(
            out[("unserved_or_priced_out_tokens_per_week", "total")]
        ),
        "cost_share_of_bill": float(-out[("welfare_change_share_of_bill", "total")]),
    }
    row["chinese_model_tokens_per_week"] = row["chinese_model_share"] * row["tokens_per_week"]
    for user_type in fl.USER_TYPES:
        row[f"cost_{user_type}_usd_per_year"] = float(by_type.get(user_type, 0.0))
    row["cost_usd_per_year"] = float(cost["cost_usd_per_year"].sum())
    return row


def preset_summary(
    market: sc.Market,
    presets: dict[str, dict],
    overrides: dict | None = None,
    baseline: str = "baseline",
) -> pd.DataFrame:
    """One row per preset (and a first row for the unrestricted ``baseline``) with :func:`summary`'s columns.

    ``presets`` maps scenario ids to raw values (:func:`preset_values`);
    ``overrides`` are applied to the baseline and to every preset, so all are
    compared on the same baseline.  Adds ``scenario`` and ``description``.
    """
    rows = []
    for sid, values in {baseline: {"description": "No restriction"}, **presets}.items():
        solution = solve_values(market, sid, values, overrides)
        rows.append(
            {"scenario": sid, "description": solution.params["description"], **summary(solution)}
        )
    return pd.DataFrame(rows)


def welfare_band(
    market: sc.Market,
    params: dict,
    draws: int = 1000,
    seed: int = 0,
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95),
) -> pd.DataFrame:
    """Quantiles of a scenario's outcomes over the engine's Monte Carlo draws of the uncertain parameters.

    Runs :func:`tokenpower.engine.monte_carlo` (``draws`` draws, ``seed``)
    and returns one row per quantile with ``quantile``, ``cost_usd_per_year``
    (welfare cost to all segments, annualised; the engine's Monte Carlo gives
    no per-segment welfare), ``chinese_model_share`` (fraction) and
    ``exported_gwh_chn`` (GWh per year).
    """
    mc = sc.monte_carlo(market, params, draws=draws, seed=seed)
    frame = pd.DataFrame(
        {
            "cost_usd_per_year": annualise(0.0 - mc["welfare_usd_per_week"]),
            "chinese_model_share": mc["chinese_model_share"],
            "exported_gwh_chn": mc["exported_gwh_per_year_chn"],
        }
    )
    table = frame.quantile(list(quantiles))
    return table.rename_axis("quantile").reset_index()


def forbidden_mask(market: sc.Market, params: dict, reference: dict) -> np.ndarray:
    """(segment, offering) pairs that ``reference`` allows and ``params`` forbids (12 x offerings booleans)."""
    return sc.allowed_matrix(market, reference) & ~sc.allowed_matrix(market, params)


def forbidden_tokens(solution: sc.Solution, mask: np.ndarray) -> float:
    """Tokens per week that flow, in ``solution``, on the pairs of ``mask`` (from :func:`forbidden_mask`)."""
    return float(solution.flows[mask].sum())


def is_stricter(market: sc.Market, strict: dict, loose: dict) -> bool:
    """True when every pair ``strict`` allows is also allowed by ``loose`` (``strict`` forbids at least as much)."""
    a, b = sc.allowed_matrix(market, strict), sc.allowed_matrix(market, loose)
    return bool(np.all(~a | b))


def origin_vs_serving(
    market: sc.Market,
    overrides: dict | None = None,
    region: str = "USA",
    user_type: str = "*",
    country: str = "CHN",
) -> pd.DataFrame:
    """Banning a model's origin against restricting where it is served, on the same baseline.

    Solves three scenarios with the same ``overrides``: no restriction; a ban
    on models made in ``country`` for the segments (``region``, ``user_type``)
    (``forbid_model_origin``); and a ban on requests of those segments served
    in ``country`` (``forbid_serving_country``).  Returns one row per policy
    (``policy``: baseline, origin ban, serving restriction) with
    :func:`summary`'s columns and the changes against the baseline
    (``d_chinese_model_share``, ``d_exported_gwh_chn``).
    """
    rule = f"{region}:{user_type}:{country}"
    policies = {
        "baseline": {},
        "origin ban": {"forbid_model_origin": rule},
        "serving restriction": {"forbid_serving_country": rule},
    }
    rows = [
        {"policy": name, **summary(solve_values(market, name, values, overrides))}
        for name, values in policies.items()
    ]
    table = pd.DataFrame(rows)
    table["d_chinese_model_share"] = (
        table["chinese_model_share"] - table.at[0, "chinese_model_share"]
    )
    table["d_exported_gwh_chn"] = table["exported_gwh_chn"] - table.at[0, "exported_gwh_chn"]
    return table


def telegraph_cut_reach(
    hubs: pd.DataFrame,
    cables: pd.DataFrame,
    owner: str = "DEU",
    year: int = 1914,
    sources: tuple[str, ...] = ("emden", "berlin"),
) -> dict:
    """What the 1914 cut left Germany: hubs reachable from ``sources`` before and after.

    Builds the ``year`` cable network (:func:`tokenpower.models.networks.cable_network`),
    removes the cables owned by ``owner`` that closed in ``year``
    (:func:`tokenpower.models.telegraph.cable_ids`) and counts reachable hubs
    (:func:`tokenpower.models.networks.reachable_by_continent`).  Returns ``hubs``
    (hubs of the network), ``before``, ``after`` (hubs reachable) and
    ``kept_share`` (after / before, a fraction).
    """
    from tokenpower.models.networks import cable_network, reachable_by_continent, without_cables
    from tokenpower.models.telegraph import cable_ids

    network = cable_network(hubs, cables, year)
    cut = without_cables(network, cable_ids(cables, owner=owner, closed=year))
    before = int(reachable_by_continent(network, sources)["reachable"].sum())
    after = int(reachable_by_continent(cut, sources)["reachable"].sum())
    return {
        "hubs": network.number_of_nodes(),
        "before": before,
        "after": after,
        "kept_share": after / before if before else float("nan"),
    }
