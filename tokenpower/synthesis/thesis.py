"""The essay's theses as claims of the ledger, each with a computed check.

The ledger (:mod:`tokenpower.synthesis.claims`) checks the essay's numbers;
these checks test its arguments, each read as a number the book computes
(the reading is in the claim's note in ``essay_claims.csv``):

* "tokens have become a derivative of electricity": electricity's share of a
  token's cost (the token cost model);
* "the overseas expansion of tokens is essentially the overseas expansion of
  electricity": the electricity tokens export against Bitcoin's
  (:func:`tokenpower.synthesis.exports.decisive_comparison`);
* "the ceiling still exists": what a total chip ban does by 2030 to the
  Chinese-made share of tokens (the chip-ban paths of the scenario engine);
* "almost non-existent in core enterprise systems": no data;
* "Bitcoin mining was driven out ... a choice made actively by developers":
  China's share of hashrate after the 2021 ban;
* "not even included in any current trade statistics": the services-trade
  classifications that record cross-border computing.

Each function takes the ledger's tables and its ``evidence(t, table, ids)``
helper, and returns the fields of a :class:`~tokenpower.synthesis.claims.BookFigure`
as a dict (the ledger builds the figure; this module does not import it).
"""

from __future__ import annotations

from tokenpower.models import tokencost as tc
from tokenpower.models import world as wl
from tokenpower.synthesis import exports as ex
from tokenpower.synthesis import parallels as pl

__all__ = [
    "THESIS_CHECKS",
    "chip_ban_2030",
    "chip_ceiling",
    "derivative_cost",
    "derivative_twh",
    "driven_out",
    "enterprise",
    "trade_statistics",
]

_COST_ROWS = ("elec_usd_per_kwh_chn_dc", "elec_usd_per_kwh_usa_dc", "pue_chn", "pue_usa")


def derivative_cost(t, evidence) -> dict:
    """Electricity's share of a token's cost, median and range over chips, countries and spec cases."""
    tok = pl.token_economics(t)
    btc = pl.bitcoin_economics(t, 0.05, 4.0)
    return dict(
        central=tok["electricity_share_median_pct"],
        low=tok["electricity_share_low_pct"],
        high=tok["electricity_share_high_pct"],
        unit="%",
        chapter="07-parallels",
        evidence=evidence(t, "assumptions", _COST_ROWS),
        basis=(
            f"electricity is {tok['electricity_share_median_pct']:.1f} % of a token's cost (median over "
            f"chips, China and the US and both ends of the disputed specifications), against "
            f"{btc['electricity_share_median_pct']:.0f} % for a Bitcoin miner at 0.05 USD/kWh: "
            "chips, not power, are a token's main cost"
        ),
    )


def derivative_twh(t, evidence, draws: int = 2000) -> dict:
    """Tokens' exported electricity over Bitcoin's (mid-2026 against Sep 2019-Apr 2021)."""
    btc = ex.china_bitcoin_twh(t["btc_electricity_monthly"], t["btc_hashrate_share_country"])
    c = ex.decisive_comparison(btc, wl.summary(t, draws=draws), t["electricity_totals"])
    anchors = t["world_token_anchors"]
    ratio = float(f"{c['ratio_central']:.2g}")  # two significant figures, as the inputs allow
    return dict(
        central=1 / c["ratio_central"],
        low=1 / c["ratio_high"],
        high=1 / c["ratio_low"],
        unit="ratio",
        chapter="07-parallels",
        tolerance=1.0,
        scale="log10",
        evidence=evidence(
            t, "world_token_anchors", anchors.loc[anchors["check"] == "layer", "anchor_id"]
        ),
        basis=(
            f"tokens served from China to users abroad use about {c['tok_twh_central']:.2g} TWh a year "
            f"(mid-2026, band {c['tok_twh_low']:.2g}-{c['tok_twh_high']:.2g}); China's Bitcoin mining "
            f"used {c['btc_twh_mean']:.0f} TWh a year before the ban ({c['btc_twh_low']:.0f}-"
            f"{c['btc_twh_high']:.0f}), about {ratio:,.0f} times as much"
        ),
    )


def chip_ban_2030(t, supply: str = "central") -> tuple:
    """The engine's 2030 paths with no controls and under a total chip ban (two rows, as Series).

    ``supply`` is the ``chip_supply_chn`` case (``central``, ``low`` or ``high`` end of the
    sources' range for China's fleet and chip supply).  Each row has ``chinese_model_share``
    (Chinese-made models' share of tokens) and ``cn_served_share`` (the share of tokens
    served in China), as fractions.
    """
    from tokenpower import engine as sc
    from tokenpower.policies import chipbans as cb

    market = sc.build_market(t)
    presets = cb.presets(sc.load_scenarios(market, t["scenarios"]))
    a = t["assumptions"]
    growth = tc.assumption_value(a, "token_demand_growth_per_year")
    headroom = tc.assumption_value(a, "serving_capacity_headroom")
    paths = cb.preset_paths(
        market,
        {k: {**presets[k], "chip_supply_chn": supply} for k in ("chipban-none", "chipban-total")},
        growth,
        headroom,
        years=(2030,),
    ).set_index("scenario")
    return paths.loc["chipban-none"], paths.loc["chipban-total"]


def chip_ceiling(t, evidence) -> dict:
    """Chinese-made share of tokens in 2030 under a total chip ban over the share with no controls.

    Central at the central fleet and supply; the range over the sources' low and high ends.
    """
    ratios = {}
    for case in ("central", "low", "high"):
        free, ban = chip_ban_2030(t, case)
        ratios[case] = float(ban["chinese_model_share"] / free["chinese_model_share"])
        if case == "central":
            shares = free, ban
    free, ban = shares
    made_cut = 100 * (1 - ratios["central"])
    served_cut = 100 * float(free["cn_served_share"] - ban["cn_served_share"])
    return dict(
        central=ratios["central"],
        low=min(ratios.values()),
        high=max(ratios.values()),
        unit="ratio",
        chapter="05-chip-bans",
        tolerance=0.01,
        reference=1.0,
        evidence=evidence(
            t,
            "assumptions",
            ["token_demand_growth_per_year", "serving_capacity_headroom", "accel_lifetime_years"],
        )
        + evidence(t, "china_fleet", t["china_fleet"]["fleet_id"]),
        basis=(
            f"in the engine's 2030 paths a total ban moves the Chinese-made share of tokens from "
            f"{100 * free['chinese_model_share']:.0f} % to {100 * ban['chinese_model_share']:.0f} % "
            f"(a cut of {made_cut:.0f} %; {100 * (1 - max(ratios.values())):.0f}-"
            f"{100 * (1 - min(ratios.values())):.0f} % over the sources' range for China's fleet and "
            f"chip supply), while the share served in China falls from "
            f"{100 * free['cn_served_share']:.0f} % to {100 * ban['cn_served_share']:.0f} % "
            f"({served_cut:.0f} points): the ban binds hardest on where tokens are served"
        ),
    )


def enterprise(t, evidence) -> dict:
    return dict(
        central=None,
        basis="no row of the data measures Chinese-made models' use in enterprise systems outside China; "
        "the engine's split of demand between developers, enterprises and the public sector is an "
        "assumption, not a measurement",
    )


def driven_out(t, evidence) -> dict:
    """China's share of hashrate after the 2021 ban (the part of the claim the data can check)."""
    s = t["btc_hashrate_share_country"]
    s = s[s["country"] == "CHN"].set_index("period")
    after, hidden = s.loc["Jul 2021"], s.loc["Sep 2021"]
    return dict(
        central=float(after["share_pct"]),
        unit="%",
        chapter="07-parallels",
        tolerance=0.0,
        evidence=(
            f"btc_hashrate_share_country:Jul 2021 ({after['source']}, {after['confidence']})",
            f"btc_hashrate_share_country:Sep 2021 ({hidden['source']}, {hidden['confidence']})",
        ),
        caveat=(
            f"hidden Chinese mining was back at {hidden['share_pct']:.0f} % of hashrate by September 2021, and "
            "no data show developers' motives, only that Chinese models' share rose where each developer "
            "picks the model"
        ),
        basis="China's share of hashrate in the Cambridge mining map after the 2021 ban",
    )


def trade_statistics(t, evidence) -> dict:
    """How many trade statistics in the data record cross-border sales of computing services."""
    cov = t["services_trade_coverage"]
    yes = cov[cov["covers_cross_border_computing"]]
    return dict(
        central=len(yes),
        unit="trade statistics",
        tolerance=0.0,
        chapter="07-parallels",
        evidence=evidence(t, "services_trade_coverage", yes["classification_id"]),
        basis=(
            "balance-of-payments statistics of trade in services record tokens sold abroad as "
            f"'{yes['item'].iloc[0]}' ({', '.join(yes['classification_id'])}), in money, not as tokens "
            "or kWh; customs data on goods do not, which is the part of the claim that holds"
        ),
    )


THESIS_CHECKS = {
    "thesis-derivative-cost": derivative_cost,
    "thesis-derivative-twh": derivative_twh,
    "thesis-chip-ceiling": chip_ceiling,
    "thesis-enterprise": enterprise,
    "thesis-driven-out": driven_out,
    "thesis-trade-statistics": trade_statistics,
}
"""One check per thesis claim id of essay_claims.csv."""
