"""Bitcoin mining: electricity exported as hashes.

Three small models, each data in, data out:

* **Mining economics.**  A machine that uses ``j_per_th`` joules per terahash
  and runs at 1 TH/s for a day uses ``j_per_th x 86,400 J = j_per_th x 0.024
  kWh``.  The day earns the *hashprice* (USD per TH/s per day), so the value
  it delivers per kWh is ``hashprice / (j_per_th x 0.024)``.  Against it
  stand the tariff (USD/kWh) and the machine's price spread over its life
  (capital per kWh); the electricity share of a miner's cost is
  ``tariff / (tariff + capital per kWh)``.
* **The 2021 migration**, inferred from the change in countries' shares of
  hashrate: China's lost share is allocated to the countries that gained, in
  proportion to their gains, and split over China's provinces by their
  pre-ban shares.  It is an inference, not an observed flow.
* **Recovery time** of the network's hashrate: from the trough to the first
  date the series regains its pre-shock peak.

>>> round(revenue_usd_per_kwh(0.2787, 29.5), 3)  # S19 Pro on 17 Jul 2021
0.394
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import pandas as pd

__all__ = [
    "DAYS_PER_YEAR",
    "KWH_PER_TH_DAY_PER_J_PER_TH",
    "MACHINES",
    "OTHER",
    "Recovery",
    "bitcoin_value_per_kwh",
    "capital_usd_per_kwh",
    "check_machine",
    "check_range",
    "electricity_share",
    "electricity_share_range",
    "flow_diagram_tables",
    "hashprice_points",
    "hashrate_series",
    "machine_price_usd_per_th",
    "machine_table",
    "migration_flows",
    "migration_graph",
    "province_weights",
    "recovery_time",
    "reference_tariffs",
    "revenue_usd_per_kwh",
    "share_changes",
    "share_snapshot",
]

KWH_PER_TH_DAY_PER_J_PER_TH = 86_400 / 3.6e6
"""kWh used by 1 TH/s for one day at 1 J/TH (86,400 J = 0.024 kWh)."""

DAYS_PER_YEAR = 365.25

MACHINES: dict[str, str] = {
    "S7": "antminer-s7",
    "S9": "antminer-s9",
    "S17 Pro": "antminer-s17-pro",
    "S19": "antminer-s19",
    "S19 Pro": "antminer-s19-pro",
    "S21": "antminer-s21",
}
"""Short machine names used by the book -> ``miner_id`` in ``btc_miners``.

The S9 is its nameplate row (98 J/TH); ``btc_miners`` also keeps the 84 J/TH
"at stock" figure of another source as its own row."""

OTHER = "XXX"
"""Country code for 'other or unspecified' (countries.csv)."""


# -- parameters --------------------------------------------------------------


def check_range(name: str, value, low: float, high: float) -> float:
    """``value`` as a float if ``low <= value <= high``, else a ValueError naming ``name``.

    >>> check_range("electricity_price_usd_per_kwh", 0.04, 0.0, 1.0)
    0.04
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise ValueError(f"{name} must be a number between {low} and {high}, not {value!r}")
    if not (low <= float(value) <= high) or np.isnan(value):
        raise ValueError(
            f"{name} = {value!r} is out of range: it must lie between {low} and {high}"
        )
    return float(value)


def check_machine(machine: str, machines: dict[str, str] = MACHINES) -> str:
    """The ``miner_id`` of a machine's short name, or a ValueError listing the valid names.

    >>> check_machine("S19 Pro")
    'antminer-s19-pro'
    """
    if machine not in machines:
        valid = ", ".join(repr(m) for m in machines)
        raise ValueError(
            f"machine = {machine!r} is not a machine of this chapter; valid machines: {valid}"
        )
    return machines[machine]


# -- mining economics ---------------------------------------------------------


def revenue_usd_per_kwh(hashprice_usd_per_th_day, j_per_th):
    """Value delivered per kWh: hashprice / (J/TH x 0.024 kWh per TH-day).

    Parameters are the hashprice in USD per TH/s per day and the machine's
    efficiency in J/TH (scalars or arrays).  Returns USD per kWh.
    """
    j = np.asarray(j_per_th, dtype=float)
    if np.any(j <= 0):
        raise ValueError("j_per_th must be positive")
    out = np.asarray(hashprice_usd_per_th_day, dtype=float) / (j * KWH_PER_TH_DAY_PER_J_PER_TH)
    return float(out) if out.ndim == 0 else out


def capital_usd_per_kwh(machine_usd_per_th, j_per_th, life_years):
    """A machine's price spread over the kWh it uses in its life (USD/kWh).

    ``machine_usd_per_th`` is the price per TH/s of hashrate, ``j_per_th`` the
    efficiency and ``life_years`` the useful life, running all the time
    (straight line, no salvage value, no cost of capital).  The machine's size
    cancels: per TH/s it uses ``j_per_th x 0.024`` kWh a day.

    >>> round(capital_usd_per_kwh(10.0, 10.0, 1.0), 4)  # $10 per TH/s, 10 J/TH, one year
    0.1141
    """
    life = np.asarray(life_years, dtype=float)
    j = np.asarray(j_per_th, dtype=float)
    if np.any(life <= 0) or np.any(j <= 0):
        raise ValueError("life_years and j_per_th must be positive")
    lifetime_kwh_per_th = life * DAYS_PER_YEAR * j * KWH_PER_TH_DAY_PER_J_PER_TH
    out = np.asarray(machine_usd_per_th, dtype=float) / lifetime_kwh_per_th
    return float(out) if out.ndim == 0 else out


def electricity_share(tariff_usd_per_kwh, capital_usd_per_kwh):
    """Electricity's share of a miner's cost: tariff / (tariff + capital per kWh).

    Both in USD per kWh; returns a fraction in [0, 1] (NaN if both are zero).

    >>> electricity_share(0.03, 0.01)
    0.75
    """
    t = np.asarray(tariff_usd_per_kwh, dtype=float)
    c = np.asarray(capital_usd_per_kwh, dtype=float)
    if np.any(t < 0) or np.any(c < 0):
        raise ValueError("costs per kWh cannot be negative")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = t / (t + c)
    return float(out) if out.ndim == 0 else out


def machine_table(miners: pd.DataFrame, machines: dict[str, str] = MACHINES) -> pd.DataFrame:
    """The book's machine generations from ``btc_miners``, oldest first.

    Returns columns ``machine`` (short name), ``miner_id``, ``model``,
    ``j_per_th``, ``th_per_s``, ``release_date``, ``source``.
    """
    table = _labelled_rows(
        miners,
        "miner_id",
        machines,
        "machine",
        ["model", "j_per_th", "th_per_s", "release_date", "source"],
    )
    return table.sort_values("release_date", kind="stable").reset_index(drop=True)


def _labelled_rows(
    table: pd.DataFrame, key: str, labels: dict[str, str], label_column: str, columns: list[str]
) -> pd.DataFrame:
    """The rows of ``table`` whose ``key`` is a value of ``labels``, in its order, labelled.

    Returns ``label_column``, ``key`` and ``columns``; a KeyError names the
    resource and the missing keys.
    """
    rows = table.set_index(key)
    missing = [k for k in labels.values() if k not in rows.index]
    if missing:
        raise KeyError(
            f"{table.attrs.get('resource', 'the table')} has no row {', '.join(missing)}"
        )
    out = rows.loc[list(labels.values()), columns].reset_index()
    out.insert(0, label_column, list(labels.keys()))
    return out


def hashprice_points(hashprice: pd.DataFrame) -> pd.DataFrame:
    """Hashprice rows with a readable ``label`` and a ``mid_date`` for matching.

    A year or month average is placed at the middle of its period
    (``mid_date``); a day keeps its date.  Sorted by ``mid_date``.
    """
    out = hashprice.copy()
    labels, mids = [], []
    for row in out.itertuples(index=False):
        d = pd.Timestamp(row.date)
        if row.date_precision == "year":
            mids.append(pd.Timestamp(year=d.year, month=7, day=1))
            labels.append(f"{d.year} {row.kind.replace('annual-', '')}")
        elif row.date_precision == "month":
            mids.append(d + pd.Timedelta(days=14))
            labels.append(f"{d:%b %Y} {row.kind.replace('-', ' ')}")
        else:
            mids.append(d)
            labels.append(f"{d.day} {d:%b %Y}")
    out["label"] = labels
    out["mid_date"] = pd.to_datetime(pd.Series(mids, index=out.index))
    return out.sort_values("mid_date", kind="stable").reset_index(drop=True)


def machine_price_usd_per_th(
    machine_prices: pd.DataFrame, j_per_th: float, date, kinds=("point", "peak")
) -> pd.Series:
    """The hardware price (USD per TH/s) nearest in time for a machine of ``j_per_th``.

    Among the rows of ``btc_machine_prices`` whose efficiency range holds
    ``j_per_th`` (inclusive) and whose ``kind`` is in ``kinds``, returns the
    row whose date (middle of its month or year) is nearest to ``date``
    (earliest on a tie).  Raises ValueError if no row applies.
    """
    when = pd.Timestamp(date)
    rows = machine_prices[
        (machine_prices["j_per_th_min"] <= j_per_th)
        & (machine_prices["j_per_th_max"] >= j_per_th)
        & machine_prices["kind"].isin(list(kinds))
    ]
    if rows.empty:
        raise ValueError(
            f"no hardware price of kind {', '.join(kinds)} for a machine of {j_per_th} J/TH"
        )
    shift = rows["date_precision"].map({"day": 0, "month": 14, "year": 182}).fillna(0)
    mid = rows["date"] + pd.to_timedelta(shift, unit="D")
    gap = (mid - when).abs()
    order = pd.DataFrame({"gap": gap, "date": rows["date"]}).sort_values(
        ["gap", "date"], kind="stable"
    )
    return rows.loc[order.index[0]]


def electricity_share_range(
    machines: pd.DataFrame, machine_prices: pd.DataFrame, tariffs_usd_per_kwh, life_years: float
) -> pd.DataFrame:
    """Electricity share of cost for each machine and tariff, at boom and bust hardware prices.

    The boom price is the machine's tier's 2021 high (``annual-high``), the
    bust price the 2022 low (``annual-low``) of ``btc_machine_prices``.
    Returns one row per machine x tariff x case with columns ``machine``,
    ``j_per_th``, ``case``, ``usd_per_th``, ``tariff_usd_per_kwh``,
    ``capital_usd_per_kwh``, ``electricity_share``.
    """
    rows = []
    for m in machines.itertuples(index=False):
        for case, kind in (
            ("2021 high hardware price", "annual-high"),
            ("2022 low hardware price", "annual-low"),
        ):
            price = machine_price_usd_per_th(
                machine_prices, m.j_per_th, "2021-07-01", kinds=(kind,)
            )
            capital = capital_usd_per_kwh(price["usd_per_th"], m.j_per_th, life_years)
            for tariff in np.atleast_1d(np.asarray(tariffs_usd_per_kwh, dtype=float)):
                rows.append(
                    {
                        "machine": m.machine,
                        "j_per_th": m.j_per_th,
                        "case": case,
                        "usd_per_th": price["usd_per_th"],
                        "tariff_usd_per_kwh": float(tariff),
                        "capital_usd_per_kwh": capital,
                        "electricity_share": electricity_share(tariff, capital),
                    }
                )
    return pd.DataFrame(rows)


def reference_tariffs(prices: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Selected rows of ``btc_electricity_prices`` under readable labels.

    ``labels`` maps a label to a ``price_id``.  Returns ``label``,
    ``price_id``, ``usd_per_kwh`` (the low end where the source gives a
    range), ``usd_per_kwh_high`` (NaN if none), ``year``, ``source``,
    ``confidence``, in the order of ``labels``.
    """
    return _labelled_rows(
        prices,
        "price_id",
        labels,
        "label",
        ["usd_per_kwh", "usd_per_kwh_high", "year", "source", "confidence"],
    )


def bitcoin_value_per_kwh(
    miners: pd.DataFrame,
    hashprice: pd.DataFrame,
    machine_prices: pd.DataFrame,
    tariff_usd_per_kwh: float,
    life_years: float,
    machines: dict[str, str] = MACHINES,
) -> pd.DataFrame:
    """Bitcoin's value delivered per kWh and electricity share, by machine and date.

    The comparison hook for the token chapters: one row per machine x
    hashprice date, with

    - ``revenue_usd_per_kwh``: hashprice / (J/TH x 0.024);
    - ``tariff_usd_per_kwh``: the electricity price given;
    - ``machine_usd_per_th`` and ``machine_price_id``: the hardware price
      nearest in time for the machine's efficiency tier
      (:func:`machine_price_usd_per_th`);
    - ``capital_usd_per_kwh`` over ``life_years``;
    - ``electricity_share`` = tariff / (tariff + capital);
    - ``margin_usd_per_kwh`` = revenue - tariff (what is left for the machine),
      ``profit_usd_per_kwh`` = revenue - tariff - capital;
    - ``released``: whether the machine existed on that date.

    Inputs are the tables ``btc_miners``, ``btc_hashprice`` and
    ``btc_machine_prices``; all money in USD of the day.
    """
    check_range("tariff_usd_per_kwh", tariff_usd_per_kwh, 0.0, 1.0)
    check_range("life_years", life_years, 0.5, 20.0)
    fleet = machine_table(miners, machines)
    points = hashprice_points(hashprice)
    rows = []
    for m in fleet.itertuples(index=False):
        for p in points.itertuples(index=False):
            price = machine_price_usd_per_th(machine_prices, m.j_per_th, p.mid_date)
            revenue = revenue_usd_per_kwh(p.usd_per_th_day, m.j_per_th)
            capital = capital_usd_per_kwh(price["usd_per_th"], m.j_per_th, life_years)
            rows.append(
                {
                    "machine": m.machine,
                    "j_per_th": m.j_per_th,
                    "date": p.mid_date,
                    "period": p.label,
                    "hashprice_usd_per_th_day": p.usd_per_th_day,
                    "revenue_usd_per_kwh": revenue,
                    "tariff_usd_per_kwh": float(tariff_usd_per_kwh),
                    "machine_usd_per_th": price["usd_per_th"],
                    "machine_price_id": price["price_id"],
                    "capital_usd_per_kwh": capital,
                    "electricity_share": electricity_share(tariff_usd_per_kwh, capital),
                    "margin_usd_per_kwh": revenue - tariff_usd_per_kwh,
                    "profit_usd_per_kwh": revenue - tariff_usd_per_kwh - capital,
                    "released": bool(m.release_date <= p.mid_date),
                }
            )
    return pd.DataFrame(rows)


# -- the 2021 migration -------------------------------------------------------


def share_snapshot(
    shares: pd.DataFrame, period: str, sources=None, other: str = OTHER
) -> pd.Series:
    """Countries' shares of hashrate (%) in one ``period`` of ``btc_hashrate_share_country``.

    Only rows of the given ``sources`` are used (all if None); a country
    listed twice is an error (choose a source).  The rest of the world, up to
    100 %, is added to ``other``.  Returns a Series indexed by country code.
    """
    rows = shares[shares["period"] == period]
    if sources is not None:
        rows = rows[rows["source"].isin(list(sources))]
    if rows.empty:
        raise ValueError(f"no hashrate shares for period {period!r}")
    if rows["country"].duplicated().any():
        twice = ", ".join(sorted(rows.loc[rows["country"].duplicated(), "country"]))
        raise ValueError(f"period {period!r} lists {twice} more than once; choose one source")
    snap = rows.set_index("country")["share_pct"].astype(float)
    rest = 100.0 - snap.sum()
    if rest < -0.5:
        raise ValueError(
            f"shares of period {period!r} add up to {snap.sum():.2f} %, more than 100 %"
        )
    snap.loc[other] = snap.get(other, 0.0) + max(rest, 0.0)
    return snap


def share_changes(before: pd.Series, after: pd.Series, other: str = OTHER) -> pd.DataFrame:
    """Change in share (percentage points) of each country listed ``before``.

    Countries that ``after`` lists but ``before`` does not are folded into
    ``other`` (their earlier share is unknown), so both columns add up to the
    same total.  Returns ``country``, ``before``, ``after``, ``change_pts``.
    """
    later = after.reindex(before.index).fillna(0.0)
    extra = after[~after.index.isin(before.index)].sum()
    if other in later.index:
        later.loc[other] += extra
    elif extra:
        raise ValueError(
            f"'after' lists countries missing 'before' and 'before' has no {other!r} row to hold them"
        )
    out = pd.DataFrame({"country": before.index, "before": before.values, "after": later.values})
    out["change_pts"] = out["after"] - out["before"]
    return out


def province_weights(
    province_shares: pd.DataFrame,
    period: str,
    china_share_pct: float,
    other: str = "Other provinces",
) -> pd.Series:
    """Each Chinese province's weight in China's hashrate in one ``period``.

    Provinces' shares of *global* hashrate are divided by China's share
    (``china_share_pct``) of the same period; what the provinces listed do not
    cover goes to ``other``.  The weights add up to 1.
    """
    rows = province_shares[province_shares["period"] == period]
    if rows.empty:
        raise ValueError(f"no province shares for period {period!r}")
    listed = rows.set_index("province")["share_of_global_pct"].astype(float)
    if listed.sum() > china_share_pct + 1e-9:
        raise ValueError(
            f"provinces add up to {listed.sum():.2f} %, more than China's {china_share_pct} %"
        )
    weights = listed / china_share_pct
    rest = 1.0 - weights.sum()
    if rest > 1e-12:
        weights.loc[other] = rest
    return weights


def migration_flows(changes: pd.DataFrame, weights: pd.Series, origin: str = "CHN") -> pd.DataFrame:
    """Inferred flows of hashrate share (percentage points) from ``origin``'s provinces to gainers.

    ``changes`` is :func:`share_changes` output.  China's lost share is given
    to the countries whose share rose, in proportion to their gains, and taken
    from China's provinces in proportion to ``weights`` (their pre-ban
    shares).  Returns ``province``, ``country``, ``share_pts``; the flows add
    up to the origin's loss exactly.  This is an inference from two
    snapshots, not an observation of machines moving.
    """
    table = changes.set_index("country")
    if origin not in table.index:
        raise ValueError(f"{origin!r} is not in the share changes")
    loss = -float(table.loc[origin, "change_pts"])
    if loss <= 0:
        return pd.DataFrame(columns=["province", "country", "share_pts"])
    gains = table.drop(index=origin)["change_pts"]
    gains = gains[gains > 0]
    if gains.empty:
        raise ValueError(f"{origin} lost share but no country gained any")
    w = weights / weights.sum()
    rows = [
        {"province": p, "country": c, "share_pts": loss * wp * g / gains.sum()}
        for p, wp in w.items()
        for c, g in gains.items()
    ]
    return pd.DataFrame(rows)


def migration_graph(flows: pd.DataFrame) -> nx.DiGraph:
    """The inferred migration as a DiGraph: province -> country, edge ``share_pts``.

    Nodes carry ``kind`` ('province' or 'country').  Parallel rows for the
    same pair are summed.
    """
    graph = nx.DiGraph(inferred=True)
    for row in (
        flows.groupby(["province", "country"], sort=False)["share_pts"]
        .sum()
        .reset_index()
        .itertuples()
    ):
        graph.add_node(row.province, kind="province")
        graph.add_node(row.country, kind="country")
        graph.add_edge(row.province, row.country, share_pts=float(row.share_pts))
    return graph


def flow_diagram_tables(flows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Positions for drawing flows as a two-column diagram (sources left, targets right).

    ``flows`` has ``province``, ``country`` and ``share_pts``.  Each side is
    ranked by its total flow, largest at the top (``y`` = 0), and the side
    with fewer nodes is spread over the same height.  Returns ``(edges,
    nodes)``: edges with ``y_province`` and ``y_country`` added; nodes with
    ``node``, ``side`` ('province'/'country'), ``x`` (0 or 1), ``y`` and
    ``share_pts`` (the node's total).
    """
    sides = []
    for side, x in (("province", 0.0), ("country", 1.0)):
        total = (
            flows.groupby(side, sort=False)["share_pts"]
            .sum()
            .sort_values(ascending=False, kind="stable")
        )
        n = len(total)
        sides.append(
            pd.DataFrame(
                {
                    "node": total.index,
                    "side": side,
                    "x": x,
                    "rank": np.arange(n),
                    "share_pts": total.values,
                }
            )
        )
    height = max(len(t) for t in sides) - 1
    for t in sides:
        t["y"] = t["rank"] * (height / max(len(t) - 1, 1)) if len(t) > 1 else height / 2
    nodes = pd.concat(sides, ignore_index=True).drop(columns="rank")
    where = {(r.side, r.node): r.y for r in nodes.itertuples(index=False)}
    edges = flows.copy()
    edges["y_province"] = [where[("province", p)] for p in edges["province"]]
    edges["y_country"] = [where[("country", c)] for c in edges["country"]]
    return edges, nodes


# -- recovery -----------------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    """Peak, trough and recovery of a series; ``recovery_date`` is None if it never recovered."""

    peak_date: pd.Timestamp
    peak: float
    trough_date: pd.Timestamp
    trough: float
    recovery_date: pd.Timestamp | None
    recovery_value: float | None

    @property
    def days_trough_to_recovery(self) -> int | None:
        return (
            None
            if self.recovery_date is None
            else int((self.recovery_date - self.trough_date).days)
        )

    @property
    def days_peak_to_recovery(self) -> int | None:
        return (
            None if self.recovery_date is None else int((self.recovery_date - self.peak_date).days)
        )

    @property
    def drawdown(self) -> float:
        """Fall from peak to trough as a fraction of the peak."""
        return 1.0 - self.trough / self.peak


def recovery_time(series: pd.Series, peak_before) -> Recovery:
    """How long a series took to regain its pre-shock peak.

    ``series`` holds values indexed by date (any spacing).  The peak is the
    highest value dated before ``peak_before``; the trough the lowest value
    after the peak; the recovery the first date after the trough at which the
    series is at or above the peak again.
    """
    s = series.dropna().sort_index()
    cut = pd.Timestamp(peak_before)
    head = s[s.index < cut]
    if head.empty:
        raise ValueError(f"the series has no value before {cut:%Y-%m-%d}")
    peak_date = head.idxmax()
    tail = s[s.index > peak_date]
    if tail.empty:
        raise ValueError("the series has no value after its peak")
    trough_date = tail.idxmin()
    after = s[(s.index > trough_date) & (s >= s[peak_date])]
    rec_date = after.index[0] if not after.empty else None
    return Recovery(
        peak_date,
        float(s[peak_date]),
        trough_date,
        float(s[trough_date]),
        rec_date,
        None if rec_date is None else float(s[rec_date]),
    )


def hashrate_series(network_hashrate: pd.DataFrame, estimator: str) -> pd.Series:
    """The points of one ``estimator`` in ``btc_network_hashrate`` (EH/s by date).

    Rows without a value (changes in %) are dropped; a month-precision row
    stands at the first day of its month.
    """
    rows = network_hashrate[
        (network_hashrate["estimator"] == estimator) & network_hashrate["ehs"].notna()
    ]
    if rows.empty:
        valid = ", ".join(sorted(network_hashrate["estimator"].dropna().unique()))
        raise ValueError(f"no hashrate points for estimator {estimator!r}; estimators: {valid}")
    return rows.set_index("date")["ehs"].astype(float).sort_index()
