"""Tests of the scenario engine (tokenpower.engine).

The engine's properties are tested with
hypothesis: flow conservation, shares summing to one, the baseline coming
back exactly with no restriction and no capacity limit, a stricter chip ban
never lowering the affected country's cost, removing an allowed edge never
raising the flow on it, and determinism.  Expected values are computed here
from the data rows, not copied from the engine's output.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tokenpower import engine as sc
from tokenpower.data import load
from tokenpower.engine import choice as ch
from tokenpower.engine import core
from tokenpower.models import flows as fl

PROPERTY = settings(max_examples=25)


@pytest.fixture(scope="module")
def baseline(market):
    return sc.validate_scenario(market, "baseline", {})


def _volume(volume_id):
    v = load("openrouter_volumes")
    return float(v.loc[v["volume_id"] == volume_id, "tokens_t"].item()) * 1e12


def _assumption(key):
    a = load("assumptions")
    return float(a.loc[a["id"] == key, "value"].item())


def _share(out, measure, key):
    s = out[(out["measure"] == measure) & (out["key"] == key)]["value"]
    return float(s.item()) if len(s) else 0.0


# -- scenarios as data -------------------------------------------------------------


def test_every_preset_validates(market, tables):
    scenarios = sc.load_scenarios(market, tables["scenarios"])
    assert {
        "baseline",
        "baseline-cn-hosted-low",
        "baseline-cn-hosted-high",
        "cn-capacity-tight",
    } <= set(scenarios)
    assert scenarios["baseline-cn-hosted-low"]["share_cn_hosted_chinese_model_tokens"] == 0.2
    # every parameter is documented with a basis and a source
    params = tables["scenario_parameters"]
    assert params["basis"].isin(["source", "hypothesis", "label"]).all()
    assert params["source"].notna().all()
    assert set(scenarios["baseline"]) == set(params["parameter"])


def test_defaults_come_from_assumptions(baseline):
    for key in (
        "share_cn_hosted_chinese_model_tokens",
        "price_elasticity_offering",
        "nesting_parameter",
        "origin_share_europe",
        "output_token_fraction",
        "latency_sensitivity_per_100ms",
    ):
        assert baseline[key] == _assumption(key)
    # China's fleet has its headroom over the calibration week; the US fleet keeps pace
    assert baseline["capacity_factor_chn"] == _assumption("serving_capacity_headroom")
    assert baseline["capacity_factor_usa"] is None
    assert baseline["chip_rule_chn"] == "jan2026"
    assert baseline["accelerators_chn"] == ("h800", "h20", "ascend-910c")
    assert baseline["forbid_model_origin"] == ()


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"no_such_parameter": 1}, "no_such_parameter", "unknown parameter"),
        (
            {"share_cn_hosted_chinese_model_tokens": 1.5},
            "share_cn_hosted_chinese_model_tokens",
            "outside the valid range",
        ),
        ({"price_elasticity_offering": "cheap"}, "price_elasticity_offering", "not a number"),
        ({"nest_by": "vendor"}, "nest_by", "not one of model, origin"),
        ({"nesting_parameter": 0}, "nesting_parameter", "outside the valid range 0.05 to 1"),
        ({"scenario_year": 2027.5}, "scenario_year", "not a whole number"),
        ({"accelerators_chn": "h800;tpu-v9"}, "accelerators_chn", "unknown accelerator"),
        ({"smuggled_accelerators_chn": "h800"}, "smuggled_accelerators_chn", "both legal"),
        (
            {"user_share_enterprises": 0.8, "user_share_public_sector": 0.3},
            "user_share_public_sector",
            "exceed 1",
        ),
        ({"origin_share_europe": 0.6}, "origin_share_europe", "negative share"),
        ({"forbid_model_origin": "USA:public:CHN"}, "forbid_model_origin", "'public' is not"),
        ({"forbid_serving_country": "USA:CHN"}, "forbid_serving_country", "3 parts"),
        ({"require_domestic_serving": "EUR:*"}, "require_domestic_serving", "no allowed offering"),
        ({"forbid_model_origin": "*:*:CHN;*:*:USA"}, "forbid_model_origin", "no allowed offering"),
        ({"accelerators_usa": ""}, "accelerators_usa", "no accelerator is accessible"),
    ],
)
def test_invalid_scenarios_name_scenario_and_field(market, values, field, words):
    with pytest.raises(sc.ScenarioError) as info:
        sc.validate_scenario(market, "broken", values)
    message = str(info.value)
    assert message.startswith(f"scenario 'broken', field '{field}'")
    assert words in message
    assert info.value.scenario == "broken" and info.value.field == field


def test_a_parameter_set_twice_is_refused(market):
    rows = pd.DataFrame(
        {
            "scenario_id": ["twice", "twice"],
            "parameter": ["capacity_factor_chn"] * 2,
            "value": ["0.8", "0.9"],
        }
    )
    with pytest.raises(
        sc.ScenarioError, match="scenario 'twice', field 'capacity_factor_chn': set more than once"
    ):
        sc.load_scenarios(market, rows)


def test_a_teacher_adds_a_scenario_as_rows(market):
    rows = pd.DataFrame(
        {
            "scenario_id": ["eu-no-china"] * 2,
            "parameter": ["description", "forbid_serving_country"],
            "value": ["Europe may not send requests to China", "EUR:*:CHN"],
        }
    )
    params = sc.load_scenarios(market, rows)["eu-no-china"]
    out = sc.outcomes(sc.solve(market, params, "eu-no-china"), scope="platform")
    assert _share(out, "cross_border_tokens", "EUR->CHN") == 0.0
    assert _share(out, "cross_border_tokens", "EUR->USA") > 0


# -- calibration and the baseline ----------------------------------------------------


def test_baseline_reproduces_the_observed_volumes(market, baseline):
    solution = sc.solve(market, baseline, "baseline")
    by_model = sc.flow_table(solution).groupby("model_id")["tokens"].sum()
    assert by_model["minimax-m2.5"] == pytest.approx(
        _volume("or-top10-2026-02-week-m2.5"), rel=1e-9
    )
    assert by_model["deepseek-v3.2"] == pytest.approx(
        _volume("or-week-2026-02-28-deepseekv32"), rel=1e-9
    )
    out = sc.outcomes(solution, scope="platform")
    # the Chinese share is an output: the Chinese total of NBD's week over the top-10 total
    chinese = _volume("or-cnus-2026-02-16-cn") / _volume("or-top10-2026-02-week")
    assert _share(out, "token_share_model_origin", "CHN") == pytest.approx(chinese, rel=1e-9)
    s_cn = _assumption("share_cn_hosted_chinese_model_tokens")
    assert _share(out, "token_share_serving_country", "CHN") == pytest.approx(
        s_cn * chinese, rel=1e-9
    )
    # nothing is lost: not a dollar a year, not a token a week (of ~9 trillion)
    assert _share(out, "welfare_change_usd_per_year", "total") == pytest.approx(0.0, abs=1.0)
    assert _share(out, "unserved_or_priced_out_tokens_per_week", "total") < 1.0
    assert _share(out, "shadow_price_usd_per_m", "CHN") == 0.0


def test_segment_demand_follows_user_shares(market, baseline):
    seg = sc.solve(market, baseline).segments.set_index("segment_id")
    total = _volume("or-top10-2026-02-week")
    us_users = 0.4717  # openrouter_shares users-usa-2026-02
    dev = 1 - _assumption("user_share_enterprises") - _assumption("user_share_public_sector")
    assert seg.at["USA-developers", "base_tokens"] == pytest.approx(
        total * us_users * dev, rel=1e-9
    )
    assert seg["tokens"].sum() == pytest.approx(total, rel=1e-9)


def test_nested_calibration_on_a_three_offering_market():
    # one segment; offerings 0 and 1 are two hosts of one model (one nest), 2 another model
    base = np.array([[0.3, -0.2, -1.2]])
    group, nest_of_group = np.array([0, 1, 2]), np.array([0, 0, 1])
    delta, ok = ch.calibrate_constants(
        base, np.array([10.0]), group, nest_of_group, np.array([4.0, 3.0, 3.0]), 0.5
    )
    v = base[0] + delta
    # by hand: within nest 0, exp(v/0.5) splits 4:3; the nests split by exp(inclusive value)
    w = np.exp(v[:2] / 0.5)
    inclusive = np.array([0.5 * np.log(w.sum()), v[2]])
    p_nest = np.exp(inclusive) / np.exp(inclusive).sum()
    p = np.r_[p_nest[0] * w / w.sum(), p_nest[1]]
    assert bool(ok) and p * 10 == pytest.approx([4.0, 3.0, 3.0], rel=1e-9)
    delta, ok = ch.calibrate_constants(
        base, np.array([10.0]), group, nest_of_group, np.array([7.0, 0.0, 3.0]), 0.5
    )
    assert bool(ok) and np.isneginf(delta[1])


def test_the_price_coefficient_gives_the_observed_elasticity(market, baseline):
    # a numerical own-price derivative of every developer offering, weighted by tokens,
    # equals the elasticity the parameter declares (the engine uses the analytical formula)
    r = core.run(market, baseline)
    nest, _ = core.nests(market, baseline["nest_by"])
    lam = baseline["nesting_parameter"]
    dev = [i for i, s in enumerate(sc.market.segment_frame()["user_type"]) if s == "developers"]
    u, price = r.base_utility[0], r.list_price[0]
    p0, _, _ = ch.nested_logit(u, nest, lam)
    h = 1e-6
    weighted, tokens = 0.0, 0.0
    for o in range(u.shape[1]):
        bumped = u.copy()
        bumped[:, o] -= r.alpha[0][:, None][:, 0] * price[o] * h  # a 1e-6 relative price rise
        p1, _, _ = ch.nested_logit(bumped, nest, lam)
        for s in dev:
            if p0[s, o] > 0:
                e = (np.log(p1[s, o]) - np.log(p0[s, o])) / h
                weighted += e * p0[s, o] * r.base_tokens[0, s]
                tokens += p0[s, o] * r.base_tokens[0, s]
    assert -weighted / tokens == pytest.approx(baseline["price_elasticity_offering"], rel=1e-3)


def test_the_outside_share_gives_the_market_elasticity(market, baseline):
    # raising every price by 1e-4 (relative) lowers inside tokens by the market elasticity
    r = core.run(market, baseline)
    nest, _ = core.nests(market, baseline["nest_by"])
    lam = baseline["nesting_parameter"]
    h = 1e-4
    u = r.base_utility[0]
    p0, _, _ = ch.nested_logit(u, nest, lam)
    p1, _, _ = ch.nested_logit(u - r.alpha[0][:, None] * r.list_price[0][None] * h, nest, lam)
    q0 = (p0.sum(axis=1) * r.market_size[0]).sum()
    q1 = (p1.sum(axis=1) * r.market_size[0]).sum()
    assert (q0 - q1) / q0 / h == pytest.approx(baseline["price_elasticity_market"], rel=0.05)


# -- costs and chip bans ------------------------------------------------------------


def test_country_cost_by_hand(market):
    costs = market.costs
    row = costs[(costs["country"] == "CHN") & (costs["accelerator_id"] == "h800")].iloc[0]
    hours = 0.78 / row["m_input_per_hour"] + 0.22 / row["m_output_per_hour"]
    running = row["electricity_usd_per_hour"] + row["other_usd_per_hour"]
    got = sc.country_cost_usd_per_m(costs, "CHN", ["h800"], output_fraction=0.22)
    assert got["usd_per_m"] == pytest.approx((row["capital_usd_per_hour"] + running) * hours)
    assert got["kwh_per_m"] == pytest.approx(row["kwh_per_hour"] * hours, rel=1e-12)
    smuggled = sc.country_cost_usd_per_m(
        costs, "CHN", [], ["h800"], premium=0.5, output_fraction=0.22
    )
    assert smuggled["usd_per_m"] == pytest.approx(
        (1.5 * row["capital_usd_per_hour"] + running) * hours
    )
    assert np.isinf(sc.country_cost_usd_per_m(costs, "CHN", [])["usd_per_m"])


ACCELERATORS = ("h100-sxm", "h800", "h20", "h200", "b200", "ascend-910b", "ascend-910c")


@PROPERTY
@given(
    st.sets(st.sampled_from(ACCELERATORS), min_size=1),
    st.sets(st.sampled_from(ACCELERATORS), min_size=1),
    st.integers(2026, 2030),
    st.floats(2.0, 6.0),
    st.floats(0.05, 0.4),
    st.sampled_from(["central", "low", "high"]),
)
def test_property_stricter_custom_rule_never_raises_capacity_or_lowers_cost(
    market, allowed, removed, year, life, output_fraction, supply
):
    stricter = allowed - removed
    assume(stricter)
    common = {
        "chip_rule_chn": "custom",
        "scenario_year": year,
        "accelerator_service_life_years": life,
        "output_token_fraction": output_fraction,
        "chip_supply_chn": supply,
    }
    loose = sc.solve(
        market,
        sc.validate_scenario(
            market, "loose", common | {"accelerators_chn": ";".join(sorted(allowed))}
        ),
    )
    strict = sc.solve(
        market,
        sc.validate_scenario(
            market, "strict", common | {"accelerators_chn": ";".join(sorted(stricter))}
        ),
    )
    assert strict.capacity["CHN"] <= loose.capacity["CHN"] * (1 + 1e-12)
    assert strict.country_costs["CHN"]["usd_per_m"] >= loose.country_costs["CHN"]["usd_per_m"]


@pytest.mark.parametrize("year", [2026, 2027, 2028, 2029, 2030])
def test_a_total_ban_is_the_strictest_rule_in_every_year(market, year):
    out = {}
    for rule in ("none", "oct2022", "oct2023", "apr2025", "jan2026", "leaky", "total"):
        p = sc.validate_scenario(market, rule, {"chip_rule_chn": rule, "scenario_year": year})
        s = sc.solve(market, p)
        out[rule] = (s.result.capacity[0, 1], s.country_costs["CHN"]["usd_per_m"])
    for rule, (capacity, cost) in out.items():
        assert out["total"][0] <= capacity * (1 + 1e-12), rule
        assert out["total"][1] >= cost, rule
    # and none is the loosest
    assert all(out["none"][0] >= c * (1 - 1e-12) and out["none"][1] <= k for c, k in out.values())


def test_the_chip_rules_differ_by_2030_wherever_their_rows_differ(market, tables):
    rows = tables["chip_rules"].fillna(-1).sort_values(["rule_id", "accelerator_id"])
    signature = {
        r: tuple(
            map(tuple, g[["accelerator_id", "access", "fee_pct", "volume_cap_fraction"]].values)
        )
        for r, g in rows.groupby("rule_id")
    }
    seen = {}
    for rule in signature:
        p = sc.validate_scenario(market, rule, {"chip_rule_chn": rule, "scenario_year": 2030})
        s = sc.solve(market, p)
        seen[rule] = (
            round(s.capacity["CHN"] / 1e9, 3),
            round(s.country_costs["CHN"]["usd_per_m"], 9),
        )
    for a, b in itertools.combinations(signature, 2):
        assert (seen[a] == seen[b]) == (signature[a] == signature[b]), (a, b)


# -- properties of solved scenarios ----------------------------------------------------

RULES_MODEL = [
    f"{o}:{u}:{m}"
    for o, u, m in itertools.product(fl.ORIGIN_REGIONS + ("*",), fl.USER_TYPES, ("CHN", "USA"))
]
RULES_SERVING = [
    f"{o}:{u}:{c}"
    for o, u, c in itertools.product(fl.ORIGIN_REGIONS, fl.USER_TYPES + ("*",), ("CHN", "USA"))
]


@st.composite
def scenarios(draw, capacity=True, rules=True):
    values = {
        "share_cn_hosted_chinese_model_tokens": draw(st.floats(0.05, 0.95)),
        "price_elasticity_offering": draw(st.floats(0.1, 5.0)),
        "price_elasticity_market": draw(st.floats(0.01, 2.0)),
        "nesting_parameter": draw(st.floats(0.05, 1.0)),
        "nest_by": draw(st.sampled_from(["model", "origin"])),
        "latency_sensitivity_per_100ms": draw(st.floats(0.0, 1.5)),
        "origin_share_europe": draw(st.floats(0.05, 0.4)),
        "accelerators_chn": ";".join(draw(st.sets(st.sampled_from(ACCELERATORS), min_size=1))),
    }
    if rules:
        values["forbid_model_origin"] = ";".join(
            draw(st.lists(st.sampled_from(RULES_MODEL), max_size=3))
        )
        values["forbid_serving_country"] = ";".join(
            draw(st.lists(st.sampled_from(RULES_SERVING), max_size=3))
        )
    if not capacity:  # China's fleet far above demand: no shadow price can bind
        values["capacity_factor_chn"] = 100.0
    if capacity and draw(st.booleans()):
        values["capacity_factor_chn"] = draw(st.floats(0.05, 1.5))
        values["capacity_factor_usa"] = draw(st.floats(0.05, 2.0))
    return values


def _validated(market, values):
    try:
        return sc.validate_scenario(market, "drawn", values)
    except sc.ScenarioError:
        return None


@PROPERTY
@given(scenarios())
def test_property_flow_conservation_and_shares(market, values):
    params = _validated(market, values)
    assume(params is not None)
    solution = sc.solve(market, params, "drawn")
    assert solution.converged
    flows = sc.flow_table(solution)
    graph = fl.request_flow_network(flows)
    for attribute in ("tokens", "usd", "kwh"):
        scale = max(sum(d[attribute] for *_, d in graph.edges(data=True)), 1.0)
        assert (fl.inner_node_balance(graph, attribute).abs() <= 1e-9 * scale).all()
    out = sc.outcomes(solution, scope="platform")
    for measure in ("token_share_model_origin", "token_share_serving_country"):
        assert out.loc[out["measure"] == measure, "value"].sum() == pytest.approx(1.0, abs=1e-9)
    # nothing flows on a forbidden pair; served plus the outside good is the market
    assert (solution.flows[~solution.allowed] == 0).all()
    seg = solution.segments
    assert (seg["tokens"] <= seg["market_size"] * (1 + 1e-12)).all()


@PROPERTY
@given(
    st.lists(st.floats(-30, 30), min_size=4, max_size=4),
    st.lists(st.integers(0, 2), min_size=4, max_size=4),
    st.floats(0.05, 1.0),
)
def test_property_shares_sum_to_one_with_the_outside_good(utilities, nest, lam):
    nest = np.array(nest)
    assume(set(nest) == set(range(nest.max() + 1)))  # nests numbered 0..n-1, none empty
    p, log_sum, _ = ch.nested_logit(np.array([utilities]), nest, lam)
    outside = np.exp(-log_sum[0])  # the outside good's utility is 0
    assert p.sum() + outside == pytest.approx(1.0, rel=1e-12)
    assert (p >= 0).all()


@PROPERTY
@given(scenarios(capacity=False, rules=False))
def test_property_the_calibration_volumes_come_back(market, values):
    values.pop("accelerators_chn")  # the baseline's chips: prices are the calibration week's
    params = _validated(market, values)
    assume(params is not None)
    solution = sc.solve(market, params)
    got = (
        pd.Series(solution.flows.sum(axis=0), index=market.offerings["model_id"])
        .groupby(level=0)
        .sum()
    )
    expected = market.volumes.set_index("model_id")["tokens_t"] * 1e12
    assert (got / expected.loc[got.index] - 1).abs().max() < 1e-8
    assert solution.segments["welfare_usd_per_week"].abs().max() < 1e-3


@PROPERTY
@given(scenarios(capacity=False), st.sampled_from(RULES_MODEL + RULES_SERVING))
def test_property_removing_offerings_never_raises_welfare(market, values, rule):
    # without capacity limits, a segment that loses offerings is never better off
    before = _validated(market, values)
    field = "forbid_model_origin" if rule in RULES_MODEL else "forbid_serving_country"
    after = _validated(market, values | {field: ";".join(filter(None, [values[field], rule]))})
    assume(before is not None and after is not None)
    w0 = sc.solve(market, before).segments["welfare_usd_per_week"].to_numpy()
    w1 = sc.solve(market, after).segments["welfare_usd_per_week"].to_numpy()
    assert (w1 <= w0 + 1e-6 * (1 + np.abs(w0))).all()


@PROPERTY
@given(st.floats(0.05, 2.0), st.floats(0.05, 2.0), st.floats(0.05, 1.0))
def test_property_shadow_prices_are_zero_exactly_where_capacity_is_slack(market, k_chn, k_usa, lam):
    params = sc.validate_scenario(
        market,
        "cap",
        {"capacity_factor_chn": k_chn, "capacity_factor_usa": k_usa, "nesting_parameter": lam},
    )
    solution = sc.solve(market, params)
    assert solution.converged
    load = (
        pd.Series(solution.flows.sum(axis=0))
        .groupby(market.offerings["serving_country"].to_numpy())
        .sum()
    )
    for c in ("CHN", "USA"):
        cap, mu = solution.capacity[c], solution.shadow_prices[c]
        assert load[c] <= cap * (1 + 1e-8)
        if mu > 0:
            assert load[c] == pytest.approx(cap, rel=1e-6)
        if load[c] < cap * (1 - 1e-6):
            assert mu == 0


def test_a_binding_capacity_prices_tokens_out_and_costs_welfare(market):
    both = sc.validate_scenario(
        market, "half", {"capacity_factor_chn": 0.5, "capacity_factor_usa": 0.5}
    )
    out = sc.outcomes(sc.solve(market, both), scope="platform")
    # half of each country's calibration tokens can be served: half the demand is priced out
    total = _volume("or-top10-2026-02-week")
    assert _share(out, "tokens_per_week", "total") == pytest.approx(total / 2, rel=1e-6)
    assert _share(out, "unserved_or_priced_out_tokens_per_week", "total") == pytest.approx(
        total / 2, rel=1e-6
    )
    assert _share(out, "welfare_change_usd_per_year", "total") < 0
    assert (
        _share(out, "shadow_price_usd_per_m", "CHN") > 0
        and _share(out, "shadow_price_usd_per_m", "USA") > 0
    )


def test_zero_capacity_serves_nothing(market):
    params = sc.validate_scenario(market, "no-china", {"capacity_factor_chn": 0})
    out = sc.outcomes(sc.solve(market, params), scope="platform")
    assert _share(out, "token_share_serving_country", "CHN") == 0.0
    assert _share(out, "welfare_change_usd_per_year", "total") < 0


def test_china_capacity_in_2026_is_the_headroom_over_the_calibration_week(market):
    base = sc.solve(market, sc.validate_scenario(market, "c", {"capacity_factor_chn": 1.3}))
    served = base.flows[:, (market.offerings["serving_country"] == "CHN").to_numpy()].sum()
    assert base.capacity["CHN"] == pytest.approx(1.3 * served, rel=1e-9)


def test_outcomes_cross_border_and_exported_electricity(market, baseline):
    solution = sc.solve(market, baseline)
    out = sc.outcomes(solution, scope="platform")
    table = sc.flow_table(solution)
    abroad = table[(table["serving_country"] == "CHN") & (table["origin_region"] != "CHN")]
    by_hand = (abroad["tokens"] / 1e6 * abroad["kwh_per_m"]).sum() * 52 / 1e6
    assert _share(out, "exported_electricity_gwh_per_year", "CHN") == pytest.approx(by_hand)
    assert _share(out, "cross_border_tokens", "CHN->CHN") == 0.0


@pytest.mark.parametrize(
    "values",
    [
        {},
        {"chip_rule_chn": "total", "scenario_year": 2029},
        {"forbid_model_origin": "USA:*:CHN", "forbid_serving_country": "EUR:*:CHN"},
        {"capacity_factor_chn": 0.6, "capacity_factor_usa": 0.9, "nest_by": "origin"},
    ],
    ids=["baseline", "ban", "sovereignty", "binding"],
)
def test_monte_carlo_draws_equal_single_solves(market, values):
    params = sc.validate_scenario(market, "mc", values)
    mc = sc.monte_carlo(market, params, draws=40, seed=3)
    assert mc["converged"].all()
    for i in (0, 17, 39):
        drawn = {k: float(mc.at[i, k]) for k in sc.UNCERTAIN}
        single = sc.outcomes(sc.solve(market, {**params, **drawn}), scope="platform")
        assert mc.at[i, "chinese_model_share"] == pytest.approx(
            _share(single, "token_share_model_origin", "CHN"), rel=1e-7
        )
        assert mc.at[i, "exported_gwh_per_year_chn"] == pytest.approx(
            _share(single, "exported_electricity_gwh_per_year", "CHN"), rel=1e-7, abs=1e-9
        )
        assert mc.at[i, "welfare_usd_per_year"] == pytest.approx(
            _share(single, "welfare_change_usd_per_year", "total"), rel=1e-6, abs=1e-2
        )


def test_monte_carlo_is_deterministic_and_draws_every_uncertain_parameter(market, baseline):
    a = sc.monte_carlo(market, baseline, draws=30, seed=7)
    b = sc.monte_carlo(market, baseline, draws=30, seed=7)
    pd.testing.assert_frame_equal(a, b)
    for name in sc.UNCERTAIN:
        spec = market.specs[name]
        assert a[name].between(spec["low"], spec["high"]).all() and a[name].nunique() > 1


def test_every_declared_range_end_solves(market):
    # each numeric parameter at both ends of its declared range, alone, solves and converges,
    # alone and in a small Monte Carlo
    specs = market.specs
    checked = 0
    for name, spec in specs.items():
        if spec["type"] not in ("number", "integer") or not np.isfinite(spec["min"]):
            continue
        for end in (spec["min"], spec["max"]):
            values = {name: end}
            if name == "fleet_growth_usa":
                values |= {"capacity_factor_usa": 1.0, "scenario_year": 2030}
            if name == "origin_share_europe" and end == spec["max"]:
                values[name] = 1 - market.user_share_usa - market.user_share_chn
            if name in ("user_share_enterprises", "user_share_public_sector") and end == 1:
                other = ({"user_share_enterprises", "user_share_public_sector"} - {name}).pop()
                values[other] = 0.0
            try:
                params = sc.validate_scenario(market, "end", values)
            except sc.ScenarioError as err:
                pytest.fail(f"{name}={end}: {err}")
            assert sc.solve(market, params).converged, f"{name}={end}"
            assert sc.monte_carlo(market, params, draws=8, seed=1)["converged"].all(), (
                f"{name}={end}"
            )
            checked += 1
    assert checked >= 40


def test_benchmark_rows():
    rows = sc.benchmark(repeats=1, draws=200)
    assert [r[0] for r in rows][:2] == ["one scenario solve", "one solve with binding capacity"]
