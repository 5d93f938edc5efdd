"""China's accelerator fleet by chip and vintage: what a chip rule does to capacity and cost.

A standard vintage-capital (putty-clay) account: the fleet at the start of
a year is the installed stock of ``data/china_fleet.csv`` plus the chips
added in each earlier year since 2026 (``data/chip_supply.csv``), less the
vintages older than their service life.  A chip rule (``data/chip_rules.csv``)
sets, chip by chip, whether China may add it -- legally, under licence with
a fee, through grey markets at a premium and for a fraction of the supply,
or not at all; Huawei's Ascend chips are always legal.  Installed chips keep
serving (their capital is sunk); the chip that sets the price is the
**marginal** one, the cheapest a data centre can still add; electricity per
token is the fleet's throughput-weighted mix.

For a rule at least as strict (no chip more accessible, no fee lower, no
share of supply higher) the fleet can only be smaller and the marginal cost
only higher, in every year.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["ACCESS", "FIRST_YEAR", "FLEET_TABLES", "access_table", "fleet_units", "rules"]

FIRST_YEAR = 2026
"""The fleet table's date: the start of this year (the calibration week is February 2026)."""

ACCESS = ("legal", "licensed", "grey", "none")
"""How a rule lets China add a chip, from the most to the least accessible."""

FLEET_TABLES = ("china_fleet", "chip_supply", "chip_rules")
"""Tables of the data package the fleet reads."""


def rules(tables: dict) -> tuple[str, ...]:
    """Rule ids of ``data/chip_rules.csv``, in the file's order."""
    return tuple(dict.fromkeys(tables["chip_rules"]["rule_id"]))


def access_table(tables: dict, rule_id: str) -> pd.DataFrame:
    """One rule's rows: ``accelerator_id``, ``access``, ``cost_multiplier`` (on capital), ``volume_share``.

    Legal: multiplier 1 and the whole supply; licensed: 1 + fee, the share
    the rule caps; grey: 1 + premium, the share that gets through; none: no
    supply (multiplier ``inf``).
    """
    rows = tables["chip_rules"][tables["chip_rules"]["rule_id"] == rule_id]
    if rows.empty:
        raise KeyError(f"unknown chip rule {rule_id!r}; rules: {', '.join(rules(tables))}")
    fee = rows["fee_pct"].fillna(0.0).to_numpy(float) / 100
    share = rows["volume_cap_fraction"].fillna(1.0).to_numpy(float)
    access = rows["access"].to_numpy()
    return pd.DataFrame(
        {
            "accelerator_id": rows["accelerator_id"].to_numpy(),
            "access": access,
            "cost_multiplier": np.where(access == "none", np.inf, 1 + fee),
            "volume_share": np.where(
                access == "none", 0.0, np.where(access == "legal", 1.0, share)
            ),
        }
    )


def _survival(age, life):
    """Share of a vintage still in service at ``age`` years with a service life of ``life`` years."""
    return np.clip(life - np.asarray(age, float), 0.0, 1.0)


def fleet_units(
    tables: dict,
    access: pd.DataFrame,
    year: int,
    service_life_years: float = 5.0,
    supply: str = "units",
) -> pd.Series:
    """Chips in service in China at the start of ``year``, by accelerator (a Series of units).

    ``access`` from :func:`access_table`; ``supply`` the column of the
    supply and fleet tables to read (``units``, ``units_low`` or
    ``units_high``).  Additions of year ``y`` are in service from the start
    of ``y + 1``.
    """
    fleet = tables["china_fleet"]
    installed = fleet[supply].fillna(fleet["units"]).to_numpy(float) * _survival(
        year - fleet["vintage_year"].to_numpy(float), service_life_years
    )
    units = pd.Series(installed, index=fleet["accelerator_id"].to_numpy()).groupby(level=0).sum()
    s = tables["chip_supply"]
    s = s[s["year"] < year]
    if len(s):
        share = access.set_index("accelerator_id")["volume_share"]
        added = (
            s[supply].fillna(s["units"]).to_numpy(float)
            * s["accelerator_id"].map(share).fillna(0.0).to_numpy()
            * _survival(year - s["year"].to_numpy(float), service_life_years)
        )
        units = units.add(
            pd.Series(added, index=s["accelerator_id"].to_numpy()).groupby(level=0).sum(),
            fill_value=0.0,
        )
    return units[units > 0]
