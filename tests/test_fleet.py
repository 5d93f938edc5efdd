"""The vintage-capital fleet (tokenpower.engine.fleet) on a small hand-made table."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.engine import fleet

TABLES = {
    "china_fleet": pd.DataFrame(
        {
            "accelerator_id": ["a", "a", "b"],
            "vintage_year": [2022, 2025, 2024],
            "units": [100.0, 200.0, 50.0],
            "units_low": [80.0, 150.0, 40.0],
            "units_high": [120.0, 250.0, 60.0],
        }
    ),
    "chip_supply": pd.DataFrame(
        {
            "accelerator_id": ["a", "a", "b", "b"],
            "year": [2026, 2027, 2026, 2027],
            "units": [10.0, 20.0, 1000.0, 1000.0],
            "units_low": [5.0, 10.0, 500.0, 500.0],
            "units_high": [20.0, 40.0, 2000.0, 2000.0],
        }
    ),
    "chip_rules": pd.DataFrame(
        {
            "rule_id": ["open", "open", "shut", "shut"],
            "accelerator_id": ["a", "b", "a", "b"],
            "access": ["legal", "legal", "legal", "grey"],
            "fee_pct": [0.0, 0.0, 0.0, 50.0],
            "volume_cap_fraction": [1.0, 1.0, 1.0, 0.1],
        }
    ),
}


def test_the_fleet_by_hand():
    shut = fleet.access_table(TABLES, "shut")
    assert shut.set_index("accelerator_id").at["b", "cost_multiplier"] == 1.5
    # start of 2028, life 5: a's 2022 vintage is 6 years old (retired), 2025's is 3; the
    # additions of 2026 and 2027 serve; b's 2024 vintage serves, plus 10 % of 2,000 grey units
    units = fleet.fleet_units(TABLES, shut, 2028, 5.0)
    assert units["a"] == pytest.approx(200 + 10 + 20)
    assert units["b"] == pytest.approx(50 + 0.1 * 2000)
    # a life of 4.5 years keeps half of a vintage that is 4 years old (b's 2024 chips in 2028)
    assert fleet.fleet_units(TABLES, shut, 2028, 4.5)["b"] == pytest.approx(25 + 0.1 * 2000)
    # the start of 2026: nothing added yet, every rule alike
    assert fleet.fleet_units(TABLES, shut, 2026, 5.0).to_dict() == {"a": 300.0, "b": 50.0}
    assert fleet.fleet_units(TABLES, shut, 2026, 5.0, "units_low").to_dict() == {
        "a": 230.0,
        "b": 40.0,
    }
    with pytest.raises(KeyError, match="unknown chip rule 'ajar'; rules: open, shut"):
        fleet.access_table(TABLES, "ajar")


@settings(max_examples=50)
@given(st.integers(2026, 2030), st.floats(2.0, 6.0), st.floats(0.0, 6.0))
def test_property_a_stricter_rule_or_a_shorter_life_never_adds_chips(year, life, shorter):
    open_, shut = (fleet.access_table(TABLES, r) for r in ("open", "shut"))
    loose = fleet.fleet_units(TABLES, open_, year, life)
    strict = fleet.fleet_units(TABLES, shut, year, life).reindex(loose.index).fillna(0)
    assert (strict <= loose + 1e-9).all()
    short = (
        fleet.fleet_units(TABLES, open_, year, max(life - shorter, 0.5))
        .reindex(loose.index)
        .fillna(0)
    )
    assert (short <= loose + 1e-9).all() and (short >= 0).all()
