"""Reading times of the chapters, for the teacher's guide: a ``{reading-times}`` directive.

A chapter's reading time is its prose word count (code cells, directive options, comments and
markup left out; a glued number counts as one word) divided by the average silent reading rate
of adults for English non-fiction, 238 words a minute, with its usual range 175-300
(Brysbaert 2019; ``data/physical_constants.csv``, row ``reading_rate_wpm``). The table is made
when the guide is read, and the guide is read again whenever a chapter changed, so the times
follow the chapters.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

PAGE = "book/teaching-guide"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_CODE_CELL = re.compile(r"^(`{3,})\{code-cell\}.*?^\1[ \t]*$", re.M | re.S)
_FENCE_LINE = re.compile(r"^\s*(`{3,}|:{3,}).*$", re.M)
_OPTION_LINE = re.compile(r"^\s*:[\w-]+:.*$", re.M)
_COMMENT = re.compile(r"^\s*%.*$", re.M)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ROLE = re.compile(r"\{[\w:-]+\}`([^`]*)`")
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_WORD = re.compile(r"[A-Za-z0-9\u00C0-\u024F][\w'’.,%-]*")


def prose_words(text: str) -> int:
    """Words a reader reads in a MyST notebook: prose and exercises, not code or markup."""
    text = _FRONT_MATTER.sub("", text)
    text = _CODE_CELL.sub(" ", text)
    text = _COMMENT.sub(" ", _HTML_COMMENT.sub(" ", text))
    text = _FENCE_LINE.sub(" ", text)
    text = _OPTION_LINE.sub(" ", text)
    text = _ROLE.sub(lambda m: "x" if m.group(0).startswith("{glue") else m[1], text)
    text = _LINK.sub(r"\1", text)
    return len(_WORD.findall(text))


def reading_minutes(words: int, words_per_minute: float) -> int:
    """Minutes to read ``words`` at a rate, rounded up to the next 5 minutes (at least 5)."""
    return max(5, 5 * math.ceil(words / words_per_minute / 5))


def reading_rate() -> tuple[float, float, float]:
    """The silent reading rate (words per minute): central, low, high."""
    from tokenpower.data import load

    table = load("physical_constants").set_index("constant_id")
    central = table.loc["reading_rate_wpm"]
    spread = table.loc["reading_rate_range_wpm"]
    return float(central["value"]), float(spread["value"]), float(spread["value_high"])


def chapter_titles(book: Path) -> dict[str, str]:
    """The numbered chapters of the book (file stem -> title from its first heading)."""
    found = {}
    for path in sorted(book.glob("0*.md")):
        heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.M)
        found[path.stem] = heading[1].strip() if heading else path.stem
    return found


def reading_table(book: Path) -> list[tuple[str, str, int, int, int]]:
    """(stem, title, words, minutes at the central rate, minutes at the low rate) per chapter."""
    central, low, _high = reading_rate()
    rows = []
    for stem, title in chapter_titles(book).items():
        words = prose_words((book / f"{stem}.md").read_text(encoding="utf-8"))
        rows.append(
            (stem, title, words, reading_minutes(words, central), reading_minutes(words, low))
        )
    return rows


class ReadingTimes(SphinxDirective):
    """``{reading-times}``: a table of each chapter's words and reading time."""

    def run(self):
        book = Path(self.env.srcdir) / "book"
        central, low, _high = reading_rate()
        table = nodes.table(classes=["tp-reading-times"])
        group = nodes.tgroup(cols=4)
        table += group
        for width in (50, 15, 15, 20):
            group += nodes.colspec(colwidth=width)
        head, body = nodes.thead(), nodes.tbody()
        group += head
        group += body
        labels = (
            "Chapter",
            "Words",
            f"Minutes at {central:.0f} words a minute",
            f"Minutes at {low:.0f} (a slower reader)",
        )
        head += self._row(labels)
        for _stem, title, words, minutes, slow in reading_table(book):
            body += self._row((title, f"{words:,}", str(minutes), str(slow)))
        for path in sorted(book.glob("0*.md")):
            self.env.note_dependency(str(path))
        return [table]

    @staticmethod
    def _row(cells) -> nodes.row:
        row = nodes.row()
        for text in cells:
            entry = nodes.entry()
            entry += nodes.paragraph(text=text)
            row += entry
        return row


def setup(app):
    app.add_directive("reading-times", ReadingTimes)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = [
    "PAGE",
    "ReadingTimes",
    "chapter_titles",
    "prose_words",
    "reading_minutes",
    "reading_rate",
    "reading_table",
    "setup",
]
