"""The three exports side by side: cables, coins and tokens.

Chapter 7 of the book compares the submarine telegraph, Bitcoin mining in
China and the export of AI tokens on the same small set of quantities
(:data:`QUANTITIES`) and on one time axis.  Nothing here is a new model: every
figure comes from the chapters' modules (:mod:`tokenpower.models.telegraph`,
:mod:`tokenpower.models.networks`, :mod:`tokenpower.models.mining`,
:mod:`tokenpower.models.tokencost`, :mod:`tokenpower.engine`) applied to the data
package.

* :func:`era_starts` -- the start year of each technology (from the data or
  from a stated assumption), so that shares line up on *years since start*;
* :func:`british_mileage_shares`, :func:`network_british_mileage_share`,
  :func:`china_hashrate_shares`, :func:`chinese_token_shares` -- the dominant
  power's share in each era, one row per sourced figure;
* :func:`aligned_shares` -- the three series on one axis;
* :func:`telegraph_economics`, :func:`bitcoin_economics`,
  :func:`token_economics` -- each era's numbers as a flat dict;
* :func:`unit_economics_long` and :func:`side_by_side` -- the table of the
  unit economics of the three eras, computed;
* :func:`analogy_tests` -- where the analogy holds and where it breaks, each
  test a number with an explicit threshold.

Units are in the names: ``_pct`` (per cent), ``_usd``, ``_gbp``, ``_kwh``,
``_nmi``, ``_days``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower.models import mining
from tokenpower.models import networks as nw
from tokenpower.models import telegraph as tg
from tokenpower.models import tokencost as tc
from tokenpower.policies import sovereignty as sv

__all__ = [
    "ERAS",
    "ERA_LABELS",
    "ERA_POWERS",
    "QUANTITIES",
    "TELEGRAPH_STARTS",
    "aligned_shares",
    "analogy_tests",
    "bitcoin_economics",
    "british_mileage_shares",
    "china_hashrate_shares",
    "chinese_token_shares",
    "decimal_year",
    "era_starts",
    "network_british_mileage_share",
    "side_by_side",
    "telegraph_economics",
    "token_economics",
    "token_value_per_kwh",
    "unit_economics_long",
]

ERAS = ("telegraph", "bitcoin", "tokens")
"""The three exports, in historical order."""

ERA_LABELS = {
    "telegraph": "Submarine telegraph",
    "bitcoin": "Bitcoin mining",
    "tokens": "Token export",
}
"""Readable names of the eras."""

ERA_POWERS = {"telegraph": "GBR", "bitcoin": "CHN", "tokens": "CHN"}
"""The dominant power of each era (a key of the book's colour table)."""

QUANTITIES = (
    "unit",
    "price per unit",
    "speed",
    "electricity per unit",
    "value delivered per kWh",
    "dominant power's share",
    "what a ban did / would do",
)
"""Rows of the unit-economics table (:func:`side_by_side`), in order: the questions asked of each export."""

TELEGRAPH_STARTS = {
    "first-submarine": "the first submarine cable (Dover-Calais)",
    "first-atlantic": "the first transatlantic cable",
}
"""Valid choices of the telegraph's start year for :func:`era_starts`."""


# -- the time axis -----------------------------------------------------------------


def era_starts(
    cables: pd.DataFrame, assumptions: pd.DataFrame, telegraph_start: str = "first-submarine"
) -> pd.DataFrame:
    """Start year of each era, with its basis and source.

    Parameters
    ----------
    cables : the ``telegraph_cables`` table.  ``"first-submarine"`` takes the
        earliest ``year_used`` of a submarine cable (Dover-Calais, 1851);
        ``"first-atlantic"`` the year of the 1858 Atlantic cable (route
        ``atlantic-1858``).
    assumptions : ``assumptions.csv``; the rows ``era_start_bitcoin`` and
        ``era_start_llm_api`` give the other two start years (no source in
        ``sources.csv`` dates them; each row states its reasoning and a range).

    Returns
    -------
    One row per era: ``era``, ``start_year``, ``start_low``, ``start_high``,
    ``basis`` (words) and ``source`` (a key of sources.csv).
    """
    if telegraph_start not in TELEGRAPH_STARTS:
        raise ValueError(
            f"telegraph_start must be one of {', '.join(TELEGRAPH_STARTS)}, not {telegraph_start!r}"
        )
    subs = cables[cables["kind"] == "cable"]
    if telegraph_start == "first-submarine":
        row = subs.sort_values(["year_used", "cable_id"]).iloc[0]
    else:
        row = subs[subs["route"] == "atlantic-1858"].sort_values("year_used").iloc[0]
    rows = [
        {
            "era": "telegraph",
            "start_year": int(row["year_used"]),
            "start_low": int(row["year_used"]),
            "start_high": int(row["year_used"]),
            "basis": TELEGRAPH_STARTS[telegraph_start],
            "source": row["source"],
        }
    ]
    for era, key in (("bitcoin", "era_start_bitcoin"), ("tokens", "era_start_llm_api")):
        a = assumptions[assumptions["id"] == key]
        if a.empty:
            raise KeyError(f"assumptions.csv has no row {key!r}")
        a = a.iloc[0]
        rows.append(
            {
                "era": era,
                "start_year": int(a["value"]),
                "start_low": int(a["low"]),
                "start_high": int(a["high"]),
                "basis": a["description"],
                "source": a["source"],
            }
        )
    return pd.DataFrame(rows)


def decimal_year(dates) -> np.ndarray:
    """Dates as decimal years (1 July 2021 -> about 2021.5)."""
    d = pd.to_datetime(pd.Series(dates))
    return (d.dt.year + (d.dt.day_of_year - 1) / 365.25).to_numpy(float)


def _mid_date(start, end) -> pd.Series:
    """Middle of each period (the start where there is no end)."""
    start, end = pd.to_datetime(pd.Series(start)), pd.to_datetime(pd.Series(end))
    return start + (end.fillna(start) - start) / 2


# -- the dominant power's share ------------------------------------------------------


def british_mileage_shares(ownership: pd.DataFrame) -> pd.DataFrame:
    """British shares of the world's submarine cable mileage from ``telegraph_ownership``.

    Only years with both a British and a world figure: 1891 as two bounds
    (the three British companies the source names, a lower bound; all private
    companies, "nearly all British", an upper bound) and 1921 (British
    companies / world total, both given as lower bounds, so an estimate).
    Returns ``year``, ``date``, ``share_pct``, ``bound`` (``lower``,
    ``upper``, ``estimate``), ``basis`` and ``source``.
    """
    by = ownership.set_index(["year", "owner"])["nmi"]
    src = ownership.set_index(["year", "owner"])["source"]

    def row(year, owners, bound, basis):
        share = 100 * sum(by[(year, o)] for o in owners) / by[(year, "world_total")]
        return {
            "year": year,
            "date": pd.Timestamp(year=year, month=7, day=1),
            "share_pct": float(share),
            "bound": bound,
            "basis": basis,
            "source": src[(year, owners[0])],
        }

    return pd.DataFrame(
        [
            row(
                1891,
                ["eastern_telegraph", "eastern_extension", "anglo_american"],
                "lower",
                "three British companies named by the source / world mileage",
            ),
            row(
                1891,
                ["all_private"],
                "upper",
                "all private companies ('nearly all British') / world mileage",
            ),
            row(
                1921,
                ["british_companies"],
                "estimate",
                "British companies / world mileage (both lower bounds)",
            ),
        ]
    )


def network_british_mileage_share(hubs: pd.DataFrame, cables: pd.DataFrame, years) -> pd.DataFrame:
    """British-owned share of the *known* submarine cable length in the book's network, by year.

    For each year, the cables of :func:`tokenpower.models.networks.cable_network`
    whose kind is ``cable`` and whose length is known; a cable counts as
    British when its ``british_imperial`` flag is true.  The book's network
    is a sample of the main routes, not the world's mileage.  Returns
    ``year``, ``british_nmi``, ``total_nmi``, ``share_pct``.
    """
    rows = []
    for year in years:
        g = nw.cable_network(hubs, cables, int(year))
        lengths = [
            (d["length_nmi"], d["british"])
            for *_, d in g.edges(data=True)
            if d["kind"] == "cable" and d["length_nmi"] is not None
        ]
        total = sum(n for n, _ in lengths)
        british = sum(n for n, b in lengths if b)
        rows.append(
            {
                "year": int(year),
                "british_nmi": british,
                "total_nmi": total,
                "share_pct": 100 * british / total if total else np.nan,
            }
        )
    return pd.DataFrame(rows)


def china_hashrate_shares(country_shares: pd.DataFrame) -> pd.DataFrame:
    """China's share of Bitcoin hashrate, every sourced row of ``btc_hashrate_share_country``.

    Returns ``date`` (middle of the row's period), ``period``, ``share_pct``,
    ``qualifier``, ``source``, ``confidence``, sorted by date.
    """
    rows = country_shares[country_shares["country"] == "CHN"]
    out = pd.DataFrame(
        {
            "date": _mid_date(rows["date"], rows["date_end"]).to_numpy(),
            "period": rows["period"].to_numpy(),
            "share_pct": rows["share_pct"].astype(float).to_numpy(),
            "qualifier": rows["value_qualifier"].to_numpy(),
            "source": rows["source"].to_numpy(),
            "confidence": rows["confidence"].to_numpy(),
        }
    )
    return out.sort_values(["date", "source"], ignore_index=True)


_TOKEN_SCOPES = {
    "top10-models": "top-10 models",
    "all-tokens": "all tokens, open-weight models only",
    "chinese-vs-us-models": "Chinese vs US models",
    "all-models-view": "all models view",
    "lab-shares": "all tokens, labs listed",
}


def chinese_token_shares(
    or_shares: pd.DataFrame, or_volumes: pd.DataFrame, labs: pd.DataFrame
) -> pd.DataFrame:
    """Chinese models' share of OpenRouter tokens, every figure in the data, with its scope.

    Three kinds of rows, which count different things and are kept apart by
    ``scope``: shares stated by a source (``openrouter_shares``: the top-10
    week, Chinese open-weight models' share of all tokens); China / (China +
    USA) of the weekly volumes (:func:`tokenpower.models.tokencost.china_us_weekly`);
    and the sum of the Chinese labs' token shares where a source lists labs
    (``labs`` gives each lab's country; a lower bound, as unlisted labs are
    missing).  Returns ``date``, ``share_pct``, ``scope``, ``source``,
    ``confidence``, sorted by date.
    """
    frames = []
    stated = or_shares[
        (or_shares["basis"] == "tokens")
        & ((or_shares["group"] == "china") | (or_shares["group"] == "china-oss"))
        & (or_shares["date_precision"] == "month")
        & ((or_shares["period_end"] - or_shares["period_start"]).dt.days < 100)
    ]
    frames.append(
        pd.DataFrame(
            {
                "date": _mid_date(stated["period_start"], stated["period_end"]).to_numpy(),
                "share_pct": stated["share_pct"].astype(float).to_numpy(),
                "scope": stated["scope"].map(_TOKEN_SCOPES).to_numpy(),
                "source": stated["source"].to_numpy(),
                "confidence": stated["confidence"].to_numpy(),
            }
        )
    )
    weekly = tc.china_us_weekly(or_volumes)
    frames.append(
        pd.DataFrame(
            {
                "date": weekly["period_start"].to_numpy(),
                "share_pct": 100 * weekly["china_share"].to_numpy(),
                "scope": weekly["scope"].map(_TOKEN_SCOPES).to_numpy(),
                "source": weekly["source"].to_numpy(),
                "confidence": weekly["confidence"].to_numpy(),
            }
        )
    )
    lab_rows = or_shares[
        (or_shares["group"] == "lab")
        & (or_shares["basis"] == "tokens")
        & (or_shares["scope"] == "all-tokens")
    ]
    lab_rows = lab_rows.merge(
        labs[["lab_id", "country"]].rename(columns={"country": "lab_country"}),
        on="lab_id",
        how="left",
    )
    for (start, end, source), g in lab_rows.groupby(["period_start", "period_end", "source"]):
        frames.append(
            pd.DataFrame(
                {
                    "date": _mid_date([start], [end]).to_numpy(),
                    "share_pct": [float(g.loc[g["lab_country"] == "CHN", "share_pct"].sum())],
                    "scope": [_TOKEN_SCOPES["lab-shares"]],
                    "source": [source],
                    "confidence": [g["confidence"].iloc[0]],
                }
            )
        )
    return pd.concat(frames, ignore_index=True).sort_values(["date", "scope"], ignore_index=True)


def aligned_shares(series: dict[str, pd.DataFrame], starts: pd.DataFrame) -> pd.DataFrame:
    """The dominant power's share in each era on one axis: years since the era's start.

    ``series`` maps an era to a frame with ``date`` and ``share_pct`` (and
    optionally ``measure``, ``source``); ``starts`` is :func:`era_starts`.
    Returns ``era``, ``power``, ``date``, ``year`` (decimal),
    ``years_since_start``, ``share_pct``, ``measure`` and ``source``.
    """
    start = starts.set_index("era")["start_year"]
    frames = []
    for era, frame in series.items():
        if era not in start.index:
            raise KeyError(f"no start year for era {era!r}")
        year = decimal_year(frame["date"])
        frames.append(
            pd.DataFrame(
                {
                    "era": era,
                    "power": ERA_POWERS[era],
                    "date": pd.to_datetime(frame["date"]).to_numpy(),
                    "year": year,
                    "years_since_start": year - float(start[era]),
                    "share_pct": frame["share_pct"].astype(float).to_numpy(),
                    "measure": frame["measure"].to_numpy() if "measure" in frame else "",
                    "source": frame["source"].to_numpy() if "source" in frame else "",
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# -- each era's numbers ----------------------------------------------------------------


def telegraph_economics(t: dict[str, pd.DataFrame]) -> dict:
    """The telegraph's numbers for the comparison, from chapter 1's functions.

    ``t`` holds the tables ``telegraph_milestones``, ``telegraph_deflators``,
    ``telegraph_hubs``, ``telegraph_cables`` and ``telegraph_ownership``.
    Returns tariff (GBP per word in 1866 and its range in today's pounds),
    speeds (words per minute, 1858 and 1866), the British shares (mileage
    and the book's network), and the 1914 cut (hubs Germany reaches before
    and after, from :func:`tokenpower.policies.sovereignty.telegraph_cut_reach`;
    ``de_reach_lost_pct``).
    """
    ms, cables, hubs = t["telegraph_milestones"], t["telegraph_cables"], t["telegraph_hubs"]
    tariff = float(tg.milestone(ms, "tariff_gbp_per_word", "cable_1866")["value"].iloc[0])
    today = tg.deflate_gbp(tariff, t["telegraph_deflators"], tg.usd_gold_per_gbp(ms))
    gbp = today[today["currency"] == "GBP"]
    queen = tg.queen_message_speeds(ms)
    wpm_1866 = tg.milestone(ms, "speed_wpm", "cable_1866")["value"]
    mileage = british_mileage_shares(t["telegraph_ownership"])
    net = network_british_mileage_share(hubs, cables, tg.SLICE_YEARS)
    cut = sv.telegraph_cut_reach(hubs, cables, owner="DEU", year=1914)
    before, after = cut["before"], cut["after"]
    return {
        "tariff_gbp_per_word": tariff,
        "tariff_today_gbp_low": float(gbp["value"].min()),
        "tariff_today_gbp_high": float(gbp["value"].max()),
        "tariff_today_year": int(gbp["to_year"].max()),
        "wpm_1858_low": float(queen["wpm"].min()),
        "wpm_1858_high": float(queen["wpm"].max()),
        "wpm_1866_low": float(wpm_1866.min()),
        "wpm_1866_high": float(wpm_1866.max()),
        "british_mileage": mileage,
        "british_network": net,
        "british_share_1891_low_pct": float(
            mileage.loc[mileage["bound"] == "lower", "share_pct"].iloc[0]
        ),
        "british_share_1891_high_pct": float(
            mileage.loc[mileage["bound"] == "upper", "share_pct"].iloc[0]
        ),
        "british_share_1921_pct": float(mileage.loc[mileage["year"] == 1921, "share_pct"].iloc[0]),
        "british_network_share_max_pct": float(net["share_pct"].max()),
        "british_network_share_1914_pct": float(net.loc[net["year"] == 1914, "share_pct"].iloc[0]),
        "cables_cut_1914": int(tg.milestone(ms, "cables_cut", "cut_1914")["value"].iloc[0]),
        "de_reach_before": before,
        "de_reach_after": after,
        "de_reach_lost_pct": 100 * (1 - after / before) if before else np.nan,
    }


def bitcoin_economics(
    b: dict[str, pd.DataFrame], tariff_usd_per_kwh: float, life_years: float
) -> dict:
    """Bitcoin's numbers for the comparison, from chapter 2's functions.

    ``b`` holds ``btc_miners``, ``btc_hashprice``, ``btc_machine_prices``,
    ``btc_network_hashrate`` and ``btc_hashrate_share_country``.  Revenue per
    kWh and electricity share are over every machine released at each
    hashprice date (:func:`tokenpower.models.mining.bitcoin_value_per_kwh`) at
    ``tariff_usd_per_kwh`` and ``life_years``.  The ban: the 7-day average
    hashrate's drawdown and days from trough to regaining the May 2021 peak
    (:func:`tokenpower.models.mining.recovery_time`), China's share before, just
    after and six months after.
    """
    value = mining.bitcoin_value_per_kwh(
        b["btc_miners"], b["btc_hashprice"], b["btc_machine_prices"], tariff_usd_per_kwh, life_years
    )
    value = value[value["released"]]
    fleet = mining.machine_table(b["btc_miners"])
    hp = b["btc_hashprice"]
    rec = mining.recovery_time(
        mining.hashrate_series(b["btc_network_hashrate"], "7dma"), peak_before="2021-06-01"
    )
    shares = china_hashrate_shares(b["btc_hashrate_share_country"])
    cbeci = shares[shares["source"].isin(["btc-b1", "btc-b2", "btc-b6"])].set_index("period")[
        "share_pct"
    ]
    return {
        "hashprice_low": float(hp["usd_per_th_day"].min()),
        "hashprice_high": float(hp["usd_per_th_day"].max()),
        "peak_ehs": rec.peak,
        "trough_ehs": rec.trough,
        "j_per_th_low": float(fleet["j_per_th"].min()),
        "j_per_th_high": float(fleet["j_per_th"].max()),
        "revenue_usd_per_kwh_low": float(value["revenue_usd_per_kwh"].min()),
        "revenue_usd_per_kwh_median": float(value["revenue_usd_per_kwh"].median()),
        "revenue_usd_per_kwh_high": float(value["revenue_usd_per_kwh"].max()),
        "electricity_share_low_pct": 100 * float(value["electricity_share"].min()),
        "electricity_share_median_pct": 100 * float(value["electricity_share"].median()),
        "electricity_share_high_pct": 100 * float(value["electricity_share"].max()),
        "china_shares": shares,
        "china_share_peak_pct": float(shares["share_pct"].max()),
        "china_share_peak_source": shares.loc[shares["share_pct"].idxmax(), "source"],
        "china_share_before_ban_pct": float(cbeci["Apr 2021"]),
        "china_share_after_ban_pct": float(cbeci["Jul 2021"]),
        "china_share_jan_2022_pct": float(cbeci["Jan 2022"]),
        "drawdown_pct": 100 * rec.drawdown,
        "recovery_days": rec.days_trough_to_recovery,
        "recovery_date": rec.recovery_date,
        "tariff_usd_per_kwh": float(tariff_usd_per_kwh),
        "life_years": float(life_years),
    }


def token_value_per_kwh(
    first: pd.DataFrame,
    accel: pd.DataFrame,
    anchor: dict,
    assumptions: pd.DataFrame,
    accelerator_id: str,
    country_sites: pd.DataFrame,
    output_fraction: float,
    **common,
) -> pd.DataFrame:
    """Revenue per kWh of each open-weight model at its own list price (USD/kWh).

    ``first`` is :func:`tokenpower.models.tokencost.first_party_prices`; models
    without active parameters are left out.  For each model and each row of
    ``country_sites`` (``country``, ``pue``, ``electricity_usd_per_kwh``)
    the cost model gives kWh and cost per blended million tokens on
    ``accelerator_id``; the list price is blended at ``output_fraction``.
    Returns ``name``, ``country``, ``price_usd_per_m``, ``cost_usd_per_m``,
    ``kwh_per_m``, ``usd_per_kwh`` and ``electricity_share``.
    """
    rows = []
    for m in first.dropna(subset=["active_params_b"]).itertuples(index=False):
        for site in country_sites.itertuples(index=False):
            r = tc.token_cost(
                tc.cost_inputs(
                    accel,
                    anchor,
                    assumptions,
                    accelerator_id,
                    m.active_params_b,
                    pue=site.pue,
                    electricity_usd_per_kwh=site.electricity_usd_per_kwh,
                    **common,
                ),
                output_fraction,
            ).iloc[0]
            price = float(
                tc.blended_per_million(m.usd_per_m_input, m.usd_per_m_output, output_fraction)
            )
            rows.append(
                {
                    "name": m.name,
                    "country": site.country,
                    "price_usd_per_m": price,
                    "cost_usd_per_m": float(r["usd_per_m_blended"]),
                    "kwh_per_m": float(r["kwh_per_m_blended"]),
                    "usd_per_kwh": price / float(r["kwh_per_m_blended"]),
                    "electricity_share": float(r["electricity_share"]),
                }
            )
    return pd.DataFrame(rows)


def token_economics(
    k: dict[str, pd.DataFrame],
    accelerator_id: str = "h800",
    model_id: str = "deepseek-v3",
    output_fraction: float = 0.22,
    ban_premium: float = 1.0,
    scenario_shares: dict | None = None,
) -> dict:
    """The token's numbers for the comparison, from chapter 3's cost model.

    ``k`` holds ``assumptions``, ``accelerators``, ``accelerator_specs``,
    ``inference_measurements``, ``model_parameters``, ``model_prices``,
    ``llm_models``, ``labs``, ``accelerator_export_status`` and
    ``openrouter_shares``.  Sites in China and the USA take the central PUE
    and tariff of the assumptions.  ``ban_premium`` (fraction of the card
    price) is put on the chips restricted for China to show what a chip ban
    does to a token's cost.  ``scenario_shares`` (optional) maps a label to
    the Chinese-made models' share of tokens (0-1) in a scenario of the
    engine, e.g. from :func:`tokenpower.policies.sovereignty.preset_summary`.
    """
    a = k["assumptions"]
    accel = tc.accelerator_inputs(k["accelerators"], k["accelerator_specs"], a)
    anchor = tc.deepseek_anchor(k["inference_measurements"], k["model_parameters"], accel)
    params = k["model_parameters"].drop_duplicates("model_id").set_index("model_id")
    active = float(params.loc[model_id, "active_params_b"])
    sites = tc.china_us_sites(a)
    restricted = tc.restricted_accelerators(k["accelerator_export_status"], "CHN", "2026-03-01")
    costs = tc.site_costs(accel, anchor, a, active, sites, 0.0, restricted, output_fraction)
    banned = tc.site_costs(
        accel, anchor, a, active, sites, ban_premium, restricted, output_fraction
    )
    central = costs[costs["case"] == "central"].set_index(["accelerator_id", "country"])
    banned_c = banned[banned["case"] == "central"].set_index(["accelerator_id", "country"])
    mine = central.loc[(accelerator_id, "CHN")]
    first = tc.first_party_prices(k["model_prices"], k["llm_models"], k["labs"])
    value = token_value_per_kwh(
        first, accel, anchor, a, accelerator_id, sites.iloc[[0]], output_fraction
    )
    cn_first = first[first["country"] == "CHN"]
    shares = k["openrouter_shares"].set_index("share_id")
    cn_allowed = central.xs("CHN", level="country").drop(
        index=[r for r in restricted if r in central.xs("CHN", level="country").index]
    )
    out = {
        "accelerator": accelerator_id,
        "model": model_id,
        "active_params_b": active,
        "price_cn_input_low": float(cn_first["usd_per_m_input"].min()),
        "price_cn_input_high": float(cn_first["usd_per_m_input"].max()),
        "price_cn_output_low": float(cn_first["usd_per_m_output"].min()),
        "price_cn_output_high": float(cn_first["usd_per_m_output"].max()),
        "anchor_output_tps_per_gpu": anchor["output_tokens_per_s_per_gpu"],
        "anchor_input_tps_per_gpu": anchor["input_tokens_per_s_per_gpu"],
        "kwh_per_m_output": float(mine["kwh_per_m_output"]),
        "kwh_per_m_blended": float(mine["kwh_per_m_blended"]),
        "cost_usd_per_m_output": float(mine["usd_per_m_output"]),
        "value_usd_per_kwh_low": float(value["usd_per_kwh"].min()),
        "value_usd_per_kwh_median": float(value["usd_per_kwh"].median()),
        "value_usd_per_kwh_high": float(value["usd_per_kwh"].max()),
        "electricity_share_low_pct": 100 * float(costs["electricity_share"].min()),
        "electricity_share_median_pct": 100 * float(costs["electricity_share"].median()),
        "electricity_share_high_pct": 100 * float(costs["electricity_share"].max()),
        "electricity_share_cn_pct": 100 * float(mine["electricity_share"]),
        "china_share_top10_pct": float(shares.loc["top10-cn-2026-02", "share_pct"]),
        "ban_premium": float(ban_premium),
        "restricted": restricted,
        "ban_cost_usd_per_m_output": float(
            banned_c.loc[(accelerator_id, "CHN"), "usd_per_m_output"]
        ),
        "ban_cost_rise_pct": 100
        * (
            float(banned_c.loc[(accelerator_id, "CHN"), "usd_per_m_output"])
            / float(mine["usd_per_m_output"])
            - 1
        ),
        "cheapest_unrestricted": cn_allowed["usd_per_m_output"].idxmin(),
        "cheapest_unrestricted_usd_per_m_output": float(cn_allowed["usd_per_m_output"].min()),
        "value_table": value,
    }
    out["scenario_shares_pct"] = {
        label: 100 * float(v) for label, v in (scenario_shares or {}).items()
    }
    return out


# -- the table and the tests ----------------------------------------------------------------


def _rng(lo, hi, fmt, unit=""):
    text = f"{lo:{fmt}}" if np.isclose(lo, hi) else f"{lo:{fmt}}-{hi:{fmt}}"
    return f"{text} {unit}".strip()


def unit_economics_long(tel: dict, btc: dict, tok: dict) -> pd.DataFrame:
    """The unit-economics table, one row per quantity and era, with numbers and a display text.

    Columns: ``quantity`` (one of :data:`QUANTITIES`), ``era``, ``low``,
    ``high`` (numbers where the cell has one, else NaN), ``unit`` and
    ``text`` (what the table shows).  The inputs are the dicts of
    :func:`telegraph_economics`, :func:`bitcoin_economics` and
    :func:`token_economics`.
    """
    nan = np.nan
    ban_share = tok["scenario_shares_pct"]
    ban_text = (
        f"a {100 * tok['ban_premium']:.0f} % premium on restricted chips raises the cost of a token on the "
        f"{tok['accelerator'].upper()} in China by {tok['ban_cost_rise_pct']:.0f} %"
    )
    if ban_share:
        ban_text += "; Chinese-made models' share of the calibration week: " + ", ".join(
            f"{v:.0f} % ({k})" for k, v in ban_share.items()
        )
    rows = [
        ("unit", "telegraph", nan, nan, "", "word"),
        ("unit", "bitcoin", nan, nan, "", "terahash (TH)"),
        ("unit", "tokens", nan, nan, "", "million tokens"),
        (
            "price per unit",
            "telegraph",
            tel["tariff_gbp_per_word"],
            tel["tariff_gbp_per_word"],
            "GBP/word",
            f"£{tel['tariff_gbp_per_word']:.0f} per word (1866), "
            f"£{tel['tariff_today_gbp_low']:.0f}-{tel['tariff_today_gbp_high']:.0f} "
            f"in {tel['tariff_today_year']} pounds",
        ),
        (
            "price per unit",
            "bitcoin",
            btc["hashprice_low"],
            btc["hashprice_high"],
            "USD/TH/day",
            "hashprice "
            + _rng(btc["hashprice_low"], btc["hashprice_high"], ".3f", "USD per TH/s per day")
            + " (2021-2022)",
        ),
        (
            "price per unit",
            "tokens",
            tok["price_cn_input_low"],
            tok["price_cn_output_high"],
            "USD/M tokens",
            "Chinese models' list prices "
            + _rng(tok["price_cn_input_low"], tok["price_cn_input_high"], ".2f")
            + " input, "
            + _rng(
                tok["price_cn_output_low"],
                tok["price_cn_output_high"],
                ".2f",
                "USD per million tokens output",
            ),
        ),
        (
            "speed",
            "telegraph",
            tel["wpm_1858_low"],
            tel["wpm_1866_high"],
            "words/min",
            _rng(tel["wpm_1858_low"], tel["wpm_1858_high"], ".2f")
            + " words per minute (1858), "
            + _rng(tel["wpm_1866_low"], tel["wpm_1866_high"], ".0f")
            + " (1866)",
        ),
        (
            "speed",
            "bitcoin",
            btc["trough_ehs"],
            btc["peak_ehs"],
            "EH/s",
            f"network {btc['peak_ehs']:.0f} EH/s at the May 2021 peak, {btc['trough_ehs']:.0f} at the trough",
        ),
        (
            "speed",
            "tokens",
            tok["anchor_output_tps_per_gpu"],
            tok["anchor_input_tps_per_gpu"],
            "tokens/s per GPU",
            f"{tok['anchor_output_tps_per_gpu']:,.0f} output and "
            f"{tok['anchor_input_tps_per_gpu']:,.0f} input tokens/s per H800 (DeepSeek)",
        ),
        ("electricity per unit", "telegraph", nan, nan, "", "none: the value is information"),
        (
            "electricity per unit",
            "bitcoin",
            btc["j_per_th_low"],
            btc["j_per_th_high"],
            "J/TH",
            _rng(btc["j_per_th_low"], btc["j_per_th_high"], ".1f", "J/TH") + " (S21 to S7)",
        ),
        (
            "electricity per unit",
            "tokens",
            tok["kwh_per_m_blended"],
            tok["kwh_per_m_output"],
            "kWh/M tokens",
            f"{tok['kwh_per_m_blended']:.3f} kWh per blended million, {tok['kwh_per_m_output']:.2f} per million output "
            f"({tok['model']}, {tok['accelerator'].upper()}, China)",
        ),
        ("value delivered per kWh", "telegraph", nan, nan, "", "n/a"),
        (
            "value delivered per kWh",
            "bitcoin",
            btc["revenue_usd_per_kwh_low"],
            btc["revenue_usd_per_kwh_high"],
            "USD/kWh",
            _rng(
                btc["revenue_usd_per_kwh_low"],
                btc["revenue_usd_per_kwh_high"],
                ".2f",
                "USD per kWh",
            )
            + f" (median {btc['revenue_usd_per_kwh_median']:.2f})",
        ),
        (
            "value delivered per kWh",
            "tokens",
            tok["value_usd_per_kwh_low"],
            tok["value_usd_per_kwh_high"],
            "USD/kWh",
            _rng(tok["value_usd_per_kwh_low"], tok["value_usd_per_kwh_high"], ".1f", "USD per kWh")
            + f" (median {tok['value_usd_per_kwh_median']:.1f})",
        ),
        (
            "dominant power's share",
            "telegraph",
            tel["british_share_1921_pct"],
            tel["british_share_1891_high_pct"],
            "%",
            f"British share of cable mileage: "
            f"{tel['british_share_1891_low_pct']:.0f}-{tel['british_share_1891_high_pct']:.0f} % "
            f"(1891 bounds), {tel['british_share_1921_pct']:.0f} % (1921)",
        ),
        (
            "dominant power's share",
            "bitcoin",
            btc["china_share_peak_pct"],
            btc["china_share_peak_pct"],
            "%",
            f"China's share of hashrate: peak {btc['china_share_peak_pct']:.1f} %",
        ),
        (
            "dominant power's share",
            "tokens",
            tok["china_share_top10_pct"],
            tok["china_share_top10_pct"],
            "%",
            f"Chinese models' share of the top-10 models' tokens: {tok['china_share_top10_pct']:.0f} % (Feb 2026)",
        ),
        (
            "what a ban did / would do",
            "telegraph",
            tel["de_reach_after"],
            tel["de_reach_before"],
            "hubs",
            f"1914 cut of {tel['cables_cut_1914']} German cables: Germany reaches {tel['de_reach_after']} of "
            f"{tel['de_reach_before']} hubs",
        ),
        (
            "what a ban did / would do",
            "bitcoin",
            btc["drawdown_pct"],
            btc["drawdown_pct"],
            "%",
            f"2021 ban: China {btc['china_share_before_ban_pct']:.0f} % "
            f"-> {btc['china_share_after_ban_pct']:.0f} % of hashrate; "
            f"network hashrate -{btc['drawdown_pct']:.0f} %, back to "
            f"its peak {btc['recovery_days']} days after the trough",
        ),
        (
            "what a ban did / would do",
            "tokens",
            tok["ban_cost_rise_pct"],
            tok["ban_cost_rise_pct"],
            "%",
            ban_text,
        ),
    ]
    return pd.DataFrame(rows, columns=["quantity", "era", "low", "high", "unit", "text"])


def side_by_side(long: pd.DataFrame) -> pd.DataFrame:
    """:func:`unit_economics_long` as a table: a row per quantity, a column per era."""
    wide = long.pivot(index="quantity", columns="era", values="text").loc[
        list(QUANTITIES), list(ERAS)
    ]
    wide.columns = [ERA_LABELS[e] for e in ERAS]
    wide.columns.name = None
    return wide.reset_index().rename(columns={"quantity": "Quantity"})


def analogy_tests(
    tel: dict,
    btc: dict,
    tok: dict,
    comparable_factor: float = 2.0,
    dominance_threshold_pct: float = 50.0,
) -> pd.DataFrame:
    """Where the analogy holds and where it breaks, each as a number against a stated threshold.

    Tests (``holds`` is a bool):

    1. *Electricity weighs as much in a token as in a hash*: holds if the
       token's median electricity share of cost is within a factor
       ``comparable_factor`` of Bitcoin's.
    2. *A kWh earns more as tokens than as hashes*: median revenue per kWh.
    3. *One power dominates*: each era's peak share above
       ``dominance_threshold_pct``.
    4. *A ban removes the power's position for good*: the 1914 cut left
       Germany a fraction of its reach for the war; China's share of
       hashrate returned to a fifth within months; the token ban's effect.

    Returns ``test``, ``telegraph``, ``bitcoin``, ``tokens`` (texts),
    ``holds`` and ``because`` (the numbers that decide).
    """
    rows = []
    b, t = btc["electricity_share_median_pct"], tok["electricity_share_median_pct"]
    rows.append(
        {
            "test": "electricity weighs as much in a token as in a hash",
            "telegraph": "no electricity input",
            "bitcoin": f"{b:.0f} % of cost (median)",
            "tokens": f"{t:.1f} % of cost (median)",
            "holds": bool(t * comparable_factor >= b),
            "because": (
                f"Bitcoin's share is {b / t:.0f} times the token's (the "
                f"analogy holds within a factor {comparable_factor:g})"
            ),
        }
    )
    bv, tv = btc["revenue_usd_per_kwh_median"], tok["value_usd_per_kwh_median"]
    rows.append(
        {
            "test": "a kWh earns more as tokens",
            "telegraph": "n/a",
            "bitcoin": f"{bv:.2f} USD/kWh",
            "tokens": f"{tv:.1f} USD/kWh",
            "holds": bool(tv > bv),
            "because": f"tokens earn {tv / bv:.0f} times more per kWh",
        }
    )
    peaks = {
        "telegraph": tel["british_share_1891_high_pct"],
        "bitcoin": btc["china_share_peak_pct"],
        "tokens": tok["china_share_top10_pct"],
    }
    rows.append(
        {
            "test": "one power holds a majority",
            "telegraph": f"{tel['british_share_1891_low_pct']:.0f}-{peaks['telegraph']:.0f} % (1891)",
            "bitcoin": f"{peaks['bitcoin']:.0f} % (peak)",
            "tokens": f"{peaks['tokens']:.0f} % (top 10, one week)",
            "holds": bool(all(v > dominance_threshold_pct for v in peaks.values())),
            "because": "; ".join(f"{ERA_LABELS[e]} {v:.0f} %" for e, v in peaks.items()),
        }
    )
    recovered = btc["china_share_jan_2022_pct"]
    rows.append(
        {
            "test": "a ban removes the position",
            "telegraph": f"Germany keeps {100 - tel['de_reach_lost_pct']:.0f} % of its reach",
            "bitcoin": (
                f"China {btc['china_share_after_ban_pct']:.0f} % then "
                f"{recovered:.0f} %; network back in {btc['recovery_days']} days"
            ),
            "tokens": f"cost +{tok['ban_cost_rise_pct']:.0f} % on a restricted chip; an unrestricted one "
            f"({tok['cheapest_unrestricted'].upper()}) serves at "
            f"{tok['cheapest_unrestricted_usd_per_m_output']:.2f} USD/M output"
            + "".join(f"; {k}: {v:.0f} %" for k, v in tok.get("scenario_shares_pct", {}).items()),
            "holds": bool(tel["de_reach_lost_pct"] > 50 and recovered < 5),
            "because": (
                f"the cut removed {tel['de_reach_lost_pct']:.0f} % "
                f"of Germany's reach; Chinese mining came back to "
                f"{recovered:.0f} % and the network recovered"
            ),
        }
    )
    return pd.DataFrame(rows)
