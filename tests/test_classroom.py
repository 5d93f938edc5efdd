"""The classroom edition: two exercise tracks in every chapter, and the lesson handouts.

Every chapter has at least two exercises marked "No code" (answered from the page's figures,
tables and key numbers) and at least one marked "Python", each with a solution; the handouts
are made from the teacher's guide and the chapters (no text copied), and their answer key is
in the teacher's edition only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from tokenpower_book.handouts import (
    HANDOUT_EXERCISES,
    NO_CODE,
    PYTHON,
    answers_text,
    cross_page_glue,
    exercises,
    handout_text,
    lessons,
    section,
)

BOOK = ROOT / "book"
CHAPTERS = sorted(p.stem for p in BOOK.glob("0*.md"))


@pytest.mark.parametrize("stem", CHAPTERS)
def test_every_chapter_has_two_no_code_exercises_and_a_python_one_each_with_a_solution(stem):
    found = exercises((BOOK / f"{stem}.md").read_text(encoding="utf-8"))
    tracks = {e.label: e.track for e in found}
    assert set(tracks.values()) <= {NO_CODE, PYTHON}, f"{stem}: an exercise has no track: {tracks}"
    no_code = [e for e in found if e.track == NO_CODE]
    python = [e for e in found if e.track == PYTHON]
    assert len(no_code) >= 2, f"{stem}: {len(no_code)} no-code exercises"
    assert len(python) >= 1, f"{stem}: no Python exercise"
    assert all(e.has_solution for e in found), [e.label for e in found if not e.has_solution]
    # a no-code answer has no code: it is written as a {solution} block of prose
    for exercise in no_code[:HANDOUT_EXERCISES]:
        assert exercise.solution and "{code-cell}" not in exercise.solution, exercise.label


SAMPLE = """# A chapter

## Exercises

```{exercise} No code
:label: ex-a

Read {numref}`fig-a`: how many {glue:text}`n_things` things, at {glue:text}`share:.1f` %?
```

```{solution} ex-a
:class: dropdown

Three things.
```

```{exercise} Python
:label: ex-b

Compute it.
```

````{solution-start} ex-b
:class: dropdown
````

```{code-cell} ipython3
print(3)
```

````{solution-end}
````

```{exercise}
:label: ex-c

No track.
```

## Discussion questions

1. Why?

## Sources

Somewhere.
"""


def test_exercises_read_the_track_text_and_solution_of_each_exercise():
    found = exercises(SAMPLE)
    assert [(e.label, e.track, e.has_solution) for e in found] == [
        ("ex-a", "No code", True),
        ("ex-b", "Python", True),
        ("ex-c", "", False),
    ]
    assert found[0].text.startswith("Read {numref}`fig-a`")
    assert found[0].solution == "Three things."
    assert found[1].solution is None  # gated: has code, not carried into an answer key


def test_section_stops_at_the_next_heading():
    assert section(SAMPLE, "Discussion questions") == "1. Why?"
    assert section(SAMPLE, "No such section") == ""


def test_glue_is_read_from_the_chapter_and_a_plain_text_role_gets_a_format():
    text = "{glue:text}`n_things` and {glue:text}`share:.1f` and {glue}`fig` and {glue:text}`x.md::k:s`"
    assert cross_page_glue(text, "01-cable") == (
        "{glue:text}`01-cable.md::n_things:s` and {glue:text}`01-cable.md::share:.1f` "
        "and {glue}`01-cable.md::fig` and {glue:text}`x.md::k:s`"
    )


def _guide_book(tmp_path: Path) -> Path:
    (tmp_path / "teaching-guide.md").write_text(
        "# Guide\n\n## Seven lessons\n\n### Lesson 1: a sample (chapter 1)\n\n"
        "Chapter: {doc}`01-sample`.\n\nObjectives: count the things.\n\n- 10 min: talk.\n\n"
        "## Assessment\n\nLater.\n"
    )
    (tmp_path / "01-sample.md").write_text(SAMPLE)
    return tmp_path


def test_a_handout_has_the_lessons_objectives_no_code_exercise_and_questions_and_no_answer(
    tmp_path,
):
    (lesson,) = lessons(_guide_book(tmp_path))
    assert (lesson.number, lesson.chapter, lesson.objectives) == (
        1,
        "01-sample",
        "count the things.",
    )
    text = handout_text(lesson, minutes=20)
    assert "{doc}`01-sample` (about 20 minutes)" in text
    assert "count the things." in text
    assert "{numref}`Exercise %s <ex-a>` (No code)" in text
    assert "{glue:text}`01-sample.md::n_things:s`" in text
    assert "1. Why?" in text
    assert "Compute it." not in text  # the Python exercise is not on the handout
    assert "Three things." not in text  # nor any answer
    assert "Three things." in answers_text(lesson)


def test_a_lesson_without_its_chapter_line_is_refused_naming_it(tmp_path):
    book = _guide_book(tmp_path)
    guide = book / "teaching-guide.md"
    guide.write_text(guide.read_text().replace("Chapter: {doc}`01-sample`.", ""))
    with pytest.raises(ValueError, match="Lesson 1: a sample.*'Chapter:'"):
        lessons(book)


def test_the_books_lessons_each_take_two_no_code_exercises_from_their_chapter():
    found = lessons(BOOK)
    assert [lesson.number for lesson in found] == list(range(1, len(CHAPTERS) + 1))
    assert [lesson.chapter for lesson in found] == CHAPTERS
    for lesson in found:
        assert len(lesson.handout_exercises) == HANDOUT_EXERCISES, lesson.title
        assert lesson.objectives and lesson.discussion, lesson.title
