"""What the chapters call to put values on the page and to check their parameters."""

from __future__ import annotations

import importlib
import re
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from tokenpower.data import load

__all__ = [
    "Parameter",
    "ParameterError",
    "check_parameters",
    "declared_parameters",
    "glue",
    "significant",
]


def glue(name: str, value, display: bool = False) -> None:
    """Glue a value for ``{glue:text}`` in the prose, numpy scalars as plain Python numbers.

    myst-nb formats a glued value from its ``repr``; a numpy scalar's repr
    (``np.float64(0.5)``) cannot take a format spec such as ``:.1f``, so
    it is converted first.
    """
    from myst_nb import glue as myst_glue

    myst_glue(name, value.item() if isinstance(value, np.generic) else value, display=display)


def significant(value: float, digits: int = 2) -> float:
    """``value`` rounded to ``digits`` significant figures (0 stays 0), for figures whose inputs are rough.

    >>> significant(725.8248), significant(0.0251909), significant(1636.6, 1)
    (730.0, 0.025, 2000.0)
    """
    value = float(value)
    if value == 0 or not np.isfinite(value):
        return value
    return round(value, digits - 1 - int(np.floor(np.log10(abs(value)))))


# -- the chapters' declared parameters (data/chapter_parameters.csv) ----------------------------


class ParameterError(ValueError):
    """A chapter parameter that is not declared, of the wrong type or outside its range."""


@dataclass(frozen=True)
class Parameter:
    """One declared parameter of a chapter, its range and choices resolved from the data."""

    chapter: str
    name: str
    type: str
    unit: str | None
    min: float | None
    max: float | None
    choices: tuple | None
    description: str
    range_note: str | None

    def describe(self) -> str:
        """The valid values in words: ``a number from 0 to 1 (fraction)``."""
        unit = f" ({self.unit})" if self.unit else ""
        if self.choices is not None:
            return "one of " + ", ".join(repr(c) for c in self.choices)
        kind = {"integer": "a whole number", "number": "a number"}.get(self.type)
        if kind and self.min is not None and self.max is not None:
            return f"{kind} from {_plain(self.min)} to {_plain(self.max)}{unit}"
        return {
            "integer": "a whole number",
            "number": "a number",
            "boolean": "True or False",
            "text": "a text",
            "list": "a non-empty list of names",
        }[self.type] + unit

    def record(self, default=None) -> dict:
        """The declaration as a plain record (for JSON): name, type, default, min, max, choices, unit, description."""
        return {
            "name": self.name,
            "type": self.type,
            "default": default,
            "min": self.min,
            "max": self.max,
            "choices": list(self.choices) if self.choices is not None else None,
            "unit": self.unit,
            "description": self.description,
        }


def _plain(x: float):
    return int(x) if float(x).is_integer() else x


def _text(value) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return None
    return str(value)


def _number(value) -> float | None:
    return None if _text(value) is None else float(value)


def _choices_from(spec: str, data_dir) -> list:
    """The values named by ``resource.field[column=value]`` or ``module:NAME``."""
    if ":" in spec:
        module, name = spec.split(":", 1)
        return list(getattr(importlib.import_module(module), name))
    match = re.fullmatch(r"(\w+)\.(\w+)(?:\[(\w+)=([^\]]*)\])?", spec)
    if not match:
        raise ValueError(f"chapter_parameters.csv: choices_from {spec!r} is not resource.field")
    resource, field, column, wanted = match.groups()
    frame = load(resource, data_dir)
    if column:
        frame = frame[frame[column].astype(str) == wanted]
    values = frame[field]
    if pd.api.types.is_datetime64_any_dtype(values):
        return [f"{v:%Y-%m-%d}" for v in values]
    return list(dict.fromkeys(str(v) for v in values))


def declared_parameters(chapter: str, data_dir=None) -> dict[str, Parameter]:
    """The parameters declared for ``chapter`` (file stem), name -> :class:`Parameter`, in order.

    Ranges named by ``scenario_parameter`` or ``assumption_id`` are read from
    ``scenario_parameters.csv`` (min, max) or ``assumptions.csv`` (low, high);
    a ``min`` or ``max`` of the row itself narrows that range (never widens it).
    """
    rows = load("chapter_parameters", data_dir)
    rows = rows[rows["chapter"] == chapter]
    scenario = load("scenario_parameters", data_dir).set_index("parameter")
    assumptions = load("assumptions", data_dir).set_index("id")
    found = {}
    for row in rows.to_dict("records"):
        low, high = _number(row["min"]), _number(row["max"])
        if _text(row["scenario_parameter"]) or _text(row["assumption_id"]):
            if _text(row["scenario_parameter"]):
                ref = scenario.loc[row["scenario_parameter"]]
                ref_low, ref_high = _number(ref["min"]), _number(ref["max"])
            else:
                ref = assumptions.loc[row["assumption_id"]]
                ref_low, ref_high = _number(ref["low"]), _number(ref["high"])
            # the chapter's own min or max may only narrow the referenced range
            low = ref_low if low is None else low
            high = ref_high if high is None else high
            if low < ref_low or high > ref_high:
                raise ParameterError(
                    f"chapter_parameters.csv: {chapter} {row['parameter']} from {low} to {high} "
                    f"is wider than the range it refers to ({ref_low} to {ref_high})"
                )
        choices = None
        if _text(row["choices"]) or _text(row["choices_from"]):
            choices = [c for c in (_text(row["choices"]) or "").split(";") if c]
            if _text(row["choices_from"]):
                choices += _choices_from(row["choices_from"], data_dir)
            choices = tuple(choices)
        found[row["parameter"]] = Parameter(
            chapter,
            row["parameter"],
            row["type"],
            _text(row["unit"]),
            low,
            high,
            choices,
            row["description"],
            _text(row["range_note"]),
        )
    return found


def _checked(p: Parameter, value):
    """``value`` converted to the parameter's type, or a ParameterError naming it, the value and the rule."""
    wrong = ParameterError(
        f"parameter {p.name!r} of {p.chapter} must be {p.describe()}, not {value!r}"
    )
    if p.type == "boolean":
        if not isinstance(value, (bool, np.bool_)):
            raise wrong
        return bool(value)
    if p.type in ("integer", "number"):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
            raise wrong
        if not np.isfinite(value) or (p.type == "integer" and not float(value).is_integer()):
            raise wrong
        if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
            raise wrong
        return int(value) if p.type == "integer" else float(value)
    if p.type == "text":
        if not isinstance(value, str) or (p.choices is not None and value not in p.choices):
            raise wrong
        return value
    if not isinstance(value, (list, tuple)) or not value:
        raise wrong
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise wrong
    return list(value)


def check_parameters(chapter: str, values: Mapping, data_dir=None) -> dict:
    """Check a chapter's parameter values against their declarations; return them converted.

    ``values`` maps names to values: a chapter's ``globals()`` (only the
    declared names are read) or the values a re-run changes.  Each value must be of
    its declared type (an integer is accepted for a number, an integral float
    for an integer) and inside its range or choices; the result maps each
    name to the value as its type (``float`` for a number).  Raises
    :class:`ParameterError` naming the parameter, the value and its range.

    >>> check_parameters("intro", {"network_year": 1902})
    {'network_year': 1902}
    """
    declared = declared_parameters(chapter, data_dir)
    if not declared:
        raise ParameterError(
            f"chapter {chapter!r} declares no parameters in chapter_parameters.csv"
        )
    return {name: _checked(p, values[name]) for name, p in declared.items() if name in values}
