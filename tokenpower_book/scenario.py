"""``python -m tokenpower scenario``: the engine without a notebook.

``--list`` prints every preset of ``data/scenarios.csv`` with its
description; ``scenario ID [--year Y] [--set NAME=VALUE ...] [--draws N]
[--seed S] [--format table|json|csv]`` solves a preset, with overrides, and
prints the long outcomes table (with the 5th, 50th and 95th percentiles of
``N`` Monte Carlo draws when ``--draws`` is given).  A bad preset, parameter
or value is a usage error (exit 2) naming it and the valid choices or range.
"""

from __future__ import annotations

import io
import json
import math

import pandas as pd

from tokenpower import engine as sc
from tokenpower_book.errors import UsageError

__all__ = ["list_presets", "scenario_outcomes", "render"]


def _presets(tables) -> pd.DataFrame:
    rows = tables["scenarios"]
    ids = list(dict.fromkeys(rows["scenario_id"]))
    described = rows[rows["parameter"] == "description"].set_index("scenario_id")["value"]
    return pd.DataFrame({"scenario": ids, "description": [described.get(i, "") for i in ids]})


def list_presets() -> pd.DataFrame:
    """Every preset: ``scenario`` id and ``description``."""
    return _presets(sc.market_tables())


def _overrides(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--set {item!r}: expected NAME=VALUE")
        values[name.strip()] = value.strip()
    return values


def scenario_outcomes(
    scenario: str,
    year: int | None = None,
    sets: list[str] | None = None,
    draws: int | None = None,
    seed: int = 0,
) -> pd.DataFrame:
    """The outcomes table of preset ``scenario`` with overrides (see the module docstring).

    Columns ``scenario``, ``measure``, ``key``, ``value``, ``unit``, and with
    ``draws`` also ``p05``, ``p50``, ``p95``.  Raises :class:`UsageError` for an
    unknown preset or parameter, or a value outside its declared range.
    """
    tables = sc.market_tables()
    market = sc.build_market(tables)
    presets = _presets(tables)
    if scenario not in set(presets["scenario"]):
        raise UsageError(
            f"unknown scenario {scenario!r}; presets: {', '.join(presets['scenario'])}"
        )
    rows = tables["scenarios"]
    values = dict(
        zip(
            rows.loc[rows["scenario_id"] == scenario, "parameter"],
            rows.loc[rows["scenario_id"] == scenario, "value"],
            strict=True,
        )
    )
    values |= _overrides(sets or [])
    if year is not None:
        values["scenario_year"] = year
    if draws is not None and not 2 <= draws <= 100_000:
        raise UsageError(f"--draws {draws} is outside the valid range 2 to 100000")
    if not 0 <= seed <= 2**32 - 1:
        raise UsageError(f"--seed {seed} is outside the valid range 0 to 4294967295")
    try:
        params = sc.validate_scenario(market, scenario, values)
    except sc.ScenarioError as err:
        raise UsageError(str(err)) from None
    out = sc.outcomes(sc.solve(market, params, scenario))
    if draws:
        bands = sc.bands(market, params, draws, seed, scenario)
        out = out.merge(
            bands[["measure", "key", "p05", "p50", "p95"]], on=["measure", "key"], how="left"
        )
    return out


def render(table: pd.DataFrame, fmt: str) -> str:
    """The table as ``table`` (aligned text), ``json`` (a list of records) or ``csv``."""
    if fmt == "json":
        records = [
            {
                k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()
            }
            for r in table.to_dict(orient="records")
        ]
        return json.dumps(records, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        table.to_csv(buffer, index=False)
        return buffer.getvalue().rstrip("\n")
    shown = table.copy()
    for column in ("value", "p05", "p50", "p95"):
        if column in shown:
            shown[column] = shown[column].map(lambda v: "no limit" if v == math.inf else f"{v:.4g}")
    return shown.to_string(index=False)
