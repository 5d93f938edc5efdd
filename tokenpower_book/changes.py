"""What a re-run changed: parameters, glued values and figures, book beside re-run.

A chapter puts its numbers on the page with myst-nb's glue: the code glues a
value under a name (``glue("req_cn_share_pct", 38.2)``) and the prose pastes
it with a format (``{glue:text}`req_cn_share_pct:.1f```).  :func:`compare`
reads the glued values of two executions of one chapter (the book's and a
re-run's), renders each as the page renders it (myst-nb's own
``format_plain_text`` with the format of its first use in the prose) and keeps
those whose rendering differs, with the sentence where the value first
appears; it also compares the outputs of every figure (a code cell with a
``mystnb.figure`` name, or a ``{glue:figure}``).  :func:`changes_markdown`
writes the result as a MyST admonition for the top of the re-run page and
:func:`changes_table` as a short table for the terminal.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import nbformat
from myst_nb.core.variables import format_plain_text

_GLUE_ROLE = re.compile(r"\{glue(?::(text|md))?\}`([^`:]+)(?::([^`]*))?`")
_GLUE_FIGURE = re.compile(r"```\{glue:figure\}\s+(\S+)\s*\n((?::[^\n]*\n)*)\n?(.*?)```", re.S)
_ROLE = re.compile(r"\{[a-z:]+\}`([^`<]*?)(?:\s*<[^>]*>)?`")
_CHART_ID = re.compile(r"tpchart-[0-9a-f]+-\d+")
_EXCERPT = 110
_MARK = "▢"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z{])")


@dataclass
class ValueChange:
    name: str
    where: str  # the sentence where the value first appears, the value shown as "…"
    book: str
    rerun: str


@dataclass
class FigureChange:
    label: str  # the figure's name, for {numref}
    caption: str


@dataclass
class Changes:
    parameters: list[
        tuple[str, str, object, object]
    ]  # name, description, book default, re-run value
    values: list[ValueChange] = field(default_factory=list)
    figures: list[FigureChange] = field(default_factory=list)
    unchanged_values: int = 0
    unchanged_figures: int = 0
    book_source: str = ""


def glued(nb: nbformat.NotebookNode) -> dict[str, dict]:
    """Every value an executed notebook glued: name -> mime bundle (prefixes removed)."""
    found = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            prefix = meta.get("mime_prefix", "")
            found[meta["name"]] = {
                key.removeprefix(prefix): value for key, value in output.get("data", {}).items()
            }
    return found


def _plain_prose(text: str) -> str:
    """MyST prose as plain words: roles to their text, markup and math signs dropped."""
    text = _GLUE_ROLE.sub("…", text)
    text = re.sub(r"\s*\{cite:[pt]\}`[^`]*`", "", text)
    text = _ROLE.sub(lambda m: m.group(1), text)
    text = re.sub(r"[*`$|\\]", "", text)
    text = re.sub(r"\(\s+", "(", text)
    text = re.sub(r"\s+([.,;:)])", r"\1", text)
    return re.sub(r"\s+", " ", text).strip()


def _excerpt(sentence: str, width: int = _EXCERPT) -> str:
    """At most ``width`` characters of ``sentence`` around its marker, cut between words."""
    if len(sentence) <= width:
        return sentence
    words, marker = (
        sentence.split(" "),
        next(i for i, w in enumerate(sentence.split(" ")) if _MARK in w),
    )
    lo = hi = marker
    while True:
        grown = False
        for lo2, hi2 in ((lo - 1, hi), (lo, hi + 1)):
            if 0 <= lo2 and hi2 < len(words) and len(" ".join(words[lo2 : hi2 + 1])) <= width:
                lo, hi, grown = lo2, hi2, True
        if not grown:
            break
    return (
        ("… " if lo else "") + " ".join(words[lo : hi + 1]) + (" …" if hi < len(words) - 1 else "")
    )


def glue_uses(markdown: str) -> dict[str, tuple[str, str, str]]:
    """First use of each glued name in the prose: name -> (kind, format, excerpt of its sentence).

    In the excerpt the value itself is ``▢`` and other glued values are ``…``.
    """
    uses: dict[str, tuple[str, str, str]] = {}
    for line in markdown.splitlines():
        for sentence in _SENTENCE.split(line):
            for match in _GLUE_ROLE.finditer(sentence):
                kind, name, fmt = match.group(1) or "any", match.group(2), match.group(3) or ""
                if name in uses:
                    continue
                marked = sentence[: match.start()] + f" {_MARK} " + sentence[match.end() :]
                plain = _plain_prose(marked).lstrip("-:> ").strip()
                uses[name] = (kind, fmt, _excerpt(plain))
    return uses


def _rendered(bundle: dict | None, kind: str, fmt: str) -> str | None:
    if bundle is None:
        return None
    if kind == "text" or (kind == "any" and fmt):
        return format_plain_text(bundle.get("text/plain", ""), fmt)
    for mime in ("text/markdown", "text/html", "image/svg+xml", "image/png", "text/plain"):
        if mime in bundle:
            text = bundle[mime] if isinstance(bundle[mime], str) else "".join(bundle[mime])
            return _CHART_ID.sub("", text)
    return ""


def _figures(nb: nbformat.NotebookNode) -> dict[str, tuple[str, str]]:
    """Figures of an executed notebook: name -> (caption, outputs with chart ids removed)."""
    found = {}
    for cell in nb.cells:
        figure = cell.get("metadata", {}).get("mystnb", {}).get("figure")
        if cell.cell_type != "code" or not figure or "name" not in figure:
            continue
        outputs = [
            {k: v for k, v in o.items() if k not in ("execution_count", "metadata")}
            for o in cell.get("outputs", [])
        ]
        text = json.dumps(outputs, sort_keys=True)
        found[figure["name"]] = (figure.get("caption", ""), _CHART_ID.sub("", text))
    return found


def compare(
    book: nbformat.NotebookNode,
    rerun: nbformat.NotebookNode,
    parameters: list[tuple[str, str, object, object]],
    book_source: str = "",
) -> Changes:
    """What differs between the book's execution of a chapter and a re-run's."""
    markdown = "\n".join(c.source for c in rerun.cells if c.cell_type == "markdown")
    uses = glue_uses(markdown)
    old, new = glued(book), glued(rerun)
    changes = Changes(parameters, book_source=book_source)
    glued_figures = {}
    for match in _GLUE_FIGURE.finditer(markdown):
        options = dict(re.findall(r":(\w+):\s*(.*)", match.group(2)))
        glued_figures[match.group(1)] = (options.get("name"), match.group(3).strip())
    for name, (kind, fmt, where) in uses.items():
        a, b = _rendered(old.get(name), kind, fmt), _rendered(new.get(name), kind, fmt)
        if a == b:
            changes.unchanged_values += 1
        else:
            changes.values.append(ValueChange(name, where, a or "(none)", b or "(none)"))
    figures_old, figures_new = _figures(book), _figures(rerun)
    for name, (caption, outputs) in figures_new.items():
        if figures_old.get(name, (None, None))[1] == outputs:
            changes.unchanged_figures += 1
        else:
            changes.figures.append(FigureChange(name, _plain_prose(caption)))
    for name, (label, caption) in glued_figures.items():
        if _rendered(old.get(name), "figure", "") == _rendered(new.get(name), "figure", ""):
            changes.unchanged_figures += 1
        else:
            changes.figures.append(FigureChange(label or "", _plain_prose(caption) or name))
    return changes


def _cell(text) -> str:
    return str(text).replace("|", "\\|").replace("$", "\\$").replace("\n", " ")


def _value(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def changes_markdown(changes: Changes, command: str) -> str:
    """A MyST admonition for the top of the re-run page: parameters, values and figures changed."""
    lines = [
        ":::{admonition} What this re-run changed",
        ":class: important tp-rerun-changes",
        "",
        f"This page was executed again with `{command}`; everything else on it is as in the book.",
        "",
    ]
    if changes.parameters:
        lines += [
            "| Parameter | In the book | In this re-run |",
            "|---|---|---|",
            *(
                f"| {_cell(meaning)} (`{name}`) | {_cell(_value(a))} | {_cell(_value(b))} |"
                for name, meaning, a, b in changes.parameters
            ),
            "",
        ]
    else:
        lines += ["Every parameter has its default value, as in the book.", ""]
    n, same = len(changes.values), changes.unchanged_values
    if n:
        lines += [
            f"{n} of the {n + same} values quoted in the text changed "
            f"(▢ marks where each one stands):",
            "",
            "| Where it appears | In the book | In this re-run |",
            "|---|---|---|",
            *(f"| {_cell(v.where)} | {_cell(v.book)} | {_cell(v.rerun)} |" for v in changes.values),
            "",
        ]
    else:
        lines += [f"None of the {same} values quoted in the text changed.", ""]
    if changes.figures:
        named = [
            f"{{numref}}`{f.label}`" if f.label else f"*{_cell(f.caption)}*"
            for f in changes.figures
        ]
        total = len(changes.figures) + changes.unchanged_figures
        lines += [f"Figures and tables that changed ({len(named)} of {total}): {', '.join(named)}."]
    else:
        lines += ["None of the figures and tables changed."]
    if changes.book_source:
        lines += ["", f"The book's values come from {changes.book_source}."]
    return "\n".join(lines + [":::", ""])


def changes_table(changes: Changes, limit: int = 15) -> str:
    """The changes as a short plain-text table for the terminal."""
    rows = [("parameter", name, _value(a), _value(b)) for name, _m, a, b in changes.parameters]
    rows += [("value", v.name, v.book, v.rerun) for v in changes.values[:limit]]
    width = [max(len(str(r[i])) for r in rows + [("", "name", "book", "re-run")]) for i in range(4)]
    width = [min(w, 40) for w in width]

    def line(r):
        return "  ".join(str(c)[:40].ljust(w) for c, w in zip(r, width, strict=True)).rstrip()

    out = [line(("", "name", "book", "re-run")), line(tuple("-" * w for w in width))]
    out += [line(r) for r in rows]
    if len(changes.values) > limit:
        out.append(f"... and {len(changes.values) - limit} more values (see the page)")
    if not changes.values:
        out.append(f"no value quoted in the text changed ({changes.unchanged_values} compared)")
    figures = ", ".join(f.label or f.caption[:30] for f in changes.figures) or "none"
    out.append(f"figures and tables changed: {figures}")
    return "\n".join(out)


__all__ = [
    "Changes",
    "FigureChange",
    "ValueChange",
    "changes_markdown",
    "changes_table",
    "compare",
    "glue_uses",
    "glued",
]
