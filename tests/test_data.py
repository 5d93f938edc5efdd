"""The data package: every resource validates, and broken copies fail clearly."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from tokenpower.data import DataError, DataPackage, load, validate_all
from tokenpower.data.bibliography import bibtex

PACKAGE = DataPackage(ROOT / "data")
NAMES = PACKAGE.resource_names


def test_the_real_data_has_no_problem():
    problems = validate_all(ROOT / "data")
    assert problems == [], "\n".join(map(str, problems))


@pytest.mark.parametrize("name", NAMES)
def test_every_resource_loads_typed_and_non_empty(name):
    frame = load(name)
    schema = PACKAGE.schema(name)
    assert list(frame.columns) == [f["name"] for f in schema["fields"]]
    assert len(frame) > 0 or name == "assumptions"
    for field in schema["fields"]:
        dtype = str(frame[field["name"]].dtype)
        expected = {
            "integer": "Int64",
            "year": "Int64",
            "number": "float64",
            "boolean": "boolean",
            "string": "str",
            "date": "datetime64",
        }[field.get("type", "string")]
        assert dtype.startswith(expected), (name, field["name"], dtype)


@pytest.mark.parametrize("name", [n for n in NAMES if n != "sources"])
def test_every_row_of_fact_has_a_known_source_and_a_confidence(name):
    frame = load(name)
    sources = set(load("sources")["id"])
    assert frame["source"].notna().all()
    assert set(frame["source"]) <= sources
    assert set(frame["confidence"]) <= {"high", "medium", "low"}


@pytest.mark.parametrize("name", NAMES)
def test_foreign_keys_resolve_checked_independently_with_pandas(name):
    for fk in PACKAGE.schema(name).get("foreignKeys", []):
        fields = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
        ref = fk["reference"]
        ref_fields = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
        child = pd.read_csv(
            ROOT / "data" / PACKAGE.resource(name)["path"], dtype=str, keep_default_na=False
        )
        parent = pd.read_csv(
            ROOT / "data" / PACKAGE.resource(ref["resource"] or name)["path"],
            dtype=str,
            keep_default_na=False,
        )
        keys = set(map(tuple, parent[ref_fields].to_numpy()))
        for values in map(tuple, child[fields].to_numpy()):
            if "" in values:
                continue
            assert values in keys, (
                f"{name}.{fields} = {values} is not in {ref['resource']}.{ref_fields}"
            )


def test_every_csv_in_data_is_a_resource_with_a_description_and_licence():
    listed = {PACKAGE.resource(n)["path"] for n in NAMES}
    assert {p.name for p in (ROOT / "data").glob("*.csv")} == listed
    for name in NAMES:
        res = PACKAGE.resource(name)
        assert len(res.get("description", "")) > 20, name
        assert res.get("licenses") or PACKAGE.descriptor.get("licenses"), name


def test_bibtex_file_is_in_step_with_the_sources_table():
    assert (ROOT / "book" / "references.bib").read_text(encoding="utf-8") == bibtex(ROOT / "data")


def test_the_data_package_is_valid_frictionless():
    """The standard's own validator agrees (types, constraints, keys)."""
    frictionless = pytest.importorskip(
        "frictionless", reason="frictionless is pinned in requirements.txt"
    )
    report = frictionless.validate(str(ROOT / "data" / "datapackage.json"))
    errors = [e.message for task in report.tasks for e in task.errors] + [
        e.message for e in report.errors
    ]
    assert report.valid, errors[:10]


# -- mutations: deliberately broken copies of the data ------------------------------------


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8").splitlines()))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _set_cell(data: Path, resource: str, row: int, column: str, value: str) -> None:
    path = data / f"{resource}.csv"
    rows = _rows(path)
    rows[row][rows[0].index(column)] = value
    _write(path, rows)


def _mutate_missing_column(data):
    path = data / "btc_electricity_monthly.csv"
    rows = _rows(path)
    i = rows[0].index("twh_per_year")
    _write(path, [r[:i] + r[i + 1 :] for r in rows])
    return "btc_electricity_monthly", 0, "twh_per_year", "missing-column"


def _mutate_extra_column(data):
    path = data / "countries.csv"
    rows = _rows(path)
    _write(path, [rows[0] + ["population"]] + [r + ["1"] for r in rows[1:]])
    return "countries", 0, "population", "extra-column"


def _mutate_duplicate_key(data):
    path = data / "countries.csv"
    rows = _rows(path)
    _write(path, rows + [rows[5]])
    return "countries", len(rows), "code", "unique"


def _mutate_empty_file(data):
    (data / "btc_miners.csv").write_text("")
    return "btc_miners", None, None, "empty-file"


def _mutate_short_row(data):
    path = data / "btc_hashprice.csv"
    rows = _rows(path)
    rows[1] = rows[1][:-2]
    _write(path, rows)
    return "btc_hashprice", 1, None, "row-length"


# One broken cell each: (name, resource, row, column, bad value, the rule that must catch it).
CELL_MUTATIONS = [
    ("wrong_type", "btc_electricity_monthly", 3, "twh_per_year", "lots", "type"),
    ("negative_price", "btc_electricity_prices", 2, "usd_per_kwh", "-0.02", "minimum"),
    ("price_in_cents_not_dollars", "btc_electricity_prices", 1, "usd_per_kwh", "4.45", "maximum"),
    ("share_above_100", "btc_hashrate_share_country", 1, "share_pct", "120", "maximum"),
    ("unknown_country", "btc_hashrate_share_country", 2, "country", "ZZQ", "foreign-key"),
    ("dangling_source", "btc_miners", 1, "source", "no-such-source", "foreign-key"),
    ("missing_source", "btc_hashprice", 2, "source", "", "required"),
    ("impossible_date", "btc_electricity_monthly", 4, "date", "2021-02-30", "type"),
    ("bad_confidence", "countries", 3, "confidence", "certain", "enum"),
]


def _cell_mutation(name, resource, row, column, value, rule):
    def mutate(data):
        _set_cell(data, resource, row, column, value)
        return resource, row, column, rule

    mutate.__name__ = f"_mutate_{name}"
    return mutate


MUTATIONS = [
    _mutate_missing_column,
    _mutate_extra_column,
    _mutate_duplicate_key,
    _mutate_empty_file,
    _mutate_short_row,
] + [_cell_mutation(*m) for m in CELL_MUTATIONS]


@pytest.mark.parametrize("mutate", MUTATIONS, ids=lambda f: f.__name__.removeprefix("_mutate_"))
def test_a_broken_copy_fails_naming_file_row_and_column(mutate, data_copy):
    resource, row, column, rule = mutate(data_copy)
    file = f"data/{resource}.csv"
    problems = validate_all(data_copy)
    matching = [p for p in problems if p.file == file and p.rule == rule]
    assert matching, f"expected a {rule} problem in {file}, got:\n" + "\n".join(map(str, problems))
    assert any(p.row == row and p.column == column for p in matching), "\n".join(map(str, matching))
    with pytest.raises(DataError) as raised:
        load(resource, data_dir=data_copy)
    message = str(raised.value)
    assert file in message and f"[{rule}]" in message
    if row:
        assert f"row {row} (line {row + 1})" in message
    if column:
        assert f"column '{column}'" in message


def test_check_data_command_prints_every_problem_and_exits_non_zero(data_copy):
    _set_cell(data_copy, "btc_hashrate_share_country", 1, "share_pct", "120")
    _set_cell(data_copy, "btc_miners", 1, "source", "no-such-source")
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "check-data", "--data-dir", str(data_copy)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert (
        "data/btc_hashrate_share_country.csv, row 1 (line 2), column 'share_pct'" in result.stdout
    )
    assert "data/btc_miners.csv, row 1 (line 2), column 'source'" in result.stdout


def test_check_data_command_passes_on_the_real_data():
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "check-data"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "data OK" in result.stdout


def test_unknown_resource_lists_the_valid_names():
    with pytest.raises(KeyError) as raised:
        load("no_such_table")
    assert "countries" in str(raised.value)
