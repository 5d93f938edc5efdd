"""Tests of tokenpower.models.mining: mining economics, the inferred 2021 migration, recovery time."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tokenpower.data import load
from tokenpower.models import mining as M

# The $/kWh of the S9, S19 Pro and S21 on two days as published beside the hashprice of
# data/btc_hashprice.csv (rounded to 3 decimals), typed in here: an oracle independent of the
# package's formula.
PUBLISHED_USD_PER_KWH = {
    "2021-07-17": {"S9": 0.118, "S19 Pro": 0.394, "S21": 0.664},
    "2021-10-24": {"S9": 0.162, "S19 Pro": 0.537, "S21": 0.905},
}


@pytest.fixture(scope="module")
def tables():
    return {
        name: load(name)
        for name in (
            "btc_miners",
            "btc_hashprice",
            "btc_machine_prices",
            "btc_hashrate_share_country",
            "btc_hashrate_share_province",
            "btc_network_hashrate",
        )
    }


# -- mining economics ---------------------------------------------------------


@pytest.mark.parametrize("day", sorted(PUBLISHED_USD_PER_KWH))
def test_revenue_per_kwh_matches_the_published_values(tables, day):
    hashprice = tables["btc_hashprice"].set_index("date").loc[pd.Timestamp(day), "usd_per_th_day"]
    j = tables["btc_miners"].set_index("miner_id")["j_per_th"]
    for machine, published in PUBLISHED_USD_PER_KWH[day].items():
        ours = M.revenue_usd_per_kwh(hashprice, j[M.MACHINES[machine]])
        assert ours == pytest.approx(published, abs=0.0006), (
            machine
        )  # the source rounds to 3 decimals


def test_comparison_table_carries_the_published_values(tables):
    table = M.bitcoin_value_per_kwh(
        tables["btc_miners"],
        tables["btc_hashprice"],
        tables["btc_machine_prices"],
        tariff_usd_per_kwh=0.04,
        life_years=4,
    )
    for day, values in PUBLISHED_USD_PER_KWH.items():
        for machine, published in values.items():
            row = table[(table["machine"] == machine) & (table["date"] == pd.Timestamp(day))]
            assert len(row) == 1
            assert row["revenue_usd_per_kwh"].item() == pytest.approx(published, abs=0.0006)
    assert set(table["machine"]) == set(M.MACHINES)
    assert table["electricity_share"].between(0, 1).all()
    # the S21 (2023) did not exist in 2021
    assert not table.loc[
        (table["machine"] == "S21") & (table["date"].dt.year == 2021), "released"
    ].any()
    s9 = table[table["machine"] == "S9"].iloc[0]
    assert s9["margin_usd_per_kwh"] == pytest.approx(s9["revenue_usd_per_kwh"] - 0.04)
    assert s9["profit_usd_per_kwh"] == pytest.approx(
        s9["revenue_usd_per_kwh"] - 0.04 - s9["capital_usd_per_kwh"]
    )


def test_capital_per_kwh_by_hand():
    # $100 per TH/s, 25 J/TH, 2 years: 2 x 365.25 days x 25 J/TH x 86,400 s / 3.6e6 J/kWh = 438.3 kWh per TH/s
    assert M.capital_usd_per_kwh(100.0, 25.0, 2.0) == pytest.approx(100.0 / 438.3)
    assert M.electricity_share(0.03, 0.01) == pytest.approx(0.75)
    assert M.electricity_share(0.0, 0.05) == 0.0
    assert M.electricity_share(0.05, 0.0) == 1.0


def test_machine_price_is_the_nearest_row_of_the_right_tier():
    prices = pd.DataFrame(
        {
            "price_id": ["new-a", "new-b", "old-a", "model"],
            "date": pd.to_datetime(["2021-05-01", "2022-12-01", "2021-06-01", "2023-06-01"]),
            "date_precision": ["day", "day", "day", "month"],
            "kind": ["peak", "point", "point", "point"],
            "j_per_th_min": [0.0, 0.0, 68.0, 29.5],
            "j_per_th_max": [38.0, 38.0, 1000.0, 29.5],
            "usd_per_th": [100.0, 15.0, 20.0, 13.0],
        }
    )
    assert M.machine_price_usd_per_th(prices, 30.0, "2021-07-01")["price_id"] == "new-a"
    assert M.machine_price_usd_per_th(prices, 30.0, "2022-10-01")["price_id"] == "new-b"
    assert M.machine_price_usd_per_th(prices, 98.0, "2023-01-01")["price_id"] == "old-a"
    assert M.machine_price_usd_per_th(prices, 29.5, "2023-06-10")["price_id"] == "model"
    with pytest.raises(ValueError, match="40.0 J/TH"):
        M.machine_price_usd_per_th(prices.iloc[:2], 40.0, "2021-07-01")


def test_electricity_share_range_uses_boom_and_bust_prices(tables):
    fleet = M.machine_table(tables["btc_miners"])
    table = M.electricity_share_range(
        fleet, tables["btc_machine_prices"], [0.01, 0.05], life_years=4
    )
    assert len(table) == len(fleet) * 2 * 2
    s19 = table[(table["machine"] == "S19 Pro") & (table["tariff_usd_per_kwh"] == 0.05)].set_index(
        "case"
    )
    # Hashrate Index: new-gen rigs $101.04/TH (2021 high) and $14.88/TH (2022 low)
    lifetime_kwh = 4 * 365.25 * 29.5 * 0.024
    assert s19.loc["2021 high hardware price", "electricity_share"] == pytest.approx(
        0.05 / (0.05 + 101.04 / lifetime_kwh)
    )
    assert s19.loc["2022 low hardware price", "electricity_share"] == pytest.approx(
        0.05 / (0.05 + 14.88 / lifetime_kwh)
    )


@settings(max_examples=200)
@given(hashprice=st.floats(0.01, 2.0), j1=st.floats(5.0, 300.0), j2=st.floats(5.0, 300.0))
def test_revenue_per_kwh_falls_as_j_per_th_rises(hashprice, j1, j2):
    lo, hi = sorted((j1, j2))
    assert M.revenue_usd_per_kwh(hashprice, hi) <= M.revenue_usd_per_kwh(hashprice, lo)
    if hi > lo * (1 + 1e-9):
        assert M.revenue_usd_per_kwh(hashprice, hi) < M.revenue_usd_per_kwh(hashprice, lo)


@settings(max_examples=200)
@given(
    t1=st.floats(0.0, 0.5),
    t2=st.floats(0.0, 0.5),
    price=st.floats(0.5, 200.0),
    j=st.floats(5.0, 300.0),
    life=st.floats(0.5, 10.0),
)
@example(t1=0.5, t2=0.49999999999999994, price=1.0, j=5.0, life=2.0)  # one float apart
def test_electricity_share_lies_in_unit_interval_and_rises_with_the_tariff(t1, t2, price, j, life):
    capital = M.capital_usd_per_kwh(price, j, life)
    lo, hi = sorted((t1, t2))
    s_lo, s_hi = M.electricity_share(lo, capital), M.electricity_share(hi, capital)
    assert 0.0 <= s_lo <= 1.0 and 0.0 <= s_hi <= 1.0
    # t / (t + c) never falls as t rises; two tariffs one float apart may round the other way
    assert s_lo <= s_hi * (1 + 1e-12)
    if hi > lo + 1e-9:
        assert s_lo < s_hi


@settings(max_examples=100)
@given(tariff=st.floats(0.001, 0.5), p1=st.floats(1.0, 200.0), p2=st.floats(1.0, 200.0))
def test_dearer_hardware_lowers_the_electricity_share(tariff, p1, p2):
    lo, hi = sorted((p1, p2))
    assert M.electricity_share(tariff, M.capital_usd_per_kwh(hi, 30.0, 4)) <= M.electricity_share(
        tariff, M.capital_usd_per_kwh(lo, 30.0, 4)
    )


# -- parameters ---------------------------------------------------------------


def test_bad_machine_names_list_the_valid_ones():
    with pytest.raises(ValueError) as info:
        M.check_machine("S19 XP")
    message = str(info.value)
    assert "machine" in message and "'S19 Pro'" in message and "'S9'" in message


@pytest.mark.parametrize("value", [-0.01, 1.5, float("nan"), "0.04", True])
def test_bad_tariffs_are_refused_with_the_parameter_name(value):
    with pytest.raises(ValueError, match="electricity_price_usd_per_kwh"):
        M.check_range("electricity_price_usd_per_kwh", value, 0.0, 1.0)


def test_comparison_table_refuses_bad_parameters(tables):
    args = (tables["btc_miners"], tables["btc_hashprice"], tables["btc_machine_prices"])
    with pytest.raises(ValueError, match="tariff_usd_per_kwh"):
        M.bitcoin_value_per_kwh(*args, tariff_usd_per_kwh=-1, life_years=4)
    with pytest.raises(ValueError, match="life_years"):
        M.bitcoin_value_per_kwh(*args, tariff_usd_per_kwh=0.04, life_years=0)
    with pytest.raises(ValueError):
        M.revenue_usd_per_kwh(0.3, 0.0)


# -- the 2021 migration -------------------------------------------------------


def _shares(period, pairs):
    return pd.DataFrame(
        {
            "period": period,
            "country": [c for c, _ in pairs],
            "share_pct": [s for _, s in pairs],
            "source": "hand",
        }
    )


def test_migration_conserves_chinas_lost_share():
    table = pd.concat(
        [
            _shares(
                "before", [("CHN", 50.0), ("USA", 10.0), ("KAZ", 10.0), ("RUS", 10.0)]
            ),  # rest 20 -> XXX
            _shares(
                "after", [("CHN", 10.0), ("USA", 30.0), ("KAZ", 20.0), ("RUS", 5.0), ("CAN", 5.0)]
            ),  # rest 30
        ]
    )
    before, after = M.share_snapshot(table, "before"), M.share_snapshot(table, "after")
    assert before["XXX"] == pytest.approx(20.0) and after["XXX"] == pytest.approx(30.0)
    changes = M.share_changes(before, after).set_index("country")
    # CAN was not listed before: its 5 points join the unknown rest (XXX: 20 -> 35)
    assert changes.loc["XXX", "change_pts"] == pytest.approx(15.0)
    assert changes["change_pts"].sum() == pytest.approx(0.0)
    weights = pd.Series({"A": 0.75, "B": 0.25})
    flows = M.migration_flows(changes.reset_index(), weights)
    # China lost 40; gainers USA +20, KAZ +10, XXX +15 (RUS lost 5 and receives nothing)
    into = flows.groupby("country")["share_pts"].sum()
    assert into.sum() == pytest.approx(40.0)
    assert into["USA"] == pytest.approx(40.0 * 20 / 45)
    assert into["XXX"] == pytest.approx(40.0 * 15 / 45)
    assert "RUS" not in into.index
    out = flows.groupby("province")["share_pts"].sum()
    assert out["A"] == pytest.approx(30.0) and out["B"] == pytest.approx(10.0)
    graph = M.migration_graph(flows)
    assert graph.graph["inferred"] is True
    assert {n for n, d in graph.nodes(data=True) if d["kind"] == "province"} == {"A", "B"}
    assert sum(
        graph.in_degree(c, weight="share_pts") for c in ("USA", "KAZ", "XXX")
    ) == pytest.approx(40.0)
    assert graph["A"]["USA"]["share_pts"] == pytest.approx(0.75 * 40.0 * 20 / 45)


def test_no_loss_no_flow_and_duplicates_need_a_source(tables):
    changes = pd.DataFrame(
        {"country": ["CHN", "USA"], "before": [10.0, 90.0], "after": [20.0, 80.0]}
    )
    changes["change_pts"] = changes["after"] - changes["before"]
    assert M.migration_flows(changes, pd.Series({"A": 1.0})).empty
    with pytest.raises(ValueError, match="RUS"):
        M.share_snapshot(tables["btc_hashrate_share_country"], "Aug 2021")
    aug = M.share_snapshot(tables["btc_hashrate_share_country"], "Aug 2021", sources=["btc-b2"])
    assert aug.sum() == pytest.approx(100.0)


def test_province_weights_by_hand():
    provinces = pd.DataFrame(
        {"period": "p", "province": ["X", "Y"], "share_of_global_pct": [30.0, 10.0]}
    )
    w = M.province_weights(provinces, "p", china_share_pct=50.0)
    assert w.to_dict() == pytest.approx({"X": 0.6, "Y": 0.2, "Other provinces": 0.2})
    with pytest.raises(ValueError, match="more than China"):
        M.province_weights(provinces, "p", china_share_pct=30.0)


def test_real_migration_conserves_the_april_to_august_loss(tables):
    shares = tables["btc_hashrate_share_country"]
    before = M.share_snapshot(shares, "Apr 2021")
    after = M.share_snapshot(shares, "Aug 2021", sources=["btc-b2"])
    weights = M.province_weights(
        tables["btc_hashrate_share_province"], "avg Sep 2019-Apr 2020", 65.08
    )
    flows = M.migration_flows(M.share_changes(before, after), weights)
    assert flows["share_pts"].sum() == pytest.approx(
        46.0
    )  # CBECI: 46 % in Apr 2021, 0 % in Aug 2021
    assert flows.groupby("province")["share_pts"].sum()["Xinjiang"] == pytest.approx(
        46.0 * 35.76 / 65.08
    )


# -- recovery -----------------------------------------------------------------


def test_recovery_time_on_a_small_series():
    days = pd.date_range("2021-01-01", periods=8, freq="D")
    s = pd.Series([10.0, 12.0, 8.0, 5.0, 7.0, 11.0, 12.5, 13.0], index=days)
    r = M.recovery_time(s, peak_before="2021-01-03")
    assert (r.peak, r.trough) == (12.0, 5.0)
    assert r.peak_date == days[1] and r.trough_date == days[3]
    assert (
        r.recovery_date == days[6]
        and r.days_trough_to_recovery == 3
        and r.days_peak_to_recovery == 5
    )
    assert r.drawdown == pytest.approx(7 / 12)
    never = M.recovery_time(s.iloc[:6], peak_before="2021-01-03")
    assert never.recovery_date is None and never.days_trough_to_recovery is None
    with pytest.raises(ValueError):
        M.recovery_time(s, peak_before="2020-01-01")


def test_recovery_of_the_7dma_series(tables):
    s = M.hashrate_series(tables["btc_network_hashrate"], "7dma")
    r = M.recovery_time(s, peak_before="2021-06-01")
    # as reported (btc-b19, btc-b21): 7DMA peak 180.82 (13 May), low 84.79 (3 Jul), record 181.99 in Dec
    assert (r.peak, r.trough, r.recovery_value) == (180.82, 84.79, 181.99)
    assert r.trough_date == pd.Timestamp("2021-07-03") and r.recovery_date == pd.Timestamp(
        "2021-12-01"
    )
    with pytest.raises(ValueError, match="estimators"):
        M.hashrate_series(tables["btc_network_hashrate"], "hourly")


def test_kwh_per_th_day_constant():
    assert M.KWH_PER_TH_DAY_PER_J_PER_TH == pytest.approx(0.024)
    assert not math.isnan(M.electricity_share(np.float64(0.02), 0.02))


def test_unknown_rows_are_named(tables):
    with pytest.raises(KeyError, match="btc_miners has no row nope"):
        M.machine_table(tables["btc_miners"], {"X": "nope"})
    with pytest.raises(KeyError, match="no row missing-id"):
        M.reference_tariffs(load("btc_electricity_prices"), {"Somewhere": "missing-id"})


def test_flow_diagram_ranks_each_side_by_its_total():
    flows = pd.DataFrame(
        {
            "province": ["A", "A", "B"],
            "country": ["USA", "KAZ", "USA"],
            "share_pts": [6.0, 1.0, 3.0],
        }
    )
    edges, nodes = M.flow_diagram_tables(flows)
    where = nodes.set_index(["side", "node"])
    assert where.loc[("province", "A"), "y"] == 0 and where.loc[("province", "B"), "y"] == 1
    assert (
        where.loc[("country", "USA"), "share_pts"] == 9.0
        and where.loc[("country", "USA"), "y"] == 0
    )
    assert list(edges["y_country"]) == [0.0, 1.0, 0.0]
