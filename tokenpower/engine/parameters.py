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

import math

import pandas as pd

from tokenpower.engine.market import Market, allowed_matrix, segment_frame
from tokenpower.models import flows as fl

__all__ = [
    "ScenarioError",
    "load_scenarios",
    "parameter_specs",
    "validate_scenario",
]


class ScenarioError(ValueError):
    """An invalid scenario; the message names the scenario and the field."""

    def __init__(self, scenario: str, field_name: str, message: str):
        self.scenario, self.field = scenario, field_name
        super().__init__(f"scenario '{scenario}', field '{field_name}': {message}")


def _missing(raw) -> bool:
    return (
        raw is None
        or (isinstance(raw, str) and not raw.strip())
        or (isinstance(raw, float) and math.isnan(raw))
    )


def _parse(scenario: str, name: str, spec: dict, raw):
    """Read one raw value (string or number) according to its spec."""
    kind = spec["type"]
    if kind == "text":
        return "" if _missing(raw) else str(raw)
    if kind == "choice":
        value = spec["choices"][0] if _missing(raw) else str(raw).strip()
        if value not in spec["choices"]:
            raise ScenarioError(
                scenario, name, f"{value!r} is not one of {', '.join(spec['choices'])}"
            )
        return value
    if kind == "list":
        if _missing(raw):
            return ()
        if isinstance(raw, (list, tuple)):
            return tuple(str(x).strip() for x in raw if str(x).strip())
        return tuple(x.strip() for x in str(raw).split(";") if x.strip())
    if _missing(raw):
        if name.startswith("capacity_factor_"):
            return None
        raise ScenarioError(scenario, name, "a value is required")
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise ScenarioError(scenario, name, f"{raw!r} is not a number") from None
    if kind == "integer":
        if value != int(value):
            raise ScenarioError(scenario, name, f"{raw!r} is not a whole number")
        value = int(value)
    lo, hi = spec["min"], spec["max"]
    if math.isnan(value) or not (lo <= value <= hi):
        raise ScenarioError(
            scenario, name, f"{value:g} is outside the valid range {lo:g} to {hi:g} {spec['unit']}"
        )
    return value


def parameter_specs(parameters: pd.DataFrame, assumptions: pd.DataFrame) -> dict[str, dict]:
    """Specification of every scenario parameter, with its default read.

    Returns ``{name: {"type", "unit", "min", "max", "choices", "default",
    "low", "high", "basis", "source", "description"}}``.  A parameter whose
    default is empty and that names an ``assumption_id`` takes the
    assumption's central value as default and its ``low``/``high`` as the
    range the Monte Carlo draws from; ``low``/``high`` are None for
    parameters without an assumption.
    """
    arows = assumptions.set_index("id")
    specs = {}
    for row in parameters.itertuples(index=False):
        choices = getattr(row, "choices", None)
        spec = {
            "type": row.type,
            "description": row.description,
            "unit": row.unit if isinstance(row.unit, str) else "",
            "min": float(row.min) if pd.notna(row.min) else -math.inf,
            "max": float(row.max) if pd.notna(row.max) else math.inf,
            "choices": tuple(choices.split(";")) if isinstance(choices, str) else (),
            "basis": row.basis,
            "source": row.source,
            "low": None,
            "high": None,
        }
        raw = row.default if isinstance(row.default, str) else None
        if pd.notna(row.assumption_id):
            assumed = arows.loc[row.assumption_id]
            spec["low"], spec["high"] = float(assumed["low"]), float(assumed["high"])
            if raw is None:
                raw = float(assumed["value"])
        spec["default"] = _parse("(defaults)", row.parameter, spec, raw)
        specs[row.parameter] = spec
    return specs


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
        params[name] = _parse(scenario, name, specs[name], raw)
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
