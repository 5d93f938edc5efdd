"""Tests of the data-sovereignty layer (tokenpower.policies.sovereignty) and its presets.

Expected values are worked out here from the data, the engine's flow table or
by hand arithmetic, never copied from the functions' own output.
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
from tokenpower.models import flows as fl
from tokenpower.policies import sovereignty as sv

PROPERTY = settings(max_examples=20)


@pytest.fixture(scope="module")
def presets(tables):
    return sv.preset_values(tables["scenarios"])


@pytest.fixture(scope="module")
def validated(market, tables):
    return {
        sid: p
        for sid, p in sc.load_scenarios(market, tables["scenarios"]).items()
        if sid.startswith(sv.PRESET_PREFIX)
    }


@pytest.fixture(scope="module")
def solutions(market, validated):
    out = {sid: sc.solve(market, p, sid) for sid, p in validated.items()}
    out["baseline"] = sc.solve(market, sc.validate_scenario(market, "baseline", {}), "baseline")
    return out


# -- the presets as data -----------------------------------------------------------

EXPECTED_PRESETS = {
    "sov-gov-device-bans",
    "sov-no-adversarial-ai",
    "sov-gdpr-no-adequacy",
    "sov-china-outbound",
    "sov-real-rules",
    "sov-us-origin-ban",
    "sov-us-serving-ban",
}


def test_every_preset_loads_and_validates_with_the_engine(validated, presets):
    assert set(validated) == EXPECTED_PRESETS
    assert list(presets) == list(validated)  # same presets, same order as the engine reads them
    for sid, params in validated.items():
        assert any(params[r] for r in sv.RULE_PARAMETERS), f"{sid} sets no sovereignty rule"
        assert params["description"]


def test_every_preset_row_names_a_source_or_is_marked_a_hypothesis(tables):
    rows = tables["scenarios"][tables["scenarios"]["scenario_id"].str.startswith(sv.PRESET_PREFIX)]
    sources = set(load("sources")["id"])
    rule_rows = rows[rows["parameter"] != "description"]
    assert not rule_rows.empty
    for row in rule_rows.itertuples():
        assert row.source == "book-assumption" or row.source in sources, row
        if row.source == "book-assumption":
            assert row.confidence == "low" and "ypothe" in row.note, row
    # the real rules cite the sovereignty_rules' own sources
    rule_sources = set(load("sovereignty_rules")["source"])
    real = rule_rows[~rule_rows["scenario_id"].isin(["sov-us-origin-ban", "sov-us-serving-ban"])]
    assert set(real["source"]) <= rule_sources


def test_preset_outcomes_have_shares_summing_to_one(solutions):
    for sid, solution in solutions.items():
        out = sc.outcomes(solution)
        for measure in ("token_share_model_origin", "token_share_serving_country"):
            assert out.loc[out["measure"] == measure, "value"].sum() == pytest.approx(
                1.0, abs=1e-12
            ), (sid, measure)
        seg = sv.segment_outcomes(solution)
        assert seg["tokens"].sum() == pytest.approx(solution.flows.sum(), rel=1e-12)
        assert (
            seg["chinese_model_share"].between(0, 1).all()
            and seg["cn_served_share"].between(0, 1).all()
        )


def test_each_preset_leaves_no_flow_on_what_it_forbids(market, validated, solutions):
    base = solutions["baseline"]
    for sid, params in validated.items():
        mask = sv.forbidden_mask(market, params, base.params)
        assert mask.any(), sid
        assert sv.forbidden_tokens(base, mask) > 0, sid  # the baseline used those edges
        assert sv.forbidden_tokens(solutions[sid], mask) == 0.0, sid


# nestings that follow from the rules as written in the CSV (not from the engine)
NESTED = [
    ("sov-gov-device-bans", "sov-no-adversarial-ai"),
    ("sov-real-rules", "sov-gov-device-bans"),
    ("sov-real-rules", "sov-gdpr-no-adequacy"),
    ("sov-real-rules", "sov-china-outbound"),
    ("sov-us-origin-ban", "sov-no-adversarial-ai"),
]


def test_is_stricter_finds_the_nestings_of_the_rules(market, validated):
    for strict, loose in NESTED:
        assert sv.is_stricter(market, validated[strict], validated[loose]), (strict, loose)
        assert not sv.is_stricter(market, validated[loose], validated[strict]), (loose, strict)
    assert not sv.is_stricter(
        market, validated["sov-gdpr-no-adequacy"], validated["sov-china-outbound"]
    )


def test_a_preset_that_forbids_more_never_raises_the_forbidden_flow(market, validated, solutions):
    base = solutions["baseline"].params
    pairs = 0
    for a, b in itertools.permutations(validated, 2):
        if not sv.is_stricter(market, validated[b], validated[a]):
            continue
        pairs += 1
        mask = sv.forbidden_mask(market, validated[b], base)
        assert np.all(solutions[b].flows[mask] <= solutions[a].flows[mask] + 1e-6), (a, b)
        assert sv.forbidden_tokens(solutions[b], mask) <= sv.forbidden_tokens(solutions[a], mask)
        # the stricter preset costs at least as much in every segment
        ca = sv.welfare_cost_usd_per_year(solutions[a])["cost_usd_per_year"].to_numpy()
        cb = sv.welfare_cost_usd_per_year(solutions[b])["cost_usd_per_year"].to_numpy()
        assert np.all(cb >= ca - 1e-6), (a, b)
    assert pairs >= len(NESTED)


# -- random rule sets --------------------------------------------------------------

ORIGINS = st.sampled_from(("*",) + fl.ORIGIN_REGIONS)
TYPES = st.sampled_from(("*",) + fl.USER_TYPES)
COUNTRIES = st.sampled_from(fl.SERVING_COUNTRIES)
RULE = st.one_of(
    st.tuples(st.just("forbid_model_origin"), ORIGINS, TYPES, COUNTRIES).map(
        lambda t: (t[0], ":".join(t[1:]))
    ),
    st.tuples(st.just("forbid_serving_country"), ORIGINS, TYPES, COUNTRIES).map(
        lambda t: (t[0], ":".join(t[1:]))
    ),
    st.tuples(st.just("require_domestic_serving"), st.sampled_from(("USA", "CHN")), TYPES).map(
        lambda t: (t[0], ":".join(t[1:]))
    ),
)


def _values(rules) -> dict:
    out = {}
    for name, rule in rules:
        out.setdefault(name, []).append(rule)
    return {name: ";".join(sorted(set(r))) for name, r in out.items()}


def _try(market, name, rules):
    try:
        return sc.validate_scenario(market, name, _values(rules))
    except sc.ScenarioError:
        return None


@PROPERTY
@given(loose=st.lists(RULE, max_size=3), extra=st.lists(RULE, min_size=1, max_size=2))
def test_adding_rules_never_raises_the_forbidden_flow_and_costs_are_non_negative(
    market, loose, extra
):
    a = _try(market, "loose", loose)
    b = _try(market, "strict", loose + extra)
    assume(a is not None and b is not None)
    base = sc.validate_scenario(market, "baseline", {})
    assert sv.is_stricter(market, b, a)
    sa, sb = sc.solve(market, a), sc.solve(market, b)
    mask = sv.forbidden_mask(market, b, base)
    assert np.all(sb.flows[mask] == 0.0)
    assert np.all(sb.flows[mask] <= sa.flows[mask] + 1e-6)
    for solution in (sa, sb):  # a pure restriction: nobody gains
        assert (sv.welfare_cost_usd_per_year(solution)["cost_usd_per_year"] >= -1e-6).all()


@PROPERTY
@given(rules=st.lists(RULE, min_size=1, max_size=4), share=st.floats(0.2, 0.9))
def test_welfare_cost_is_non_negative_for_a_pure_restriction(market, rules, share):
    params = _try(market, "rules", rules)
    assume(params is not None)
    # China's fleet far above demand, so no shadow price binds: a restriction only takes options away
    params = {**params, "share_cn_hosted_chinese_model_tokens": share, "capacity_factor_chn": 100.0}
    cost = sv.welfare_cost_usd_per_year(sc.solve(market, params))
    assert (cost["cost_usd_per_week"] >= -1e-6).all()
    # a segment no rule touches loses nothing
    untouched = sc.allowed_matrix(market, params).all(axis=1)
    assert np.allclose(cost.loc[untouched, "cost_usd_per_week"], 0.0, atol=1e-6)


# -- annualisation -----------------------------------------------------------------


def test_annualise_weekly_figures_by_hand():
    assert sv.annualise(1_000.0) == 52_000.0  # 52 weeks, the engine's convention
    assert sv.annualise(174_253.81) == pytest.approx(9_061_198.12)  # 174,253.81 x 52
    assert sv.annualise(7.0, weeks_per_year=365 / 7) == pytest.approx(365.0)  # a day a day
    assert list(sv.annualise(pd.Series([1.0, 2.5]))) == [52.0, 130.0]
    with pytest.raises(ValueError, match="weeks_per_year"):
        sv.annualise(1.0, weeks_per_year=0)


def test_welfare_cost_per_year_is_the_weekly_loss_times_52(solutions):
    solution = solutions["sov-no-adversarial-ai"]
    cost = sv.welfare_cost_usd_per_year(solution).set_index("segment_id")
    weekly = solution.segments.set_index("segment_id")["welfare_usd_per_week"]
    assert cost.at["USA-public_sector", "cost_usd_per_year"] == pytest.approx(
        -weekly["USA-public_sector"] * 52
    )
    assert cost.at["USA-public_sector", "cost_usd_per_year"] > 0
    others = cost.drop(index="USA-public_sector")["cost_usd_per_year"]
    assert (others == 0.0).all()  # the rule binds only the US public sector; no -0.0 either
    assert not np.signbit(others).any()


# -- summaries ---------------------------------------------------------------------


def test_summary_matches_the_flow_table(solutions):
    solution = solutions["sov-real-rules"]
    flows = sc.flow_table(solution)
    total = flows["tokens"].sum()
    row = sv.summary(solution)
    assert row["chinese_model_share"] == pytest.approx(
        flows.loc[flows["model_origin"] == "CHN", "tokens"].sum() / total
    )
    assert row["cn_served_share"] == pytest.approx(
        flows.loc[flows["serving_country"] == "CHN", "tokens"].sum() / total
    )
    foreign_cn = flows[(flows["serving_country"] == "CHN") & (flows["origin_region"] != "CHN")]
    assert row["exported_gwh_chn"] == pytest.approx(foreign_cn["kwh"].sum() * 52 / 1e6)
    by_type = sum(row[f"cost_{u}_usd_per_year"] for u in fl.USER_TYPES)
    assert row["cost_usd_per_year"] == pytest.approx(by_type)


def test_segment_outcomes_under_the_no_adversarial_ai_act(solutions):
    seg = sv.segment_outcomes(solutions["sov-no-adversarial-ai"]).set_index("segment_id")
    assert seg.at["USA-public_sector", "chinese_model_share"] == 0.0
    base = sv.segment_outcomes(solutions["baseline"]).set_index("segment_id")
    assert base.at["USA-public_sector", "chinese_model_share"] > 0
    # without capacity limits, segments no rule touches choose exactly as before
    untouched = seg.index != "USA-public_sector"
    assert np.allclose(
        seg.loc[untouched, "chinese_model_share"], base.loc[untouched, "chinese_model_share"]
    )


def test_preset_summary_compares_every_preset_on_one_baseline(market, presets):
    table = sv.preset_summary(
        market, presets, overrides={"share_cn_hosted_chinese_model_tokens": 0.8}
    )
    assert list(table["scenario"]) == ["baseline", *presets]
    base = sc.solve(
        market, sc.validate_scenario(market, "b", {"share_cn_hosted_chinese_model_tokens": 0.8})
    )
    flows = sc.flow_table(base)
    served_cn = flows.loc[flows["serving_country"] == "CHN", "tokens"].sum() / flows["tokens"].sum()
    assert table.at[0, "cn_served_share"] == pytest.approx(served_cn)
    assert table.at[0, "cost_usd_per_year"] == 0.0
    assert (table["cost_usd_per_year"].iloc[1:] > 0).all()


# -- origin ban against serving restriction ----------------------------------------


@pytest.mark.parametrize("share", [0.2, 0.5, 0.9])
def test_origin_ban_and_serving_restriction_on_the_same_baseline(market, share):
    overrides = {"share_cn_hosted_chinese_model_tokens": share}
    table = sv.origin_vs_serving(market, overrides).set_index("policy")
    base = sc.solve(market, sc.validate_scenario(market, "b", overrides))
    flows = sc.flow_table(base)
    # the baseline row is the unrestricted solve with the same settings
    assert table.at["baseline", "chinese_model_share"] == pytest.approx(
        flows.loc[flows["model_origin"] == "CHN", "tokens"].sum() / flows["tokens"].sum()
    )
    # every offering served in China is a Chinese-made model, so the serving ban forbids a subset of the origin ban
    off = market.offerings
    assert (off.loc[off["serving_country"] == "CHN", "model_origin"] == "CHN").all()
    origin, serving = table.loc["origin ban"], table.loc["serving restriction"]
    assert (
        origin["chinese_model_share"]
        < serving["chinese_model_share"]
        < table.at["baseline", "chinese_model_share"]
    )
    # both remove exactly the US requests served in China from China's exported electricity
    us_to_cn = (
        flows[(flows["origin_region"] == "USA") & (flows["serving_country"] == "CHN")]["kwh"].sum()
        * 52
        / 1e6
    )
    for row in (origin, serving):
        assert row["d_exported_gwh_chn"] == pytest.approx(-us_to_cn, rel=1e-9)
        assert row["exported_gwh_usa"] == pytest.approx(table.at["baseline", "exported_gwh_usa"])
    assert origin["cost_usd_per_year"] > serving["cost_usd_per_year"] > 0


# -- the 1914 lesson ---------------------------------------------------------------


def test_telegraph_cut_leaves_germany_only_emden_and_berlin():
    hubs, cables = load("telegraph_hubs"), load("telegraph_cables")
    reach = sv.telegraph_cut_reach(hubs, cables)
    assert reach["before"] == reach["hubs"]  # the 1914 network is connected
    assert reach["after"] == 2  # Emden and Berlin reach only each other (chapter 1)
    assert reach["kept_share"] == pytest.approx(2 / reach["hubs"])


def test_welfare_band_brackets_the_central_solve_and_annualises(market, validated):
    params = validated["sov-us-origin-ban"]
    band = sv.welfare_band(market, params, draws=300, seed=1).set_index("quantile")
    mc = sc.monte_carlo(market, params, draws=300, seed=1)
    assert band.at[0.5, "cost_usd_per_year"] == pytest.approx(
        float(np.median(-mc["welfare_usd_per_week"])) * 52
    )
    assert (
        band.at[0.05, "cost_usd_per_year"]
        <= band.at[0.5, "cost_usd_per_year"]
        <= band.at[0.95, "cost_usd_per_year"]
    )
    assert band["cost_usd_per_year"].min() > 0  # a ban costs something in every draw's tails
    central = sv.summary(sc.solve(market, params))
    assert (
        band.at[0.05, "chinese_model_share"]
        <= central["chinese_model_share"]
        <= band.at[0.95, "chinese_model_share"]
    )
