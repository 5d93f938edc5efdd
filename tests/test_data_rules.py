"""The book's rules across rows and tables: one deliberately broken copy of the data per rule.

Each mutation breaks one cell so that the schemas alone still accept it; ``check-data`` must
refuse it, naming the file, the row, the column and the rule, and exit 1 (problems in the data,
as the command line documents; 2 is for usage errors).
"""

from __future__ import annotations

import csv
import io
import math
import subprocess
import sys
from pathlib import Path

import pytest

from tokenpower.data import validate_all


def _set(data: Path, resource: str, key: str, column: str, value: str) -> int:
    """Set one cell of the row whose first column is ``key``; return its data-row number."""
    path = data / f"{resource}.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
    index = next(i for i, r in enumerate(rows) if r[0] == key)
    rows[index][rows[0].index(column)] = value
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return index


def _great_circle_nmi(a, b):
    (la1, lo1), (la2, lo2) = (tuple(map(math.radians, p)) for p in (a, b))
    c = math.sin(la1) * math.sin(la2) + math.cos(la1) * math.cos(la2) * math.cos(lo2 - lo1)
    return math.acos(c) * 6371.0088 / 1.852


def test_great_circle_of_aden_bombay_worked_by_hand():
    # Aden 12.78 N 45.04 E, Bombay 18.97 N 72.83 E (telegraph_hubs): about 1,650 nmi,
    # so 1,750 statute miles (1,521 nmi) cannot be the cable's length
    d = _great_circle_nmi((12.78, 45.04), (18.97, 72.83))
    assert 1600 < d < 1700 and 1750 * 0.868976 < d < 1750


# (resource, row key, column, bad value, rule)
MUTATIONS = [
    # 1,750 miles read as statute miles again: 1,521 nmi, shorter than the great-circle distance
    ("telegraph_cables", "aden-bombay", "length_nmi", "1521", "cable-length"),
    # 2.7 times the 744 nmi distance: more than the stated multiple of 2
    ("telegraph_cables", "halifax-bermuda", "length_nmi", "2000", "cable-length"),
    ("telegraph_cable_lengths", "malta-alexandria-t25", "length_nmi", "500", "cable-length"),
    # codesota's lab shares of one period sum to 69.6 %; +50 points on one of them passes 100 %
    ("openrouter_shares", "codesota-anthropic-tokens", "share_pct", "62.3", "share-sum"),
    ("btc_hashrate_share_country", "2021-04-01", "share_pct", "96", "share-sum"),
    # a fraction of 1.5 for a parameter declared 0..1
    ("scenarios", "baseline-cn-hosted-low", "value", "1.5", "scenario-range"),
    # 'other' where a real country is needed
    ("dc_electricity_prices", "be-chn-industrial-2024", "country", "XXX", "other-code"),
    # the 16 h of the Queen's message changed to another valid unit of the list
    ("telegraph_milestones", "queen-message-hours-t4", "unit", "minutes/word", "unit-consistency"),
    # a low-graded blog's figure promoted to high
    (
        "btc_network_hashrate",
        "peak-2021-05-13-bitinfocharts",
        "confidence",
        "high",
        "confidence-grade",
    ),
    # a 2021 report cannot give a 2023 date
    ("btc_network_hashrate", "recovery-2021-10-24-7dma", "date", "2023-10-24", "date-after-source"),
]


@pytest.mark.parametrize(
    "resource,key,column,value,rule", MUTATIONS, ids=[m[-1] + "-" + m[0] for m in MUTATIONS]
)
def test_check_data_refuses_a_broken_copy(data_copy, resource, key, column, value, rule):
    if resource == "scenarios":
        path = data_copy / "scenarios.csv"
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        index = next(
            i
            for i, r in enumerate(rows)
            if r[0] == key and r[1] == "share_cn_hosted_chinese_model_tokens"
        )
        rows[index][2] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
        row = index
    elif resource == "btc_hashrate_share_country":
        path = data_copy / f"{resource}.csv"
        rows = list(csv.reader(path.read_text(encoding="utf-8").splitlines()))
        header = rows[0]
        row = next(
            i for i, r in enumerate(rows) if r[0] == key and r[header.index("country")] == "CHN"
        )
        rows[row][header.index(column)] = value
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        path.write_text(buffer.getvalue(), encoding="utf-8")
    else:
        row = _set(data_copy, resource, key, column, value)
    problems = [p for p in validate_all(data_copy) if p.rule == rule]
    assert problems, f"no {rule} problem"
    assert all(p.file == f"data/{resource}.csv" for p in problems)
    assert all(p.column == column for p in problems)
    if rule != "share-sum":  # a sum is reported at the row that passes the limit
        assert [p.row for p in problems] == [row]
    result = subprocess.run(
        [sys.executable, "-m", "tokenpower", "check-data", "--data-dir", str(data_copy)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert f"data/{resource}.csv, row " in result.stdout and f"[{rule}]" in result.stdout
    assert f"column '{column}'" in result.stdout and "Traceback" not in result.stderr


# Cells the loader refuses now that frictionless reads them: what the data README forbids.
CELL_CASES = [
    ("btc_electricity_prices", "sichuan-hydro-wet-2019", "usd_per_kwh", "0.01 USD", "type"),
    ("btc_electricity_prices", "sichuan-hydro-wet-2019", "usd_per_kwh", "1%", "type"),
    ("llm_models", "minimax-m2", "open_weights", "1", "type"),
    ("llm_models", "minimax-m2", "open_weights", "yes", "type"),
    ("llm_models", "minimax-m2", "name", " MiniMax-M2", "whitespace"),
    ("btc_electricity_prices", "sichuan-hydro-wet-2019", "usd_per_kwh", "NaN", "type"),
]


@pytest.mark.parametrize("resource,key,column,value,rule", CELL_CASES)
def test_the_loader_refuses_cells_the_readme_forbids(data_copy, resource, key, column, value, rule):
    from tokenpower.data import DataError, load

    row = _set(data_copy, resource, key, column, value)
    with pytest.raises(DataError) as raised:
        load(resource, data_dir=data_copy)
    message = str(raised.value)
    assert f"data/{resource}.csv, row {row} (line {row + 1}), column '{column}'" in message
    assert f"[{rule}]" in message
