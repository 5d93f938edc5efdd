"""Every declared value runs: both ends of every parameter's range, for every chapter.

Slow (each chapter is executed once per range end); marked ``sweep`` so that
``pytest -m "not sweep"`` leaves it out. ``make test`` runs it.
"""

from __future__ import annotations

import jupytext
import pytest
from conftest import ROOT

from tokenpower_book.runner import chapters, parameters_cell
from tokenpower_book.sweep import range_ends, sweep

CHAPTERS = chapters(ROOT)


def _cases(stem):
    return range_ends(stem, parameters_cell(jupytext.read(CHAPTERS[stem]))[1], ROOT / "data")


def test_the_range_ends_are_the_declared_ones():
    assert _cases("intro") == [{"network_year": 1851}, {"network_year": 1914}]
    assert {"drop_assumed_links": True} in _cases("01-cable")
    # 02-bitcoin's machine: the first and last of its choices (the default, S19 Pro, is neither)
    assert {"machine": "S7"} in _cases("02-bitcoin") and {"machine": "S21"} in _cases("02-bitcoin")
    # a range read from scenario_parameters.csv (0.1 to 5), not narrowed by the chapter
    ends = [c for c in _cases("06-sovereignty") if "price_elasticity_offering" in c]
    assert [c["price_elasticity_offering"] for c in ends] == [0.1, 5.0]
    ends = [c for c in _cases("04-requests") if "share_cn_hosted" in c]
    assert [c["share_cn_hosted"] for c in ends] == [0.0, 1.0]


@pytest.mark.sweep
@pytest.mark.parametrize("stem", sorted(CHAPTERS))
def test_every_range_end_of_a_chapter_runs(stem):
    cases = _cases(stem)
    failures = sweep(CHAPTERS[stem], cases, ROOT / "data")
    assert failures == [], "\n".join(f"{f.values}: {f.error}" for f in failures)
