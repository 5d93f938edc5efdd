"""Tests of the world layer of the token trade and of the Bitcoin-vs-tokens comparison.

Expected values are worked out here by hand (the arithmetic is written out
in the comments), or come from an independent path through the cost model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tokenpower.models import tokencost as tc
from tokenpower.models import world as w
from tokenpower.models.world_anchors import anchor_check
from tokenpower.synthesis import exports as ex
from tokenpower.synthesis.claims import Tables


@pytest.fixture(scope="module")
def t():
    return Tables()


@pytest.fixture(scope="module")
def anchors(t):
    return anchor_check(t)


@pytest.fixture(scope="module")
def summary(t):
    return w.summary(t, draws=2000, seed=0)


# -- the anchors come back --------------------------------------------------------------


def test_every_layer_anchor_is_checked(t, anchors):
    layer_rows = set(t["world_token_anchors"].query("check == 'layer'")["anchor_id"])
    assert layer_rows <= set(anchors["anchor_id"])
    # OpenRouter's own platform totals in the windows are anchors too: >1T/day (Nov 2025) and
    # 28.9T in the week ending 24 May 2026
    assert {"or-2025-11-daily", "or-2026-05-18-total"} <= set(anchors["anchor_id"])


def test_each_anchor_comes_back_within_its_range(anchors):
    bad = anchors[~anchors["within"]]
    assert bad.empty, bad[["anchor_id", "anchor_low_t_per_week", "layer_low", "layer_high"]]


def test_anchor_units_are_converted_by_hand(anchors):
    a = anchors.set_index("anchor_id")
    # '>1T tokens/day' = at least 7 T/week, with no upper end
    assert a.loc["or-2025-11-daily", "anchor_low_t_per_week"] == pytest.approx(7.0)
    assert np.isinf(a.loc["or-2025-11-daily", "anchor_high_t_per_week"])
    # '>1 quadrillion tokens a year' = 1000 T / (365.25 / 7) weeks = 19.165 T/week
    assert a.loc["or-menlo-2026-05", "anchor_low_t_per_week"] == pytest.approx(19.165, abs=1e-3)
    # Fireworks '15 trillion tokens per day' = 105 T/week, stated to the unit: 14.5-15.5 a day
    assert a.loc["fw-bi-spring-2026", "anchor_low_t_per_week"] == pytest.approx(101.5)
    assert a.loc["fw-bi-spring-2026", "anchor_high_t_per_week"] == pytest.approx(108.5)


def test_disagreeing_anchor_is_kept_and_not_reproduced(t, anchors):
    rows = t["world_token_anchors"].set_index("anchor_id")
    # content.fans' 8.4T a month (1.9T a week) conflicts with a16z's >1T a day
    assert rows.loc["or-contentfans-2025", "check"] == "disagrees"
    assert "or-contentfans-2025" not in set(anchors["anchor_id"])
    assert 8.4 * 12 / (365.25 / 7) < 7.0


# -- hand-worked channels ---------------------------------------------------------------

HAND = {
    "openrouter_t_per_week": 28.0,
    "cn_share_openrouter": 0.45,
    "foreign_share_openrouter": 0.92,
    "other_routers_ratio": 0.2,
    "router_served_in_china": 0.4,
    "fireworks_t_per_day": 15.0,
    "other_hosts_ratio": 1.0,
    "cn_share_hosts": 0.5,
    "foreign_share_hosts": 0.98,
    "lab_foreign_api_musd": 450.0,
    "price_usd_per_m": 0.5,
    "lab_api_served_in_china": 0.85,
    "app_t_per_day_abroad": 0.4,
    "app_served_in_china": 0.9,
}


def test_router_channel_by_hand():
    out = w.channel_tokens(HAND)
    # 28 T/week x 52.178571 weeks = 1461.0 T/yr; x 1.2 (other routers) = 1753.2;
    # x 0.45 Chinese-made = 788.94; x 0.92 used abroad = 725.8248 T/yr
    assert float(out["abroad_routers"]) == pytest.approx(725.8248, rel=1e-9)
    # 40% of it served from China: 290.32992
    assert float(out["served_cn_routers"]) == pytest.approx(290.32992, rel=1e-9)


def test_other_channels_by_hand():
    out = w.channel_tokens(HAND)
    # labs: USD 450M / USD 0.5 per M tokens = 900 T, less the routers' 290.32992 served
    # from China (those are the labs' sales too) = 609.67008; 85% from China = 518.219568
    assert float(out["abroad_labs"]) == pytest.approx(609.67008)
    assert float(out["served_cn_labs"]) == pytest.approx(518.219568)
    # hosts: 15 T/day x 365.25 x 2 x 0.5 x 0.98 = 5369.175, less the routers' tokens served
    # abroad (725.8248 - 290.32992 = 435.49488) = 4933.68012; none served from China
    assert float(out["abroad_hosts"]) == pytest.approx(4933.68012)
    assert float(out["served_cn_hosts"]) == 0.0
    # apps: 0.4 T/day x 365.25 = 146.1; 90% from China = 131.49
    assert float(out["served_cn_apps"]) == pytest.approx(131.49)
    # served from China: 290.32992 + 518.219568 + 131.49 = 940.039488
    assert float(out["served_cn_total"]) == pytest.approx(940.039488)
    total = 725.8248 + 609.67008 + 4933.68012 + 146.1
    assert float(out["served_cn_share"]) == pytest.approx(940.039488 / total)


def test_channels_never_negative_when_routers_exceed_labs():
    x = {**HAND, "lab_foreign_api_musd": 10.0}  # 20 T of lab sales < 290 T via routers
    assert float(w.channel_tokens(x)["abroad_labs"]) == 0.0


@settings(max_examples=60)
@given(
    served=st.floats(0.0, 1.0),
    labs_musd=st.floats(1.0, 5000.0),
    hosts_ratio=st.floats(0.0, 5.0),
    price=st.floats(0.05, 5.0),
)
def test_served_from_china_is_a_share(served, labs_musd, hosts_ratio, price):
    x = {
        **HAND,
        "router_served_in_china": served,
        "lab_foreign_api_musd": labs_musd,
        "other_hosts_ratio": hosts_ratio,
        "price_usd_per_m": price,
    }
    out = w.channel_tokens(x)
    assume(float(out["abroad_total"]) > 0)
    assert 0.0 <= float(out["served_cn_share"]) <= 1.0
    for c in w.CHANNELS:
        assert float(out[f"served_cn_{c}"]) <= float(out[f"abroad_{c}"]) + 1e-9


# -- electricity from the one cost model --------------------------------------------------


def test_kwh_per_token_is_the_cost_models(t):
    a = t["assumptions"]
    accel = tc.accelerator_inputs(t["accelerators"], t["accelerator_specs"], a)
    anchor = tc.deepseek_anchor(t["inference_measurements"], t["model_parameters"], accel)
    # an independent path: the cost model's own inputs for a 37B-active model
    direct = tc.token_cost(
        tc.cost_inputs(accel, anchor, a, "h800", 37.0, pue=1.3, power_fraction=0.6), 0.25
    )["kwh_per_m_blended"].iloc[0]
    x = {
        "pue": 1.3,
        "power_fraction": 0.6,
        "server_overhead": tc.assumption_value(a, "server_power_overhead_factor"),
        "active_params_b": 37.0,
        "output_fraction": 0.25,
    }
    assert w.kwh_per_m_tokens(t, x)[0] == pytest.approx(direct, rel=1e-9)


def test_exported_electricity_is_tokens_times_kwh(summary):
    s = summary.set_index(["period", "output"])["central"]
    for p in w.PERIODS:
        # T tokens/yr x 1e6 M per T x kWh per M / 1e9 kWh per TWh
        twh = s[(p, "served_cn_total")] * 1e6 * s[(p, "kwh_per_m")] / 1e9
        assert s[(p, "exported_twh_per_year")] == pytest.approx(twh)
        assert s[(p, "exported_gwh_per_year")] == pytest.approx(1000 * twh)


# -- the Monte Carlo band ---------------------------------------------------------------


def test_band_is_ordered_and_reproducible(t, summary):
    assert (summary["p_low"] <= summary["median"]).all()
    assert (summary["median"] <= summary["p_high"]).all()
    again = w.monte_carlo(t, "mid-2026", draws=300, seed=3)
    assert again.equals(w.monte_carlo(t, "mid-2026", draws=300, seed=3))
    assert not again.equals(w.monte_carlo(t, "mid-2026", draws=300, seed=4))


def test_draws_stay_in_their_ranges(t):
    mc = w.monte_carlo(t, "late-2025", draws=500, seed=1)
    inputs = w.world_inputs(t, "late-2025")
    for name, r in inputs.iterrows():
        assert mc[name].between(r.low, r.high).all(), name


def test_unknown_period_is_refused(t):
    with pytest.raises(ValueError, match="period must be one of late-2025, mid-2026"):
        w.world_inputs(t, "2030")


def test_price_range_spans_the_chinese_labs_models(t):
    prices = w.chinese_api_prices(t["model_prices"], t["llm_models"], t["labs"], 0.22, 0.56)
    # DeepSeek V3.2 on 2026-03-01: 0.28 in, 0.42 out, 0.028 cache read:
    # 0.78 x (0.56 x 0.028 + 0.44 x 0.28) + 0.22 x 0.42 = 0.78 x 0.13888 + 0.0924 = 0.2007264
    assert prices["usd_per_m_effective"].min() == pytest.approx(0.2007264)


# -- Bitcoin: CBECI x China's share, by month -----------------------------------------------


def test_china_bitcoin_months_by_hand(t):
    monthly = t["btc_electricity_monthly"].set_index("date")["twh_per_year"]
    # the CBECI rows used below, as stored in btc_electricity_monthly
    assert monthly[pd.Timestamp("2019-09-01")] == 64.05
    assert monthly[pd.Timestamp("2019-10-01")] == 73.99
    assert monthly[pd.Timestamp("2021-04-01")] == 108.44
    b = ex.china_bitcoin_twh(t["btc_electricity_monthly"], t["btc_hashrate_share_country"])
    b = b.set_index("date")
    # Sep 2019: mining map 75.53% x 64.05 TWh/yr = 48.376965
    assert b.loc["2019-09-01", "china_twh_per_year"] == pytest.approx(48.376965)
    assert b.loc["2019-09-01", "share_basis"] == "mining map"
    # Oct 2019: between 75.53% (1 Sep) and the Sep 2019-Apr 2020 average 65.08% placed at
    # 1 Dec 2019: 75.53 - 10.45 x 30/91 = 72.084945; x 73.99 = 53.3356508
    assert b.loc["2019-10-01", "china_share_pct"] == pytest.approx(72.084945, abs=1e-6)
    assert b.loc["2019-10-01", "china_twh_per_year"] == pytest.approx(53.3356508, rel=1e-7)
    # Apr 2021: 46% x 108.44 = 49.8824
    assert b.loc["2021-04-01", "china_twh_per_year"] == pytest.approx(49.8824)
    # Jul 2021: the map shows no Chinese hashrate
    assert b.loc["2021-07-01", "china_twh_per_year"] == 0.0
    # before the first mining-map month there is no share
    assert np.isnan(b.loc["2019-01-01", "china_twh_per_year"])
    assert b.loc["2019-01-01", "share_basis"] == "no figure"
    assert len(b) == 36


def test_coinshares_points_by_hand(t):
    p = ex.share_points(t["btc_electricity_monthly"], t["btc_hashrate_share_country"])
    p = p.set_index("date")
    # Jun 2019: CoinShares 60% x CBECI 55.84 = 33.504
    assert p.loc["2019-06-01", "china_twh_per_year"] == pytest.approx(33.504)


def test_decisive_comparison_by_hand():
    btc = pd.DataFrame(
        {
            "date": pd.to_datetime(["2020-01-01", "2020-02-01", "2021-06-01"]),
            "china_twh_per_year": [40.0, 50.0, 10.0],
        }
    )
    summ = pd.DataFrame(
        [{"period": "mid-2026", "output": "exported_twh_per_year", "central": 0.02,
          "p_low": 0.01, "p_high": 0.05}]
    )  # fmt: skip
    totals = pd.DataFrame(
        {
            "total_id": ["chn-consumption-2021", "chn-production-2021", "chn-consumption-2025"],
            "twh": [9000.0, 9000.0, 10000.0],
        }
    )
    c = ex.decisive_comparison(btc, summ, totals)
    # June 2021 is after the ban's start and left out: mean (40 + 50) / 2 = 45
    assert c["btc_twh_mean"] == 45.0
    assert c["ratio_central"] == pytest.approx(45 / 0.02)  # 2250
    assert c["ratio_low"] == pytest.approx(40 / 0.05)  # 800
    assert c["ratio_high"] == pytest.approx(50 / 0.01)  # 5000
    assert c["btc_pct_of_consumption_2021"] == pytest.approx(0.5)
    assert c["tok_pct_of_consumption_2025"] == pytest.approx(0.0002)
