"""Tests of the parallels module: start years, shares on one clock, the side-by-side table."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.synthesis import parallels as pl
from tokenpower.synthesis.claims import Tables

DATA = Path(__file__).resolve().parent.parent / "data"

SEVEN_QUESTIONS = [
    "unit",
    "price per unit",
    "speed",
    "electricity per unit",
    "value delivered per kWh",
    "dominant power's share",
    "what a ban did / would do",
]
"""The seven questions the book asks of each export, typed here independently of the package."""


@pytest.fixture(scope="module")
def tables():
    return Tables()


@pytest.fixture(scope="module")
def eras(tables):
    tel = pl.telegraph_economics(tables)
    btc = pl.bitcoin_economics(tables, 0.05, 4.0)
    tok = pl.token_economics(tables, "h800", "deepseek-v3", 0.22, 1.0)
    return tel, btc, tok


# -- start years --------------------------------------------------------------------


def test_era_starts(tables):
    cables = pd.read_csv(DATA / "telegraph_cables.csv")
    first = cables.loc[cables["kind"] == "cable", "year_used"].min()
    starts = pl.era_starts(tables["telegraph_cables"], tables["assumptions"]).set_index("era")
    assert starts.loc["telegraph", "start_year"] == first == 1851
    atlantic = pl.era_starts(
        tables["telegraph_cables"], tables["assumptions"], "first-atlantic"
    ).set_index("era")
    assert atlantic.loc["telegraph", "start_year"] == 1858
    a = pd.read_csv(DATA / "assumptions.csv").set_index("id")
    assert starts.loc["bitcoin", "start_year"] == a.loc["era_start_bitcoin", "value"] == 2009
    assert starts.loc["tokens", "start_year"] == a.loc["era_start_llm_api", "value"]
    assert (starts["start_low"] <= starts["start_year"]).all() and (
        starts["start_year"] <= starts["start_high"]
    ).all()
    with pytest.raises(ValueError, match="telegraph_start"):
        pl.era_starts(tables["telegraph_cables"], tables["assumptions"], "1858")


@settings(max_examples=100)
@given(
    day=st.dates(
        min_value=pd.Timestamp("1850-01-01").date(), max_value=pd.Timestamp("2030-12-31").date()
    ),
    start=st.integers(1800, 2030),
)
def test_years_since_start_is_decimal_year_minus_start(day, start):
    frame = pd.DataFrame({"date": [pd.Timestamp(day)], "share_pct": [50.0]})
    starts = pd.DataFrame({"era": ["bitcoin"], "start_year": [start]})
    out = pl.aligned_shares({"bitcoin": frame}, starts).iloc[0]
    assert out["years_since_start"] + start == pytest.approx(out["year"])
    assert int(np.floor(out["year"] + 1e-9)) == day.year


# -- shares ---------------------------------------------------------------------------


def test_british_mileage_shares_by_hand():
    ownership = pd.DataFrame(
        {
            "year": [1891] * 5 + [1921] * 2,
            "owner": [
                "world_total",
                "all_private",
                "eastern_telegraph",
                "eastern_extension",
                "anglo_american",
                "world_total",
                "british_companies",
            ],
            "nmi": [1000, 900, 200, 100, 50, 2000, 500],
            "source": ["s"] * 7,
        }
    )
    out = pl.british_mileage_shares(ownership).set_index("bound")["share_pct"]
    assert (
        out["lower"] == pytest.approx(35.0)
        and out["upper"] == pytest.approx(90.0)
        and out["estimate"] == pytest.approx(25.0)
    )


def test_british_1921_share_from_the_csv(eras):
    tel = eras[0]
    own = pd.read_csv(DATA / "telegraph_ownership.csv").set_index("ownership_id")["nmi"]
    assert tel["british_share_1921_pct"] == pytest.approx(
        100 * own["british-1921"] / own["world-1921"]
    )


def test_network_mileage_share_on_a_small_network():
    hubs = pd.DataFrame(
        {
            "hub_id": ["a", "b", "c"],
            "name": ["A", "B", "C"],
            "latitude": [0.0, 1.0, 2.0],
            "longitude": [0.0, 1.0, 2.0],
            "controlling_power": ["GBR", "USA", "FRA"],
        }
    )
    cables = pd.DataFrame(
        {
            "cable_id": ["ab", "bc", "ac", "land"],
            "from_hub": ["a", "b", "a", "b"],
            "to_hub": ["b", "c", "c", "c"],
            "year_used": [1860, 1870, 1870, 1860],
            "year_closed": [pd.NA, pd.NA, pd.NA, pd.NA],
            "owner_nationality": ["GBR", "FRA", "FRA", "USA"],
            "length_nmi": [100.0, 300.0, np.nan, 999.0],
            "kind": ["cable", "cable", "cable", "landline"],
            "british_imperial": [True, False, False, False],
        }
    )
    out = pl.network_british_mileage_share(hubs, cables, [1850, 1865, 1875]).set_index("year")
    assert np.isnan(out.loc[1850, "share_pct"])  # nothing laid yet
    assert out.loc[1865, "share_pct"] == pytest.approx(100.0)
    assert out.loc[1875, "share_pct"] == pytest.approx(
        25.0
    )  # the unknown length and the landline do not count


def test_china_hashrate_shares_keep_every_source(tables):
    raw = pd.read_csv(DATA / "btc_hashrate_share_country.csv")
    out = pl.china_hashrate_shares(tables["btc_hashrate_share_country"])
    assert len(out) == (raw["country"] == "CHN").sum()
    assert out["share_pct"].max() == raw.loc[raw["country"] == "CHN", "share_pct"].max()
    assert out["date"].is_monotonic_increasing


def test_chinese_token_shares_by_scope(tables):
    out = pl.chinese_token_shares(
        tables["openrouter_shares"], tables["openrouter_volumes"], tables["labs"]
    )
    assert 61.0 in set(out["share_pct"].round(6))
    assert out["scope"].nunique() >= 3
    # the listed-labs row: sum of the Chinese labs' token shares, worked out from the CSV files
    shares = pd.read_csv(DATA / "openrouter_shares.csv")
    labs = pd.read_csv(DATA / "labs.csv").set_index("lab_id")["country"]
    rows = shares[
        (shares["group"] == "lab")
        & (shares["basis"] == "tokens")
        & (shares["scope"] == "all-tokens")
    ]
    expected = rows.loc[rows["lab_id"].map(labs) == "CHN", "share_pct"].sum()
    listed = out[out["scope"] == "all tokens, labs listed"]["share_pct"]
    assert listed.iloc[0] == pytest.approx(expected)
    assert out["share_pct"].between(0, 100).all()


# -- the side-by-side table ---------------------------------------------------------------


def test_quantities_are_the_seven_questions():
    assert list(pl.QUANTITIES) == SEVEN_QUESTIONS


def test_side_by_side_has_a_row_per_quantity(eras):
    long = pl.unit_economics_long(*eras)
    assert len(long) == len(SEVEN_QUESTIONS) * 3
    assert set(zip(long["quantity"], long["era"], strict=False)) == {
        (q, e) for q in SEVEN_QUESTIONS for e in pl.ERAS
    }
    wide = pl.side_by_side(long)
    assert list(wide["Quantity"]) == SEVEN_QUESTIONS
    assert list(wide.columns[1:]) == [pl.ERA_LABELS[e] for e in pl.ERAS]
    assert wide.iloc[:, 1:].map(lambda x: isinstance(x, str) and len(x) > 0).all().all()


def test_table_values_from_the_csv_files(eras):
    long = pl.unit_economics_long(*eras).set_index(["quantity", "era"])
    # the 1866 tariff, from telegraph_milestones
    ms = pd.read_csv(DATA / "telegraph_milestones.csv").set_index("milestone_id")
    assert (
        long.loc[("price per unit", "telegraph"), "low"]
        == ms.loc["tariff-gbp-per-word-1866", "value"]
    )
    # hashprice range, from btc_hashprice
    hp = pd.read_csv(DATA / "btc_hashprice.csv")["usd_per_th_day"]
    assert long.loc[("price per unit", "bitcoin"), "low"] == pytest.approx(hp.min())
    assert long.loc[("price per unit", "bitcoin"), "high"] == pytest.approx(hp.max())
    # J/TH range of the book's machine generations, from btc_miners
    miners = pd.read_csv(DATA / "btc_miners.csv").set_index("miner_id")["j_per_th"]
    assert long.loc[("electricity per unit", "bitcoin"), "low"] == miners["antminer-s21"]
    assert long.loc[("electricity per unit", "bitcoin"), "high"] == miners["antminer-s7"]
    # DeepSeek's output rate per GPU: node rate / GPUs per node, from inference_measurements
    m = pd.read_csv(DATA / "inference_measurements.csv").set_index("metric")["value"]
    assert long.loc[("speed", "tokens"), "low"] == pytest.approx(
        m["output_tokens_per_s_per_node"] / m["gpus_per_node"]
    )
    # China's peak share of hashrate
    shares = pd.read_csv(DATA / "btc_hashrate_share_country.csv")
    assert (
        long.loc[("dominant power's share", "bitcoin"), "low"]
        == shares.loc[shares["country"] == "CHN", "share_pct"].max()
    )


def test_revenue_per_kwh_by_hand(eras):
    btc = eras[1]
    # an S19 Pro (29.5 J/TH) at the 17 Jul 2021 hashprice: 0.2787 / (29.5 x 0.024)
    assert 0.2787 / (29.5 * 0.024) <= btc["revenue_usd_per_kwh_high"]
    assert (
        btc["revenue_usd_per_kwh_low"]
        <= btc["revenue_usd_per_kwh_median"]
        <= btc["revenue_usd_per_kwh_high"]
    )


def test_the_1914_cut_leaves_germany_little(eras):
    tel = eras[0]
    assert tel["de_reach_after"] < tel["de_reach_before"]
    assert tel["de_reach_lost_pct"] == pytest.approx(
        100 * (1 - tel["de_reach_after"] / tel["de_reach_before"])
    )


# -- the analogy tests -----------------------------------------------------------------------


def _hand(b_elec, t_elec, b_val, t_val, gbr=90, chn_btc=75, chn_tok=61, lost=95, back=21):
    tel = {
        "british_share_1891_low_pct": 36,
        "british_share_1891_high_pct": gbr,
        "de_reach_lost_pct": lost,
    }
    btc = {
        "electricity_share_median_pct": b_elec,
        "revenue_usd_per_kwh_median": b_val,
        "china_share_peak_pct": chn_btc,
        "china_share_jan_2022_pct": back,
        "china_share_after_ban_pct": 0,
        "recovery_days": 150,
    }
    tok = {
        "electricity_share_median_pct": t_elec,
        "value_usd_per_kwh_median": t_val,
        "china_share_top10_pct": chn_tok,
        "ban_cost_rise_pct": 70,
        "cheapest_unrestricted": "h20",
        "cheapest_unrestricted_usd_per_m_output": 0.16,
    }
    return tel, btc, tok


def test_analogy_tests_thresholds():
    out = pl.analogy_tests(*_hand(40, 21, 0.2, 20), comparable_factor=2).set_index("test")["holds"]
    assert out.iloc[0]  # 21 x 2 >= 40
    out = pl.analogy_tests(*_hand(40, 19, 0.2, 20), comparable_factor=2).set_index("test")["holds"]
    assert not out.iloc[0]  # 19 x 2 < 40
    assert out.iloc[1]  # 20 > 0.2 USD/kWh
    assert not pl.analogy_tests(*_hand(40, 3, 0.2, 0.1)).iloc[1]["holds"]
    assert not pl.analogy_tests(*_hand(40, 3, 0.2, 20, chn_tok=45)).iloc[2]["holds"]
    assert pl.analogy_tests(*_hand(40, 3, 0.2, 20, lost=95, back=0)).iloc[3]["holds"]
    assert not pl.analogy_tests(*_hand(40, 3, 0.2, 20, lost=95, back=21)).iloc[3]["holds"]


def test_the_book_s_analogy_verdicts(eras):
    out = pl.analogy_tests(*eras).set_index("test")["holds"]
    tel, btc, tok = eras
    assert btc["electricity_share_median_pct"] > 2 * tok["electricity_share_median_pct"]
    assert not out.iloc[0] and out.iloc[1]


def test_scenario_shares_enter_the_ban_row(tables):
    tok = pl.token_economics(tables, "h800", "deepseek-v3", 0.22, 1.0, {"total chip ban": 0.5876})
    long = pl.unit_economics_long(
        *[pl.telegraph_economics(tables), pl.bitcoin_economics(tables, 0.05, 4.0), tok]
    )
    text = long.set_index(["quantity", "era"]).loc[("what a ban did / would do", "tokens"), "text"]
    assert "59 % (total chip ban)" in text
    assert (
        "total chip ban: 59 %"
        in pl.analogy_tests(
            pl.telegraph_economics(tables), pl.bitcoin_economics(tables, 0.05, 4.0), tok
        ).iloc[3]["tokens"]
    )


def test_the_1914_cut_counted_by_hand(eras):
    from tokenpower.models.networks import cable_network
    from tokenpower.models.telegraph import cable_ids

    cables = pd.read_csv(DATA / "telegraph_cables.csv")
    german = cables[(cables["owner_nationality"] == "DEU") & (cables["year_closed"] == 1914)]
    assert (
        eras[0]["de_reach_before"]
        == cable_network(
            Tables()["telegraph_hubs"], Tables()["telegraph_cables"], 1914
        ).number_of_nodes()
    )
    assert len(german) == len(cable_ids(Tables()["telegraph_cables"], owner="DEU", closed=1914))
