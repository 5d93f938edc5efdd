"""The explorable grid: the dials' mappings, the grid against direct engine runs, the chart's sliders.

Expected values are worked out here from the engine's public functions and
the data (export_controls / accelerator_export_status), never copied from
the module's own output.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenpower import engine as sc
from tokenpower.data import load
from tokenpower.policies import explore as ex

ALL = ("h100-sxm", "h800", "h20", "h200", "b200", "ascend-910b", "ascend-910c")


def _ids(joined: str) -> set[str]:
    return {a for a in joined.split(";") if a}


def test_no_ban_keeps_every_chip_legal_and_total_ban_only_domestic():
    none = ex.chip_ban_parameters(0.0)
    assert _ids(none["accelerators_chn"]) == set(ALL)
    assert none["smuggled_accelerators_chn"] == "" and none["smuggling_premium_chn"] == 0.0
    total = ex.chip_ban_parameters(1.0)
    assert _ids(total["accelerators_chn"]) == {"ascend-910b", "ascend-910c"}
    assert total["smuggled_accelerators_chn"] == ""


def test_the_ladder_follows_the_rules_in_accelerator_export_status():
    status = load("accelerator_export_status")
    status = status[status["destination"] == "CHN"]
    caught = status[status["status"].isin(["licence-required", "presumption-of-denial"])]
    banned_so_far = set()
    for _threshold, ids, rule in ex.BAN_LADDER:
        # each rule named by the ladder exists, and the chips the status table says it caught are banned
        # at its step or earlier (the H200 and B200 also fail the Oct-2022 interconnect test)
        assert rule in set(load("export_controls")["rule_id"])
        banned_so_far |= set(ids)
        listed = set(caught.loc[caught["rule_id"] == rule, "accelerator_id"]) & set(ALL)
        assert listed and listed <= banned_so_far, (rule, listed, banned_so_far)
    # the H20 step comes after the H800 step, which comes after the H100 step
    step = {a: t for t, ids, _ in ex.BAN_LADDER for a in ids}
    assert step["h100-sxm"] < step["h800"] < step["h20"]
    # domestic chips are never banned
    assert not set(ex.DOMESTIC_CHN) & set(step)


def test_severity_between_steps_leaks_banned_chips_at_a_rising_premium():
    p = ex.chip_ban_parameters(0.5, max_premium=2.0)
    assert _ids(p["smuggled_accelerators_chn"]) == {"h100-sxm", "h200", "b200", "h800"}
    assert _ids(p["accelerators_chn"]) == {"h20", "ascend-910b", "ascend-910c"}
    assert p["smuggling_premium_chn"] == pytest.approx(1.0)


@pytest.mark.parametrize("bad", [-0.1, 1.1, float("nan")])
def test_dials_outside_zero_one_are_refused_by_name(bad):
    with pytest.raises(ValueError, match="severity"):
        ex.chip_ban_parameters(bad)
    with pytest.raises(ValueError, match="strictness"):
        ex.sovereignty_parameters(bad)


@settings(max_examples=60)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 5))
def test_property_stricter_is_a_superset(a, b, premium):
    lo, hi = sorted((a, b))
    p_lo, p_hi = ex.chip_ban_parameters(lo, premium), ex.chip_ban_parameters(hi, premium)
    # a stricter ban leaves a subset legal and never a lower premium
    assert _ids(p_hi["accelerators_chn"]) <= _ids(p_lo["accelerators_chn"])
    assert p_hi["smuggling_premium_chn"] >= p_lo["smuggling_premium_chn"]
    s_lo, s_hi = ex.sovereignty_parameters(lo), ex.sovereignty_parameters(hi)
    for name in s_lo:
        assert _ids(s_lo[name]) <= _ids(s_hi[name])


@settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.floats(0, 1), st.floats(0, 1), st.floats(0, 5))
def test_property_more_severe_never_lowers_chinas_cost(market, a, b, premium):
    lo, hi = sorted((a, b))
    costs = []
    for s in (lo, hi):
        p = ex.chip_ban_parameters(s, premium)
        costs.append(
            sc.country_cost_usd_per_m(
                market.costs,
                "CHN",
                _ids(p["accelerators_chn"]),
                _ids(p["smuggled_accelerators_chn"]),
                p["smuggling_premium_chn"],
            )["usd_per_m"]
        )
    assert costs[1] >= costs[0] - 1e-15


def test_every_grid_point_is_a_valid_scenario(market):
    dial = np.linspace(0, 1, ex.GRID_STEPS)
    for s in dial:
        for t in dial:
            sc.validate_scenario(market, "t", ex.scenario_values(s, t))


@pytest.fixture(scope="module")
def grid(market):
    return ex.grid_outcomes(market, steps=3)


def test_grid_matches_direct_engine_runs_at_sampled_points(market, grid):
    assert len(grid) == 9
    for s, t in [(0.0, 0.0), (0.5, 1.0), (1.0, 0.5)]:
        values = {**ex.chip_ban_parameters(s), **ex.sovereignty_parameters(t)}
        solution = sc.solve(market, sc.validate_scenario(market, "direct", values))
        out = sc.outcomes(solution, scope="platform")
        share = out[out["measure"] == "token_share_model_origin"].set_index("key")["value"]
        served = out[out["measure"] == "token_share_serving_country"].set_index("key")["value"]
        exported = out[out["measure"] == "exported_electricity_gwh_per_year"].set_index("key")[
            "value"
        ]
        row = grid[(grid["severity"] == s) & (grid["strictness"] == t)].iloc[0]
        assert row["chinese_model_share"] == pytest.approx(share["CHN"], rel=1e-9)
        assert row["cn_served_share"] == pytest.approx(served.get("CHN", 0.0), abs=1e-12)
        assert row["exported_gwh_chn"] == pytest.approx(
            exported.get("CHN", 0.0), rel=1e-9, abs=1e-12
        )
        assert row["exported_gwh_usa"] == pytest.approx(
            exported.get("USA", 0.0), rel=1e-9, abs=1e-12
        )
        legal = values["accelerators_chn"].split(";")
        # grey-market chips arrive in a capped share: they add capacity but do not set the price
        cost = sc.country_cost_usd_per_m(
            market.costs, "CHN", legal, output_fraction=solution.params["output_token_fraction"]
        )
        assert row["cost_usd_per_m_chn"] == pytest.approx(cost["usd_per_m"] * 37.0, rel=1e-12)
        # price gap: spend over tokens by model origin, from the flow table
        ft = sc.flow_table(solution)
        us = ft[ft["model_origin"] == "USA"]
        cn = ft[ft["model_origin"] == "CHN"]
        assert row["price_gap"] == pytest.approx(
            (us["usd"].sum() / us["tokens"].sum()) / (cn["usd"].sum() / cn["tokens"].sum()),
            rel=1e-9,
        )


def test_grid_shares_are_fractions_and_cost_rises_with_severity(grid):
    assert (
        grid[["chinese_model_share", "cn_served_share"]]
        .apply(lambda c: c.between(0, 1))
        .all()
        .all()
    )
    for _, block in grid.groupby("strictness"):
        assert block.sort_values("severity")["cost_usd_per_m_chn"].is_monotonic_increasing


def test_the_chart_has_two_sliders_over_the_grid(grid):
    spec = ex.explorable_chart(grid).to_dict()
    params = {p["name"]: p for p in spec["params"]}
    assert set(params) == {"severity", "strictness"}
    for p in params.values():
        assert p["bind"]["input"] == "range" and p["bind"]["min"] == 0 and p["bind"]["max"] == 1
        assert p["bind"]["step"] == pytest.approx(0.5)
    # both panels filter on both params
    for panel in spec["vconcat"]:
        expr = " ".join(t["filter"] for t in panel["transform"] if "filter" in t)
        assert "severity" in expr and "strictness" in expr
    # the data embedded are the grid's rows: 2 share outcomes and 2 countries per point
    rows = sum(len(v) for v in spec["datasets"].values())
    assert rows == 4 * len(grid)
