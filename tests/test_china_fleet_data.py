"""China's fleet, supply and chip rules: the shapes the fleet model relies on, checked by hand."""

from __future__ import annotations

import pytest

from tokenpower.data import load

CHIPS = {"h100-sxm", "h800", "h20", "h200", "b200", "ascend-910b", "ascend-910c"}
RULES = {"none", "oct2022", "oct2023", "apr2025", "jan2026", "total", "leaky"}
ACCESS_ORDER = {"legal": 0, "licensed": 1, "grey": 2, "none": 3}


def _strictness(row) -> tuple[int, float, float]:
    """Larger is stricter: access first, then a higher fee, then a lower cap."""
    if row["access"] == "none":
        return (ACCESS_ORDER["none"], 0.0, 0.0)
    return (ACCESS_ORDER[row["access"]], float(row["fee_pct"]), -float(row["volume_cap_fraction"]))


def test_every_rule_and_chip_pair_is_present_exactly_once():
    rules = load("chip_rules")
    pairs = list(zip(rules["rule_id"], rules["accelerator_id"], strict=True))
    assert len(pairs) == 49
    assert set(pairs) == {(r, c) for r in RULES for c in CHIPS}


@pytest.mark.parametrize("chip", sorted(CHIPS))
def test_total_is_at_least_as_strict_as_every_rule(chip):
    rules = load("chip_rules")
    rows = rules[rules["accelerator_id"] == chip].set_index("rule_id")
    total = _strictness(rows.loc["total"])
    for rule in RULES:
        assert _strictness(rows.loc[rule]) <= total, (chip, rule)


def test_the_strictness_order_ranks_access_then_fee_then_cap():
    legal = {"access": "legal", "fee_pct": 0, "volume_cap_fraction": 1}
    licensed = {"access": "licensed", "fee_pct": 25, "volume_cap_fraction": 0.5}
    grey = {"access": "grey", "fee_pct": 50, "volume_cap_fraction": 0.1}
    barred = {"access": "none", "fee_pct": None, "volume_cap_fraction": None}
    assert _strictness(legal) < _strictness(licensed) < _strictness(grey) < _strictness(barred)
    cheaper = {"access": "licensed", "fee_pct": 15, "volume_cap_fraction": 1}
    assert _strictness(cheaper) < _strictness(licensed)


def test_ascend_parts_are_legal_free_and_uncapped_under_every_rule():
    rules = load("chip_rules")
    ascend = rules[rules["accelerator_id"].str.startswith("ascend")]
    assert len(ascend) == 14
    assert (ascend["access"] == "legal").all()
    assert (ascend["fee_pct"] == 0).all()
    assert (ascend["volume_cap_fraction"] == 1).all()


def test_no_controls_means_everything_legal_and_leaky_means_us_chips_grey():
    rules = load("chip_rules").set_index(["rule_id", "accelerator_id"])
    for chip in CHIPS:
        assert rules.loc[("none", chip), "access"] == "legal"
        expected = "legal" if chip.startswith("ascend") else "grey"
        assert rules.loc[("leaky", chip), "access"] == expected


def test_fee_and_cap_are_empty_exactly_when_access_is_none():
    rules = load("chip_rules")
    barred = rules["access"] == "none"
    assert rules.loc[barred, ["fee_pct", "volume_cap_fraction"]].isna().all().all()
    assert rules.loc[~barred, ["fee_pct", "volume_cap_fraction"]].notna().all().all()


def test_licence_fees_are_the_revenue_shares_of_export_controls():
    rules = load("chip_rules").set_index(["rule_id", "accelerator_id"])
    controls = load("export_controls").set_index("rule_id")
    h20 = controls.loc["ec-2025-07-h20-licences", "revenue_share_pct"]
    h200 = controls.loc["ec-2025-12-08", "revenue_share_pct"]
    assert rules.loc[("jan2026", "h20"), "fee_pct"] == h20 == 15
    assert rules.loc[("jan2026", "h200"), "fee_pct"] == h200 == 25


def test_every_range_holds_its_central_value():
    for name in ("china_fleet", "chip_supply"):
        frame = load(name)
        assert (frame["units_low"] <= frame["units"]).all(), name
        assert (frame["units"] <= frame["units_high"]).all(), name


def test_assumed_rows_are_low_confidence():
    for name in ("china_fleet", "chip_supply"):
        frame = load(name)
        assumed = frame[frame["source"] == "book-assumption"]
        assert len(assumed) > 0
        assert (assumed["confidence"] == "low").all(), name


def test_anchor_figures_are_the_values_the_sources_quote():
    fleet = load("china_fleet").set_index("fleet_id")
    # SemiAnalysis via SCMP: "more than 1 million China-specific H20... produced by Nvidia in the
    # last nine months of 2024"; Sina Finance via TrendForce: "H20 orders for 2024 are expected to
    # reach between 320,000 and 330,000 units"
    assert fleet.loc["h20-2024", "units"] == 1_000_000
    assert fleet.loc["h20-2024", "units_low"] == 320_000
    # Digitimes Asia: "produce 100,000 Ascend 910C chips and 300,000 Ascend 910B chips in 2025"
    assert fleet.loc["ascend-910c-2025", "units"] == 100_000
    assert fleet.loc["ascend-910b-2025", "units"] == 300_000
    # CNAS: "median estimate of approximately 140,000"
    assert fleet.loc["h100-sxm-2024", "units"] == 140_000
    supply = load("chip_supply").set_index("supply_id")
    # Bloomberg: "make about 600,000 of its marquee 910C Ascend chips next year"
    assert supply.loc["ascend-910c-2026", "units"] == 600_000


def test_supply_covers_every_chip_and_year_once():
    supply = load("chip_supply")
    pairs = list(zip(supply["accelerator_id"], supply["year"], strict=True))
    assert len(pairs) == len(set(pairs)) == 35
    assert set(pairs) == {(c, y) for c in CHIPS for y in range(2026, 2031)}
