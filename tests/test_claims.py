"""Tests of the claims ledger: the verdict rules, and one ledger row per essay claim."""

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.synthesis import claims as cl
from tokenpower.synthesis.claims import BookFigure, claim_satisfied, verdict

DATA = Path(__file__).resolve().parent.parent / "data"


# -- verdict rules on hand-made claims ------------------------------------------------


def test_every_verdict_is_reachable():
    assert verdict(10, None, "approx", BookFigure(None, basis="no data"))[0] == "not checkable"
    assert verdict(10, None, "approx", BookFigure(10.5, tolerance=0.1))[0] == "supported"
    # inside the range of one model's uncertainty
    assert verdict(14, None, "approx", BookFigure(10, 8, 15, tolerance=0.1))[0] == "supported"
    # inside the range only because the sources disagree
    assert (
        verdict(14, None, "approx", BookFigure(10, 8, 15, sources_disagree=True, tolerance=0.1))[0]
        == "partly supported"
    )
    # right direction (above 1), wrong size
    assert (
        verdict(36, None, "approx", BookFigure(4, tolerance=0.1, reference=1))[0]
        == "partly supported"
    )
    # wrong direction: the claim says lower, the figure says higher
    assert (
        verdict(40, None, "approx", BookFigure(-9, tolerance=0.1, reference=0))[0]
        == "not supported"
    )
    # no reference: off is simply contradicted
    assert verdict(1957, None, "exact", BookFigure(1961, tolerance=0.0))[0] == "not supported"


def test_a_claim_without_a_value_is_not_checkable():
    assert verdict(None, None, "exact", BookFigure(3.0))[0] == "not checkable"
    assert verdict(float("nan"), None, "exact", BookFigure(3.0))[0] == "not checkable"


def test_relative_tolerance_boundary():
    fig = lambda c: BookFigure(c, tolerance=0.05)  # noqa: E731
    assert verdict(105, None, "approx", fig(100))[0] == "supported"  # exactly 5 % off
    assert verdict(105.01, None, "approx", fig(100))[0] == "not supported"
    assert verdict(95, None, "approx", fig(100))[0] == "supported"
    assert verdict(94.99, None, "approx", fig(100))[0] == "not supported"


def test_zero_tolerance_means_equal():
    assert verdict(1858, None, "exact", BookFigure(1858, tolerance=0.0))[0] == "supported"
    assert verdict(1858, None, "exact", BookFigure(1859, tolerance=0.0))[0] == "not supported"


def test_order_of_magnitude_tolerance():
    fig = lambda c: BookFigure(c, tolerance=0.5, scale="log10", reference=1)  # noqa: E731
    assert verdict(10, None, "approx", fig(31.6))[0] == "supported"  # log10(3.16) = 0.4997
    assert (
        verdict(10, None, "approx", fig(31.7))[0] == "partly supported"
    )  # just over half an order, same direction
    assert (
        verdict(10, None, "approx", fig(0.5))[0] == "not supported"
    )  # below 1: the opposite direction


def test_qualifiers():
    assert claim_satisfied(75.5, 70, None, "more-than", 0.0)
    assert not claim_satisfied(65, 70, None, "more-than", 0.0)
    assert claim_satisfied(
        66.5, 70, None, "more-than", 0.05
    )  # 5 % below the bound, at the tolerance
    assert not claim_satisfied(66.4, 70, None, "more-than", 0.05)
    assert claim_satisfied(5000, 1000, 9999, "range", 0.0)
    assert not claim_satisfied(717, 1000, 9999, "range", 0.1)
    assert claim_satisfied(900, 1000, 9999, "range", 0.1)  # 10 % below the low end
    assert claim_satisfied(1.0, 2.0, None, "less-than", 0.0)
    assert not claim_satisfied(2.5, 2.0, None, "less-than", 0.1)
    with pytest.raises(ValueError):
        claim_satisfied(1, 1, None, "roughly", 0.1)


def test_more_than_claim_inside_disagreeing_sources_is_partly_supported():
    # central (CoinShares-like 65) below 70, but another source (75.5) above it
    fig = BookFigure(65, 65, 75.5, sources_disagree=True, tolerance=0.0, reference=50)
    assert verdict(70, None, "more-than", fig)[0] == "partly supported"


@settings(max_examples=200)
@given(value=st.floats(0.01, 1e6), tol=st.floats(0, 1))
def test_a_claim_equal_to_the_figure_is_supported(value, tol):
    assert verdict(value, None, "approx", BookFigure(value, tolerance=tol))[0] == "supported"


@settings(max_examples=200)
@given(
    value=st.floats(-1e3, 1e3),
    central=st.floats(-1e3, 1e3),
    spread=st.floats(0, 100),
    disagree=st.booleans(),
    ref=st.one_of(st.none(), st.just(0.0)),
    qualifier=st.sampled_from(["exact", "approx", "more-than", "less-than"]),
)
def test_a_verdict_follows_its_rules(value, central, spread, disagree, ref, qualifier):
    fig = BookFigure(
        central,
        central - spread,
        central + spread,
        sources_disagree=disagree,
        tolerance=0.1,
        reference=ref,
    )
    v, reason = verdict(value, None, qualifier, fig)
    assert reason
    # a figure and a claimed value, like for like, no echo: always checkable
    assert v in ("supported", "partly supported", "not supported")
    if claim_satisfied(central, value, None, qualifier, 0.1):
        assert v == "supported"  # rule 2: the central figure bears it out, with no caveat
    elif v == "supported":
        assert not disagree and spread > 0  # rule 3: inside the model's own range
    if v == "not supported":
        # rule 4 did not apply: no reference, or the claim and the figure on different sides
        assert ref is None or (value - ref) * (central - ref) <= 0


@settings(max_examples=100)
@given(central=st.floats(1, 1e4), factor=st.floats(1.2, 10))
def test_widening_the_range_never_worsens_a_verdict(central, factor):
    order = {"not supported": 0, "partly supported": 1, "supported": 2}
    claim = central * factor
    narrow = verdict(claim, None, "approx", BookFigure(central, tolerance=0.05, reference=0))[0]
    wide = verdict(
        claim, None, "approx", BookFigure(central, central, claim, tolerance=0.05, reference=0)
    )[0]
    assert order[wide] >= order[narrow]


# -- the ledger ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def essay():
    return pd.read_csv(DATA / "essay_claims.csv")


@pytest.fixture(scope="module")
def book_ledger():
    from tokenpower.data import load

    return cl.ledger(
        load("essay_claims"), cl.Tables(), chapters={"01-cable", "02-bitcoin", "03-tokens"}
    )


def test_every_essay_claim_has_a_check_and_a_row(essay, book_ledger):
    assert set(cl.CHECKS) == set(essay["claim_id"])
    assert list(book_ledger["claim_id"]) == list(essay["claim_id"])
    assert not book_ledger["reason"].str.contains("no check is written").any()
    assert book_ledger["verdict"].isin(cl.VERDICTS).all()
    assert book_ledger["reason"].str.len().gt(10).all()


def test_a_claim_without_a_check_is_not_checkable(essay):
    from tokenpower.data import load

    one = load("essay_claims").head(1)
    row = cl.ledger(one, cl.Tables(), chapters=set(), checks={}).iloc[0]
    assert row["verdict"] == "not checkable" and "no check" in row["reason"]


def test_links_only_to_built_chapters(book_ledger):
    pending = book_ledger[book_ledger["claim_id"] == "years-since-cable"].iloc[0]
    assert pending["planned_chapter"] == "07-parallels" and pd.isna(pending["chapter"])
    assert book_ledger.loc[book_ledger["claim_id"] == "cable-1858", "chapter"].item() == "01-cable"


def test_figures_worked_out_from_the_csv_files(book_ledger):
    rows = book_ledger.set_index("claim_id")
    prices = pd.read_csv(DATA / "model_prices.csv")
    first = prices[(prices["price_date"] == "2026-03-01")]
    opus = first[(first["model_id"] == "claude-opus-4.6") & (first["provider_id"] == "anthropic")][
        "usd_per_m_input"
    ].iloc[0]
    m25 = first[(first["model_id"] == "minimax-m2.5") & (first["provider_id"] == "minimax")][
        "usd_per_m_input"
    ].iloc[0]
    assert rows.loc["price-ratio", "book_figure"] == pytest.approx(opus / m25)
    assert rows.loc["price-ratio", "verdict"] == "supported"
    shares = pd.read_csv(DATA / "btc_hashrate_share_country.csv")
    assert rows.loc["china-hashrate-share", "book_figure"] == pytest.approx(
        shares.loc[shares["country"] == "CHN", "share_pct"].max()
    )
    cables = pd.read_csv(DATA / "telegraph_cables.csv")
    assert (
        rows.loc["cable-1858", "book_figure"]
        == cables.loc[cables["route"] == "atlantic-1858", "year_used"].min()
    )
    # the central figure of a volume claim is the independent source's, not the essay's echo
    vol = pd.read_csv(DATA / "openrouter_volumes.csv").set_index("volume_id")
    assert vol.loc["or-top10-2026-02-week", "source"] == "tok-agentifact"
    assert rows.loc["top10-total-tokens", "book_figure"] == 13.95
    assert rows.loc["minimax-m25-tokens", "book_figure"] == 1.7
    # the like-for-like electricity pair, in the source's euros: 0.082 / 0.075 - 1 = 9.3 % dearer
    assert rows.loc["electricity-40pct-lower", "book_figure"] == pytest.approx(
        100 * (1 - 0.082 / 0.075)
    )


def test_contested_claims_get_the_expected_verdicts(book_ledger):
    v = book_ledger.set_index("claim_id")["verdict"]
    # BusinessEurope's 2024 industrial prices make China dearer; only some other pairs give 40 % lower
    dce = pd.read_csv(DATA / "dc_electricity_prices.csv").set_index("price_id")["usd_per_kwh"]
    assert dce["be-chn-industrial-2024"] > dce["be-usa-industrial-2024"]
    assert v["electricity-40pct-lower"] == "not supported"
    # the essay's own source (and its echo) cannot vouch for the essay
    assert v["china-top10-tokens"] == "not checkable"
    assert v["top10-total-tokens"] == v["minimax-m25-tokens"] == "not supported"
    # a share of another scope (Chinese vs US models) is not a like-for-like check of a top-ten share
    assert v["share-china-top10"] == "not checkable"
    # the year is right, the endpoints are not
    assert v["cable-1858"] == "partly supported"
    assert v["deepseek-36x-cheaper"] == "not checkable"
    # Chinese hashrate was back above zero after the 2021 ban (Sep 2021 onwards in the CSV)
    cn = pd.read_csv(DATA / "btc_hashrate_share_country.csv").query(
        "country == 'CHN' and date >= '2021-09-01'"
    )
    assert (cn["share_pct"] > 0).all() and v["mining-end-2021"] == "partly supported"
    assert v["sputnik-1957"] == "not checkable"


def test_available_chapters_reads_the_toc(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "01-cable.md").write_text("# x")
    toc = tmp_path / "_toc.yml"
    toc.write_text(
        "root: book/intro\nparts:\n  - caption: A\n    chapters:\n      - file: book/01-cable\n"
        "      - file: book/09-missing\n"
    )
    assert cl.available_chapters(toc, tmp_path / "book") == {"01-cable"}


def test_the_essays_own_source_cannot_support_it_alone():
    fig = cl.BookFigure(5.3, tolerance=0.02, echo_only=True, basis="0.61 x 8.7")
    assert cl.verdict(5.3, None, "exact", fig)[0] == "not checkable"
    assert cl.verdict(5.3, None, "exact", cl.BookFigure(5.3, tolerance=0.02))[0] == "supported"


def test_partly_supported_needs_a_like_for_like_figure():
    # a 40 % gap claimed; a range from -10 to +60 % of mixed pairs would once have "partly" supported it
    mixed = cl.BookFigure(-9.3, -10, 60, sources_disagree=True, reference=0, like_for_like=False)
    assert cl.verdict(40, None, "approx", mixed)[0] == "not checkable"
    pair = cl.BookFigure(-9.3, reference=0)
    assert cl.verdict(40, None, "approx", pair)[0] == "not supported"


def test_a_caveat_caps_a_verdict_at_partly_supported():
    fig = cl.BookFigure(1858, tolerance=0.0, caveat="the endpoints differ")
    verdict, reason = cl.verdict(1858, None, "exact", fig)
    assert verdict == "partly supported" and "endpoints" in reason


def test_each_verdict_shows_the_rows_it_used(book_ledger):
    rows = book_ledger.set_index("claim_id")
    top10 = rows.loc["top10-total-tokens"]
    assert (
        "openrouter_volumes:or-top10-2026-02-mid (tok-nbd-2026-02-27, medium)" in top10["evidence"]
    )
    assert (
        "or-top10-2026-02-week (tok-agentifact, low)" in top10["evidence"] and top10["low_graded"]
    )
    elec = rows.loc["electricity-40pct-lower", "evidence"].split("; ")
    assert [e.split(" ")[0] for e in elec] == [
        "dc_electricity_prices:be-chn-industrial-2024",
        "dc_electricity_prices:be-usa-industrial-2024",
    ]
    # the reason texts say what the figures are
    assert "latest year" in rows.loc["mining-end-2021", "reason"]
    assert "Valentia" in rows.loc["cable-1858", "reason"]


def test_thesis_checks_are_registered_and_read_by_hand(book_ledger):
    from tokenpower.synthesis.thesis import THESIS_CHECKS

    assert set(THESIS_CHECKS) <= set(cl.CHECKS)
    rows = book_ledger.set_index("claim_id")
    # a token's electricity share is a few per cent, not most of its cost
    assert rows.loc["thesis-derivative-cost", "verdict"] == "not supported"
    assert rows.loc["thesis-derivative-cost", "book_high"] < 50
    # tokens carry about a thousandth of Bitcoin's electricity: off by more than an order of magnitude
    assert rows.loc["thesis-derivative-twh", "verdict"] == "not supported"
    assert rows.loc["thesis-derivative-twh", "book_high"] < 0.1
    # the data hold no enterprise figure; the ban mark (0 % in July 2021) holds, with the hidden share
    assert rows.loc["thesis-enterprise", "verdict"] == "not checkable"
    assert rows.loc["thesis-driven-out", "verdict"] == "partly supported"
    assert rows.loc["thesis-driven-out", "book_figure"] == 0.0
    # two services-trade statistics in the data record cross-border computing, so 'none' fails
    assert rows.loc["thesis-trade-statistics", "book_figure"] == 2
    assert rows.loc["thesis-trade-statistics", "verdict"] == "not supported"
    # a total ban lowers the Chinese-made share by 2030 at every end of the fleet's range; the
    # claim ("cut by a tenth or more", ratio <= 0.9, tolerance 1 %) holds where some case reaches it
    ceiling = rows.loc["thesis-chip-ceiling"]
    assert ceiling["book_low"] <= ceiling["book_figure"] <= ceiling["book_high"] < 1.0
    reached = ceiling["book_low"] <= 0.9 * 1.01
    assert ceiling["verdict"] == ("supported" if reached else "partly supported")
    assert "china_fleet:" in ceiling["evidence"]
