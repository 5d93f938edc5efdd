"""Tables for the page: labels in words, units in the headers, numbers rounded, no index.

Every table a chapter shows goes through :func:`table`, which returns a pandas ``Styler``
(it renders as an HTML table in the book and in Jupyter):

* the columns kept and their headers come from ``columns`` (``name -> header``; a name not
  given a header is written in words by :func:`tokenpower.pages.words.humanize`);
* numbers are rounded to ``digits`` significant figures (one count for all columns, or one per
  column), with thousands separators, and whole numbers stay whole;
* True/False read "yes"/"no", missing values a dash;
* the DataFrame's index is never shown.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from tokenpower.pages.words import humanize, number

__all__ = ["cell", "id_words", "source_label", "table", "table_frame"]


def cell(value, digits: int = 2) -> str:
    """One value as the page shows it: rounded number, yes/no, a dash for missing, text as it is.

    >>> cell(0.123456), cell(1234567.0), cell(12), cell(True), cell(None), cell("China")
    ('0.12', '1,200,000', '12', 'yes', '-', 'China')
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return "-"
    if isinstance(value, (bool, np.bool_)):
        return "yes" if value else "no"
    if isinstance(value, (int, np.integer)):
        return f"{int(value):,}"
    if isinstance(value, (float, np.floating)):
        if np.isnan(value):
            return "-"
        if float(value).is_integer() and abs(value) < 10 ** max(digits, 4):
            return f"{int(value):,}"
        return number(float(value), digits)
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}" if value == value.normalize() else f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def table_frame(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | list[str] | None = None,
    digits: int | Mapping[str, int] = 2,
) -> pd.DataFrame:
    """The table as text: the chosen columns under their headers, every cell formatted by :func:`cell`."""
    if columns is None:
        columns = {c: humanize(c) for c in frame.columns}
    elif not isinstance(columns, Mapping):
        columns = {c: humanize(c) for c in columns}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"table(): no column {missing} in the frame (it has {list(frame.columns)})")
    out = {}
    for name, header in columns.items():
        d = digits.get(name, 2) if isinstance(digits, Mapping) else digits
        out[header] = [cell(v, d) for v in frame[name].tolist()]
    return pd.DataFrame(out)


def table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | list[str] | None = None,
    digits: int | Mapping[str, int] = 2,
    caption: str | None = None,
):
    """The table as a ``Styler``: formatted by :func:`table_frame`, no index, numbers right-aligned.

    ``caption`` becomes the table's HTML caption (a short title in words).
    """
    text = table_frame(frame, columns, digits)
    styler = text.style.hide(axis="index")
    names = list(columns) if columns is not None else list(frame.columns)
    numeric = [
        header
        for name, header in zip(names, text.columns, strict=True)
        if pd.api.types.is_numeric_dtype(frame[name])
        and not pd.api.types.is_bool_dtype(frame[name])
    ]
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right"})
    if caption:
        styler = styler.set_caption(caption)
    return styler


def id_words(value) -> str:
    """An id in words, for a table cell: ``"regulator-action"`` -> ``"Regulator action"``.

    >>> id_words("public-sector-and-critical-infrastructure"), id_words("in_force")
    ('Public sector and critical infrastructure', 'In force')
    """
    text = " ".join(str(value).replace("_", " ").replace("-", " ").split())
    return text[:1].upper() + text[1:]


def source_label(source_ids, data_dir=None) -> str:
    """Sources as a page names them, by author and year from ``sources.csv``: ``"Reuters 2024"``.

    ``source_ids`` is one id or several separated by ``;``; an id not in ``sources.csv`` raises
    ``KeyError`` naming it. The book's own assumptions read "the book's assumption".
    """
    from tokenpower.data import load

    catalogue = load("sources", data_dir).set_index("id")
    names = []
    for sid in [s.strip() for s in str(source_ids).split(";") if s.strip()]:
        if sid not in catalogue.index:
            raise KeyError(f"source_label(): no source {sid!r} in sources.csv")
        row = catalogue.loc[sid]
        if row["kind"] == "assumption":
            name = "the book's assumption"
        elif row["kind"] == "derived":
            name = "the book's arithmetic"
        else:
            year = "" if pd.isna(row["year"]) else f" {int(row['year'])}"
            name = f"{row['author']}{year}"
        if name not in names:
            names.append(name)
    return "; ".join(names)
