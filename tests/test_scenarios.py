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
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tokenpower.data import load
from tokenpower import engine as sc
from tokenpower.models import flows as fl

PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


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
        "price_sensitivity_developers",
        "origin_share_europe",
        "output_token_fraction",
        "latency_sensitivity_per_100ms",
    ):
        assert baseline[key] == _assumption(key)
    assert baseline["capacity_factor_chn"] is None and baseline["capacity_factor_usa"] is None
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
        ({"price_sensitivity_developers": "cheap"}, "price_sensitivity_developers", "not a number"),
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
    out = sc.outcomes(sc.solve(market, params, "eu-no-china"))
    assert _share(out, "cross_border_tokens", "EUR->CHN") == 0.0
    assert _share(out, "cross_border_tokens", "EUR->USA") > 0


# -- calibration and the baseline ----------------------------------------------------


def test_baseline_reproduces_the_observed_volumes(market, baseline):
    solution = sc.solve(market, baseline, "baseline")
    flows = sc.flow_table(solution)
    by_model = flows.groupby("model_id")["tokens"].sum()
    assert by_model["minimax-m2.5"] == pytest.approx(
        _volume("or-top10-2026-02-week-m2.5"), rel=1e-9
    )
    assert by_model["gemini-3-flash-preview"] == pytest.approx(
        _volume("or-week-2026-02-28-gemini3flash"), rel=1e-9
    )
    assert by_model["deepseek-v3.2"] == pytest.approx(
        _volume("or-week-2026-02-28-deepseekv32"), rel=1e-9
    )
    out = sc.outcomes(solution)
    # the Chinese share is an output: the Chinese total of NBD's week over the top-10 total
    chinese = _volume("or-cnus-2026-02-16-cn") / _volume("or-top10-2026-02-week")
    assert _share(out, "token_share_model_origin", "CHN") == pytest.approx(chinese, rel=1e-9)
    # served in China: the hosting share of the Chinese models' tokens
    s_cn = _assumption("share_cn_hosted_chinese_model_tokens")
    assert _share(out, "token_share_serving_country", "CHN") == pytest.approx(
        s_cn * chinese, rel=1e-9
    )
    assert _share(out, "welfare_change_usd_per_week", "total") == 0.0
    assert _share(out, "rerouted_tokens", "total") == 0.0
    assert _share(out, "unserved_tokens", "total") == 0.0


def test_segment_demand_follows_user_shares(market, baseline):
    seg = sc.solve(market, baseline).segments.set_index("segment_id")
    total = _volume("or-top10-2026-02-week")
    us_users = 0.4717  # openrouter_shares users-usa-2026-02
    dev = 1 - _assumption("user_share_enterprises") - _assumption("user_share_public_sector")
    assert seg.at["USA-developers", "tokens"] == pytest.approx(total * us_users * dev, rel=1e-9)
    assert seg["tokens"].sum() == pytest.approx(total, rel=1e-12)


def test_calibrate_constants_on_a_two_offering_market():
    # one segment, two groups: the constants must give the targets whatever the utilities
    base = np.array([[0.3, -1.2]])
    delta = sc.calibrate_constants(base, np.array([10.0]), np.array([0, 1]), np.array([7.0, 3.0]))
    p = np.exp(base[0] + delta) / np.exp(base[0] + delta).sum()
    assert p * 10 == pytest.approx([7.0, 3.0], rel=1e-12)
    # a zero target gets a -inf constant and no flow
    delta = sc.calibrate_constants(base, np.array([10.0]), np.array([0, 1]), np.array([10.0, 0.0]))
    assert np.isneginf(delta[1])


# -- costs and chip bans ------------------------------------------------------------


def test_country_cost_by_hand(market):
    costs = market.costs
    row = costs[(costs["country"] == "CHN") & (costs["accelerator_id"] == "h800")].iloc[0]
    hours = 0.78 / row["m_input_per_hour"] + 0.22 / row["m_output_per_hour"]
    by_hand = (
        row["capital_usd_per_hour"] + row["electricity_usd_per_hour"] + row["other_usd_per_hour"]
    ) * hours
    got = sc.country_cost_usd_per_m(costs, "CHN", ["h800"], output_fraction=0.22)
    assert got["usd_per_m"] == pytest.approx(by_hand, rel=1e-12)
    assert got["kwh_per_m"] == pytest.approx(row["kwh_per_hour"] * hours, rel=1e-12)
    smuggled = sc.country_cost_usd_per_m(
        costs, "CHN", [], ["h800"], premium=0.5, output_fraction=0.22
    )
    assert smuggled["usd_per_m"] == pytest.approx(
        (
            1.5 * row["capital_usd_per_hour"]
            + row["electricity_usd_per_hour"]
            + row["other_usd_per_hour"]
        )
        * hours
    )
    assert np.isinf(sc.country_cost_usd_per_m(costs, "CHN", [])["usd_per_m"])


ACCELERATORS = ("h100-sxm", "h800", "h20", "h200", "b200", "ascend-910b", "ascend-910c")


@PROPERTY
@given(
    st.sets(st.sampled_from(ACCELERATORS), min_size=1),
    st.sets(st.sampled_from(ACCELERATORS)),
    st.floats(0, 3),
    st.floats(0, 3),
    st.floats(0.05, 0.4),
)
def test_property_stricter_ban_never_lowers_cost(
    market, allowed, removed, premium, extra, output_fraction
):
    stricter = allowed - removed
    loose = sc.country_cost_usd_per_m(
        market.costs, "CHN", allowed, output_fraction=output_fraction
    )["usd_per_m"]
    strict = sc.country_cost_usd_per_m(
        market.costs, "CHN", stricter, output_fraction=output_fraction
    )["usd_per_m"]
    assert strict >= loose
    # moving chips from legal to smuggled, or raising the premium, never lowers the cost either
    legal_only = sc.country_cost_usd_per_m(
        market.costs, "CHN", stricter, removed & allowed, premium, output_fraction=output_fraction
    )["usd_per_m"]
    assert loose <= legal_only <= strict
    dearer = sc.country_cost_usd_per_m(
        market.costs,
        "CHN",
        stricter,
        removed & allowed,
        premium + extra,
        output_fraction=output_fraction,
    )["usd_per_m"]
    assert dearer >= legal_only


def test_stricter_ban_raises_china_prices_in_the_engine(market, baseline):
    loose = sc.solve(market, baseline).offerings
    ban = sc.validate_scenario(market, "ban", {"accelerators_chn": "ascend-910c"})
    strict = sc.solve(market, ban).offerings
    cn = loose["serving_country"] == "CHN"
    assert (strict.loc[cn, "cost_usd_per_m"] >= loose.loc[cn, "cost_usd_per_m"] - 1e-12).all()
    assert (strict.loc[cn, "price_usd_per_m"] > loose.loc[cn, "price_usd_per_m"]).all()
    assert (strict.loc[~cn, "price_usd_per_m"] == loose.loc[~cn, "price_usd_per_m"]).all()


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
def scenarios(draw, capacity=True):
    values = {
        "share_cn_hosted_chinese_model_tokens": draw(st.floats(0.0, 1.0)),
        "price_sensitivity_developers": draw(st.floats(0.05, 4.0)),
        "price_sensitivity_enterprises": draw(st.floats(0.05, 2.0)),
        "latency_sensitivity_per_100ms": draw(st.floats(0.0, 1.5)),
        "origin_share_europe": draw(st.floats(0.05, 0.4)),
        "accelerators_chn": ";".join(draw(st.sets(st.sampled_from(ACCELERATORS), min_size=1))),
        "forbid_model_origin": ";".join(draw(st.lists(st.sampled_from(RULES_MODEL), max_size=3))),
        "forbid_serving_country": ";".join(
            draw(st.lists(st.sampled_from(RULES_SERVING), max_size=3))
        ),
    }
    if capacity and draw(st.booleans()):
        values["capacity_factor_chn"] = draw(st.floats(0.3, 1.5))
        values["capacity_factor_usa"] = draw(st.floats(0.9, 2.0))
    return values


def _valid(market, values):
    try:
        params = sc.validate_scenario(market, "drawn", values)
        sc.solve(market, params, "drawn")
        return params
    except sc.ScenarioError:
        return None


@PROPERTY
@given(scenarios())
def test_property_flow_conservation_and_shares(market, values):
    params = _valid(market, values)
    if params is None:
        return
    solution = sc.solve(market, params, "drawn")
    flows = sc.flow_table(solution)
    graph = fl.request_flow_network(flows)
    total = flows["tokens"].sum()
    for attribute in ("tokens", "usd", "kwh"):
        scale = max(sum(d[attribute] for *_, d in graph.edges(data=True)), 1.0)
        assert (fl.inner_node_balance(graph, attribute).abs() <= 1e-9 * scale).all()
    # every token demanded is served or counted as unserved
    seg = solution.segments
    assert total + seg["unserved_tokens"].sum() == pytest.approx(seg["tokens"].sum(), rel=1e-9)
    out = sc.outcomes(solution)
    for measure in ("token_share_model_origin", "token_share_serving_country"):
        assert out.loc[out["measure"] == measure, "value"].sum() == pytest.approx(1.0, abs=1e-12)
    # nothing flows on a forbidden pair, and no capacity is exceeded
    assert (solution.flows[~solution.allowed] == 0).all()
    country = solution.offerings["serving_country"].to_numpy()
    for c, cap in solution.capacity.items():
        assert solution.flows[:, country == c].sum() <= cap * (1 + 1e-9) + 1e3 * len(seg)
    assert (seg["welfare_usd_per_week"] <= 1e-6 * seg["tokens"]).all() or (
        solution.offerings["price_usd_per_m"] < solution.offerings["list_price_usd_per_m"]
    ).any()


@PROPERTY
@given(
    st.floats(0.0, 1.0),
    st.floats(0.01, 5.0),
    st.floats(0.01, 5.0),
    st.floats(0.01, 5.0),
    st.floats(0.0, 2.0),
    st.floats(0.0, 0.6),
    st.floats(0.0, 0.3),
    st.floats(0.05, 0.45),
    st.floats(1, 100),
)
def test_property_baseline_comes_back_exactly(
    market, s_cn, a_dev, a_ent, a_pub, beta, ent, pub, eur, unlisted
):
    params = sc.validate_scenario(
        market,
        "drawn",
        {
            "share_cn_hosted_chinese_model_tokens": s_cn,
            "price_sensitivity_developers": a_dev,
            "price_sensitivity_enterprises": a_ent,
            "price_sensitivity_public_sector": a_pub,
            "latency_sensitivity_per_100ms": beta,
            "user_share_enterprises": ent,
            "user_share_public_sector": pub,
            "origin_share_europe": eur,
            "active_params_unlisted_model_b": unlisted,
        },
    )
    flows = sc.flow_table(sc.solve(market, params))
    by_group = flows.groupby(["model_id", "serving_country"])["tokens"].sum()
    volumes = market.volumes.set_index("model_id")
    for model in volumes.index:
        observed = volumes.at[model, "tokens_t"] * 1e12
        assert by_group.loc[model].sum() == pytest.approx(observed, rel=1e-9)
        if volumes.at[model, "model_origin"] == "CHN":
            cn = by_group.get((model, "CHN"), 0.0)
            assert cn == pytest.approx(s_cn * observed, rel=1e-9, abs=1e-6 * observed)


@PROPERTY
@given(scenarios(), st.sampled_from(RULES_SERVING))
def test_property_removing_an_edge_never_raises_its_flow(market, values, rule):
    before = _valid(market, values)
    tightened = dict(
        values,
        forbid_serving_country=";".join(filter(None, [values["forbid_serving_country"], rule])),
    )
    after = _valid(market, tightened)
    if before is None or after is None:
        return
    s0, s1 = sc.solve(market, before), sc.solve(market, after)
    origin, user, country = rule.split(":")
    seg = s0.segments
    rows = (
        (seg["origin_region"] == origin) & ((seg["user_type"] == user) | (user == "*"))
    ).to_numpy()
    cols = (s0.offerings["serving_country"] == country).to_numpy()
    assert s1.flows[np.ix_(rows, cols)].sum() <= s0.flows[np.ix_(rows, cols)].sum() + 1e-6
    assert s1.flows[np.ix_(rows, cols)].sum() == 0.0
    if before["capacity_factor_chn"] is None and before["capacity_factor_usa"] is None:
        # without capacity limits the logit only moves the removed tokens onto what remains:
        # no other pair of the segment loses flow
        keep = s1.allowed & s0.allowed
        assert (s1.flows[keep] >= s0.flows[keep] * (1 - 1e-9) - 1e-6).all()
        # and nobody gains from losing an option
        assert (
            s1.segments["welfare_usd_per_week"] <= s0.segments["welfare_usd_per_week"] + 1e-6
        ).all()


@PROPERTY
@given(scenarios())
def test_property_deterministic(market, values):
    params = _valid(market, values)
    if params is None:
        return
    a, b = sc.solve(market, params, "x"), sc.solve(market, params, "x")
    assert np.array_equal(a.flows, b.flows)
    pd.testing.assert_frame_equal(sc.outcomes(a), sc.outcomes(b))


@PROPERTY
@given(
    st.lists(st.floats(-30, 30), min_size=6, max_size=6),
    st.lists(st.booleans(), min_size=6, max_size=6),
)
def test_property_logit_shares_sum_to_one(utilities, allowed):
    u = np.array(utilities).reshape(2, 3)
    mask = np.array(allowed).reshape(2, 3)
    p = sc.logit_shares(u, mask)
    assert (p[~mask] == 0).all()
    for row in range(2):
        assert p[row].sum() == pytest.approx(1.0 if mask[row].any() else 0.0, abs=1e-12)


# -- capacity ------------------------------------------------------------------------------


def test_capacity_reroute(market, tables):
    params = sc.load_scenarios(market, tables["scenarios"])["cn-capacity-tight"]
    solution = sc.solve(market, params, "cn-capacity-tight")
    country = solution.offerings["serving_country"].to_numpy()
    cn_logit = solution.logit_flows[:, country == "CHN"].sum()
    cn_final = solution.flows[:, country == "CHN"].sum()
    s_cn = _assumption("share_cn_hosted_chinese_model_tokens")
    base_cn = s_cn * _volume("or-cnus-2026-02-16-cn")
    assert solution.capacity["CHN"] == pytest.approx(0.8 * base_cn, rel=1e-9)
    assert cn_logit == pytest.approx(
        base_cn, rel=1e-9
    )  # no price change: the logit wants the baseline
    assert cn_final <= solution.capacity["CHN"] * (1 + 1e-9)
    assert cn_final == pytest.approx(solution.capacity["CHN"], rel=1e-6)
    assert solution.flows.sum() == pytest.approx(solution.segments["tokens"].sum(), rel=1e-9)
    assert solution.rerouted_tokens == pytest.approx(0.2 * base_cn, rel=1e-4)
    assert solution.segments["welfare_usd_per_week"].sum() < 0
    # the displaced tokens stay with their models (other hosts of the same open-weight model)
    models = solution.offerings["model_id"].to_numpy()
    for m in set(models):
        assert solution.flows[:, models == m].sum() == pytest.approx(
            solution.logit_flows[:, models == m].sum(), rel=1e-6
        )


def test_zero_capacity_serves_nothing(market):
    params = sc.validate_scenario(market, "no-china", {"capacity_factor_chn": 0})
    solution = sc.solve(market, params)
    country = solution.offerings["serving_country"].to_numpy()
    assert solution.flows[:, country == "CHN"].sum() == 0.0
    assert solution.flows.sum() == pytest.approx(solution.segments["tokens"].sum(), rel=1e-9)


def test_fleet_growth_adds_capacity(market):
    grow = sc.validate_scenario(
        market, "g", {"capacity_factor_chn": 0.8, "fleet_growth_chn": 0.5, "scenario_year": 2028}
    )
    solution = sc.solve(market, grow)
    base_cn = _assumption("share_cn_hosted_chinese_model_tokens") * _volume("or-cnus-2026-02-16-cn")
    # same accelerators as the baseline, so new chips serve as many tokens per GPU-hour
    assert solution.capacity["CHN"] == pytest.approx(0.8 * base_cn * 1.5**2, rel=1e-9)


# -- outcomes, Monte Carlo, speed -------------------------------------------------------------


def test_outcomes_cross_border_and_exported_electricity(market, baseline):
    solution = sc.solve(market, baseline)
    flows = sc.flow_table(solution)
    out = sc.outcomes(solution)
    foreign_cn = flows[(flows["serving_country"] == "CHN") & (flows["origin_region"] != "CHN")]
    assert _share(out, "exported_electricity_gwh_per_year", "CHN") == pytest.approx(
        foreign_cn["kwh"].sum() * 52 / 1e6
    )
    usa_chn = flows[(flows["origin_region"] == "USA") & (flows["serving_country"] == "CHN")]
    assert _share(out, "cross_border_usd", "USA->CHN") == pytest.approx(
        (usa_chn["tokens"] / 1e6 * usa_chn["price_usd_per_m"]).sum()
    )
    bills = out[(out["measure"] == "bill_usd_per_week") & (out["key"] != "total")]["value"].sum()
    assert bills == pytest.approx(_share(out, "bill_usd_per_week", "total"))
    choke = out[out["measure"] == "chokepoint"].iloc[0]
    assert choke["key"] in {"serving:USA", "serving:CHN", "host:other-us-first-party"}


def test_monte_carlo(market, baseline):
    a = sc.monte_carlo(market, baseline, draws=300, seed=1)
    b = sc.monte_carlo(market, baseline, draws=300, seed=1)
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 300
    spec = market.specs["share_cn_hosted_chinese_model_tokens"]
    assert a["share_cn_hosted_chinese_model_tokens"].between(spec["low"], spec["high"]).all()
    chinese = _volume("or-cnus-2026-02-16-cn") / _volume("or-top10-2026-02-week")
    assert np.allclose(a["chinese_model_share"], chinese, rtol=1e-9)
    assert np.allclose(
        a["cn_served_share"], a["share_cn_hosted_chinese_model_tokens"] * chinese, rtol=1e-8
    )
    # the vectorised draws agree with one-at-a-time solves
    row = a.iloc[7]
    one = sc.solve(market, {**baseline, **{k: float(row[k]) for k in sc.UNCERTAIN}})
    out = sc.outcomes(one)
    assert row["exported_gwh_per_year_chn"] == pytest.approx(
        _share(out, "exported_electricity_gwh_per_year", "CHN"), rel=1e-9
    )
    assert row["bill_usd_per_week"] == pytest.approx(
        _share(out, "bill_usd_per_week", "total"), rel=1e-9
    )


def test_benchmark_rows(market):
    rows = sc.benchmark(repeats=1, draws=200)
    assert [r[0] for r in rows][0] == "one scenario solve"
    assert all(len(r) == 3 and all(isinstance(x, str) for x in r) for r in rows)


def test_a_segment_left_only_uncalibrated_offerings_is_refused(market):
    # with no Chinese-model token served in China, a segment barred from US serving has nothing it would use
    params = sc.validate_scenario(
        market,
        "stranded",
        {"share_cn_hosted_chinese_model_tokens": 0.0, "forbid_serving_country": "EUR:*:USA"},
    )
    with pytest.raises(
        sc.ScenarioError, match="scenario 'stranded', field 'share_cn_hosted_chinese_model_tokens'"
    ):
        sc.solve(market, params, "stranded")


def test_monte_carlo_with_capacity_matches_single_solves(market):
    params = sc.validate_scenario(
        market, "tight", {"capacity_factor_chn": 0.8, "capacity_factor_usa": 1.2}
    )
    draws = sc.monte_carlo(market, params, draws=6, seed=3)
    for i in (0, 4):
        row = draws.iloc[i]
        one = sc.outcomes(sc.solve(market, {**params, **{k: float(row[k]) for k in sc.UNCERTAIN}}))
        assert row["exported_gwh_per_year_chn"] == pytest.approx(
            _share(one, "exported_electricity_gwh_per_year", "CHN"), rel=1e-9
        )
        assert row["welfare_usd_per_week"] == pytest.approx(
            _share(one, "welfare_change_usd_per_week", "total"), rel=1e-9
        )
        assert row["welfare_usd_per_week"] < 0  # every draw is short of capacity in China
