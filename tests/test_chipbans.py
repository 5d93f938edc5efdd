"""Chip-ban presets, paths, breakeven, sensitivity and the Bitcoin relocation speed.

Every preset of data/scenarios.csv must load, validate and solve into
outcomes that keep the engine's properties; the breakeven is tested on
functions whose answer is known by construction; the Bitcoin speed is
worked out by hand from btc_network_hashrate.csv.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower import engine as sc
from tokenpower.data import load
from tokenpower.models import flows as fl
from tokenpower.models import mining
from tokenpower.policies import chipbans as cb


@pytest.fixture(scope="module")
def presets(market, tables):
    return cb.presets(sc.load_scenarios(market, tables["scenarios"]))


EXPECTED = {
    "chipban-none",
    "chipban-oct2022",
    "chipban-oct2023",
    "chipban-apr2025",
    "chipban-jan2026",
    "chipban-total",
    "chipban-leaky",
}


def test_every_preset_is_in_the_file_with_a_description_and_sourced_rows(tables):
    rows = tables["scenarios"]
    rows = rows[rows["scenario_id"].str.startswith(cb.PRESET_PREFIX)]
    assert set(rows["scenario_id"]) == EXPECTED
    assert (rows.groupby("scenario_id")["parameter"].apply(lambda p: "description" in set(p))).all()
    sources = set(load("sources")["id"])
    assert rows["source"].isin(sources).all()
    # the real rules cite the sources of their export_controls rows
    controls = load("export_controls").set_index("rule_id")["source"]
    cited = rows[rows["parameter"] != "description"].groupby("scenario_id")["source"].apply(set)
    assert controls["ec-2022-10-07"] in cited["chipban-oct2022"]
    assert controls["ec-2023-10-17"] in cited["chipban-oct2023"]
    assert controls["ec-2025-04-09"] in cited["chipban-apr2025"]
    assert controls["ec-2026-01-15"] in cited["chipban-jan2026"]


def test_presets_name_their_rule_and_the_rules_follow_the_status_table(presets, tables):
    assert {sid: p["chip_rule_chn"] for sid, p in presets.items()} == {
        sid: sid.removeprefix("chipban-") for sid in EXPECTED
    }
    status = load("accelerator_export_status")
    rules = tables["chip_rules"].set_index(["rule_id", "accelerator_id"])
    # the Oct-2023 rule: nothing legal that the status table marks as licence-required by mid-2024
    at = (
        status[status["date_from"] <= pd.Timestamp("2024-06-30")]
        .groupby("accelerator_id")["status"]
        .last()
    )
    legal = [a for (r, a), row in rules.iterrows() if r == "oct2023" and row["access"] == "legal"]
    assert all(at.get(a, "allowed") in ("allowed", "domestic") for a in legal)
    assert rules.at[("oct2023", "h800"), "access"] != "legal"
    assert rules.at[("apr2025", "h20"), "access"] != "legal"
    # Jan 2026: the H200 licensed against the 25 % revenue share of ec-2025-12-08
    assert rules.at[("jan2026", "h200"), "access"] == "licensed"
    assert rules.at[("jan2026", "h200"), "fee_pct"] == pytest.approx(
        load("export_controls").set_index("rule_id").at["ec-2025-12-08", "revenue_share_pct"]
    )


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_each_preset_solves_with_conserved_flows_and_shares_summing_to_one(market, presets, sid):
    solution = sc.solve(market, presets[sid], sid)
    flows = sc.flow_table(solution)
    graph = fl.request_flow_network(flows)
    for attribute in ("tokens", "usd", "kwh"):
        scale = max(sum(d[attribute] for *_, d in graph.edges(data=True)), 1.0)
        assert (fl.inner_node_balance(graph, attribute).abs() <= 1e-9 * scale).all()
    out = sc.outcomes(solution)
    for measure in ("token_share_model_origin", "token_share_serving_country"):
        assert out.loc[out["measure"] == measure, "value"].sum() == pytest.approx(1.0, abs=1e-12)
    assert flows["tokens"].sum() == pytest.approx(solution.segments["tokens"].sum(), rel=1e-9)


def test_presets_cost_order_follows_the_rules(market, presets):
    cost = {
        sid: sc.solve(market, p).country_costs["CHN"]["usd_per_m"] for sid, p in presets.items()
    }
    # each real rule up to Apr 2025 takes chips away, so the cost never falls
    assert (
        cost["chipban-none"]
        <= cost["chipban-oct2022"]
        <= cost["chipban-oct2023"]
        <= cost["chipban-apr2025"]
    )
    # nothing is dearer than domestic chips only, and a leak (capped) does not set the price
    assert cost["chipban-total"] == max(cost.values())
    assert cost["chipban-leaky"] == cost["chipban-total"]
    # the total ban's cost is the cheaper Ascend, worked out one chip at a time
    one_by_one = min(
        sc.country_cost_usd_per_m(market.costs, "CHN", [a])["usd_per_m"]
        for a in ("ascend-910b", "ascend-910c")
    )
    assert cost["chipban-total"] == pytest.approx(one_by_one, rel=1e-12)


# -- years ------------------------------------------------------------------------


def test_year_parameters_set_demand_growth_headroom_and_fleets(market, presets):
    p = cb.year_parameters(market, presets["chipban-total"], 2029, 1.0, 1.2)
    assert p["capacity_factor_chn"] == 1.2 and p["capacity_factor_usa"] == 1.2
    assert p["demand_growth_per_year"] == 1.0
    assert p["fleet_growth_usa"] == 1.0 and p["scenario_year"] == 2029
    with pytest.raises(ValueError, match="year"):
        cb.year_parameters(market, presets["chipban-total"], 2031, 1.0, 1.2)


def test_path_capacity_by_hand(market, presets, tables):
    """China's capacity in 2028 under a total ban: headroom x 2026 load x the fleet's tokens per hour ratio."""
    g, h = 1.0, 1.2
    point = cb.path_point(market, presets["chipban-total"], 2028, g, h)
    base = sc.solve(market, presets["chipban-jan2026"])
    served_cn = base.flows[:, (base.offerings["serving_country"] == "CHN").to_numpy()].sum()
    f = presets["chipban-total"]["output_token_fraction"]
    hours = {
        a: sc.country_cost_usd_per_m(market.costs, "CHN", [a], output_fraction=f)["gpu_hours_per_m"]
        for a in set(market.costs["accelerator_id"])
    }
    installed = tables["china_fleet"]
    supply = tables["chip_supply"]

    def tokens_per_hour(year, added):
        # service life 5 years: a vintage v serves at the start of `year` while year - v < 5
        units = installed[year - installed["vintage_year"] < 5]
        total = sum(
            u / hours[a] for a, u in zip(units["accelerator_id"], units["units"], strict=True)
        )
        new = supply[(supply["year"] < year) & supply["accelerator_id"].isin(added)]
        return total + sum(
            u / hours[a] for a, u in zip(new["accelerator_id"], new["units"], strict=True)
        )

    ratio = tokens_per_hour(2028, ["ascend-910b", "ascend-910c"]) / tokens_per_hour(2026, [])
    assert point["capacity_chn_t_per_week"] == pytest.approx(h * served_cn * ratio / 1e12, rel=1e-6)


def test_with_no_controls_nothing_binds_and_tokens_grow_with_demand(market, presets):
    paths = cb.preset_paths(
        market, {"chipban-none": presets["chipban-none"]}, 1.0, 1.2, years=(2026, 2030)
    ).set_index("year")
    assert (paths["rerouted_share"] < 1e-9).all() and (paths["shadow_price_chn"] == 0).all()
    assert (paths["priced_out_share"] < 1e-9).all()


def test_a_total_ban_moves_serving_more_than_models(market, presets):
    paths = cb.preset_paths(
        market, {k: presets[k] for k in ("chipban-none", "chipban-total")}, 1.0, 1.2, years=(2030,)
    ).set_index("scenario")
    served = paths["cn_served_share"]
    made = paths["chinese_model_share"]
    assert served["chipban-total"] < served["chipban-none"] - 0.02
    assert (
        made["chipban-none"] - made["chipban-total"]
        < served["chipban-none"] - served["chipban-total"]
    )
    assert paths.at["chipban-total", "shadow_price_chn"] > 0


def test_the_seven_presets_differ_by_2030_and_stricter_rules_leave_less_capacity(market, presets):
    paths = cb.preset_paths(market, presets, 1.0, 1.2, years=(2030,)).set_index("scenario")
    capacity = paths["capacity_chn_t_per_week"]
    # every preset is a different fleet by 2030
    assert capacity.round(6).nunique() == len(EXPECTED)
    # the order read off data/chip_rules.csv: each real rule up to Apr 2025 takes chips away;
    # Jan 2026 licenses the H20 (whole supply) and the H200 (half) where Apr 2025 left both
    # grey (a tenth); the leaky ban leaves three tenths of every US chip, the total ban none
    order = ["chipban-none", "chipban-oct2022", "chipban-oct2023", "chipban-apr2025"]
    assert list(capacity[order]) == sorted(capacity[order], reverse=True)
    assert capacity["chipban-jan2026"] > capacity["chipban-apr2025"]
    assert capacity["chipban-leaky"] > capacity["chipban-apr2025"]
    assert capacity["chipban-total"] == capacity.min()
    # less capacity, less of the tokens served in China
    served = paths["cn_served_share"]
    assert served["chipban-total"] == served.min() and served["chipban-none"] == served.max()


# -- breakeven --------------------------------------------------------------------


@settings(max_examples=100)
@given(st.floats(0.01, 0.99), st.floats(0.1, 10))
def test_breakeven_of_a_known_line(root, slope):
    """outcome(x) = slope x (root - x) reaches 0 at x = root by construction."""
    x = cb.breakeven(lambda v: slope * (root - v), 0.0, 0.0, 1.0, tol=1e-6)
    assert x == pytest.approx(root, abs=2e-6)


def test_breakeven_of_a_step_and_when_it_cannot_be_reached():
    step = lambda v: 1.0 if v < 0.4 else -1.0  # noqa: E731
    assert cb.breakeven(step, 0.0, 0.0, 1.0, tol=1e-6) == pytest.approx(0.4, abs=2e-6)
    assert cb.breakeven(lambda v: 5.0 - v, 1.0, 0.0, 2.0) is None
    assert cb.breakeven(lambda v: -1.0, 0.0, 0.0, 1.0) == 0.0
    with pytest.raises(ValueError):
        cb.breakeven(step, 0.0, 1.0, 0.0)


def test_price_gap_falls_with_chinas_cost_but_not_to_one(market, presets):
    total = presets["chipban-total"]
    gaps = [cb.price_gap_at_multiplier(market, total, m) for m in (1.0, 4.0, 10.0)]
    assert gaps[0] > gaps[1] > gaps[2] > 1.0
    reasons = cb.gap_reasons(market, total)
    assert 0 < reasons["cn_models_served_abroad_share"] < 1
    assert reasons["us_price_usd_per_m"] / reasons["cn_price_usd_per_m"] == pytest.approx(
        gaps[0], rel=1e-9
    )


# -- sensitivity, Monte Carlo ---------------------------------------------------


def test_card_price_scales_capital_like_a_rebuild(market, tables):
    key = "accel_ascend_910c_price_usd"
    central = float(tables["assumptions"].set_index("id").at[key, "value"])
    fast = cb.with_card_price(market, "ascend-910c", 2 * central, central).costs
    slow = cb.market_with_assumptions(market, tables, {key: 2 * central}).costs
    cols = [
        "capital_usd_per_hour",
        "electricity_usd_per_hour",
        "other_usd_per_hour",
        "m_output_per_hour",
    ]
    pd.testing.assert_frame_equal(
        fast[cols].reset_index(drop=True), slow[cols].reset_index(drop=True), rtol=1e-9
    )
    with pytest.raises(ValueError, match="unknown assumption"):
        cb.market_with_assumptions(market, tables, {"no-such-row": 1.0})


def test_monte_carlo_path_is_ordered_and_deterministic(market, presets):
    a = cb.monte_carlo_path(
        market,
        presets["chipban-total"],
        (0.5, 1.0, 1.5),
        1.2,
        4,
        "cn_served_share",
        years=(2026, 2030),
        seed=3,
    )
    b = cb.monte_carlo_path(
        market,
        presets["chipban-total"],
        (0.5, 1.0, 1.5),
        1.2,
        4,
        "cn_served_share",
        years=(2026, 2030),
        seed=3,
    )
    pd.testing.assert_frame_equal(a, b)
    assert a["year"].tolist() == [2026, 2030]
    # the oracle: each draw solved on its own (the scalar solve, not the vectorised core), with
    # the year's parameters at the central growth and the draw's inputs, then numpy's quantiles
    draws = cb.path_draws(market, presets["chipban-total"], (0.5, 1.0, 1.5), 4, seed=3)
    for j, year in enumerate((2026, 2030)):
        shares = []
        for _, row in draws.iterrows():
            p = cb.year_parameters(market, presets["chipban-total"], year, 1.0, 1.2)
            s = sc.solve(market, p | {k: float(v) for k, v in row.items()})
            in_china = (s.offerings["serving_country"] == "CHN").to_numpy()
            shares.append(s.flows[:, in_china].sum() / s.flows.sum())
        expected = np.quantile(shares, [0.05, 0.5, 0.95])
        assert a.loc[j, ["q05", "q50", "q95"]].tolist() == pytest.approx(expected, rel=1e-6)
    assert (a["q95"] > a["q05"]).all()  # the draws move the outcome


def test_demand_growth_is_drawn_independently_of_the_engine_parameters(market, presets):
    # demand growth and the engine's first uncertain parameter were once drawn from two
    # generators seeded alike, a rank correlation of 1; independent draws of 400 have a rank
    # correlation with a standard error of 1 / sqrt(399) = 0.05
    d = cb.path_draws(market, presets["chipban-total"], (0.5, 1.0, 1.5), 400, seed=0)
    growth = "demand_growth_per_year"
    moving = [c for c in d.columns if c != growth and d[c].nunique() > 1]
    assert moving, "no engine parameter is uncertain"
    ranks = d.rank()
    for column in moving:
        assert abs(ranks[growth].corr(ranks[column])) < 0.2, column
    assert d[growth].between(0.5, 1.5).all()


# -- the Bitcoin lesson -----------------------------------------------------------


def test_bitcoin_relocation_speed_by_hand():
    h = load("btc_network_hashrate")
    h = h[(h["estimator"] == "7dma") & h["ehs"].notna()].set_index("date")["ehs"].sort_index()
    peak = h[h.index < "2021-06-01"].max()
    trough_date = h[h.index > h[h.index < "2021-06-01"].idxmax()].idxmin()
    rec = h[(h.index > trough_date) & (h >= peak)]
    days = (rec.index[0] - trough_date).days
    speed = cb.bitcoin_relocation(
        mining.recovery_time(
            mining.hashrate_series(load("btc_network_hashrate"), "7dma"), "2021-06-01"
        )
    )
    assert speed["days"] == days
    assert speed["drawdown"] == pytest.approx(1 - h[trough_date] / peak)
    assert (1 + speed["daily_growth"]) ** days == pytest.approx(rec.iloc[0] / h[trough_date])


def test_catch_up_days():
    assert cb.catch_up_days(0.0, 0.01) == 0.0
    # doubling at 1 % a day takes ln 2 / ln 1.01 = 69.66 days
    assert cb.catch_up_days(1.0, 0.01) == pytest.approx(math.log(2) / math.log(1.01))
    with pytest.raises(ValueError):
        cb.catch_up_days(0.5, 0.0)
