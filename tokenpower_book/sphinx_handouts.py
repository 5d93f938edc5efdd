"""The ``{handouts}`` and ``{handout-answers}`` directives of the lesson handouts page.

``{handouts}`` writes one section per lesson of the teacher's guide (a printed page each: see
``book/_static/print.css``), made by :mod:`tokenpower_book.handouts` from the guide and the
chapters when the page is built. ``{handout-answers}`` writes the answer key, a section with
the solutions of every handout's no-code exercises, in the teacher's edition; in the student's
edition it writes nothing, so no answer is in that edition's HTML.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from tokenpower_book.handouts import GUIDE, answers_text, handout_text, lessons
from tokenpower_book.sphinx_reading import reading_table


class _LessonsDirective(SphinxDirective):
    def _lessons(self):
        book = Path(self.env.srcdir) / "book"
        found = lessons(book)
        self.env.note_dependency(str(book / f"{GUIDE}.md"))
        for lesson in found:
            self.env.note_dependency(str(book / f"{lesson.chapter}.md"))
        return book, found

    def _section(self, ident: str, title: str, text: str, classes: list[str]) -> nodes.section:
        sec = nodes.section(ids=[ident], names=[ident], classes=classes)
        sec += nodes.title(text=title)
        sec += self.parse_text_to_nodes(text)
        self.state.document.note_implicit_target(sec, sec)
        return sec


class Handouts(_LessonsDirective):
    """``{handouts}``: one section per lesson: reading, objectives, no-code exercises, questions."""

    def run(self):
        book, found = self._lessons()
        minutes = {row[0]: row[3] for row in reading_table(book)}
        return [
            self._section(
                f"handout-lesson-{lesson.number}",
                lesson.title,
                handout_text(lesson, minutes.get(lesson.chapter)),
                ["tp-handout"],
            )
            for lesson in found
        ]


class HandoutAnswers(_LessonsDirective):
    """``{handout-answers}``: the answer key (teacher's edition only)."""

    def run(self):
        _book, found = self._lessons()
        if self.config.tokenpower_edition == "student":
            return []
        key = nodes.section(ids=["answer-key"], names=["answer key"], classes=["tp-answer-key"])
        key += nodes.title(text="Answer key")
        key += self.parse_text_to_nodes(
            "The answers to the handouts' no-code exercises, for the teacher. "
            "This section is in the teacher's edition only."
        )
        self.state.document.note_implicit_target(key, key)
        for lesson in found:
            key += self._section(
                f"answers-lesson-{lesson.number}", lesson.title, answers_text(lesson), []
            )
        return [key]


def setup(app):
    app.add_directive("handouts", Handouts)
    app.add_directive("handout-answers", HandoutAnswers)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


__all__ = ["HandoutAnswers", "Handouts", "setup"]
