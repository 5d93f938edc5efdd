"""The scenario engine: a nested-logit token market with capacity shadow prices.

Modules: :mod:`~tokenpower.engine.market` (the calibration week's data,
segments, offerings, prices), :mod:`~tokenpower.engine.specs` and
:mod:`~tokenpower.engine.parameters` (declared parameters; scenarios as
data, checked), :mod:`~tokenpower.engine.choice` (nested logit,
calibration), :mod:`~tokenpower.engine.costs` (serving costs and
capacities under chip rules), :mod:`~tokenpower.engine.capacity` (shadow
prices), :mod:`~tokenpower.engine.core` (the one vectorised core and
``solve``), :mod:`~tokenpower.engine.outcomes` (the headline measures) and
:mod:`~tokenpower.engine.uncertainty` (Monte Carlo, bands, tornado).  The
names below are the engine's public interface: ``from tokenpower import
engine as sc``.
"""

from tokenpower.engine.core import Result, Solution, run, solve
from tokenpower.engine.costs import country_cost_usd_per_m
from tokenpower.engine.market import (
    MARKET_TABLES,
    WEEKS_PER_YEAR,
    Market,
    allowed_matrix,
    build_market,
    market_tables,
    serving_cost_components,
)
from tokenpower.engine.outcomes import flow_table, measures, outcomes
from tokenpower.engine.parameters import load_scenarios, validate_scenario
from tokenpower.engine.specs import ScenarioError, parameter_specs
from tokenpower.engine.uncertainty import (
    UNCERTAIN,
    bands,
    benchmark,
    draw_parameters,
    monte_carlo,
    tornado,
)

__all__ = [
    "MARKET_TABLES",
    "UNCERTAIN",
    "WEEKS_PER_YEAR",
    "Market",
    "Result",
    "ScenarioError",
    "Solution",
    "allowed_matrix",
    "bands",
    "benchmark",
    "build_market",
    "country_cost_usd_per_m",
    "draw_parameters",
    "flow_table",
    "load_scenarios",
    "market_tables",
    "measures",
    "monte_carlo",
    "outcomes",
    "parameter_specs",
    "run",
    "serving_cost_components",
    "solve",
    "tornado",
    "validate_scenario",
]
