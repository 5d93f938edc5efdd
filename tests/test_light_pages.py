"""Lighter pages: plain code tokens lose their spans, repeated citation tooltips go, bench measures pages."""

from __future__ import annotations

import re

from tokenpower_book.bench import PAGE_TARGET_BYTES, page_sizes
from tokenpower_book.sphinx_light_pages import drop_repeated_tooltips, unwrap_plain


def test_plain_code_tokens_lose_their_spans_and_keep_their_text():
    body = (
        '<p><span class="n">prose</span></p><div class="highlight"><pre>'
        '<span class="n">x</span><span class="w"> </span><span class="o">=</span>'
        '<span class="w"> </span><span class="nb">len</span><span class="p">(</span>'
        '<span class="s2">&quot;a&quot;</span><span class="p">)</span></pre></div>'
    )
    out = unwrap_plain(body)
    assert out == (
        '<p><span class="n">prose</span></p><div class="highlight"><pre>'
        'x <span class="o">=</span> <span class="nb">len</span>('
        '<span class="s2">&quot;a&quot;</span>)</pre></div>'
    )
    assert re.sub("<[^>]+>", "", out) == re.sub("<[^>]+>", "", body)


def test_only_the_first_link_to_a_target_keeps_its_tooltip():
    link = '<a class="reference internal" href="references.html#id{}" title="Entry {}">'
    body = link.format(1, 1) + link.format(2, 2) + link.format(1, 1)
    assert drop_repeated_tooltips(body) == (
        link.format(1, 1)
        + link.format(2, 2)
        + '<a class="reference internal" href="references.html#id1">'
    )


def test_bench_reports_each_page_against_the_target(tmp_path):
    (tmp_path / "book").mkdir()
    (tmp_path / "index.html").write_text("x")
    (tmp_path / "book" / "big.html").write_text("x" * (PAGE_TARGET_BYTES + 1024))
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "skip.html").write_text("x")
    rows = {name: (value, note) for name, value, note in page_sizes(tmp_path)}
    assert rows["page HTML: book/big.html"] == ("301.0 KB", "OVER the 300 KB target")
    assert rows["page HTML: index.html"] == ("0.0 KB", "target <= 300 KB")
    assert "page HTML: _static/skip.html" not in rows
    assert rows["pages over 300 KB"] == ("1 of 2", "target 0")
