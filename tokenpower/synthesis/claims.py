"""The claims ledger: every quantitative claim of the essay against the book's own figure.

Each row of ``data/essay_claims.csv`` is checked by one function of
:data:`CHECKS` (``claim_id -> check``).  A check takes the data tables (a
:class:`Tables`, which loads each table once, on first use) and returns a
:class:`BookFigure`: the book's central figure computed from the data through
the chapters' modules, the range the sources or the model allow, whether the
sources disagree, the tolerance, the chapter that shows it and a sentence
saying how it was computed.  A claim the data cannot check gets a figure with
``central=None`` and the reason.

:func:`verdict` turns a claim and a figure into one of :data:`VERDICTS` by
explicit rules (see its docstring); :func:`ledger` does it for every row.

>>> verdict(17, None, "approx", BookFigure(16.7, tolerance=0.05))[0]
'supported'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from tokenpower.models import tokencost as tc
from tokenpower.synthesis import parallels as pl
from tokenpower.synthesis import thesis as th

__all__ = [
    "CHECKS",
    "VERDICTS",
    "BookFigure",
    "Tables",
    "ESSAY_SOURCES",
    "available_chapters",
    "claim_satisfied",
    "ledger",
    "verdict",
    "BOOK_DIR",
    "TOC",
]

VERDICTS = ("supported", "partly supported", "not supported", "not checkable")
"""The four verdicts of the ledger."""

ESSAY_SOURCES = frozenset({"tok-essay-techflow-2026", "tok-agentifact"})
"""The essay and the source it echoes: agentifact.com gives exactly the essay's week (8.7 T, 61 %,
MiniMax M2.5 at 2.45 T), so its rows cannot vouch for the essay's claims on their own."""

BOOK_DIR = Path(__file__).resolve().parents[2] / "book"
TOC = BOOK_DIR.parent / "_toc.yml"


@dataclass(frozen=True)
class BookFigure:
    """The book's own figure for one claim.

    ``central`` is None when the data cannot check the claim (``basis`` then
    says why).  ``low``/``high``: the range the sources or the model allow
    (default: the central value).  ``sources_disagree``: the range comes from
    sources that disagree (not from one model's uncertainty).
    ``tolerance``: how far the claim may be from a figure and still match it,
    relative (0.1 = 10 %), or in orders of magnitude when ``scale`` is
    ``"log10"``.  ``reference``: the value that separates the two directions
    of the claim (1 for a ratio, 0 for a difference), None if it has no
    direction.  ``chapter``: the page that shows the figure.
    ``evidence``: the data rows the figure rests on, as ``table:row (source,
    confidence)``.  ``echo_only``: every one of them comes from the essay's
    own source or an echo of it (:data:`ESSAY_SOURCES`).  ``like_for_like``:
    the figure measures the same thing as the claim (same year, customer
    class, scope and unit); when it does not, it can show context but cannot
    support the claim.  ``caveat``: a part of the claim the figure does not
    bear out (the claim can then be at most partly supported).
    """

    central: float | None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    basis: str = ""
    chapter: str | None = None
    sources_disagree: bool = False
    tolerance: float = 0.1
    scale: str = "relative"
    reference: float | None = None
    evidence: tuple[str, ...] = ()
    echo_only: bool = False
    like_for_like: bool = True
    caveat: str | None = None

    @property
    def range(self) -> tuple[float, float]:
        lo = self.central if self.low is None else self.low
        hi = self.central if self.high is None else self.high
        return float(min(lo, hi)), float(max(lo, hi))


# -- the verdict rules -------------------------------------------------------------


def _near(x: float, target: float, tolerance: float, scale: str) -> bool:
    if scale == "log10":
        return x > 0 and target > 0 and abs(math.log10(x / target)) <= tolerance
    return abs(x - target) <= tolerance * abs(target) if target != 0 else abs(x) <= tolerance


def claim_satisfied(
    x: float,
    value: float,
    value_high: float | None,
    qualifier: str,
    tolerance: float,
    scale: str = "relative",
) -> bool:
    """Whether a figure ``x`` bears the claim out, within ``tolerance``.

    ``qualifier`` is the claim's (essay_claims.csv): ``exact`` or ``approx``
    (``value`` within the tolerance of ``x``, relative to ``x``); ``range`` (``x`` between
    ``value`` and ``value_high``, each end widened by the tolerance);
    ``more-than`` (``x`` above ``value`` less the tolerance); ``less-than``
    (below ``value`` plus the tolerance).
    """
    if qualifier in ("exact", "approx"):
        return _near(value, x, tolerance, scale)
    if qualifier == "range":
        lo, hi = value, value if value_high is None or pd.isna(value_high) else value_high
        return (lo <= x <= hi) or _near(x, lo, tolerance, scale) or _near(x, hi, tolerance, scale)
    if qualifier == "more-than":
        return x >= value or _near(x, value, tolerance, scale)
    if qualifier == "less-than":
        return x <= value or _near(x, value, tolerance, scale)
    raise ValueError(f"unknown claim qualifier {qualifier!r}")


def verdict(value, value_high, qualifier: str, figure: BookFigure) -> tuple[str, str]:
    """The verdict on a claim and its reason, by these rules, in order:

    1. **not checkable** if the book has no figure (``central`` is None) or
       the claim no value; also if the only evidence is the essay's own
       source or an echo of it (``echo_only``: a claim cannot vouch for
       itself), or if the book's figure is not a like-for-like comparison
       (``like_for_like`` False: another year, customer class or scope);
    2. **supported** if the central figure bears the claim out within the
       tolerance (:func:`claim_satisfied`), or **partly supported** if the
       figure has a ``caveat`` (a part of the claim it contradicts);
    3. if some figure in the range ``low..high`` bears it out:
       **partly supported** when that range comes from disagreeing sources
       (the claim picks one of them), else **supported** (the claim is
       inside the model's range);
    4. **partly supported** if the claim and the central figure lie on the
       same side of the figure's ``reference`` (the direction is right, the
       magnitude is off by more than the tolerance);
    5. else **not supported**.

    Returns ``(verdict, reason)``.
    """
    if figure.central is None or value is None or pd.isna(value):
        return "not checkable", figure.basis or "the data hold no figure for this claim"
    if figure.echo_only:
        return (
            "not checkable",
            "the only figures are the essay's own source's (or an echo of it), "
            "which cannot vouch for the claim",
        )
    if not figure.like_for_like:
        return "not checkable", "no like-for-like figure (same year, class, scope and unit)"
    c, tol, scale = float(figure.central), figure.tolerance, figure.scale
    tol_text = (
        f"{tol:g} orders of magnitude"
        if scale == "log10"
        else f"{100 * tol:g} %"
        if tol
        else "exactly"
    )
    if claim_satisfied(c, float(value), value_high, qualifier, tol, scale):
        if figure.caveat:
            return "partly supported", f"the number is right but {figure.caveat}"
        return (
            "supported",
            f"the book's figure bears the claim out {'' if tol_text == 'exactly' else 'within '}{tol_text}",
        )
    lo, hi = figure.range
    grid = np.linspace(lo, hi, 201) if hi > lo else np.array([lo])
    if any(
        claim_satisfied(float(x), float(value), value_high, qualifier, tol, scale) for x in grid
    ):
        if figure.sources_disagree:
            return (
                "partly supported",
                "the sources disagree and the claim picks one end of their range",
            )
        return "supported", f"the claim lies inside the book's range ({lo:.4g}-{hi:.4g})"
    ref = figure.reference
    if ref is not None and np.sign(float(value) - ref) == np.sign(c - ref) != 0:
        return (
            "partly supported",
            f"the direction is right but the magnitude is off by more than {tol_text}",
        )
    return "not supported", "the book's figures contradict the claim"


# -- tables and chapters -------------------------------------------------------------


class Tables(dict):
    """Data tables by name, each loaded once with :func:`tokenpower.data.load` on first use."""

    def __missing__(self, name: str) -> pd.DataFrame:
        from tokenpower.data import load

        self[name] = table = load(name)
        return table


def available_chapters(toc_path: Path = TOC, book_dir: Path = BOOK_DIR) -> set[str]:
    """Names of the pages listed in ``_toc.yml`` whose file exists (``"01-cable"``, ...)."""
    import yaml

    toc = yaml.safe_load(Path(toc_path).read_text(encoding="utf-8"))
    names = set()

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                names.add(Path(node["file"]).name)
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(toc)
    return {n for n in names if (Path(book_dir) / f"{n}.md").exists()}


# -- the checks ----------------------------------------------------------------------


def _none(reason: str) -> BookFigure:
    return BookFigure(None, basis=reason)


def _evidence(t, table: str, ids) -> tuple[str, ...]:
    """``table:row (source, confidence)`` for the rows ``ids`` of ``table`` (first column = id)."""
    frame = t[table].set_index(t[table].columns[0])
    return tuple(
        f"{table}:{i} ({frame.loc[i, 'source']}, {frame.loc[i, 'confidence']})" for i in ids
    )


def _period(row) -> str:
    """A row's period in words; a loose one ('the week before ...') is not given as exact days."""
    if row.get("period_qualifier") == "approx":
        return f"a week of {row['period_start']:%B %Y} (the source does not give the days)"
    return f"{row['period_start']:%d %b}-{row['period_end']:%d %b %Y}"


def _is_echo(t, table: str, ids) -> bool:
    frame = t[table].set_index(t[table].columns[0])
    return all(frame.loc[i, "source"] in ESSAY_SOURCES for i in ids)


def _cable_year(t) -> BookFigure:
    c = t["telegraph_cables"]
    rows = c[c["route"] == "atlantic-1858"]
    year = int(rows["year_used"].min())
    hubs = t["telegraph_hubs"].set_index("hub_id")["name"]
    first = rows.iloc[0]
    ends = f"{hubs[first['from_hub']]} (Ireland) and {hubs[first['to_hub']]} (Newfoundland)"
    return BookFigure(
        year,
        unit="year",
        tolerance=0.0,
        chapter="01-cable",
        evidence=_evidence(t, "telegraph_cables", rows["cable_id"]),
        caveat=f"the 1858 cable joined {ends}, not London and New York",
        basis="year the first Atlantic cable worked (telegraph_cables, route atlantic-1858)",
    )


def _essay_year(t) -> int:
    v = t["openrouter_volumes"]
    return int(v.loc[v["volume_id"] == "or-top10-2026-02-week", "period_start"].dt.year.iloc[0])


def _years_since(t) -> BookFigure:
    years = _essay_year(t) - _cable_year(t).central
    return BookFigure(
        years,
        unit="years",
        tolerance=0.0,
        chapter="07-parallels",
        basis="year of the essay's OpenRouter week minus the year of the 1858 cable",
    )


def _share_top10(t) -> BookFigure:
    s = t["openrouter_shares"].set_index("share_id")
    top10 = float(s.loc["top10-cn-2026-02", "share_pct"])
    weekly = tc.china_us_weekly(t["openrouter_volumes"])
    weekly = weekly[weekly["scope"] == "chinese-vs-us-models"]
    feb = 100 * weekly.loc[weekly["period_start"].dt.strftime("%Y-%m") == "2026-02", "china_share"]
    from tokenpower import engine as sc
    from tokenpower.policies import sovereignty as sv

    engine = 100 * float(sv.preset_summary(sc.build_market(t), {}).iloc[0]["chinese_model_share"])
    v = t["openrouter_volumes"]
    nbd = v[
        (v["scope"] == "chinese-vs-us-models")
        & (v["period_start"].dt.strftime("%Y-%m") == "2026-02")
    ]
    return BookFigure(
        top10,
        min(top10, float(feb.min())),
        max(top10, float(feb.max())),
        "%",
        chapter="03-tokens",
        sources_disagree=True,
        tolerance=0.05,
        reference=50,
        evidence=_evidence(t, "openrouter_shares", ["top10-cn-2026-02"])
        + _evidence(t, "openrouter_volumes", nbd["volume_id"]),
        like_for_like=False,
        basis=f"only the essay's echo gives the top-ten share ({top10:.0f} %); China / (China + USA) of NBD's "
        f"February weeks gives {feb.min():.0f}-{feb.max():.0f} %, a share of another scope (Chinese and US "
        f"models, not the top ten); the scenario engine's baseline, calibrated on the week's models, gives "
        f"{engine:.1f} %",
    )


def _top_three(t) -> BookFigure:
    v = t["openrouter_volumes"]
    models = (
        t["llm_models"]
        .merge(t["labs"][["lab_id", "country"]], on="lab_id", how="left")
        .set_index("model_id")["country"]
    )
    counts, bounded = [], []
    for source, scope in (
        ("tok-cgtn-2026-02-28", "single-model"),
        ("tok-scmp-3344587", "month-to-date"),
    ):
        rows = v[(v["source"] == source) & (v["scope"] == scope) & (v["group"] == "model")]
        top = rows.sort_values("tokens_t", ascending=False).head(3)
        counts.append(int((top["model_id"].map(models) == "CHN").sum()))
        bounded.append(bool((rows["qualifier"] == "more-than").any()))
    return BookFigure(
        min(counts),
        min(counts),
        3 if any(bounded) else max(counts),
        "models",
        chapter="03-tokens",
        sources_disagree=True,
        tolerance=0.0,
        basis=f"Chinese models among the three largest listed by CGTN's week and SCMP's month to date: "
        f"{counts[0]} and {counts[1]}; some models are given only as lower bounds ('>600B'), "
        "so they may rank higher",
    )


def _volume(echo_id: str, independent_id: str, chapter="03-tokens"):
    """The essay's figure (``echo_id``, from its own source) against the best-graded independent one."""

    def check(t) -> BookFigure:
        v = t["openrouter_volumes"].set_index("volume_id")
        echo, other = float(v.loc[echo_id, "tokens_t"]), float(v.loc[independent_id, "tokens_t"])
        row = v.loc[independent_id]
        return BookFigure(
            other,
            unit="T tokens/week",
            chapter=chapter,
            tolerance=0.02,
            evidence=_evidence(t, "openrouter_volumes", [independent_id, echo_id]),
            basis=f"{other:g} T in the independent source ({row['source']}, {row['confidence']}: "
            f"{row['scope']}, {_period(row)}); the essay's "
            f"{echo:g} T is its own source's figure ({echo_id}), which cannot vouch for itself",
        )

    return check


def _china_top10_tokens(t) -> BookFigure:
    share = _share_top10(t).central
    v = t["openrouter_volumes"].set_index("volume_id")
    total = float(v.loc["or-top10-2026-02-week", "tokens_t"])
    nbd = v.loc["or-cnus-2026-02-16-cn"]
    ids_v, ids_s = ["or-top10-2026-02-week"], ["top10-cn-2026-02"]
    return BookFigure(
        share / 100 * total,
        unit="T tokens/week",
        chapter="03-tokens",
        tolerance=0.02,
        evidence=_evidence(t, "openrouter_shares", ids_s)
        + _evidence(t, "openrouter_volumes", ids_v),
        echo_only=_is_echo(t, "openrouter_shares", ids_s)
        and _is_echo(t, "openrouter_volumes", ids_v),
        basis=f"{share:.0f} % of {total:g} trillion: arithmetic on two figures of the essay's own source, "
        f"which no source states; NBD's {float(nbd['tokens_t']):g} T for all Chinese models in "
        f"{nbd['period_start']:%d}-{nbd['period_end']:%d %b %Y} is another scope",
    )


def _benchmark(model_id: str):
    def check(t) -> BookFigure:
        b = t["model_benchmarks"]
        rows = b[(b["model_id"] == model_id) & (b["benchmark"] == "swe-bench-verified")][
            "score_pct"
        ].astype(float)
        return BookFigure(
            float(rows.median()),
            float(rows.min()),
            float(rows.max()),
            "%",
            chapter="03-tokens",
            sources_disagree=len(rows) > 1,
            tolerance=0.005,
            basis=f"SWE-bench Verified as reported ({len(rows)} row(s) of model_benchmarks; not independent)",
        )

    return check


def _first_party(t) -> pd.DataFrame:
    return tc.first_party_prices(t["model_prices"], t["llm_models"], t["labs"]).set_index(
        "model_id"
    )


def _input_price(model_id: str):
    def check(t) -> BookFigure:
        return BookFigure(
            float(_first_party(t).loc[model_id, "usd_per_m_input"]),
            unit="USD/M input tokens",
            chapter="03-tokens",
            tolerance=0.02,
            basis="the lab's own list price on 1 March 2026 (models.dev)",
        )

    return check


def _ratios(t) -> dict:
    fp = _first_party(t)
    f = tc.assumption_value(t["assumptions"], "output_token_fraction")
    opus, m25 = fp.loc["claude-opus-4.6"], fp.loc["minimax-m2.5"]
    return tc.price_ratio(
        opus["usd_per_m_input"],
        opus["usd_per_m_output"],
        m25["usd_per_m_input"],
        m25["usd_per_m_output"],
        f,
    )


def _price_ratio(t) -> BookFigure:
    r = _ratios(t)
    return BookFigure(
        r["input"],
        min(r.values()),
        max(r.values()),
        "ratio",
        chapter="03-tokens",
        tolerance=0.05,
        reference=1,
        basis=f"Claude Opus 4.6 / MiniMax M2.5: {r['input']:.1f} on input, {r['output']:.1f} "
        f"on output, {r['blended']:.1f} blended (the model's range of readings)",
    )


def _bill_shrink(t) -> BookFigure:
    r = _ratios(t)
    return BookFigure(
        r["blended"],
        min(r.values()),
        max(r.values()),
        "ratio",
        chapter="03-tokens",
        tolerance=0.5,
        scale="log10",
        reference=1,
        basis=f"blended price ratio {r['blended']:.1f} at DeepSeek's output share; 'an order of magnitude' "
        "is read as within half an order of magnitude of 10",
    )


def _params(kind: str):
    def check(t) -> BookFigure:
        p = t["model_parameters"]
        rows = p.loc[p["model_id"] == "minimax-m2.5", f"{kind}_params_b"].astype(float)
        return BookFigure(
            float(rows.median()),
            float(rows.min()),
            float(rows.max()),
            "billion parameters",
            chapter="03-tokens",
            sources_disagree=rows.nunique() > 1,
            tolerance=0.005,
            basis=f"{kind} parameters of MiniMax M2.5 in model_parameters: "
            + ", ".join(f"{x:g}" for x in sorted(rows.unique())),
        )

    return check


def _h100_price(t) -> BookFigure:
    p = t["accelerator_prices"].set_index("price_id").loc["h100-card-2025"]
    lo, hi = float(p["usd_low"]), float(p["usd_high"])
    return BookFigure(
        (lo + hi) / 2,
        lo,
        hi,
        "USD",
        chapter="03-tokens",
        tolerance=0.1,
        basis=f"quoted card price {lo:,.0f}-{hi:,.0f} USD (one low-graded source); central = middle of the range",
    )


def _gpu_power(t) -> BookFigure:
    a = tc.accelerator_inputs(
        t["accelerators"], t["accelerator_specs"], t["assumptions"]
    ).set_index("accelerator_id")
    tdp = float(a.loc["h100-sxm", "board_power_w"])
    frac = tc.assumption_value(t["assumptions"], "gpu_avg_power_fraction_of_tdp")
    return BookFigure(
        tdp,
        unit="W",
        chapter="03-tokens",
        tolerance=0.05,
        basis=f"H100 SXM board power {tdp:.0f} W (a rating: a serving GPU averages about {frac:.0%} of it)",
    )


def _electricity_gap(t) -> BookFigure:
    """China's electricity against the USA's, like for like: same year, customer class and source."""
    d = t["dc_electricity_prices"].set_index("price_id")
    pair = ["be-chn-industrial-2024", "be-usa-industrial-2024"]
    same = all(
        d.loc[pair[0], c] == d.loc[pair[1], c] for c in ("kind", "year", "source", "local_currency")
    )
    if not same:
        raise ValueError(f"{pair} is no longer a like-for-like pair of dc_electricity_prices")
    # compared in the source's own currency, so the book's conversion adds nothing
    cn, us = (float(d.loc[i, "local_value"]) for i in pair)
    others = d.drop(index=pair)
    return BookFigure(
        100 * (1 - cn / us),
        unit="% lower in China",
        chapter="03-tokens",
        tolerance=0.1,
        reference=0,
        evidence=_evidence(t, "dc_electricity_prices", pair),
        basis=f"the one like-for-like pair, 2024 industrial prices from one source (BusinessEurope), has China "
        f"{100 * (cn / us - 1):.0f} % dearer than the USA; the other {len(others)} prices are of other years, "
        "customer classes (subsidised data centres, single states) or sources, so no pair of them compares "
        "like with like",
    )


def _china_hashrate(t) -> BookFigure:
    s = pl.china_hashrate_shares(t["btc_hashrate_share_country"])
    peak = s.loc[s["share_pct"].idxmax()]
    other = s[s["source"] == "btc-b31"]["share_pct"].max()
    return BookFigure(
        float(peak["share_pct"]),
        float(other),
        float(peak["share_pct"]),
        "%",
        chapter="02-bitcoin",
        sources_disagree=True,
        tolerance=0.0,
        reference=50,
        basis=f"peak {peak['share_pct']:.2f} % ({peak['period']}, Cambridge mining map); CoinShares' highest "
        f"is {other:.0f} %",
    )


def _mining_end(t) -> BookFigure:
    s = pl.china_hashrate_shares(t["btc_hashrate_share_country"])
    zero = s[s["share_pct"] == 0]
    later = s[s["date"] > zero["date"].max()]
    last_mining = later.loc[later["share_pct"] > 0, "date"].max()
    return BookFigure(
        int(last_mining.year),
        int(zero["date"].min().year),
        int(last_mining.year),
        "year",
        chapter="02-bitcoin",
        sources_disagree=True,
        tolerance=0.0,
        basis=f"the Cambridge map showed no Chinese hashrate in {zero['date'].min():%B %Y}, but later data put "
        f"China back at {later['share_pct'].min():.0f}-{later['share_pct'].max():.0f} % up to "
        f"{last_mining:%B %Y}, the last month in the data; legal mining ended in 2021, mining had not "
        f"ended by {last_mining.year} (central: the latest year the data allow)",
    )


def _mining_start(t) -> BookFigure:
    first = int(t["btc_hashrate_share_country"]["date"].min().year)
    return _none(
        f"the book's hashrate data begin in {first} with China already above 70 %, "
        "so they cannot date the start of mining in Sichuan, Yunnan and Xinjiang"
    )


def _dozen(t) -> BookFigure:
    labs = t["labs"]
    n = int((labs["country"] == "CHN").sum())
    return _none(
        f"labs.csv lists {n} Chinese labs, only those whose models the book's data use: a lower bound, not a census"
    )


def _tokens_per_conversation(t) -> BookFigure:
    row = (
        t["inference_energy"]
        .set_index(t["inference_energy"].columns[0])
        .loc["mlenergy-chat-tokens"]
    )
    return _none(
        f"the data give tokens per response, not per conversation: chat models average {row['value']:,.0f} "
        "output tokens per response (ML.ENERGY), and a conversation adds input tokens and turns"
    )


def _round_trip(t) -> BookFigure:
    rtt = t["latency_rtt"].set_index("rtt_id")["rtt_ms"]
    ms = float(rtt["azure-westus-eastasia"])
    return _none(
        f"the claim includes the model's answer, whose time the data do not give; the network round trip "
        f"US West - Hong Kong alone is {ms:.0f} ms, a small part of 1-2 s"
    )


def _dc_bill(t) -> BookFigure:
    return _none(
        "the data give no size for 'a large AI data centre', so its electricity bill cannot be computed"
    )


def _thesis(check):
    """A thesis check of :mod:`tokenpower.synthesis.thesis` as a ledger check."""
    return lambda t: BookFigure(**check(t, _evidence))


CHECKS: dict[str, callable] = {
    "cable-1858": _cable_year,
    "years-since-cable": _years_since,
    "share-china-top10": _share_top10,
    "top-three-china": _top_three,
    "weekly-data-date": lambda t: _none("the sources date the week only to February 2026"),
    "top10-total-tokens": _volume("or-top10-2026-02-week", "or-top10-2026-02-mid"),
    "china-top10-tokens": _china_top10_tokens,
    "minimax-m25-tokens": _volume("or-top10-2026-02-week-m2.5", "or-week-2026-02-28-m2.5"),
    "data-as-of": lambda t: _none(
        "a date in a caption of the essay; no source in the data gives it"
    ),
    "openclaw-stars": lambda t: _none("no GitHub data on OpenClaw in the book's data"),
    "openclaw-bill": lambda t: _none("a personal anecdote; no data"),
    "chat-tokens-per-conversation": _tokens_per_conversation,
    "openclaw-subtasks": lambda t: _none("a description of one tool; no data"),
    "anthropic-terms-date": lambda t: _none(
        "Anthropic's terms of service are not in the book's data"
    ),
    "swe-minimax-m25": _benchmark("minimax-m2.5"),
    "swe-claude-opus-46": _benchmark("claude-opus-4.6"),
    "price-minimax-m25-input": _input_price("minimax-m2.5"),
    "price-claude-opus-46-input": _input_price("claude-opus-4.6"),
    "price-ratio": _price_ratio,
    "bill-shrink": _bill_shrink,
    "words-per-token": lambda t: _none("no source in the data gives words per token"),
    "tokens-per-conversation": _tokens_per_conversation,
    "h100-price": _h100_price,
    "gpu-power": _gpu_power,
    "dc-electricity-bill": _dc_bill,
    "round-trip-time": _round_trip,
    "electricity-40pct-lower": _electricity_gap,
    "deepseek-36x-cheaper": lambda t: _none(
        "GPT-4o's serving cost is not in the data and the essay's 'independent tests' "
        "are unnamed; DeepSeek's own cost is, GPT-4o's is not"
    ),
    "minimax-m25-total-params": _params("total"),
    "minimax-m25-active-params": _params("active"),
    "dozen-companies": _dozen,
    "mining-start-2015": _mining_start,
    "china-hashrate-share": _china_hashrate,
    "mining-end-2021": _mining_end,
    "sputnik-1957": lambda t: _none("outside the book's subject; no data"),
    "apollo-cost": lambda t: _none("outside the book's subject; no data"),
    **{k: _thesis(check) for k, check in th.THESIS_CHECKS.items()},
}
"""One check per claim id of essay_claims.csv."""


def ledger(
    claims: pd.DataFrame,
    tables: Tables | None = None,
    chapters: set[str] | None = None,
    checks: dict = CHECKS,
) -> pd.DataFrame:
    """The ledger: one row per claim of ``claims`` (essay_claims.csv), in its order.

    Columns: ``claim_id``, ``quote``, ``claim`` (value, qualifier and unit
    as text), ``value``, ``value_high``, ``qualifier``, ``book_figure``,
    ``book_low``, ``book_high``, ``unit``, ``verdict``, ``reason`` (the rule
    and how the figure was computed), ``evidence`` (the data rows the figure
    rests on, ``table:row (source, confidence)``, joined by "; "),
    ``low_graded`` (some of them are graded low), ``chapter`` (the page that shows it,
    or None when that page is not in ``chapters``, the pages built) and
    ``planned_chapter``.  A claim with no check is "not checkable" with that
    reason.
    """
    tables = Tables() if tables is None else tables
    chapters = available_chapters() if chapters is None else set(chapters)
    rows = []
    for c in claims.itertuples(index=False):
        check = checks.get(c.claim_id)
        fig = check(tables) if check else _none("no check is written for this claim yet")
        high = None if pd.isna(c.value_high) else float(c.value_high)
        v, why = verdict(None if pd.isna(c.value) else float(c.value), high, c.qualifier, fig)
        no_figure = v == "not checkable" and fig.central is None
        reason = why if no_figure or not fig.basis else f"{why}: {fig.basis}"
        lo, hi = fig.range if fig.central is not None else (None, None)
        value_text = (
            f"{c.value_date:%Y-%m-%d}"
            if pd.isna(c.value) and pd.notna(c.value_date)
            # written out in full (100,000,000, not 1e+08), as a reader reads a number
            else f"{c.value:,.15g}" + (f"-{high:,.15g}" if high is not None else "")
        )
        words = {"approx": "about ", "more-than": "more than ", "less-than": "less than "}.get(
            c.qualifier, ""
        )
        unit = "" if c.unit in ("date", "year") else f" {c.unit}"
        rows.append(
            {
                "claim_id": c.claim_id,
                "quote": c.quote,
                "claim": f"{words}{value_text}{unit}",
                "value": c.value,
                "value_high": high,
                "qualifier": c.qualifier,
                "book_figure": fig.central,
                "book_low": lo,
                "book_high": hi,
                "unit": fig.unit or c.unit,
                "verdict": v,
                "reason": reason,
                "evidence": "; ".join(fig.evidence),
                "low_graded": any(e.endswith(", low)") for e in fig.evidence),
                "planned_chapter": fig.chapter,
                "chapter": fig.chapter if fig.chapter in chapters else None,
            }
        )
    return pd.DataFrame(rows)
