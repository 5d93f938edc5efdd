"""The teacher's pack: one handout per lesson, read from the book's own pages.

A lesson is a ``### Lesson N: ...`` section of ``book/teaching-guide.md``: its title, its
chapter (the first ``{doc}`` of its ``Chapter:`` line) and its ``Objectives:`` line. The handout
adds, from that chapter, its first :data:`HANDOUT_EXERCISES` exercises marked ``No code``
(a chapter puts those it wants on the handout first), its discussion questions and its
reading time (:mod:`tokenpower_book.sphinx_reading`). Nothing is copied into the handouts
page: the ``{handouts}`` directive reads the guide and the chapters when the page is built,
and ``{handout-answers}`` gives the solutions of the handouts' exercises, in the teacher's
edition only (in the student's edition it writes nothing at all).

Glued numbers of a chapter become cross-page glue references
(``{glue:text}`chapter.md::key```), so a handout shows the values of the chapter's execution.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

GUIDE = "teaching-guide"
NO_CODE = "No code"
PYTHON = "Python"
HANDOUT_EXERCISES = 2  # no-code exercises on a handout: with the questions, one printed page
_LESSON = re.compile(r"^### (?P<title>Lesson (?P<n>\d+):.*?)\s*$", re.M)
_CHAPTER_LINE = re.compile(r"^Chapters?: .*?\{doc\}`(?P<doc>[^`]+)`", re.M)
_OBJECTIVES = re.compile(r"^Objectives: (?P<text>.+)$", re.M)
_EXERCISE = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{exercise\}[ \t]*(?P<track>[^\n]*)\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
_SOLUTION = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution\}[ \t]+(?P<label>[\w-]+)[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)
_GATED = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{solution-start\}[ \t]+(?P<label>[\w-]+)[ \t]*$", re.M
)
_OPTION = re.compile(r"\A(?:[ \t]*:[\w-]+:[^\n]*\n)+")
_GLUE = re.compile(r"\{(?P<role>glue(?::\w+)?)\}`(?P<key>[^`]+)`")


@dataclass
class Exercise:
    """One exercise of a chapter: its label, its track (``No code`` or ``Python``) and text."""

    label: str
    track: str
    text: str
    solution: str | None = None  # the solution's text (markdown only), or None
    has_solution: bool = False  # any solution, gated or not


@dataclass
class Lesson:
    """One lesson of the teacher's guide, with what its handout takes from its chapter."""

    number: int
    title: str
    chapter: str
    objectives: str
    exercises: list[Exercise] = field(default_factory=list)
    discussion: str = ""

    @property
    def no_code(self) -> list[Exercise]:
        """The chapter's no-code exercises."""
        return [e for e in self.exercises if e.track == NO_CODE]

    @property
    def handout_exercises(self) -> list[Exercise]:
        """The no-code exercises the handout carries."""
        return self.no_code[:HANDOUT_EXERCISES]


def _strip_options(body: str) -> str:
    return _OPTION.sub("", body.lstrip("\n")).strip()


def exercises(text: str) -> list[Exercise]:
    """Every ``{exercise}`` of a chapter's MyST text, with its track and solution."""
    solutions = {m["label"]: _strip_options(m["body"]) for m in _SOLUTION.finditer(text)}
    gated = {m["label"] for m in _GATED.finditer(text)}
    found = []
    for match in _EXERCISE.finditer(text):
        label = re.search(r"^:label:[ \t]*(\S+)", match["body"], re.M)
        if label is None:
            continue
        name = label[1]
        found.append(
            Exercise(
                label=name,
                track=match["track"].strip(),
                text=_strip_options(match["body"]),
                solution=solutions.get(name),
                has_solution=name in solutions or name in gated,
            )
        )
    return found


def section(text: str, heading: str) -> str:
    """The body of a ``## heading`` section, up to the next heading of level 1 or 2."""
    match = re.search(rf"^## {re.escape(heading)}[ \t]*\n(.*?)(?=^#{{1,2}} |\Z)", text, re.M | re.S)
    return match[1].strip() if match else ""


def cross_page_glue(text: str, chapter: str) -> str:
    """Glue roles of a chapter's text rewritten to read the chapter's values from another page."""

    def one(match: re.Match) -> str:
        key = match["key"]
        if "::" in key:
            return match[0]
        if match["role"] == "glue:text" and ":" not in key:
            key += ":s"  # the role reads the last ':' as the start of a format
        return f"{{{match['role']}}}`{chapter}.md::{key}`"

    return _GLUE.sub(one, text)


def lessons(book: Path) -> list[Lesson]:
    """The lessons of ``book/teaching-guide.md``, each with its chapter's exercises and questions."""
    guide = (book / f"{GUIDE}.md").read_text(encoding="utf-8")
    heads = list(_LESSON.finditer(guide))
    found = []
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(guide)
        block = guide[head.end() : end].split("\n## ", 1)[0]
        chapter = _CHAPTER_LINE.search(block)
        objectives = _OBJECTIVES.search(block)
        if chapter is None or objectives is None:
            raise ValueError(
                f"book/{GUIDE}.md, {head['title']!r}: a lesson needs a 'Chapter:' line naming its "
                "chapter with {doc} and an 'Objectives:' line"
            )
        stem = chapter["doc"]
        text = (book / f"{stem}.md").read_text(encoding="utf-8")
        found.append(
            Lesson(
                number=int(head["n"]),
                title=head["title"],
                chapter=stem,
                objectives=objectives["text"].strip(),
                exercises=exercises(text),
                discussion=section(text, "Discussion questions"),
            )
        )
    return found


def handout_text(lesson: Lesson, minutes: int | None = None) -> str:
    """The MyST text of a lesson's handout (its headings are made by the directive)."""
    reading = f" (about {minutes} minutes)" if minutes else ""
    parts = [
        f"**Read before the lesson**: {{doc}}`{lesson.chapter}`{reading}.",
        f"**Objectives**: {lesson.objectives}",
    ]
    for exercise in lesson.handout_exercises:
        parts.append(
            f"**{{numref}}`Exercise %s <{exercise.label}>` ({NO_CODE})**\n\n"
            + cross_page_glue(exercise.text, lesson.chapter)
        )
    if lesson.discussion:
        parts.append(
            "**Discussion questions**\n\n" + cross_page_glue(lesson.discussion, lesson.chapter)
        )
    return "\n\n".join(parts)


def answers_text(lesson: Lesson) -> str:
    """The MyST text of the answers to the no-code exercises of a lesson's handout."""
    parts = []
    for exercise in lesson.handout_exercises:
        answer = exercise.solution or "See the solution under the exercise in the chapter."
        parts.append(
            f"**{{numref}}`Exercise %s <{exercise.label}>`**\n\n"
            + cross_page_glue(answer, lesson.chapter)
        )
    return "\n\n".join(parts)


__all__ = [
    "GUIDE",
    "HANDOUT_EXERCISES",
    "NO_CODE",
    "PYTHON",
    "Exercise",
    "Lesson",
    "answers_text",
    "cross_page_glue",
    "exercises",
    "handout_text",
    "lessons",
    "section",
]
