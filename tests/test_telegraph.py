"""Chapter 1's package functions: telegraph economics, the cable map and power in the network.

Expected values are worked out here from the data or by hand (small graphs
whose centralities and path shares can be counted on paper), never copied
from the functions' own output.
"""

from __future__ import annotations

import math

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tokenpower.data import load
from tokenpower.models.geo import KM_PER_NMI, great_circle_km
from tokenpower.models.networks import (
    british_length_share,
    british_path_share,
    cable_network,
    hub_centrality,
    reachable_by_continent,
    route_factor,
    simple_cable_graph,
    without_cables,
)
from tokenpower.models.telegraph import (
    cable_arc_table,
    cable_ids,
    days_after,
    deflate_gbp,
    hub_lifetimes,
    news_transit_speedup,
    owner_group,
    queen_message_speeds,
    sourced_cables,
    timeline,
    usd_gold_per_gbp,
    words_per_minute,
)


@pytest.fixture(scope="module")
def tables():
    names = ["hubs", "cables", "milestones", "deflators", "news_transit", "events"]
    return {name: load(f"telegraph_{name}") for name in names}


def _cosine_law_km(lat1, lon1, lat2, lon2, radius=6371.0088):
    """Great-circle distance by the spherical law of cosines (a different formula from the package's haversine)."""
    p1, p2, dl = math.radians(lat1), math.radians(lat2), math.radians(lon2 - lon1)
    return radius * math.acos(
        math.sin(p1) * math.sin(p2) + math.cos(p1) * math.cos(p2) * math.cos(dl)
    )


# -- telegraph economics ----------------------------------------------------------


def test_words_per_minute_of_the_queens_message():
    # 98 words in 16.5 hours = 98 words in 990 minutes
    assert words_per_minute(98, 16.5) == pytest.approx(98 / 990)
    assert words_per_minute(98, 16.5) == pytest.approx(
        0.099, abs=5e-4
    )  # rounded, the 0.1 words a minute of telegraph_milestones.csv (speed-wpm-1858)


@pytest.mark.parametrize("hours", [0, -1.0])
def test_words_per_minute_refuses_a_message_of_no_duration(hours):
    with pytest.raises(ValueError):
        words_per_minute(98, hours)


def test_queen_message_speeds_cross_every_disagreeing_figure(tables):
    m = tables["milestones"]
    words = m.loc[m["quantity"] == "queen_message_words", "value"]
    hours = m.loc[m["quantity"] == "queen_message_hours", "value"]
    speeds = queen_message_speeds(m)
    assert len(speeds) == len(words) * len(hours) == 9
    assert set(speeds["words"]) == {95, 98, 99} and set(speeds["hours"]) == {16.5, 16.0, 1.117}
    main = speeds[(speeds["words"] == 98) & (speeds["hours"] == 16.5)]
    assert main["wpm"].item() == pytest.approx(98 / (16.5 * 60))
    fastest = speeds.iloc[-1]
    assert (fastest["words"], fastest["hours"]) == (99, 1.117)  # most words in the least time
    assert speeds["wpm"].is_monotonic_increasing


def test_gold_dollars_per_pound_from_scientific_americans_bill(tables):
    # GBP 24 = USD 120 in gold for twenty words
    assert usd_gold_per_gbp(tables["milestones"]) == pytest.approx(120 / 24)


def test_the_1866_tariff_deflated_with_each_index(tables):
    d = tables["deflators"].set_index("deflator_id")
    out = deflate_gbp(1.0, tables["deflators"], usd_per_gbp=5.0).set_index("deflator_id")
    # independently: index in the target year over index in 1866, from the index columns
    ons = d.at["gbp-1866-2024-ons", "index_to"] / d.at["gbp-1866-2024-ons", "index_from"]
    assert out.at["gbp-1866-2024-ons", "value"] == pytest.approx(1417.136 / 9.5, rel=1e-3)
    assert out.at["gbp-1866-2024-ons", "value"] == pytest.approx(ons, rel=1e-3)
    assert out.at["gbp-1866-2015-boe", "value"] == pytest.approx(1020 / 9.5, rel=1e-3)
    # dollars: GBP 1 = 5 gold dollars in 1866, then the Minneapolis Fed index 44 -> 944.9
    assert out.at["usd-1866-2024-minneapolisfed", "value"] == pytest.approx(
        5 * 944.9 / 44, rel=1e-3
    )
    assert (
        out.loc["gbp-1866-2024-ons", "currency"],
        out.loc["usd-1866-2024-minneapolisfed", "currency"],
    ) == ("GBP", "USD")
    # twenty words scale linearly
    twenty = deflate_gbp(20.0, tables["deflators"], 5.0).set_index("deflator_id")
    assert twenty.at["gbp-1866-2024-ons", "value"] == pytest.approx(
        20 * out.at["gbp-1866-2024-ons", "value"]
    )


def test_deflate_refuses_an_unknown_currency(tables):
    odd = tables["deflators"].assign(currency="FRF")
    with pytest.raises(ValueError):
        deflate_gbp(1.0, odd, 5.0)


def test_news_transit_speedup_compares_the_fastest_before_and_after(tables):
    t = tables["news_transit"]
    out = news_transit_speedup(t).set_index("route")
    # London-Bombay: 28 days by the Marseilles mail (672 h) against 5 minutes by cable
    bombay = t[t["route"] == "london-bombay"]
    before = bombay.loc[bombay["phase"] == "before", "value"].min() * 24  # days -> hours
    assert before == 28 * 24
    assert out.at["london-bombay", "before_hours"] == pytest.approx(before)
    assert out.at["london-bombay", "after_hours"] == pytest.approx(5 / 60, abs=1e-3)
    assert out.at["london-bombay", "speedup"] == pytest.approx(672 / 0.083)
    assert not out.at["london-bombay", "assumed"] and out.at["europe-australia", "assumed"]
    assert "india-mutiny-london" not in out.index  # no 'after' figure on that route
    assert (out["speedup"] > 1).all()


def test_timeline_keeps_1851_to_1914_in_date_order(tables):
    events = tables["events"]
    line = timeline(events)
    assert line["date"].is_monotonic_increasing
    assert line["year"].between(1851, 1914).all()
    assert "gutta-percha-co-founded" not in set(line["event_id"])  # 1845
    assert len(line) == (events["date"].dt.year.between(1851, 1914)).sum()
    assert line["event_id"].iloc[-1] == "german-cables-cut"


def test_the_1858_cable_worked_27_to_76_days_by_the_disagreeing_accounts(tables):
    ends = ["atlantic-1858-end-eb1911", "atlantic-1858-last-message", "atlantic-1858-no-signals"]
    life = days_after(tables["events"], "atlantic-1858-landed", ends)
    # landed 5 Aug 1858: 1 Sep is 26 + 1 = 27 days later, 3 Sep 29, 20 Oct 26 + 30 + 20 = 76
    assert list(life["event_id"]) == [
        "atlantic-1858-last-message",
        "atlantic-1858-no-signals",
        "atlantic-1858-end-eb1911",
    ]
    assert list(life["days"]) == [27, 29, 76]
    with pytest.raises(KeyError):
        days_after(tables["events"], "atlantic-1858-landed", ["no-such-event"])


# -- the map --------------------------------------------------------------------


def test_great_circle_valentia_to_hearts_content(tables):
    hubs = tables["hubs"].set_index("hub_id")
    v, h = hubs.loc["valentia"], hubs.loc["hearts-content"]
    expected = _cosine_law_km(v.latitude, v.longitude, h.latitude, h.longitude)
    assert great_circle_km(v.latitude, v.longitude, h.latitude, h.longitude) == pytest.approx(
        expected, rel=1e-9
    )
    # about 3,060 km, i.e. 1,650 nmi: the 1866 cable (1,686 nmi) was only a little longer than the great circle
    assert 3000 < expected < 3100
    cable = tables["cables"].set_index("cable_id").at["valentia-hearts-content-1866", "length_nmi"]
    assert 1.0 < cable / (expected / KM_PER_NMI) < 1.1


def test_arc_table_follows_the_great_circle_and_splits_at_the_antimeridian(tables):
    hubs, cables = tables["hubs"], tables["cables"]
    arcs = cable_arc_table(cables, hubs, max_points=20)
    assert set(arcs["cable_id"]) == set(cables["cable_id"])
    where = hubs.set_index("hub_id")
    for cable in cables.itertuples():
        rows = arcs[arcs["cable_id"] == cable.cable_id]
        first, last = rows.iloc[0], rows.iloc[-1]
        assert (first.latitude, first.longitude) == (
            round(where.at[cable.from_hub, "latitude"], 2),
            round(where.at[cable.from_hub, "longitude"], 2),
        )
        assert (last.latitude, last.longitude) == (
            round(where.at[cable.to_hub, "latitude"], 2),
            round(where.at[cable.to_hub, "longitude"], 2),
        )
    for _, seg in arcs.groupby("segment"):
        assert 2 <= len(seg) <= 21
        assert seg["longitude"].diff().abs().max() < 180
    # Fanning (-159) to Suva (+178) crosses the antimeridian: two drawn pieces meeting at +-180
    fiji = arcs[arcs["cable_id"] == "fanning-suva"]
    assert fiji["segment"].nunique() == 2
    assert {-180.0, 180.0} <= set(fiji["longitude"])
    # years of life: the 1858 cable worked only in 1858, the 1866 cable until the end
    life = arcs.groupby("cable_id")[["first_year", "last_year"]].first()
    assert tuple(life.loc["valentia-bull-arm-1858"]) == (1858, 1858)
    assert tuple(life.loc["valentia-hearts-content-1866"]) == (1866, 1914)
    assert len(arcs) < 1000, "keep the chart data small"


def test_arcs_alive_in_a_year_are_the_cables_of_that_network(tables):
    hubs, cables = tables["hubs"], tables["cables"]
    arcs = cable_arc_table(cables, hubs)
    for year in (1858, 1866, 1870, 1902, 1914):
        alive = set(
            arcs.loc[(arcs["first_year"] <= year) & (arcs["last_year"] >= year), "cable_id"]
        )
        assert alive == {k for *_, k in cable_network(hubs, cables, year).edges(keys=True)}


def test_hub_lifetimes_span_their_cables(tables):
    life = hub_lifetimes(tables["cables"], tables["hubs"]).set_index("hub_id")
    assert tuple(life.loc["bull-arm", ["first_year", "last_year"]]) == (
        1858,
        1914,
    )  # the assumed landline outlives the cable
    assert tuple(life.loc["azores", ["first_year", "last_year"]]) == (1900, 1914)
    assert life.at["dover", "first_year"] == 1851


def test_owner_group_keeps_coloured_codes_only():
    out = owner_group(pd.Series(["GBR", "IND", "DEU", "XXX"]), ["GBR", "DEU"])
    assert list(out) == ["GBR", "XXX", "DEU", "XXX"]


def test_cable_ids_of_the_german_cables_cut_in_1914(tables):
    cables, milestones = tables["cables"], tables["milestones"]
    cut = cable_ids(cables, owner="DEU", closed=1914)
    rows = cables[cables["cable_id"].isin(cut)]
    assert (rows["owner_nationality"] == "DEU").all() and (rows["year_closed"] == 1914).all()
    assert "emden-berlin" not in cut  # the German landline was not cut
    # hops of one multi-hop cable share a route: five cables, as the sources count them
    cables_cut = milestones.loc[milestones["quantity"] == "cables_cut", "value"].item()
    assert rows["route"].fillna(rows["cable_id"]).nunique() == cables_cut == 5
    british = cable_ids(cables, british=True, kind="cable")
    assert not set(british) & set(cut)
    assert all(cables.set_index("cable_id").loc[british, "kind"] == "cable")


def test_sourced_cables_drop_only_the_assumed_links(tables):
    cables = tables["cables"]
    sourced = sourced_cables(cables)
    assert (sourced["source"] != "book-assumption").all()
    assert len(cables) - len(sourced) == (cables["source"] == "book-assumption").sum() == 12


# -- power in the network: small graphs counted by hand ---------------------------


def _graph(nodes, edges, multi=False):
    """nodes: {id: (continent, power)}; edges: (u, v, british, weight[, key])."""
    g = nx.MultiGraph() if multi else nx.Graph()
    for n, (continent, power) in nodes.items():
        g.add_node(n, name=n, continent=continent, power=power, latitude=0.0, longitude=0.0)
    for u, v, british, weight, *key in edges:
        attrs = {"british": british, "weight": weight, "length_nmi": weight}
        if multi:
            g.add_edge(u, v, key=key[0] if key else None, **attrs)
        else:
            g.add_edge(u, v, **attrs)
    return g


def test_betweenness_on_a_small_tree():
    # A-B-C-D with E hanging off B.  Pairs without B: AC AD AE CD CE DE (6);
    # through B: AC AD AE CE DE (5) -> 5/6.  Through C: AD BD ED (3) -> 3/6.
    g = _graph(
        {n: ("Europe", "FRA") for n in "ABCDE"},
        [("A", "B", False, 1), ("B", "C", False, 1), ("C", "D", False, 1), ("B", "E", False, 1)],
    )
    table = hub_centrality(g).set_index("hub_id")
    assert table.at["B", "betweenness"] == pytest.approx(5 / 6)
    assert table.at["C", "betweenness"] == pytest.approx(3 / 6)
    assert table.at["A", "betweenness"] == 0
    assert table.at["B", "degree"] == 3
    assert table.index[0] == "B"


def test_betweenness_follows_cable_length_not_hops():
    # the direct A-C cable is 10 long, the way round by B only 2: B is on the one other route
    g = _graph(
        {n: ("Europe", "FRA") for n in "ABC"},
        [("A", "C", False, 10), ("A", "B", False, 1), ("B", "C", False, 1)],
    )
    assert hub_centrality(g).set_index("hub_id").at["B", "betweenness"] == pytest.approx(1.0)
    assert hub_centrality(g, weight=None).set_index("hub_id").at["B", "betweenness"] == 0


def test_british_path_share_counted_by_hand():
    nodes = {
        "lon": ("Europe", "GBR"),
        "par": ("Europe", "FRA"),
        "nyc": ("America", "USA"),
        "hal": ("America", "USA"),
        "cap": ("Africa", "FRA"),
        "bom": ("Asia", "FRA"),
    }
    edges = [
        ("lon", "nyc", True, 1),
        ("par", "nyc", False, 1.5),
        ("lon", "par", False, 1),
        ("nyc", "hal", False, 1),
        ("cap", "lon", True, 1),
    ]  # bom is not connected
    share = british_path_share(_graph(nodes, edges))
    # connected inter-continental pairs: lon-nyc lon-hal par-nyc par-hal, cap with lon par nyc hal -> 8
    # shortest routes using a British cable or hub: lon-nyc (1), lon-hal (2); par-nyc direct 1.5 beats 2 via London;
    # par-hal 2.5 beats 3; all four pairs with cap -> 6.  No route avoids Britain only for cap's four pairs.
    assert share == {
        "pairs": 8,
        "dependent": 6,
        "unavoidable": 4,
        "share_dependent": 6 / 8,
        "share_unavoidable": 4 / 8,
    }


def test_a_british_hub_in_between_counts_but_not_at_the_ends():
    nodes = {"x": ("Europe", "FRA"), "gib": ("Europe", "GBR"), "y": ("Africa", "FRA")}
    share = british_path_share(_graph(nodes, [("x", "gib", False, 1), ("gib", "y", False, 1)]))
    # pairs x-y (through Gibraltar: depends, cannot avoid) and gib-y (Gibraltar is an end: does not)
    assert (share["pairs"], share["dependent"], share["unavoidable"]) == (2, 1, 1)
    cables_only = british_path_share(
        _graph(nodes, [("x", "gib", False, 1), ("gib", "y", False, 1)]), power=None
    )
    assert (cables_only["pairs"], cables_only["dependent"], cables_only["unavoidable"]) == (2, 0, 0)


def test_a_foreign_cable_beside_a_british_one_is_an_alternative():
    nodes = {"a": ("Europe", "FRA"), "b": ("America", "USA")}
    multi = _graph(
        nodes, [("a", "b", True, 2.0, "british"), ("a", "b", False, None, "french")], multi=True
    )
    simple = simple_cable_graph(multi, factor=1.0)
    assert simple.number_of_edges() == 1
    edge = simple.edges["a", "b"]
    assert (
        edge["british"] is False
        and edge["weight"] == 2.0
        and edge["cables"] == ("british", "french")
    )
    assert british_path_share(simple)["dependent"] == 0
    only_british = simple_cable_graph(without_cables(multi, ["french"]), factor=1.0)
    assert british_path_share(only_british)["share_unavoidable"] == 1.0


def test_no_pair_between_continents_gives_nan_not_zero():
    g = _graph({"a": ("Europe", "GBR"), "b": ("Europe", "FRA")}, [("a", "b", True, 1)])
    share = british_path_share(g)
    assert share["pairs"] == 0 and math.isnan(share["share_dependent"])


def test_missing_lengths_use_the_great_circle_times_the_route_factor():
    g = nx.MultiGraph()
    coords = {
        "val": (51.90, -10.35),
        "hc": (47.88, -53.37),
        "lis": (38.68, -9.34),
        "gib": (36.14, -5.35),
    }
    for n, (lat, lon) in coords.items():
        g.add_node(n, latitude=lat, longitude=lon, continent="x", power="GBR", name=n)
    nmi = {
        pair: _cosine_law_km(*coords[pair[0]], *coords[pair[1]]) / 1.852
        for pair in [("val", "hc"), ("lis", "gib"), ("val", "lis")]
    }
    g.add_edge("val", "hc", key="a", length_nmi=1.1 * nmi["val", "hc"], british=True)
    g.add_edge("lis", "gib", key="b", length_nmi=1.3 * nmi["lis", "gib"], british=True)
    g.add_edge("val", "lis", key="c", length_nmi=None, british=True)
    assert route_factor(g) == pytest.approx(1.2)  # median of 1.1 and 1.3
    simple = simple_cable_graph(g)
    assert simple.edges["val", "lis"]["weight"] == pytest.approx(1.2 * nmi["val", "lis"])
    assert simple.edges["val", "lis"]["length_basis"] == "estimated"
    assert simple.edges["val", "hc"]["length_basis"] == "source"


def test_british_length_share_counts_every_cable_once():
    g = nx.MultiGraph()
    for n, lon in (("a", 0.0), ("b", 1.0), ("c", 3.0)):
        g.add_node(n, latitude=0.0, longitude=lon)
    g.add_edge("a", "b", key="gb1", length_nmi=100.0, british=True, kind="cable")
    g.add_edge("a", "b", key="fr", length_nmi=300.0, british=False, kind="cable")
    g.add_edge("b", "c", key="land", length_nmi=1000.0, british=True, kind="landline")
    assert british_length_share(g) == pytest.approx(100 / 400)
    assert british_length_share(g, kind=None) == pytest.approx(1100 / 1400)
    # a cable of unknown length along the equator from 1 to 3 degrees: 2 degrees = 120 nmi on a sphere of
    # 6371.0088 km (2 * pi * r / 360 * 2 / 1.852), times the route factor 1.5
    g.add_edge("b", "c", key="gb2", length_nmi=None, british=True, kind="cable")
    gb2 = 2 * math.pi * 6371.0088 / 360 * 2 / 1.852 * 1.5
    assert british_length_share(g, factor=1.5) == pytest.approx((100 + gb2) / (400 + gb2))
    assert math.isnan(british_length_share(nx.MultiGraph()))


def test_reachable_by_continent_counts_every_continent():
    g = _graph(
        {
            "e1": ("Europe", "DEU"),
            "e2": ("Europe", "DEU"),
            "n1": ("America", "USA"),
            "a1": ("Asia", "GBR"),
        },
        [("e1", "e2", False, 1), ("e2", "n1", False, 1)],
    )
    table = reachable_by_continent(g, ["e1"]).set_index("continent")
    assert table.to_dict("index") == {
        "America": {"reachable": 1, "hubs": 1},
        "Asia": {"reachable": 0, "hubs": 1},
        "Europe": {"reachable": 2, "hubs": 2},
    }
    assert reachable_by_continent(g, ["nowhere"])["reachable"].sum() == 0


def test_the_1914_cut_leaves_germany_alone_with_emden_and_berlin(tables):
    hubs, cables = tables["hubs"], tables["cables"]
    network = cable_network(hubs, cables, 1914)
    before = reachable_by_continent(network, ["emden", "berlin"])
    assert before["reachable"].sum() == network.number_of_nodes()  # the 1914 network is one piece
    after = without_cables(network, cable_ids(cables, owner="DEU", closed=1914))
    assert nx.node_connected_component(after, "emden") == {"emden", "berlin"}
    assert after.number_of_nodes() == network.number_of_nodes()


# -- properties ---------------------------------------------------------------------

CONTINENTS = ["Europe", "America", "Asia"]


@st.composite
def random_networks(draw):
    n = draw(st.integers(min_value=2, max_value=8))
    nodes = {
        i: (draw(st.sampled_from(CONTINENTS)), draw(st.sampled_from(["GBR", "FRA"])))
        for i in range(n)
    }
    pairs = st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1])
    raw = draw(st.lists(st.tuples(pairs, st.booleans(), st.floats(0.5, 10)), max_size=14))
    edges = [(u, v, british, weight, f"c{k}") for k, ((u, v), british, weight) in enumerate(raw)]
    return _graph(nodes, edges, multi=True)


@settings(max_examples=60)
@given(random_networks(), st.data())
def test_cutting_cables_never_increases_what_a_hub_reaches(graph, data):
    keys = [k for *_, k in graph.edges(keys=True)]
    cut = data.draw(st.lists(st.sampled_from(keys), unique=True) if keys else st.just([]))
    source = data.draw(st.sampled_from(sorted(graph.nodes)))
    before = reachable_by_continent(graph, [source])["reachable"].sum()
    after = reachable_by_continent(without_cables(graph, cut), [source])["reachable"].sum()
    assert 1 <= after <= before <= graph.number_of_nodes()


@settings(max_examples=60)
@given(random_networks())
def test_path_shares_lie_in_0_1_and_unavoidable_implies_dependent(graph):
    share = british_path_share(simple_cable_graph(graph, factor=1.0))
    assert 0 <= share["unavoidable"] <= share["dependent"] <= share["pairs"]
    if share["pairs"]:
        assert 0.0 <= share["share_unavoidable"] <= share["share_dependent"] <= 1.0


@settings(max_examples=40)
@given(random_networks())
def test_making_every_cable_british_makes_every_pair_depend_on_britain(graph):
    for *_, d in graph.edges(data=True):
        d["british"] = True
    share = british_path_share(simple_cable_graph(graph, factor=1.0))
    assert share["dependent"] == share["unavoidable"] == share["pairs"]
