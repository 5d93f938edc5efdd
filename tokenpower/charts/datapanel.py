"""The data panel under every chart: its rows as CSV, a note about them, its sources in words.

Every chart the offline renderer draws (:func:`tokenpower.charts.style.offline_renderer`) is
followed by a short panel, as on Our World in Data:

* **Sources** in words: the people and bodies behind the rows the chart rests on, each with the
  confidence of those rows (``high``, ``medium``, ``low``; the rubric of ``data/README.md``);
* **Download the data (CSV)**: exactly the rows the chart draws (the records of its spec);
* **About this data**: a short text file with the chart's title, what its axes measure (their
  titles carry the units), the sources with their confidence and the commands that make it again.

The sources are read from the chart's source line (the ``source`` of
:func:`tokenpower.charts.style.finish`): every data table it names (``data/places.csv``,
``places.csv`` or ``places``) and every source id (``btc-b1``).  In a notebook the two files
are ``data:`` links; the book's Sphinx extension (``tokenpower_book.sphinx_chart_data``) writes
them as files beside the page and links those instead, so the page stays light and works offline.
"""

from __future__ import annotations

import csv
import html
import io
import re
import urllib.parse
from collections import Counter

import pandas as pd

__all__ = [
    "CHAPTER_PLACEHOLDER",
    "about_text",
    "chart_metadata",
    "chart_rows",
    "csv_text",
    "panel_html",
    "slug",
    "sources_sentence",
]

CHAPTER_PLACEHOLDER = "<chapter>"
"""Stands for the chapter's name in the commands of the note; the book writes the real name."""

_CONFIDENCE_ORDER = ("high", "medium", "low")
_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9]")
_CHANNELS = ("x", "y", "x2", "y2", "color", "size", "theta", "radius", "shape", "opacity")


def slug(text: str, limit: int = 60) -> str:
    """A file name from a title: lower-case words joined by hyphens, at most ``limit`` characters.

    >>> slug("Electricity's share of a token's cost, 2026 (%)")
    'electricitys-share-of-a-tokens-cost-2026'
    """
    words = re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", ""))
    out = ""
    for word in words:
        if len(out) + len(word) + 1 > limit:
            break
        out = f"{out}-{word}" if out else word
    return out or "chart"


def chart_rows(spec: dict) -> list[dict]:
    """The records a chart draws: its named datasets and inline values, in the order they appear.

    A chart with data in several places (layers on different tables) gives every record a
    ``part`` (1, 2, ...) saying which table it came from.  Maps' land (TopoJSON, not records)
    and generated data (sequences, graticules) are left out.
    """
    tables: list[list[dict]] = []
    seen: set[int] = set()
    datasets = spec.get("datasets") or {}

    def add(values) -> None:
        if isinstance(values, list) and values and all(isinstance(v, dict) for v in values):
            if id(values) not in seen:
                seen.add(id(values))
                tables.append(values)

    def walk(node) -> None:
        if isinstance(node, dict):
            data = node.get("data")
            if isinstance(data, dict):
                if isinstance(data.get("name"), str) and data["name"] in datasets:
                    add(datasets[data["name"]])
                add(data.get("values"))
            for key, value in node.items():
                if key not in ("data", "datasets"):
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    for values in datasets.values():  # a dataset no view names (rare): still part of the chart
        add(values)
    if len(tables) == 1:
        return [dict(r) for r in tables[0]]
    return [{"part": i, **r} for i, rows in enumerate(tables, start=1) for r in rows]


def csv_text(rows: list[dict]) -> str:
    """Records as CSV text: the columns in order of first appearance, missing cells empty."""
    columns = list(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _csv_cell(v) for k, v in r.items() if not isinstance(v, (dict, list))})
    return out.getvalue()


_MIDNIGHT = re.compile(r"^(\d{4}-\d\d-\d\d)T00:00:00(?:\.0+)?$")


def _csv_cell(value):
    """A cell as the CSV holds it: empty for missing, a date without its midnight time."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _MIDNIGHT.sub(r"\1", value)
    return value


def _title(spec: dict) -> tuple[str, list[str]]:
    title = spec.get("title")
    subtitle: list[str] = []
    if isinstance(title, dict):
        sub = title.get("subtitle") or []
        subtitle = [sub] if isinstance(sub, str) else list(sub)
        title = title.get("text")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title or ""), [str(s) for s in subtitle]


def _source_line(spec: dict) -> str:
    meta = (spec.get("usermeta") or {}).get("tokenpower") or {}
    if meta.get("source"):
        return str(meta["source"])
    _, subtitle = _title(spec)
    return subtitle[-1] if subtitle else ""


def _measures(spec: dict) -> list[str]:
    """What the chart's axes and legends measure: ``"x: Year"``, ``"y: TWh a year"`` ..."""
    found: dict[str, str] = {}

    def walk(node) -> None:
        if isinstance(node, dict):
            encoding = node.get("encoding")
            if isinstance(encoding, dict):
                for channel in _CHANNELS:
                    enc = encoding.get(channel)
                    if isinstance(enc, dict) and enc.get("title") and channel not in found:
                        title = enc["title"]
                        found[channel] = " ".join(title) if isinstance(title, list) else str(title)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(spec)
    return [f"{channel}: {title}" for channel, title in found.items()]


def _sources(source_line: str, rows: list[dict]) -> tuple[list[str], list[dict]]:
    """The data tables a source line names, and the sources behind them with their confidence."""
    from tokenpower.data import package

    pkg = package()
    names = set(pkg.resource_names)
    catalogue = pkg.load("sources").set_index("id")
    tables: list[str] = []
    counts: dict[str, Counter] = {}
    order: list[str] = []

    def count(source_ids, confidences) -> None:
        for sid, conf in zip(source_ids, confidences, strict=True):
            for one in str(sid).replace(";", " ").split():
                if one not in catalogue.index:
                    continue
                if one not in counts:
                    counts[one] = Counter()
                    order.append(one)
                if isinstance(conf, str) and conf:
                    counts[one][conf] += 1

    named_ids = []
    for token in _TOKEN.findall(source_line):
        name = token.removeprefix("data/").removesuffix(".csv")
        if name in names and name != "sources" and name not in tables:
            tables.append(name)
        elif token in catalogue.index and token not in named_ids:
            named_ids.append(token)
    if rows and "source" in rows[0]:  # the chart's own rows say where each comes from
        count([r.get("source") for r in rows], [r.get("confidence") for r in rows])
    for name in tables:
        frame = pkg.load(name)
        if "source" in frame.columns:
            conf = frame["confidence"] if "confidence" in frame.columns else [None] * len(frame)
            count(list(frame["source"]), list(conf))
    for sid in named_ids:
        if sid not in counts:
            counts[sid] = Counter()
            order.append(sid)
    listed = []
    for sid in sorted(order, key=lambda s: -sum(counts[s].values())):
        row = catalogue.loc[sid]
        listed.append(
            {
                "id": sid,
                "kind": _text(row.get("kind")),
                "author": _text(row.get("author")),
                "title": _text(row.get("title")),
                "year": _text(row.get("year")),
                "url": _text(row.get("url")),
                "rows": int(sum(counts[sid].values())),
                "confidence": {c: int(counts[sid][c]) for c in _CONFIDENCE_ORDER if counts[sid][c]},
            }
        )
    return tables, listed


def _text(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def chart_metadata(spec: dict) -> dict:
    """What the note about a chart's data says: title, subtitle, measures, columns, tables, sources."""
    title, subtitle = _title(spec)
    rows = chart_rows(spec)
    source_line = _source_line(spec)
    tables, sources = _sources(source_line, rows)
    return {
        "title": title,
        "subtitle": [s for s in subtitle if s != source_line],
        "description": str(spec.get("description") or ""),
        "source_line": source_line,
        "measures": _measures(spec),
        "columns": list(dict.fromkeys(k for r in rows for k in r)),
        "rows": len(rows),
        "tables": tables,
        "sources": sources,
    }


def _confidence_words(confidence: dict) -> str:
    if not confidence:
        return ""
    return "/".join(confidence) + " confidence"


_BOOK_KINDS = {
    "assumption": "the book's assumptions",
    "derived": "the book's arithmetic on cited inputs",
}


def _who(source: dict) -> str:
    if source["kind"] in _BOOK_KINDS:
        return _BOOK_KINDS[source["kind"]]
    who = source["author"] or source["title"] or source["id"]
    return f"{who} {source['year']}".strip() if source["year"] else who


def sources_sentence(meta: dict, most: int = 3) -> str:
    """The chart's sources in words, for the page: the ``most`` that give the most rows."""
    # one entry per author and year (a source published in several parts reads once)
    grouped: dict[str, Counter] = {}
    for s in meta["sources"]:
        grouped.setdefault(_who(s), Counter()).update(s["confidence"])
    if not grouped:  # a model's chart: its source line, above the drawing, says what made it
        return ""
    sources = list(grouped)
    parts = []
    for who in sources[:most]:
        conf = {c: grouped[who][c] for c in _CONFIDENCE_ORDER if grouped[who][c]}
        words = _confidence_words(conf)
        parts.append(f"{who} ({words})" if words else who)
    more = len(sources) - most
    if more > 0:
        parts.append(f"{more} more source{'s' if more > 1 else ''}")
    label = "Source" if len(sources) == 1 else "Sources"
    text = ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else parts[0]
    return f"{label}: {text}."


def about_text(meta: dict, csv_name: str) -> str:
    """The note about a chart's data, as plain text."""
    lines = [meta["title"] or "Chart", "=" * max(5, len(meta["title"] or "Chart")), ""]
    lines += [*meta["subtitle"], ""] if meta["subtitle"] else []
    if meta["description"]:
        lines += ["What the chart shows:", meta["description"], ""]
    lines += [f"Data: {csv_name} ({meta['rows']:,} rows; columns: {', '.join(meta['columns'])})"]
    if meta["measures"]:
        lines += ["What the axes and legends measure (units in their titles):"]
        lines += [f"  {m}" for m in meta["measures"]]
    lines += ["", f"Source line of the chart: {meta['source_line'] or '-'}"]
    if meta["tables"]:
        lines += [f"Data tables of the book it draws on: {', '.join(meta['tables'])}"]
    if meta["sources"]:
        lines += [
            "",
            "Sources of the chart's rows, or of the data tables it draws on",
            "(how many rows cite each, by confidence):",
        ]
        for s in meta["sources"]:
            conf = ", ".join(f"{n} {c}" for c, n in s["confidence"].items()) or "cited"
            where = f" <{s['url']}>" if s["url"] else ""
            lines += [f"  [{s['id']}] {_who(s)}: {s['title']}{where} -- {conf}"]
        lines += [
            "",
            "Confidence: high = the primary document was read; medium = a reputable secondary",
            "source; low = an aggregator, an unclear figure or an assumption of the book.",
        ]
    lines += [
        "",
        "To make it again, from the book's repository:",
        f"  python -m tokenpower run {CHAPTER_PLACEHOLDER}",
        "    (this chapter again, optionally with other parameters: -p name=value)",
        "  python -m tokenpower build",
        "    (the whole book, this file included)",
        "",
    ]
    return "\n".join(lines)


def _data_uri(kind: str, text: str) -> str:
    return f"data:{kind};charset=utf-8," + urllib.parse.quote(text, safe=" :/=;,.-_()'!*~+?@$")


def panel_html(spec: dict) -> str:
    """The data panel's HTML: sources in words and the two download links (``data:`` URIs)."""
    meta = chart_metadata(spec)
    name = slug(meta["title"] or meta["description"] or "chart")
    csv_name, about_name = f"{name}.csv", f"{name}.txt"
    rows = chart_rows(spec)
    label = html.escape(meta["title"] or "this chart", quote=True)
    sentence = sources_sentence(meta)
    return (
        '<p class="tp-chart-data">'
        + (f'<span class="tp-chart-sources">{html.escape(sentence)}</span> ' if sentence else "")
        + f'<a class="tp-chart-csv" download="{csv_name}" '
        f'aria-label="Download the data (CSV) of {label}" '
        f'href="{_data_uri("text/csv", csv_text(rows))}">Download the data (CSV)</a>'
        ' <span aria-hidden="true">·</span> '
        f'<a class="tp-chart-about" download="{about_name}" '
        f'aria-label="About this data (text) of {label}" '
        f'href="{_data_uri("text/plain", about_text(meta, csv_name))}">About this data</a>'
        "</p>\n"
    )
