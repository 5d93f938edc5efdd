"""The explorable scenario grid: chip-ban severity x sovereignty strictness.

Two dials, each in [0, 1], are mapped to parameters of the scenario engine
(:mod:`tokenpower.engine`):

* :func:`chip_ban_parameters` maps a **chip-ban severity** to the
  accelerators Chinese data centres can buy legally, those that reach them
  only through grey markets, and the grey-market premium.  The ladder follows
  the real rules in the order they came (``data/accelerator_export_status.csv``):

  ====================  ==========================================  ============
  severity at least      accelerators no longer legal in China       rule
  ====================  ==========================================  ============
  0.2                    H100, H200, B200                            Oct 2022
  0.4                    H800                                        Oct 2023
  0.6                    H20                                         Apr 2025
  1.0                    (no grey market left: domestic chips only)  hypothesis
  ====================  ==========================================  ============

  Below 1, every banned accelerator is still bought through grey markets at
  a premium of ``severity x max_premium`` on its price (a hypothesis: no
  source in the book measures the premium), in the capped share
  ``grey_supply_share_chn`` of its supply: grey chips add capacity but do not
  set the price.  A stricter ban therefore only ever takes options away, so
  China's marginal serving cost can only rise and its fleet only shrink (the
  properties the tests check).
* :func:`sovereignty_parameters` maps a **sovereignty strictness** to
  data-sovereignty rules (the engine's ``forbid_model_origin``,
  ``forbid_serving_country`` and ``require_domestic_serving``), each step
  adding rules to the previous step's (:data:`SOVEREIGNTY_LADDER`).

:func:`grid_outcomes` solves the engine at every point of a grid of the two
dials (at build time); :func:`explorable_chart` draws it as an Altair chart
whose two sliders filter the precomputed grid, so the static page redraws
shares and exported electricity without a kernel.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from tokenpower import engine as sc

__all__ = [
    "BAN_LADDER",
    "DOMESTIC_CHN",
    "GRID_STEPS",
    "OUTCOME_LABELS",
    "SOVEREIGNTY_LADDER",
    "chip_ban_parameters",
    "explorable_chart",
    "grid_outcomes",
    "outcome_arrays",
    "outcomes_of",
    "point_outcomes",
    "scenario_values",
    "solution_outcomes",
    "sovereignty_parameters",
]

BAN_LADDER: tuple[tuple[float, tuple[str, ...], str], ...] = (
    (0.2, ("h100-sxm", "h200", "b200"), "ec-2022-10-07"),
    (0.4, ("h800",), "ec-2023-10-17"),
    (0.6, ("h20",), "ec-2025-04-09"),
)
"""(severity threshold, accelerator ids banned from that severity on, rule id of export_controls.csv)."""

DOMESTIC_CHN: tuple[str, ...] = ("ascend-910b", "ascend-910c")
"""Chinese accelerators, never affected by a US ban."""

SOVEREIGNTY_LADDER: tuple[tuple[float, str, str, str], ...] = (
    (
        0.2,
        "forbid_model_origin",
        "USA:public_sector:CHN",
        "US government-device bans on Chinese models",
    ),
    (
        0.4,
        "forbid_serving_country",
        "EUR:*:CHN",
        "EU transfers to China without an adequacy decision",
    ),
    (
        0.6,
        "require_domestic_serving",
        "CHN:*",
        "China's outbound data rules: Chinese requests served in China",
    ),
    (
        0.8,
        "forbid_model_origin",
        "USA:enterprises:CHN",
        "US enterprises barred from Chinese models",
    ),
    (0.8, "forbid_serving_country", "USA:*:CHN", "no US request served in China"),
    (
        1.0,
        "forbid_model_origin",
        "USA:*:CHN",
        "a US ban on Chinese-origin models for everyone (hypothetical)",
    ),
)
"""(strictness threshold, engine parameter, rule, what it stands for); each step keeps the earlier rules."""

GRID_STEPS = 6
"""Points per dial in the book's grid (0, 0.2, ..., 1)."""

OUTCOME_LABELS = {
    "chinese_model_share": "Chinese-made models' share of tokens",
    "cn_served_share": "Share of tokens served in China",
}
"""Labels of the share outcomes drawn by :func:`explorable_chart`."""


def _check_dial(name: str, value: float) -> float:
    value = float(value)
    if not 0.0 <= value <= 1.0 or np.isnan(value):
        raise ValueError(f"{name} must be between 0 and 1, got {value}")
    return value


def chip_ban_parameters(
    severity: float, max_premium: float = 2.0, all_accelerators: tuple[str, ...] | None = None
) -> dict:
    """Engine parameters of a chip ban of the given ``severity`` (0 = none, 1 = total).

    Parameters: ``severity`` in [0, 1]; ``max_premium`` (fraction of the card
    price) the grey-market premium as severity approaches 1, a hypothesis;
    ``all_accelerators`` the accelerator ids of the cost model (default: the
    ones named in :data:`BAN_LADDER` and :data:`DOMESTIC_CHN`).
    Returns ``chip_rule_chn`` (``custom``), ``accelerators_chn``, ``smuggled_accelerators_chn`` (';'-joined
    ids) and ``smuggling_premium_chn`` (fraction).  Monotone: a higher
    severity bans a superset of accelerators, with a premium at least as high.
    """
    severity = _check_dial("severity", severity)
    if max_premium < 0:
        raise ValueError(f"max_premium must be at least 0, got {max_premium}")
    ladder_ids = [a for _, ids, _ in BAN_LADDER for a in ids]
    ids = list(all_accelerators) if all_accelerators is not None else [*ladder_ids, *DOMESTIC_CHN]
    banned = {
        a for threshold, group, _ in BAN_LADDER if severity >= threshold - 1e-9 for a in group
    }
    legal = [a for a in ids if a not in banned]
    smuggled = [a for a in ids if a in banned] if severity < 1.0 else []
    return {
        "chip_rule_chn": "custom",
        "accelerators_chn": ";".join(legal),
        "smuggled_accelerators_chn": ";".join(smuggled),
        "smuggling_premium_chn": round(severity * max_premium, 10),
    }


def sovereignty_parameters(strictness: float) -> dict:
    """Engine parameters of data-sovereignty rules of the given ``strictness`` (0 = none, 1 = strictest).

    Returns ``forbid_model_origin``, ``forbid_serving_country`` and
    ``require_domestic_serving`` as ';'-joined rules of the engine's
    vocabulary; every rule of :data:`SOVEREIGNTY_LADDER` whose threshold is
    at most ``strictness`` applies, so a stricter setting is a superset.
    """
    strictness = _check_dial("strictness", strictness)
    out = {"forbid_model_origin": [], "forbid_serving_country": [], "require_domestic_serving": []}
    for threshold, name, rule, _ in SOVEREIGNTY_LADDER:
        if strictness >= threshold - 1e-9:
            out[name].append(rule)
    return {name: ";".join(rules) for name, rules in out.items()}


def scenario_values(
    severity: float, strictness: float, base: dict | None = None, max_premium: float = 2.0
) -> dict:
    """Raw parameter values (for :func:`tokenpower.engine.validate_scenario`) of one grid point.

    ``base`` holds any other raw values (e.g. a scenario year or a
    capacity); the two dials' parameters override it.
    """
    return {
        **(base or {}),
        **chip_ban_parameters(severity, max_premium),
        **sovereignty_parameters(strictness),
    }


def point_outcomes(market: sc.Market, params: dict, reference_active_b: float = 37.0) -> dict:
    """The grid's outcomes of one validated scenario, solved by the engine.

    Returns ``chinese_model_share`` and ``cn_served_share`` (fractions of
    tokens), ``exported_gwh_chn`` and ``exported_gwh_usa`` (GWh per year of
    electricity spent serving other regions' requests), ``cost_usd_per_m_chn``
    and ``cost_usd_per_m_usa`` (serving cost per million blended tokens of a
    model with ``reference_active_b`` billion active parameters; 37 is
    DeepSeek-V3's) and ``price_gap`` (average price paid per million tokens
    of US-made models over that of Chinese-made models).
    """
    return solution_outcomes(sc.solve(market, params), reference_active_b)


def solution_outcomes(solution: sc.Solution, reference_active_b: float = 37.0) -> dict:
    """The grid's outcomes (see :func:`point_outcomes`) of an already solved scenario.

    Read from the engine's headline measures (:func:`tokenpower.engine.measures`),
    the same numbers every chapter shows.
    """
    return outcomes_of(sc.measures(solution.market, solution.result), reference_active_b, 0)


def outcome_arrays(m: dict, reference_active_b: float = 37.0) -> dict[str, np.ndarray]:
    """The grid's outcomes (see :func:`point_outcomes`) of every draw of the engine's measures ``m``."""
    price = m["average_price_by_model_origin_usd_per_m"]
    lost = m["unserved_or_priced_out_tokens_per_week"]["total"]
    return {
        "chinese_model_share": m["token_share_model_origin"]["CHN"],
        "cn_served_share": m["token_share_serving_country"]["CHN"],
        "exported_gwh_chn": m["exported_electricity_gwh_per_year"]["CHN"],
        "exported_gwh_usa": m["exported_electricity_gwh_per_year"]["USA"],
        "cost_usd_per_m_chn": m["serving_cost_usd_per_m"]["CHN"] * reference_active_b,
        "cost_usd_per_m_usa": m["serving_cost_usd_per_m"]["USA"] * reference_active_b,
        "price_gap": price["USA"] / price["CHN"],
        "shadow_price_chn": m["shadow_price_usd_per_m"]["CHN"],
        "priced_out_share": lost / (m["tokens_per_week"]["total"] + lost),
        "welfare_usd_per_year": m["welfare_change_usd_per_year"]["total"],
    }


def outcomes_of(m: dict, reference_active_b: float, draw: int) -> dict:
    """The grid's outcomes of draw ``draw`` of the engine's measures ``m``, as floats."""
    return {k: float(v[draw]) for k, v in outcome_arrays(m, reference_active_b).items()}


def grid_outcomes(
    market: sc.Market,
    steps: int = GRID_STEPS,
    base: dict | None = None,
    max_premium: float = 2.0,
    reference_active_b: float = 37.0,
) -> pd.DataFrame:
    """Outcomes at every point of a ``steps`` x ``steps`` grid of severity and strictness.

    Each point is validated (:func:`tokenpower.engine.validate_scenario`)
    and solved by the engine; see :func:`point_outcomes` for the columns,
    with ``severity`` and ``strictness`` (rounded to 6 decimals) in front.
    """
    if steps < 2:
        raise ValueError(f"steps must be at least 2, got {steps}")
    dial = np.round(np.linspace(0.0, 1.0, steps), 6)
    rows = []
    for severity in dial:
        for strictness in dial:
            values = scenario_values(severity, strictness, base, max_premium)
            params = sc.validate_scenario(market, f"grid-{severity:g}-{strictness:g}", values)
            rows.append(
                {
                    "severity": float(severity),
                    "strictness": float(strictness),
                    **point_outcomes(market, params, reference_active_b),
                }
            )
    return pd.DataFrame(rows)


def explorable_chart(
    grid: pd.DataFrame, severity: float = 0.0, strictness: float = 0.0
) -> alt.VConcatChart:
    """Shares and exported electricity of the grid point picked by two sliders.

    ``grid`` comes from :func:`grid_outcomes`; ``severity`` and
    ``strictness`` are the sliders' starting values (snapped to the grid).
    The sliders are Altair params bound to range inputs; the chart filters
    the precomputed grid in the browser, so no kernel is needed.  Returns
    the unfinished chart (pass it to :func:`tokenpower.charts.finish`).
    """
    from tokenpower.charts import color_scale

    dial = np.sort(grid["severity"].unique())
    step = float(np.round(np.diff(dial).min(), 6)) if len(dial) > 1 else 1.0
    snap = lambda v: float(dial[np.abs(dial - v).argmin()])  # noqa: E731
    sev = alt.param(
        name="severity",
        value=snap(severity),
        bind=alt.binding_range(min=0, max=1, step=step, name="Chip-ban severity "),
    )
    strict = alt.param(
        name="strictness",
        value=snap(strictness),
        bind=alt.binding_range(min=0, max=1, step=step, name="Sovereignty strictness "),
    )
    shares = grid.melt(
        id_vars=["severity", "strictness"],
        value_vars=list(OUTCOME_LABELS),
        var_name="outcome",
        value_name="share",
    )
    shares["outcome"] = shares["outcome"].map(OUTCOME_LABELS)
    energy = grid.melt(
        id_vars=["severity", "strictness"],
        value_vars=["exported_gwh_chn", "exported_gwh_usa"],
        var_name="country",
        value_name="gwh",
    )
    energy["country"] = energy["country"].str[-3:].str.upper()
    energy["label"] = energy["country"].map({"CHN": "Served in China", "USA": "Served in the US"})
    pick = f"abs(datum.severity - severity) < {step / 2} && abs(datum.strictness - strictness) < {step / 2}"
    share_bars = (
        alt.Chart(shares)
        .mark_bar(color="#c0392b")
        .encode(
            x=alt.X(
                "share:Q",
                title="Share of tokens",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            y=alt.Y(
                "outcome:N",
                title=None,
                sort=list(OUTCOME_LABELS.values()),
                axis=alt.Axis(labelLimit=320),
            ),
            tooltip=[
                alt.Tooltip("outcome:N", title="Outcome"),
                alt.Tooltip("share:Q", format=".1%", title="Share"),
                alt.Tooltip("severity:Q", title="Severity"),
                alt.Tooltip("strictness:Q", title="Strictness"),
            ],
        )
        .transform_filter(pick)
        .properties(width=380, height=80, title="Token shares")
    )
    gwh_max = float(energy["gwh"].max()) * 1.05 or 1.0
    energy_bars = (
        alt.Chart(energy)
        .mark_bar()
        .encode(
            x=alt.X(
                "gwh:Q",
                title="Exported electricity (GWh per year)",
                scale=alt.Scale(domain=[0, gwh_max]),
            ),
            y=alt.Y("label:N", title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color("country:N", scale=color_scale(["CHN", "USA"]), legend=None),
            tooltip=[
                alt.Tooltip("label:N", title="Where"),
                alt.Tooltip("gwh:Q", format=".2f", title="GWh/yr"),
            ],
        )
        .transform_filter(pick)
        .properties(width=380, height=80, title="Electricity spent on foreign requests")
    )
    return alt.vconcat(share_bars, energy_bars).add_params(sev, strict)
