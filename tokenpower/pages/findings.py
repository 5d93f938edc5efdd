"""What the book found: the essay's questions, each answered in plain words with its number and range.

:func:`findings` computes every answer through the functions the chapters and the claims ledger
use (the thesis checks of :mod:`tokenpower.synthesis.thesis`, the unit economics of
:mod:`tokenpower.synthesis.parallels`, the electricity comparison of
:mod:`tokenpower.synthesis.exports` and the rule presets of
:mod:`tokenpower.policies.sovereignty`), so the answers follow the chapters when their models
change.  The sentences are written by :mod:`tokenpower.pages.words`: a change that rounds to
nothing reads "stays at", a range whose ends round alike is one number, and the verdict word
("No", "Mostly", ...) is chosen from the values, never typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tokenpower.pages.words import change, count, number, span, times

__all__ = ["Finding", "findings"]


@dataclass(frozen=True)
class Finding:
    """One answer: ``key`` (for glue names), the ``question``, a ``short`` answer (one sentence),
    the full ``answer`` and the ``chapters`` (file stems) that show it."""

    key: str
    question: str
    short: str
    answer: str
    chapters: tuple[str, ...]


def _pct(fraction: float, digits: int = 2) -> str:
    return f"{number(100 * fraction, digits)} %"


def _electricity(t) -> Finding:
    from tokenpower.synthesis import parallels as pl
    from tokenpower.synthesis import thesis as th

    tok = th.derivative_cost(t, lambda *a: ())
    btc = pl.bitcoin_economics(t, 0.05, 4.0)
    btc_lo, btc_hi = btc["electricity_share_low_pct"], btc["electricity_share_high_pct"]
    tok_lo, tok_hi = tok["low"], tok["high"]
    if tok_hi < btc_lo:
        verdict = "No"
    elif tok_hi < btc_hi:
        verdict = "Less than Bitcoin was"
    else:
        verdict = "Yes"
    short = (
        f"{verdict}: electricity is about {number(tok['central'])} % of a token's cost, "
        f"against {span(btc_lo, btc_hi)} % of a Bitcoin miner's."
    )
    answer = (
        f"{verdict}. Electricity is about {number(tok['central'])} % of what it costs to serve a token "
        f"({span(tok_lo, tok_hi, unit=' %')} across chips, China and the US, and both readings of the "
        f"models' disputed specifications). For a Bitcoin miner it was {span(btc_lo, btc_hi, unit=' %')} "
        f"(at 0.05 USD per kWh). A token's main cost is the chips that compute it, not the power."
    )
    return Finding(
        "electricity",
        "Is a token a 'derivative of electricity', as a mined bitcoin is?",
        short,
        answer,
        ("03-tokens", "02-bitcoin", "07-parallels"),
    )


def _exported(t, draws: int) -> Finding:
    from tokenpower.models import world as wl
    from tokenpower.synthesis import exports as ex

    btc = ex.china_bitcoin_twh(t["btc_electricity_monthly"], t["btc_hashrate_share_country"])
    c = ex.decisive_comparison(btc, wl.summary(t, draws=draws), t["electricity_totals"])
    ratio = c["ratio_central"]
    tok = f"about {number(c['tok_twh_central'])} TWh a year"
    tok_band = span(c["tok_twh_low"], c["tok_twh_high"], unit=" TWh")
    btc_mean = f"{number(c['btc_twh_mean'])} TWh a year"
    btc_band = span(c["btc_twh_low"], c["btc_twh_high"], unit=" TWh")
    if ratio > 10:
        verdict, how = "Not yet, by far", f"{times(ratio)} less electricity than"
    elif ratio > 1.2:
        verdict, how = "Less than Bitcoin did", f"{times(ratio)} less electricity than"
    elif ratio >= 1 / 1.2:
        verdict, how = "About as much", "about as much electricity as"
    else:
        verdict, how = "Yes, more than Bitcoin did", f"{times(1 / ratio)} more electricity than"
    short = (
        f"{verdict}: tokens served from China to users abroad use {how} China's Bitcoin mining did."
    )
    answer = (
        f"{verdict}. Tokens served from China to users abroad use {tok} (mid-2026; {tok_band} "
        f"in the model's uncertainty band), {how} the {btc_mean} ({btc_band}) that Bitcoin "
        f"miners in China used before the 2021 ban."
    )
    return Finding(
        "exported",
        "Is exporting tokens exporting electricity, as Bitcoin mining was?",
        short,
        answer,
        ("07-parallels", "02-bitcoin"),
    )


def _summary(t):
    from tokenpower import engine as sc
    from tokenpower.policies import chipbans as cb
    from tokenpower.policies import sovereignty as sv

    presets = {
        **sv.preset_values(t["scenarios"], cb.PRESET_PREFIX),
        **sv.preset_values(t["scenarios"], sv.PRESET_PREFIX),
    }
    wanted = ("sov-real-rules", "sov-us-origin-ban")
    table = sv.preset_summary(sc.build_market(), {k: presets[k] for k in wanted})
    return table.set_index("scenario")


def _served(summary) -> Finding:
    base = summary.loc["baseline"]
    made, served = float(base["chinese_model_share"]), float(base["cn_served_share"])
    if served < 0.5 * made:
        verdict = "Mostly not"
    elif served < made:
        verdict = "Only in part"
    else:
        verdict = "Yes"
    short = (
        f"{verdict}: Chinese-made models carry {_pct(made)} of the tokens, "
        f"data centres in China serve {_pct(served)}."
    )
    answer = (
        f"{verdict}. In the calibration week Chinese-made models carry {_pct(made)} of the top models' "
        f"tokens, but data centres in China serve {_pct(served)} of all tokens: the rest of the "
        f"Chinese-made tokens are served by hosts abroad, on the book's central assumption about "
        f"where open-weight models run."
    )
    return Finding(
        "served",
        "Are tokens made in China served from China?",
        short,
        answer,
        ("04-requests",),
    )


def _chip_ban(t) -> Finding:
    from tokenpower.synthesis import thesis as th

    free, ban = th.chip_ban_2030(t)
    made = change(100 * free["chinese_model_share"], 100 * ban["chinese_model_share"], unit=" %")
    served = change(100 * free["cn_served_share"], 100 * ban["cn_served_share"], unit=" %")
    d_made = abs(float(ban["chinese_model_share"] - free["chinese_model_share"]))
    d_served = abs(float(ban["cn_served_share"] - free["cn_served_share"]))
    if d_served > 2 * d_made:
        verdict = "It moves where tokens are served far more than who makes them"
    elif d_made > 2 * d_served:
        verdict = "It changes who makes the tokens more than where they are served"
    else:
        verdict = "It changes who makes tokens and where they are served alike"
    short = f"{verdict}."
    answer = (
        f"{verdict}. In the book's paths to 2030, under a total ban on US chips in China the "
        f"Chinese-made share of tokens {made}, while the share of tokens served in China {served} "
        f"(against no export controls at all)."
    )
    return Finding(
        "chipban",
        "Would a total chip ban put a ceiling on Chinese tokens?",
        short,
        answer,
        ("05-chip-bans",),
    )


def _degree(points: float) -> str:
    return "hardly" if points < 2 else ("a little" if points < 10 else "a lot")


def _rules(summary) -> Finding:
    base = summary.loc["baseline"]
    real, origin = summary.loc["sov-real-rules"], summary.loc["sov-us-origin-ban"]
    cost = float(origin["cost_usd_per_year"])
    would = dict(up="would rise", down="would fall", same="would stay at")
    real_change = change(
        100 * base["chinese_model_share"], 100 * real["chinese_model_share"], unit=" %"
    )
    origin_change = change(
        100 * base["chinese_model_share"], 100 * origin["chinese_model_share"], unit=" %", **would
    )
    real_points = abs(100 * float(real["chinese_model_share"] - base["chinese_model_share"]))
    origin_points = abs(100 * float(origin["chinese_model_share"] - base["chinese_model_share"]))
    if real_points >= 10:
        verdict = "The rules in force do"
    elif origin_points >= 10:
        verdict = "Not the rules in force, but a US-wide ban would"
    else:
        verdict = "No"
    short = (
        f"{verdict}: the Chinese-made share {real_change} under the rules in force; "
        f"under a hypothetical US-wide ban it {origin_change}."
    )
    answer = (
        f"{verdict}. Under all the rules in force together, Chinese-made models' share of the "
        f"calibration week's tokens {real_change}. Under a hypothetical ban on Chinese-origin models "
        f"for every US user, the share {origin_change}, and the ban would cost its users about "
        f"USD {number(cost / 1e6)} million a year in dearer tokens."
    )
    return Finding(
        "rules",
        "Can rules keep Chinese-made models out?",
        short,
        answer,
        ("06-sovereignty",),
    )


def _bitcoin(t) -> Finding:
    from tokenpower.synthesis import parallels as pl
    from tokenpower.synthesis import thesis as th

    btc = pl.bitcoin_economics(t, 0.05, 4.0)
    out = th.driven_out(t, lambda *a: ())
    before, after, back = (
        btc["china_share_before_ban_pct"],
        out["central"],
        btc["china_share_jan_2022_pct"],
    )
    fell = change(before, after, unit=" %", up="rose", down="fell", same="stayed at")
    verdict = "For a few months" if back > after else "Yes"
    short = f"{verdict}: China's share of hashrate {fell} in 2021, and was {number(back)} % by January 2022."
    answer = (
        f"{verdict}. After China's 2021 ban its share of the world's hashrate {fell}; hidden mining "
        f"brought it back to {number(back)} % by January 2022, and the network regained its peak "
        f"hashrate {btc['recovery_days']} days after its low."
    )
    return Finding(
        "bitcoin",
        "Was Bitcoin mining driven out of China?",
        short,
        answer,
        ("02-bitcoin",),
    )


def _telegraph(t) -> Finding:
    from tokenpower.synthesis import parallels as pl

    tel = pl.telegraph_economics(t)
    tok = pl.token_economics(t)
    british = span(tel["british_share_1891_low_pct"], tel["british_share_1891_high_pct"], unit=" %")
    short = (
        f"In who dominates, yes: Britain owned {british} of the world's cable mileage in 1891; "
        f"Chinese models carry {number(tok['china_share_top10_pct'])} % of the top models' tokens."
    )
    answer = (
        f"In who dominates, yes. Britain owned {british} of the world's "
        f"cable mileage in 1891 (the sources disagree), and cutting Germany's cables in 1914 left it "
        f"{tel['de_reach_after']} of the network's {tel['de_reach_before']} hubs within reach. Chinese "
        f"models carry {number(tok['china_share_top10_pct'])} % of the top-ten models' tokens in one "
        f"February 2026 week."
    )
    return Finding(
        "telegraph",
        "Is the telegraph a fair parallel?",
        short,
        answer,
        ("01-cable", "07-parallels"),
    )


def _trade(t) -> Finding:
    from tokenpower.synthesis import thesis as th

    fig = th.trade_statistics(t, lambda *a: ())
    n = int(fig["central"])
    verdict = "In money, yes" if n else "No"
    statistics = count(n, "trade statistic")
    short = (
        f"{verdict}: {statistics} in the data record tokens sold abroad, as computer services."
        if n
        else "No: no trade statistic in the data records tokens sold abroad."
    )
    answer = (
        f"{verdict}. Statistics of trade in services record tokens sold abroad as 'computer services' "
        f"({statistics} in the book's data), in money, not as tokens or kilowatt-hours; "
        f"customs statistics of goods do not see them at all."
        if n
        else "No. No statistic in the book's data records tokens sold abroad."
    )
    return Finding(
        "trade",
        "Do trade statistics see the token trade?",
        short,
        answer,
        ("claims-ledger",),
    )


def findings(t=None, draws: int = 2000) -> list[Finding]:
    """The book's answers, in the order of the essay's argument.

    ``t`` is a :class:`tokenpower.synthesis.claims.Tables` (made if None); ``draws`` is the
    number of Monte Carlo draws of the world model (as in the claims ledger).
    """
    from tokenpower.synthesis.claims import Tables

    t = Tables() if t is None else t
    summary = _summary(t)
    return [
        _electricity(t),
        _exported(t, draws),
        _served(summary),
        _chip_ban(t),
        _rules(summary),
        _bitcoin(t),
        _telegraph(t),
        _trade(t),
    ]
