"""The page's words: numbers rounded to what the inputs support, sentences right for equal values,
tables with labels in words and no index, and the findings computed and phrased from the values."""

from __future__ import annotations

import doctest
import re

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from tokenpower.pages import findings as fd
from tokenpower.pages import tables, words
from tokenpower.pages.tables import cell, table, table_frame
from tokenpower.pages.words import change, count, humanize, listing, number, span, times


@pytest.mark.parametrize("module", [words, tables])
def test_the_docstring_examples_hold(module):
    assert doctest.testmod(module).failed == 0


@pytest.mark.parametrize(
    ("value", "digits", "text"),
    [
        (8096.2, 2, "8,100"),
        (0.0251909, 2, "0.025"),
        (59.31, 2, "59"),
        (2.94, 2, "2.9"),
        (3.02, 2, "3"),
        (100, 3, "100"),
        (0, 2, "0"),
        (1e8, 2, "100,000,000"),
    ],
)
def test_number_keeps_the_significant_figures_asked_for(value, digits, text):
    assert number(value, digits) == text


def test_equal_values_read_as_one():
    # the sentence "rises from 59% to 59%" cannot be written
    assert change(59.31, 59.44, unit=" %") == "stays at 59 %"
    assert change(30, 22, unit=" %") == "falls from 30 % to 22 %"
    assert change(22, 30, unit=" %", up="would rise") == "would rise from 22 % to 30 %"
    assert span(0.0731, 0.0729) == "0.073"
    assert span(4.8, 1.6, unit=" %") == "1.6-4.8 %"
    assert times(1.01) == "about as much"
    assert listing(["China"]) == "China" and listing(["a", "b"]) == "a and b"
    assert count(1, "hub") == "one hub" and count(0, "hub") == "no hubs"
    with pytest.raises(ValueError):
        listing([])


@given(st.floats(0.001, 1e6), st.floats(0.001, 1e6))
def test_a_change_never_names_the_same_number_twice(a, b):
    text = change(a, b)
    numbers = re.findall(r"[\d,.]+\d|\d", text)
    assume(len(numbers) == 2)
    assert numbers[0] != numbers[1]


def test_humanize_writes_column_names_in_words():
    assert humanize("cost_usd_per_year") == "Cost USD per year"
    assert humanize("share_pct") == "Share %"


def test_a_table_has_words_rounded_numbers_and_no_index():
    frame = pd.DataFrame(
        {
            "scenario_id": ["a", "b"],
            "share": [0.593103, 0.322640],
            "ok": [True, False],
            "n": [3, 12],
        },
        index=[7, 9],
    )
    text = table_frame(
        frame, {"scenario_id": "Scenario", "share": "Share", "ok": "Binding", "n": "Hubs"}
    )
    assert text.to_dict("list") == {
        "Scenario": ["a", "b"],
        "Share": ["0.59", "0.32"],
        "Binding": ["yes", "no"],
        "Hubs": ["3", "12"],
    }
    html = table(frame, {"share": "Share"}, digits=3).to_html()
    assert "0.593" in html and "0.593103" not in html
    assert ">7<" not in html and ">9<" not in html, "the DataFrame's index is shown"
    assert cell(float("nan")) == "-" and cell(1e8) == "100,000,000"
    with pytest.raises(KeyError, match="no column"):
        table_frame(frame, {"missing": "M"})


@pytest.fixture(scope="module")
def answers():
    return fd.findings(draws=200)


def test_every_finding_answers_in_words_with_its_numbers_and_links_a_chapter(answers):
    from conftest import ROOT

    from tokenpower_book.runner import chapters

    stems = set(chapters(ROOT)) | {"claims-ledger"}
    assert len(answers) >= 7
    linked = set()
    for f in answers:
        assert f.question.endswith("?")
        assert re.search(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten)\b", f.answer), (
            f.key
        )
        # nothing raw: no long decimals, no exponent notation, no snake_case
        assert not re.search(r"\d\.\d{4,}|\de[+-]\d|\b[a-z]+_[a-z_]+\b", f.answer + f.short), (
            f.answer
        )
        assert set(f.chapters) <= stems
        linked |= set(f.chapters)
    assert {
        "01-cable",
        "02-bitcoin",
        "03-tokens",
        "04-requests",
        "05-chip-bans",
        "06-sovereignty",
        "07-parallels",
    } <= linked, "the findings link every chapter"


def test_the_chip_ban_finding_follows_the_thesis_check(answers):
    from tokenpower.synthesis import thesis as th
    from tokenpower.synthesis.claims import Tables

    free, ban = th.chip_ban_2030(Tables())
    chip = next(f for f in answers if f.key == "chipban")
    assert (
        change(100 * free["cn_served_share"], 100 * ban["cn_served_share"], unit=" %")
        in chip.answer
    )
