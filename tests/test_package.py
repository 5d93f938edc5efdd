"""Unit tests of the package: charts, networks, build key, parameters, bibliography."""

from __future__ import annotations

import re
import shutil

import altair as alt
import pandas as pd
import pytest
from conftest import ROOT

from tokenpower.charts import (
    POWER_COLORS,
    color_scale,
    finish,
    offline_renderer,
    power_color,
    use_book_style,
)
from tokenpower.data.bibliography import bibtex
from tokenpower.models.networks import cable_network, edge_table
from tokenpower_book.build import fingerprint
from tokenpower_book.errors import UsageError
from tokenpower_book.runner import parse_parameters


def _chart():
    return alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")


def test_offline_renderer_draws_with_local_vega_embed_and_loads_nothing():
    use_book_style()
    bundle = finish(
        _chart(), title="T", alt_text="A rising line", source="Data: test"
    )._repr_mimebundle_()
    markup = bundle["text/html"] if isinstance(bundle, dict) else bundle[0]["text/html"]
    assert "window.vegaEmbed" in markup
    assert not re.search(r"<script[^>]+src=", markup), "a chart must not load a script"
    assert 'role="img"' in markup and 'aria-label="A rising line"' in markup
    assert "cdn" not in markup.lower()


def test_renderer_escapes_closing_script_tags_inside_data():
    markup = offline_renderer({"data": {"values": [{"a": "</script><b>"}]}, "description": "x"})[
        "text/html"
    ]
    assert markup.count("</script>") == 1


def test_every_chart_needs_a_text_alternative():
    with pytest.raises(ValueError):
        finish(_chart(), title="T", alt_text="  ", source="Data: test")


def test_theme_uses_the_fixed_power_colours():
    use_book_style()
    assert alt.theme.active == "tokenpower"
    assert power_color("CHN") == POWER_COLORS["CHN"] != power_color("GBR")
    assert power_color("ATL") == "#999999"
    scale = color_scale(["USA", "CHN", "USA"]).to_dict()
    assert scale == {"domain": ["USA", "CHN"], "range": [POWER_COLORS["USA"], POWER_COLORS["CHN"]]}
    assert len(set(POWER_COLORS.values())) == len(POWER_COLORS)


def _toy_network():
    hubs = pd.DataFrame(
        {
            "hub_id": ["lon", "val", "nyc", "bom"],
            "name": ["London", "Valentia", "New York", "Bombay"],
            "latitude": [51.5, 51.9, 40.7, 19.1],
            "longitude": [-0.1, -10.3, -74.0, 72.9],
            "controlling_power": ["GBR", "GBR", "USA", "GBR"],
        }
    )
    cables = pd.DataFrame(
        {
            "cable_id": ["1858", "1866", "lon-val", "india"],
            "from_hub": ["val", "val", "lon", "lon"],
            "to_hub": ["nyc", "nyc", "val", "bom"],
            "year_used": pd.array([1858, 1866, 1850, 1870], dtype="Int64"),
            "year_closed": pd.array([1858, None, None, None], dtype="Int64"),
            "owner_nationality": ["GBR", "GBR", "GBR", "GBR"],
            "length_nmi": [1750.0, 1686.0, None, None],
            "kind": ["cable", "cable", "landline", "cable"],
        }
    )
    return hubs, cables


@pytest.mark.parametrize("year, edges", [(1849, 0), (1858, 2), (1859, 1), (1866, 2), (1870, 3)])
def test_cable_network_slices_by_opening_and_closing_year(year, edges):
    hubs, cables = _toy_network()
    graph = cable_network(hubs, cables, year)
    assert graph.number_of_edges() == edges
    assert graph.graph["year"] == year


def test_edge_table_has_both_ends_coordinates():
    hubs, cables = _toy_network()
    table = edge_table(cable_network(hubs, cables, 1870))
    row = table.set_index("cable_id").loc["india"]
    assert {row.lon, row.lat, row.lon2, row.lat2} == {-0.1, 51.5, 72.9, 19.1}


def test_fingerprint_changes_with_data_and_package_but_not_with_prose(tmp_path):
    for name in ("data", "tokenpower", "book"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("requirements.txt", "pyproject.toml"):
        shutil.copy2(ROOT / name, tmp_path / name)
    first = fingerprint(tmp_path)
    (tmp_path / "book" / "intro.md").write_text("changed prose")
    assert fingerprint(tmp_path) == first
    csv = tmp_path / "data" / "countries.csv"
    csv.write_text(csv.read_text().replace("United Kingdom", "Britain"))
    second = fingerprint(tmp_path)
    assert second != first
    (tmp_path / "tokenpower" / "networks.py").write_text("# changed\n", encoding="utf-8")
    assert fingerprint(tmp_path) != second


@pytest.mark.parametrize(
    "pair, expected",
    [
        ("year=1902", {"year": 1902}),
        ("price=0.05", {"price": 0.05}),
        ("price=1", {"price": 1.0}),
        ("label=abc", {"label": "abc"}),
        ("flag=false", {"flag": False}),
        ("codes=['GBR']", {"codes": ["GBR"]}),
    ],
)
def test_parameters_are_converted_to_the_type_of_their_default(pair, expected):
    defaults = {"year": 1870, "price": 0.1, "label": "x", "flag": True, "codes": ["USA"]}
    assert parse_parameters([pair], defaults) == expected


@pytest.mark.parametrize(
    "pair, words",
    [
        ("yaer=1902", ["unknown parameter 'yaer'", "year (int, default 1870)"]),
        ("year=nineteen", ["expects a value of type int", "'nineteen'"]),
        ("price=nan", ["expects a value of type float"]),
        ("year", ["not of the form name=value"]),
    ],
)
def test_bad_parameters_are_refused_with_the_valid_ones(pair, words):
    with pytest.raises(UsageError) as raised:
        parse_parameters([pair], {"year": 1870, "price": 0.1})
    for word in words:
        assert word in str(raised.value)


def test_bibtex_has_one_entry_per_source_with_escaped_fields():
    text = bibtex(ROOT / "data")
    from tokenpower.data import load

    ids = list(load("sources")["id"])
    assert len(re.findall(r"^@\w+\{", text, flags=re.M)) == len(ids)
    for key in ids:
        assert re.search(r"^@\w+\{" + re.escape(key) + ",$", text, flags=re.M), key
    prose = "\n".join(
        line for line in text.splitlines() if not line.lstrip().startswith(("url =", "%"))
    )
    assert not re.search(r"(?<!\\)[&%#_]", prose), "unescaped special character outside a url"


def test_page_glue_hands_myst_nb_plain_python_numbers(monkeypatch):
    import myst_nb
    import numpy as np

    from tokenpower.pages import glue

    seen = {}
    monkeypatch.setattr(
        myst_nb, "glue", lambda name, value, display=True: seen.update({name: (value, display)})
    )
    glue("share", np.float64(0.25))
    glue("label", "GBR", display=True)
    assert seen == {"share": (0.25, False), "label": ("GBR", True)}
    assert type(seen["share"][0]) is float


def test_the_kernel_gets_the_data_folder_over_ipc_and_the_callers_environment_stays(
    tmp_path, monkeypatch
):
    import os

    import nbformat

    from tokenpower_book.runner import execute

    monkeypatch.delenv("TOKENPOWER_DATA_DIR", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells.append(
        nbformat.v4.new_code_cell(
            "import os, json, ipykernel.connect\n"
            "info = json.loads(ipykernel.connect.get_connection_info())\n"
            "print(os.environ['TOKENPOWER_DATA_DIR'], info['transport'], os.getcwd())"
        )
    )
    execute(nb, tmp_path, tmp_path / "some-data")
    printed = "".join(o.get("text", "") for o in nb.cells[0].outputs)
    assert printed.split() == [str(tmp_path / "some-data"), "ipc", str(tmp_path)]
    assert "TOKENPOWER_DATA_DIR" not in os.environ
    assert list(tmp_path.iterdir()) == [], "no socket or connection file is left in the folder"


def test_a_second_build_waits_for_the_first_to_release_the_stage(tmp_path):
    import subprocess
    import sys
    import time

    from tokenpower_book.build import build_lock

    stage = tmp_path / "_build" / "stage"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys, time; from pathlib import Path; from tokenpower_book.build import build_lock\n"
                f"with build_lock(Path({str(stage)!r})):\n    print('held', flush=True); time.sleep(1.5)"
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    start = time.perf_counter()
    with build_lock(stage):
        waited = time.perf_counter() - start
    holder.wait(timeout=10)
    assert waited > 0.5, "the lock was taken while another build held it"


def test_a_map_names_its_land_by_reference_and_its_print_drawing_keeps_it():
    import altair as alt

    from tokenpower.charts import land_layer, offline_renderer, use_book_style

    use_book_style()
    dots = alt.Chart(alt.Data(values=[{"lon": 0, "lat": 51}])).mark_circle()
    chart = (land_layer() + dots.encode(longitude="lon:Q", latitude="lat:Q")).project("equalEarth")
    markup = offline_renderer(chart.to_dict())["text/html"]
    assert '"url":"tp-geo:land-110m.json"' in markup
    assert '"arcs"' not in markup, "the land's topology is still inline in the page"
    assert "data:image/svg+xml" in markup, "the print drawing was not made"
