"""Graphs of the book: the telegraph network, sliced by year.

Nodes carry their coordinates, controlling power and continent; edges carry
the cable's year, length, owner, kind and whether the owner was British or
British-imperial.  The functions take the tables of the data package (as
loaded by :func:`tokenpower.data.load`) and return new graphs or tables.

Measures of power in the network (chapter 1):

* :func:`simple_cable_graph` collapses parallel cables into one weighted
  edge (length in nmi; a missing length is estimated from the great circle);
* :func:`hub_centrality`: degree and betweenness centrality of every hub;
* :func:`british_path_share`: the share of inter-continental hub pairs whose
  route depends on British cables or British-controlled hubs;
* :func:`without_cables` and :func:`reachable_by_continent`: cut cables and
  see what a power can still reach.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pandas as pd

from tokenpower.models.geo import KM_PER_NMI, great_circle_km

__all__ = [
    "british_length_share",
    "british_path_share",
    "cable_network",
    "edge_table",
    "hub_centrality",
    "reachable_by_continent",
    "route_factor",
    "simple_cable_graph",
    "without_cables",
]


def cable_network(hubs: pd.DataFrame, cables: pd.DataFrame, year: int) -> nx.MultiGraph:
    """The telegraph network as it stood in ``year``.

    A cable is in the network if it opened in or before ``year`` (its
    ``year_used``) and had not closed before it (``year_closed`` empty or
    ``>= year``).  Parallel cables stay separate edges (a MultiGraph), keyed by
    ``cable_id``.  Only hubs touched by a cable of that year are nodes.

    Nodes carry ``name``, ``latitude``, ``longitude`` (degrees), ``power``
    (the controlling power c.1902) and ``continent`` (``None`` if the hubs
    table has no such column); edges carry ``year``, ``owner``, ``kind``,
    ``length_nmi`` (``None`` where not known) and ``british`` (the cable's
    ``british_imperial`` flag; ``False`` where missing or not known).

    >>> import pandas as pd
    >>> hubs = pd.DataFrame({"hub_id": ["a", "b"], "name": ["A", "B"], "latitude": [0.0, 1.0],
    ...                      "longitude": [0.0, 1.0], "controlling_power": ["GBR", "USA"]})
    >>> cables = pd.DataFrame({"cable_id": ["ab"], "from_hub": ["a"], "to_hub": ["b"], "year_used": [1866],
    ...                        "year_closed": [pd.NA], "owner_nationality": ["GBR"], "length_nmi": [10.0],
    ...                        "kind": ["cable"]})
    >>> cable_network(hubs, cables, 1858).number_of_edges(), cable_network(hubs, cables, 1866).number_of_edges()
    (0, 1)
    """
    opened = cables["year_used"].astype("Int64") <= year
    closed = cables["year_closed"].astype("Int64")
    alive = opened & (closed.isna() | (closed >= year))
    alive = alive.fillna(False).astype(bool)
    graph = nx.MultiGraph(year=year)
    hub_rows = hubs.set_index("hub_id")
    for cable in cables[alive].itertuples(index=False):
        for hub in (cable.from_hub, cable.to_hub):
            if hub not in graph:
                row = hub_rows.loc[hub]
                graph.add_node(
                    hub,
                    name=row["name"],
                    latitude=float(row["latitude"]),
                    longitude=float(row["longitude"]),
                    power=row["controlling_power"],
                    continent=row.get("continent"),
                )
        british = getattr(cable, "british_imperial", None)
        graph.add_edge(
            cable.from_hub,
            cable.to_hub,
            key=cable.cable_id,
            year=int(cable.year_used),
            owner=cable.owner_nationality,
            kind=cable.kind,
            british=False if pd.isna(british) else bool(british),
            length_nmi=None if pd.isna(cable.length_nmi) else float(cable.length_nmi),
        )
    return graph


def edge_table(graph: nx.MultiGraph) -> pd.DataFrame:
    """One row per edge with both ends' coordinates, ready to draw as arcs or rules."""
    rows = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        a, b = graph.nodes[u], graph.nodes[v]
        rows.append(
            {
                "cable_id": key,
                "from_name": a["name"],
                "to_name": b["name"],
                "lon": a["longitude"],
                "lat": a["latitude"],
                "lon2": b["longitude"],
                "lat2": b["latitude"],
                "owner": data["owner"],
                "year": data["year"],
                "kind": data["kind"],
            }
        )
    return pd.DataFrame(rows)


def _great_circle_nmi(graph: nx.Graph, u, v) -> float:
    a, b = graph.nodes[u], graph.nodes[v]
    return (
        great_circle_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"]) / KM_PER_NMI
    )


def route_factor(graph: nx.MultiGraph) -> float:
    """Median ratio of a cable's known length to the great circle between its ends.

    Only edges with a known ``length_nmi`` count; returns 1.0 if there are
    none.  A cable is never shorter than the great circle, so the factor
    estimates how much longer real routes were (slack, detours round coasts).
    """
    ratios = [
        d["length_nmi"] / _great_circle_nmi(graph, u, v)
        for u, v, d in graph.edges(data=True)
        if d.get("length_nmi") is not None and _great_circle_nmi(graph, u, v) > 0
    ]
    return float(pd.Series(ratios).median()) if ratios else 1.0


def simple_cable_graph(graph: nx.MultiGraph, factor: float | None = None) -> nx.Graph:
    """Collapse parallel cables into one weighted edge per pair of hubs.

    Parameters
    ----------
    graph : the MultiGraph of :func:`cable_network`.
    factor : route factor for missing lengths (default :func:`route_factor` of
        ``graph``).

    Returns
    -------
    nx.Graph whose edges carry ``weight`` (nmi): the shortest known length of
    the parallel cables, or, where no length is known, the great-circle
    distance times ``factor``; ``length_basis`` (``"source"`` or
    ``"estimated"``); ``british``, true only if *every* parallel cable is
    British-owned (one non-British cable on the hop is an alternative);
    ``cables``, the tuple of cable ids.  Nodes keep their attributes.
    """
    if factor is None:
        factor = route_factor(graph)
    simple = nx.Graph(**graph.graph)
    simple.add_nodes_from(graph.nodes(data=True))
    for u, v in {tuple(sorted((u, v))) for u, v in graph.edges()}:
        parallel = graph.get_edge_data(u, v)
        known = [d["length_nmi"] for d in parallel.values() if d.get("length_nmi") is not None]
        weight = min(known) if known else _great_circle_nmi(graph, u, v) * factor
        simple.add_edge(
            u,
            v,
            weight=float(weight),
            length_basis="source" if known else "estimated",
            british=all(d.get("british", False) for d in parallel.values()),
            cables=tuple(sorted(parallel)),
        )
    return simple


def british_length_share(
    graph: nx.MultiGraph, factor: float | None = None, kind: str | None = "cable"
) -> float:
    """Share of the network's cable length (nmi) whose owner was British or British-imperial.

    Every cable counts once, parallel cables too.  A missing length is the
    great-circle distance times ``factor`` (default :func:`route_factor`), as
    in :func:`simple_cable_graph`.  ``kind`` keeps only submarine cables
    (``"cable"``, the default) or landlines; ``None`` keeps both.  NaN for a
    network with no such cable.
    """
    if factor is None:
        factor = route_factor(graph)
    british = total = 0.0
    for u, v, d in graph.edges(data=True):
        if kind is not None and d.get("kind") != kind:
            continue
        length = (
            d["length_nmi"]
            if d.get("length_nmi") is not None
            else _great_circle_nmi(graph, u, v) * factor
        )
        total += length
        british += length if d.get("british", False) else 0.0
    return british / total if total else float("nan")


def hub_centrality(graph: nx.Graph, weight: str | None = "weight") -> pd.DataFrame:
    """Degree and betweenness centrality of every hub.

    ``betweenness`` is networkx's normalised betweenness centrality (the
    share of shortest paths between other pairs of hubs that pass through the
    hub), with shortest paths measured by ``weight`` (nmi in
    :func:`simple_cable_graph`; ``None`` counts hops).  ``degree`` is the
    number of hubs directly linked.  Sorted by betweenness, highest first.
    """
    between = nx.betweenness_centrality(graph, weight=weight, normalized=True)
    rows = [
        {
            "hub_id": n,
            "name": d.get("name", n),
            "power": d.get("power"),
            "continent": d.get("continent"),
            "degree": graph.degree(n),
            "betweenness": between[n],
        }
        for n, d in graph.nodes(data=True)
    ]
    table = pd.DataFrame(
        rows, columns=["hub_id", "name", "power", "continent", "degree", "betweenness"]
    )
    return table.sort_values(["betweenness", "hub_id"], ascending=[False, True], ignore_index=True)


def british_path_share(graph: nx.Graph, power: str | None = "GBR", weight: str = "weight") -> dict:
    """How many routes between continents depend on one power's cables or hubs.

    Definition.  Take every unordered pair of hubs on *different* continents
    that are connected at all.  A pair *depends on* the power if its
    shortest path (by ``weight``; networkx's first one where several tie)
    uses at least one edge whose ``british`` flag is true, or passes through
    a hub (other than the two ends) whose ``power`` is ``power``.  A pair
    *cannot avoid* the power if no path at all joins the two ends once those
    edges and those inner hubs are removed.  Every pair that cannot avoid the
    power depends on it, so ``share_unavoidable <= share_dependent``.  With
    ``power=None`` only the cables count, not the hubs.

    Returns
    -------
    dict with ``pairs`` (connected inter-continental pairs), ``dependent``,
    ``unavoidable`` (counts) and ``share_dependent``, ``share_unavoidable``
    (fractions in [0, 1]; NaN when there is no such pair).
    """
    nodes = sorted(graph.nodes)
    controlled = {n for n in nodes if power is not None and graph.nodes[n].get("power") == power}
    free_edges = [(u, v) for u, v, d in graph.edges(data=True) if not d.get("british", False)]
    free = nx.Graph()
    free.add_nodes_from(nodes)
    free.add_edges_from(free_edges)
    pairs = dependent = unavoidable = 0
    for a, b in itertools.combinations(nodes, 2):
        if graph.nodes[a].get("continent") == graph.nodes[b].get("continent") or not nx.has_path(
            graph, a, b
        ):
            continue
        pairs += 1
        path = nx.shortest_path(graph, a, b, weight=weight)
        via_edge = any(
            graph.edges[p, q].get("british", False) for p, q in zip(path, path[1:], strict=False)
        )
        via_hub = any(n in controlled for n in path[1:-1])
        dependent += via_edge or via_hub
        allowed = free.subgraph([n for n in nodes if n not in controlled or n in (a, b)])
        unavoidable += not nx.has_path(allowed, a, b)
    share = (lambda k: k / pairs) if pairs else (lambda k: float("nan"))
    return {
        "pairs": pairs,
        "dependent": dependent,
        "unavoidable": unavoidable,
        "share_dependent": share(dependent),
        "share_unavoidable": share(unavoidable),
    }


def without_cables(graph: nx.MultiGraph, cable_ids) -> nx.MultiGraph:
    """A copy of ``graph`` with the cables ``cable_ids`` removed (hubs stay, maybe isolated)."""
    cut = set(cable_ids)
    copy = graph.copy()
    copy.remove_edges_from([(u, v, k) for u, v, k in graph.edges(keys=True) if k in cut])
    return copy


def reachable_by_continent(graph: nx.Graph, sources) -> pd.DataFrame:
    """How many hubs of each continent can be reached from any of ``sources``.

    The sources themselves count when they are in the graph.  Every continent
    of the graph's hubs gets a row (0 where nothing is reachable); columns
    ``continent``, ``reachable`` and ``hubs`` (all hubs of that continent).
    """
    reached = set()
    for source in sources:
        if source in graph:
            reached |= nx.node_connected_component(graph, source)
    continents = pd.Series(
        {n: d.get("continent") for n, d in graph.nodes(data=True)}, dtype="object"
    )
    table = pd.DataFrame(
        {"continent": continents, "reached": continents.index.isin(sorted(reached))}
    )
    summary = table.groupby("continent").agg(reachable=("reached", "sum"), hubs=("reached", "size"))
    return summary.reset_index().astype({"reachable": int, "hubs": int})
