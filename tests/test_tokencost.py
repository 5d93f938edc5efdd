"""Tests of the token cost model (tokenpower.models.tokencost).

Expected values are worked out here by hand from published figures or from
the data tables, never copied from the functions' own output.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.data import load
from tokenpower.models.tokencost import (
    COST_INPUT_COLUMNS,
    accelerator_inputs,
    china_us_weekly,
    cost_inputs,
    decode_tokens_per_s_per_gpu,
    deepseek_anchor,
    deepseek_daily_check,
    first_party_prices,
    prefill_tokens_per_s_per_gpu,
    price_ratio,
    restricted_accelerators,
    sample_inputs,
    sensitivity,
    site_costs,
    token_cost,
)


@pytest.fixture(scope="module")
def measurements():
    return load("inference_measurements")


@pytest.fixture(scope="module")
def accel():
    return accelerator_inputs(load("accelerators"), load("accelerator_specs"), load("assumptions"))


def _row(**changes) -> pd.DataFrame:
    """A hand-made site: a $30,000 card, 700 W, 5 years, half the hours busy."""
    row = {
        "card_price_usd": 30000.0,
        "server_capex_factor": 1.0,
        "ban_premium": 0.0,
        "lifetime_years": 5.0,
        "utilisation": 0.5,
        "board_power_w": 700.0,
        "power_fraction": 0.7,
        "server_overhead": 1.5,
        "pue": 1.4,
        "electricity_usd_per_kwh": 0.06,
        "other_opex_usd_per_gpu_hour": 0.4,
        "input_tokens_per_s_per_gpu": 10000.0,
        "output_tokens_per_s_per_gpu": 2000.0,
    }
    row.update(changes)
    return pd.DataFrame([row])


# -- DeepSeek's published day (open-infra-index, day 6, 27-28 Feb 2025) ----------


def test_deepseek_cost_per_million_tokens_from_its_published_day(measurements):
    # Published: $87,072 per day for 608B input and 168B output tokens.
    expected = 87072 / (608e9 + 168e9) * 1e6  # = $0.1122 per million tokens
    check = deepseek_daily_check(measurements)
    assert check["usd_per_m_tokens"] == pytest.approx(expected, rel=1e-9)
    assert check["usd_per_m_tokens"] == pytest.approx(0.1122, abs=5e-5)
    assert check["output_fraction"] == pytest.approx(168 / 776)


def test_deepseek_daily_cost_is_the_lease_times_the_fleet(measurements):
    # 226.75 nodes x 8 GPUs x 24 h x $2 = $87,072: the published cost is a lease assumption.
    m = measurements.set_index("metric")["value"]
    assert 226.75 * 8 * 24 * 2 == pytest.approx(m["daily_cost_usd"])


def test_deepseek_node_rates_account_for_every_node_hour(measurements):
    # prefill: 608e9 / 73,700 / 3600 = 2,291.6 node-hours; decode: 168e9 / 14,800 / 3600 = 3,153.2
    implied = 608e9 / 73700 / 3600 + 168e9 / 14800 / 3600
    check = deepseek_daily_check(measurements)
    assert check["node_hours_implied"] == pytest.approx(implied)
    assert check["node_hours_reported"] == pytest.approx(226.75 * 24)
    assert abs(implied / (226.75 * 24) - 1) < 0.001
    # cost of a million output tokens: 8 GPUs x $2 / (14,800 tok/s x 3600 s) x 1e6
    assert check["usd_per_m_output"] == pytest.approx(16 / (14800 * 3600) * 1e6)
    assert check["usd_per_m_input"] == pytest.approx(16 / (73700 * 3600) * 1e6)


def test_the_model_at_deepseeks_lease_reproduces_deepseeks_cost(measurements, accel):
    # A GPU-hour costing exactly the $2 lease, at the anchor throughput, must give
    # the $87,072 / 776B tokens of the published day.
    anchor = deepseek_anchor(measurements, load("model_parameters"), accel)
    row = _row(
        card_price_usd=0.0,
        electricity_usd_per_kwh=0.0,
        utilisation=1.0,
        other_opex_usd_per_gpu_hour=2.0,
        input_tokens_per_s_per_gpu=anchor["input_tokens_per_s_per_gpu"],
        output_tokens_per_s_per_gpu=anchor["output_tokens_per_s_per_gpu"],
    )
    result = token_cost(row, output_fraction=168 / 776).iloc[0]
    assert result["usd_per_m_blended"] == pytest.approx(87072 / 776e3, rel=1e-3)


def test_anchor_is_per_gpu_of_the_h800_node(measurements, accel):
    anchor = deepseek_anchor(measurements, load("model_parameters"), accel)
    assert anchor["accelerator_id"] == "h800"
    assert anchor["output_tokens_per_s_per_gpu"] == pytest.approx(14800 / 8)
    assert anchor["input_tokens_per_s_per_gpu"] == pytest.approx(73700 / 8)
    assert anchor["active_params_b"] == 37  # DeepSeek-V3: 671B total, 37B active


# -- the cost terms by hand -----------------------------------------------------


def test_electricity_term_by_hand():
    # 700 W x 0.7 average draw x 1.5 server overhead x 1.4 PUE = 1.029 kWh per busy hour
    # 1.029 kWh x $0.06 = $0.06174 per busy hour
    result = token_cost(_row()).iloc[0]
    assert result["kwh_per_hour"] == pytest.approx(0.7 * 0.7 * 1.5 * 1.4)
    assert result["electricity_usd_per_hour"] == pytest.approx(0.06174)
    # per million output tokens: 2,000 tok/s = 7.2 M tokens per hour
    assert result["kwh_per_m_output"] == pytest.approx(1.029 / 7.2)


def test_capital_and_other_terms_by_hand():
    # $30,000 over 5 years x 8,760 h x 0.5 busy = $1.36986 per busy hour; $0.4 / 0.5 = $0.8
    result = token_cost(_row(server_capex_factor=1.8, ban_premium=0.25)).iloc[0]
    assert result["capital_usd_per_hour"] == pytest.approx(30000 * 1.8 * 1.25 / (5 * 8760 * 0.5))
    assert result["other_usd_per_hour"] == pytest.approx(0.8)
    total = 30000 * 1.8 * 1.25 / 21900 + 0.06174 + 0.8
    assert result["usd_per_m_output"] == pytest.approx(total / 7.2)
    assert result["usd_per_m_input"] == pytest.approx(total / 36.0)
    assert result["electricity_share"] == pytest.approx(0.06174 / total)


def test_token_cost_is_vectorised_over_many_draws():
    rng = np.random.default_rng(1)
    draws = pd.concat([_row()] * 1000, ignore_index=True)
    draws["electricity_usd_per_kwh"] = rng.uniform(0.02, 0.2, 1000)
    out = token_cost(draws)
    assert len(out) == 1000
    assert out["electricity_usd_per_hour"].to_numpy() == pytest.approx(
        1.029 * draws["electricity_usd_per_kwh"].to_numpy()
    )


def test_token_cost_names_missing_columns():
    with pytest.raises(KeyError, match="pue"):
        token_cost(_row().drop(columns="pue"))


# -- properties -----------------------------------------------------------------

positive = st.floats(min_value=0.01, max_value=100.0, allow_nan=False)
fraction = st.floats(min_value=0.05, max_value=1.0, allow_nan=False)


def _cost(**changes) -> float:
    return float(token_cost(_row(**changes)).iloc[0]["usd_per_m_blended"])


@given(low=st.floats(0.0, 1.0), step=st.floats(0.001, 1.0))
def test_cost_rises_with_electricity_price(low, step):
    assert _cost(electricity_usd_per_kwh=low + step) > _cost(electricity_usd_per_kwh=low)


@given(low=st.floats(1000, 100000), step=st.floats(10, 50000))
def test_cost_rises_with_chip_price(low, step):
    assert _cost(card_price_usd=low + step) > _cost(card_price_usd=low)


@given(low=st.floats(0.0, 3.0), step=st.floats(0.01, 3.0))
def test_cost_rises_with_a_ban_premium(low, step):
    assert _cost(ban_premium=low + step) > _cost(ban_premium=low)


@given(low=st.floats(0.05, 0.95), step=st.floats(0.01, 0.5))
def test_cost_falls_with_utilisation(low, step):
    high = min(1.0, low + step)
    assert _cost(utilisation=high) < _cost(utilisation=low)


@given(low=st.floats(1.0, 10.0), step=st.floats(0.1, 5.0))
def test_cost_falls_with_lifetime(low, step):
    assert _cost(lifetime_years=low + step) < _cost(lifetime_years=low)


@settings(max_examples=200)
@given(
    price=st.floats(0, 100000),
    power=st.floats(0, 2000),
    elec=st.floats(0, 1),
    util=fraction,
    other=st.floats(0, 5),
    premium=st.floats(0, 3),
    pue=st.floats(1.0, 3.0),
)
def test_electricity_share_is_between_zero_and_one(price, power, elec, util, other, premium, pue):
    share = token_cost(
        _row(
            card_price_usd=price,
            board_power_w=power,
            electricity_usd_per_kwh=elec,
            utilisation=util,
            other_opex_usd_per_gpu_hour=other + 0.01,
            ban_premium=premium,
            pue=pue,
        )
    ).iloc[0]["electricity_share"]
    assert 0.0 <= share <= 1.0


@given(active=positive, factor=st.floats(1.01, 50.0))
def test_throughput_scales_inversely_with_active_parameters(active, factor):
    base_out = decode_tokens_per_s_per_gpu(1850, 3.35, 37, 3.35, active)
    base_in = prefill_tokens_per_s_per_gpu(9212.5, 1979, 37, 1979, active)
    assert decode_tokens_per_s_per_gpu(1850, 3.35, 37, 3.35, active * factor) == pytest.approx(
        base_out / factor
    )
    assert prefill_tokens_per_s_per_gpu(9212.5, 1979, 37, 1979, active * factor) == pytest.approx(
        base_in / factor
    )


def test_throughput_scales_with_bandwidth_and_compute():
    # The H20 (4.0 TB/s, 296 FP8 TFLOPS) against the H800 anchor (3.35 TB/s, 1,979), same model
    assert decode_tokens_per_s_per_gpu(1850, 3.35, 37, 4.0, 37) == pytest.approx(1850 * 4.0 / 3.35)
    assert prefill_tokens_per_s_per_gpu(9212.5, 1979, 37, 296, 37) == pytest.approx(
        9212.5 * 296 / 1979
    )
    # MiniMax M2.5 (10B active) decodes 3.7x faster than a 37B-active model on the same chip
    assert decode_tokens_per_s_per_gpu(1850, 3.35, 37, 3.35, 10) == pytest.approx(1850 * 3.7)


# -- data assembly ----------------------------------------------------------------


def test_disputed_specs_become_ranges(accel):
    specs = load("accelerator_specs")
    table = accel.set_index("accelerator_id")
    h800_tdp = specs[(specs["accelerator_id"] == "h800") & (specs["spec"] == "tdp_w")]["value"]
    assert table.loc["h800", "board_power_w_low"] == h800_tdp.min() == 550
    assert table.loc["h800", "board_power_w_high"] == h800_tdp.max() == 700
    bw = specs[(specs["accelerator_id"] == "ascend-910b") & (specs["spec"] == "mem_bw_tbs")][
        "value"
    ]
    assert (
        table.loc["ascend-910b", "mem_bw_tbs_low"],
        table.loc["ascend-910b", "mem_bw_tbs_high"],
    ) == (bw.min(), bw.max())
    c_bw = specs[(specs["accelerator_id"] == "ascend-910c") & (specs["spec"] == "mem_bw_tbs")]
    assert table.loc["ascend-910c", "mem_bw_tbs_low"] == c_bw["value"].min() == 1.8
    assert table.loc["ascend-910c", "mem_bw_tbs_high"] == c_bw["value_high"].max() == 3.5


def test_compute_prefers_fp8_and_falls_back_to_16_bit(accel):
    table = accel.set_index("accelerator_id")
    assert (
        table.loc["h100-sxm", "tflops"] == 1979
        and table.loc["h100-sxm", "tflops_precision"] == "FP8"
    )
    assert table.loc["ascend-910b", "tflops_precision"] == "BF16"
    assert table.loc["ascend-910b", "tflops"] == 320


def test_cost_inputs_scale_the_anchor_and_take_overrides(measurements, accel):
    A = load("assumptions")
    anchor = deepseek_anchor(measurements, load("model_parameters"), accel)
    row = cost_inputs(accel, anchor, A, "h20", 10.0, pue=1.2)
    assert set(COST_INPUT_COLUMNS) <= set(row.columns)
    assert row["pue"].item() == 1.2
    assert row["output_tokens_per_s_per_gpu"].item() == pytest.approx(1850 * 4.0 / 3.35 * 37 / 10)
    with pytest.raises(KeyError, match="valid"):
        cost_inputs(accel, anchor, A, "h20", 10.0, voltage=230)


# -- prices and market ------------------------------------------------------------


def test_the_essays_17x_checked_both_ways():
    # Claude Opus 4.6 $5 / $25 vs MiniMax M2.5 $0.30 / $1.20 per million tokens
    ratios = price_ratio(5, 25, 0.3, 1.2, output_fraction=0.22)
    assert ratios["input"] == pytest.approx(16.667, abs=1e-3)
    assert ratios["output"] == pytest.approx(20.833, abs=1e-3)
    assert ratios["blended"] == pytest.approx((0.78 * 5 + 0.22 * 25) / (0.78 * 0.3 + 0.22 * 1.2))


def test_first_party_prices_are_the_labs_own():
    prices = first_party_prices(load("model_prices"), load("llm_models"), load("labs")).set_index(
        "model_id"
    )
    assert prices.loc["minimax-m2.5", ["usd_per_m_input", "usd_per_m_output"]].tolist() == [
        0.3,
        1.2,
    ]
    assert prices.loc["claude-opus-4.6", ["usd_per_m_input", "usd_per_m_output"]].tolist() == [
        5.0,
        25.0,
    ]
    assert prices.loc["kimi-k2.5", "country"] == "CHN"
    assert prices.index.is_unique


def test_china_us_weekly_pairs_the_two_series():
    weekly = china_us_weekly(load("openrouter_volumes"))
    feb9 = weekly[weekly["period_start"] == pd.Timestamp("2026-02-09")].iloc[0]
    assert (feb9["china_t"], feb9["usa_t"]) == (4.12, 2.94)
    assert feb9["china_share"] == pytest.approx(4.12 / 7.06)
    assert set(weekly["scope"]) == {"chinese-vs-us-models", "all-models-view"}


def test_restricted_accelerators_follow_the_latest_status():
    status = load("accelerator_export_status")
    # H800: allowed from 2023-03, caught by the Oct-2023 rule (effective 2023-11-17)
    assert "h800" not in restricted_accelerators(status, "CHN", "2023-06-01")
    assert "h800" in restricted_accelerators(status, "CHN", "2024-01-01")
    # H20: licence required from 2025-04-09, licences granted from 2025-07
    assert "h20" in restricted_accelerators(status, "CHN", "2025-05-01")
    assert "h20" not in restricted_accelerators(status, "CHN", "2026-03-01")
    assert "ascend-910b" not in restricted_accelerators(status, "CHN", "2026-03-01")


def test_ban_premium_applies_only_to_restricted_chips_in_china(measurements, accel):
    anchor = deepseek_anchor(measurements, load("model_parameters"), accel)
    sites = pd.DataFrame(
        {"country": ["CHN", "USA"], "pue": [1.4, 1.4], "electricity_usd_per_kwh": [0.06, 0.08]}
    )
    costs = site_costs(
        accel[accel["accelerator_id"].isin(["h800", "ascend-910b"])],
        anchor,
        load("assumptions"),
        37,
        sites,
        ban_premium=0.5,
        restricted=["h800"],
    )
    central = costs[costs["case"] == "central"].set_index(["accelerator_id", "country"])
    assert central.loc[("h800", "CHN"), "ban_premium"] == 0.5
    assert central.loc[("h800", "USA"), "ban_premium"] == 0.0
    assert central.loc[("ascend-910b", "CHN"), "ban_premium"] == 0.0
    # the same chip costs more to run in China only by the premium and the power price
    assert central.loc[("h800", "CHN"), "capital_usd_per_hour"] == pytest.approx(
        1.5 * central.loc[("h800", "USA"), "capital_usd_per_hour"]
    )
    worst = costs[costs["case"] == "worst specs"].set_index(["accelerator_id", "country"])
    assert (worst["usd_per_m_output"] >= central["usd_per_m_output"].reindex(worst.index)).all()


def test_sensitivity_swing_of_the_electricity_price_by_hand():
    base = _row()
    table = sensitivity(
        base,
        {"electricity_usd_per_kwh": (0.03, 0.09), "card_price_usd": (20000, 40000)},
        output_fraction=0.0,
        measure="usd_per_m_input",
    ).set_index("parameter")
    # 1.029 kWh per busy hour x $0.06 difference / 36 M input tokens per hour
    assert table.loc["electricity_usd_per_kwh", "swing"] == pytest.approx(1.029 * 0.06 / 36)
    # $20,000 more capital over 5 x 8,760 x 0.5 hours / 36 M tokens
    assert table.loc["card_price_usd", "swing"] == pytest.approx(20000 / 21900 / 36)
    assert table.index[0] == "card_price_usd"
    with pytest.raises(KeyError):
        sensitivity(base, {"voltage": (1, 2)})


def test_sample_inputs_stay_in_their_ranges_and_repeat_with_a_seed():
    ranges = {"electricity_usd_per_kwh": (0.03, 0.09), "utilisation": (0.4, 0.9), "pue": (1.2, 1.2)}
    draws = sample_inputs(_row(), ranges, 2000, seed=7)
    assert len(draws) == 2000
    assert draws["electricity_usd_per_kwh"].between(0.03, 0.09).all()
    assert draws["utilisation"].between(0.4, 0.9).all()
    # a base value outside its range (PUE 1.4 against 1.2-1.2) is the reader's own: it stays
    assert (draws["pue"] == 1.4).all() and (draws["card_price_usd"] == 30000).all()
    # the mode sits at the base value: a triangular(0.03, 0.06, 0.09) has mean 0.06
    assert draws["electricity_usd_per_kwh"].mean() == pytest.approx(0.06, abs=0.002)
    again = sample_inputs(_row(), ranges, 2000, seed=7)
    pd.testing.assert_frame_equal(draws, again)
    shares = token_cost(draws)["electricity_share"]
    assert shares.between(0, 1).all()
    with pytest.raises(KeyError):
        sample_inputs(_row(), {"voltage": (1, 2)}, 10)


def test_joint_extremes_find_the_corners_of_a_monotonic_share():
    from tokenpower.models.extremes import joint_extremes

    def model(frame):
        return frame.assign(share=frame["elec"] / (frame["elec"] + frame["chip"]))

    base = pd.DataFrame({"elec": [1.0], "chip": [9.0]})
    got = joint_extremes(base, {"elec": (0.5, 3.0), "chip": (6.0, 12.0)}, model, "share").iloc[0]
    # by hand: lowest 0.5 / (0.5 + 12) = 0.04, highest 3 / (3 + 6) = 1/3
    assert got["low"] == pytest.approx(0.04) and got["high"] == pytest.approx(1 / 3)
    assert got["high_inputs"] == {"elec": 3.0, "chip": 6.0}


def test_range_summary_puts_one_at_a_time_inside_the_joint_extremes():
    from tokenpower.models.extremes import joint_extremes, range_summary

    def model(frame):
        return frame.assign(share=frame["elec"] / (frame["elec"] + frame["chip"]))

    base = pd.DataFrame({"elec": [1.0], "chip": [9.0]})
    ranges = {"elec": (0.5, 3.0), "chip": (6.0, 12.0)}
    # one at a time, by hand: elec alone 0.5/9.5 .. 3/12; chip alone 1/13 .. 1/7
    oat = pd.DataFrame({"at_low": [0.5 / 9.5, 1 / 7], "at_high": [3 / 12, 1 / 13]})
    sample = pd.Series(np.linspace(0.05, 0.30, 101))
    got = range_summary(oat, joint_extremes(base, ranges, model, "share"), sample, 0.1)
    assert got["oat_low"] == pytest.approx(0.5 / 9.5) and got["oat_high"] == pytest.approx(0.25)
    assert got["joint_low"] <= got["oat_low"] <= got["oat_high"] <= got["joint_high"]
    assert got["p99"] == pytest.approx(0.05 + 0.99 * 0.25)
