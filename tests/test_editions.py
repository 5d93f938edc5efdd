"""Two editions from one source, and the whole book as one PDF.

The student edition must hold no solution text at all (not merely hidden); the PDF must have a
page for each chapter's start and carry every chapter's title and every figure's caption.
"""

from __future__ import annotations

import html as htmllib
import re
import shutil
import subprocess
import urllib.parse
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, site_pages

from tokenpower_book.editions import strip_solutions

CHAPTERS = sorted(p.stem for p in (ROOT / "book").glob("0*.md"))


def _text(fragment: str) -> str:
    """Visible text of an HTML fragment, white space folded."""
    fragment = re.sub(r"<(script|style)\b.*?</\1>", " ", fragment, flags=re.S)
    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _solutions(page_html: str) -> list[str]:
    """The text of each sphinx-exercise solution block on a page."""
    found = []
    for match in re.finditer(r'<div class="solution[^"]*"[^>]*>', page_html):
        depth, pos = 1, match.end()
        for tag in re.finditer(r"<(/?)div\b[^>]*>", page_html[pos:]):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                found.append(_text(page_html[pos : pos + tag.start()]))
                break
    return found


# -- unit: the notebooks' solutions --------------------------------------------------------


def _md(text):
    return nbformat.v4.new_markdown_cell(text)


def test_strip_solutions_drops_the_cells_between_start_and_end_and_keeps_the_rest():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md(
            "```{exercise}\n:label: ex-1\n\nAdd two and two.\n```\n\n```{solution-start} ex-1\n:class: dropdown\n```"
        ),
        nbformat.v4.new_code_cell("print(2 + 2)"),
        _md("Four, as expected.\n\n```{solution-end}\n```\n\n## Discussion\n\nWhy four?"),
        nbformat.v4.new_code_cell("x = 1"),
    ]
    out = strip_solutions(nb)
    sources = [c.source for c in out.cells]
    assert sources == [
        "```{exercise}\n:label: ex-1\n\nAdd two and two.\n```",
        "## Discussion\n\nWhy four?",
        "x = 1",
    ]


def test_strip_solutions_handles_a_solution_inside_one_markdown_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md(
            "Before.\n\n:::{solution-start} ex-2\n:::\n\nThe answer.\n\n:::{solution-end}\n:::\n\nAfter."
        )
    ]
    assert [c.source for c in strip_solutions(nb).cells] == ["Before.\n\nAfter."]


def test_strip_solutions_drops_solution_blocks_of_prose():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md(
            "```{exercise} No code\n:label: ex-3\n\nRead the figure.\n```\n\n"
            "```{solution} ex-3\n:class: dropdown\n\nIt shows three.\n```\n\nAfter."
        ),
        _md("```{solution} ex-4\nOnly an answer.\n```"),
    ]
    sources = [c.source for c in strip_solutions(nb).cells]
    assert sources == ["```{exercise} No code\n:label: ex-3\n\nRead the figure.\n```\n\nAfter."]


def test_strip_solutions_drops_a_solution_block_after_a_gated_solutions_end():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _md("Q.\n\n```{solution-start} ex-5\n```"),
        nbformat.v4.new_code_cell("print(5)"),
        _md(
            "Five.\n\n```{solution-end}\n```\n\n```{exercise} No code\n:label: ex-6\n\nSix?\n```"
            "\n\n```{solution} ex-6\nSix.\n```"
        ),
    ]
    sources = [c.source for c in strip_solutions(nb).cells]
    assert sources == ["Q.", "```{exercise} No code\n:label: ex-6\n\nSix?\n```"]


def test_a_notebook_without_solutions_is_unchanged():
    nb = nbformat.v4.new_notebook()
    nb.cells = [_md("# Title\n\nText."), nbformat.v4.new_code_cell("y = 2")]
    assert [c.source for c in strip_solutions(nb).cells] == ["# Title\n\nText.", "y = 2"]


# -- the built editions --------------------------------------------------------------------


@pytest.fixture(scope="session")
def student_site(built_site) -> Path:
    from tokenpower_book.build import build_variant

    stage = built_site.parent / "stage"
    if not stage.exists():
        pytest.skip("the student edition is built beside a fresh build of the teacher's site")
    out = build_variant(ROOT, "student", "html", quiet=True, stage=stage, built=True)
    assert out is not None, "the student edition failed to build"
    return out


@pytest.mark.book
def test_the_student_edition_has_no_solution_text(built_site, student_site):
    checked = 0
    for page in site_pages(built_site):
        teacher = (built_site / page).read_text(encoding="utf-8")
        solutions = _solutions(teacher)
        if not solutions:
            continue
        student = (student_site / page).read_text(encoding="utf-8")
        assert _solutions(student) == [], f"{page}: the student edition still has solution blocks"
        student_text = _text(student)
        for solution in solutions:
            # the solution's own words (its title, "Solution to Exercise n", is not the answer)
            words = solution.split(" ", 5)[-1][:80]
            assert words and words not in student_text, (
                f"{page}: solution text {words!r} is in the student edition"
            )
            checked += 1
        # the exercises themselves stay
        assert teacher.count('class="exercise') == student.count('class="exercise'), page
    assert checked >= 2 * len(CHAPTERS), f"only {checked} solutions were compared"


@pytest.mark.book
def test_the_student_editions_notebooks_have_no_solutions(student_site):
    for stem in CHAPTERS:
        text = (student_site / "notebooks" / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert "solution-start" not in text and "solution-end" not in text, stem
        assert "{solution}" not in text, stem
        assert "{exercise}" in text, stem


@pytest.mark.book
def test_the_answer_key_of_the_handouts_is_in_the_teachers_edition_only(built_site, student_site):
    from tokenpower_book.handouts import lessons

    page = "book/handouts.html"
    teacher = (built_site / page).read_text(encoding="utf-8")
    student = (student_site / page).read_text(encoding="utf-8")
    key = re.search(r'<section class="tp-answer-key"[^>]*>(.*)</section>', teacher, re.S)
    assert key, "the teacher's handouts page has no answer key"
    assert 'id="answer-key"' not in student and "Answer key" not in _text(student)
    answers = [p for p in re.findall(r"<p>(.*?)</p>", key[1], re.S) if len(_text(p)) > 40]
    assert len(answers) >= 2 * len(lessons(ROOT / "book"))
    student_text = _text(student)
    for answer in answers:
        assert _text(answer)[:80] not in student_text, (
            f"answer {_text(answer)[:80]!r} in the student edition"
        )
    # both editions carry every lesson's handout
    for lesson in lessons(ROOT / "book"):
        assert f'id="handout-lesson-{lesson.number}"' in teacher
        assert f'id="handout-lesson-{lesson.number}"' in student


# -- the PDF -------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def book_pdf(built_site, tmp_path_factory) -> Path:
    from tokenpower_book.pdf import build_pdf

    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        pytest.skip("pdftotext and pdfinfo (poppler-utils) are needed to read the PDF")
    stage = built_site.parent / "stage"
    target = tmp_path_factory.mktemp("pdf") / "book.pdf"
    return build_pdf(ROOT, output=target, stage=stage, built=stage.exists())


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(page.split()) for page in text.split("\f")]


def _fold(text: str) -> str:
    """Letters and digits only, so line breaks and hyphenation in the PDF do not matter."""
    return re.sub(r"[^0-9a-z]+", "", text.lower())


@pytest.mark.book
def test_the_pdf_starts_each_chapter_on_a_page_and_has_every_title_and_caption(
    built_site, book_pdf
):
    pages = _pdf_pages(book_pdf)
    folded_pages = [_fold(p) for p in pages]
    whole = "".join(folded_pages)
    starts = []
    for stem in CHAPTERS:
        page = (built_site / "book" / f"{stem}.html").read_text(encoding="utf-8")
        title = _text(re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)).rstrip("#").strip()
        # a chapter's page starts with its number and title ("1. The 1858 cable ...")
        unnumbered = [re.sub(r"^\d+", "", p) for p in folded_pages]
        starts.append(
            next((i for i, p in enumerate(unnumbered) if p.startswith(_fold(title)[:40])), None)
        )
        assert starts[-1] is not None, f"no page of the PDF starts with the chapter title {title!r}"
        for caption in re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S):
            words = _fold(_text(caption))
            assert words[:60] in whole, (
                f"{stem}: figure caption {_text(caption)[:60]!r} is not in the PDF"
            )
    assert starts == sorted(starts) and len(set(starts)) == len(starts), "chapters out of order"
    assert "contents" in folded_pages[0]


@pytest.mark.book
def test_each_lesson_handout_starts_a_page_of_the_pdf_with_its_exercises(book_pdf):
    from tokenpower_book.handouts import lessons

    pages = [_fold(p) for p in _pdf_pages(book_pdf)]
    found = []
    for lesson in lessons(ROOT / "book"):
        title = _fold(re.sub(r"\{[^}]*\}", "", lesson.title))
        starts = [i for i, p in enumerate(pages) if p.startswith(title + "readbeforethelesson")]
        assert starts, f"no page of the PDF starts with the handout {lesson.title!r}"
        page = pages[starts[0]]
        for exercise in lesson.handout_exercises:
            plain = [line for line in exercise.text.splitlines() if "{" not in line]
            assert plain, f"{exercise.label}: every line has markup"
            words = _fold(max(plain, key=len))[:40]
            assert words in page, f"{lesson.title}: exercise {exercise.label} is not on its page"
        assert "discussionquestions" in page, lesson.title
        found.append(starts[0])
    assert found == sorted(found)
    assert any(p.startswith("answerkey") for p in pages), "the teacher's PDF has no answer key"


@pytest.mark.book
def test_the_teacher_pdf_has_solutions_and_no_code_by_default(book_pdf):
    text = " ".join(_pdf_pages(book_pdf))
    assert "Solution to Exercise" in text
    # every chapter's first code cell sets the chart style; prose never names it
    assert "use_book_style" not in text


def test_with_code_the_page_gets_the_styles_that_print_code_cells(tmp_path):
    from tokenpower_book.pdf import ROOT_PAGE, prepare_page

    (tmp_path / ROOT_PAGE).parent.mkdir(parents=True)
    (tmp_path / ROOT_PAGE).write_text("<html><head></head><body>x</body></html>")
    plain = prepare_page(tmp_path, with_code=False).read_text()
    coded = prepare_page(tmp_path, with_code=True).read_text()
    assert "_static/pdf.css" in plain and ".cell_input" not in plain
    assert ".cell_input" in coded and "display: block" in coded


def test_print_drawings_move_to_files_and_identical_ones_share_one():
    from tokenpower_book.sphinx_print_images import externalise

    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text>A &amp; B</text></svg>'
    encoded = urllib.parse.quote(svg, safe=" :/=;,.-_()'!*~+?@$")
    img = f'<img class="tp-chart-static" alt="a chart" src="data:image/svg+xml;charset=utf-8,{encoded}">'
    written = {}
    body = externalise(
        f"<p>one</p>{img}<p>two</p>{img}", written.__setitem__, lambda n: f"../_images/print/{n}"
    )
    assert list(written.values()) == [svg]  # decoded back to the drawing, stored once
    name = next(iter(written))
    assert body == (
        f'<p>one</p><img class="tp-chart-static" alt="a chart" src="../_images/print/{name}">'
        f'<p>two</p><img class="tp-chart-static" alt="a chart" src="../_images/print/{name}">'
    )
    assert "data:" not in body


def test_prose_words_count_prose_and_exercises_not_code_or_markup():
    from tokenpower_book.sphinx_reading import prose_words

    text = (
        "---\njupytext:\n  format_name: myst\n---\n"
        "# A title here\n\n"  # 3 words
        "% a comment the reader never sees\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\nimport pandas as pd\nx = 1\n```\n\n"
        "The share was {glue:text}`share:.0f` % in {term}`the glossary` year.\n\n"  # 8 words (a % sign is not one)
        ":::{admonition} Key numbers\n:class: tip\n- one [linked word](https://example.org)\n:::\n"
    )  # the admonition's title line is markup; its item has 3 words
    assert prose_words(text) == 3 + 8 + 3


def test_reading_minutes_round_up_to_five():
    from tokenpower_book.sphinx_reading import reading_minutes

    assert reading_minutes(2380, 238) == 10  # exactly 10 minutes
    assert reading_minutes(2381, 238) == 15  # a word more: the next five minutes
    assert reading_minutes(100, 238) == 5  # never under five
