"""Graphs of the book: the telegraph network, sliced by year.

Nodes carry their coordinates and controlling power; edges carry the cable's
year, length, owner and kind.  The functions take the tables of the data
package (as loaded by :func:`tokenpower.data.load`) and return new graphs.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

__all__ = ["cable_network", "edge_table"]


def cable_network(hubs: pd.DataFrame, cables: pd.DataFrame, year: int) -> nx.MultiGraph:
    """The telegraph network as it stood in ``year``.

    A cable is in the network if it opened in or before ``year`` (its
    ``year_used``) and had not closed before it (``year_closed`` empty or
    ``>= year``).  Parallel cables stay separate edges (a MultiGraph), keyed by
    ``cable_id``.  Only hubs touched by a cable of that year are nodes.

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
                graph.add_node(hub, name=row["name"], latitude=float(row["latitude"]),
                               longitude=float(row["longitude"]), power=row["controlling_power"])
        graph.add_edge(cable.from_hub, cable.to_hub, key=cable.cable_id, year=int(cable.year_used),
                       owner=cable.owner_nationality, kind=cable.kind,
                       length_nmi=None if pd.isna(cable.length_nmi) else float(cable.length_nmi))
    return graph


def edge_table(graph: nx.MultiGraph) -> pd.DataFrame:
    """One row per edge with both ends' coordinates, ready to draw as arcs or rules."""
    rows = []
    for u, v, key, data in graph.edges(keys=True, data=True):
        a, b = graph.nodes[u], graph.nodes[v]
        rows.append({"cable_id": key, "from_name": a["name"], "to_name": b["name"],
                     "lon": a["longitude"], "lat": a["latitude"], "lon2": b["longitude"], "lat2": b["latitude"],
                     "owner": data["owner"], "year": data["year"], "kind": data["kind"]})
    return pd.DataFrame(rows)
