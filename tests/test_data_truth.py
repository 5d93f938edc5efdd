"""Rows whose figures are conversions of what the source gives: the conversion stays true.

Factors by hand: 1 nautical mile = 1.852 km exactly; 1 statute mile = 1.609344 km, so
0.868976 nautical miles.  A stored length keeps the source's precision: whole nautical miles.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
NMI_PER = {"nmi": 1.0, "km": 1 / 1.852, "mi": 1.609344 / 1.852}


def test_cable_lengths_are_the_sources_figures_converted_to_whole_nautical_miles():
    lengths = pd.read_csv(DATA / "telegraph_cable_lengths.csv")
    for row in lengths.itertuples():
        expected = round(row.value_as_given * NMI_PER[row.unit_as_given])
        assert row.length_nmi == expected, row.length_id


def test_a_unit_read_otherwise_than_written_is_marked_and_explained():
    lengths = pd.read_csv(DATA / "telegraph_cable_lengths.csv").set_index("length_id")
    inferred = lengths[lengths["unit_basis"] == "inferred"]
    # the Aden-Bombay cable: '1,750 miles paid out over 1,600 miles' only makes sense in nmi
    assert inferred.loc["aden-bombay-t24", "unit_as_given"] == "nmi"
    assert inferred["note"].str.contains("great-circle").all()


def test_each_cable_length_agrees_with_its_source_row():
    cables = pd.read_csv(DATA / "telegraph_cables.csv").set_index("cable_id")
    lengths = pd.read_csv(DATA / "telegraph_cable_lengths.csv")
    same = lengths[lengths["measure"].isin(["length", "laid", "paid_out"])]
    for row in same.itertuples():
        cable = cables.loc[row.cable_id]
        if cable["source"] == row.source and pd.notna(cable["length_nmi"]):
            assert cable["length_nmi"] == row.length_nmi, row.cable_id


def test_deflator_factors_are_their_index_ratios():
    deflators = pd.read_csv(DATA / "telegraph_deflators.csv")
    for row in deflators.itertuples():
        assert row.factor == pytest.approx(row.index_to / row.index_from, rel=5e-3), row.deflator_id
    earnings = deflators[deflators["measure"] == "earnings"].set_index("deflator_id")
    # by hand: 36 d x 6 days = 216 d = GBP 0.90 a week; 64 d x 6 = 384 d = GBP 1.60; GBP 693 in 2024
    assert earnings.loc["gbp-1866-2024-earnings-labourer", "index_from"] == 36 * 6 / 240
    assert earnings.loc["gbp-1866-2024-earnings-craftsman", "index_from"] == 64 * 6 / 240
    assert earnings["factor"].tolist() == [770, 433]
