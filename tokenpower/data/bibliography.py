"""The book's BibTeX file, written from ``data/sources.csv``.

The sources table is the single list of sources: its ``id`` is the BibTeX key
that chapters cite with ``{cite}`` and that every row of data names in its
``source`` column, so the two can never drift apart.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tokenpower.data import DataPackage

__all__ = ["ENTRY_TYPES", "GRADE_MARKERS", "PUBLISHER_FIELD", "bibtex", "write_bibtex"]


ENTRY_TYPES = {
    "book": "book",
    "article": "article",
    "report": "techreport",
    "legal": "misc",
    "news": "misc",
    "web": "misc",
    "dataset": "misc",
    "code": "misc",
    "standard": "misc",
    "assumption": "misc",
    "derived": "misc",
}

GRADE_MARKERS = {
    "aggregator": "[Low-graded source: an aggregator, blog, wiki, forum or summary; "
    "rows citing it are graded low.]",
}
"""A visible marker in the reference list for sources whose rows can be graded low only."""

PUBLISHER_FIELD = {"article": "journal", "book": "publisher", "techreport": "institution"}


def _escape(text: str) -> str:
    for char in "&%$#_":
        text = text.replace(char, "\\" + char)
    return text.replace("{", "\\{").replace("}", "\\}")


def bibtex(data_dir: Path) -> str:
    """BibTeX entries for every row of the sources table, sorted by key."""
    sources = DataPackage(data_dir).load("sources").sort_values("id")
    entries = []
    for row in sources.itertuples(index=False):
        kind = ENTRY_TYPES[row.kind]
        has_publisher = isinstance(row.publisher, str)
        if kind in PUBLISHER_FIELD and not has_publisher:
            kind = "misc"  # BibTeX requires journal/publisher/institution for these types
        fields = [
            ("author", "{" + _escape(row.author) + "}"),
            ("title", "{" + _escape(row.title) + "}"),
            ("year", "n.d." if pd.isna(row.year) else str(row.year)),
        ]
        if has_publisher:
            fields.append((PUBLISHER_FIELD.get(kind, "publisher"), _escape(row.publisher)))
        if isinstance(row.url, str):
            url = row.url if row.url.startswith(("http://", "https://")) else "https://" + row.url
            fields.append(("url", url.replace("%", "\\%").replace("#", "\\#")))
        if row.accessed is not None and str(row.accessed) != "NaT":
            fields.append(("urldate", str(row.accessed.date())))
        note = row.note if isinstance(row.note, str) else ""
        if row.grade in GRADE_MARKERS:
            note = f"{GRADE_MARKERS[row.grade]} {note}".strip()
        if note:
            fields.append(("note", _escape(note)))
        body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
        entries.append(f"@{kind}{{{row.id},\n{body}\n}}\n")
    header = "% Written from data/sources.csv by tokenpower.data.bibliography; edit that file, not this one.\n\n"
    return header + "\n".join(entries)


def write_bibtex(data_dir: Path, target: Path) -> bool:
    """Write the BibTeX file if its content changed; return True if written."""
    text = bibtex(data_dir)
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return False
    target.write_text(text, encoding="utf-8")
    return True
