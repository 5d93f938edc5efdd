"""The data panel under every chart: its rows, the note about them, the files the book writes."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse

import altair as alt
import pandas as pd
import pytest

from tokenpower.charts import finish, land_layer, offline_renderer
from tokenpower.charts.datapanel import (
    CHAPTER_PLACEHOLDER,
    chart_metadata,
    chart_rows,
    csv_text,
    slug,
    sources_sentence,
)
from tokenpower.data import load
from tokenpower_book.sphinx_chart_data import externalise


def _links(markup: str) -> dict[str, str]:
    """The panel's links: kind ("csv", "about") -> the text of its data: URI."""
    found = re.findall(r'class="tp-chart-(csv|about)"[^>]*href="data:[^,]*,([^"]*)"', markup)
    return {kind: urllib.parse.unquote(data) for kind, data in found}


def _monthly_chart():
    frame = load("btc_electricity_monthly")[["date", "twh_per_year"]].head(3)
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(x=alt.X("date:T", title="Month"), y=alt.Y("twh_per_year:Q", title="TWh a year"))
    )
    return finish(
        chart,
        title="Bitcoin's electricity",
        alt_text="A line of three months.",
        source="Data: CBECI via data/btc_electricity_monthly.csv",
    )


def test_the_csv_holds_exactly_the_rows_the_chart_draws():
    markup = offline_renderer(_monthly_chart().to_dict())["text/html"]
    rows = list(csv.DictReader(io.StringIO(_links(markup)["csv"])))
    expected = load("btc_electricity_monthly").head(3)
    assert [r["date"] for r in rows] == ["2015-01-01", "2015-02-01", "2015-03-01"]
    assert [float(r["twh_per_year"]) for r in rows] == expected["twh_per_year"].tolist()
    assert list(rows[0]) == ["date", "twh_per_year"]


def test_the_note_names_title_measures_sources_with_confidence_and_the_command():
    meta = chart_metadata(_monthly_chart().to_dict())
    assert meta["tables"] == ["btc_electricity_monthly"]
    assert meta["measures"] == ["x: Month", "y: TWh a year"]
    # every row of the monthly series cites btc-b11 with high confidence (the data's own columns)
    rows = load("btc_electricity_monthly")
    assert set(rows["source"]) == {"btc-b11"} and set(rows["confidence"]) == {"high"}
    assert [(s["id"], s["confidence"]) for s in meta["sources"]] == [
        ("btc-b11", {"high": len(rows)})
    ]
    about = _links(offline_renderer(_monthly_chart().to_dict())["text/html"])["about"]
    assert about.startswith("Bitcoin's electricity\n")
    assert "y: TWh a year" in about and "[btc-b11]" in about and f"{len(rows)} high" in about
    assert f"python -m tokenpower run {CHAPTER_PLACEHOLDER}" in about


def test_the_sources_in_words_read_as_a_list():
    def meta(n):
        return {
            "source_line": "x",
            "sources": [
                {"id": f"s{i}", "kind": "web", "author": f"A{i}", "title": "", "year": "2020"}
                | {"confidence": {"high": 1}}
                for i in range(n)
            ],
        }

    assert sources_sentence(meta(1)) == "Source: A0 2020 (high confidence)."
    assert sources_sentence(meta(2)) == (
        "Sources: A0 2020 (high confidence) and A1 2020 (high confidence)."
    )
    assert sources_sentence(meta(5)) == (
        "Sources: A0 2020 (high confidence), A1 2020 (high confidence), "
        "A2 2020 (high confidence) and 2 more sources."
    )
    assert sources_sentence({"source_line": "Model: x", "sources": []}) == ""


def test_a_layered_chart_gives_each_row_its_part_and_a_map_leaves_its_land_out():
    bars = alt.Chart(pd.DataFrame({"a": [1, 2]})).mark_bar().encode(x="a:Q")
    rule = alt.Chart(pd.DataFrame({"b": [3]})).mark_rule().encode(x="b:Q")
    rows = chart_rows(alt.layer(bars, rule).to_dict())
    assert rows == [{"part": 1, "a": 1}, {"part": 1, "a": 2}, {"part": 2, "b": 3}]
    assert csv_text(rows) == "part,a,b\n1,1,\n1,2,\n2,,3\n"
    dots = alt.Chart(pd.DataFrame({"lon": [0.0], "lat": [51.5]})).mark_circle()
    dots = dots.encode(longitude="lon:Q", latitude="lat:Q")
    spec = alt.layer(land_layer(), dots).project("equalEarth").to_dict()
    assert chart_rows(spec) == [{"lon": 0.0, "lat": 51.5}]


@pytest.mark.parametrize(
    ("title", "name"),
    [("Electricity's share of cost (%)", "electricitys-share-of-cost"), ("", "chart")],
)
def test_slug(title, name):
    assert slug(title) == name


def test_the_book_writes_the_files_beside_the_page_and_links_them():
    markup = offline_renderer(_monthly_chart().to_dict())["text/html"]
    written = {}
    body = externalise(
        markup + markup,
        "02-bitcoin",
        lambda name, text: written.__setitem__(name, text),
        lambda name: f"../_data/02-bitcoin/{name}",
    )
    assert sorted(written) == [
        "bitcoins-electricity-2.csv",
        "bitcoins-electricity-2.txt",
        "bitcoins-electricity.csv",
        "bitcoins-electricity.txt",
    ]
    assert "data:text/csv" not in body and "data:text/plain" not in body
    assert 'href="../_data/02-bitcoin/bitcoins-electricity-2.csv"' in body
    assert "python -m tokenpower run 02-bitcoin" in written["bitcoins-electricity.txt"]
    assert "Data: bitcoins-electricity-2.csv" in written["bitcoins-electricity-2.txt"]
    assert written["bitcoins-electricity.csv"].startswith("date,twh_per_year\n2015-01-01,")
