"""Tests of the request-flow network (tokenpower.models.flows).

Expected values are worked out here from the CSV rows or by hand, never
copied from the functions' own output.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.data import load
from tokenpower.models import flows as fl


@pytest.fixture(scope="module")
def tables():
    names = (
        "openrouter_volumes",
        "llm_models",
        "labs",
        "model_prices",
        "providers",
        "flow_regions",
        "places",
    )
    return {n: load(n) for n in names}


@pytest.fixture(scope="module")
def volumes(tables):
    return fl.calibration_volumes(
        tables["openrouter_volumes"], tables["llm_models"], tables["labs"]
    )


def _row(tables, volume_id):
    v = tables["openrouter_volumes"]
    return float(v.loc[v["volume_id"] == volume_id, "tokens_t"].item())


def test_calibration_volumes_add_up_to_the_sources(tables, volumes):
    total = _row(tables, "or-top10-2026-02-week")
    chinese = _row(tables, "or-cnus-2026-02-16-cn")
    assert total == pytest.approx(8.7)
    assert volumes["tokens_t"].sum() == pytest.approx(total)
    named_cn = sum(
        _row(tables, v)
        for v in (
            "or-top10-2026-02-week-m2.5",
            "or-week-2026-02-28-deepseekv32",
            "or-week-2026-02-28-kimik25",
            "or-week-2026-02-28-glm5",
        )
    )
    other_cn = volumes.set_index("model_id").at["other-chn-top10", "tokens_t"]
    assert other_cn == pytest.approx(chinese - named_cn)
    assert other_cn == pytest.approx(5.16 - (2.45 + 0.798 + 0.6 + 0.6))
    other_us = volumes.set_index("model_id").at["other-usa-top10", "tokens_t"]
    assert other_us == pytest.approx(8.7 - 5.16 - 0.997)
    # the Chinese share is what the volumes add up to, not the reported 61 %
    cn = volumes.loc[volumes["model_origin"] == "CHN", "tokens_t"].sum()
    assert cn / volumes["tokens_t"].sum() == pytest.approx(5.16 / 8.7)
    assert set(volumes["model_origin"]) == {"CHN", "USA"}


def test_calibration_volumes_refuse_inconsistent_rows(tables):
    with pytest.raises(KeyError, match="no-such-row"):
        fl.calibration_volumes(
            tables["openrouter_volumes"],
            tables["llm_models"],
            tables["labs"],
            total_id="no-such-row",
        )
    with pytest.raises(ValueError, match="exceed"):
        # a week's top-10 total smaller than the Chinese total leaves the US residual negative
        fl.calibration_volumes(
            tables["openrouter_volumes"],
            tables["llm_models"],
            tables["labs"],
            total_id="or-top10-2025-03-03",
        )


def test_offering_table(tables, volumes):
    off = fl.offering_table(
        volumes, tables["model_prices"], tables["providers"], tables["llm_models"]
    )
    assert off["offering_id"].is_unique
    prov = tables["providers"].set_index("provider_id")
    named = off[~off["host_id"].str.startswith("other-")]
    assert (named["serving_country"] == named["host_id"].map(prov["serving_country"])).all()
    assert set(off["serving_country"]) <= set(fl.SERVING_COUNTRIES)
    ds = off.set_index("offering_id").loc["deepseek-v3.2@deepseek"]
    assert (ds["usd_per_m_input"], ds["usd_per_m_output"], ds["serving_country"]) == (
        0.28,
        0.42,
        "CHN",
    )
    # every calibration model has at least one offering; Chinese named models are offered in both countries
    assert set(off["model_id"]) == set(volumes["model_id"])
    for model in ("minimax-m2.5", "deepseek-v3.2", "kimi-k2.5", "glm-5", "other-chn-top10"):
        assert set(off.loc[off["model_id"] == model, "serving_country"]) == {"CHN", "USA"}
    # residual prices: medians of first-party list prices of 2026-03-01, by the provider's country
    prices = tables["model_prices"]
    first = prices[
        (prices["price_date"] == pd.Timestamp("2026-03-01"))
        & prices["provider_id"].map(prov["kind"]).eq("first-party")
    ]
    us = first[first["provider_id"].map(prov["hq_country"]) == "USA"]
    row = off.set_index("offering_id").loc["other-usa-top10@other-us-first-party"]
    assert row["usd_per_m_output"] == pytest.approx(float(np.median(us["usd_per_m_output"])))


def _haversine_km(lat1, lon1, lat2, lon2):
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def test_rtt_floor_matrix(tables):
    regions = fl.region_places(tables["flow_regions"], tables["places"])
    assert regions[["latitude", "longitude"]].notna().all().all()
    rtt = fl.rtt_floor_matrix_ms(regions, 4.9, 1.3)
    assert list(rtt.index) == list(fl.ORIGIN_REGIONS) and list(rtt.columns) == list(
        fl.SERVING_COUNTRIES
    )
    km = _haversine_km(37.77, -122.42, 30.29, 120.16)  # San Francisco -> Hangzhou (places.csv)
    assert rtt.at["USA", "CHN"] == pytest.approx(2 * km * 1.3 * 4.9 / 1000, rel=1e-6)
    assert (rtt.to_numpy() > 0).all()


def _toy_flows():
    return pd.DataFrame(
        [
            {
                "origin_region": "USA",
                "model_id": "a",
                "model_name": "A",
                "model_origin": "CHN",
                "host_id": "h1",
                "host_name": "H1",
                "serving_country": "CHN",
                "tokens": 30.0,
                "usd": 3.0,
                "kwh": 1.0,
            },
            {
                "origin_region": "USA",
                "model_id": "a",
                "model_name": "A",
                "model_origin": "CHN",
                "host_id": "h2",
                "host_name": "H2",
                "serving_country": "USA",
                "tokens": 50.0,
                "usd": 5.0,
                "kwh": 2.0,
            },
            {
                "origin_region": "EUR",
                "model_id": "b",
                "model_name": "B",
                "model_origin": "USA",
                "host_id": "h2",
                "host_name": "H2",
                "serving_country": "USA",
                "tokens": 20.0,
                "usd": 4.0,
                "kwh": 0.5,
            },
            {
                "origin_region": "EUR",
                "model_id": "b",
                "model_name": "B",
                "model_origin": "USA",
                "host_id": "h2",
                "host_name": "H2",
                "serving_country": "USA",
                "tokens": 0.0,
                "usd": 0.0,
                "kwh": 0.0,
            },
        ]
    )


def test_request_flow_network_on_a_hand_made_table():
    graph = fl.request_flow_network(_toy_flows())
    assert graph.edges["origin:USA", "gateway:OpenRouter"]["tokens"] == 80.0
    assert graph.edges["model:a", "host:h2"]["usd"] == 5.0
    assert graph.edges["host:h2", "serving:USA"]["tokens"] == 70.0
    assert graph.edges["host:h2", "serving:USA"]["kwh"] == 2.5
    assert graph.nodes["model:a"]["country"] == "CHN" and graph.nodes["host:h1"]["country"] == "CHN"
    assert set(nx.get_node_attributes(graph, "layer").values()) == set(fl.LAYERS)
    assert (fl.inner_node_balance(graph).abs() < 1e-12).all()
    for attribute in ("usd", "kwh"):
        assert (fl.inner_node_balance(graph, attribute).abs() < 1e-12).all()
    through = fl.node_throughput(graph).set_index("node")
    assert through.at["gateway:OpenRouter", "share"] == 1.0
    assert through.at["serving:USA", "share"] == pytest.approx(0.7)
    choke = fl.chokepoint(graph)
    assert choke["node"] == "model:a"  # 80 of 100 tokens; host h2 and the US carry 70
    assert choke["share"] == pytest.approx(0.8)
    assert fl.chokepoint(graph, layers=("serving",))["node"] == "serving:USA"


def test_chokepoint_picks_the_largest_node():
    graph = fl.request_flow_network(_toy_flows())
    table = fl.node_throughput(graph)
    inner = table[table["layer"].isin(["model", "host", "serving"])]
    assert fl.chokepoint(graph)["share"] == pytest.approx(inner["share"].max())
    assert inner["share"].max() == pytest.approx(0.8)  # model a carries 80 of 100


def test_inner_node_balance_finds_a_leak():
    graph = fl.request_flow_network(_toy_flows())
    graph.edges["model:a", "host:h1"]["tokens"] += 5.0
    balance = fl.inner_node_balance(graph)
    assert balance["model:a"] == pytest.approx(-5.0)
    assert balance["host:h1"] == pytest.approx(5.0)


def test_layered_layout_and_arcs(tables):
    graph = fl.request_flow_network(_toy_flows())
    nodes, edges = fl.layered_layout(graph)
    assert set(nodes["x"]) == set(range(len(fl.LAYERS)))
    assert ((nodes["y"] >= 0) & (nodes["y"] <= 1)).all()
    for _, col in nodes.groupby("x"):
        assert col["height"].sum() <= 1.0 + 1e-12
    assert len(edges) == graph.number_of_edges()
    regions = fl.region_places(tables["flow_regions"], tables["places"])
    arcs = fl.serving_arcs(_toy_flows(), regions)
    assert arcs["share"].sum() == pytest.approx(1.0)
    assert len(arcs) == 3  # USA->CHN, USA->USA, EUR->USA; the zero flow is left out
    usa_chn = arcs[(arcs["origin_region"] == "USA") & (arcs["serving_country"] == "CHN")].iloc[0]
    assert usa_chn["km"] == pytest.approx(_haversine_km(37.77, -122.42, 30.29, 120.16), rel=1e-9)


@settings(max_examples=40)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(fl.ORIGIN_REGIONS),
            st.sampled_from(["m1", "m2", "m3"]),
            st.sampled_from(["h1", "h2"]),
            st.sampled_from(fl.SERVING_COUNTRIES),
            st.floats(0, 1e12),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_property_conservation_on_random_flow_tables(rows):
    flows = pd.DataFrame(
        [
            {
                "origin_region": o,
                "model_id": m,
                "model_name": m,
                "model_origin": "CHN",
                "host_id": f"{h}-{c}",
                "host_name": h,
                "serving_country": c,
                "tokens": t,
                "usd": t * 1e-6,
                "kwh": t * 1e-7,
            }
            for o, m, h, c, t in rows
        ]
    )
    graph = fl.request_flow_network(flows)
    total = flows["tokens"].sum()
    for attribute in ("tokens", "usd", "kwh"):
        assert (fl.inner_node_balance(graph, attribute).abs() <= 1e-9 * max(total, 1.0)).all()
    if total > 0:
        served = sum(
            d["tokens"]
            for _, v, d in graph.edges(data=True)
            if graph.nodes[v]["layer"] == "serving"
        )
        assert served == pytest.approx(total)
