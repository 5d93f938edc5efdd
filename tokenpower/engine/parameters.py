"""Scenario parameters: their declared types and ranges, and scenarios as rows of data.

A **scenario** is data: rows of ``data/scenarios.csv`` (scenario, parameter,
value), checked against ``data/scenario_parameters.csv``, which lists every
parameter with its type, unit, default and valid range or choices (a
parameter whose default is empty takes the central value of its row of
``assumptions.csv``, and the Monte Carlo draws it from that row's range).
An invalid scenario raises :class:`ScenarioError` naming the scenario and
the field.
"""

from __future__ import annotations

import pandas as pd

from tokenpower.engine.market import Market, allowed_matrix, segment_frame
from tokenpower.engine.specs import ScenarioError, read_value
from tokenpower.models import flows as fl

__all__ = ["load_scenarios", "validate_scenario"]


def _rules(scenario: str, name: str, items, parts: int) -> list[tuple[str, ...]]:
    """Split rules 'a:b[:c]' and check each part's vocabulary."""
    vocab = [fl.ORIGIN_REGIONS, fl.USER_TYPES, fl.SERVING_COUNTRIES]
    rules = []
    for item in items:
        bits = tuple(b.strip() for b in item.split(":"))
        if len(bits) != parts:
            raise ScenarioError(
                scenario, name, f"rule {item!r} must have {parts} parts separated by ':'"
            )
        for bit, allowed in zip(bits, vocab, strict=False):
            if bit != "*" and bit not in allowed:
                raise ScenarioError(
                    scenario,
                    name,
                    f"rule {item!r}: {bit!r} is not '*' or one of {', '.join(allowed)}",
                )
        rules.append(bits)
    return rules


def _check_accelerators(market: Market, scenario: str, params: dict) -> None:
    known = set(market.costs["accelerator_id"])
    for name in ("accelerators_chn", "accelerators_usa", "smuggled_accelerators_chn"):
        unknown = [a for a in params[name] if a not in known]
        if unknown:
            raise ScenarioError(
                scenario,
                name,
                f"unknown accelerator {', '.join(unknown)}; "
                f"the cost model knows {', '.join(sorted(known))}",
            )
    both = set(params["accelerators_chn"]) & set(params["smuggled_accelerators_chn"])
    if both:
        raise ScenarioError(
            scenario,
            "smuggled_accelerators_chn",
            f"{', '.join(sorted(both))} cannot be both legal (accelerators_chn) and smuggled",
        )
    for country in ("chn", "usa"):
        accessible = params[f"accelerators_{country}"] + (
            params["smuggled_accelerators_chn"] if country == "chn" else ()
        )
        if not accessible and params[f"capacity_factor_{country}"] != 0:
            raise ScenarioError(
                scenario,
                f"accelerators_{country}",
                "no accelerator is accessible; set capacity_factor_"
                f"{country} to 0 for a country that serves nothing",
            )


def validate_scenario(market: Market, scenario: str, values: dict) -> dict:
    """A complete, checked parameter dict for ``scenario`` (defaults filled in).

    ``values`` maps parameter names to raw values (strings from the CSV, or
    numbers).  Raises :class:`ScenarioError` for an unknown parameter, a value
    of the wrong type, out of range or not among the choices, an unknown
    accelerator, a malformed rule, or contradictory settings: an accelerator
    both legal and smuggled, user-type or origin shares above one, or rules
    that leave a segment no offering at all.
    """
    specs = market.specs
    params = {name: spec["default"] for name, spec in specs.items()}
    for name, raw in values.items():
        if name not in specs:
            raise ScenarioError(
                scenario, name, f"unknown parameter; valid: {', '.join(sorted(specs))}"
            )
        params[name] = read_value(scenario, name, specs[name], raw)
    _check_accelerators(market, scenario, params)
    if params["user_share_enterprises"] + params["user_share_public_sector"] > 1:
        raise ScenarioError(
            scenario,
            "user_share_public_sector",
            "user_share_enterprises + user_share_public_sector exceed 1",
        )
    if market.user_share_usa + market.user_share_chn + params["origin_share_europe"] > 1:
        raise ScenarioError(
            scenario,
            "origin_share_europe",
            f"with the US ({market.user_share_usa:.4f}) and China ({market.user_share_chn:.4f}) "
            "shares of users it leaves the rest of the world a negative share",
        )
    _rules(scenario, "forbid_model_origin", params["forbid_model_origin"], 3)
    _rules(scenario, "forbid_serving_country", params["forbid_serving_country"], 3)
    _rules(scenario, "require_domestic_serving", params["require_domestic_serving"], 2)
    allowed = allowed_matrix(market, params)
    for c in fl.SERVING_COUNTRIES:
        if params.get(f"capacity_factor_{c.lower()}") == 0:
            allowed[:, (market.offerings["serving_country"] == c).to_numpy()] = False
    empty = ~allowed.any(axis=1)
    if empty.any():
        seg = segment_frame()["segment_id"][empty].tolist()
        fields = [
            f
            for f in ("forbid_model_origin", "forbid_serving_country", "require_domestic_serving")
            if params[f]
        ] or ["capacity_factor_chn"]
        raise ScenarioError(
            scenario,
            fields[-1],
            f"contradictory rules: segment(s) {', '.join(seg)} are left with no allowed offering",
        )
    return params


def load_scenarios(market: Market, scenarios: pd.DataFrame) -> dict[str, dict]:
    """Every scenario of the long table ``scenarios``, validated, defaults filled in.

    Returns ``{scenario_id: params}`` in the order of first appearance.  A
    parameter set twice in one scenario is an error.
    """
    out = {}
    for sid, rows in scenarios.groupby("scenario_id", sort=False):
        dup = rows["parameter"][rows["parameter"].duplicated()]
        if not dup.empty:
            raise ScenarioError(sid, dup.iloc[0], "set more than once")
        out[sid] = validate_scenario(
            market, sid, dict(zip(rows["parameter"], rows["value"], strict=False))
        )
    return out
