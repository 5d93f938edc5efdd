"""Each chapter's parameters are declared once (data/chapter_parameters.csv) and checked by one function."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import jupytext
import pytest
from conftest import ROOT

from tokenpower.pages import ParameterError, check_parameters, declared_parameters
from tokenpower_book.runner import chapters, parameters_cell

CHAPTERS = chapters(ROOT)
RECORD_KEYS = {"name", "type", "default", "min", "max", "choices", "unit", "description"}


def _csv(name):
    with open(ROOT / "data" / f"{name}.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _defaults(stem):
    return parameters_cell(jupytext.read(CHAPTERS[stem]))[1]


@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_every_parameter_of_a_chapter_is_declared_and_its_default_is_valid(stem):
    defaults = _defaults(stem)
    assert list(declared_parameters(stem)) == list(defaults), "declared in the cell's order"
    assert check_parameters(stem, defaults) == defaults


@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_each_chapter_calls_the_one_check_and_no_hand_written_one(stem):
    text = CHAPTERS[stem].read_text(encoding="utf-8")
    assert f'globals().update(check_parameters("{stem}", globals()))' in text
    assert "def check_range" not in text and "check_year(" not in text
    assert "check_range(" not in text


def test_scenario_and_assumption_ranges_are_read_from_their_tables():
    scenario = {r["parameter"]: r for r in _csv("scenario_parameters")}
    assumptions = {r["id"]: r for r in _csv("assumptions")}
    share = declared_parameters("04-requests")["share_cn_hosted"]
    row = scenario["share_cn_hosted_chinese_model_tokens"]
    assert (share.min, share.max) == (float(row["min"]), float(row["max"])) == (0.0, 1.0)
    growth = declared_parameters("05-chip-bans")["demand_growth_per_year"]
    row = assumptions["token_demand_growth_per_year"]
    assert (growth.min, growth.max) == (float(row["low"]), float(row["high"])) == (0.3, 3.0)
    own = [r for r in _csv("chapter_parameters") if r["scenario_parameter"] or r["assumption_id"]]
    narrowed = [r for r in own if r["min"] or r["max"]]
    assert all(r["range_note"] for r in narrowed), "a narrowed range says why"
    assert len(narrowed) < len(own), "otherwise a range is stated once, where it belongs"


def test_a_chapter_may_narrow_a_scenario_range_but_not_widen_it(data_copy):
    hosted = declared_parameters("06-sovereignty", data_copy)["share_cn_hosted"]
    assert (hosted.min, hosted.max) == (0.01, 1.0), (
        "narrowed: at 0 a rule of the chapter has nothing to act on"
    )
    with pytest.raises(ParameterError, match="from 0.01 to 1 "):
        check_parameters("06-sovereignty", {"share_cn_hosted": 0.0}, data_copy)
    path = data_copy / "chapter_parameters.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(
            "share_cn_hosted,number,fraction,0.01,", "share_cn_hosted,number,fraction,-0.5,"
        ),
        encoding="utf-8",
    )
    with pytest.raises(ParameterError, match="wider than the range it refers to"):
        declared_parameters("06-sovereignty", data_copy)


def test_choices_come_from_the_data_and_from_the_package():
    bitcoin = declared_parameters("02-bitcoin")
    # the three days of btc_hashprice.csv with a day's precision
    assert bitcoin["hashprice_date"].choices == ("2021-06-13", "2021-07-17", "2021-10-24")
    assert "S19 Pro" in bitcoin["machine"].choices and "S9" in bitcoin["machine"].choices
    ledger = declared_parameters("claims-ledger")["show_verdict"]
    assert ledger.choices[0] == "all" and "not supported" in ledger.choices


def test_accelerator_choices_are_those_the_cost_model_can_price():
    from tokenpower.data import load
    from tokenpower.models.tokencost import accelerator_inputs

    priced = accelerator_inputs(
        load("accelerators"), load("accelerator_specs"), load("assumptions")
    )
    for stem in ("03-tokens", "07-parallels"):
        choices = declared_parameters(stem)["accelerator"].choices
        assert set(choices) == set(priced["accelerator_id"]), stem


@pytest.mark.parametrize(
    "stem, values, words",
    [
        ("intro", {"network_year": 1700}, ["'network_year'", "from 1851 to 1914", "1700"]),
        ("intro", {"network_year": 1902.5}, ["whole number", "1902.5"]),
        ("intro", {"network_year": "1902"}, ["'1902'"]),
        ("01-cable", {"drop_assumed_links": 1}, ["True or False"]),
        ("04-requests", {"share_cn_hosted": -0.1}, ["from 0 to 1 (fraction)", "-0.1"]),
        ("04-requests", {"share_cn_hosted": float("nan")}, ["nan"]),
        ("04-requests", {"share_cn_hosted": True}, ["True"]),
        ("02-bitcoin", {"migration_after": "Dec 2021"}, ["'Aug 2021', 'Jan 2022'"]),
        ("reproducibility", {"packages": []}, ["non-empty list"]),
        ("reproducibility", {"packages": ["pandas", " "]}, ["non-empty list"]),
    ],
)
def test_a_bad_value_is_refused_naming_parameter_value_and_range(stem, values, words):
    with pytest.raises(ParameterError) as raised:
        check_parameters(stem, values)
    for word in words:
        assert word in str(raised.value)


def test_values_come_back_as_their_declared_type():
    checked = check_parameters("04-requests", {"share_cn_hosted": 1, "monte_carlo_draws": 500.0})
    assert checked == {"share_cn_hosted": 1.0, "monte_carlo_draws": 500}
    assert type(checked["share_cn_hosted"]) is float and type(checked["monte_carlo_draws"]) is int
    # only declared names are read, so a chapter may pass its globals()
    assert check_parameters("intro", {"network_year": 1851, "other": object()}) == {
        "network_year": 1851
    }


def test_an_undeclared_chapter_is_an_error():
    with pytest.raises(ParameterError, match="declares no parameters"):
        check_parameters("no-such-chapter", {})


@pytest.mark.parametrize("stem", ["intro", "04-requests", "reproducibility"])
def test_list_parameters_prints_records_as_json(stem):
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "run", stem, "--list-parameters", "--format", "json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["name"] for r in records] == list(_defaults(stem))
    assert all(set(r) == RECORD_KEYS for r in records)
    by_name = {r["name"]: r for r in records}
    if stem == "intro":
        assert by_name["network_year"] == {
            "name": "network_year",
            "type": "integer",
            "default": 1870,
            "min": 1851.0,
            "max": 1914.0,
            "choices": None,
            "unit": "year",
            "description": "Year at which the telegraph network is drawn",
        }
    if stem == "04-requests":
        assert by_name["monte_carlo_draws"]["min"] == 100 and by_name["share_cn_hosted"]["max"] == 1


def test_list_parameters_prints_a_table():
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "run", "03-tokens", "--list-parameters"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:4] == ["name", "type", "default", "range"]
    pue = next(line for line in lines if line.startswith("pue_china"))
    assert "1 to 3" in pue and "ratio" in pue and "Power usage effectiveness" in pue
