"""Figure builders shared by several chapters.

:func:`tornado_chart` draws a one-at-a-time sensitivity table
(:func:`tokenpower.models.uncertainty.one_at_a_time`) as a tornado: one row per
input, widest swing on top, a bar from the central outcome to the outcome with
that input at its low end and one to the outcome at its high end, and a rule at
the central outcome.  The chart is unfinished: pass it to
:func:`tokenpower.charts.style.finish` for its title, source and text
alternative.
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd

__all__ = ["END_COLORS", "tornado_chart", "tornado_data"]

END_COLORS = {"at its low end": "#E69F00", "at its high end": "#0072B2"}
"""Colours of the two ends of a tornado's bars (Okabe & Ito orange and blue)."""

_TORNADO_COLUMNS = ("parameter", "low", "high", "at_low", "at_high", "central")


def tornado_data(
    table: pd.DataFrame,
    labels: Mapping[str, str] | None = None,
    groups: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The rows a tornado draws: two per input, one for each end of its range.

    ``table`` is a table of :func:`tokenpower.models.uncertainty.one_at_a_time`
    with ``central``.  Columns: ``label`` (the input in words: ``labels`` of its
    name, else its name with spaces), ``end`` ("at its low end" or "at its high
    end"), ``value`` (the input's value there; NaN for a choice such as
    ``"low"``), ``value_text`` (that value in words), ``outcome`` (the outcome there),
    ``central`` and, where ``groups`` (input -> group) is given, ``group``.  Rows
    keep the table's order.  A missing column raises ``KeyError`` naming it.

    >>> t = pd.DataFrame({"parameter": ["pue"], "low": [1.1], "high": [1.5],
    ...                   "at_low": [0.9], "at_high": [1.2], "central": [1.0]})
    >>> tornado_data(t, {"pue": "PUE"})[["label", "end", "value", "outcome"]].values.tolist()
    [['PUE', 'at its low end', 1.1, 0.9], ['PUE', 'at its high end', 1.5, 1.2]]
    """
    missing = [c for c in _TORNADO_COLUMNS if c not in table.columns]
    if missing:
        raise KeyError(f"a tornado table needs the column(s) {', '.join(missing)}")
    labels = dict(labels or {})
    rows = []
    for r in table.itertuples(index=False):
        label = labels.get(r.parameter, str(r.parameter).replace("_", " "))
        for end, value, outcome in (
            ("at its low end", r.low, r.at_low),
            ("at its high end", r.high, r.at_high),
        ):
            numeric = isinstance(value, (int, float, np.number))
            row = {
                "label": label,
                "end": end,
                "value": float(value) if numeric else np.nan,
                "value_text": f"{float(value):,.4g}" if numeric else str(value),
                "outcome": float(outcome),
                "central": float(r.central),
            }
            if groups is not None:
                row["group"] = groups.get(r.parameter, "Other")
            rows.append(row)
    return pd.DataFrame(rows)


def tornado_chart(
    table: pd.DataFrame,
    outcome_title: str,
    labels: Mapping[str, str] | None = None,
    axis_format: str = ",.2f",
    groups: Mapping[str, str] | None = None,
    width: int = 420,
) -> alt.LayerChart:
    """A tornado chart of a one-at-a-time sensitivity table (unfinished; pass to ``finish``).

    Each input is a row (``labels`` give its name in words), widest swing on
    top; its two bars run from the central outcome to the outcome with the input
    at its low end and at its high end, coloured by end, or by the input's
    group where ``groups`` (input -> group label) is given.  ``outcome_title``
    names the outcome's axis, ``axis_format`` is its d3 format (".1%", ",.3f").
    """
    data = tornado_data(table, labels, groups)
    order = list(dict.fromkeys(data["label"]))
    if groups is None:
        names = list(END_COLORS)
        color = alt.Color(
            "end:N",
            title="Input",
            scale=alt.Scale(domain=names, range=[END_COLORS[n] for n in names]),
            legend=alt.Legend(orient="bottom", labelLimit=0),
        )
    else:
        color = alt.Color("group:N", title=None, legend=alt.Legend(orient="bottom", labelLimit=0))
    bars = (
        alt.Chart(data)
        .mark_bar(height=14)
        .encode(
            y=alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
            x=alt.X(
                "outcome:Q",
                title=outcome_title,
                axis=alt.Axis(format=axis_format),
                scale=alt.Scale(zero=False),
            ),
            x2="central:Q",
            color=color,
            tooltip=[
                alt.Tooltip("label:N", title="Input"),
                alt.Tooltip("end:N", title="Input is"),
                alt.Tooltip("value_text:N", title="Input's value"),
                alt.Tooltip("outcome:Q", title="Outcome", format=axis_format),
                alt.Tooltip("central:Q", title="Central outcome", format=axis_format),
            ],
        )
    )
    centre = alt.Chart(data.head(1)).mark_rule(color="#333333").encode(x="central:Q")
    return alt.layer(bars, centre).properties(width=width, height=24 * len(order))
