"""Two exports of Chinese electricity on one scale: Bitcoin mining (2019-2021) and tokens (2025-2026).

* :func:`china_bitcoin_twh` -- China's Bitcoin electricity by month: the
  Cambridge index's annualised network consumption (CBECI, TWh/yr) times
  China's share of hashrate from the Cambridge mining map, interpolated
  linearly between the map's dated figures;
* :func:`share_points` -- the same product at the months where another source
  (CoinShares) gives China's share, so disagreeing sources stay visible;
* :func:`decisive_comparison` -- Bitcoin's exported electricity against the
  world layer's (:mod:`tokenpower.models.world`), as one ratio with its range,
  both as shares of China's electricity, and the value each delivers per kWh.

All electricity figures are annualised rates (TWh per year), like CBECI's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "MINING_MAP_SOURCES",
    "china_bitcoin_twh",
    "decisive_comparison",
    "share_points",
]

MINING_MAP_SOURCES = ("btc-b1", "btc-b2", "btc-b4", "btc-b6")
"""Sources of ``btc_hashrate_share_country`` that report the Cambridge mining map."""


def _china_points(country_shares: pd.DataFrame, sources) -> pd.DataFrame:
    """China's share rows from ``sources``, dated at the first day of the month they describe.

    A row for a period (``date_end`` set) is an average over it and is placed
    at the period's middle, rounded down to the first day of that month (the
    average of a linear trend equals its value at the middle).
    """
    rows = country_shares[
        (country_shares["country"] == "CHN") & country_shares["source"].isin(sources)
    ]
    start = pd.to_datetime(rows["date"])
    end = pd.to_datetime(rows["date_end"]).fillna(start)
    mid = (start + (end - start) / 2).dt.to_period("M").dt.to_timestamp()
    out = pd.DataFrame(
        {
            "date": mid.to_numpy(),
            "share_pct": rows["share_pct"].astype(float).to_numpy(),
            "period": rows["period"].to_numpy(),
            "source": rows["source"].to_numpy(),
        }
    )
    return out.sort_values("date", ignore_index=True)


def china_bitcoin_twh(
    monthly: pd.DataFrame,
    country_shares: pd.DataFrame,
    start: str = "2019-01-01",
    end: str = "2021-12-01",
    sources=MINING_MAP_SOURCES,
) -> pd.DataFrame:
    """China's Bitcoin electricity by month (TWh/yr), from CBECI x China's share of hashrate.

    ``monthly`` is ``btc_electricity_monthly`` (CBECI's annualised network
    consumption, dated on each month's first day) and ``country_shares`` is
    ``btc_hashrate_share_country``.  China's share each month is read from the
    rows of ``sources`` (the Cambridge mining map by default): the month's own
    figure where there is one, else a straight line between the figures before
    and after it; months before the first figure or after the last have no
    share (NaN).  Returns ``date``, ``world_twh_per_year``, ``china_share_pct``,
    ``share_basis`` (``"mining map"``, ``"interpolated"`` or ``"no figure"``)
    and ``china_twh_per_year`` (world x share / 100).
    """
    m = monthly[(monthly["date"] >= pd.Timestamp(start)) & (monthly["date"] <= pd.Timestamp(end))]
    m = m.sort_values("date")
    pts = _china_points(country_shares, sources).groupby("date", as_index=False)["share_pct"].mean()
    if pts.empty:
        raise ValueError("btc_hashrate_share_country has no China rows from " + ", ".join(sources))
    days = m["date"].to_numpy("datetime64[D]").astype(float)
    pt_days = pts["date"].to_numpy("datetime64[D]").astype(float)
    share = np.interp(days, pt_days, pts["share_pct"].to_numpy(), left=np.nan, right=np.nan)
    basis = np.where(
        np.isin(days, pt_days), "mining map", np.where(np.isnan(share), "no figure", "interpolated")
    )
    return pd.DataFrame(
        {
            "date": m["date"].to_numpy(),
            "world_twh_per_year": m["twh_per_year"].to_numpy(float),
            "china_share_pct": share,
            "share_basis": basis,
            "china_twh_per_year": m["twh_per_year"].to_numpy(float) * share / 100,
        }
    )


def share_points(
    monthly: pd.DataFrame, country_shares: pd.DataFrame, sources=("btc-b31",)
) -> pd.DataFrame:
    """China's Bitcoin electricity at the months where ``sources`` give China's share (TWh/yr).

    Returns ``date``, ``period``, ``source``, ``china_share_pct``,
    ``world_twh_per_year`` (CBECI that month) and ``china_twh_per_year``.
    """
    pts = _china_points(country_shares, sources)
    world = monthly.set_index("date")["twh_per_year"]
    pts = pts[pts["date"].isin(world.index)].copy()
    pts["world_twh_per_year"] = pts["date"].map(world).to_numpy(float)
    pts["china_twh_per_year"] = pts["world_twh_per_year"] * pts["share_pct"] / 100
    return pts.rename(columns={"share_pct": "china_share_pct"}).reset_index(drop=True)


def decisive_comparison(
    btc: pd.DataFrame,
    world_summary: pd.DataFrame,
    totals: pd.DataFrame,
    period: str = "mid-2026",
    before_ban: str = "2021-05-01",
) -> dict:
    """Bitcoin's exported electricity against the tokens', one ratio with its range.

    ``btc`` is :func:`china_bitcoin_twh`; its months from the first mining-map
    figure up to ``before_ban`` (excluded) give the Bitcoin side: mean, lowest
    and highest month (TWh/yr).  ``world_summary`` is
    :func:`tokenpower.models.world.summary`; its ``exported_twh_per_year`` in
    ``period`` gives the token side: central value and Monte Carlo band.  The
    ratio is Bitcoin / tokens: central (mean / central), low (lowest month /
    the band's top) and high (highest month / the band's bottom).  ``totals``
    is ``electricity_totals``; both sides are also given as a percentage of
    China's consumption (2021 for Bitcoin, 2025 for tokens) and generation (2021).
    """
    pre = btc[(btc["date"] < pd.Timestamp(before_ban)) & btc["china_twh_per_year"].notna()]
    if pre.empty:
        raise ValueError(f"no month with China's share before {before_ban}")
    s = world_summary[
        (world_summary["period"] == period) & (world_summary["output"] == "exported_twh_per_year")
    ]
    if s.empty:
        raise ValueError(f"world summary has no exported_twh_per_year for period {period!r}")
    tok = s.iloc[0]
    t = totals.set_index("total_id")["twh"]
    b_mean, b_lo, b_hi = (float(pre["china_twh_per_year"].agg(f)) for f in ("mean", "min", "max"))
    out = {
        "btc_first_month": pre["date"].min(),
        "btc_last_month": pre["date"].max(),
        "btc_twh_mean": b_mean,
        "btc_twh_low": b_lo,
        "btc_twh_high": b_hi,
        "tok_twh_central": float(tok["central"]),
        "tok_twh_low": float(tok["p_low"]),
        "tok_twh_high": float(tok["p_high"]),
        "ratio_central": b_mean / float(tok["central"]),
        "ratio_low": b_lo / float(tok["p_high"]),
        "ratio_high": b_hi / float(tok["p_low"]),
        "china_consumption_2021_twh": float(t["chn-consumption-2021"]),
        "china_generation_2021_twh": float(t["chn-production-2021"]),
        "china_consumption_2025_twh": float(t["chn-consumption-2025"]),
    }
    out["btc_pct_of_consumption_2021"] = 100 * b_mean / out["china_consumption_2021_twh"]
    out["btc_pct_of_generation_2021"] = 100 * b_mean / out["china_generation_2021_twh"]
    out["tok_pct_of_consumption_2025"] = (
        100 * out["tok_twh_central"] / out["china_consumption_2025_twh"]
    )
    out["tok_pct_of_consumption_2025_high"] = (
        100 * out["tok_twh_high"] / out["china_consumption_2025_twh"]
    )
    return out
