"""The request-flow network: where a week of API tokens starts, goes and is served.

A request starts in an **origin region** (where the developer is), passes a
**gateway** (OpenRouter, whose rankings are the book's data), reaches a
**model** (made by a lab in some country: the model's *origin*), is served by
a **host** (the lab's own API or a third-party host) and ends in a **serving
country** (where the GPUs and the electricity are).  Model origin and serving
location are different things: a Chinese open-weight model served by a US
host spends American electricity.

This module builds the tables the engine (:mod:`tokenpower.engine`) needs
from the data package -- the calibration week's per-model volumes, the
offerings (model x host x serving country) with their list prices, the
regions with their stand-in places and latency floors -- and turns a table
of flows into a :class:`networkx.DiGraph` with ``tokens``, ``usd`` and
``kwh`` on every edge.  Network measures (conservation at inner nodes, node
throughput, the chokepoint) and drawing tables (layered diagram, map arcs)
work on that graph.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from tokenpower.models.geo import fibre_rtt_floor_ms, great_circle_arc, great_circle_km

__all__ = [
    "GATEWAY",
    "LAYERS",
    "ORIGIN_REGIONS",
    "SERVING_COUNTRIES",
    "USER_TYPES",
    "arc_features",
    "calibration_volumes",
    "chokepoint",
    "inner_node_balance",
    "layered_layout",
    "node_throughput",
    "offering_table",
    "region_places",
    "request_flow_network",
    "rtt_floor_matrix_ms",
    "serving_arcs",
    "RESIDUAL_MODELS",
]

ORIGIN_REGIONS = ("USA", "CHN", "EUR", "ROW")
"""Origin regions of the network: US, China, Europe, rest of the world."""
USER_TYPES = ("developers", "enterprises", "public_sector")
"""User types of a segment (a segment is origin region x user type)."""
SERVING_COUNTRIES = ("USA", "CHN")
"""Countries whose data centres serve the calibration week's models."""
GATEWAY = "OpenRouter"
"""The gateway every request of the book's data passes (the data are OpenRouter's)."""
LAYERS = ("origin", "gateway", "model", "host", "serving")
"""Layers of the request-flow network, in the order a request passes them."""

RESIDUAL_MODELS = {"CHN": "other-chn-top10", "USA": "other-usa-top10"}
"""Ids of the top-10 week's models that the sources do not name, by origin."""


# -- calibration volumes ---------------------------------------------------------


def calibration_volumes(
    volumes: pd.DataFrame,
    llm_models: pd.DataFrame,
    labs: pd.DataFrame,
    total_id: str = "or-top10-2026-02-week",
    named_ids: tuple[str, ...] = (
        "or-top10-2026-02-week-m2.5",
        "or-week-2026-02-28-gemini3flash",
        "or-week-2026-02-28-deepseekv32",
        "or-week-2026-02-28-kimik25",
        "or-week-2026-02-28-glm5",
    ),
    chinese_total_id: str = "or-cnus-2026-02-16-cn",
) -> pd.DataFrame:
    """Weekly tokens of each model of the February 2026 top-10 week (trillion tokens).

    The sources give the week's top-10 total (``total_id``, 8.7T), the
    volumes of five named models (``named_ids``; MiniMax M2.5 from the same
    source as the total, the others from CGTN's week before 2026-02-28) and
    the week's total for Chinese models (``chinese_total_id``, NBD's week of
    16-22 February).  The unnamed top-10 models are two residual rows, one per
    origin: Chinese = Chinese total - named Chinese models; US = top-10 total
    - Chinese total - named US models.  No share is an input: the Chinese
    share is what these volumes add up to.

    Returns columns ``model_id``, ``name``, ``lab_id``, ``model_origin``,
    ``tokens_t`` (trillion tokens per week), ``volume_id``, ``source``.
    """
    vol = volumes.set_index("volume_id")
    missing = [v for v in (total_id, chinese_total_id, *named_ids) if v not in vol.index]
    if missing:
        raise KeyError(f"openrouter_volumes has no row {', '.join(missing)}")
    models = llm_models.merge(labs[["lab_id", "country"]], on="lab_id", how="left").set_index(
        "model_id"
    )
    rows = []
    for vid in named_ids:
        mid = vol.at[vid, "model_id"]
        rows.append(
            {
                "model_id": mid,
                "name": models.at[mid, "name"],
                "lab_id": models.at[mid, "lab_id"],
                "model_origin": models.at[mid, "country"],
                "tokens_t": float(vol.at[vid, "tokens_t"]),
                "volume_id": vid,
                "source": vol.at[vid, "source"],
            }
        )
    named = pd.DataFrame(rows)
    if named["model_id"].duplicated().any():
        raise ValueError("each named volume must be a different model")
    total = float(vol.at[total_id, "tokens_t"])
    chinese = float(vol.at[chinese_total_id, "tokens_t"])
    other_cn = chinese - named.loc[named["model_origin"] == "CHN", "tokens_t"].sum()
    other_us = total - chinese - named.loc[named["model_origin"] != "CHN", "tokens_t"].sum()
    if other_cn < 0 or other_us < 0:
        raise ValueError(
            "the named models exceed the totals they belong to; choose other volume rows"
        )
    residual = pd.DataFrame(
        [
            {
                "model_id": RESIDUAL_MODELS["CHN"],
                "name": "Other Chinese top-10 models",
                "lab_id": "",
                "model_origin": "CHN",
                "tokens_t": other_cn,
                "volume_id": f"{chinese_total_id} minus named",
                "source": vol.at[chinese_total_id, "source"],
            },
            {
                "model_id": RESIDUAL_MODELS["USA"],
                "name": "Other US top-10 models",
                "lab_id": "",
                "model_origin": "USA",
                "tokens_t": other_us,
                "volume_id": f"{total_id} minus Chinese and named",
                "source": vol.at[total_id, "source"],
            },
        ]
    )
    return pd.concat([named, residual], ignore_index=True)


# -- offerings -------------------------------------------------------------------


def offering_table(
    volumes: pd.DataFrame,
    model_prices: pd.DataFrame,
    providers: pd.DataFrame,
    llm_models: pd.DataFrame,
    price_date: str = "2026-03-01",
) -> pd.DataFrame:
    """Every offering (model x host x serving country) of the calibration models.

    ``volumes`` is :func:`calibration_volumes`.  A named model's offerings are
    the list prices of ``price_date`` of every provider that serves it and
    whose serving country is one of :data:`SERVING_COUNTRIES`.  The residual
    models get the median first-party list prices of the models of their
    origin on that date: Chinese ones one offering per serving country
    ("other China-hosted host", "other US host"), US ones a US first-party
    offering.

    Returns columns ``offering_id`` (``model@host``), ``model_id``,
    ``model_name``, ``model_origin``, ``host_id``, ``host_name``,
    ``serving_country``, ``usd_per_m_input``, ``usd_per_m_output``,
    ``usd_per_m_cache_read`` (USD per million tokens), ``active_params_b``
    (NaN where the sources do not give it) and ``price_id``.
    """
    prices = model_prices[
        (model_prices["price_date"] == pd.Timestamp(price_date))
        & model_prices["provider_id"].notna()
    ]
    prov = providers.set_index("provider_id")
    params = llm_models.set_index("model_id")["active_params_b"]
    rows = []
    for model in volumes.itertuples(index=False):
        if model.model_id in RESIDUAL_MODELS.values():
            continue
        offered = prices[prices["model_id"] == model.model_id].drop_duplicates("provider_id")
        for p in offered.itertuples(index=False):
            country = prov.at[p.provider_id, "serving_country"]
            if country not in SERVING_COUNTRIES:
                continue
            rows.append(
                {
                    "model_id": model.model_id,
                    "model_name": model.name,
                    "model_origin": model.model_origin,
                    "host_id": p.provider_id,
                    "host_name": prov.at[p.provider_id, "name"],
                    "serving_country": country,
                    "usd_per_m_input": p.usd_per_m_input,
                    "usd_per_m_output": p.usd_per_m_output,
                    "usd_per_m_cache_read": p.usd_per_m_cache_read,
                    "active_params_b": params.get(model.model_id, np.nan),
                    "price_id": p.price_id,
                }
            )
    first_party = prices[prices["provider_id"].map(prov["kind"]) == "first-party"].copy()
    first_party["origin"] = first_party["provider_id"].map(prov["hq_country"])
    residual_hosts = {
        "CHN": [
            ("other-cn-host", "Other China-hosted hosts", "CHN"),
            ("other-us-host", "Other US hosts", "USA"),
        ],
        "USA": [("other-us-first-party", "Other US first-party APIs", "USA")],
    }
    for model in volumes.itertuples(index=False):
        if model.model_id not in RESIDUAL_MODELS.values():
            continue
        same = first_party[first_party["origin"] == model.model_origin]
        for host_id, host_name, country in residual_hosts[model.model_origin]:
            rows.append(
                {
                    "model_id": model.model_id,
                    "model_name": model.name,
                    "model_origin": model.model_origin,
                    "host_id": host_id,
                    "host_name": host_name,
                    "serving_country": country,
                    "usd_per_m_input": float(same["usd_per_m_input"].median()),
                    "usd_per_m_output": float(same["usd_per_m_output"].median()),
                    "usd_per_m_cache_read": float(same["usd_per_m_cache_read"].median()),
                    "active_params_b": np.nan,
                    "price_id": f"median of {len(same)} first-party prices",
                }
            )
    table = pd.DataFrame(rows)
    missing = set(volumes["model_id"]) - set(table["model_id"])
    if missing:
        raise ValueError(f"no offering on {price_date} for {', '.join(sorted(missing))}")
    table.insert(0, "offering_id", table["model_id"] + "@" + table["host_id"])
    return table.reset_index(drop=True)


# -- geography -------------------------------------------------------------------


def region_places(flow_regions: pd.DataFrame, places: pd.DataFrame) -> pd.DataFrame:
    """Regions with the coordinates of the place that stands in for each.

    Returns ``region_id``, ``role``, ``name``, ``place_id``, ``place_name``,
    ``latitude``, ``longitude`` (decimal degrees).
    """
    merged = flow_regions.merge(
        places[["place_id", "name", "latitude", "longitude"]].rename(
            columns={"name": "place_name"}
        ),
        on="place_id",
        how="left",
    )
    return merged[["region_id", "role", "name", "place_id", "place_name", "latitude", "longitude"]]


def rtt_floor_matrix_ms(
    regions: pd.DataFrame, ms_per_1000km_one_way: float, route_factor: float
) -> pd.DataFrame:
    """Round-trip floor in ms from each origin region to each serving country.

    Great-circle distance between the stand-in places, times ``route_factor``
    (real cable routes are longer), at the speed of light in fibre.  Rows are
    :data:`ORIGIN_REGIONS`, columns :data:`SERVING_COUNTRIES`.
    """
    origin = regions[regions["role"] == "origin"].set_index("region_id").loc[list(ORIGIN_REGIONS)]
    serving = (
        regions[regions["role"] == "serving"].set_index("region_id").loc[list(SERVING_COUNTRIES)]
    )
    km = great_circle_km(
        origin["latitude"].to_numpy()[:, None],
        origin["longitude"].to_numpy()[:, None],
        serving["latitude"].to_numpy()[None, :],
        serving["longitude"].to_numpy()[None, :],
    )
    rtt = fibre_rtt_floor_ms(km, ms_per_1000km_one_way, route_factor)
    return pd.DataFrame(rtt, index=list(ORIGIN_REGIONS), columns=list(SERVING_COUNTRIES))


# -- the graph -------------------------------------------------------------------


def _node(layer: str, key: str) -> str:
    return f"{layer}:{key}"


def request_flow_network(flows: pd.DataFrame) -> nx.DiGraph:
    """The request-flow network of a table of flows, as a directed graph.

    ``flows`` has one row per segment and offering with columns
    ``origin_region``, ``model_id``, ``model_name``, ``model_origin``,
    ``host_id``, ``host_name``, ``serving_country``, ``tokens`` (per week),
    ``usd`` (per week) and ``kwh`` (per week).  Nodes are named
    ``layer:key`` (``origin:USA``, ``gateway:OpenRouter``,
    ``model:glm-5``, ``host:togetherai``, ``serving:CHN``) and carry ``layer``,
    ``label`` (``from USA``, the model's or host's name, ``served in CHN``) and
    ``country`` (the region, the model's origin or the serving country; none for
    the gateway).  Each edge carries the sums of ``tokens``, ``usd`` and ``kwh`` of the
    flows that pass it; edges with no
    flow are left out.
    """
    graph = nx.DiGraph()
    used = flows[flows["tokens"] > 0]
    for row in used.itertuples(index=False):
        path = [
            (
                _node("origin", row.origin_region),
                "origin",
                f"from {row.origin_region}",
                row.origin_region,
            ),
            (_node("gateway", GATEWAY), "gateway", GATEWAY, ""),
            (_node("model", row.model_id), "model", row.model_name, row.model_origin),
            (_node("host", row.host_id), "host", row.host_name, row.serving_country),
            (
                _node("serving", row.serving_country),
                "serving",
                f"served in {row.serving_country}",
                row.serving_country,
            ),
        ]
        for name, layer, label, country in path:
            if name not in graph:
                graph.add_node(name, layer=layer, label=label, country=country)
        for (u, *_), (v, *_) in zip(path[:-1], path[1:], strict=False):
            if graph.has_edge(u, v):
                data = graph.edges[u, v]
                data["tokens"] += row.tokens
                data["usd"] += row.usd
                data["kwh"] += row.kwh
            else:
                graph.add_edge(
                    u, v, tokens=float(row.tokens), usd=float(row.usd), kwh=float(row.kwh)
                )
    return graph


def inner_node_balance(graph: nx.DiGraph, attribute: str = "tokens") -> pd.Series:
    """Inflow minus outflow of ``attribute`` at every inner node (gateway, model, host).

    Zero everywhere when flow is conserved.  Origins are sources and serving
    countries sinks, so they are left out.
    """
    balance = {}
    for node, layer in graph.nodes(data="layer"):
        if layer in ("origin", "serving"):
            continue
        inflow = sum(d[attribute] for *_, d in graph.in_edges(node, data=True))
        outflow = sum(d[attribute] for *_, d in graph.out_edges(node, data=True))
        balance[node] = inflow - outflow
    return pd.Series(balance, dtype=float)


def node_throughput(graph: nx.DiGraph, attribute: str = "tokens") -> pd.DataFrame:
    """How much of ``attribute`` passes each node, and its share of the total.

    Throughput is the inflow (the outflow for origins).  Returns ``node``,
    ``layer``, ``label``, ``country``, ``throughput`` and ``share`` (of all
    flow leaving the origins, 0-1), largest first.
    """
    total = sum(
        d[attribute] for u, _, d in graph.edges(data=True) if graph.nodes[u]["layer"] == "origin"
    )
    rows = []
    for node, data in graph.nodes(data=True):
        edges = (
            graph.out_edges(node, data=True)
            if data["layer"] == "origin"
            else graph.in_edges(node, data=True)
        )
        through = sum(d[attribute] for *_, d in edges)
        rows.append(
            {
                "node": node,
                "layer": data["layer"],
                "label": data["label"],
                "country": data["country"],
                "throughput": through,
                "share": through / total if total else 0.0,
            }
        )
    return (
        pd.DataFrame(rows)
        .sort_values(["throughput", "node"], ascending=[False, True])
        .reset_index(drop=True)
    )


def chokepoint(
    graph: nx.DiGraph,
    layers: tuple[str, ...] = ("model", "host", "serving"),
    attribute: str = "tokens",
) -> dict:
    """The node of ``layers`` that carries the most flow, with its share (0-1).

    The gateway is left out by default: every request of the data passes it
    by construction (the data are OpenRouter's), so it is a chokepoint of the
    data as much as of the market.
    """
    table = node_throughput(graph, attribute)
    top = table[table["layer"].isin(layers)].iloc[0]
    return {
        "node": top["node"],
        "layer": top["layer"],
        "label": top["label"],
        "country": top["country"],
        "share": float(top["share"]),
        "throughput": float(top["throughput"]),
    }


# -- drawing tables --------------------------------------------------------------


def layered_layout(
    graph: nx.DiGraph, attribute: str = "tokens"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions for a layered flow diagram: one column per layer, nodes stacked by size.

    Returns ``(nodes, edges)``.  ``nodes``: ``node``, ``layer``, ``label``,
    ``country``, ``x`` (layer index), ``y`` (centre of the node's bar, 0-1
    from the top, the column's nodes stacked largest first with gaps),
    ``height`` and ``throughput``.  ``edges``: ``source``, ``target``, the
    attribute, ``x``, ``y``, ``x2``, ``y2`` (centres of the two ends) and
    ``share`` of the total.
    """
    table = node_throughput(graph, attribute)
    total = table.loc[table["layer"] == "origin", "throughput"].sum()
    gap = 0.02
    frames = []
    for x, layer in enumerate(LAYERS):
        col = table[table["layer"] == layer].copy()
        n = len(col)
        heights = col["throughput"].to_numpy() / total * (1 - gap * max(n - 1, 0))
        tops = np.concatenate([[0.0], np.cumsum(heights + gap)[:-1]])
        col["x"], col["height"], col["y"] = x, heights, tops + heights / 2
        frames.append(col)
    nodes = pd.concat(frames, ignore_index=True)
    pos = nodes.set_index("node")[["x", "y"]]
    edges = pd.DataFrame(
        [{"source": u, "target": v, attribute: d[attribute]} for u, v, d in graph.edges(data=True)]
    )
    edges["x"], edges["y"] = (
        pos.loc[edges["source"], "x"].to_numpy(),
        pos.loc[edges["source"], "y"].to_numpy(),
    )
    edges["x2"], edges["y2"] = (
        pos.loc[edges["target"], "x"].to_numpy(),
        pos.loc[edges["target"], "y"].to_numpy(),
    )
    edges["share"] = edges[attribute] / total
    return nodes[["node", "layer", "label", "country", "x", "y", "height", "throughput"]], edges


def serving_arcs(
    flows: pd.DataFrame, regions: pd.DataFrame, attribute: str = "tokens"
) -> pd.DataFrame:
    """Flows from origin regions to serving countries, with both ends' coordinates.

    Returns one row per (origin region, serving country) pair with flow:
    ``origin_region``, ``serving_country``, the summed attribute, ``share``
    of the total, ``lat``, ``lon`` (origin stand-in), ``lat2``, ``lon2``
    (serving stand-in) and ``km`` (great-circle distance).
    """
    pairs = flows.groupby(["origin_region", "serving_country"], as_index=False)[attribute].sum()
    pairs = pairs[pairs[attribute] > 0].copy()
    origin = regions[regions["role"] == "origin"].set_index("region_id")
    serving = regions[regions["role"] == "serving"].set_index("region_id")
    pairs["share"] = pairs[attribute] / pairs[attribute].sum()
    pairs["lat"] = origin.loc[pairs["origin_region"], "latitude"].to_numpy()
    pairs["lon"] = origin.loc[pairs["origin_region"], "longitude"].to_numpy()
    pairs["lat2"] = serving.loc[pairs["serving_country"], "latitude"].to_numpy()
    pairs["lon2"] = serving.loc[pairs["serving_country"], "longitude"].to_numpy()
    pairs["km"] = great_circle_km(pairs["lat"], pairs["lon"], pairs["lat2"], pairs["lon2"])
    return pairs.reset_index(drop=True)


def arc_features(arcs: pd.DataFrame, points: int = 40) -> list[dict]:
    """GeoJSON LineString features along the great circle of each row of :func:`serving_arcs`.

    For a map layer ``alt.Chart(alt.Data(values=features)).mark_geoshape(filled=False)``:
    the renderer cuts lines at the antimeridian itself.  Each feature's
    ``properties`` hold the row's columns except the coordinates, plus
    ``pair`` (``"USA -> CHN"``).
    """
    features = []
    for row in arcs.to_dict("records"):
        path = great_circle_arc(row["lat"], row["lon"], row["lat2"], row["lon2"], points=points)
        props = {
            k: (float(v) if isinstance(v, (np.floating, float)) else v)
            for k, v in row.items()
            if k not in ("lat", "lon", "lat2", "lon2")
        }
        props["pair"] = f"{row['origin_region']} -> {row['serving_country']}"
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {
                    "type": "LineString",
                    "coordinates": [
                        [round(float(x), 3), round(float(y), 3)]
                        for x, y in zip(path["longitude"], path["latitude"], strict=False)
                    ],
                },
            }
        )
    return features
