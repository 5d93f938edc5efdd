"""The ``scenario`` command: presets listed, outcomes printed, bad input refused with exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tokenpower_book.cli import main

DATA = Path(__file__).resolve().parents[1] / "data"


def _presets():
    with open(DATA / "scenarios.csv", encoding="utf-8") as f:
        return list(dict.fromkeys(r["scenario_id"] for r in csv.DictReader(f)))


def test_list_names_every_preset_with_its_description(capsys):
    assert main(["scenario", "--list", "--format", "json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [r["scenario"] for r in listed] == _presets()
    assert all(r["description"] for r in listed)


@pytest.mark.parametrize("preset", _presets())
def test_every_preset_prints_the_required_measures_as_json(preset, capsys):
    assert main(["scenario", preset, "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert all(set(r) == {"scenario", "measure", "key", "value", "unit"} for r in records)
    keys = {(r["measure"], r["key"]) for r in records}
    for needed in [
        ("token_share_model_origin", "CHN"),
        ("token_share_model_origin", "USA"),
        ("unserved_or_priced_out_tokens_per_week", "total"),
        ("welfare_change_usd_per_year", "total"),
        ("welfare_change_usd_per_year", "EUR-developers"),
    ] + [
        (m, c)
        for m in (
            "token_share_serving_country",
            "capacity_tokens_per_week",
            "serving_cost_usd_per_m",
            "shadow_price_usd_per_m",
            "exported_electricity_gwh_per_year",
        )
        for c in ("CHN", "USA")
    ]:
        assert needed in keys, needed
    shares = [r["value"] for r in records if r["measure"] == "token_share_model_origin"]
    assert sum(shares) == pytest.approx(1.0)


def test_draws_add_percentiles_in_order(capsys):
    assert (
        main(["scenario", "cn-capacity-tight", "--draws", "50", "--seed", "4", "--format", "csv"])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    row = next(r for r in rows if r["measure"] == "shadow_price_usd_per_m" and r["key"] == "CHN")
    assert float(row["p05"]) <= float(row["p50"]) <= float(row["p95"])
    assert float(row["p95"]) > 0  # 80 % of China's calibration tokens: the capacity binds


def test_year_and_set_change_the_outcome(capsys):
    main(["scenario", "chipban-total", "--format", "json"])
    base = json.loads(capsys.readouterr().out)
    main(
        [
            "scenario",
            "chipban-total",
            "--year",
            "2030",
            "--set",
            "demand_growth_per_year=0.5",
            "--format",
            "json",
        ]
    )
    later = json.loads(capsys.readouterr().out)
    tokens = lambda rs: next(r["value"] for r in rs if r["measure"] == "tokens_per_week")  # noqa: E731
    # demand grows by 1.5^4 = 5.06 from 2026 to 2030, less what higher prices push out
    assert 4.5 < tokens(later) / tokens(base) <= 5.0625 + 1e-9


@pytest.mark.parametrize(
    "argv, words",
    [
        (["scenario", "no-such-preset"], "unknown scenario 'no-such-preset'; presets: baseline"),
        (
            ["scenario", "baseline", "--set", "no_such=1"],
            "field 'no_such': unknown parameter; valid:",
        ),
        (
            ["scenario", "baseline", "--set", "nesting_parameter=3"],
            "outside the valid range 0.05 to 1",
        ),
        (["scenario", "baseline", "--set", "nest_by=vendor"], "not one of model, origin"),
        (["scenario", "baseline", "--year", "2040"], "outside the valid range 2026 to 2030"),
        (["scenario", "baseline", "--set", "nesting"], "expected NAME=VALUE"),
        (
            ["scenario", "baseline", "--draws", "1"],
            "--draws 1 is outside the valid range 2 to 100000",
        ),
        (["scenario"], "give a scenario id, or --list"),
    ],
)
def test_bad_input_exits_2_naming_what_is_wrong(argv, words, capsys):
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert words in captured.err and "Traceback" not in captured.err
    assert captured.out == ""
