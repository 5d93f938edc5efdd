"""Declared scenario parameters: their types, ranges and choices, and how a raw value is read.

``data/scenario_parameters.csv`` lists every parameter with its type, unit,
default and valid range or choices; :func:`parameter_specs` reads it (a
parameter whose default is empty takes the central value of its row of
``assumptions.csv``), and every value a scenario sets is read against its
spec, raising :class:`ScenarioError` naming the scenario and the field.
"""

from __future__ import annotations

import math

import pandas as pd

__all__ = ["ScenarioError", "parameter_specs", "read_value"]


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


def read_value(scenario: str, name: str, spec: dict, raw):
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
        spec["default"] = read_value("(defaults)", row.parameter, spec, raw)
        specs[row.parameter] = spec
    return specs
