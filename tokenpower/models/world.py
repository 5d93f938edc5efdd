"""The world's token trade: tokens Chinese-made models serve to users outside China.

The book's market is one platform's week (OpenRouter).  This layer scales the
question to the world, in four channels through which a user outside China
gets tokens from a Chinese-made model, each an annual rate (tokens per year)
at two windows, **late 2025** (October 2025 to January 2026) and **mid-2026**
(April to July 2026), where the sources' figures cluster:

* **routers** (OpenRouter and other API gateways)::

      OpenRouter tokens/week x weeks/year x (1 + other routers' ratio)
      x Chinese-made share x share used outside China

* **the labs' own APIs**, from revenue: the labs' foreign API revenue (USD/yr)
  divided by the effective price of their tokens (USD per million, list prices
  of ``model_prices`` blended over input, cache reads and output), minus the
  routers' tokens that the labs' own APIs already serve (a router's purchase
  is also the lab's revenue);
* **hosts** outside China serving Chinese open-weight models (Fireworks and
  every other host, relative to it), minus the routers' tokens those hosts
  already serve;
* **apps**: the labs' chat apps and websites used abroad.

Each channel has a share **served from China** (hosts: none, by definition).
Exported electricity is the tokens served from China for users abroad times
the kWh per token of the book's one token-cost model
(:func:`tokenpower.models.tokencost.token_cost`) on a Chinese site.  Every
unknown link is a row of ``assumptions.csv`` (ids ``world_*``) with a low, a
central and a high value; :func:`monte_carlo` draws them all (triangular,
independent) for the band; :mod:`tokenpower.models.world_anchors` checks the
layer against its sourced anchors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tokenpower.models import tokencost as tc
from tokenpower.models.uncertainty import stream, triangular

__all__ = [
    "CHANNELS",
    "CHANNEL_LABELS",
    "DAYS_PER_YEAR",
    "PERIODS",
    "PERIOD_LABELS",
    "WEEKS_PER_YEAR",
    "channel_tokens",
    "chinese_api_prices",
    "draw_inputs",
    "kwh_per_m_tokens",
    "monte_carlo",
    "summary",
    "world_inputs",
]

DAYS_PER_YEAR = 365.25
WEEKS_PER_YEAR = DAYS_PER_YEAR / 7
PERIODS = ("late-2025", "mid-2026")
PERIOD_LABELS = {"late-2025": "late 2025", "mid-2026": "mid-2026"}
_YEAR = {"late-2025": "2025", "mid-2026": "2026"}
CHANNELS = ("routers", "labs", "hosts", "apps")
CHANNEL_LABELS = {
    "routers": "API routers (OpenRouter and others)",
    "labs": "the labs' own APIs",
    "hosts": "hosts and clouds outside China",
    "apps": "the labs' chat apps and websites",
}

# layer input -> assumption id ({y}: the window's year); the cost inputs share the cost model's ids
_ASSUMPTIONS = {
    "openrouter_t_per_week": "world_openrouter_t_per_week_{y}",
    "cn_share_openrouter": "world_cn_share_openrouter_{y}",
    "foreign_share_openrouter": "world_foreign_share_openrouter",
    "other_routers_ratio": "world_other_routers_ratio",
    "router_served_in_china": "world_router_served_in_china",
    "fireworks_t_per_day": "world_fireworks_t_per_day_{y}",
    "other_hosts_ratio": "world_other_hosts_ratio",
    "cn_share_hosts": "world_cn_share_hosts_{y}",
    "foreign_share_hosts": "world_foreign_share_hosts",
    "lab_foreign_api_musd": "world_lab_foreign_api_musd_{y}",
    "lab_api_served_in_china": "world_lab_api_served_in_china",
    "app_t_per_day_abroad": "world_app_t_per_day_abroad_{y}",
    "app_served_in_china": "world_app_served_in_china",
    "active_params_b": "world_active_params_b",
    "output_fraction": "output_token_fraction",
    "cache_hit": "input_cache_hit_fraction",
    "pue": "pue_chn",
    "power_fraction": "gpu_avg_power_fraction_of_tdp",
    "server_overhead": "server_power_overhead_factor",
}


def chinese_api_prices(
    model_prices: pd.DataFrame,
    llm_models: pd.DataFrame,
    labs: pd.DataFrame,
    output_fraction: float,
    cache_hit: float,
    price_date: str = "2026-03-01",
) -> pd.DataFrame:
    """Effective price of each Chinese lab's own model on its own API (USD per million tokens).

    From :func:`tokenpower.models.tokencost.first_party_prices`, for the labs in
    China: ``(1 - f) x (h x cache price + (1 - h) x input price) + f x output
    price``, with ``f`` the output share of tokens and ``h`` the share of input
    tokens read from the cache (the input price where a model lists no cache
    price).  Returns ``model_id``, ``name``, ``usd_per_m_input``,
    ``usd_per_m_output``, ``usd_per_m_cache_read`` and ``usd_per_m_effective``.
    """
    first = tc.first_party_prices(model_prices, llm_models, labs, price_date)
    first = first[first["country"] == "CHN"]
    cache = model_prices[model_prices["price_date"] == pd.Timestamp(price_date)]
    cache = cache.drop_duplicates("model_id").set_index("model_id")["usd_per_m_cache_read"]
    out = first[["model_id", "name", "usd_per_m_input", "usd_per_m_output"]].copy()
    out["usd_per_m_cache_read"] = out["model_id"].map(cache).fillna(out["usd_per_m_input"])
    f, h = float(output_fraction), float(cache_hit)
    out["usd_per_m_effective"] = (1 - f) * (
        h * out["usd_per_m_cache_read"] + (1 - h) * out["usd_per_m_input"]
    ) + f * out["usd_per_m_output"]
    return out.reset_index(drop=True)


def world_inputs(tables: dict[str, pd.DataFrame], period: str) -> pd.DataFrame:
    """The layer's inputs in one window: one row per input with ``low``, ``central``, ``high``.

    ``tables`` holds ``assumptions``, ``model_prices``, ``llm_models`` and
    ``labs``.  Every input but one is an assumption row (column
    ``assumption``); the effective API price (``price_usd_per_m``) spans the
    Chinese labs' own models (lowest, median, highest of
    :func:`chinese_api_prices` at the central output and cache shares).
    """
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}, not {period!r}")
    a = tables["assumptions"].set_index("id")
    rows = []
    for name, key in _ASSUMPTIONS.items():
        key = key.format(y=_YEAR[period])
        if key not in a.index:
            raise KeyError(f"assumptions.csv has no row {key!r} (input {name} of the world layer)")
        r = a.loc[key]
        rows.append((name, float(r["low"]), float(r["value"]), float(r["high"]), r["unit"], key))
    c = {r[0]: r[2] for r in rows}
    prices = chinese_api_prices(
        tables["model_prices"],
        tables["llm_models"],
        tables["labs"],
        c["output_fraction"],
        c["cache_hit"],
    )["usd_per_m_effective"]
    rows.append(
        ("price_usd_per_m", prices.min(), prices.median(), prices.max(), "USD/M tokens", "")
    )
    cols = ["input", "low", "central", "high", "unit", "assumption"]
    return pd.DataFrame(rows, columns=cols).set_index("input")


def channel_tokens(x) -> dict[str, np.ndarray]:
    """Tokens per year (trillions) by channel, abroad and served from China.

    ``x`` maps each input of :func:`world_inputs` to a number or an array of
    draws (all the same length).  Returns ``abroad_<channel>`` and
    ``served_cn_<channel>`` for each of :data:`CHANNELS`, ``abroad_total``,
    ``served_cn_total`` (T tokens/yr) and ``served_cn_share`` (0-1).
    """
    g = {k: np.asarray(v, float) for k, v in dict(x).items()}
    routers = (
        g["openrouter_t_per_week"]
        * WEEKS_PER_YEAR
        * (1 + g["other_routers_ratio"])
        * g["cn_share_openrouter"]
        * g["foreign_share_openrouter"]
    )
    routers_cn = routers * g["router_served_in_china"]
    routers_abroad_hosted = routers - routers_cn
    labs_all = g["lab_foreign_api_musd"] / g["price_usd_per_m"]  # USD M / (USD per M) = T tokens
    labs = np.maximum(labs_all - routers_cn, 0.0)
    hosts_all = (
        g["fireworks_t_per_day"]
        * DAYS_PER_YEAR
        * (1 + g["other_hosts_ratio"])
        * g["cn_share_hosts"]
        * g["foreign_share_hosts"]
    )
    hosts = np.maximum(hosts_all - routers_abroad_hosted, 0.0)
    apps = g["app_t_per_day_abroad"] * DAYS_PER_YEAR
    out = {
        "abroad_routers": routers,
        "abroad_labs": labs,
        "abroad_hosts": hosts,
        "abroad_apps": apps,
        "served_cn_routers": routers_cn,
        "served_cn_labs": labs * g["lab_api_served_in_china"],
        "served_cn_hosts": np.zeros_like(hosts),
        "served_cn_apps": apps * g["app_served_in_china"],
    }
    out["abroad_total"] = sum(out[f"abroad_{c}"] for c in CHANNELS)
    out["served_cn_total"] = sum(out[f"served_cn_{c}"] for c in CHANNELS)
    out["served_cn_share"] = out["served_cn_total"] / out["abroad_total"]
    return out


def kwh_per_m_tokens(tables: dict[str, pd.DataFrame], x, accelerator: str = "h800") -> np.ndarray:
    """kWh per million tokens served in China, from the book's token-cost model.

    ``tables`` holds ``assumptions``, ``accelerators``, ``accelerator_specs``,
    ``inference_measurements`` and ``model_parameters``.  The cost model's
    central inputs for ``accelerator`` at a Chinese site
    (:func:`tokenpower.models.tokencost.cost_inputs`) with, from ``x``, the
    PUE, the GPU's average power fraction, the server overhead, the active
    parameters (throughput scales as 1 / active parameters) and the output
    share of tokens.  Broadcasts over arrays of draws.
    """
    a = tables["assumptions"]
    accel = tc.accelerator_inputs(tables["accelerators"], tables["accelerator_specs"], a)
    anchor = tc.deepseek_anchor(tables["inference_measurements"], tables["model_parameters"], accel)
    base = tc.cost_inputs(accel, anchor, a, accelerator, 1.0)
    g = {k: np.atleast_1d(np.asarray(v, float)) for k, v in dict(x).items()}
    n = max(len(g[k]) for k in ("pue", "power_fraction", "server_overhead", "active_params_b"))
    rows = pd.concat([base] * n, ignore_index=True)
    for col in ("pue", "power_fraction", "server_overhead"):
        rows[col] = np.broadcast_to(g[col], n)
    active = np.broadcast_to(g["active_params_b"], n)
    rows["active_params_b"] = active
    rows["input_tokens_per_s_per_gpu"] = base["input_tokens_per_s_per_gpu"].iloc[0] / active
    rows["output_tokens_per_s_per_gpu"] = base["output_tokens_per_s_per_gpu"].iloc[0] / active
    f = np.broadcast_to(g["output_fraction"], n)
    return tc.token_cost(rows, f)["kwh_per_m_blended"].to_numpy()


def _electricity(tables, x, tokens, accelerator) -> dict[str, np.ndarray]:
    kwh_m = kwh_per_m_tokens(tables, x, accelerator)
    # T tokens/yr x 1e6 (M per T) x kWh/M = kWh/yr; / 1e9 = TWh/yr
    twh = tokens["served_cn_total"] * 1e6 * kwh_m / 1e9
    price = np.asarray(dict(x)["price_usd_per_m"], float)
    return {
        "kwh_per_m": kwh_m,
        "exported_twh_per_year": twh,
        "exported_gwh_per_year": twh * 1e3,
        "usd_per_kwh": price / kwh_m,
        # T tokens/yr x USD per M tokens = USD M/yr
        "served_cn_musd_per_year": tokens["served_cn_total"] * price,
    }


def draw_inputs(inputs: pd.DataFrame, draws: int, seed: int = 0) -> dict[str, np.ndarray]:
    """``draws`` draws of each input of :func:`world_inputs`: triangular on its low, central
    and high values, input ``i`` from random stream ``i + 1`` of ``seed`` (independent draws)."""
    return {
        name: triangular(r.low, r.central, r.high, draws, stream(seed, i + 1))
        for i, (name, r) in enumerate(inputs.iterrows())
    }


def monte_carlo(
    tables: dict[str, pd.DataFrame],
    period: str,
    draws: int = 4000,
    seed: int = 0,
    accelerator: str = "h800",
) -> pd.DataFrame:
    """``draws`` random draws of the layer in ``period``, one row per draw.

    Every input of :func:`world_inputs` is drawn from the triangular
    distribution on its low, central and high values
    (:func:`tokenpower.models.uncertainty.triangular`), each from its own
    random stream of ``seed``, so the draws are independent and the same
    seed gives the same result.  Columns: the inputs, the outputs of
    :func:`channel_tokens`, ``kwh_per_m``, ``exported_twh_per_year``,
    ``exported_gwh_per_year``, ``usd_per_kwh`` (the effective price over the
    kWh of a token: value delivered per kWh) and ``served_cn_musd_per_year``
    (what foreign users pay for the tokens served from China, USD M/yr).
    """
    x = draw_inputs(world_inputs(tables, period), draws, seed)
    tokens = channel_tokens(x)
    return pd.DataFrame({**x, **tokens, **_electricity(tables, x, tokens, accelerator)})


_OUTPUTS = (
    [f"{k}_{c}" for k in ("abroad", "served_cn") for c in CHANNELS]
    + ["abroad_total", "served_cn_total", "served_cn_share", "kwh_per_m"]
    + ["exported_twh_per_year", "exported_gwh_per_year", "usd_per_kwh", "served_cn_musd_per_year"]
)


def summary(
    tables: dict[str, pd.DataFrame],
    draws: int = 4000,
    seed: int = 0,
    accelerator: str = "h800",
    band: tuple[float, float] = (5, 95),
) -> pd.DataFrame:
    """The layer's headline outputs in both windows: central value and Monte Carlo band.

    One row per window and output (the outputs of :func:`channel_tokens`,
    ``kwh_per_m``, ``exported_twh_per_year``, ``exported_gwh_per_year``) with
    ``central`` (every input at its central value), ``p_low`` and ``p_high``
    (the ``band`` percentiles of :func:`monte_carlo`) and ``median``.
    """
    rows = []
    for period in PERIODS:
        central_x = world_inputs(tables, period)["central"].to_dict()
        tok = channel_tokens(central_x)
        central = {**tok, **_electricity(tables, central_x, tok, accelerator)}
        mc = monte_carlo(tables, period, draws, seed, accelerator)
        for out in _OUTPUTS:
            lo, med, hi = np.percentile(mc[out], [band[0], 50, band[1]])
            rows.append(
                {
                    "period": period,
                    "output": out,
                    "central": float(np.asarray(central[out]).ravel()[0]),
                    "p_low": float(lo),
                    "median": float(med),
                    "p_high": float(hi),
                }
            )
    return pd.DataFrame(rows)
