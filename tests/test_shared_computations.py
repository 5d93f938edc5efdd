"""The computations that exist once and serve several chapters: sensitivity, triangular draws,
the blended price, the China/US site table and the tornado chart.

Every expected value is worked out by hand in the test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tokenpower.charts import tornado_chart
from tokenpower.charts.figures import tornado_data
from tokenpower.models import tokencost as tc
from tokenpower.models import uncertainty as uq

# -- one-at-a-time sensitivity -----------------------------------------------------


def _linear(name, value):
    """3a + b - 2c around a = 1, b = 2, c = 0.5 (central outcome 3 + 2 - 1 = 4)."""
    p = {"a": 1.0, "b": 2.0, "c": 0.5, name: value}
    return 3 * p["a"] + p["b"] - 2 * p["c"]


def test_one_at_a_time_by_hand():
    table = uq.one_at_a_time(
        _linear, {"a": (0.0, 2.0), "b": (1.0, 5.0), "c": (0.0, 1.0)}, central=4.0
    ).set_index("parameter")
    # a: 3*0 + 2 - 1 = 1 and 3*2 + 2 - 1 = 7, swing 6
    assert table.loc["a", ["at_low", "at_high", "swing"]].tolist() == [1.0, 7.0, 6.0]
    # b: 3 + 1 - 1 = 3 and 3 + 5 - 1 = 7, swing 4
    assert table.loc["b", ["at_low", "at_high", "swing"]].tolist() == [3.0, 7.0, 4.0]
    # c lowers the outcome: 3 + 2 - 0 = 5 at its low end, 3 + 2 - 2 = 3 at its high end, swing 2
    assert table.loc["c", ["at_low", "at_high", "swing"]].tolist() == [5.0, 3.0, 2.0]
    assert table.index.tolist() == ["a", "b", "c"]  # largest swing first
    # swing as a share of the central outcome: 6 / 4 = 150 %, 4 / 4 = 100 %, 2 / 4 = 50 %
    assert table["swing_pct"].tolist() == [150.0, 100.0, 50.0]


def test_one_at_a_time_breaks_ties_by_name_and_needs_no_central():
    table = uq.one_at_a_time(lambda name, v: v, {"z": (0, 1), "m": (0, 1), "b": (2, 2)})
    # z and m both swing 1, so they come in name order; b does not move
    assert table["parameter"].tolist() == ["m", "z", "b"]
    assert table["swing"].tolist() == [1.0, 1.0, 0.0]
    assert "central" not in table and "swing_pct" not in table


def test_one_at_a_time_of_nothing_is_an_empty_table():
    table = uq.one_at_a_time(_linear, {}, central=4.0)
    assert len(table) == 0 and "parameter" in table


def test_the_cost_model_sensitivity_is_the_shared_one():
    # the cost model's tornado moves one input and keeps the others: by hand for the
    # electricity price, 700 W x 0.7 x 1.5 x 1.4 = 1.029 kWh per busy hour, 36 M input tokens
    # per busy hour (10,000 a second), so $0.03 to $0.09 moves the input cost by 1.029 x 0.06 / 36
    base = pd.DataFrame(
        [
            {
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
        ]
    )
    table = tc.sensitivity(
        base, {"electricity_usd_per_kwh": (0.03, 0.09)}, 0.0, "usd_per_m_input"
    ).iloc[0]
    assert table["parameter"] == "electricity_usd_per_kwh"
    assert table["at_high"] - table["at_low"] == pytest.approx(1.029 * 0.06 / 36)
    # central: capital 30,000 / (5 x 8,760 x 0.5) = 1.3699, electricity 1.029 x 0.06 = 0.06174,
    # other 0.4 / 0.5 = 0.8; a busy hour costs 2.2316 and serves 36 M input tokens
    central = (30000 / 21900 + 1.029 * 0.06 + 0.8) / 36
    assert table["central"] == pytest.approx(central)
    assert table["swing_pct"] == pytest.approx(1.029 * 0.06 / 36 / central * 100)


# -- triangular draws --------------------------------------------------------------


def test_triangular_mean_and_bounds_by_hand():
    # the mean of a triangular distribution is (low + mode + high) / 3 = (2 + 3 + 10) / 3 = 5
    draws = uq.triangular(2.0, 3.0, 10.0, 100_000, np.random.default_rng(1))
    assert draws.mean() == pytest.approx(5.0, abs=0.05)
    assert draws.min() >= 2.0 and draws.max() <= 10.0
    # P(X <= mode) = (mode - low) / (high - low) = 1 / 8
    assert (draws <= 3.0).mean() == pytest.approx(1 / 8, abs=0.01)


def test_triangular_takes_the_ends_in_either_order():
    a = uq.triangular(10.0, 3.0, 2.0, 50, np.random.default_rng(4))
    b = uq.triangular(2.0, 3.0, 10.0, 50, np.random.default_rng(4))
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("low, central, high", [(None, 3.0, 5.0), (2.0, 2.0, 2.0), (1.0, 7.0, 5.0)])
def test_an_input_without_a_range_or_outside_it_is_fixed_and_uses_no_randomness(low, central, high):
    rng = np.random.default_rng(0)
    assert uq.triangular(low, central, high, 4, rng).tolist() == [central] * 4
    # the stream was not touched: its next number is the first number of a fresh one
    assert rng.random() == np.random.default_rng(0).random()


@settings(max_examples=50)
@given(
    low=st.floats(-1e3, 1e3),
    width=st.floats(1e-3, 1e3),
    where=st.floats(0, 1),
    seed=st.integers(0, 2**32 - 1),
)
def test_triangular_draws_stay_in_the_range(low, width, where, seed):
    high = low + width
    central = low + where * width
    assume(low < high and low <= central <= high)  # float rounding can close a tiny range
    draws = uq.triangular(low, central, high, 200, np.random.default_rng(seed))
    assert ((draws >= low) & (draws <= high)).all()


def test_streams_of_one_seed_are_independent():
    # stream 0 is default_rng(seed) itself; stream 1 is not a copy of it
    first = uq.stream(11).random(20_000)
    assert first.tolist() == np.random.default_rng(11).random(20_000).tolist()
    other = uq.stream(11, 1).random(20_000)
    # the correlation of two independent uniform samples of 20,000 has a standard error of
    # 1 / sqrt(20,000) = 0.007; a stream reused with the same seed would give exactly 1
    assert abs(np.corrcoef(first, other)[0, 1]) < 0.05
    assert uq.stream(11, 1).random() == uq.stream(11, 1).random()


# -- the blended price --------------------------------------------------------------


def test_blended_price_by_hand():
    # 75 % input at $1, 25 % output at $5: 0.75 + 1.25 = 2
    assert float(tc.blended_per_million(1.0, 5.0, 0.25)) == pytest.approx(2.0)
    # half the input tokens hit the cache at $0.1: 0.75 x (0.5 + 0.05) + 1.25 = 1.6625
    assert float(
        tc.blended_per_million(1.0, 5.0, 0.25, cache_read_per_m=0.1, cache_hit_fraction=0.5)
    ) == pytest.approx(1.6625)
    # no cache price listed: every input token at the input price, 0.75 + 1.25 = 2
    assert float(
        tc.blended_per_million(1.0, 5.0, 0.25, cache_read_per_m=np.nan, cache_hit_fraction=0.9)
    ) == pytest.approx(2.0)


def test_blended_price_broadcasts_over_offerings_and_draws():
    prices = tc.blended_per_million(
        np.array([1.0, 2.0]),
        np.array([3.0, 4.0]),
        np.array([[0.0], [0.5]]),  # two draws of the output share
        cache_read_per_m=np.array([np.nan, 1.0]),
        cache_hit_fraction=0.5,
    )
    # draw 1, all input: 1 (no cache price) and 0.5 x 2 + 0.5 x 1 = 1.5
    # draw 2, half output: 0.5 x 1 + 0.5 x 3 = 2 and 0.5 x 1.5 + 0.5 x 4 = 2.75
    assert prices.tolist() == [[1.0, 1.5], [2.0, 2.75]]


# -- the China/US site table ---------------------------------------------------------


def _assumptions(**values):
    return pd.DataFrame(
        {
            "id": list(values),
            "value": list(values.values()),
            "low": list(values.values()),
            "high": list(values.values()),
        }
    )


def test_site_table_reads_the_assumptions_and_takes_a_readers_values():
    a = _assumptions(
        pue_chn=1.3, pue_usa=1.2, elec_usd_per_kwh_chn_dc=0.05, elec_usd_per_kwh_usa_dc=0.08
    )
    sites = tc.china_us_sites(a)
    assert sites.to_dict("records") == [
        {"country": "CHN", "pue": 1.3, "electricity_usd_per_kwh": 0.05},
        {"country": "USA", "pue": 1.2, "electricity_usd_per_kwh": 0.08},
    ]
    mine = tc.china_us_sites(a, pue={"USA": 1.5}, electricity_usd_per_kwh={"CHN": 0.03})
    assert mine["pue"].tolist() == [1.3, 1.5]
    assert mine["electricity_usd_per_kwh"].tolist() == [0.03, 0.08]
    with pytest.raises(KeyError, match="unknown site country DEU"):
        tc.china_us_sites(a, pue={"DEU": 1.1})


# -- the tornado chart ----------------------------------------------------------------


def _table():
    return uq.one_at_a_time(_linear, {"a": (0.0, 2.0), "c": (0.0, 1.0)}, central=4.0)


def test_tornado_rows_run_from_the_centre_to_each_end():
    rows = tornado_data(_table(), {"a": "Input A"})
    assert rows[["label", "end", "value", "outcome"]].values.tolist() == [
        ["Input A", "at its low end", 0.0, 1.0],
        ["Input A", "at its high end", 2.0, 7.0],
        ["c", "at its low end", 0.0, 5.0],
        ["c", "at its high end", 1.0, 3.0],
    ]
    assert (rows["central"] == 4.0).all()


def test_tornado_chart_draws_words_not_ids_widest_on_top():
    spec = tornado_chart(_table(), "Outcome", {"a": "Input A", "c": "Input C"}).to_dict()
    bars = spec["layer"][0]["encoding"]
    assert bars["y"]["sort"] == ["Input A", "Input C"]
    assert bars["x"]["title"] == "Outcome" and bars["x2"]["field"] == "central"
    assert bars["color"]["field"] == "end"
    assert spec["height"] == 48  # 24 px per input


def test_tornado_chart_colours_by_group_where_given():
    spec = tornado_chart(_table(), "Outcome", groups={"a": "Chips", "c": "Electricity"}).to_dict()
    assert spec["layer"][0]["encoding"]["color"]["field"] == "group"
    values = next(iter(spec["datasets"].values()))
    assert {v["group"] for v in values} == {"Chips", "Electricity"}


def test_tornado_chart_needs_a_central_value():
    table = uq.one_at_a_time(_linear, {"a": (0.0, 2.0)})
    with pytest.raises(KeyError, match="central"):
        tornado_chart(table, "Outcome")
