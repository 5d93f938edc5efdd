"""The telegraph era in numbers: speed, tariff, news transit and the cable map.

Chapter 1 of the book calls these functions; the graph measures themselves
(centrality, path shares, reachability) live in :mod:`tokenpower.models.networks`.
Every function takes tables of the data package (as returned by
:func:`tokenpower.data.load`) and returns a new value or table.

Units are in the names: ``_gbp`` (pounds of the year named), ``_usd``,
``_hours``, ``_nmi``, ``_km``; words per minute is ``wpm``.

>>> round(words_per_minute(98, 16.5), 3)
0.099
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from tokenpower.models.geo import great_circle_arc, great_circle_km

__all__ = [
    "FIRST_YEAR",
    "LAST_YEAR",
    "SLICE_YEARS",
    "cable_arc_table",
    "cable_ids",
    "days_after",
    "deflate_gbp",
    "hub_lifetimes",
    "milestone",
    "news_transit_speedup",
    "owner_group",
    "queen_message_speeds",
    "sourced_cables",
    "timeline",
    "usd_gold_per_gbp",
    "words_per_minute",
]

FIRST_YEAR, LAST_YEAR = 1851, 1914
"""The span of the book's telegraph data: the Dover-Calais cable to the 1914 cut."""

SLICE_YEARS = (1858, 1866, 1870, 1902, 1914)
"""The years at which the book slices the cable network."""


def words_per_minute(words, hours):
    """Average speed of a message in words per minute: ``words / (hours * 60)``.

    Works on scalars or arrays; ``hours`` must be positive.

    >>> words_per_minute(480, 1.0)
    8.0
    """
    hours = np.asarray(hours, dtype=float)
    if np.any(hours <= 0):
        raise ValueError("a message takes a positive number of hours")
    wpm = np.asarray(words, dtype=float) / (hours * 60.0)
    return float(wpm) if wpm.ndim == 0 else wpm


def milestone(milestones: pd.DataFrame, quantity: str, context: str | None = None) -> pd.DataFrame:
    """The rows of ``telegraph_milestones`` for one quantity (and context), as given.

    Raises KeyError if there is none, so a renamed quantity fails loudly.
    """
    rows = milestones[milestones["quantity"] == quantity]
    if context is not None:
        rows = rows[rows["context"] == context]
    if rows.empty:
        raise KeyError(f"no milestone {quantity!r}" + (f" for {context!r}" if context else ""))
    return rows.reset_index(drop=True)


def queen_message_speeds(milestones: pd.DataFrame) -> pd.DataFrame:
    """Every combination of the disagreeing word counts and durations of the Queen's 1858 message.

    Returns one row per (words, hours) pair with ``words``, ``words_source``,
    ``hours``, ``hours_source`` and ``wpm`` (words per minute), slowest first.
    Nothing is averaged: the sources disagree and each pair is shown.
    """
    words = milestone(milestones, "queen_message_words")[["value", "source"]]
    hours = milestone(milestones, "queen_message_hours")[["value", "source"]]
    pairs = words.rename(columns={"value": "words", "source": "words_source"}).merge(
        hours.rename(columns={"value": "hours", "source": "hours_source"}), how="cross"
    )
    pairs["wpm"] = words_per_minute(pairs["words"], pairs["hours"])
    return pairs.sort_values(["wpm", "words"], ignore_index=True)


def usd_gold_per_gbp(milestones: pd.DataFrame) -> float:
    """Gold dollars per pound in 1866, from Scientific American's GBP 24 = USD 120 for one message.

    Computed from the two sourced rows (``charge_usd_gold_20_words`` /
    ``charge_gbp_20_words``) rather than read from the derived row.
    """
    usd = milestone(milestones, "charge_usd_gold_20_words")["value"].iloc[0]
    gbp = milestone(milestones, "charge_gbp_20_words")["value"].iloc[0]
    return float(usd / gbp)


def deflate_gbp(amount_gbp: float, deflators: pd.DataFrame, usd_per_gbp: float) -> pd.DataFrame:
    """An amount of pounds of ``from_year`` in the prices of each deflator row.

    Parameters
    ----------
    amount_gbp : pounds in the money of the deflators' ``from_year`` (e.g. 1866).
    deflators : the ``telegraph_deflators`` table (``factor`` = index_to / index_from).
    usd_per_gbp : exchange rate used for the USD rows (gold dollars per pound
        in 1866): the pounds are first turned into dollars of the same year,
        then deflated with the US index.

    Returns
    -------
    One row per deflator: ``deflator_id``, ``index_name``, ``from_year``,
    ``to_year``, ``currency``, ``factor`` and ``value`` (in ``currency`` of
    ``to_year``).
    """
    table = deflators[
        ["deflator_id", "index_name", "from_year", "to_year", "currency", "factor"]
    ].copy()
    rate = np.where(
        table["currency"] == "GBP", 1.0, np.where(table["currency"] == "USD", usd_per_gbp, np.nan)
    )
    if np.isnan(rate).any():
        raise ValueError("deflate_gbp knows only GBP and USD deflators")
    table["value"] = amount_gbp * rate * table["factor"].to_numpy()
    return table.reset_index(drop=True)


def news_transit_speedup(news_transit: pd.DataFrame) -> pd.DataFrame:
    """For each route with times before and after the telegraph: fastest before, fastest after, ratio.

    Uses ``value_hours`` (some rows are assumptions where the source gives a
    word such as 'months'; ``assumed`` says whether either end is).  Returns
    ``route``, ``before_hours``, ``after_hours``, ``speedup`` (before / after)
    and ``assumed``, largest speed-up first.
    """
    rows = news_transit.dropna(subset=["value_hours"])
    fastest = rows.loc[rows.groupby(["route", "phase"])["value_hours"].idxmin()]
    wide = fastest.pivot(index="route", columns="phase", values="value_hours")
    basis = fastest.pivot(index="route", columns="phase", values="value_basis")
    wide = wide.dropna(subset=["before", "after"])
    out = pd.DataFrame(
        {
            "route": wide.index,
            "before_hours": wide["before"].to_numpy(),
            "after_hours": wide["after"].to_numpy(),
        }
    )
    out["speedup"] = out["before_hours"] / out["after_hours"]
    out["assumed"] = (basis.loc[wide.index] == "assumption").any(axis=1).to_numpy()
    return out.sort_values("speedup", ascending=False, ignore_index=True)


def timeline(events: pd.DataFrame, start: int = FIRST_YEAR, end: int = LAST_YEAR) -> pd.DataFrame:
    """Events dated ``start``..``end`` (inclusive years), in date order, with a ``year`` column."""
    years = events["date"].dt.year
    chosen = events[(years >= start) & (years <= end)].copy()
    chosen["year"] = chosen["date"].dt.year
    return chosen.sort_values(["date", "event_id"], ignore_index=True)


def days_after(events: pd.DataFrame, start: str, ends) -> pd.DataFrame:
    """Days from the event ``start`` to each of the events ``ends`` (event ids of ``telegraph_events``).

    For disagreeing dates of one thing (when did the 1858 cable die?) each
    end is its own row: ``event_id``, ``date``, ``event``, ``source`` and
    ``days`` (whole days after ``start``), in date order.
    """
    by_id = events.set_index("event_id")
    missing = [e for e in [start, *ends] if e not in by_id.index]
    if missing:
        raise KeyError(f"no event {', '.join(map(repr, missing))} in the events table")
    chosen = by_id.loc[list(ends), ["date", "event", "source"]].reset_index()
    chosen["days"] = (chosen["date"] - by_id.at[start, "date"]).dt.days
    return chosen.sort_values("date", ignore_index=True)


def sourced_cables(cables: pd.DataFrame) -> pd.DataFrame:
    """The cables table without the links the book assumed (source ``book-assumption``)."""
    return cables[cables["source"] != "book-assumption"].reset_index(drop=True)


def cable_ids(
    cables: pd.DataFrame,
    *,
    owner: str | None = None,
    closed: int | None = None,
    british: bool | None = None,
    kind: str | None = None,
) -> list[str]:
    """Ids of the cables matching every given condition.

    ``owner``: ``owner_nationality``; ``closed``: ``year_closed``;
    ``british``: the ``british_imperial`` flag (unknown counts as not
    British); ``kind``: ``cable`` or ``landline``.  For the 1914 cut:
    ``cable_ids(cables, owner="DEU", closed=1914)``.
    """
    keep = pd.Series(True, index=cables.index)
    if owner is not None:
        keep &= cables["owner_nationality"] == owner
    if closed is not None:
        keep &= (cables["year_closed"] == closed).fillna(False)
    if british is not None:
        keep &= cables["british_imperial"].fillna(False).astype(bool) == british
    if kind is not None:
        keep &= cables["kind"] == kind
    return sorted(cables.loc[keep.astype(bool), "cable_id"])


def owner_group(owners: pd.Series, coloured) -> pd.Series:
    """Owner codes with a colour of their own kept; every other code becomes ``XXX`` (other or unknown)."""
    coloured = set(coloured)
    return owners.where(owners.isin(coloured), "XXX")


def _lifetimes(cables: pd.DataFrame) -> pd.DataFrame:
    first = cables["year_used"].astype("Int64")
    last = cables["year_closed"].astype("Int64").fillna(LAST_YEAR)
    return pd.DataFrame({"first_year": first, "last_year": last}, index=cables.index)


def _split_at_antimeridian(lat: np.ndarray, lon: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Cut a polyline where it crosses longitude +-180, adding the crossing point to both pieces."""
    pieces, cur_lat, cur_lon = [], [lat[0]], [lon[0]]
    for i in range(1, len(lat)):
        a, b = lon[i - 1], lon[i]
        if abs(b - a) > 180:
            edge = 180.0 if a > 0 else -180.0
            b_unwrapped = b + 360.0 if a > 0 else b - 360.0
            t = (edge - a) / (b_unwrapped - a)
            crossing = lat[i - 1] + t * (lat[i] - lat[i - 1])
            cur_lat.append(crossing)
            cur_lon.append(edge)
            pieces.append((np.array(cur_lat), np.array(cur_lon)))
            cur_lat, cur_lon = [crossing], [-edge]
        cur_lat.append(lat[i])
        cur_lon.append(lon[i])
    pieces.append((np.array(cur_lat), np.array(cur_lon)))
    return pieces


def cable_arc_table(
    cables: pd.DataFrame, hubs: pd.DataFrame, max_points: int = 20, km_per_point: float = 300.0
) -> pd.DataFrame:
    """Great-circle arcs of every cable, with the years it worked, for a map with a year slider.

    Each cable becomes ``min(max_points, max(2, ceil(km / km_per_point) + 1))``
    points along its great circle (so a short cable costs two rows), cut into
    pieces where it crosses the antimeridian.  A map keeps the rows with
    ``first_year <= year <= last_year``, the same rule as
    :func:`tokenpower.models.networks.cable_network`.

    Returns columns ``cable_id``, ``segment`` (an integer per drawn line), ``order``,
    ``latitude``, ``longitude`` (degrees, 2 decimals), ``owner``,
    ``kind``, ``label`` ("From - To"), ``first_year`` and ``last_year``.
    """
    where = hubs.set_index("hub_id")
    life = _lifetimes(cables)
    frames, segment = [], 0
    for i, cable in cables.iterrows():
        a, b = where.loc[cable["from_hub"]], where.loc[cable["to_hub"]]
        km = great_circle_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"])
        points = int(min(max_points, max(2, math.ceil(km / km_per_point) + 1)))
        arc = great_circle_arc(
            a["latitude"], a["longitude"], b["latitude"], b["longitude"], points=points
        )
        pieces = _split_at_antimeridian(arc["latitude"].to_numpy(), arc["longitude"].to_numpy())
        for lat, lon in pieces:
            segment += 1
            frames.append(
                pd.DataFrame(
                    {
                        "cable_id": cable["cable_id"],
                        "segment": segment,
                        "order": np.arange(len(lat)),
                        "latitude": np.round(lat, 2),
                        "longitude": np.round(lon, 2),
                        "owner": cable["owner_nationality"],
                        "kind": cable["kind"],
                        "label": f"{a['name']} - {b['name']}",
                        "first_year": int(life.at[i, "first_year"]),
                        "last_year": int(life.at[i, "last_year"]),
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def hub_lifetimes(cables: pd.DataFrame, hubs: pd.DataFrame) -> pd.DataFrame:
    """Each hub touched by a cable, with the first and last year any of its cables worked.

    Returns ``hub_id``, ``name``, ``latitude``, ``longitude``, ``power``,
    ``first_year``, ``last_year`` (a hub is on the map of year Y if
    ``first_year <= Y <= last_year``; a gap in between is not modelled).
    """
    life = _lifetimes(cables)
    ends = pd.concat(
        [pd.DataFrame({"hub_id": cables[end], **life}) for end in ("from_hub", "to_hub")]
    )
    spans = ends.groupby("hub_id").agg(
        first_year=("first_year", "min"), last_year=("last_year", "max")
    )
    table = hubs.set_index("hub_id").loc[
        spans.index, ["name", "latitude", "longitude", "controlling_power"]
    ]
    table = table.rename(columns={"controlling_power": "power"}).join(spans).reset_index()
    return table.astype({"first_year": int, "last_year": int})
