"""What a token costs to serve, and how much of that cost is electricity.

The supply-side token cost model of the book.  For one
accelerator serving one model at one site:

* **hourly cost of a busy GPU** (USD per hour in which it serves at the
  measured throughput)::

      capital     = card price x server capex factor x (1 + ban premium)
                    / (lifetime years x 8,760 h x utilisation)
      electricity = board power (kW) x average power fraction x server overhead
                    x PUE x electricity price (USD/kWh)
      other       = other operating cost per GPU-hour / utilisation

  Capital and other operating cost are paid for every hour of the year, so
  idle hours are charged to the busy ones (divide by utilisation); electricity
  is drawn only while serving.

* **throughput of a GPU for a model**: DeepSeek's published serving figures
  (Feb 2025, 8 x H800 per node, a model with 37B active parameters) scaled
  roofline-style::

      decode  (output) tokens/s = anchor x (memory bandwidth / anchor's)
                                         x (anchor active params / active params)
      prefill (input)  tokens/s = anchor x (dense tensor compute / anchor's)
                                         x (anchor active params / active params)

  Decode reads the active weights once per generated token and is bound by
  memory bandwidth; prefill does ~2 x active-parameter FLOPs per token in
  large batches and is bound by compute.  The compute figure is dense FP8
  where the chip has FP8 (DeepSeek serves with FP8 matmuls), else dense
  16-bit.

* **results**: cost per million input and output tokens (USD), kWh per
  million tokens, and the electricity share of the cost.  The electricity share
  is the same for input and output tokens: both are the same GPU-hours.

Every function takes scalars, numpy arrays or pandas Series and broadcasts, so
the scenario engine can evaluate thousands of draws at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower.models import uncertainty as uq

__all__ = [
    "HOURS_PER_YEAR",
    "COST_INPUT_COLUMNS",
    "RESTRICTED_STATUSES",
    "SITE_ASSUMPTIONS",
    "accelerator_inputs",
    "assumption_value",
    "blended_per_million",
    "capital_usd_per_busy_hour",
    "china_us_sites",
    "china_us_weekly",
    "cost_inputs",
    "deepseek_anchor",
    "deepseek_daily_check",
    "decode_tokens_per_s_per_gpu",
    "electricity_kwh_per_busy_hour",
    "first_party_prices",
    "other_usd_per_busy_hour",
    "restricted_accelerators",
    "sample_inputs",
    "sensitivity",
    "site_costs",
    "prefill_tokens_per_s_per_gpu",
    "price_ratio",
    "token_cost",
]

HOURS_PER_YEAR = 8760.0
"""Hours in a (non-leap) year."""

COST_INPUT_COLUMNS = (
    "card_price_usd",
    "server_capex_factor",
    "ban_premium",
    "lifetime_years",
    "utilisation",
    "board_power_w",
    "power_fraction",
    "server_overhead",
    "pue",
    "electricity_usd_per_kwh",
    "other_opex_usd_per_gpu_hour",
    "input_tokens_per_s_per_gpu",
    "output_tokens_per_s_per_gpu",
)
"""Columns :func:`token_cost` needs (see :func:`cost_inputs` for their units)."""


# -- the model -----------------------------------------------------------------


def capital_usd_per_busy_hour(
    card_price_usd, server_capex_factor, ban_premium, lifetime_years, utilisation
):
    """Capital cost of one accelerator per hour in which it serves (USD/h).

    ``card_price_usd`` (USD per card) x ``server_capex_factor`` (server price /
    8 cards, ratio) x (1 + ``ban_premium``, a fraction: 0.3 = 30 % grey-market
    mark-up), spread evenly over ``lifetime_years`` and charged to the share
    ``utilisation`` (0-1] of the year's hours in which the GPU serves.
    """
    installed = (
        np.asarray(card_price_usd, float)
        * np.asarray(server_capex_factor, float)
        * (1 + np.asarray(ban_premium, float))
    )
    return installed / (
        np.asarray(lifetime_years, float) * HOURS_PER_YEAR * np.asarray(utilisation, float)
    )


def electricity_kwh_per_busy_hour(board_power_w, power_fraction, server_overhead, pue):
    """Electricity drawn from the grid per busy accelerator-hour (kWh/h).

    ``board_power_w`` (W, the TDP) x ``power_fraction`` (average draw while
    serving / TDP) x ``server_overhead`` (wall power of the server per unit of
    accelerator power: host CPUs, memory, network) x ``pue`` (facility power /
    IT power).
    """
    return (
        np.asarray(board_power_w, float)
        / 1000.0
        * np.asarray(power_fraction, float)
        * np.asarray(server_overhead, float)
        * np.asarray(pue, float)
    )


def other_usd_per_busy_hour(other_opex_usd_per_gpu_hour, utilisation):
    """Other operating cost (facility, network, staff, maintenance) per busy hour (USD/h).

    ``other_opex_usd_per_gpu_hour`` is paid for every hour of the year, so it is
    divided by ``utilisation``.
    """
    return np.asarray(other_opex_usd_per_gpu_hour, float) / np.asarray(utilisation, float)


def decode_tokens_per_s_per_gpu(
    anchor_tokens_per_s, anchor_mem_bw_tbs, anchor_active_params_b, mem_bw_tbs, active_params_b
):
    """Output (decode) tokens/s of one accelerator, memory-bandwidth bound.

    Scales the anchor's per-GPU decode rate by memory bandwidth (TB/s) and
    inversely by the model's active parameters (billions).
    """
    return (
        np.asarray(anchor_tokens_per_s, float)
        * np.asarray(mem_bw_tbs, float)
        / np.asarray(anchor_mem_bw_tbs, float)
        * np.asarray(anchor_active_params_b, float)
        / np.asarray(active_params_b, float)
    )


def prefill_tokens_per_s_per_gpu(
    anchor_tokens_per_s, anchor_tflops, anchor_active_params_b, tflops, active_params_b
):
    """Input (prefill) tokens/s of one accelerator, compute bound.

    Scales the anchor's per-GPU prefill rate by dense tensor throughput
    (TFLOPS) and inversely by the model's active parameters (billions).
    """
    return (
        np.asarray(anchor_tokens_per_s, float)
        * np.asarray(tflops, float)
        / np.asarray(anchor_tflops, float)
        * np.asarray(anchor_active_params_b, float)
        / np.asarray(active_params_b, float)
    )


def token_cost(inputs: pd.DataFrame, output_fraction: float | np.ndarray = 0.22) -> pd.DataFrame:
    """Cost and electricity per million tokens, one row per row of ``inputs``.

    ``inputs`` has the columns of :data:`COST_INPUT_COLUMNS` (from
    :func:`cost_inputs`, or many random draws of them).  Returns a new frame
    with those columns plus

    * ``capital_usd_per_hour``, ``electricity_usd_per_hour``,
      ``other_usd_per_hour``, ``total_usd_per_hour`` (per busy GPU-hour) and
      ``kwh_per_hour``;
    * ``usd_per_m_input``, ``usd_per_m_output``, ``kwh_per_m_input``,
      ``kwh_per_m_output`` (per million tokens);
    * ``usd_per_m_blended``, ``kwh_per_m_blended`` for a traffic mix in which
      ``output_fraction`` of the tokens are output tokens;
    * ``electricity_share`` (electricity / total cost, 0-1).
    """
    missing = [c for c in COST_INPUT_COLUMNS if c not in inputs.columns]
    if missing:
        raise KeyError(f"token_cost needs the columns {', '.join(missing)}")
    out = inputs.copy()
    capital = capital_usd_per_busy_hour(
        out["card_price_usd"],
        out["server_capex_factor"],
        out["ban_premium"],
        out["lifetime_years"],
        out["utilisation"],
    )
    kwh = electricity_kwh_per_busy_hour(
        out["board_power_w"], out["power_fraction"], out["server_overhead"], out["pue"]
    )
    electricity = kwh * out["electricity_usd_per_kwh"].to_numpy(float)
    other = other_usd_per_busy_hour(out["other_opex_usd_per_gpu_hour"], out["utilisation"])
    total = capital + electricity + other
    m_in_per_hour = out["input_tokens_per_s_per_gpu"].to_numpy(float) * 3600 / 1e6
    m_out_per_hour = out["output_tokens_per_s_per_gpu"].to_numpy(float) * 3600 / 1e6
    out["capital_usd_per_hour"] = capital
    out["electricity_usd_per_hour"] = electricity
    out["other_usd_per_hour"] = other
    out["total_usd_per_hour"] = total
    out["kwh_per_hour"] = kwh
    out["usd_per_m_input"] = total / m_in_per_hour
    out["usd_per_m_output"] = total / m_out_per_hour
    out["kwh_per_m_input"] = kwh / m_in_per_hour
    out["kwh_per_m_output"] = kwh / m_out_per_hour
    f = np.asarray(output_fraction, float)
    out["usd_per_m_blended"] = blended_per_million(
        out["usd_per_m_input"], out["usd_per_m_output"], f
    )
    out["kwh_per_m_blended"] = blended_per_million(
        out["kwh_per_m_input"], out["kwh_per_m_output"], f
    )
    out["electricity_share"] = electricity / total
    return out


# -- prices --------------------------------------------------------------------


def blended_per_million(
    input_per_m, output_per_m, output_fraction, cache_read_per_m=None, cache_hit_fraction=0.0
):
    """Price, cost, kWh or GPU-hours per million tokens of a traffic mix.

    ``output_fraction`` of the tokens are output, the rest input; of the input
    tokens, ``cache_hit_fraction`` are read from the prompt cache at
    ``cache_read_per_m`` (the input value where that is not given or NaN: a
    provider that lists no cache price bills cache hits as input).  The one
    blend of the book: list prices (:mod:`tokenpower.engine`), modelled costs and
    kWh (:func:`token_cost`).  Broadcasts over arrays.

    With 25 % output tokens at 5 per million and input at 1 per million, half of
    it cache hits at 0.1: 0.75 x (0.5 x 1 + 0.5 x 0.1) + 0.25 x 5 = 1.6625.

    >>> float(blended_per_million(1.0, 5.0, 0.25))
    2.0
    >>> float(blended_per_million(1.0, 5.0, 0.25, cache_read_per_m=0.1, cache_hit_fraction=0.5))
    1.6625
    """
    inp = np.asarray(input_per_m, float)
    if cache_read_per_m is None:
        cache = inp
    else:
        cache_read = np.asarray(cache_read_per_m, float)
        cache = np.where(np.isnan(cache_read), inp, cache_read)
    f, h = np.asarray(output_fraction, float), np.asarray(cache_hit_fraction, float)
    return (1 - f) * ((1 - h) * inp + h * cache) + f * np.asarray(output_per_m, float)


def price_ratio(dear_in, dear_out, cheap_in, cheap_out, output_fraction) -> dict[str, float]:
    """How many times dearer one model is: on input, on output and blended (ratios).

    Prices in USD per million tokens; ``output_fraction`` is the share of output
    tokens in the blended mix.
    """
    blend_dear = blended_per_million(dear_in, dear_out, output_fraction)
    blend_cheap = blended_per_million(cheap_in, cheap_out, output_fraction)
    return {
        "input": float(dear_in) / float(cheap_in),
        "output": float(dear_out) / float(cheap_out),
        "blended": float(blend_dear / blend_cheap),
    }


def first_party_prices(
    model_prices: pd.DataFrame,
    llm_models: pd.DataFrame,
    labs: pd.DataFrame,
    price_date: str = "2026-03-01",
) -> pd.DataFrame:
    """List prices charged by each model's own lab on ``price_date``, one row per model.

    Joins the model's parameters and the lab's country.  Where a lab lists a
    model twice (aliases), the first row is kept.  Columns: ``model_id``,
    ``name``, ``lab_id``, ``country``, ``usd_per_m_input``, ``usd_per_m_output``,
    ``total_params_b``, ``active_params_b``, ``source``.
    """
    models = llm_models.merge(labs[["lab_id", "country"]], on="lab_id", how="left")
    prices = model_prices[model_prices["price_date"] == pd.Timestamp(price_date)]
    prices = prices.merge(
        models[["model_id", "name", "lab_id", "country", "total_params_b", "active_params_b"]],
        on="model_id",
        how="inner",
    )
    first = prices[
        prices["provider_id"]
        == prices["lab_id"].map(_FIRST_PARTY_PROVIDER).fillna(prices["lab_id"])
    ]
    first = first.drop_duplicates("model_id")
    return first[
        [
            "model_id",
            "name",
            "lab_id",
            "country",
            "usd_per_m_input",
            "usd_per_m_output",
            "total_params_b",
            "active_params_b",
            "source",
        ]
    ].reset_index(drop=True)


_FIRST_PARTY_PROVIDER = {"moonshot": "moonshotai", "zhipu": "zai"}


# -- data assembly -------------------------------------------------------------


def assumption_value(assumptions: pd.DataFrame, key: str, which: str = "value") -> float:
    """Central value (or ``low``/``high``) of the assumption ``key`` of assumptions.csv."""
    row = assumptions[assumptions["id"] == key]
    if row.empty:
        raise KeyError(f"assumptions.csv has no row {key!r}")
    return float(row[which].iloc[0])


def _assumption_row(assumptions: pd.DataFrame, key: str):
    row = assumptions[assumptions["id"] == key]
    return None if row.empty else row.iloc[0]


_SPEC_SOURCES = {
    # model field: [(column of the accelerators table = assumption suffix, spec names in accelerator_specs), ...]
    # tried in order; compute prefers dense FP8 and falls back to dense 16-bit.
    "board_power_w": [("tdp_w", ("tdp_w",))],
    "tflops": [
        ("fp8_tflops_dense", ("fp8_tflops_dense", "fp8_tflops")),
        ("bf16_tflops_dense", ("bf16_tflops_dense", "bf16_tflops", "fp16_tflops")),
    ],
    "mem_bw_tbs": [("mem_bw_tbs", ("mem_bw_tbs",))],
    "memory_gb": [("memory_gb", ("memory_gb",))],
    "card_price_usd": [("price_usd", ())],
}


def _spec_value(
    acc, key: str, own_specs: pd.DataFrame, assumptions: pd.DataFrame, column: str, spec_names
):
    """Central value and every disagreeing value of one spec of one accelerator."""
    central = getattr(acc, column, np.nan)
    central = float(central) if pd.notna(central) else np.nan
    values = []
    chosen = own_specs[own_specs["spec"].isin(spec_names)]
    values += list(chosen["value"]) + list(chosen["value_high"].dropna())
    assumed = _assumption_row(assumptions, f"accel_{key}_{column}")
    if assumed is not None:
        if np.isnan(central):
            central = float(assumed["value"])
        values += [float(assumed["low"]), float(assumed["high"])]
    if np.isnan(central) and values:
        central = float(np.mean([min(values), max(values)]))
    values = [float(v) for v in values + [central] if pd.notna(v)]
    return central, (min(values) if values else np.nan), (max(values) if values else np.nan)


def accelerator_inputs(
    accelerators: pd.DataFrame, specs: pd.DataFrame, assumptions: pd.DataFrame
) -> pd.DataFrame:
    """One row per accelerator with the central, low and high specs the cost model needs.

    For each of ``board_power_w`` (W), ``tflops`` (dense FP8 if the chip has
    it, else dense 16-bit; ``tflops_precision`` says which), ``mem_bw_tbs``
    (TB/s), ``memory_gb`` and ``card_price_usd`` (USD), the central value
    comes from the accelerators table, or else from the assumption
    ``accel_<id>_<field>`` of assumptions.csv (or else the middle of the
    quoted range); ``<field>_low`` and ``<field>_high`` span every
    disagreeing row of accelerator_specs and the assumption's range, so
    disputed specifications stay visible as ranges.  Accelerators without a
    power, compute, bandwidth or price are left out.
    """
    rows = []
    for acc in accelerators.itertuples(index=False):
        key = acc.accelerator_id.replace("-", "_")
        own = specs[specs["accelerator_id"] == acc.accelerator_id]
        rec = {
            "accelerator_id": acc.accelerator_id,
            "name": acc.name,
            "vendor_country": acc.vendor_country,
        }
        for field, options in _SPEC_SOURCES.items():
            for column, spec_names in options:
                central, low, high = _spec_value(acc, key, own, assumptions, column, spec_names)
                if pd.notna(central):
                    break
            rec[field], rec[f"{field}_low"], rec[f"{field}_high"] = central, low, high
            if field == "tflops":
                rec["tflops_precision"] = column.split("_")[0].upper() if pd.notna(central) else ""
        rows.append(rec)
    table = pd.DataFrame(rows)
    return table.dropna(
        subset=["board_power_w", "tflops", "mem_bw_tbs", "card_price_usd"]
    ).reset_index(drop=True)


def deepseek_anchor(
    measurements: pd.DataFrame,
    model_parameters: pd.DataFrame,
    accel: pd.DataFrame,
    model_id: str = "deepseek-v3",
) -> dict[str, float]:
    """The throughput anchor: DeepSeek's per-GPU serving rates and the hardware behind them.

    Returns ``input_tokens_per_s_per_gpu`` and ``output_tokens_per_s_per_gpu``
    (node rates / GPUs per node), ``active_params_b`` of ``model_id`` and the
    anchor accelerator's ``tflops`` and ``mem_bw_tbs`` (central values from
    :func:`accelerator_inputs`).
    """
    m = measurements.set_index("metric")["value"]
    hardware = measurements["accelerator_id"].iloc[0]
    gpus = float(m["gpus_per_node"])
    spec = accel.set_index("accelerator_id").loc[hardware]
    params = model_parameters[model_parameters["model_id"] == model_id]
    return {
        "accelerator_id": hardware,
        "input_tokens_per_s_per_gpu": float(m["input_tokens_per_s_per_node"]) / gpus,
        "output_tokens_per_s_per_gpu": float(m["output_tokens_per_s_per_node"]) / gpus,
        "active_params_b": float(params["active_params_b"].iloc[0]),
        "tflops": float(spec["tflops"]),
        "mem_bw_tbs": float(spec["mem_bw_tbs"]),
    }


def deepseek_daily_check(measurements: pd.DataFrame) -> dict[str, float]:
    """DeepSeek's own serving cost per million tokens, from its published day (Feb 2025).

    ``usd_per_m_tokens`` = daily cost / (input + output tokens per day) x 1e6.
    The node rates split that cost: prefill node-hours = input tokens / input
    rate, decode node-hours = output tokens / output rate; their sum is checked
    against the reported average node count x 24 h (``node_hours_implied`` vs
    ``node_hours_reported``).  ``usd_per_m_input`` and ``usd_per_m_output``
    price those node-hours at the reported lease (USD per GPU-hour).
    """
    m = measurements.set_index("metric")["value"]
    tokens_in, tokens_out = float(m["input_tokens_per_day"]), float(m["output_tokens_per_day"])
    cost = float(m["daily_cost_usd"])
    gpus = float(m["gpus_per_node"])
    lease = float(m["gpu_lease_usd_per_gpu_hour"])
    prefill_hours = tokens_in / float(m["input_tokens_per_s_per_node"]) / 3600
    decode_hours = tokens_out / float(m["output_tokens_per_s_per_node"]) / 3600
    return {
        "daily_cost_usd": cost,
        "tokens_per_day": tokens_in + tokens_out,
        "usd_per_m_tokens": cost / (tokens_in + tokens_out) * 1e6,
        "output_fraction": tokens_out / (tokens_in + tokens_out),
        "node_hours_reported": float(m["nodes_average"]) * 24,
        "node_hours_implied": prefill_hours + decode_hours,
        "gpu_lease_usd_per_gpu_hour": lease,
        "usd_per_m_input": lease * gpus * prefill_hours / tokens_in * 1e6,
        "usd_per_m_output": lease * gpus * decode_hours / tokens_out * 1e6,
    }


def cost_inputs(
    accel: pd.DataFrame,
    anchor: dict,
    assumptions: pd.DataFrame,
    accelerator_id: str,
    active_params_b: float,
    **overrides,
) -> pd.DataFrame:
    """A one-row frame of :data:`COST_INPUT_COLUMNS` at the central values.

    Hardware from ``accel`` (:func:`accelerator_inputs`), throughput from
    ``anchor`` (:func:`deepseek_anchor`) scaled to ``active_params_b``, the rest
    from assumptions.csv: ``server_capex_factor``, ``accel_lifetime_years``,
    ``serving_utilisation``, ``gpu_avg_power_fraction_of_tdp``,
    ``server_power_overhead_factor``, ``other_opex_usd_per_gpu_hour``; PUE and
    electricity price default to the Chinese data-centre assumptions
    (``pue_chn``, ``elec_usd_per_kwh_chn_dc``).  Any column can be overridden
    by keyword (e.g. ``pue=1.2``, ``ban_premium=0.3``); overriding ``tflops``,
    ``mem_bw_tbs`` or ``board_power_w`` recomputes the throughput.
    """
    spec = accel.set_index("accelerator_id").loc[accelerator_id]
    a = lambda key: assumption_value(assumptions, key)  # noqa: E731
    tflops = overrides.pop("tflops", spec["tflops"])
    mem_bw = overrides.pop("mem_bw_tbs", spec["mem_bw_tbs"])
    row = {
        "accelerator_id": accelerator_id,
        "active_params_b": active_params_b,
        "card_price_usd": spec["card_price_usd"],
        "server_capex_factor": a("server_capex_factor"),
        "ban_premium": 0.0,
        "lifetime_years": a("accel_lifetime_years"),
        "utilisation": a("serving_utilisation"),
        "board_power_w": spec["board_power_w"],
        "power_fraction": a("gpu_avg_power_fraction_of_tdp"),
        "server_overhead": a("server_power_overhead_factor"),
        "pue": a("pue_chn"),
        "electricity_usd_per_kwh": a("elec_usd_per_kwh_chn_dc"),
        "other_opex_usd_per_gpu_hour": a("other_opex_usd_per_gpu_hour"),
        "input_tokens_per_s_per_gpu": float(
            prefill_tokens_per_s_per_gpu(
                anchor["input_tokens_per_s_per_gpu"],
                anchor["tflops"],
                anchor["active_params_b"],
                tflops,
                active_params_b,
            )
        ),
        "output_tokens_per_s_per_gpu": float(
            decode_tokens_per_s_per_gpu(
                anchor["output_tokens_per_s_per_gpu"],
                anchor["mem_bw_tbs"],
                anchor["active_params_b"],
                mem_bw,
                active_params_b,
            )
        ),
    }
    unknown = [k for k in overrides if k not in row]
    if unknown:
        raise KeyError(f"unknown cost input(s) {', '.join(unknown)}; valid: {', '.join(row)}")
    row.update(overrides)
    return pd.DataFrame([row])


# -- the token market ------------------------------------------------------------


def china_us_weekly(openrouter_volumes: pd.DataFrame) -> pd.DataFrame:
    """Weekly OpenRouter tokens of Chinese vs US models, one row per week and source.

    Takes the rows whose scope is ``chinese-vs-us-models`` or
    ``all-models-view`` and pairs the China and USA values of each week and
    source.  Columns: ``period_start``, ``scope``, ``source``, ``confidence``,
    ``china_t``, ``usa_t`` (trillion tokens per week) and ``china_share``
    (China / (China + USA), 0-1).
    """
    rows = openrouter_volumes[
        openrouter_volumes["scope"].isin(["chinese-vs-us-models", "all-models-view"])
        & openrouter_volumes["group"].isin(["china", "usa"])
        & (openrouter_volumes["unit_period"] == "week")
    ]
    wide = rows.pivot_table(
        index=["period_start", "scope", "source", "confidence"],
        columns="group",
        values="tokens_t",
        aggfunc="first",
    ).reset_index()
    wide = wide.rename(columns={"china": "china_t", "usa": "usa_t"})
    wide.columns.name = None
    wide["china_share"] = wide["china_t"] / (wide["china_t"] + wide["usa_t"])
    return wide.sort_values("period_start").reset_index(drop=True)


# -- sites, bans and sensitivity -------------------------------------------------

RESTRICTED_STATUSES = ("licence-required", "presumption-of-denial", "case-by-case")
"""Export statuses under which a chip reaches China only through a licence or the grey market."""


def restricted_accelerators(
    export_status: pd.DataFrame, destination: str = "CHN", on_date: str = "2026-03-01"
) -> list[str]:
    """Accelerators whose latest export status to ``destination`` on ``on_date`` is restrictive.

    Uses the last row of ``accelerator_export_status`` dated on or before
    ``on_date`` for each accelerator; a status in :data:`RESTRICTED_STATUSES`
    counts as restricted (``licences-granted`` and ``allowed`` do not).
    """
    rows = export_status[
        (export_status["destination"] == destination)
        & (export_status["date_from"] <= pd.Timestamp(on_date))
    ]
    latest = rows.sort_values("date_from").groupby("accelerator_id").tail(1)
    return sorted(latest.loc[latest["status"].isin(RESTRICTED_STATUSES), "accelerator_id"])


_CASES = {
    # case: (compute, bandwidth, power, price) ends of each spec range
    "central": ("tflops", "mem_bw_tbs", "board_power_w", "card_price_usd"),
    "best specs": ("tflops_high", "mem_bw_tbs_high", "board_power_w_low", "card_price_usd_low"),
    "worst specs": ("tflops_low", "mem_bw_tbs_low", "board_power_w_high", "card_price_usd_high"),
}


SITE_ASSUMPTIONS = {
    "CHN": ("pue_chn", "elec_usd_per_kwh_chn_dc"),
    "USA": ("pue_usa", "elec_usd_per_kwh_usa_dc"),
}
"""The assumptions (PUE, data-centre electricity price) of each site country."""


def china_us_sites(
    assumptions: pd.DataFrame,
    pue: dict[str, float] | None = None,
    electricity_usd_per_kwh: dict[str, float] | None = None,
) -> pd.DataFrame:
    """A data-centre site in China and one in the United States, for :func:`site_costs`.

    One row per country (``CHN``, ``USA``) with ``country``, ``pue`` and
    ``electricity_usd_per_kwh`` (USD/kWh): the central values of
    :data:`SITE_ASSUMPTIONS` in ``assumptions``, except where ``pue`` or
    ``electricity_usd_per_kwh`` give a country's own value (a reader's
    parameter).  An unknown country raises ``KeyError``.
    """
    given = {"pue": pue or {}, "electricity_usd_per_kwh": electricity_usd_per_kwh or {}}
    for column, values in given.items():
        unknown = sorted(set(values) - set(SITE_ASSUMPTIONS))
        if unknown:
            raise KeyError(
                f"{column}: unknown site country {', '.join(unknown)}; "
                f"valid: {', '.join(SITE_ASSUMPTIONS)}"
            )
    rows = []
    for country, (pue_key, price_key) in SITE_ASSUMPTIONS.items():
        rows.append(
            {
                "country": country,
                "pue": float(given["pue"].get(country, assumption_value(assumptions, pue_key))),
                "electricity_usd_per_kwh": float(
                    given["electricity_usd_per_kwh"].get(
                        country, assumption_value(assumptions, price_key)
                    )
                ),
            }
        )
    return pd.DataFrame(rows)


def site_costs(
    accel: pd.DataFrame,
    anchor: dict,
    assumptions: pd.DataFrame,
    active_params_b: float,
    sites: pd.DataFrame,
    ban_premium: float = 0.0,
    restricted=(),
    output_fraction: float = 0.22,
    **overrides,
) -> pd.DataFrame:
    """Token cost of every accelerator at every site, at central, best and worst specs.

    ``sites`` has one row per site with ``country``, ``pue`` and
    ``electricity_usd_per_kwh``.  ``ban_premium`` (fraction of the price) is
    added to the accelerators in ``restricted`` at sites in China.  The
    ``case`` column says which end of the disputed spec ranges was used
    ("best specs": high compute and bandwidth, low power and price; "worst
    specs": the opposite).  Other cost inputs can be overridden by keyword (see
    :func:`cost_inputs`).  Returns the frame of :func:`token_cost` with
    ``name``, ``country`` and ``case`` added.
    """
    frames = []
    restricted = set(restricted)
    for acc in accel.itertuples(index=False):
        for site in sites.itertuples(index=False):
            premium = (
                ban_premium if (site.country == "CHN" and acc.accelerator_id in restricted) else 0.0
            )
            for case, (tf, bw, power, price) in _CASES.items():
                row = cost_inputs(
                    accel,
                    anchor,
                    assumptions,
                    acc.accelerator_id,
                    active_params_b,
                    tflops=getattr(acc, tf),
                    mem_bw_tbs=getattr(acc, bw),
                    board_power_w=getattr(acc, power),
                    card_price_usd=getattr(acc, price),
                    pue=site.pue,
                    electricity_usd_per_kwh=site.electricity_usd_per_kwh,
                    ban_premium=premium,
                    **overrides,
                )
                row["name"], row["country"], row["case"] = acc.name, site.country, case
                frames.append(row)
    return token_cost(pd.concat(frames, ignore_index=True), output_fraction)


def sensitivity(
    base: pd.DataFrame,
    ranges: dict[str, tuple[float, float]],
    output_fraction: float = 0.22,
    measure: str = "usd_per_m_blended",
) -> pd.DataFrame:
    """One-at-a-time sensitivity (a tornado) of ``measure`` around a one-row ``base``.

    For each input named in ``ranges`` (a column of :data:`COST_INPUT_COLUMNS`
    -> (low, high)), the measure of :func:`token_cost` is computed with that
    input at its low and at its high end and every other input at ``base``
    (:func:`tokenpower.models.uncertainty.one_at_a_time`).  Returns its table:
    one row per input with ``parameter``, ``low``, ``high``, ``at_low``,
    ``at_high``, ``swing``, ``central`` and ``swing_pct``, largest swing first.
    """
    unknown = [k for k in ranges if k not in COST_INPUT_COLUMNS]
    if unknown:
        raise KeyError(f"not cost inputs: {', '.join(unknown)}")
    base = base.iloc[[0]]

    def evaluate(name, value):
        return token_cost(base.assign(**{name: value}), output_fraction)[measure].iloc[0]

    central = float(token_cost(base, output_fraction)[measure].iloc[0])
    return uq.one_at_a_time(evaluate, ranges, central=central)


def sample_inputs(
    base: pd.DataFrame, ranges: dict[str, tuple[float, float]], n: int, seed: int = 0
) -> pd.DataFrame:
    """``n`` random draws of the cost inputs around a one-row ``base`` (for Monte Carlo).

    Each input named in ``ranges`` (a column of :data:`COST_INPUT_COLUMNS` ->
    (low, high)) is drawn from the triangular distribution on (low, base value,
    high) (:func:`tokenpower.models.uncertainty.triangular`: a base value outside
    its range is kept fixed); the draws are independent.  The other columns keep
    their base values.  The same ``seed`` gives the same draws.  Feed the result
    to :func:`token_cost`.
    """
    unknown = [k for k in ranges if k not in COST_INPUT_COLUMNS]
    if unknown:
        raise KeyError(f"not cost inputs: {', '.join(unknown)}")
    rng = uq.stream(seed)
    draws = pd.concat([base.iloc[[0]]] * n, ignore_index=True)
    for name, (low, high) in ranges.items():
        draws[name] = uq.triangular(low, float(base[name].iloc[0]), high, n, rng)
    return draws
